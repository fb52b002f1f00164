// Package errs defines the one error type the domain packages and stores
// return. Each API surface maps [Kind] (and, where it needs to, [Error.Code])
// to its own wire dialect in exactly one table: Pix problem+json, SISGRU XML,
// Bankly JSON, PSC OAuth-style errors. Nothing in this package knows HTTP.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the surface that renders it. The zero value is
// EInternal, so an unclassified error fails closed: it is logged with a
// correlation id and never shown to clients.
type Kind uint8

// The error kinds. Their comments say what each surface usually answers.
const (
	EInternal        Kind = iota // 500, cause logged only
	EInvalid                     // 400, the request breaks a schema or a rule
	EUnauthorized                // 401, credentials absent or unreadable
	EForbidden                   // 403, authenticated but not allowed
	ENotFound                    // 404
	EConflict                    // a unique key already exists (surfaces choose 400 or 409)
	EGone                        // 410
	ETooLarge                    // 413
	ETooManyRequests             // 429
	EUnprocessable               // 422
)

var kindNames = [...]string{"internal", "invalid", "unauthorized", "forbidden", "not found", "conflict", "gone", "too large", "too many requests", "unprocessable"}

// String returns a short English name of k, for logs.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Violation is one broken rule of a request: Reason is safe to show, Property
// is the dotted path of the offending field (BACEN's "violacoes": razao,
// propriedade, valor).
type Violation struct {
	Reason   string
	Property string
	Value    string
}

// Error is a domain error whose Message and Violations are safe to show to API
// clients. Code is an optional machine code a surface may need (for example
// Bankly's "CLIENT_CERTIFICATE_HAS_EXPIRED"); Err is the cause, logged only.
type Error struct {
	Kind       Kind
	Code       string
	Message    string
	Violations []Violation
	Err        error
}

// Error implements error. It includes the cause for logs; surfaces show only
// Message.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Kind.String()
	}
	if e.Code != "" {
		msg = e.Code + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error of kind k with a message formatted from format and args.
func New(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of kind k with message msg whose cause is err.
func Wrap(k Kind, err error, msg string) *Error {
	return &Error{Kind: k, Message: msg, Err: err}
}

// Invalid returns an EInvalid error with one violation of property.
func Invalid(property, reason string) *Error {
	return &Error{Kind: EInvalid, Message: reason, Violations: []Violation{{Reason: reason, Property: property}}}
}

// WithCode returns a copy of e carrying code; e itself is not modified, so
// package-level sentinels stay immutable.
func (e *Error) WithCode(code string) *Error {
	c := *e
	c.Code = code
	return &c
}

// WithMessage returns a copy of e with message msg.
func (e *Error) WithMessage(msg string) *Error {
	c := *e
	c.Message = msg
	return &c
}

// KindOf returns the Kind of the first *Error in err's chain, or EInternal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return EInternal
}

// Is reports whether err carries an *Error of kind k.
func Is(err error, k Kind) bool {
	return err != nil && KindOf(err) == k
}

// As returns the first *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
