package pix

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/brasa-dev/brasa/brcode"
	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/ttlcache"
	"github.com/brasa-dev/brasa/internal/webhook"
	"github.com/brasa-dev/brasa/pixapi"
)

// Store is everything the Pix service persists and reads.
type Store interface {
	CobStore
	PixStore
	Transactor
	Recebedor(ctx context.Context, documento string) (*Recebedor, error)
	Chave(ctx context.Context, chave string) (*Chave, error)
}

// Service holds the rules of the Pix API resources (spec tags Cob, CobV,
// LoteCobV, PayloadLocation). Handlers translate HTTP to its methods; the
// store persists. Every method takes the authenticated recebedor's documento
// and never reaches another recebedor's data: another holder's txid answers
// ENotFound.
type Service struct {
	store Store
	clock clock.Clock
	// Recebedores and chaves change rarely and are read on every write:
	// they are cached for at most 500 ms (a chave moved to another
	// recebedor is refused within that time).
	recebedores *ttlcache.Cache[string, *Recebedor]
	chaves      *ttlcache.Cache[string, *Chave]
	// WebURL is the https base URL of the payload host (locations).
	WebURL string

	// ISPB is the PSP's own ISPB ([ISPBSicredi] when empty): rtrIds carry
	// it, and a Pix Saque or Troco must name it as
	// prestadorDoServicoDeSaque (seed 000 §11).
	ISPB string
	// DevolucaoDelay is how long a devolução stays EM_PROCESSAMENTO before
	// [Service.ProcessDevolucoes] settles it ([DefaultDevolucaoDelay] from
	// NewService; 0 settles at once).
	DevolucaoDelay time.Duration
	// WebhookPolicy decides which webhook URLs PUT /webhook/{chave}
	// accepts.
	WebhookPolicy webhook.URLPolicy
	// WebhookDeadline, when positive, is how long a notification is retried
	// (the dispatcher's default otherwise).
	WebhookDeadline time.Duration
	// Notify, when set, is called after a transaction that enqueued a
	// webhook notification commits (it nudges the dispatcher).
	Notify func()
	// AoLiquidar are called, in order, inside the settlement transaction
	// of every Pix received (the SISGRU link records GRUs paid by Pix): an
	// error rolls the payment back, so hooks should fail only when they
	// cannot write.
	AoLiquidar []func(ctx context.Context, tx TxStore, l *Liquidacao) error

	devolucaoWake chan struct{}
	loteWakeCh    chan struct{}
}

// NewService returns the Pix service.
func NewService(store Store, c clock.Clock, webURL string) *Service {
	if c == nil {
		c = clock.System
	}
	return &Service{store: store, clock: c, WebURL: webURL, DevolucaoDelay: DefaultDevolucaoDelay, devolucaoWake: make(chan struct{}, 1), loteWakeCh: make(chan struct{}, 1),
		recebedores: ttlcache.New[string, *Recebedor](500*time.Millisecond, 10_000),
		chaves:      ttlcache.New[string, *Chave](500*time.Millisecond, 100_000)}
}

// DefaultExpiracao is a cob's lifetime when calendario.expiracao is absent
// (spec CobExpiracao: 86400 s).
const DefaultExpiracao = 86400

// Limits of the spec's schemas (notes/pix-api.md "Limits").
const (
	MaxSolicitacaoPagador = 140
	MaxInfoAdicionais     = 50
	MaxInfoNome           = 50
	MaxInfoValor          = 200
	MaxNome               = 200
)

// violations collects the broken rules of one request, so the client learns
// all of them at once.
type violations []errs.Violation

func (v *violations) add(prop, reason string) {
	*v = append(*v, errs.Violation{Property: prop, Reason: reason})
}

func (v violations) err(msg string) error {
	if len(v) == 0 {
		return nil
	}
	return &errs.Error{Kind: errs.EInvalid, Message: msg, Violations: v}
}

const msgCobInvalida = "A requisição que busca alterar ou criar uma cobrança para pagamento imediato não respeita o schema ou está semanticamente errada."

// CreateCob creates an immediate charge (PUT /cob/{txid}; POST /cob when
// txid is "", the PSP choosing it). It answers the charge as created, with
// revisao 0, status ATIVA, a location (the one given in loc.id, or a new
// one) and its pixCopiaECola. Errors: EInvalid with every violation of the
// request (spec CobOperacaoInvalida), including a txid already used by this
// recebedor (whatever its status: a PUT never replaces a charge, so N
// concurrent PUTs of one txid give exactly one 201).
func (s *Service) CreateCob(ctx context.Context, documento, txid string, req *pixapi.CobSolicitada) (*pixapi.CobCompleta, error) {
	if txid == "" {
		txid = NewTxID()
	}
	var v violations
	if !ValidTxIDCriacao(txid) {
		v.add("txid", "O campo txid não respeita o schema: de 26 a 35 caracteres [a-zA-Z0-9].")
	}
	exp := DefaultExpiracao
	if req.Calendario.Expiracao != nil {
		exp = *req.Calendario.Expiracao
		if exp <= 0 {
			v.add("cob.calendario.expiracao", "O campo cob.calendario.expiracao é igual ou menor que zero.")
		}
	}
	s.checkValor(&v, &req.Valor, "cob.valor")
	checkPessoa(&v, req.Devedor, "cob.devedor")
	checkTextos(&v, req.SolicitacaoPagador, req.InfoAdicionais, "cob")
	rec, err := s.recebedorDaChave(ctx, documento, req.Chave, "cob.chave", &v)
	if err != nil {
		return nil, err
	}
	var loc *Loc
	if req.Loc != nil {
		loc, err = s.usableLoc(ctx, documento, req.Loc.ID, TipoCobImediata, "", "cob.loc.id", &v)
		if err != nil {
			return nil, err
		}
	}
	if err := v.err(msgCobInvalida); err != nil {
		return nil, err
	}
	// A txid already used is found by the insert's unique key (and reported
	// by storeWriteError): no existence query on the happy path.
	now := s.clock.Now()
	cob := &pixapi.CobCompleta{
		Calendario:         pixapi.CobCalendario{Criacao: pixapi.Timestamp{Time: now}, Expiracao: exp},
		TxID:               txid,
		Revisao:            0,
		Status:             pixapi.StatusAtiva,
		Devedor:            req.Devedor,
		Valor:              req.Valor,
		Chave:              req.Chave,
		SolicitacaoPagador: req.SolicitacaoPagador,
		InfoAdicionais:     req.InfoAdicionais,
	}
	var r *CobRecord
	if loc != nil {
		if err := setLoc(cob, loc, rec); err != nil {
			return nil, err
		}
		if r, err = cobRecord(documento, cob, loc.ID, now); err != nil {
			return nil, err
		}
	} else {
		// A charge without loc.id gets a new location, created in the same
		// transaction as the charge (no orphan location when it is refused).
		if r, err = cobRecord(documento, cob, 0, now); err != nil {
			return nil, err
		}
		if r.NewLoc, err = s.locFor(documento, TipoCobImediata, now); err != nil {
			return nil, err
		}
		r.BodyFor = func(l *Loc) ([]byte, error) {
			if err := setLoc(cob, l, rec); err != nil {
				return nil, err
			}
			return marshalCob(cob)
		}
	}
	if err := s.store.CreateCob(ctx, r); err != nil {
		return nil, s.storeWriteError(ctx, documento, txid, err, "cob.loc.id")
	}
	return cob, nil
}

// ReviseCob changes an ATIVA immediate charge (PATCH /cob/{txid}): only the
// fields present change, revisao grows by one (a change of loc alone keeps
// it), and status REMOVIDA_PELO_USUARIO_RECEBEDOR removes the charge — alone,
// never with other changes. ENotFound if the recebedor has no such charge;
// EInvalid (CobOperacaoInvalida) for violations, a charge not ATIVA, or a
// concurrent change (retry).
func (s *Service) ReviseCob(ctx context.Context, documento, txid string, req *pixapi.CobRevisada) (*pixapi.CobCompleta, error) {
	r, err := s.store.Cob(ctx, documento, txid)
	if err != nil {
		return nil, err
	}
	if r.Tipo != TipoCobImediata {
		return nil, errs.New(errs.ENotFound, "Cobrança não encontrada para o txid informado.")
	}
	var cob pixapi.CobCompleta
	if err := json.Unmarshal(r.Body, &cob); err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "decode stored cob")
	}
	var v violations
	if cob.Status != pixapi.StatusAtiva {
		v.add("cob.status", "A cobrança não está ATIVA, e a presente requisição busca alterá-la.")
		return nil, v.err(msgCobInvalida)
	}
	changesOtherThanStatus := req.Calendario != nil || req.Devedor != nil || req.Loc != nil || req.Valor != nil ||
		req.Chave != "" || req.SolicitacaoPagador != "" || req.InfoAdicionais != nil
	switch req.Status {
	case "":
	case pixapi.StatusRemovidaPeloUsuarioRecebedor:
		if changesOtherThanStatus {
			v.add("cob.status", "A cobrança está ATIVA, e a presente requisição propõe alterar seu status para REMOVIDA_PELO_USUARIO_RECEBEDOR juntamente com outras alterações.")
		}
	default:
		v.add("cob.status", "O campo cob.status não respeita o schema: só REMOVIDA_PELO_USUARIO_RECEBEDOR pode ser pedido.")
	}
	next := cob
	next.Pix = nil
	bump := false
	if req.Calendario != nil && req.Calendario.Expiracao != nil {
		if *req.Calendario.Expiracao <= 0 {
			v.add("cob.calendario.expiracao", "O campo cob.calendario.expiracao é igual ou menor que zero.")
		}
		next.Calendario.Expiracao = *req.Calendario.Expiracao
		bump = true
	}
	if req.Devedor != nil {
		checkPessoa(&v, req.Devedor, "cob.devedor")
		next.Devedor = req.Devedor
		bump = true
	}
	if req.Valor != nil {
		val := next.Valor
		if req.Valor.Original != "" {
			val.Original = req.Valor.Original
		}
		if req.Valor.ModalidadeAlteracao != nil {
			val.ModalidadeAlteracao = req.Valor.ModalidadeAlteracao
		}
		if req.Valor.Retirada != nil {
			val.Retirada = req.Valor.Retirada
		}
		s.checkValor(&v, &val, "cob.valor")
		next.Valor = val
		bump = true
	}
	if req.SolicitacaoPagador != "" || req.InfoAdicionais != nil {
		if req.SolicitacaoPagador != "" {
			next.SolicitacaoPagador = req.SolicitacaoPagador
		}
		if req.InfoAdicionais != nil {
			next.InfoAdicionais = req.InfoAdicionais
		}
		checkTextos(&v, next.SolicitacaoPagador, next.InfoAdicionais, "cob")
		bump = true
	}
	rec, err := s.recebedor(ctx, documento)
	if err != nil {
		return nil, err
	}
	if req.Chave != "" {
		if _, err := s.recebedorDaChave(ctx, documento, req.Chave, "cob.chave", &v); err != nil {
			return nil, err
		}
		next.Chave = req.Chave
		bump = true
	}
	locID := r.LocID
	var loc *Loc
	if req.Loc != nil && req.Loc.ID != r.LocID {
		if loc, err = s.usableLoc(ctx, documento, req.Loc.ID, TipoCobImediata, txid, "cob.loc.id", &v); err != nil {
			return nil, err
		}
		locID = req.Loc.ID
	}
	if req.Status == pixapi.StatusRemovidaPeloUsuarioRecebedor {
		next.Status = pixapi.StatusRemovidaPeloUsuarioRecebedor
		bump = true
	}
	if err := v.err(msgCobInvalida); err != nil {
		return nil, err
	}
	if loc != nil {
		if err := setLoc(&next, loc, rec); err != nil {
			return nil, err
		}
	}
	if bump {
		next.Revisao++
	}
	now := s.clock.Now()
	nr, err := cobRecord(documento, &next, locID, r.Criacao)
	if err != nil {
		return nil, err
	}
	nr.UpdatedAt = now
	if err := s.store.UpdateCob(ctx, nr, r.Revisao, r.Status); err != nil {
		return nil, s.storeWriteError(ctx, documento, txid, err, "cob.loc.id")
	}
	return &next, nil
}

// Cob returns an immediate charge (GET /cob/{txid}), at revision revisao
// when it is not nil. ENotFound when the recebedor has no such charge;
// EInvalid (CobConsultaInvalida, propriedade "revisao") for a revision that
// does not exist.
func (s *Service) Cob(ctx context.Context, documento, txid string, revisao *int) (json.RawMessage, error) {
	r, err := s.store.Cob(ctx, documento, txid)
	if err == nil && r.Tipo != TipoCobImediata {
		err = errs.New(errs.ENotFound, "Cobrança não encontrada para o txid informado.")
	}
	if err != nil {
		return nil, err
	}
	if revisao == nil || *revisao == r.Revisao {
		return s.comPix(ctx, r)
	}
	body, err := s.store.CobRevisao(ctx, documento, txid, *revisao)
	if errs.Is(err, errs.ENotFound) {
		return nil, errs.Invalid("revisao", "O parâmetro revisao corresponde a uma revisão inexistente para a cobrança apontada pelo parâmetro txid.")
	}
	return body, err
}

// txidEmUso is the error of a PUT whose txid the recebedor already used.
func txidEmUso(existing *CobRecord) error {
	reason := "A cobrança já existe para o txid informado."
	if existing.Status != string(pixapi.StatusAtiva) {
		reason = "A cobrança já existe, não está no status ATIVA, e a presente requisição busca alterá-la."
	}
	return &errs.Error{Kind: errs.EInvalid, Message: reason, Violations: []errs.Violation{{Property: "txid", Reason: reason}}}
}

// storeWriteError turns a store conflict into the spec's violation.
func (s *Service) storeWriteError(ctx context.Context, documento, txid string, err error, locProp string) error {
	e := errs.As(err)
	if e == nil {
		return err
	}
	switch {
	case e.Kind == errs.EConflict && e.Code == "txid":
		if existing, err2 := s.store.Cob(ctx, documento, txid); err2 == nil {
			return txidEmUso(existing)
		}
		return errs.Invalid("txid", "A cobrança já existe para o txid informado.")
	case e.Code == "loc" && e.Kind == errs.ENotFound:
		return errs.Invalid(locProp, "O location referenciado por loc.id inexiste.")
	case e.Code == "loc":
		return errs.Invalid(locProp, "O location referenciado por loc.id já está sendo utilizado por outra cobrança.")
	case e.Kind == errs.EConflict && e.Code == "stale":
		return errs.Invalid("txid", "A cobrança foi alterada por outra requisição; consulte-a e tente novamente.")
	}
	return err
}

// checkValor applies the rules of CobValor (and its retirada).
func (s *Service) checkValor(v *violations, val *pixapi.CobValor, prop string) {
	orig, err := ParseValor(val.Original)
	if err != nil {
		v.add(prop+".original", "O campo "+prop+".original não respeita o schema.")
	}
	if val.ModalidadeAlteracao != nil && *val.ModalidadeAlteracao != 0 && *val.ModalidadeAlteracao != 1 {
		v.add(prop+".modalidadeAlteracao", "O campo "+prop+".modalidadeAlteracao deve ser 0 ou 1.")
	}
	ret := val.Retirada
	if ret == nil {
		if err == nil && orig == 0 {
			v.add(prop+".original", "O campo "+prop+".original é zero.")
		}
		return
	}
	if val.ModalidadeAlteracao != nil && *val.ModalidadeAlteracao == 1 {
		v.add(prop+".modalidadeAlteracao", "Com retirada (Pix Saque ou Pix Troco), "+prop+".modalidadeAlteracao não pode ser 1.")
	}
	switch {
	case (ret.Saque == nil) == (ret.Troco == nil):
		v.add(prop+".retirada", "Informe exatamente um de "+prop+".retirada.saque e "+prop+".retirada.troco.")
	case ret.Saque != nil:
		if err == nil && orig != 0 {
			v.add(prop+".original", "Em um Pix Saque, "+prop+".original deve ser 0.00.")
		}
		checkRetirada(v, ret.Saque, prop+".retirada.saque", true, s.ispb())
	default:
		if err == nil && orig == 0 {
			v.add(prop+".original", "Em um Pix Troco, "+prop+".original deve ser maior que zero.")
		}
		checkRetirada(v, ret.Troco, prop+".retirada.troco", false, s.ispb())
	}
}

// checkRetirada applies the rules of a saque (saque true) or troco r. Its
// prestadorDoServicoDeSaque must be ispb, the PSP's own: Sicredi asks for
// its ISPB there, always (seed 000 §11).
func checkRetirada(v *violations, r *pixapi.ValorRetirada, prop string, saque bool, ispb string) {
	if x, err := ParseValor(r.Valor); err != nil || x == 0 {
		v.add(prop+".valor", "O campo "+prop+".valor não respeita o schema ou é zero.")
	}
	if r.ModalidadeAlteracao != nil && *r.ModalidadeAlteracao != 0 && *r.ModalidadeAlteracao != 1 {
		v.add(prop+".modalidadeAlteracao", "O campo "+prop+".modalidadeAlteracao deve ser 0 ou 1.")
	}
	switch r.ModalidadeAgente {
	case pixapi.ModalidadeAgenteAGTEC, pixapi.ModalidadeAgenteAGTOT:
	case pixapi.ModalidadeAgenteAGPSS:
		if !saque {
			v.add(prop+".modalidadeAgente", "AGPSS só é permitido em Pix Saque.")
		}
	default:
		v.add(prop+".modalidadeAgente", "O campo "+prop+".modalidadeAgente deve ser AGTEC, AGTOT ou AGPSS.")
	}
	switch p := r.PrestadorDoServicoDeSaque; {
	case len(p) != 8 || strings.Trim(p, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "":
		v.add(prop+".prestadorDoServicoDeSaque", "O campo "+prop+".prestadorDoServicoDeSaque deve ser um ISPB de 8 caracteres ("+ispb+", o ISPB deste PSP).")
	case p != ispb:
		v.add(prop+".prestadorDoServicoDeSaque", "O campo "+prop+".prestadorDoServicoDeSaque deve ser "+ispb+", o ISPB deste PSP, prestador do serviço de saque (recebido: "+p+").")
	}
}

// checkPessoa applies the devedor rules: exactly one of cpf and cnpj, each
// with its pattern, and the name.
func checkPessoa(v *violations, p *pixapi.Pessoa, prop string) {
	if p == nil {
		return
	}
	switch {
	case p.CPF != "" && p.CNPJ != "":
		v.add(prop, "Não é permitido que os campos "+prop+".cpf e "+prop+".cnpj estejam preenchidos ao mesmo tempo.")
	case p.CPF != "":
		if !reCPF.MatchString(p.CPF) {
			v.add(prop+".cpf", "O campo "+prop+".cpf não respeita o schema.")
		}
	case p.CNPJ != "":
		if !reCNPJ.MatchString(p.CNPJ) {
			v.add(prop+".cnpj", "O campo "+prop+".cnpj não respeita o schema.")
		}
	default:
		v.add(prop, "O objeto "+prop+" deve ter "+prop+".cpf ou "+prop+".cnpj.")
	}
	if strings.TrimSpace(p.Nome) == "" || utf8.RuneCountInString(p.Nome) > MaxNome {
		v.add(prop+".nome", fmt.Sprintf("O campo %s.nome é obrigatório e tem no máximo %d caracteres.", prop, MaxNome))
	}
}

// checkTextos applies the limits of solicitacaoPagador and infoAdicionais.
func checkTextos(v *violations, solicitacao string, infos []pixapi.InfoAdicional, prop string) {
	if utf8.RuneCountInString(solicitacao) > MaxSolicitacaoPagador {
		v.add(prop+".solicitacaoPagador", fmt.Sprintf("O campo solicitacaoPagador tem no máximo %d caracteres.", MaxSolicitacaoPagador))
	}
	if len(infos) > MaxInfoAdicionais {
		v.add(prop+".infoAdicionais", fmt.Sprintf("O objeto infoAdicionais tem no máximo %d itens.", MaxInfoAdicionais))
	}
	for i, in := range infos {
		p := fmt.Sprintf("%s.infoAdicionais[%d]", prop, i)
		if in.Nome == "" || utf8.RuneCountInString(in.Nome) > MaxInfoNome {
			v.add(p+".nome", fmt.Sprintf("O campo nome é obrigatório e tem no máximo %d caracteres.", MaxInfoNome))
		}
		if in.Valor == "" || utf8.RuneCountInString(in.Valor) > MaxInfoValor {
			v.add(p+".valor", fmt.Sprintf("O campo valor é obrigatório e tem no máximo %d caracteres.", MaxInfoValor))
		}
	}
}

// recebedorDaChave checks that chave is a key of documento (seed 000 Anexo
// III: "Não foi localizada a chave informada", propriedade cob.chave) and
// returns the recebedor.
func (s *Service) recebedorDaChave(ctx context.Context, documento, chave, prop string, v *violations) (*Recebedor, error) {
	rec, err := s.recebedor(ctx, documento)
	if err != nil {
		return nil, err
	}
	if chave == "" || len(chave) > MaxChave {
		v.add(prop, "O campo "+prop+" não respeita o schema.")
		return rec, nil
	}
	c, err := s.chave(ctx, chave)
	if errs.Is(err, errs.ENotFound) || (err == nil && c.Documento != documento) {
		v.add(prop, "Não foi localizada a chave informada")
		return rec, nil
	}
	return rec, err
}

// recebedor returns documento's recebedor, cached for at most 500 ms.
func (s *Service) recebedor(ctx context.Context, documento string) (*Recebedor, error) {
	if r, ok := s.recebedores.Get(documento); ok {
		return r, nil
	}
	r, err := s.store.Recebedor(ctx, documento)
	if err != nil {
		return nil, err
	}
	s.recebedores.Put(documento, r)
	return r, nil
}

// chave returns the registered key chave, cached for at most 500 ms
// (unknown keys are not cached).
func (s *Service) chave(ctx context.Context, chave string) (*Chave, error) {
	if c, ok := s.chaves.Get(chave); ok {
		return c, nil
	}
	c, err := s.store.Chave(ctx, chave)
	if err != nil {
		return nil, err
	}
	s.chaves.Put(chave, c)
	return c, nil
}

// usableLoc checks loc.id: it exists for documento, is of tipo, and is not
// used by a charge other than txid.
func (s *Service) usableLoc(ctx context.Context, documento string, id int64, tipo TipoCob, txid, prop string, v *violations) (*Loc, error) {
	l, err := s.store.Loc(ctx, documento, id)
	if errs.Is(err, errs.ENotFound) {
		v.add(prop, "O location referenciado por loc.id inexiste.")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if l.TxID != "" && l.TxID != txid {
		v.add(prop, "O location referenciado por loc.id já está sendo utilizado por outra cobrança.")
	}
	if l.TipoCob != tipo {
		v.add(prop, fmt.Sprintf("O location referenciado por loc.id apresenta tipo %q (deveria ser %q).", l.TipoCob, tipo))
	}
	return l, nil
}

// locFor returns a new location (not yet stored) for documento's charges of
// tipo.
func (s *Service) locFor(documento string, tipo TipoCob, now time.Time) (*Loc, error) {
	token := NewLocationToken()
	location, err := LocationFor(s.WebURL, tipo, token)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "location")
	}
	return &Loc{Documento: documento, TipoCob: tipo, Token: token, Location: location, Criacao: now}, nil
}

// newLoc creates a location (POST /loc).
func (s *Service) newLoc(ctx context.Context, documento string, tipo TipoCob, now time.Time) (*Loc, error) {
	l, err := s.locFor(documento, tipo, now)
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateLoc(ctx, l); err != nil {
		return nil, err
	}
	return l, nil
}

// setLoc points cob at loc and renders its BR Code.
func setLoc(cob *pixapi.CobCompleta, loc *Loc, rec *Recebedor) error {
	cob.Loc = &pixapi.PayloadLocation{ID: loc.ID, TxID: cob.TxID, Location: loc.Location, TipoCob: pixapi.TipoCob(loc.TipoCob), Criacao: pixapi.Timestamp{Time: loc.Criacao}}
	cob.Location = loc.Location
	code, err := brcode.Dynamic(loc.Location, rec.Nome, rec.Cidade)
	if err != nil {
		return errs.Wrap(errs.EInternal, err, "BR Code")
	}
	cob.PixCopiaECola = code
	return nil
}

func marshalCob(cob *pixapi.CobCompleta) ([]byte, error) {
	body, err := json.Marshal(cob)
	if err != nil {
		return nil, errs.Wrap(errs.EInternal, err, "encode cob")
	}
	return body, nil
}

// cobRecord builds the stored form of cob.
func cobRecord(documento string, cob *pixapi.CobCompleta, locID int64, criacao time.Time) (*CobRecord, error) {
	body, err := marshalCob(cob)
	if err != nil {
		return nil, err
	}
	r := &CobRecord{Documento: documento, TxID: cob.TxID, Tipo: TipoCobImediata, Status: string(cob.Status), Revisao: cob.Revisao,
		Criacao: criacao, LocID: locID, Body: body, UpdatedAt: criacao}
	if cob.Devedor != nil {
		r.DevedorCPF, r.DevedorCNPJ = cob.Devedor.CPF, cob.Devedor.CNPJ
	}
	return r, nil
}
