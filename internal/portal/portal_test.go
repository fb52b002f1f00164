package portal_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brasa-dev/brasa/internal/certdoctor"
	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/portal"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
)

const cnpj = "11222333000181"

type env struct {
	db     *store.DB
	path   string
	ca     *pki.CA
	sealer *pki.Sealer
	hasher *oauth.Hasher
	clock  *clock.Offset
}

func newEnv(t *testing.T) *env {
	t.Helper()
	path := filepath.Join(t.TempDir(), "brasa.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ca, err := pki.NewCA(pki.CAOptions{Organization: "brasa test"})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := pki.GenerateMasterKey(rand.Reader)
	sealer, err := pki.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	pepper := make([]byte, 32)
	rand.Read(pepper)
	return &env{db: db, path: path, ca: ca, sealer: sealer, hasher: oauth.NewHasher(pepper), clock: clock.NewOffset(clock.System, 0)}
}

func (e *env) service(autoApprove bool) *portal.Service {
	return portal.New(portal.Deps{Store: e.db, CA: e.ca, Sealer: e.sealer, Hasher: e.hasher, Clock: e.clock,
		AutoApprove: autoApprove, SigningDelay: -1})
}

// approvedDev signs up a developer with an approved chamado for cnpj.
func approvedDev(t *testing.T, s *portal.Service, email string, mods ...portal.Modalidade) *portal.Developer {
	t.Helper()
	ctx := context.Background()
	dev, err := s.SignUp(ctx, "Dev", email, "senha longa demais")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.OpenChamado(ctx, dev, portal.TipoAcessoAPIPix, cnpj, "ADESAO-1")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status == portal.ChamadoAberto {
		if err := s.DecideChamado(ctx, c.ID, true, mods); err != nil {
			t.Fatal(err)
		}
	}
	return dev
}

func csrRequest() portal.CSRRequest {
	return portal.CSRRequest{Documento: cnpj, Cooperativa: "0116", Conta: "999001", NomeArquivo: "APLICACAO",
		Frase: "frase secreta", NomeComum: "empresa-teste"}
}

func wantKind(t *testing.T, what string, err error, k errs.Kind) *errs.Error {
	t.Helper()
	if !errs.Is(err, k) {
		t.Fatalf("%s: got %v, want kind %v", what, err, k)
	}
	return errs.As(err)
}

func TestSignUpAndLogin(t *testing.T) {
	e := newEnv(t)
	s := e.service(true)
	ctx := context.Background()
	err := func() error { _, err := s.SignUp(ctx, "", "not-an-email", "curta"); return err }()
	ee := wantKind(t, "bad sign-up", err, errs.EInvalid)
	if len(ee.Violations) != 3 {
		t.Fatalf("violations = %+v, want nome, email and senha", ee.Violations)
	}
	if _, err := s.SignUp(ctx, "Ana", "Ana@Example.com", "senha comprida"); err != nil {
		t.Fatal(err)
	}
	_, err = s.SignUp(ctx, "Outra", "ana@example.com", "senha comprida")
	wantKind(t, "same e-mail", err, errs.EConflict)

	_, _, err = s.Login(ctx, "ana@example.com", "senha errada!")
	wantKind(t, "wrong password", err, errs.EUnauthorized)
	_, _, err = s.Login(ctx, "ninguem@example.com", "senha comprida")
	wantKind(t, "unknown e-mail", err, errs.EUnauthorized)
	token, dev, err := s.Login(ctx, " ANA@example.com ", "senha comprida")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Authenticate(ctx, token)
	if err != nil || got.ID != dev.ID {
		t.Fatalf("Authenticate: %v %v", got, err)
	}
	_, err = s.Authenticate(ctx, token+"x")
	wantKind(t, "forged token", err, errs.EUnauthorized)
	e.clock.Advance(13 * time.Hour)
	_, err = s.Authenticate(ctx, token)
	wantKind(t, "expired session", err, errs.EUnauthorized)
	token, _, _ = s.Login(ctx, "ana@example.com", "senha comprida")
	if err := s.Logout(ctx, token); err != nil {
		t.Fatal(err)
	}
	_, err = s.Authenticate(ctx, token)
	wantKind(t, "after logout", err, errs.EUnauthorized)
}

func TestChamadoGatesTheFiles(t *testing.T) {
	e := newEnv(t)
	s := e.service(false) // serve: an operator approves
	ctx := context.Background()
	dev, _ := s.SignUp(ctx, "Dev", "dev@example.com", "senha comprida")
	_, err := s.OpenChamado(ctx, dev, portal.TipoAcessoAPIPix, "12.345.678/0001-00", "")
	ee := wantKind(t, "bad chamado", err, errs.EInvalid)
	if len(ee.Violations) != 2 {
		t.Fatalf("violations %+v, want cnpj and idAdesao", ee.Violations)
	}
	c, err := s.OpenChamado(ctx, dev, portal.TipoAcessoAPIPix, "11.222.333/0001-81", "DEM-7")
	if err != nil || c.Status != portal.ChamadoAberto || c.CNPJ != cnpj {
		t.Fatalf("chamado %+v: %v", c, err)
	}
	_, err = s.RegisterCSR(ctx, dev, csrRequest())
	wantKind(t, "CSR before approval", err, errs.EForbidden)
	pending, _ := s.PendingChamados(ctx)
	if len(pending) != 1 || pending[0].ID != c.ID {
		t.Fatalf("pending = %+v", pending)
	}
	if err := s.DecideChamado(ctx, c.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RegisterCSR(ctx, dev, csrRequest()); err != nil {
		t.Fatalf("CSR after approval: %v", err)
	}
	// Another developer without a chamado sees nothing of the account.
	other, _ := s.SignUp(ctx, "Outro", "outro@example.com", "senha comprida")
	_, _, err = s.Files(ctx, other, "0116", "999001")
	wantKind(t, "someone else's account", err, errs.ENotFound)
}

func TestRegisterCSRValidatesEveryField(t *testing.T) {
	e := newEnv(t)
	s := e.service(true)
	dev := approvedDev(t, s, "dev@example.com")
	_, err := s.RegisterCSR(context.Background(), dev, portal.CSRRequest{Documento: "123", Cooperativa: "116", Conta: "12a",
		NomeArquivo: "../x", Frase: "curta", NomeComum: "", Email: "nope"})
	ee := wantKind(t, "bad form", err, errs.EInvalid)
	var fields []string
	for _, v := range ee.Violations {
		fields = append(fields, v.Property)
	}
	slices.Sort(fields)
	if got := strings.Join(fields, " "); got != "conta cooperativa documento email frase nomeArquivo nomeComum" {
		t.Fatalf("violations on %s", got)
	}
}

// TestSigningSurvivesRestart: the job is the CSR row, so a CSR registered by
// an instance that dies before signing is signed by the next one, exactly
// once, with a certificate that chains to the CA and holds the CSR's key.
func TestSigningSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s1 := e.service(true)
	dev := approvedDev(t, s1, "dev@example.com")
	f, err := s1.RegisterCSR(ctx, dev, csrRequest())
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != portal.StatusEmProcessamento {
		t.Fatalf("new CSR is %s", f.Status)
	}
	e.db.Close() // the instance dies before its worker ran

	db, err := sqlite.Open(ctx, e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e.db = db
	s2, s3 := e.service(true), e.service(true)
	n2, err2 := s2.SignPending(ctx)
	n3, err3 := s3.SignPending(ctx)
	if err2 != nil || err3 != nil || n2+n3 != 1 {
		t.Fatalf("SignPending: %d %v, %d %v; want one signature in all", n2, err2, n3, err3)
	}
	_, files, err := s2.Files(ctx, dev, "0116", "999001")
	if err != nil {
		t.Fatal(err)
	}
	byTipo := map[portal.FileTipo]portal.File{}
	for _, f := range files {
		byTipo[f.Tipo] = f
	}
	if len(files) != 3 || byTipo[portal.TipoOriginal].Status != portal.StatusOK {
		t.Fatalf("files after signing: %+v", files)
	}
	certs, err := pki.ParseCertificates(byTipo[portal.TipoValidado].Content)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := certs[0].Verify(x509.VerifyOptions{Roots: e.ca.Pool(), Intermediates: e.ca.Intermediates(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("certificate does not chain to the CA: %v", err)
	}
	_, keyPEM, err := s2.Download(ctx, dev, byTipo[portal.TipoOriginal].ID, portal.DownloadKeyNoPass)
	if err != nil {
		t.Fatal(err)
	}
	key, err := pki.ParsePrivateKeyPEM(keyPEM)
	if err != nil || !key.Public().(*rsa.PublicKey).Equal(certs[0].PublicKey) {
		t.Fatalf("key does not match the certificate: %v", err)
	}
	_, encPEM, _ := s2.Download(ctx, dev, byTipo[portal.TipoOriginal].ID, portal.DownloadKey)
	if _, err := pki.DecryptPKCS8PEM(encPEM, []byte("frase secreta")); err != nil {
		t.Fatalf("encrypted key does not open with the passphrase: %v", err)
	}
	if name, chain, _ := s2.Download(ctx, dev, byTipo[portal.TipoCadeia].ID, portal.DownloadContent); name != portal.ChainFileName || !strings.Contains(string(chain), "CERTIFICATE") {
		t.Fatalf("chain download %s", name)
	}
	if _, _, err := s2.Download(ctx, dev, byTipo[portal.TipoValidado].ID, portal.DownloadKey); !errs.Is(err, errs.ENotFound) {
		t.Fatalf("a certificate has no key download: %v", err)
	}
}

func TestSigningWaitsForTheDelay(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := portal.New(portal.Deps{Store: e.db, CA: e.ca, Sealer: e.sealer, Hasher: e.hasher, Clock: e.clock, AutoApprove: true,
		SigningDelay: time.Minute})
	dev := approvedDev(t, s, "dev@example.com")
	if _, err := s.RegisterCSR(ctx, dev, csrRequest()); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SignPending(ctx); n != 0 || err != nil {
		t.Fatalf("signed before the delay: %d %v", n, err)
	}
	e.clock.Advance(time.Minute)
	if n, err := s.SignPending(ctx); n != 1 || err != nil {
		t.Fatalf("after the delay: %d %v", n, err)
	}
}

func csrPEM(t *testing.T, key any, subject pkix.Name) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: subject}, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

func TestUploadCSRChecksAnexoIV(t *testing.T) {
	e := newEnv(t)
	s := e.service(true)
	ctx := context.Background()
	dev := approvedDev(t, s, "dev@example.com")
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	good, err := certdoctor.SicrediSubject("parceiro", cnpj)
	if err != nil {
		t.Fatal(err)
	}
	up := func(csr []byte) error {
		_, err := s.UploadCSR(ctx, dev, portal.UploadRequest{Documento: cnpj, Cooperativa: "0116", Conta: "999001", NomeArquivo: "REQ.csr", CSR: csr})
		return err
	}
	reasons := func(err error) string {
		ee := wantKind(t, "upload", err, errs.EInvalid)
		var out []string
		for _, v := range ee.Violations {
			out = append(out, v.Reason)
		}
		return strings.Join(out, " | ")
	}
	if got := reasons(up([]byte("not a csr"))); !strings.Contains(got, "não é uma requisição de certificado") {
		t.Errorf("garbage: %s", got)
	}
	tampered := csrPEM(t, rsaKey, good)
	block, _ := pem.Decode(tampered)
	block.Bytes[len(block.Bytes)-5] ^= 0xff
	if got := reasons(up(pem.EncodeToMemory(block))); !strings.Contains(got, "assinatura da requisição não confere") {
		t.Errorf("tampered: %s", got)
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if got := reasons(up(csrPEM(t, ecKey, good))); !strings.Contains(got, "deve ser RSA") {
		t.Errorf("ECDSA: %s", got)
	}
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	if got := reasons(up(csrPEM(t, weak, good))); !strings.Contains(got, "tem 1024 bits") {
		t.Errorf("RSA 1024: %s", got)
	}
	wrong := pkix.Name{Country: []string{"BR"}, Organization: []string{"Outra"}, CommonName: "parceiro.example", SerialNumber: "urn:cpfcnpj:12345678000195"}
	got := reasons(up(csrPEM(t, rsaKey, wrong)))
	for _, want := range []string{"CN (nome comum) é \"parceiro.example\"", "serialNumber traz o CPF/CNPJ \"12345678000195\"",
		"O é \"Outra\"", "Falta o atributo OU=API Pix Sicredi", "Falta o atributo jurisdictionCountryName=BR", "Subject esperado"} {
		if !strings.Contains(got, want) {
			t.Errorf("wrong subject: %q lacks %q", got, want)
		}
	}
	if err := up(csrPEM(t, rsaKey, good)); err != nil {
		t.Fatalf("the Anexo IV subject is refused: %v", err)
	}
	if n, err := s.SignPending(ctx); n != 1 || err != nil {
		t.Fatalf("SignPending: %d %v", n, err)
	}
}

func TestGenerateCredential(t *testing.T) {
	e := newEnv(t)
	s := e.service(false)
	ctx := context.Background()
	dev := approvedDev(t, s, "dev@example.com", portal.ModalidadeCobranca)
	f, err := s.RegisterCSR(ctx, dev, csrRequest())
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.GenerateCredential(ctx, dev, f.ID, cnpj)
	wantKind(t, "credential on a CSR", err, errs.EInvalid)
	if _, err := s.SignPending(ctx); err != nil {
		t.Fatal(err)
	}
	_, files, _ := s.Files(ctx, dev, "0116", "999001")
	var cer portal.File
	for _, f := range files {
		if f.Tipo == portal.TipoValidado {
			cer = f
		}
	}
	_, err = s.GenerateCredential(ctx, dev, cer.ID, "12345678000195")
	wantKind(t, "another CPF/CNPJ", err, errs.EInvalid)
	cred, err := s.GenerateCredential(ctx, dev, cer.ID, "11.222.333/0001-81")
	if err != nil {
		t.Fatal(err)
	}
	// The contract has Cobrança Imediata only: no cobv scopes.
	if slices.Contains(cred.Scopes, "cobv.write") || !slices.Contains(cred.Scopes, "cob.write") || !slices.Contains(cred.Scopes, "webhook.write") {
		t.Fatalf("scopes %v", cred.Scopes)
	}
	stored, err := e.db.Credential(ctx, cred.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if !e.hasher.Equal(cred.ClientSecret, stored.SecretHash) || !stored.BoundTo(cer.Thumbprint) || stored.Owner != cnpj || stored.Kind != oauth.KindPix {
		t.Fatalf("stored credential %+v", stored)
	}
	r, err := e.db.Recebedor(ctx, cnpj)
	if err != nil || r.Cooperativa != "0116" || r.Conta != "999001" || r.Nome != "EMPRESA TESTE" {
		t.Fatalf("recebedor %+v: %v", r, err)
	}
	ch, err := e.db.Chave(ctx, cred.Chave)
	if err != nil || ch.Documento != cnpj {
		t.Fatalf("chave %+v: %v", ch, err)
	}
	// A second credential reuses the recebedor's key; the list shows both.
	cred2, err := s.GenerateCredential(ctx, dev, cer.ID, cnpj)
	if err != nil || cred2.Chave != cred.Chave || cred2.ClientID == cred.ClientID {
		t.Fatalf("second credential %+v: %v", cred2, err)
	}
	list, err := s.Credentials(ctx, &cer)
	if err != nil || len(list) != 2 || list[0].SecretHash != nil {
		t.Fatalf("credentials %+v: %v", list, err)
	}
	// A revoked certificate gets no new credentials.
	if err := e.db.RevokeCertificate(ctx, cer.Serial, "keyCompromise", time.Now()); err != nil {
		t.Fatal(err)
	}
	_, err = s.GenerateCredential(ctx, dev, cer.ID, cnpj)
	wantKind(t, "revoked certificate", err, errs.EInvalid)
}

func TestAccountBelongsToOneAssociado(t *testing.T) {
	e := newEnv(t)
	s := e.service(true)
	ctx := context.Background()
	dev := approvedDev(t, s, "dev@example.com")
	if _, err := s.RegisterCSR(ctx, dev, csrRequest()); err != nil {
		t.Fatal(err)
	}
	// The same developer, approved for a second CNPJ, cannot use the
	// first one's account for it.
	if _, err := s.OpenChamado(ctx, dev, portal.TipoAcessoAPIPix, "12345678000195", "ADESAO-2"); err != nil {
		t.Fatal(err)
	}
	req := csrRequest()
	req.Documento = "12345678000195"
	_, err := s.RegisterCSR(ctx, dev, req)
	ee := wantKind(t, "account of another associado", err, errs.EInvalid)
	if !strings.Contains(ee.Message, "pertence a outro associado") {
		t.Fatalf("message %q", ee.Message)
	}
}

func TestScopes(t *testing.T) {
	got := strings.Join(portal.Scopes([]portal.Modalidade{portal.ModalidadeCobrancaVencimento}), " ")
	want := "cobv.write cobv.read lotecobv.write lotecobv.read pix.write pix.read webhook.write webhook.read payloadlocation.write payloadlocation.read"
	if got != want {
		t.Fatalf("Scopes(cobv) = %q, want %q", got, want)
	}
}

func TestLoginThrottle(t *testing.T) {
	e := newEnv(t)
	s := e.service(true)
	ctx := context.Background()
	if _, err := s.SignUp(ctx, "Ana", "ana@example.com", "senha comprida"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < portal.MaxLoginFailures; i++ {
		_, _, err := s.Login(ctx, "ana@example.com", "chute errado")
		wantKind(t, "wrong password", err, errs.EUnauthorized)
	}
	_, _, err := s.Login(ctx, "ana@example.com", "senha comprida")
	wantKind(t, "right password after too many failures", err, errs.ETooManyRequests)
	// Other e-mails are not affected.
	_, _, err = s.Login(ctx, "outra@example.com", "x")
	wantKind(t, "another e-mail", err, errs.EUnauthorized)
	e.clock.Advance(portal.LoginFailureWindow)
	if _, _, err := s.Login(ctx, "ana@example.com", "senha comprida"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// TestAlphanumericCNPJ: an associado with an alphanumeric CNPJ (July 2026)
// opens a chamado and registers a CSR whose subject carries it.
func TestAlphanumericCNPJ(t *testing.T) {
	e := newEnv(t)
	s := e.service(true)
	ctx := context.Background()
	dev, err := s.SignUp(ctx, "Dev", "alfa@example.com", "senha comprida")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenChamado(ctx, dev, portal.TipoAcessoAPIPix, "12.ABC.345/01DE-35", "ADESAO-ALFA"); err != nil {
		t.Fatalf("chamado with an alphanumeric CNPJ: %v", err)
	}
	req := csrRequest()
	req.Documento, req.Conta = "12ABC34501DE35", "999002"
	if _, err := s.RegisterCSR(ctx, dev, req); err != nil {
		t.Fatalf("CSR with an alphanumeric CNPJ: %v", err)
	}
}

// TestDoctorCSRVerdictAsPortal: `brasa cert doctor` pre-checks a CSR made by
// hand exactly as the portal's upload does: for each CSR, the portal's
// reasons for refusing it are the doctor's CSR_REFUSED messages, and a CSR
// the portal accepts is CSR_ACCEPTED.
func TestDoctorCSRVerdictAsPortal(t *testing.T) {
	e := newEnv(t)
	s := e.service(true)
	ctx := context.Background()
	dev := approvedDev(t, s, "dev@example.com")
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	good, err := certdoctor.SicrediSubject("parceiro", cnpj)
	if err != nil {
		t.Fatal(err)
	}
	tampered := csrPEM(t, rsaKey, good)
	block, _ := pem.Decode(tampered)
	block.Bytes[len(block.Bytes)-5] ^= 0xff
	upper := good
	upper.ExtraNames = slices.Clone(good.ExtraNames)
	upper.ExtraNames[2].Value = "api-parceiros-Parceiro.sicredi.net"
	cases := []struct {
		name string
		csr  []byte
	}{
		{"Good", csrPEM(t, rsaKey, good)},
		{"Tampered", pem.EncodeToMemory(block)},
		{"ECDSA", csrPEM(t, ecKey, good)},
		{"RSA1024", csrPEM(t, weak, good)},
		{"WrongSubject", csrPEM(t, rsaKey, pkix.Name{Country: []string{"BR"}, Organization: []string{"Outra"}, CommonName: "api-parceiros-x.sicredi.net", SerialNumber: "urn:cpfcnpj:12345678000195"})},
		{"UpperCaseNome", csrPEM(t, rsaKey, upper)},
		{"OtherCNPJ", csrPEM(t, rsaKey, mustSicrediSubject(t, "parceiro", "12345678000195"))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.UploadCSR(ctx, dev, portal.UploadRequest{Documento: cnpj, Cooperativa: "0116", Conta: "999001", NomeArquivo: "REQ.csr", CSR: tc.csr})
			var portalSays []string
			if err != nil {
				ee := wantKind(t, "upload", err, errs.EInvalid)
				for _, v := range ee.Violations {
					portalSays = append(portalSays, v.Reason)
				}
			}
			r := certdoctor.Examine([]certdoctor.File{{Name: "REQ.csr", Data: tc.csr}}, certdoctor.Options{Documento: cnpj})
			var doctorSays []string
			for _, f := range r.Find(certdoctor.CodeCSRRefused) {
				doctorSays = append(doctorSays, f.Message)
			}
			if got, want := strings.Join(doctorSays, "\n"), strings.Join(portalSays, "\n"); got != want {
				t.Errorf("doctor:\n%s\nportal:\n%s", got, want)
			}
			if accepted := len(r.Find(certdoctor.CodeCSRAccepted)) == 1; accepted != (err == nil) {
				t.Errorf("doctor accepts: %v; portal error: %v", accepted, err)
			}
			if tc.name != "Good" && len(portalSays) == 0 {
				t.Error("the portal accepted a bad CSR")
			}
		})
	}
}

func mustSicrediSubject(t *testing.T, nome, doc string) pkix.Name {
	t.Helper()
	n, err := certdoctor.SicrediSubject(nome, doc)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
