-- Bankly partners' source-IP allowlist (issue 16 item 13): masked CIDRs
-- separated by one space, sorted; '' allows any source. A request from
-- outside a non-empty list is CLIENT_NETWORK_FAILURE.
ALTER TABLE partners ADD COLUMN allowed_cidrs TEXT NOT NULL DEFAULT '';
