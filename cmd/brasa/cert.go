package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/brasa-dev/brasa/internal/certdoctor"
	"github.com/brasa-dev/brasa/internal/pki"
)

// Environment variables that hold passwords, so that they need not appear
// on the command line (and in the process list).
const (
	envKeyPassword = "BRASA_KEY_PASSWORD" // encrypted keys (and PFX files, for doctor and pem)
	envPFXPassword = "BRASA_PFX_PASSWORD" // the password `cert pfx` protects its output with
)

const certUsage = `Usage: brasa cert COMMAND [flags]

Diagnose and fix the files of mutual TLS: certificado (.CER), chave privada
(.KEY), requisição (.CSR), cadeia completa, PFX (seed 000, Anexos II to V).

Commands:
  doctor FILE... [--ca BUNDLE] [--password P] [--cpfcnpj DOC]
        say what each file is and what is wrong, with the command that fixes
        it; a CSR is checked as the developer portal checks it before
        registering it; exit status 0 when the files are fine for mTLS, 1
        otherwise
  csr --key-out KEY [--out CSR] (--cn NAME [--o ORG] [--ou UNIT] [--c BR]
      [--st STATE] [--l CITY] [--serial SERIAL] | --sicredi --nome NOME
      --cpfcnpj DOC) [--email ADDR]... [--passphrase P] [--ecdsa]
        make a key (RSA 2048, or ECDSA P-256) and its CSR
  pem IN [-o OUT] [--password P]
        convert DER to PEM (certificates, CSRs, keys; PFX with its password);
        PEM passes through
  pfx --cert CERT --key KEY --password P [--chain CHAIN] [--key-password KP] -o OUT
        join certificate, chain and key into a PKCS#12 (.pfx) file
  key --decrypt IN [--password P] [-o OUT]
        remove the passphrase of a key (PKCS#8, legacy PEM, DER)

Without -o (--out for csr) the output goes to standard output; pfx needs -o
("-o -" for standard output). Existing files are not overwritten without
--force; files holding keys are written with mode 0600. Passwords may come
from the environment instead of flags: ` + envKeyPassword + ` (encrypted keys,
and PFX files read by doctor and pem) and ` + envPFXPassword + ` (pfx output).

Run "brasa cert COMMAND -h" for a command's flags.
`

// runCert is `brasa cert`: it dispatches to the subcommands.
func (m *Main) runCert(ctx context.Context, args []string) error {
	_ = ctx // nothing here blocks
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, certUsage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "doctor":
		return m.runCertDoctor(rest)
	case "csr":
		return m.runCertCSR(rest)
	case "pem":
		return m.runCertPEM(rest)
	case "pfx":
		return m.runCertPFX(rest)
	case "key":
		return m.runCertKey(rest)
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, certUsage)
		return nil
	}
	fmt.Fprint(m.Stderr, certUsage)
	return &exitError{code: 2, err: fmt.Errorf("cert: unknown command %q", cmd)}
}

// newCertFlags returns the flag set of `brasa cert name`.
func (m *Main) newCertFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("cert "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: brasa cert %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, allowing flags after the positional arguments,
// which it returns. Flag errors are usage errors (exit status 2).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &exitError{code: 2, err: fmt.Errorf("%s: %w", fs.Name(), err)}
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// usageError is a usage error of a cert subcommand: exit status 2.
func usageError(fs *flag.FlagSet, format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf("%s: %s", fs.Name(), fmt.Sprintf(format, args...))}
}

// secret returns the flag's value, or else the environment variable's.
func (m *Main) secret(flagValue, env string) string {
	if flagValue != "" {
		return flagValue
	}
	if m.Getenv == nil {
		return ""
	}
	return m.Getenv(env)
}

// writeOutput writes data to path, or to m.Stdout when path is "" or "-".
// It refuses to replace an existing file unless force is set, and gives the
// file mode perm (also when replacing one).
func (m *Main) writeOutput(path string, data []byte, perm os.FileMode, force bool) error {
	if path == "" || path == "-" {
		_, err := m.Stdout.Write(data)
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, perm)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists (use --force to overwrite it)", path)
	}
	if err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// checkWritable fails when path exists and force is not set, so that a
// command can refuse before doing any work.
func checkWritable(path string, force bool) error {
	if path == "" || path == "-" || force {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists (use --force to overwrite it)", path)
	}
	return nil
}

// runCertDoctor is `brasa cert doctor`.
func (m *Main) runCertDoctor(args []string) error {
	fs := m.newCertFlags("doctor", "FILE... [--ca BUNDLE] [--password P] [--cpfcnpj DOC]")
	var cas stringList
	fs.Var(&cas, "ca", "trusted CA `bundle` (the cadeia completa, or its root), PEM or DER; repeatable")
	password := fs.String("password", "", "`password` of encrypted keys and PFX files (default $"+envKeyPassword+")")
	cpfcnpj := fs.String("cpfcnpj", "", "check CSRs as the developer portal does for this CPF or CNPJ (default: the one in the CSR's serialNumber)")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fs.Usage()
		return usageError(fs, "give the files to examine")
	}
	opts := certdoctor.Options{Password: m.secret(*password, envKeyPassword), Documento: normalizeDoc(*cpfcnpj)}
	for _, name := range cas {
		data, err := os.ReadFile(name)
		if err != nil {
			return &exitError{code: 2, err: fmt.Errorf("cert doctor: --ca: %w", err)}
		}
		certs, err := pki.ParseCertificates(data)
		if err != nil {
			return &exitError{code: 2, err: fmt.Errorf("cert doctor: --ca %s: %w", name, err)}
		}
		opts.CABundle = append(opts.CABundle, certs...)
	}
	if len(cas) > 0 {
		opts.CABundleName = cas[0]
	}
	var in []certdoctor.File
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return &exitError{code: 2, err: fmt.Errorf("cert doctor: %w", err)}
		}
		in = append(in, certdoctor.File{Name: name, Data: data})
	}
	r := certdoctor.Examine(in, opts)
	printReport(m.Stdout, r, cas, len(opts.CABundle))
	if !r.OK() {
		return &exitError{code: 1, err: fmt.Errorf("cert doctor: %d problem(s) found", r.Count(certdoctor.SeverityError))}
	}
	return nil
}

// printReport writes the doctor's report: what each file holds, then the
// findings, errors first, each with its fix.
func printReport(w io.Writer, r certdoctor.Report, cas []string, nCA int) {
	line := func(label, value string) { fmt.Fprintf(w, "    %-11s %s\n", label, value) }
	for _, f := range r.Files {
		format := string(f.Format)
		if format == "" {
			format = "ilegível"
		}
		fmt.Fprintf(w, "%s (%s)\n", f.Name, format)
		for _, it := range f.Items {
			fmt.Fprintf(w, "  %s, %s\n", it.Kind.Label(), it.Structure)
			switch {
			case it.Certificate != nil:
				c := it.Certificate
				line("assunto", certdoctor.SubjectString(c.Subject))
				line("emissor", certdoctor.SubjectString(c.Issuer))
				line("validade", c.NotBefore.UTC().Format("2006-01-02 15:04 MST")+" até "+c.NotAfter.UTC().Format("2006-01-02 15:04 MST"))
				line("serial", strings.ToUpper(c.SerialNumber.Text(16)))
				if c.IsCA {
					line("tipo", "AC (autoridade certificadora)")
				}
				line("uso", orNone(certdoctor.EKUNames(c)))
				line("thumbprint", pki.Thumbprint(c)+" (x5t#S256)")
			case it.CSR != nil:
				line("assunto", certdoctor.SubjectString(it.CSR.Subject))
				if len(it.CSR.EmailAddresses) > 0 {
					line("e-mail", strings.Join(it.CSR.EmailAddresses, ", "))
				}
			}
			if it.PublicKey != nil {
				digest, what := certdoctor.PublicKeyMD5(it.PublicKey)
				line("chave", fmt.Sprintf("%s (%s: %s)", it.KeyDescription(), what, digest))
			} else if it.Kind == certdoctor.KindEncryptedKey {
				line("chave", "cifrada (informe --password para abri-la)")
			}
		}
	}
	if len(cas) > 0 {
		fmt.Fprintf(w, "cadeia (--ca): %d certificado(s) de %s\n", nCA, strings.Join(cas, ", "))
	}

	findings := slices.Clone(r.Findings)
	rank := map[certdoctor.Severity]int{certdoctor.SeverityError: 0, certdoctor.SeverityWarning: 1, certdoctor.SeverityOK: 2}
	slices.SortStableFunc(findings, func(a, b certdoctor.Finding) int { return rank[a.Severity] - rank[b.Severity] })
	label := map[certdoctor.Severity]string{certdoctor.SeverityError: "ERRO", certdoctor.SeverityWarning: "AVISO", certdoctor.SeverityOK: "OK"}
	fmt.Fprintln(w, "\nDiagnóstico:")
	for _, f := range findings {
		fmt.Fprintf(w, "  %-5s %s (%s)\n", label[f.Severity], f.Code, f.File)
		fmt.Fprintf(w, "        %s\n", f.Message)
		if len(f.Fix) > 0 {
			fmt.Fprintln(w, "        como corrigir:")
			for _, c := range f.Fix {
				if strings.HasPrefix(c, "#") {
					fmt.Fprintf(w, "          %s\n", c)
				} else {
					fmt.Fprintf(w, "          $ %s\n", c)
				}
			}
		}
	}
	errs, warns := r.Count(certdoctor.SeverityError), r.Count(certdoctor.SeverityWarning)
	switch {
	case errs > 0:
		fmt.Fprintf(w, "\nResultado: %d erro(s), %d aviso(s): estes arquivos não servem para o mTLS como estão.\n", errs, warns)
	case warns > 0:
		fmt.Fprintf(w, "\nResultado: nenhum erro, %d aviso(s).\n", warns)
	default:
		fmt.Fprintln(w, "\nResultado: tudo certo.")
	}
}

// normalizeDoc removes the punctuation people type in a CPF or CNPJ.
func normalizeDoc(s string) string {
	return strings.ToUpper(strings.NewReplacer(".", "", "-", "", "/", "", " ", "").Replace(s))
}

func orNone(s string) string {
	if s == "" {
		return "(sem Extended Key Usage)"
	}
	return s
}

// runCertCSR is `brasa cert csr`.
func (m *Main) runCertCSR(args []string) error {
	fs := m.newCertFlags("csr", "--key-out KEY [--out CSR] (--cn NAME [subject flags] | --sicredi --nome NOME --cpfcnpj DOC) [--passphrase P] [--ecdsa]")
	keyOut := fs.String("key-out", "", "`file` to write the new private key to (required; mode 0600)")
	out := fs.String("out", "", "`file` to write the CSR to (default standard output)")
	cn := fs.String("cn", "", "subject common name (CN)")
	org := fs.String("o", "", "subject organization (O)")
	ou := fs.String("ou", "", "subject organizational unit (OU)")
	country := fs.String("c", "BR", "subject country (C)")
	st := fs.String("st", "", "subject state or province (ST)")
	loc := fs.String("l", "", "subject locality (L)")
	serial := fs.String("serial", "", "subject serialNumber")
	var emails stringList
	fs.Var(&emails, "email", "e-mail `address` for the request (subject alternative name); repeatable")
	sicredi := fs.Bool("sicredi", false, "fill the subject as seed 000 Anexo IV prescribes for API Pix Sicredi (needs --nome and --cpfcnpj)")
	nome := fs.String("nome", "", "with --sicredi: the partner's `name`, lowercased into CN=api-parceiros-NOME.sicredi.net")
	cpfcnpj := fs.String("cpfcnpj", "", "with --sicredi: the owner's CPF or CNPJ, digits only, into serialNumber=urn:cpfcnpj:DOC")
	passphrase := fs.String("passphrase", "", "encrypt the key with this `passphrase` (PKCS#8, PBES2 AES-256-CBC)")
	useECDSA := fs.Bool("ecdsa", false, "make an ECDSA P-256 key instead of RSA 2048")
	force := fs.Bool("force", false, "overwrite existing files")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError(fs, "unexpected argument %q", rest[0])
	}
	if *keyOut == "" {
		fs.Usage()
		return usageError(fs, "--key-out FILE is required: the key must be kept to use the certificate")
	}
	if *keyOut == *out {
		return usageError(fs, "--key-out and --out must differ")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var subject pkix.Name
	if *sicredi {
		for _, name := range []string{"cn", "o", "ou", "c", "st", "l", "serial"} {
			if set[name] {
				return usageError(fs, "--%s cannot be combined with --sicredi, which sets the whole subject", name)
			}
		}
		if *nome == "" || *cpfcnpj == "" {
			return usageError(fs, "--sicredi needs --nome and --cpfcnpj")
		}
		subject, err = certdoctor.SicrediSubject(*nome, *cpfcnpj)
		if err != nil {
			return usageError(fs, "%v", strings.TrimPrefix(err.Error(), "certdoctor: "))
		}
	} else {
		if set["nome"] || set["cpfcnpj"] {
			return usageError(fs, "--nome and --cpfcnpj go with --sicredi")
		}
		if strings.TrimSpace(*cn) == "" {
			fs.Usage()
			return usageError(fs, "give --cn (or --sicredi --nome NOME --cpfcnpj DOC)")
		}
		subject = pkix.Name{CommonName: *cn, SerialNumber: *serial}
		for _, v := range []struct {
			dst *[]string
			val string
		}{{&subject.Country, *country}, {&subject.Province, *st}, {&subject.Locality, *loc}, {&subject.Organization, *org}, {&subject.OrganizationalUnit, *ou}} {
			if v.val != "" {
				*v.dst = []string{v.val}
			}
		}
	}
	if err := checkWritable(*keyOut, *force); err != nil {
		return fmt.Errorf("cert csr: %w", err)
	}
	if err := checkWritable(*out, *force); err != nil {
		return fmt.Errorf("cert csr: %w", err)
	}

	keyType := pki.RSA2048
	if *useECDSA {
		keyType = pki.ECDSAP256
	}
	key, err := pki.GenerateKey(nil, keyType)
	if err != nil {
		return fmt.Errorf("cert csr: %w", err)
	}
	csrPEM, err := pki.CreateCSR(key, subject, emails)
	if err != nil {
		return fmt.Errorf("cert csr: %w", err)
	}
	var keyPEM []byte
	if *passphrase != "" {
		keyPEM, err = pki.EncryptPKCS8PEM(key, []byte(*passphrase), nil)
	} else {
		keyPEM, err = pki.MarshalPrivateKeyPEM(key)
	}
	if err != nil {
		return fmt.Errorf("cert csr: %w", err)
	}
	if err := m.writeOutput(*keyOut, keyPEM, 0o600, *force); err != nil {
		return fmt.Errorf("cert csr: %w", err)
	}
	if err := m.writeOutput(*out, csrPEM, 0o644, *force); err != nil {
		return fmt.Errorf("cert csr: %w", err)
	}
	protected := "without a passphrase"
	if *passphrase != "" {
		protected = "encrypted with the passphrase"
	}
	fmt.Fprintf(m.Stderr, "wrote %s: %s private key (.KEY), %s, mode 0600; keep it: the certificate works only with it\n", *keyOut, certdoctor.KeyDescription(key.Public()), protected)
	if *out != "" {
		fmt.Fprintf(m.Stderr, "wrote %s: certificate signing request (.CSR) for %s\n", *out, subjectOf(csrPEM))
	}
	fmt.Fprintln(m.Stderr, "register the CSR with your PSP (Portal do Desenvolvedor: Registrar Novo CSR), then check the certificate you get with: brasa cert doctor CERT "+*keyOut)
	return nil
}

// subjectOf returns the subject of a PEM CSR, as OpenSSL prints it.
func subjectOf(csrPEM []byte) string {
	csr, err := pki.ParseCSR(csrPEM)
	if err != nil {
		return "?"
	}
	return certdoctor.SubjectString(csr.Subject)
}

// runCertPEM is `brasa cert pem`.
func (m *Main) runCertPEM(args []string) error {
	fs := m.newCertFlags("pem", "IN [-o OUT] [--password P]")
	out := fs.String("o", "", "output `file` (default standard output)")
	password := fs.String("password", "", "`password` of a PFX input (default $"+envKeyPassword+")")
	force := fs.Bool("force", false, "overwrite an existing output file")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return usageError(fs, "give exactly one input file")
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("cert pem: %w", err)}
	}
	conv, err := certdoctor.ConvertToPEM(data, m.secret(*password, envKeyPassword))
	switch {
	case errors.Is(err, certdoctor.ErrPasswordNeeded):
		return &exitError{code: 2, err: fmt.Errorf("cert pem: %s is a PFX protected by a password: give --password or set %s", files[0], envKeyPassword)}
	case errors.Is(err, pki.ErrBadPassphrase):
		return fmt.Errorf("cert pem: wrong password for %s", files[0])
	case err != nil:
		return fmt.Errorf("cert pem: %s: %w", files[0], err)
	}
	perm := os.FileMode(0o644)
	if conv.PrivateKey {
		perm = 0o600
	}
	if err := m.writeOutput(*out, conv.PEM, perm, *force); err != nil {
		return fmt.Errorf("cert pem: %w", err)
	}
	if *out != "" && *out != "-" {
		from := string(conv.From) + " → PEM"
		if conv.From == certdoctor.FormatPEM {
			from = "already PEM, copied unchanged"
		}
		fmt.Fprintf(m.Stderr, "wrote %s: %s (%s)\n", *out, conv.What, from)
	}
	return nil
}

// runCertPFX is `brasa cert pfx`.
func (m *Main) runCertPFX(args []string) error {
	fs := m.newCertFlags("pfx", "--cert CERT --key KEY --password P [--chain CHAIN] [--key-password KP] -o OUT")
	certFile := fs.String("cert", "", "certificate `file` (.CER), PEM or DER; may hold the chain after it")
	keyFile := fs.String("key", "", "private key `file` (.KEY), PEM or DER, encrypted or not")
	password := fs.String("password", "", "`password` protecting the PFX (default $"+envPFXPassword+")")
	chainFile := fs.String("chain", "", "CA chain `file` (cadeia completa) to include")
	keyPassword := fs.String("key-password", "", "`passphrase` of an encrypted key (default $"+envKeyPassword+")")
	out := fs.String("o", "", "output `file` (required; \"-\" for standard output)")
	force := fs.Bool("force", false, "overwrite an existing output file")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError(fs, "unexpected argument %q", rest[0])
	}
	pass := m.secret(*password, envPFXPassword)
	switch {
	case *certFile == "" || *keyFile == "":
		fs.Usage()
		return usageError(fs, "--cert and --key are required")
	case pass == "":
		return usageError(fs, "give the PFX password with --password or $%s", envPFXPassword)
	case *out == "":
		return usageError(fs, "-o FILE is required (the PFX is binary; \"-o -\" writes it to standard output)")
	}
	if err := checkWritable(*out, *force); err != nil {
		return fmt.Errorf("cert pfx: %w", err)
	}
	certData, err := os.ReadFile(*certFile)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("cert pfx: %w", err)}
	}
	certs, err := pki.ParseCertificates(certData)
	if err != nil {
		return fmt.Errorf("cert pfx: --cert %s: %w", *certFile, err)
	}
	keyData, err := os.ReadFile(*keyFile)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("cert pfx: %w", err)}
	}
	key, err := readKey(keyData, *keyFile, m.secret(*keyPassword, envKeyPassword), "--key-password")
	if err != nil {
		return fmt.Errorf("cert pfx: %w", err)
	}
	var leaf *x509.Certificate
	var others []*x509.Certificate
	for _, c := range certs {
		if leaf == nil && publicKeyEqual(key.Public(), c.PublicKey) {
			leaf = c
		} else {
			others = append(others, c)
		}
	}
	if leaf == nil {
		kd, what := certdoctor.PublicKeyMD5(key.Public())
		cd, _ := certdoctor.PublicKeyMD5(certs[0].PublicKey)
		return fmt.Errorf("cert pfx: KEY_VALUES_MISMATCH: the key in %s does not belong to the certificate in %s (%s: key %s, certificate %s); run brasa cert doctor %s %s",
			*keyFile, *certFile, what, kd, cd, *certFile, *keyFile)
	}
	if *chainFile != "" {
		data, err := os.ReadFile(*chainFile)
		if err != nil {
			return &exitError{code: 2, err: fmt.Errorf("cert pfx: %w", err)}
		}
		chain, err := pki.ParseCertificates(data)
		if err != nil {
			return fmt.Errorf("cert pfx: --chain %s: %w", *chainFile, err)
		}
		others = append(others, chain...)
	}
	chain := orderChain(leaf, others)
	pfx, err := pki.EncodePKCS12(key, leaf, chain, pass)
	if err != nil {
		return fmt.Errorf("cert pfx: %w", err)
	}
	if err := m.writeOutput(*out, pfx, 0o600, *force); err != nil {
		return fmt.Errorf("cert pfx: %w", err)
	}
	if *out != "-" {
		fmt.Fprintf(m.Stderr, "wrote %s: PFX (PKCS#12, AES-256/SHA-256) with the certificate %q, %d CA certificate(s) and its key, mode 0600\n",
			*out, certdoctor.SubjectString(leaf.Subject), len(chain))
	}
	return nil
}

// orderChain returns the CA certificates of certs that lead up from leaf,
// issuer first, without duplicates, followed by any others (which
// EncodePKCS12 carries along).
func orderChain(leaf *x509.Certificate, certs []*x509.Certificate) []*x509.Certificate {
	var rest []*x509.Certificate
	for _, c := range certs {
		if !c.Equal(leaf) && !slices.ContainsFunc(rest, c.Equal) {
			rest = append(rest, c)
		}
	}
	var chain []*x509.Certificate
	for cur := leaf; ; {
		i := slices.IndexFunc(rest, func(p *x509.Certificate) bool {
			return bytes.Equal(p.RawSubject, cur.RawIssuer) && cur.CheckSignatureFrom(p) == nil
		})
		if i < 0 {
			break
		}
		cur = rest[i]
		chain = append(chain, cur)
		rest = slices.Delete(rest, i, i+1)
	}
	return append(chain, rest...)
}

// publicKeyEqual reports whether a and b are the same public key.
func publicKeyEqual(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

// readKey parses a private key, decrypting it with password when it is
// encrypted. flagName names where the password comes from, for messages.
func readKey(data []byte, name, password, flagName string) (crypto.Signer, error) {
	key, err := pki.ParsePrivateKeyPEM(data)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, pki.ErrEncryptedKey) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if password == "" {
		return nil, &exitError{code: 2, err: fmt.Errorf("%s is encrypted: give its passphrase with %s or $%s", name, flagName, envKeyPassword)}
	}
	key, err = pki.DecryptPKCS8PEM(data, []byte(password))
	if errors.Is(err, pki.ErrBadPassphrase) {
		return nil, fmt.Errorf("%s: wrong passphrase", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return key, nil
}

// runCertKey is `brasa cert key --decrypt`.
func (m *Main) runCertKey(args []string) error {
	fs := m.newCertFlags("key", "--decrypt IN [--password P] [-o OUT]")
	decrypt := fs.Bool("decrypt", false, "remove the passphrase: write the key as unencrypted PKCS#8 PEM")
	password := fs.String("password", "", "the key's `passphrase` (default $"+envKeyPassword+")")
	out := fs.String("o", "", "output `file` (default standard output; mode 0600)")
	force := fs.Bool("force", false, "overwrite an existing output file")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if !*decrypt {
		fs.Usage()
		return usageError(fs, "only --decrypt is supported (to encrypt a key, make it with brasa cert csr --passphrase)")
	}
	if len(files) != 1 {
		fs.Usage()
		return usageError(fs, "give exactly one key file")
	}
	if err := checkWritable(*out, *force); err != nil {
		return fmt.Errorf("cert key: %w", err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("cert key: %w", err)}
	}
	_, plainErr := pki.ParsePrivateKeyPEM(data)
	key, err := readKey(data, files[0], m.secret(*password, envKeyPassword), "--password")
	if err != nil {
		return fmt.Errorf("cert key: %w", err)
	}
	keyPEM, err := pki.MarshalPrivateKeyPEM(key)
	if err != nil {
		return fmt.Errorf("cert key: %w", err)
	}
	if err := m.writeOutput(*out, keyPEM, 0o600, *force); err != nil {
		return fmt.Errorf("cert key: %w", err)
	}
	if plainErr == nil {
		fmt.Fprintf(m.Stderr, "note: %s was not encrypted; written as unencrypted PKCS#8 anyway\n", files[0])
	}
	if *out != "" && *out != "-" {
		fmt.Fprintf(m.Stderr, "wrote %s: %s private key (.KEY) without a passphrase (PKCS#8 PEM), mode 0600\n", *out, certdoctor.KeyDescription(key.Public()))
	}
	return nil
}
