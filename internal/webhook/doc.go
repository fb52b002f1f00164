// Package webhook delivers Pix notifications to the integrators' webhooks:
// the durable outbox and its [Dispatcher] (BACEN API Pix, the callback of
// PUT /webhook/{chave}; seed 000 §10, "Webhook" and "Autenticação TLS").
//
// # What is sent
//
// A Pix received on a txid, and a Pix whose devolução reached DEVOLVIDO or
// NAO_REALIZADO, is announced to the webhook configured for the chave it was
// paid to: brasa POSTs {"pix":[...]} (the spec's WebhookPixBody) as
// application/json to the webhook URL with "/pix" appended to the very end
// of the string, query string included (bacen/pix-api#241; see [Target]).
// Several Pix of one chave that are due together go in one POST (#296), at
// most [Options.BatchSize]. Any 2xx answer delivers them; any other answer,
// and any transport or TLS error, is retried.
//
// # Durability
//
// The state change that notifies (the settlement of a Pix, a devolução's
// final status) writes a [Notification] row through [Outbox.Enqueue] in the
// same transaction, so a notification exists exactly when the state change
// committed; after the commit it nudges the dispatcher
// ([Dispatcher.Notify]) so that the POST leaves within milliseconds rather
// than at the next poll. A [Dispatcher] claims due rows with a lease ([Store.Claim]),
// POSTs them, and records each attempt together with the rows' new state in
// one transaction ([Store.Record]): delivered, rescheduled with exponential
// backoff and jitter, or failed once the deadline (24 hours by default) has
// passed. Leases are short ([Options.Lease], 6 s by default) and renewed
// every [Options.RenewInterval] (2 s) while a POST is in flight
// ([Store.Renew]), so a slow receiver keeps its rows with their dispatcher,
// while a dispatcher that dies mid-flight loses nothing and delays nothing
// for long: its lease runs out within seconds and a dispatcher (this process
// after a restart, or another one sharing a PostgreSQL database) claims the
// rows again. A dispatcher that cannot renew a lease (cut off from the
// database) abandons its POST before the lease runs out, and one whose rows
// another claim took abandons it at once, so two live dispatchers never
// POST a notification at the same time.
//
// Delivery is therefore at least once, never exactly once: a POST whose
// answer was lost, or that was abandoned with its lease (the receiver may
// have read it), is sent again. Receivers deduplicate by endToEndId (and, for
// refunds, by the devolução's id and status). There is no order between
// POSTs: two batches of one chave may be in flight at once.
//
// # Transport
//
// The channel is mutual TLS: brasa presents its webhook client certificate
// (issued by the brasa CA and offered for download, as Sicredi offers
// webhook-sicredi.cer) and verifies the receiver's server certificate
// against the system roots plus the configured extra CAs. Build the
// configuration with pki.ClientTLSConfig and pass it as [Options.TLSConfig].
// The client speaks HTTP/1.1 with keep-alive, always presents its
// certificate, and records TLS failures as the receiver reported them
// ("remote error: tls: unknown certificate authority"), so the delivery
// history tells an integrator what to fix. Redirects are not followed: a 3xx
// answer is a failed attempt.
//
// # Time
//
// Every time the dispatcher stores or compares (due times, leases,
// deadlines, attempt times) comes from [Options.Clock], so the sandbox's
// movable clock applies; call [Dispatcher.Notify] after moving it. Waiting
// uses real timers, and the retry tests run under testing/synctest. Moving
// the clock past a lease lets a row in flight be claimed again, which at
// least once delivery allows.
package webhook
