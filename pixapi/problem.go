package pixapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// ErrorTypeBase is the prefix of every BACEN Pix API error type URI; the
// last path segment names the error, as in ErrorTypeBase+"CobOperacaoInvalida".
const ErrorTypeBase = "https://pix.bcb.gov.br/api/v2/error/"

// Sentinel errors matched with [errors.Is] against the errors [Client.Do] and
// [Client.Token] return. Both [*Problem] and [*HTTPError] match the sentinel
// of their status, so a caller need not care which body the server sent:
//
//	if errors.Is(err, pixapi.ErrNotFound) { ... }
var (
	ErrUnauthorized = errors.New("pixapi: unauthorized") // status 401
	ErrForbidden    = errors.New("pixapi: forbidden")    // status 403
	ErrNotFound     = errors.New("pixapi: not found")    // status 404
)

// statusSentinel returns the sentinel error of an HTTP status, or nil.
func statusSentinel(status int) error {
	switch status {
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound:
		return ErrNotFound
	}
	return nil
}

// Problem is the RFC 7807 error body of the Pix API
// (application/problem+json), as the BACEN specification defines it and
// brasa's server renders it. It is also the error [Client.Do] and
// [Client.Token] return for such a body; find it with [errors.As]:
//
//	var p *pixapi.Problem
//	if errors.As(err, &p) && p.Tipo() == "CobOperacaoInvalida" { ... }
type Problem struct {
	// Type is a URI naming the error, ErrorTypeBase followed by its name
	// (see [Problem.Tipo]).
	Type string `json:"type"`
	// Title is a short human-readable summary of Type.
	Title string `json:"title"`
	// Status is the HTTP status code.
	Status int `json:"status"`
	// Detail explains this occurrence of the error.
	Detail string `json:"detail,omitempty"`
	// CorrelationID identifies the request in the server's logs.
	CorrelationID string `json:"correlationId,omitempty"`
	// Violacoes lists the broken rules of an invalid request.
	Violacoes []Violacao `json:"violacoes,omitempty"`
}

// Violacao is one broken rule of a request: why (Razao), where (Propriedade,
// the dotted path of the offending field, such as "cob.calendario.expiracao")
// and, optionally, the offending value.
type Violacao struct {
	Razao       string `json:"razao"`
	Propriedade string `json:"propriedade"`
	Valor       string `json:"valor,omitempty"`
}

// Tipo returns the name of the error: the last path segment of Type, such as
// "CobOperacaoInvalida" or "RequisicaoInvalida".
func (p *Problem) Tipo() string {
	t := strings.TrimRight(p.Type, "/")
	return t[strings.LastIndexByte(t, '/')+1:]
}

// Error formats the problem as "pixapi: <status> <Tipo>: <detail>", falling
// back to the title when there is no detail, and appending the violations in
// brackets ("[cob.chave: Não foi localizada a chave informada]").
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString("pixapi: ")
	b.WriteString(strconv.Itoa(p.Status))
	if t := p.Tipo(); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	switch {
	case p.Detail != "":
		b.WriteString(": ")
		b.WriteString(p.Detail)
	case p.Title != "":
		b.WriteString(": ")
		b.WriteString(p.Title)
	}
	if len(p.Violacoes) > 0 {
		b.WriteString(" [")
		for i, v := range p.Violacoes {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(v.Propriedade)
			b.WriteString(": ")
			b.WriteString(v.Razao)
		}
		b.WriteByte(']')
	}
	return b.String()
}

// Is reports whether target is the sentinel of p's status ([ErrUnauthorized],
// [ErrForbidden] or [ErrNotFound]).
func (p *Problem) Is(target error) bool {
	s := statusSentinel(p.Status)
	return s != nil && s == target
}

// ProblemList is the error returned when an error body is a JSON array of
// more than one problem. (Sicredi's token endpoint answers its 400 errors as
// an array, usually of one problem; a one-element array is returned as the
// bare [*Problem].) [errors.As] with a *Problem target finds the first
// problem of the list and [errors.Is] matches the sentinel of any of them.
type ProblemList struct {
	Problems []*Problem
}

// Error returns the first problem's message and how many more there are.
func (l *ProblemList) Error() string {
	switch len(l.Problems) {
	case 0:
		return "pixapi: empty problem list"
	case 1:
		return l.Problems[0].Error()
	}
	return l.Problems[0].Error() + " (and " + strconv.Itoa(len(l.Problems)-1) + " more)"
}

// Unwrap returns the problems, for [errors.Is] and [errors.As].
func (l *ProblemList) Unwrap() []error {
	errs := make([]error, len(l.Problems))
	for i, p := range l.Problems {
		errs[i] = p
	}
	return errs
}

// HTTPError is the error returned for a non-2xx response whose body is not a
// Pix problem: for example the HTML "Access Denied" page Sicredi serves with
// status 403 when no client certificate was presented. It matches the
// sentinel of its status with [errors.Is].
type HTTPError struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// Body holds at most the first 512 bytes of the response body.
	Body string
}

// Error formats the error as "pixapi: <status> <status text>", followed by
// the page title of an HTML body or the first line of any other body.
func (e *HTTPError) Error() string {
	s := "pixapi: " + strconv.Itoa(e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		s += " " + t
	}
	if sum := summarize(e.Body); sum != "" {
		s += ": " + sum
	}
	return s
}

// Is reports whether target is the sentinel of e's status.
func (e *HTTPError) Is(target error) bool {
	s := statusSentinel(e.StatusCode)
	return s != nil && s == target
}

var htmlTitle = regexp.MustCompile(`(?is)<title>(.*?)</title>`)

// summarize returns a short one-line description of an error body.
func summarize(body string) string {
	if m := htmlTitle.FindStringSubmatch(body); m != nil {
		body = html.UnescapeString(m[1])
	}
	body = strings.TrimSpace(body)
	if i := strings.IndexAny(body, "\r\n"); i >= 0 {
		body = strings.TrimSpace(body[:i])
	}
	const max = 120
	if len(body) > max {
		cut := max
		for cut > 0 && !isRuneStart(body[cut]) {
			cut--
		}
		body = body[:cut] + "…"
	}
	return body
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// httpErrorBodyLen is how much of a body HTTPError keeps.
const httpErrorBodyLen = 512

// decodeError turns a non-2xx response body into an error: a JSON object
// with the fields of a problem becomes a *Problem; a JSON array of
// problems becomes a *Problem (one element) or a *ProblemList; anything else
// becomes an *HTTPError.
func decodeError(status int, body []byte) error {
	// The body is sniffed rather than trusted to its Content-Type: PSPs send
	// problems as application/problem+json, application/json and sometimes
	// text/plain, and an HTML page never starts with { or [.
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 {
		switch trimmed[0] {
		case '{':
			var p Problem
			if json.Unmarshal(trimmed, &p) == nil && looksLikeProblem(&p) {
				if p.Status == 0 {
					p.Status = status
				}
				return &p
			}
		case '[':
			var ps []*Problem
			if json.Unmarshal(trimmed, &ps) == nil && len(ps) > 0 {
				ok := true
				for _, p := range ps {
					if p == nil || !looksLikeProblem(p) {
						ok = false
						break
					}
					if p.Status == 0 {
						p.Status = status
					}
				}
				if ok {
					if len(ps) == 1 {
						return ps[0]
					}
					return &ProblemList{Problems: ps}
				}
			}
		}
	}
	if len(body) > httpErrorBodyLen {
		body = body[:httpErrorBodyLen]
	}
	return &HTTPError{StatusCode: status, Body: string(body)}
}

// looksLikeProblem reports whether p carries at least a type, a title or a
// detail, so that other JSON error dialects (OAuth's {"error": ...}) are kept
// verbatim in an HTTPError rather than turned into an empty Problem.
func looksLikeProblem(p *Problem) bool {
	return p.Type != "" || p.Title != "" || p.Detail != ""
}
