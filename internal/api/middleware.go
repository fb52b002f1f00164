package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain applies mws to h, the first outermost.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

type ctxKey int

const (
	keyCorrelationID ctxKey = iota
	keyPeer
	keyLogAttrs
)

// NewCorrelationID returns a fresh id in the form of Sicredi's correlationId
// ("fc105e34-12615826", seed 000 Anexo III): 8 + 8 hex digits.
func NewCorrelationID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	var out [17]byte
	hex.Encode(out[:8], b[:4])
	out[8] = '-'
	hex.Encode(out[9:], b[4:])
	return string(out[:])
}

// CorrelationID returns the request's correlation id ("" outside a request).
func CorrelationID(ctx context.Context) string {
	s, _ := ctx.Value(keyCorrelationID).(string)
	return s
}

// WithCorrelationID gives each request a correlation id, in its context and in
// the X-Correlation-Id response header; error bodies and logs carry it.
func WithCorrelationID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := NewCorrelationID()
		w.Header().Set("X-Correlation-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyCorrelationID, id)))
	})
}

// statusWriter records the status and size written.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// StatusClientClosedRequest is the status the access log records for a
// request its client abandoned (nginx's 499 "client closed request"): no
// response reached anyone, so the status the handler wrote is not logged as
// the request's.
const StatusClientClosedRequest = 499

// bodyWatch remembers whether reading the request body failed because the
// client went away (a connection reset or closed mid-body, an HTTP/2 stream
// reset). The size limit (*http.MaxBytesError) is raised above it, by
// MaxBody, so it never counts.
type bodyWatch struct {
	io.ReadCloser
	broken bool
}

func (b *bodyWatch) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() { // a read timeout is the server's decision
			b.broken = true
		}
	}
	return n, err
}

// ClientGone reports whether r's client has gone away: it cancelled the
// request (HTTP/2 RST_STREAM) or closed the connection (HTTP/1.1). Error
// renderers use it to log a failure caused by the cancellation (a query
// cut short, an unreadable body) without ERROR.
func ClientGone(r *http.Request) bool {
	if errors.Is(r.Context().Err(), context.Canceled) {
		return true
	}
	la, ok := r.Context().Value(keyLogAttrs).(*logAttrs) // set by AccessLog
	return ok && la.body != nil && la.body.broken
}

// LogFailure logs a request's internal failure at ERROR, or at INFO when
// [ClientGone]: the client cancelled and the failure is a consequence.
func LogFailure(log *slog.Logger, r *http.Request, msg string, args ...any) {
	level := slog.LevelError
	if ClientGone(r) {
		level = slog.LevelInfo
		args = append(args, "cancelled", true)
	}
	log.Log(r.Context(), level, msg, args...)
}

// logAttrs lets inner handlers add attributes (client_id, error cause) to the
// access log line.
type logAttrs struct {
	attrs []slog.Attr
	body  *bodyWatch
}

// AddLogAttrs adds attributes to the request's access log line. Never pass
// secrets: the line is written as is.
func AddLogAttrs(ctx context.Context, attrs ...slog.Attr) {
	if la, ok := ctx.Value(keyLogAttrs).(*logAttrs); ok {
		la.attrs = append(la.attrs, attrs...)
	}
}

// AccessLog writes one JSON log line per request: method, path (no query
// string: it can carry CPFs), status, bytes, duration, correlation id, remote
// address. Headers, bodies and tokens are never logged. A request its client
// abandoned ([ClientGone]) is logged at INFO with status 499, cancelled=true
// and the status the handler wrote, if any, as handlerStatus: it is not a
// server error, whatever the handler made of the broken body or context.
func AccessLog(log *slog.Logger, surface string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w}
			la := &logAttrs{}
			ctx := context.WithValue(r.Context(), keyLogAttrs, la)
			r = r.WithContext(ctx)
			if r.Body != nil && r.Body != http.NoBody {
				la.body = &bodyWatch{ReadCloser: r.Body}
				r.Body = la.body
			}
			next.ServeHTTP(sw, r)
			level := slog.LevelInfo
			status := sw.status
			var extra []slog.Attr
			if ClientGone(r) {
				status = StatusClientClosedRequest
				extra = []slog.Attr{slog.Bool("cancelled", true), slog.Int("handlerStatus", sw.status)}
			} else if sw.status >= 500 {
				level = slog.LevelError
			}
			attrs := append([]slog.Attr{
				slog.String("surface", surface),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Int64("bytes", sw.bytes),
				slog.Duration("duration", time.Since(start)),
				slog.String("correlationId", CorrelationID(ctx)),
				slog.String("remote", r.RemoteAddr),
			}, extra...)
			attrs = append(attrs, la.attrs...)
			log.LogAttrs(ctx, level, "request", attrs...)
		})
	}
}

// Recover turns a panic into a logged internal error rendered by render, so
// one bad request never takes the process down nor leaks a stack trace.
func Recover(log *slog.Logger, render func(http.ResponseWriter, *http.Request, error)) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					log.ErrorContext(r.Context(), "panic", "value", v, "correlationId", CorrelationID(r.Context()), "stack", string(debug.Stack()))
					render(w, r, errs.New(errs.EInternal, "panic"))
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// MaxBody limits request bodies to n bytes. Reading past the limit fails with
// *http.MaxBytesError, which [BodyError] turns into an ETooLarge error (413).
func MaxBody(n int64) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				r.Body = http.MaxBytesReader(w, r.Body, 0)
			} else {
				r.Body = http.MaxBytesReader(w, r.Body, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// BodyError classifies an error from reading a request body: the size limit
// becomes ETooLarge; anything else EInvalid.
func BodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &errs.Error{Kind: errs.ETooLarge, Message: "Corpo da requisição excede o limite de tamanho", Err: err}
	}
	return &errs.Error{Kind: errs.EInvalid, Message: "Corpo da requisição ilegível", Err: err}
}
