package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/store"
)

// The charge statuses (spec CobStatus).
const (
	StatusAtiva      = "ATIVA"
	StatusConcluida  = "CONCLUIDA"
	StatusRemovidaRc = "REMOVIDA_PELO_USUARIO_RECEBEDOR"
	StatusRemovidaPS = "REMOVIDA_PELO_PSP"
)

// Statuses lists the charge statuses.
var Statuses = []string{StatusAtiva, StatusConcluida, StatusRemovidaRc, StatusRemovidaPS}

// TxID returns a 32-character txid numbered n.
func TxID(n int) string { return fmt.Sprintf("tx%030d", n) }

// CobBody returns a JSON body naming txid and revisao, padded to about size
// bytes (size 0: no padding).
func CobBody(txid string, revisao, size int) []byte {
	b := fmt.Appendf(nil, `{"txid":%q,"revisao":%d,"status":"ATIVA","calendario":{"expiracao":3600},`+
		`"valor":{"original":"37.00"},"chave":"7d9f0335-8dcc-4054-9bf9-0dbd61d36906","solicitacaoPagador":"`, txid, revisao)
	for len(b) < size-2 {
		b = append(b, 'x')
	}
	return append(b, `"}`...)
}

// NewCob returns an ATIVA charge of documento, revision 0, created (and
// updated) at criacao, with a devedor CPF and a body.
func NewCob(documento, txid string, tipo pix.TipoCob, criacao time.Time) *pix.CobRecord {
	return &pix.CobRecord{
		Documento:  documento,
		TxID:       txid,
		Tipo:       tipo,
		Status:     StatusAtiva,
		Criacao:    criacao,
		DevedorCPF: CPF(42),
		Body:       CobBody(txid, 0, 0),
		UpdatedAt:  criacao,
	}
}

// NewLoc returns an unlinked location of documento for charges of tipo with
// path token token, created at criacao.
func NewLoc(documento, token string, tipo pix.TipoCob, criacao time.Time) *pix.Loc {
	path := pix.LocationPathCob
	if tipo == pix.TipoCobVencimento {
		path = pix.LocationPathCobV
	}
	return &pix.Loc{
		Documento: documento,
		TipoCob:   tipo,
		Token:     token,
		Location:  "pix.example.com" + path + token,
		Criacao:   criacao,
	}
}

// WantCob returns rec as the store gives it back.
func WantCob(rec *pix.CobRecord) *pix.CobRecord {
	w := *rec
	w.Criacao = Stored(w.Criacao)
	w.UpdatedAt = Stored(w.UpdatedAt)
	w.Body = nilIfEmpty(w.Body)
	return &w
}

// WantLoc returns l as the store gives it back.
func WantLoc(l *pix.Loc) *pix.Loc {
	w := *l
	w.Criacao = Stored(w.Criacao)
	return &w
}

// MustCreateCob stores rec or fails tb.
func MustCreateCob(tb testing.TB, s store.Store, rec *pix.CobRecord) *pix.CobRecord {
	tb.Helper()
	if err := s.CreateCob(tb.Context(), rec); err != nil {
		tb.Fatalf("CreateCob(%s, %s): %v", rec.Documento, rec.TxID, err)
	}
	return rec
}

// MustCreateLoc stores l (setting its ID) or fails tb.
func MustCreateLoc(tb testing.TB, s store.Store, l *pix.Loc) *pix.Loc {
	tb.Helper()
	if err := s.CreateLoc(tb.Context(), l); err != nil {
		tb.Fatalf("CreateLoc(%s, %s): %v", l.Documento, l.Token, err)
	}
	return l
}

// MatchCob reports whether the stored charge rec (as [WantCob] gives it)
// matches f, as [pix.CobStore.ListCobs] documents: the oracle of the list
// tests.
func MatchCob(f pix.CobFilter, rec *pix.CobRecord) bool {
	return rec.Documento == f.Documento &&
		(f.Tipo == "" || rec.Tipo == f.Tipo) &&
		(f.Inicio.IsZero() || !rec.Criacao.Before(f.Inicio)) &&
		(f.Fim.IsZero() || !rec.Criacao.After(f.Fim)) &&
		(f.CPF == "" || rec.DevedorCPF == f.CPF) &&
		(f.CNPJ == "" || rec.DevedorCNPJ == f.CNPJ) &&
		(f.Status == "" || rec.Status == f.Status) &&
		(f.LocationPresente == nil || (rec.LocID != 0) == *f.LocationPresente) &&
		(f.LoteID == 0 || rec.LoteID == f.LoteID)
}

// WantCobs returns what ListCobs answers for f over the stored charges recs
// (as [WantCob] gives them): the page and the number of matches, computed by
// brute force.
func WantCobs(f pix.CobFilter, recs []*pix.CobRecord) ([]pix.CobRecord, int) {
	var all []pix.CobRecord
	for _, r := range recs {
		if MatchCob(f, r) {
			all = append(all, *r)
		}
	}
	slices.SortFunc(all, func(a, b pix.CobRecord) int {
		return cmp.Or(a.Criacao.Compare(b.Criacao), cmp.Compare(a.TxID, b.TxID))
	})
	return page(all, f.Offset, f.Limit), len(all)
}

// WantLocs is [WantCobs] for locations.
func WantLocs(f pix.LocFilter, locs []*pix.Loc) ([]pix.Loc, int) {
	var all []pix.Loc
	for _, l := range locs {
		if l.Documento == f.Documento &&
			(f.Inicio.IsZero() || !l.Criacao.Before(f.Inicio)) &&
			(f.Fim.IsZero() || !l.Criacao.After(f.Fim)) &&
			(f.TxIDPresente == nil || (l.TxID != "") == *f.TxIDPresente) &&
			(f.TipoCob == "" || l.TipoCob == f.TipoCob) {
			all = append(all, *l)
		}
	}
	slices.SortFunc(all, func(a, b pix.Loc) int {
		return cmp.Or(a.Criacao.Compare(b.Criacao), cmp.Compare(a.ID, b.ID))
	})
	return page(all, f.Offset, f.Limit), len(all)
}

// page returns the elements [offset, offset+limit) of all; nil when none.
func page[E any](all []E, offset, limit int) []E {
	offset = max(offset, 0)
	if limit <= 0 || offset >= len(all) {
		return nil
	}
	return all[offset:min(offset+limit, len(all))]
}
