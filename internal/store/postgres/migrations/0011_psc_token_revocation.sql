-- PSC token revocation (issue 16): the authorization a token was issued
-- from (empty for client_token tokens), so that reusing its code revokes it
-- (RFC 6749 §4.1.2), and when it was revoked by the application (RFC 7009)
-- or by the holder (0: not revoked). Unix microseconds UTC.

ALTER TABLE psc_tokens ADD COLUMN authorization_id TEXT NOT NULL DEFAULT '';
ALTER TABLE psc_tokens ADD COLUMN revoked_at BIGINT NOT NULL DEFAULT 0;

CREATE INDEX psc_tokens_by_authorization ON psc_tokens (authorization_id);
CREATE INDEX psc_tokens_by_holder ON psc_tokens (documento, client_id);
