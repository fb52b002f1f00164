package brcode

import "errors"

// The kinds of error [Parse] and [Encode] report. A [*ParseError] wraps
// exactly one of them, so callers test the kind with errors.Is:
//
//	if errors.Is(err, brcode.ErrCRC) { ... }
var (
	// ErrCRC means the checksum in data object 63 does not match the
	// payload: the check a payer's app makes before anything else, and the
	// usual sign of a code typed or copied wrongly.
	ErrCRC = errors.New("brcode: CRC mismatch")

	// ErrMalformed means the payload is not a sequence of data objects of a
	// two-digit ID, a two-digit length and a value of that many characters
	// (EMV QRCPS Merchant-Presented Mode, "Data Objects"), or is not UTF-8,
	// or repeats an ID, or holds a control character.
	ErrMalformed = errors.New("brcode: malformed payload")

	// ErrMissingField means a data object the BR Code requires is absent.
	ErrMissingField = errors.New("brcode: missing field")

	// ErrInvalidField means a data object is present but its value breaks
	// the BR Code rules (format, length, allowed values or position).
	ErrInvalidField = errors.New("brcode: invalid field")

	// ErrNotPix means the payload is an EMV merchant-presented code but none
	// of its merchant account templates (IDs 26 to 51) carries the Pix GUI
	// "br.gov.bcb.pix".
	ErrNotPix = errors.New("brcode: not a Pix code")
)

// ParseError describes why a payload or a [Code] is not a valid BR Code. [Parse]
// and [Encode] return it.
type ParseError struct {
	// Field is the data object at fault: a top-level ID such as "63", a
	// template ID and a sub-ID joined by a dot such as "26.25" or "62.05",
	// or "" for the payload as a whole.
	Field string
	// Reason says what is wrong, in a sentence fit for a user.
	Reason string
	// Err is the kind: ErrCRC, ErrMalformed, ErrMissingField,
	// ErrInvalidField or ErrNotPix.
	Err error
}

// Error returns "brcode: field ID: reason" ("brcode: reason" when Field is
// empty).
func (e *ParseError) Error() string {
	if e.Field == "" {
		return "brcode: " + e.Reason
	}
	return "brcode: field " + e.Field + ": " + e.Reason
}

// Unwrap returns the kind, so errors.Is(err, ErrCRC) and the like work.
func (e *ParseError) Unwrap() error { return e.Err }

func perr(kind error, field, reason string) *ParseError {
	return &ParseError{Field: field, Reason: reason, Err: kind}
}
