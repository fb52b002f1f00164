// Package spectest validates brasa's Pix API traffic against the official
// BACEN spec (API Pix 2.9.0) with kin-openapi, for the end-to-end tests
// (DESIGN.md, Testing).
//
// The spec is not part of the repository. [Load] reads it from the file named
// by BRASA_PIX_SPEC, by default ../shared/specs/pix-api-2.9.0.yaml relative to
// the module root, parses it once per test binary, corrects its known defects
// in memory (see [Patches]; each patch names the note it comes from and fails
// when the defect is gone) and builds a router for it. When the file does not
// exist, [Load] skips the calling test (for tests of the spec itself) and
// [Validator] returns nil, which validates nothing (for end-to-end tests:
// on a fresh clone without ../shared they still assert everything else, and
// log that the spec checks were skipped). BRASA_REQUIRE_SPEC (CI) turns a
// missing file into a failure for both.
//
// Typical use in an end-to-end test:
//
//	spec := spectest.Validator(t)
//	client := spec.Client(t, mtlsClient) // every /api/v2/... and /v2/... response is validated
//
// What is checked for a request under /api/v2/ or /v2/:
//
//   - It must match an operation of the spec (method and path). brasa serving
//     anything else is reported, whatever the status: probe off-spec paths
//     (a 404 for /api/v2/nada) with an unwrapped client.
//   - The status must be declared by the operation or be one of the general
//     statuses every operation may answer (see [GeneralStatuses]).
//   - A 2xx body must have the declared content type (parameters such as
//     charset are allowed) and match the declared schema; a status declared
//     without content must come without a body; declared headers (Location
//     of POST /loc) must match their schema. The request must match the spec
//     as well (parameters and body): a 2xx answer to a request the spec
//     forbids is a bug.
//   - An error (4xx, 5xx) body must be application/problem+json and a
//     Problema (RFC 7807) whose status equals the HTTP status and whose type
//     is https://pix.bcb.gov.br/api/v2/error/<Tipo>. The one exception is
//     the 403 text/html "Access Denied" page of the mTLS edge (DESIGN.md,
//     seed 000 Anexo III), which is not a Pix API answer.
//
// Payload locations, served by the web listener under /qr/v2, are checked
// with [Spec.ValidatePayloadResponse] (the JWS) or [Spec.ValidatePayload]
// (its decoded payload); webhook notifications with
// [Spec.ValidateWebhookNotification]. [Spec.Transport] does not touch them.
//
// The spec's examples are not validated: several are wrong themselves (see
// the comment in parse).
//
// Authentication is not checked here (it is brasa's own business and has
// its own tests): operations' OAuth2 requirements are accepted as met.
package spectest
