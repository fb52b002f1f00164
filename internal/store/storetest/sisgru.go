package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/sisgru"
	"github.com/brasa-dev/brasa/internal/store"
)

func init() {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s sisgru.Store)
	}{
		{"SISGRU/UsersRoundTripConflictUpdateDelete", testSISGRUUsers},
		{"SISGRU/SystemsRoundTripConflictUpdate", testSISGRUSystems},
		{"SISGRU/InsertRoundTrip", testSISGRUInsertRoundTrip},
		{"SISGRU/InsertConflictStoresNothing", testSISGRUInsertConflict},
		{"SISGRU/GRUListsMatchBruteForce", testSISGRUGRUOracle},
		{"SISGRU/PagamentoListsMatchBruteForce", testSISGRUPagamentoOracle},
		{"SISGRU/ListLoadsOnlyAskedColumns", testSISGRUColumns},
	} {
		cobTests = append(cobTests, struct {
			name string
			run  func(t *testing.T, s store.Store)
		}{tc.name, func(t *testing.T, s store.Store) {
			ss, ok := s.(sisgru.Store)
			if !ok {
				t.Skip("store does not implement sisgru.Store")
			}
			tc.run(t, ss)
		}})
	}
}

// SISGRUNow is the "now" of the SISGRU fixtures: 2026-03-25 18:00 in
// Brasília.
var SISGRUNow = time.Date(2026, 3, 25, 18, 0, 0, 0, sisgru.Brasilia)

// SISGRUData generates n GRUs (and their pagamentos) of ugs issued over the
// ten days up to [SISGRUNow], deterministic for seed.
func SISGRUData(seed uint64, n int, ugs ...string) ([]sisgru.GRU, []sisgru.Pagamento) {
	to := sisgru.DateOf(SISGRUNow)
	return sisgru.NewGenerator(seed, ugs, to.AddDays(-9), to, SISGRUNow).Batch(n)
}

// MustInsertSISGRU inserts grus and pagamentos, in batches of 5000 GRUs.
func MustInsertSISGRU(tb testing.TB, s sisgru.Store, grus []sisgru.GRU, pags []sisgru.Pagamento) {
	tb.Helper()
	if err := s.InsertGRUs(context.Background(), grus, pags); err != nil {
		tb.Fatalf("InsertGRUs: %v", err)
	}
}

// Normalized returns rec as the store gives it back: every leaf through its
// stored Value (timestamps UTC, to the microsecond).
func Normalized[T any](s *sisgru.Schema[T], rec *T) T {
	var out T
	for _, f := range s.Leaves {
		f.Set(&out, f.Get(rec))
	}
	return out
}

func testSISGRUUsers(t *testing.T, s sisgru.Store) {
	ctx := t.Context()
	u := &sisgru.User{CPF: "52998224725", Nome: "Maria da Silva", PasswordHash: "$argon2id$x", UGs: []string{"158461", "153114", "158461"},
		Status: sisgru.UserActive, CreatedAt: T0, UpdatedAt: T0}
	wantOK(t, "CreateSIAFIUser", s.CreateSIAFIUser(ctx, u))
	got, err := s.SIAFIUser(ctx, u.CPF)
	wantOK(t, "SIAFIUser", err)
	want := *u
	want.UGs = []string{"153114", "158461"}
	want.CreatedAt, want.UpdatedAt = Stored(T0), Stored(T0)
	wantSame(t, "user", got, &want)

	wantKind(t, "CreateSIAFIUser again", s.CreateSIAFIUser(ctx, u), errs.EConflict)
	_, err = s.SIAFIUser(ctx, "11144477735")
	wantKind(t, "SIAFIUser unknown", err, errs.ENotFound)

	want.Status, want.PasswordHash, want.UGs, want.UpdatedAt = sisgru.UserBlocked, "$argon2id$y", []string{"200143"}, Stored(At(time.Hour))
	wantOK(t, "UpdateSIAFIUser", s.UpdateSIAFIUser(ctx, &want))
	got, err = s.SIAFIUser(ctx, u.CPF)
	wantOK(t, "SIAFIUser after update", err)
	wantSame(t, "updated user", got, &want)
	wantKind(t, "UpdateSIAFIUser unknown", s.UpdateSIAFIUser(ctx, &sisgru.User{CPF: "11144477735"}), errs.ENotFound)

	wantOK(t, "DeleteSIAFIUser", s.DeleteSIAFIUser(ctx, u.CPF))
	wantKind(t, "DeleteSIAFIUser again", s.DeleteSIAFIUser(ctx, u.CPF), errs.ENotFound)
	_, err = s.SIAFIUser(ctx, u.CPF)
	wantKind(t, "SIAFIUser after delete", err, errs.ENotFound)
}

func testSISGRUSystems(t *testing.T, s sisgru.Store) {
	ctx := t.Context()
	sys := &sisgru.System{Issuer: "meusistema", Nome: "Meu Sistema", Certificate: []byte("-----BEGIN CERTIFICATE-----\n...\n"),
		UGs: []string{"158461"}, Status: sisgru.SystemActive, CreatedAt: T0, UpdatedAt: T0}
	wantOK(t, "CreateExternalSystem", s.CreateExternalSystem(ctx, sys))
	got, err := s.ExternalSystem(ctx, sys.Issuer)
	wantOK(t, "ExternalSystem", err)
	want := *sys
	want.CreatedAt, want.UpdatedAt = Stored(T0), Stored(T0)
	wantSame(t, "system", got, &want)
	wantKind(t, "CreateExternalSystem again", s.CreateExternalSystem(ctx, sys), errs.EConflict)
	_, err = s.ExternalSystem(ctx, "outro")
	wantKind(t, "ExternalSystem unknown", err, errs.ENotFound)

	want.Status, want.Certificate, want.UpdatedAt = sisgru.SystemDeleted, []byte("novo"), Stored(At(time.Minute))
	wantOK(t, "UpdateExternalSystem", s.UpdateExternalSystem(ctx, &want))
	got, err = s.ExternalSystem(ctx, sys.Issuer)
	wantOK(t, "ExternalSystem after update", err)
	wantSame(t, "deleted system", got, &want)
	wantKind(t, "UpdateExternalSystem unknown", s.UpdateExternalSystem(ctx, &sisgru.System{Issuer: "outro"}), errs.ENotFound)
}

func testSISGRUInsertRoundTrip(t *testing.T, s sisgru.Store) {
	ctx := t.Context()
	grus, pags := SISGRUData(1, 300, "158461", "153114")
	MustInsertSISGRU(t, s, grus, pags)
	for i := range grus {
		got, err := s.GRU(ctx, grus[i].ID)
		wantOK(t, "GRU", err)
		want := Normalized(sisgru.GRUs, &grus[i])
		wantSame(t, "gru "+grus[i].ID, got, &want)
	}
	for i := range pags {
		got, err := s.Pagamento(ctx, pags[i].ID)
		wantOK(t, "Pagamento", err)
		want := Normalized(sisgru.Pagamentos, &pags[i])
		wantSame(t, fmt.Sprint("pagamento ", pags[i].ID), got, &want)
	}
	_, err := s.GRU(ctx, "1")
	wantKind(t, "GRU unknown", err, errs.ENotFound)
	_, err = s.Pagamento(ctx, 1)
	wantKind(t, "Pagamento unknown", err, errs.ENotFound)
}

func testSISGRUInsertConflict(t *testing.T, s sisgru.Store) {
	ctx := t.Context()
	grus, pags := SISGRUData(2, 20, "158461")
	MustInsertSISGRU(t, s, grus[:10], nil)
	more, _ := SISGRUData(3, 5, "158461")
	// A new batch repeating one stored GRU fails whole: its new GRUs and
	// pagamentos are not stored, nor counted.
	err := s.InsertGRUs(ctx, append(more, grus[3]), pags)
	wantKind(t, "InsertGRUs with a stored id", err, errs.EConflict)
	for _, g := range more {
		_, err := s.GRU(ctx, g.ID)
		wantKind(t, "GRU of the failed batch", err, errs.ENotFound)
	}
	_, err = s.Pagamento(ctx, pags[0].ID)
	wantKind(t, "Pagamento of the failed batch", err, errs.ENotFound)
	q := &sisgru.Query{Conds: []sisgru.Cond{{Leaf: sisgru.GRUs.LeafByPath("ugArrecadadora").Index, Kind: sisgru.KindText,
		Lo: sisgru.Value{S: "158461"}, Hi: sisgru.Value{S: "158461"}}}}
	n, err := s.CountGRUs(ctx, q)
	wantOK(t, "CountGRUs", err)
	if n != 10 {
		t.Fatalf("CountGRUs after the failed batch = %d, want 10", n)
	}
}

// eq returns an equality condition on the leaf at path.
func eq[T any](s *sisgru.Schema[T], path string, v string) sisgru.Cond {
	f := s.LeafByPath(path)
	c := sisgru.Cond{Leaf: f.Index, Kind: f.Kind}
	if f.Kind == sisgru.KindText {
		c.Lo.S, c.Hi.S = v, v
	} else {
		var n int64
		fmt.Sscan(v, &n)
		c.Lo.N, c.Hi.N = n, n
	}
	return c
}

// days returns a day-range condition on the date or timestamp leaf at path.
func days[T any](s *sisgru.Schema[T], path string, from, to sisgru.Date) sisgru.Cond {
	f := s.LeafByPath(path)
	c := sisgru.Cond{Leaf: f.Index, Kind: f.Kind, FromDay: from, ToDay: to}
	if f.Kind == sisgru.KindDate {
		c.Lo.N, c.Hi.N = int64(from), int64(to)
	} else {
		c.Lo.N, c.Hi.N = from.Start().UnixMicro(), to.AddDays(1).Start().UnixMicro()-1
	}
	return c
}

// bruteForce returns the records of all matching q, in q's order, and the
// page.
func bruteForce[T any](s *sisgru.Schema[T], all []T, q *sisgru.Query) (matching []T, page []T) {
	for i := range all {
		rec := &all[i]
		ok := true
		for _, c := range q.Conds {
			f := s.Leaves[c.Leaf]
			v := f.Get(rec)
			if c.Kind == sisgru.KindText {
				ok = ok && v.S == c.Lo.S
			} else {
				ok = ok && v.N >= c.Lo.N && v.N <= c.Hi.N
			}
		}
		if q.Scoped {
			in := false
			for _, ug := range s.UGs {
				in = in || slices.Contains(q.Scope, ug.Get(rec).S)
			}
			ok = ok && in
		}
		if ok {
			matching = append(matching, Normalized(s, rec))
		}
	}
	slices.SortStableFunc(matching, func(a, b T) int {
		for _, o := range q.Sort {
			f := s.Leaves[o.Leaf]
			va, vb := f.Get(&a), f.Get(&b)
			c := cmp.Or(strings.Compare(va.S, vb.S), cmp.Compare(va.N, vb.N))
			if o.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	lo := min(int(q.Offset), len(matching))
	hi := min(lo+q.Limit, len(matching))
	return matching, matching[lo:hi]
}

// checkList compares Count and Each of q with the brute force.
func checkList[T any](t *testing.T, s *sisgru.Schema[T], all []T, q *sisgru.Query,
	count func(context.Context, *sisgru.Query) (int64, error), each func(context.Context, *sisgru.Query, func(*T) error) error) {
	t.Helper()
	matching, page := bruteForce(s, all, q)
	n, err := count(t.Context(), q)
	wantOK(t, "Count", err)
	if n != int64(len(matching)) {
		t.Fatalf("Count(%+v) = %d, want %d", q, n, len(matching))
	}
	var got []T
	wantOK(t, "Each", each(t.Context(), q, func(rec *T) error {
		got = append(got, *rec)
		return nil
	}))
	if len(got) == 0 {
		got = nil
	}
	if len(page) == 0 {
		page = nil
	}
	if testing.Verbose() {
		t.Logf("%d matching, page of %d", len(matching), len(page))
	}
	if d := Diff(got, page); d != "" {
		t.Fatalf("page of %+v differs (%d records, want %d):\n%s", q, len(got), len(page), d)
	}
}

// listCases are queries of every shape the store treats differently:
// counted (and seeked) from the counters or counted by scanning, scoped or
// not, in the default order or another.
func listCases[T any](s *sisgru.Schema[T], ugPath, datePath string, extra ...sisgru.Cond) []*sisgru.Query {
	to := sisgru.DateOf(SISGRUNow)
	ug := func(v string) sisgru.Cond { return eq(s, ugPath, v) }
	rng := days(s, datePath, to.AddDays(-6), to.AddDays(-2))
	sit := sisgru.Cond{Leaf: s.Situacao.Index, Kind: sisgru.KindText}
	def := s.DefaultSort
	id := sisgru.Order{Leaf: s.ID.Index}
	byTotalDesc := []sisgru.Order{{Leaf: s.Leaves[len(s.Leaves)-1].Index, Desc: true}, id}
	out := []*sisgru.Query{
		{Conds: []sisgru.Cond{ug("158461")}, Sort: def, Limit: 50},
		{Conds: []sisgru.Cond{ug("158461")}, Sort: def, Offset: 137, Limit: 50},
		{Conds: []sisgru.Cond{ug("158461"), rng}, Sort: def, Offset: 61, Limit: 30000},
		{Conds: []sisgru.Cond{ug("158461"), rng}, Sort: def, Offset: 100000, Limit: 10},
		{Conds: []sisgru.Cond{ug("153114"), rng}, Sort: byTotalDesc, Offset: 7, Limit: 25},
		{Conds: []sisgru.Cond{ug("999999")}, Sort: def, Limit: 10},
		{Conds: []sisgru.Cond{rng}, Sort: def, Offset: 3, Limit: 40, Scoped: true, Scope: []string{"158461"}},
		{Conds: []sisgru.Cond{rng}, Sort: def, Offset: 3, Limit: 40, Scoped: true, Scope: []string{}},
		{Conds: []sisgru.Cond{ug("158461")}, Sort: def, Offset: 2, Limit: 40, Scoped: true, Scope: []string{"153114"}},
	}
	for _, v := range []string{sisgru.SituacaoContabilizado, sisgru.SituacaoPendenteContabilizacao, sisgru.PagamentoConcluido, sisgru.PagamentoCriado} {
		c := sit
		c.Lo.S, c.Hi.S = v, v
		out = append(out, &sisgru.Query{Conds: []sisgru.Cond{ug("158461"), rng, c}, Sort: def, Offset: 11, Limit: 20},
			&sisgru.Query{Conds: []sisgru.Cond{ug("153114"), c}, Sort: def, Offset: 5, Limit: 20})
	}
	for _, c := range extra {
		out = append(out,
			&sisgru.Query{Conds: []sisgru.Cond{c}, Sort: def, Limit: 100, Scoped: true, Scope: []string{"153114", "158461"}},
			&sisgru.Query{Conds: []sisgru.Cond{ug("158461"), c}, Sort: []sisgru.Order{id}, Limit: 100})
	}
	return out
}

func testSISGRUGRUOracle(t *testing.T, s sisgru.Store) {
	grus, pags := SISGRUData(4, 1200, "158461", "153114")
	MustInsertSISGRU(t, s, grus[:700], pags)
	MustInsertSISGRU(t, s, grus[700:], nil)
	qs := listCases(sisgru.GRUs, "ugArrecadadora", "dtEmissao",
		eq(sisgru.GRUs, "codigoRecolhedor", grus[5].CodigoRecolhedor),
		eq(sisgru.GRUs, "origemGRU", "7"),
		days(sisgru.GRUs, "dtContabilizacaoSiafi", sisgru.DateOf(SISGRUNow).AddDays(-3), sisgru.DateOf(SISGRUNow).AddDays(-3)))
	qs = append(qs, &sisgru.Query{Conds: []sisgru.Cond{eq(sisgru.GRUs, "ugEmitente", "158461")}, Sort: sisgru.GRUs.DefaultSort, Offset: 99, Limit: 100})
	for _, q := range qs {
		checkList(t, sisgru.GRUs, grus, q, s.CountGRUs, s.EachGRU)
	}
}

func testSISGRUPagamentoOracle(t *testing.T, s sisgru.Store) {
	grus, pags := SISGRUData(5, 1000, "158461", "153114")
	MustInsertSISGRU(t, s, grus, pags)
	qs := listCases(sisgru.Pagamentos, "ug.codigo", "data",
		eq(sisgru.Pagamentos, "tipoPagamento.codigo", "PX"),
		eq(sisgru.Pagamentos, "servico.id", "16279"))
	to := sisgru.DateOf(SISGRUNow)
	alt := days(sisgru.Pagamentos, "dataAlteracaoSituacaoPagTesouro", to.AddDays(-4), to)
	qs = append(qs,
		&sisgru.Query{Conds: []sisgru.Cond{eq(sisgru.Pagamentos, "ug.codigo", "153114"), alt}, Sort: sisgru.Pagamentos.DefaultSort, Offset: 40, Limit: 60},
		&sisgru.Query{Conds: []sisgru.Cond{alt}, Sort: sisgru.Pagamentos.DefaultSort, Offset: 40, Limit: 60, Scoped: true, Scope: []string{"158461"}})
	for _, q := range qs {
		checkList(t, sisgru.Pagamentos, pags, q, s.CountPagamentos, s.EachPagamento)
	}
}

func testSISGRUColumns(t *testing.T, s sisgru.Store) {
	grus, pags := SISGRUData(6, 50, "158461")
	MustInsertSISGRU(t, s, grus, pags)
	sch := sisgru.GRUs
	cols := sch.Columns([]*sisgru.Field[sisgru.GRU]{sch.Field("id"), sch.Field("vlTotal")})
	q := &sisgru.Query{Conds: []sisgru.Cond{eq(sch, "ugArrecadadora", "158461")}, Sort: sch.DefaultSort, Limit: 100, Columns: cols}
	n := 0
	wantOK(t, "EachGRU", s.EachGRU(t.Context(), q, func(g *sisgru.GRU) error {
		n++
		if g.ID == "" || g.VlTotal == 0 || g.UGArrecadadora != "" || g.DtEmissao != 0 || !g.DtCriacaoSISGRU.IsZero() {
			t.Errorf("GRU read with columns id, vlTotal: %+v", g)
		}
		return nil
	}))
	if n != len(grus) {
		t.Fatalf("EachGRU read %d GRUs, want %d", n, len(grus))
	}
	pc := sisgru.Pagamentos.Columns([]*sisgru.Field[sisgru.Pagamento]{sisgru.Pagamentos.Field("ug")})
	q = &sisgru.Query{Conds: []sisgru.Cond{eq(sisgru.Pagamentos, "ug.codigo", "158461")}, Sort: sisgru.Pagamentos.DefaultSort, Limit: 1, Columns: pc}
	wantOK(t, "EachPagamento", s.EachPagamento(t.Context(), q, func(p *sisgru.Pagamento) error {
		if p.UG.Codigo != "158461" || p.UG.Nome == "" || p.ID != 0 || p.Codigo != "" {
			t.Errorf("pagamento read with column ug: %+v", p)
		}
		return nil
	}))
}
