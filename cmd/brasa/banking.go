package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/api/bankinghttp"
	"github.com/brasa-dev/brasa/internal/banking"
	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/partner"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/store"
)

const bankingUsage = `brasa banking — provision the Banking API (seed 002: the CORE's steps).

Usage:
  brasa banking account add --id ID --holder NOME [--document CPF/CNPJ] [--balance 1000.00]
  brasa banking cert issue --account ID [--csr FILE] [--cn CN] [--days N] [--passphrase P] --out-cert FILE [--out-key FILE]
        issue a client certificate: from a CSR, or with a new RSA key written to --out-key (once; encrypted if --passphrase)
  brasa banking cert register --account ID --cert FILE.pem
        register a client certificate issued by this brasa's CA (e.g. from the portal)
  brasa banking cert revoke --thumbprint X5T
  brasa banking credential add --account ID --allow CIDR[,CIDR...] [--bind X5T|FILE.pem ...]
        create a credential; prints client_id and client_secret (shown this once)
  brasa banking credential allow --client-id ID --allow CIDR[,CIDR...]   replace the source allowlist
  brasa banking credential bind|unbind --client-id ID --cert X5T|FILE.pem  (at most 2 active bound)
  brasa banking credential show|revoke --client-id ID
  brasa banking admin-token     print the bearer token of the admin API (/admin/v1/banking/...) of brasa serve

Every command takes --db DSN (a SQLite file or postgres://...) or --data DIR
(SQLite at DIR/brasa.db; default $BRASA_DATA_DIR, then ./brasa-data), and the
master key: --master-key-file FILE, $BRASA_MASTER_KEY (hex) or
$BRASA_MASTER_KEY_FILE, else DIR/master.key.
`

// provFlags are the database and master-key flags of banking and bankly.
type provFlags struct {
	*flag.FlagSet
	db, data, masterKeyFile string
}

func (m *Main) provFlagSet(name string) *provFlags {
	f := &provFlags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError)}
	f.SetOutput(m.Stderr)
	f.StringVar(&f.db, "db", "", "database: a SQLite file or postgres://... (default $BRASA_DB)")
	f.StringVar(&f.data, "data", "", "data directory holding brasa.db and master.key (default $BRASA_DATA_DIR, then ./brasa-data)")
	f.StringVar(&f.masterKeyFile, "master-key-file", "", "master key file (default $BRASA_MASTER_KEY / $BRASA_MASTER_KEY_FILE, then DIR/master.key)")
	return f
}

func (f *provFlags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return usageErr("%s: unexpected arguments: %s", f.Name(), strings.Join(f.Args(), " "))
	}
	return nil
}

// provEnv is an open database with the secrets provisioning needs.
type provEnv struct {
	db     *store.DB
	ca     *pki.CA
	hasher *oauth.Hasher
	pepper []byte
}

// Secret names and sealing labels, as internal/app stores them.
const (
	provSecretCA     = "pki/ca"
	provSecretPepper = "oauth/pepper"
	provSealPepper   = "brasa-oauth-pepper"
)

func (m *Main) provOpen(ctx context.Context, f *provFlags) (*provEnv, error) {
	db, err := m.sisgruOpen(ctx, &sisgruFlags{db: f.db, data: f.data})
	if err != nil {
		return nil, err
	}
	env := &provEnv{db: db}
	fail := func(err error) (*provEnv, error) { db.Close(); return nil, err }
	var key []byte
	switch {
	case f.masterKeyFile != "":
		key, err = pki.LoadMasterKey(f.masterKeyFile)
	case m.Getenv("BRASA_MASTER_KEY") != "":
		key, err = pki.ParseMasterKey([]byte(m.Getenv("BRASA_MASTER_KEY")))
	case m.Getenv("BRASA_MASTER_KEY_FILE") != "":
		key, err = pki.LoadMasterKey(m.Getenv("BRASA_MASTER_KEY_FILE"))
	default:
		dir := f.data
		if dir == "" {
			dir = m.Getenv("BRASA_DATA_DIR")
		}
		if dir == "" {
			dir = "brasa-data"
		}
		key, err = pki.LoadMasterKey(filepath.Join(dir, "master.key"))
	}
	if err != nil {
		return fail(fmt.Errorf("master key: %w", err))
	}
	sealer, err := pki.NewSealer(key)
	if err != nil {
		return fail(err)
	}
	blob, err := db.Secret(ctx, provSecretCA)
	if errs.Is(err, errs.ENotFound) {
		return fail(errors.New("this database has no CA yet: start brasa (serve or sandbox) on it once first"))
	}
	if err != nil {
		return fail(err)
	}
	if env.ca, err = pki.OpenCA(blob, sealer); err != nil {
		return fail(fmt.Errorf("opening the CA (is this the database's master key?): %w", err))
	}
	blob, err = db.Secret(ctx, provSecretPepper)
	if err != nil {
		return fail(fmt.Errorf("reading the client-secret pepper: %w", err))
	}
	if env.pepper, err = sealer.Open(blob, []byte(provSealPepper)); err != nil {
		return fail(fmt.Errorf("opening the client-secret pepper: %w", err))
	}
	env.hasher = oauth.NewHasher(env.pepper)
	return env, nil
}

func (e *provEnv) banking() *banking.Service {
	return banking.NewService(banking.Deps{Store: e.db, CA: e.ca, Hasher: e.hasher, Clock: clock.System})
}

// runBanking is `brasa banking`.
func (m *Main) runBanking(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, bankingUsage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	if len(rest) > 0 && (cmd == "account" || cmd == "cert" || cmd == "credential") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(m.Stdout, bankingUsage)
		return nil
	}
	f := m.provFlagSet("banking " + cmd)
	id := f.String("id", "", "account id")
	account := f.String("account", "", "account id")
	holder := f.String("holder", "", "account holder's name")
	document := f.String("document", "", "holder's CPF/CNPJ")
	bal := f.String("balance", "", "available balance, e.g. 1000.00")
	csrFile := f.String("csr", "", "CSR file (PEM or DER)")
	cn := f.String("cn", "", "certificate common name")
	days := f.Int("days", 365, "certificate validity in days")
	passphrase := f.String("passphrase", "", "encrypt the issued key (PKCS#8) under this passphrase")
	outCert := f.String("out-cert", "", "where to write the certificate (PEM)")
	outKey := f.String("out-key", "", "where to write the private key (PEM, mode 0600)")
	certArg := f.String("cert", "", "certificate file (PEM) or thumbprint (x5t#S256)")
	thumb := f.String("thumbprint", "", "certificate thumbprint (x5t#S256)")
	clientID := f.String("client-id", "", "credential client_id")
	allow := listFlag(f.FlagSet, "allow", "allowed source CIDRs or addresses (repeatable, comma-separated)")
	bind := listFlag(f.FlagSet, "bind", "certificates to bind: thumbprints or PEM files (repeatable)")
	if err := f.parse(rest); err != nil {
		return err
	}
	known := map[string]bool{"account add": true, "cert issue": true, "cert register": true, "cert revoke": true, "credential add": true,
		"credential allow": true, "credential bind": true, "credential unbind": true, "credential show": true, "credential revoke": true, "admin-token": true}
	if !known[cmd] {
		fmt.Fprint(m.Stderr, bankingUsage)
		return usageErr("banking: unknown command %q", cmd)
	}
	env, err := m.provOpen(ctx, f)
	if err != nil {
		return err
	}
	defer env.db.Close()
	svc := env.banking()
	thumbOf := func(s string) (string, error) {
		if s == "" {
			return "", usageErr("give a certificate (--cert FILE.pem or thumbprint)")
		}
		if b, err := os.ReadFile(s); err == nil {
			certs, err := pki.ParseCertificates(b)
			if err != nil || len(certs) == 0 {
				return "", fmt.Errorf("%s: not a certificate", s)
			}
			return pki.Thumbprint(certs[0]), nil
		}
		return s, nil
	}
	showCred := func(c *oauth.Credential, secret string) {
		fmt.Fprintf(m.Stdout, "client_id:     %s\n", c.ClientID)
		if secret != "" {
			fmt.Fprintf(m.Stdout, "client_secret: %s   (shown this once)\n", secret)
		}
		fmt.Fprintf(m.Stdout, "account_id:    %s\nstatus:        %s\nallowed_cidrs: %s\ncertificates:  %s\n",
			c.Owner, c.Status, strings.Join(c.AllowedCIDRs, " "), strings.Join(c.Thumbprints, " "))
	}
	switch cmd {
	case "admin-token":
		fmt.Fprintln(m.Stdout, banking.AdminToken(env.pepper))
	case "account add":
		b, err := bankinghttp.ParseMoney(*bal)
		if err != nil {
			return usageErr("--balance: %v", err)
		}
		a := &banking.Account{ID: *id, Holder: *holder, Document: *document, Balance: b}
		if err := svc.CreateAccount(ctx, a); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "account %s created (%s)\n", a.ID, a.Holder)
	case "cert issue":
		if *outCert == "" || (*csrFile == "" && *outKey == "") {
			return usageErr("give --out-cert, and --out-key unless --csr is given")
		}
		var csr []byte
		if *csrFile != "" {
			if csr, err = os.ReadFile(*csrFile); err != nil {
				return err
			}
		}
		out, err := svc.IssueCertificate(ctx, *account, *cn, csr, *passphrase, time.Duration(*days)*24*time.Hour)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*outCert, pki.EncodeCertificatesPEM(out.Cert), 0o644); err != nil {
			return err
		}
		if len(out.KeyPEM) > 0 {
			if err := os.WriteFile(*outKey, out.KeyPEM, 0o600); err != nil {
				return err
			}
		}
		fmt.Fprintf(m.Stdout, "certificate %s\nthumbprint  %s\nexpires     %s\n", *outCert, out.Record.Thumbprint, out.Cert.NotAfter.UTC().Format(time.RFC3339))
	case "cert register":
		b, err := os.ReadFile(*certArg)
		if err != nil {
			return err
		}
		rec, err := svc.RegisterCertificate(ctx, *account, b)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "registered; thumbprint %s\n", rec.Thumbprint)
	case "cert revoke":
		t, err := thumbOf(firstNonEmpty(*thumb, *certArg))
		if err != nil {
			return err
		}
		if _, err := svc.RevokeCertificate(ctx, t); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "certificate %s revoked (every instance refuses it within 1 s)\n", t)
	case "credential add":
		var ths []string
		for _, b := range *bind {
			t, err := thumbOf(b)
			if err != nil {
				return err
			}
			ths = append(ths, t)
		}
		nc, err := svc.CreateCredential(ctx, *account, *allow, ths)
		if err != nil {
			return err
		}
		showCred(nc.Credential, nc.Secret)
	case "credential allow":
		if _, err := svc.SetAllowedCIDRs(ctx, *clientID, *allow); err != nil {
			return err
		}
	case "credential bind", "credential unbind":
		t, err := thumbOf(firstNonEmpty(*certArg, *thumb))
		if err != nil {
			return err
		}
		if cmd == "credential bind" {
			err = svc.Bind(ctx, *clientID, t)
		} else {
			err = svc.Unbind(ctx, *clientID, t)
		}
		if err != nil {
			return err
		}
	case "credential revoke":
		if err := svc.RevokeCredential(ctx, *clientID); err != nil {
			return err
		}
	}
	if strings.HasPrefix(cmd, "credential ") && cmd != "credential add" {
		c, err := svc.Credential(ctx, *clientID)
		if err != nil {
			return err
		}
		showCred(c, "")
	}
	return nil
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}

const banklyUsage = `brasa bankly — Bankly partners (seed 001).

Usage:
  brasa bankly partner add --company-key K --cnpj CNPJ --razao-social NOME --state UF --city CIDADE --domain HOST [--category OPEN_API|FULL_BANK]
  brasa bankly credential add --company-key K
        a client for POST /connect/token (scope certificate.create); prints client_id and client_secret once
  brasa bankly cert revoke --company-key K --uuid UUID

Database and master-key flags as brasa banking (brasa banking -h).
`

// runBankly is `brasa bankly`.
func (m *Main) runBankly(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, banklyUsage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	if len(rest) > 0 && (cmd == "partner" || cmd == "credential" || cmd == "cert") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(m.Stdout, banklyUsage)
		return nil
	}
	if cmd != "partner add" && cmd != "credential add" && cmd != "cert revoke" {
		fmt.Fprint(m.Stderr, banklyUsage)
		return usageErr("bankly: unknown command %q", cmd)
	}
	f := m.provFlagSet("bankly " + cmd)
	var p partner.Partner
	f.StringVar(&p.CompanyKey, "company-key", "", "the partner's company key (the certificates' OU)")
	f.StringVar(&p.CNPJ, "cnpj", "", "CNPJ (subject serialNumber)")
	f.StringVar(&p.RazaoSocial, "razao-social", "", "razão social (subject O)")
	f.StringVar(&p.State, "state", "", "state (subject ST)")
	f.StringVar(&p.City, "city", "", "city (subject L)")
	f.StringVar(&p.ServiceDomain, "domain", "", "service domain name (subject CN)")
	f.StringVar(&p.BusinessCategory, "category", partner.CategoryOpenAPI, "OPEN_API or FULL_BANK")
	uuid := f.String("uuid", "", "certificate uuid")
	if err := f.parse(rest); err != nil {
		return err
	}
	env, err := m.provOpen(ctx, f)
	if err != nil {
		return err
	}
	defer env.db.Close()
	svc := partner.NewService(partner.Deps{Store: env.db, CA: env.ca, Hasher: env.hasher, Clock: clock.System})
	switch cmd {
	case "partner add":
		if err := svc.CreatePartner(ctx, &p); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "partner %s created\nsubjectDn: %s\n", p.CompanyKey, p.SubjectDN())
	case "credential add":
		c, secret, err := svc.NewCredential(ctx, p.CompanyKey)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "client_id:     %s\nclient_secret: %s   (shown this once)\n", c.ClientID, secret)
	case "cert revoke":
		c, err := svc.RevokeAsOperator(ctx, p.CompanyKey, *uuid)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "certificate %s %s\n", c.UUID, c.Status)
	}
	return nil
}
