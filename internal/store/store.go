// Package store persists brasa's data in SQLite (the embedded default) or
// PostgreSQL (scale-out). Both engines share this implementation over
// database/sql; the sqlite and postgres subpackages open a [DB] with their
// driver, migrations and error-code mapping, and storetest runs one
// conformance suite against both.
//
// Stores only persist: the rules live in the domain packages (pix, oauth,
// pki). Errors come back as *errs.Error of kind errs.ENotFound or
// errs.EConflict (unique key taken, mapped from the driver's error code, never
// its message); anything else is errs.EInternal, wrapping its cause (so
// errors.Is(err, context.Canceled) works when a call's context ended).
//
// What comes back is what was stored, normalized the same way on both
// engines:
//   - times are UTC, truncated to the microsecond (they are stored as unix
//     microseconds); the zero time stays zero;
//   - an empty slice, whether a list result, a list field or a byte value,
//     comes back nil;
//   - a credential's Scopes, Thumbprints and AllowedCIDRs come back sorted,
//     without duplicates (they are stored as one space-separated column, so
//     an element that is empty or holds white space is refused as
//     errs.EInvalid);
//   - lists are ordered by creation time, then by key, so their order is
//     stable.
//
// Several writes that must commit together (a state change and its webhook
// outbox row) go through [DB.Tx].
package store

import (
	"context"
	"time"

	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/pki"
)

// Store is everything a brasa database does. Consumers declare the small
// subsets they use; *DB implements it on both engines; storetest.Run checks
// it.
type Store interface {
	// Ping reports whether the database answers (readiness).
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error

	// CreateRecebedor stores r. EConflict if its Documento exists.
	CreateRecebedor(ctx context.Context, r *pix.Recebedor) error
	// Recebedor returns the recebedor with documento. ENotFound if none.
	Recebedor(ctx context.Context, documento string) (*pix.Recebedor, error)
	// CreateChave stores c. EConflict if the key is registered to anyone;
	// ENotFound if its recebedor does not exist.
	CreateChave(ctx context.Context, c *pix.Chave) error
	// Chave returns the registered key chave. ENotFound if none.
	Chave(ctx context.Context, chave string) (*pix.Chave, error)
	// Chaves lists documento's keys in creation order (then by key).
	Chaves(ctx context.Context, documento string) ([]pix.Chave, error)

	// CreateCredential stores c with its scopes, bound thumbprints and
	// allowed CIDRs. EConflict if the client_id exists; EInvalid if a list
	// element is empty or holds white space.
	CreateCredential(ctx context.Context, c *oauth.Credential) error
	// Credential returns the credential clientID. ENotFound if none.
	Credential(ctx context.Context, clientID string) (*oauth.Credential, error)
	// Credentials lists the credentials of owner (any kind), oldest first
	// (then by client_id).
	Credentials(ctx context.Context, owner string) ([]oauth.Credential, error)
	// SetCredentialStatus changes clientID's status; at is recorded as
	// RevokedAt when status is revoked, and RevokedAt is cleared for any
	// other status. ENotFound if none.
	SetCredentialStatus(ctx context.Context, clientID string, status oauth.CredentialStatus, at time.Time) error
	// BindCertificate binds the certificate thumbprint to clientID
	// (idempotent). ENotFound if the credential does not exist; EInvalid if
	// thumbprint is empty or holds white space.
	BindCertificate(ctx context.Context, clientID, thumbprint string) error
	// UnbindCertificate removes a binding (idempotent: a binding or
	// credential that does not exist is not an error).
	UnbindCertificate(ctx context.Context, clientID, thumbprint string) error

	// CreateCertificate stores c. EConflict if its serial or thumbprint exists.
	CreateCertificate(ctx context.Context, c *pki.CertificateRecord) error
	// CertificateByThumbprint returns the certificate with x5t#S256
	// thumbprint. ENotFound if none.
	CertificateByThumbprint(ctx context.Context, thumbprint string) (*pki.CertificateRecord, error)
	// CertificateBySerial returns the certificate with the hex serial.
	// ENotFound if none.
	CertificateBySerial(ctx context.Context, serial string) (*pki.CertificateRecord, error)
	// Certificates lists owner's certificates of type t ("" for all types),
	// oldest first (then by serial).
	Certificates(ctx context.Context, owner string, t pki.CertType) ([]pki.CertificateRecord, error)
	// RevokeCertificate marks serial revoked at at with reason. Revoking a
	// revoked certificate keeps the first revocation. ENotFound if none.
	RevokeCertificate(ctx context.Context, serial, reason string, at time.Time) error

	// PutSecretIfAbsent stores value under name unless name exists, and
	// returns what is stored under name afterwards: when several instances
	// start at once on one database, the first writer wins and all use its
	// value (CA, token signing keys, pepper; values are sealed by the caller).
	PutSecretIfAbsent(ctx context.Context, name string, value []byte) ([]byte, error)
	// Secret returns the value stored under name. ENotFound if none.
	Secret(ctx context.Context, name string) ([]byte, error)

	// CobStore keeps charges (cob, cobv), their revisions and payload
	// locations.
	pix.CobStore
}
