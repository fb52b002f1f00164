package pix

import (
	"context"
	"encoding/json"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/pixapi"
)

// CobPayload returns the payload JSON a payer's PSP fetches from the
// location with path token (spec CobPayload, GET /{pixUrlAccessToken};
// brasa serves it at /qr/v2/{token} on the web listener), with apresentacao
// set to now. Errors (both rendered as CobPayloadNaoEncontrado): ENotFound
// when the location does not exist or serves no charge; EGone when its
// charge is concluded, removed or expired and will never be payable again
// (the spec lets the PSP answer 410 then).
func (s *Service) CobPayload(ctx context.Context, token string) ([]byte, error) {
	l, err := s.store.LocByToken(ctx, token)
	if errs.Is(err, errs.ENotFound) || (err == nil && (l.TxID == "" || l.TipoCob != TipoCobImediata)) {
		return nil, errs.New(errs.ENotFound, "A cobrança em questão não foi encontrada para a location requisitada.")
	}
	if err != nil {
		return nil, err
	}
	r, err := s.store.Cob(ctx, l.Documento, l.TxID)
	if errs.Is(err, errs.ENotFound) {
		return nil, errs.New(errs.ENotFound, "A cobrança em questão não foi encontrada para a location requisitada.")
	}
	if err != nil {
		return nil, err
	}
	var cob pixapi.CobCompleta
	if err := json.Unmarshal(r.Body, &cob); err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "decode stored cob")
	}
	now := s.clock.Now()
	if cob.Status != pixapi.StatusAtiva {
		return nil, errs.New(errs.EGone, "A cobrança desta location não está mais disponível para pagamento (%s).", cob.Status)
	}
	if CobExpirada(cob.Calendario.Criacao.Time, cob.Calendario.Expiracao, now) {
		return nil, errs.New(errs.EGone, "A cobrança desta location expirou.")
	}
	p := pixapi.CobPayload{
		Calendario:         pixapi.CobPayloadCalendario{Criacao: cob.Calendario.Criacao, Apresentacao: pixapi.Timestamp{Time: now}, Expiracao: cob.Calendario.Expiracao},
		TxID:               cob.TxID,
		Revisao:            cob.Revisao,
		Devedor:            cob.Devedor,
		Status:             cob.Status,
		Valor:              cob.Valor,
		Chave:              cob.Chave,
		SolicitacaoPagador: cob.SolicitacaoPagador,
		InfoAdicionais:     cob.InfoAdicionais,
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "encode payload")
	}
	return b, nil
}

// CobExpirada reports whether a cob created at criacao with a lifetime of
// expiracao seconds has expired at now. Expiry never changes a charge's
// status (bacen/pix-api#179, #577): payers refuse it, the recebedor may
// PATCH a longer expiracao.
func CobExpirada(criacao time.Time, expiracao int, now time.Time) bool {
	return now.After(criacao.Add(time.Duration(expiracao) * time.Second))
}
