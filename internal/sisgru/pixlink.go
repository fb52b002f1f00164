package sisgru

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// GRUInfoName is the name of the infoAdicionais item that makes a Pix
// charge collect a GRU (brasa's convention; the seeds define none): its
// valor is "ug=<6 digits>;recolhimento=<código de recolhimento, 6 digits,
// hyphen optional>" with optional ";servico=<id>" and ";referencia=<número
// de referência>", e.g.
//
//	{"nome": "GRU", "valor": "ug=153114;recolhimento=28830-6;referencia=2026001"}
//
// A charge carrying it and paid through brasa's Pix engine appears in
// SISGRU as a pagamento (tipoPagamento PX Pix, situação CO,
// numeroTransacaoPSP = the endToEndId, ispb = the payer's PSP) and its GRU
// (origemGRU 7 Pix, situação 03 pendente de contabilização), in the
// settlement's transaction.
const GRUInfoName = "GRU"

// GRURef is a parsed [GRUInfoName] reference.
type GRURef struct {
	UG           string
	Recolhimento int64
	Servico      int64 // 0: the catalog's serviço for the recolhimento
	Referencia   int64 // 0: none
}

// ParseGRURef parses the valor of a [GRUInfoName] item.
func ParseGRURef(valor string) (GRURef, error) {
	var r GRURef
	for _, part := range strings.Split(valor, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return r, fmt.Errorf("sisgru: GRU reference %q: %q is not key=value", valor, part)
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		var err error
		switch k {
		case "ug":
			if !isUG(v) {
				return r, fmt.Errorf("sisgru: GRU reference: ug %q is not 6 digits", v)
			}
			r.UG = v
		case "recolhimento":
			v = strings.ReplaceAll(v, "-", "")
			if !isDigits(v, 6) {
				return r, fmt.Errorf("sisgru: GRU reference: recolhimento %q is not a 6-digit code", v)
			}
			r.Recolhimento, err = strconv.ParseInt(v, 10, 64)
		case "servico":
			r.Servico, err = strconv.ParseInt(v, 10, 64)
		case "referencia":
			r.Referencia, err = strconv.ParseInt(v, 10, 64)
		default:
			return r, fmt.Errorf("sisgru: GRU reference: unknown key %q", k)
		}
		if err != nil || (k != "ug" && k != "recolhimento" && (r.Servico < 0 || r.Referencia < 0)) {
			return r, fmt.Errorf("sisgru: GRU reference: %s %q is not a number", k, v)
		}
	}
	if r.UG == "" || r.Recolhimento == 0 {
		return r, fmt.Errorf("sisgru: GRU reference %q needs ug and recolhimento", valor)
	}
	return r, nil
}

// PixPayment is a Pix that paid a GRU charge.
type PixPayment struct {
	EndToEndID string
	ISPB       string // the payer's PSP
	Horario    time.Time
	// Original, Multa, Juros, Desconto (abatimento included) and Total are
	// the Pix's componentesValor, in centavos.
	Original, Multa, Juros, Desconto, Total int64
	// Contribuinte is who owes the GRU: the charge's devedor, or else the
	// pagador.
	ContribuinteDoc, ContribuinteNome string
}

// FromPix returns the pagamento and GRU SISGRU records for p, paying the
// GRU ref. Their ids and codes derive from the endToEndId, so recording a
// Pix twice conflicts rather than duplicates.
func FromPix(ref GRURef, p PixPayment) (Pagamento, GRU) {
	sum := sha256.Sum256([]byte("sisgru-pix:" + p.EndToEndID))
	h := binary.BigEndian.Uint64(sum[:8])
	year := int64(p.Horario.In(Brasilia).Year())
	s := servicoPara(ref)
	codigo := make([]byte, 22)
	for i := range codigo {
		codigo[i] = alnumChars[int(sum[8+i])%len(alnumChars)]
	}
	pag := Pagamento{
		ID:                              9e11 + int64(h%9e10),
		Codigo:                          string(codigo),
		UG:                              UG{Codigo: ref.UG, Exercicio: year, Nome: UGName(ref.UG)},
		TipoServico:                     s.tipo,
		Servico:                         Servico{ID: s.id, Nome: s.nome},
		Data:                            p.Horario,
		DataPagamentoPSP:                p.Horario,
		NumeroTransacaoPSP:              p.EndToEndID,
		Recolhimento:                    Recolhimento{Codigo: ref.Recolhimento, Exercicio: year, Descricao: s.rec.descricao},
		CodigoContribuinte:              p.ContribuinteDoc,
		NomeContribuinte:                p.ContribuinteNome,
		NumeroReferencia:                ref.Referencia,
		TipoPagamento:                   TipoPix,
		ProvedorPagamento:               provedores[0].ProvedorPagamento,
		Situacao:                        PagamentoConcluido,
		ValorTotal:                      p.Total,
		DataAlteracaoSituacaoPagTesouro: p.Horario,
		ISPB:                            p.ISPB,
		FormaUtilizacaoPagTesouro:       1,
	}
	gr := GRU{
		ID:                        fmt.Sprintf("%04d%016d", year, 9e15+h%9e14),
		Exercicio:                 year,
		Recolhimento:              ref.Recolhimento,
		RecolhimentoContabilizado: ref.Recolhimento,
		UGEmitente:                ref.UG,
		UGArrecadadora:            ref.UG,
		NumeroRA:                  fmt.Sprintf("%04dRA%06d", year, h%1_000_000),
		Situacao:                  SituacaoPendenteContabilizacao,
		EspecieGR:                 1,
		TipoRegistroGRU:           1,
		TipoRecolhedor:            2,
		CodigoRecolhedor:          p.ContribuinteDoc,
		NumReferencia:             ref.Referencia,
		AgenteArrecadador:         provedores[0].agente,
		MeioPagamento:             provedores[0].meio,
		VlPrincipal:               p.Original,
		VlDesconto:                p.Desconto,
		VlMulta:                   p.Multa,
		VlJuros:                   p.Juros,
		VlTotal:                   p.Total,
		DtEmissao:                 DateOf(p.Horario),
		OrigemArrecadacao:         1,
		EspecieIngresso:           1,
		DtCriacaoSISGRU:           p.Horario,
		CodigoPagamento:           pag.Codigo,
		TipoServico:               s.tipo.Codigo,
		Servico:                   s.id,
		NumeroTransacaoPSP:        p.EndToEndID,
		OrigemGRU:                 OrigemPix,
	}
	if len(p.ContribuinteDoc) == 14 {
		gr.TipoRecolhedor = 1
	}
	return pag, gr
}

// servicoPara returns the catalog's serviço for ref: the one named by
// ref.Servico, else the first of its recolhimento, else a generic one.
func servicoPara(ref GRURef) servicoInfo {
	for _, s := range servicos {
		if ref.Servico != 0 && s.id == ref.Servico {
			return s
		}
	}
	for _, s := range servicos {
		if ref.Servico == 0 && s.rec.codigo == ref.Recolhimento {
			return s
		}
	}
	id := ref.Servico
	if id == 0 {
		id = ref.Recolhimento
	}
	return servicoInfo{id: id, nome: "RECOLHIMENTO " + strconv.FormatInt(ref.Recolhimento, 10),
		rec: recolhimentoInfo{ref.Recolhimento, "RECOLHIMENTO " + strconv.FormatInt(ref.Recolhimento, 10)}, tipo: TipoServico{1, "SERVICOS ADMINISTRATIVOS"}}
}
