package portal

import (
	"context"
	"crypto/x509"
	"log/slog"
	"path"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/pki"
)

// Names of the files the signing adds to an account (seed 000 Anexo I lists
// "CadeiaCompletaSicredi.cer" and the validated "certificado.cer").
const (
	ChainFileName = "CadeiaCompleta.cer"
	// WebhookFileName is the name of the webhook certificate download
	// (the seed's webhook-sicredi.cer).
	WebhookFileName = "webhook-brasa.cer"
)

// PollInterval is how often the signing worker looks for CSRs when nothing
// nudges it.
const PollInterval = time.Second

// Nudge wakes the signing worker (after a CSR is registered).
func (s *Service) Nudge() {
	select {
	case s.nudge <- struct{}{}:
	default:
	}
}

// RunWorker signs pending CSRs until ctx ends: at start (CSRs a previous run
// left pending included), when nudged, and every [PollInterval]. The job is
// the CSR row itself, committed before the developer sees "EM_PROCESSAMENTO",
// so a crash loses nothing: the next run signs it. Several instances may run
// workers on one database: completing a CSR is conditional on it still being
// pending, so exactly one certificate is stored per CSR.
func (s *Service) RunWorker(ctx context.Context, log *slog.Logger) {
	t := time.NewTicker(PollInterval)
	defer t.Stop()
	for {
		if _, err := s.SignPending(ctx); err != nil && ctx.Err() == nil {
			log.Error("portal: signing CSRs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.nudge:
			// Give the signing delay time to pass before looking again.
			if d := s.d.SigningDelay; d > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(d):
				}
			}
		}
	}
}

// SignPending has the CA sign every CSR that has waited the signing delay,
// and returns how many it completed (signed or refused).
func (s *Service) SignPending(ctx context.Context) (int, error) {
	n := 0
	for {
		jobs, err := s.d.Store.PendingCSRs(ctx, s.d.Clock.Now().Add(-s.d.SigningDelay), 20)
		if err != nil || len(jobs) == 0 {
			return n, err
		}
		done := 0
		for i := range jobs {
			ok, err := s.sign(ctx, &jobs[i])
			if err != nil {
				return n, err
			}
			if ok {
				done++
				n++
			}
		}
		if done == 0 {
			return n, nil // every job was taken by another instance
		}
	}
}

// sign signs one CSR and stores the certificate, its file and the chain in
// one transaction. A CSR the CA cannot sign is refused with the reason.
func (s *Service) sign(ctx context.Context, job *File) (bool, error) {
	now := s.d.Clock.Now()
	var cert *x509.Certificate
	csr, err := pki.ParseCSR(job.Content)
	if err == nil {
		cert, err = s.d.CA.SignCSR(csr, s.d.CertValidity)
	}
	if err != nil {
		err := s.d.Store.RefuseCSR(ctx, job.ID, "A AC recusou a requisição: "+err.Error(), now)
		if errs.Is(err, errs.EConflict) {
			return false, nil
		}
		return err == nil, err
	}
	rec := pki.NewCertificateRecord(cert, pki.CertClient, job.Documento, now)
	stem := strings.TrimSuffix(job.Nome, path.Ext(job.Nome))
	validated := File{
		ID: newID(s.d.Random), Cooperativa: job.Cooperativa, Conta: job.Conta, Documento: job.Documento,
		Nome: stem + ".cer", Tipo: TipoValidado, Status: StatusOK, Usuario: job.Usuario, OriginID: job.ID,
		Serial: rec.Serial, Thumbprint: rec.Thumbprint, Content: pki.EncodeCertificatesPEM(cert),
		CreatedAt: now, UpdatedAt: now,
	}
	chain := File{
		ID: newID(s.d.Random), Cooperativa: job.Cooperativa, Conta: job.Conta, Documento: job.Documento,
		Nome: ChainFileName, Tipo: TipoCadeia, Status: StatusOK, Usuario: job.Usuario, OriginID: job.ID,
		Content: s.d.CA.ChainPEM(), CreatedAt: now, UpdatedAt: now,
	}
	err = s.d.Store.CompleteCSR(ctx, job.ID, rec, []File{validated, chain}, now)
	if errs.Is(err, errs.EConflict) {
		return false, nil
	}
	return err == nil, err
}
