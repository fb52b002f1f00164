package app

import (
	"context"
	"strings"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pix"
	"github.com/brasa-dev/brasa/internal/sisgru"
)

// sisgruPixLink is the settlement hook that records a GRU paid by Pix in
// SISGRU (issue 7): a charge whose infoAdicionais carry the GRU reference
// ([sisgru.GRUInfoName]) becomes, in the settlement's transaction, a
// pagamento and a GRU that GET /pagamentos and /grus serve at once. A
// malformed reference does not stop the payment (the Pix arrived): it is
// logged and the GRU is not recorded.
func (a *App) sisgruPixLink(ctx context.Context, tx pix.TxStore, l *pix.Liquidacao) error {
	var raw string
	found := false
	for _, ia := range l.InfoAdicionais {
		if strings.EqualFold(strings.TrimSpace(ia.Nome), sisgru.GRUInfoName) {
			raw, found = ia.Valor, true
			break
		}
	}
	if !found {
		return nil
	}
	ref, err := sisgru.ParseGRURef(raw)
	if err != nil {
		a.Log.WarnContext(ctx, "sisgru: Pix paid a charge with a malformed GRU reference; no GRU recorded",
			"endToEndId", l.Pix.EndToEndID, "txid", l.Pix.TxID, "err", err)
		return nil
	}
	p := sisgru.PixPayment{EndToEndID: l.Pix.EndToEndID, Horario: l.Pix.Horario.Time}
	if len(p.EndToEndID) >= 9 {
		p.ISPB = p.EndToEndID[1:9]
	}
	centavos := func(s string) int64 {
		v, _ := pix.ParseValor(s)
		return int64(v)
	}
	p.Total = centavos(l.Pix.Valor)
	p.Original = p.Total
	if c := l.Pix.ComponentesValor; c != nil {
		if c.Original != nil {
			p.Original = centavos(c.Original.Valor)
		}
		if c.Multa != nil {
			p.Multa = centavos(c.Multa.Valor)
		}
		if c.Juros != nil {
			p.Juros = centavos(c.Juros.Valor)
		}
		if c.Desconto != nil {
			p.Desconto += centavos(c.Desconto.Valor)
		}
		if c.Abatimento != nil {
			p.Desconto += centavos(c.Abatimento.Valor)
		}
	}
	who := l.Devedor
	if who == nil || (who.CPF == "" && who.CNPJ == "") {
		who = l.Pix.Pagador
	}
	if who != nil {
		p.ContribuinteDoc, p.ContribuinteNome = who.CPF+who.CNPJ, who.Nome
	}
	pag, gru := sisgru.FromPix(ref, p)
	st, ok := tx.(interface {
		InsertGRUs(ctx context.Context, grus []sisgru.GRU, pagamentos []sisgru.Pagamento) error
	})
	if !ok {
		return errs.New(errs.EInternal, "sisgru: the settlement transaction cannot store GRUs")
	}
	return st.InsertGRUs(ctx, []sisgru.GRU{gru}, []sisgru.Pagamento{pag})
}
