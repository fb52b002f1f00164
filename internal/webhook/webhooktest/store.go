// Package webhooktest supports tests of webhook delivery: [Store], an
// in-memory [webhook.Store] and [webhook.Outbox] for the tests of package
// webhook and of its users, and [Run], the conformance suite every store
// engine passes, so that the in-memory store, SQLite and PostgreSQL keep
// one contract.
package webhooktest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/brasa-dev/brasa/internal/webhook"
)

// Store is an in-memory outbox honouring the contract of [webhook.Store]
// and [webhook.Outbox]: exclusive leases, claims fenced by their token, and
// atomic outcomes (one mutex serializes every call, as a transaction
// would). It is safe for concurrent use. The zero value is ready to use.
type Store struct {
	mu       sync.Mutex
	rows     []*webhook.Notification // by ID
	attempts []webhook.Attempt       // by ID
	nextID   int64
	nextAtt  int64
}

// New returns an empty store.
func New() *Store { return new(Store) }

// Interface guards.
var (
	_ webhook.Store  = (*Store)(nil)
	_ webhook.Outbox = (*Store)(nil)
)

// Enqueue implements [webhook.Outbox].
func (s *Store) Enqueue(ctx context.Context, n *webhook.Notification) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	n.ID = s.nextID
	c := clone(*n)
	c.Claim, c.ClaimedUntil = "", time.Time{}
	s.rows = append(s.rows, &c)
	return nil
}

// Retarget implements [webhook.Outbox].
func (s *Store) Retarget(ctx context.Context, documento, chave, webhookURL string, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.rows {
		if r.Status != webhook.StatusPending || r.Documento != documento || r.Chave != chave {
			continue
		}
		r.WebhookURL = webhookURL
		if r.NextAttempt.After(now) {
			r.NextAttempt = now
		}
		n++
	}
	return n, nil
}

// Claim implements [webhook.Store].
func (s *Store) Claim(ctx context.Context, req webhook.ClaimRequest) ([]webhook.Notification, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []*webhook.Notification
	for _, r := range s.rows {
		if r.Status == webhook.StatusPending && !r.NextAttempt.After(req.Now) &&
			(r.Claim == "" || !r.ClaimedUntil.After(req.Now)) {
			due = append(due, r)
		}
	}
	slices.SortStableFunc(due, func(a, b *webhook.Notification) int {
		if c := a.NextAttempt.Compare(b.NextAttempt); c != 0 {
			return c
		}
		return cmpInt(a.ID, b.ID)
	})
	if len(due) > req.Limit {
		due = due[:max(req.Limit, 0)]
	}
	var out []webhook.Notification
	for _, r := range due {
		r.Claim, r.ClaimedUntil = req.Claim, req.Until
		out = append(out, clone(*r))
	}
	return out, nil
}

// Record implements [webhook.Store].
func (s *Store) Record(ctx context.Context, claim string, a *webhook.Attempt, next []webhook.Transition) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextAtt++
	a.ID = s.nextAtt
	c := *a
	c.NotificationIDs = slices.Clone(a.NotificationIDs)
	s.attempts = append(s.attempts, c)
	for _, t := range next {
		r := s.row(t.ID)
		if r == nil || r.Status != webhook.StatusPending || r.Claim != claim || claim == "" {
			continue
		}
		r.Attempts++
		r.Status = t.Status
		switch t.Status {
		case webhook.StatusPending:
			r.NextAttempt = t.NextAttempt
		case webhook.StatusDelivered:
			r.DeliveredAt = a.At
		}
		r.Claim, r.ClaimedUntil = "", time.Time{}
	}
	return nil
}

// Renew implements [webhook.Store].
func (s *Store) Renew(ctx context.Context, claim string, ids []int64, until time.Time) ([]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var held []int64
	for _, id := range ids {
		if r := s.row(id); r != nil && r.Status == webhook.StatusPending && r.Claim == claim && claim != "" {
			r.ClaimedUntil = until
			held = append(held, id)
		}
	}
	return held, nil
}

// Release implements [webhook.Store].
func (s *Store) Release(ctx context.Context, claim string, ids []int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if r := s.row(id); r != nil && r.Status == webhook.StatusPending && r.Claim == claim && claim != "" {
			r.Claim, r.ClaimedUntil = "", time.Time{}
		}
	}
	return nil
}

// Notifications implements [webhook.Store].
func (s *Store) Notifications(ctx context.Context, f webhook.NotificationFilter) ([]webhook.Notification, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []webhook.Notification
	for _, r := range s.rows {
		if (f.Documento == "" || r.Documento == f.Documento) &&
			(f.Chave == "" || r.Chave == f.Chave) &&
			(f.EndToEndID == "" || r.EndToEndID == f.EndToEndID) &&
			(f.Status == "" || r.Status == f.Status) &&
			inRange(r.CreatedAt, f.Inicio, f.Fim) {
			match = append(match, clone(*r))
		}
	}
	slices.SortStableFunc(match, func(a, b webhook.Notification) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmpInt(a.ID, b.ID)
	})
	return page(match, f.Offset, f.Limit), len(match), nil
}

// Attempts implements [webhook.Store].
func (s *Store) Attempts(ctx context.Context, f webhook.AttemptFilter) ([]webhook.Attempt, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []webhook.Attempt
	for _, a := range s.attempts {
		if (f.Documento == "" || a.Documento == f.Documento) &&
			(f.Chave == "" || a.Chave == f.Chave) &&
			(f.NotificationID == 0 || slices.Contains(a.NotificationIDs, f.NotificationID)) &&
			inRange(a.At, f.Inicio, f.Fim) {
			c := a
			c.NotificationIDs = slices.Clone(a.NotificationIDs)
			match = append(match, c)
		}
	}
	slices.SortStableFunc(match, func(a, b webhook.Attempt) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmpInt(a.ID, b.ID)
	})
	return page(match, f.Offset, f.Limit), len(match), nil
}

// row returns the row id, or nil. s.mu is held.
func (s *Store) row(id int64) *webhook.Notification {
	i, ok := slices.BinarySearchFunc(s.rows, id, func(r *webhook.Notification, id int64) int { return cmpInt(r.ID, id) })
	if !ok {
		return nil
	}
	return s.rows[i]
}

func clone(n webhook.Notification) webhook.Notification {
	n.Payload = slices.Clone(n.Payload)
	return n
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func inRange(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || !t.After(to))
}

func page[T any](all []T, offset, limit int) []T {
	if limit <= 0 || offset >= len(all) {
		return nil
	}
	offset = max(offset, 0)
	return slices.Clone(all[offset:min(len(all), offset+limit)])
}
