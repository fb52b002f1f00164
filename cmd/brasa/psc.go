package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/brasa-dev/brasa/internal/clock"
	"github.com/brasa-dev/brasa/internal/oauth"
	"github.com/brasa-dev/brasa/internal/pki"
	"github.com/brasa-dev/brasa/internal/psc"
)

const pscUsage = `brasa psc — the PSC cloud signature sandbox.

Usage:
  brasa psc approve [--sandbox DIR] [--deny] CPF|CNPJ
        approve (or deny) the holder's pending authorization request, QR or
        push, as the holder would on the phone (POST /sandbox/v1/psc/approvals);
        the newest request naming the holder in login_hint, else the newest QR
        request without one
  brasa psc holder add (--cpf CPF | --cnpj CNPJ --responsible-cpf CPF --responsible-name NOME) --name NOME
        --web-url URL [--email E] [--birth DDMMAAAA] [--password SENHA]
        create a holder with a cloud certificate ("e-CPF/e-CNPJ A3 em nuvem") issued by this brasa's
        CA; --web-url is brasa's public web URL (the certificate's CRL and CA addresses). Without
        --password one is generated and printed. Takes --db DSN or --data DIR and the master key
        (--master-key-file FILE, $BRASA_MASTER_KEY, $BRASA_MASTER_KEY_FILE, else DIR/master.key).
`

// runPSC is `brasa psc`.
func (m *Main) runPSC(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(m.Stdout, pscUsage)
		if len(args) == 0 {
			return flag.ErrHelp
		}
		return nil
	}
	if len(args) > 1 && args[0] == "holder" && args[1] == "add" {
		return m.pscHolderAdd(ctx, args[2:])
	}
	if args[0] != "approve" {
		fmt.Fprint(m.Stderr, pscUsage)
		return &exitError{code: 2, err: fmt.Errorf("psc: unknown command %q", args[0])}
	}
	fs := flag.NewFlagSet("psc approve", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() { fmt.Fprint(m.Stderr, pscUsage); fs.PrintDefaults() }
	dir := fs.String("sandbox", "brasa-data", "the sandbox data `directory` (holds sandbox.json)")
	deny := fs.Bool("deny", false, "deny the request instead of approving it")
	var hint string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return &exitError{code: 2, err: fmt.Errorf("psc approve: %w", err)}
		}
		if fs.NArg() == 0 {
			break
		}
		if hint != "" {
			return &exitError{code: 2, err: errors.New("psc approve: give one CPF or CNPJ")}
		}
		hint, rest = fs.Arg(0), fs.Args()[1:]
	}
	if hint == "" {
		fs.Usage()
		return &exitError{code: 2, err: errors.New("psc approve: give the holder's CPF or CNPJ")}
	}
	status, out, err := sandboxControl(ctx, "psc approve", *dir, "/sandbox/v1/psc/approvals", map[string]any{"login_hint": hint, "approve": !*deny})
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		fmt.Fprintln(m.Stderr, out)
		return fmt.Errorf("psc approve: the sandbox refused (%d %s)", status, http.StatusText(status))
	}
	fmt.Fprintln(m.Stdout, out)
	return nil
}

// pscHolderAdd is `brasa psc holder add`.
func (m *Main) pscHolderAdd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("psc holder add", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	var db, data, keyFile, cpf, cnpj, name, email, birth, respCPF, respName, webURL, password string
	fs.StringVar(&db, "db", "", "database: a SQLite file or postgres://... (default $BRASA_DB)")
	fs.StringVar(&data, "data", "", "data directory holding brasa.db and master.key (default $BRASA_DATA_DIR, then ./brasa-data)")
	fs.StringVar(&keyFile, "master-key-file", "", "master key file")
	fs.StringVar(&cpf, "cpf", "", "the natural person's CPF")
	fs.StringVar(&cnpj, "cnpj", "", "the company's CNPJ")
	fs.StringVar(&name, "name", "", "name or razão social, without accents")
	fs.StringVar(&email, "email", "", "e-mail (in the certificate)")
	fs.StringVar(&birth, "birth", "", "birth date DDMMAAAA of the person (or the company's responsible)")
	fs.StringVar(&respCPF, "responsible-cpf", "", "the company's responsible person's CPF")
	fs.StringVar(&respName, "responsible-name", "", "the company's responsible person's name")
	fs.StringVar(&webURL, "web-url", "", "brasa's public web URL (https://...)")
	fs.StringVar(&password, "password", "", "the certificate password (generated when empty)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: 2, err: fmt.Errorf("psc holder add: %w", err)}
	}
	doc := cpf
	if cnpj != "" {
		doc, respCPF = cnpj, firstNonEmpty(respCPF, cpf)
	}
	if doc == "" || name == "" || !strings.HasPrefix(webURL, "https://") || fs.NArg() > 0 {
		fs.Usage()
		return &exitError{code: 2, err: errors.New("psc holder add: give --cpf or --cnpj, --name and an https --web-url")}
	}
	generated := password == ""
	if generated {
		b := make([]byte, 9)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		password = base64.RawURLEncoding.EncodeToString(b)
	}
	st, err := m.sisgruOpen(ctx, &sisgruFlags{db: db, data: data})
	if err != nil {
		return err
	}
	defer st.Close()
	var key []byte
	switch {
	case keyFile != "":
		key, err = pki.LoadMasterKey(keyFile)
	case m.Getenv("BRASA_MASTER_KEY") != "":
		key, err = pki.ParseMasterKey([]byte(m.Getenv("BRASA_MASTER_KEY")))
	case m.Getenv("BRASA_MASTER_KEY_FILE") != "":
		key, err = pki.LoadMasterKey(m.Getenv("BRASA_MASTER_KEY_FILE"))
	default:
		key, err = pki.LoadMasterKey(filepath.Join(firstNonEmpty(data, m.Getenv("BRASA_DATA_DIR"), "brasa-data"), "master.key"))
	}
	if err != nil {
		return fmt.Errorf("psc holder add: master key: %w", err)
	}
	sealer, err := pki.NewSealer(key)
	if err != nil {
		return err
	}
	blob, err := st.Secret(ctx, "pki/ca")
	if err != nil {
		return fmt.Errorf("psc holder add: this database has no CA yet (start brasa on it once first): %w", err)
	}
	ca, err := pki.OpenCA(blob, sealer)
	if err != nil {
		return fmt.Errorf("psc holder add: opening the CA (is this the database's master key?): %w", err)
	}
	// Creating a holder uses neither the MAC key of codes and tokens nor the
	// client-secret hasher: throwaway values satisfy psc.New.
	throwaway := make([]byte, 32)
	if _, err := rand.Read(throwaway); err != nil {
		return err
	}
	svc, err := psc.New(psc.Deps{Store: st, Sealer: sealer, CA: ca, Hasher: oauth.NewHasher(throwaway), Clock: clock.System, Key: throwaway, WebURL: strings.TrimRight(webURL, "/")})
	if err != nil {
		return err
	}
	h, c, err := svc.CreateHolder(ctx, psc.HolderSpec{Documento: doc, Name: name, Email: email, Password: password, BirthDate: birth, ResponsibleCPF: respCPF, ResponsibleName: respName})
	if err != nil {
		return fmt.Errorf("psc holder add: %w", err)
	}
	fmt.Fprintf(m.Stdout, "holder %s (%s) %s\ncertificate_alias %s (%s)\n", h.Documento, h.Type, h.Name, c.Alias, c.Label)
	if generated {
		fmt.Fprintf(m.Stdout, "password %s\n", password)
	}
	return nil
}
