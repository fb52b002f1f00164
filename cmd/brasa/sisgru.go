package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/sisgru"
	"github.com/brasa-dev/brasa/internal/store"
	"github.com/brasa-dev/brasa/internal/store/postgres"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
)

const sisgruUsage = `brasa sisgru — SISGRU data, SIAFI users and external systems.

Usage:
  brasa sisgru seed --ug UG [--ug UG ...] --count N [--days 30 | --from DD/MM/AAAA --to DD/MM/AAAA] [--seed S]
        generate N realistic GRUs (and their PagTesouro pagamentos) of the UGs
  brasa sisgru user add --cpf CPF --ug UG[,UG...] [--nome NOME] [--password SENHA]
        register a SIAFI user (Basic authentication); without --password one is generated and printed
  brasa sisgru user del --cpf CPF
  brasa sisgru system add --issuer ISS --cert FILE.pem --ug UG[,UG...] [--nome NOME]
        register an external system (RS256 JWT with iss = ISS, verified with the certificate's key)
  brasa sisgru system cert --issuer ISS --cert FILE.pem
        replace an external system's certificate (renewal)
  brasa sisgru system del --issuer ISS
        mark an external system deleted ("excluído": its tokens are refused)

Every command takes --db DSN (a SQLite file or postgres://...) or --data DIR
(SQLite at DIR/brasa.db; default $BRASA_DATA_DIR, then ./brasa-data).
`

// runSISGRU is `brasa sisgru`.
func (m *Main) runSISGRU(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, sisgruUsage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	if len(rest) > 0 && (cmd == "user" || cmd == "system") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "seed":
		return m.sisgruSeed(ctx, rest)
	case "user add":
		return m.sisgruUserAdd(ctx, rest)
	case "user del":
		return m.sisgruUserDel(ctx, rest)
	case "system add":
		return m.sisgruSystemAdd(ctx, rest)
	case "system cert":
		return m.sisgruSystemCert(ctx, rest)
	case "system del":
		return m.sisgruSystemDel(ctx, rest)
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, sisgruUsage)
		return nil
	}
	fmt.Fprint(m.Stderr, sisgruUsage)
	return &exitError{code: 2, err: fmt.Errorf("sisgru: unknown command %q", cmd)}
}

// sisgruFlags is a flag set with the database flags.
type sisgruFlags struct {
	*flag.FlagSet
	db, data string
}

func (m *Main) sisgruFlagSet(name string) *sisgruFlags {
	f := &sisgruFlags{FlagSet: flag.NewFlagSet("sisgru "+name, flag.ContinueOnError)}
	f.SetOutput(m.Stderr)
	f.StringVar(&f.db, "db", "", "database: a SQLite file or postgres://... (default $BRASA_DB)")
	f.StringVar(&f.data, "data", "", "data directory holding brasa.db (default $BRASA_DATA_DIR, then ./brasa-data)")
	return f
}

// parse parses args and fails on positional arguments.
func (f *sisgruFlags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return &exitError{code: 2, err: fmt.Errorf("%s: unexpected arguments: %s", f.Name(), strings.Join(f.Args(), " "))}
	}
	return nil
}

// sisgruOpen opens the database the flags name.
func (m *Main) sisgruOpen(ctx context.Context, f *sisgruFlags) (*store.DB, error) {
	dsn := f.db
	if dsn == "" {
		dsn = m.Getenv("BRASA_DB")
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return postgres.Open(ctx, dsn)
	}
	if dsn == "" {
		dir := f.data
		if dir == "" {
			dir = m.Getenv("BRASA_DATA_DIR")
		}
		if dir == "" {
			dir = "brasa-data"
		}
		dsn = filepath.Join(dir, "brasa.db")
	}
	return sqlite.Open(ctx, dsn)
}

// listFlag is a repeatable, comma-separated flag.
func listFlag(f *flag.FlagSet, name, usage string) *stringList {
	var l stringList
	f.Var(&l, name, usage)
	return &l
}

func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

func checkUGs(ugs []string) error {
	if len(ugs) == 0 {
		return usageErr("give at least one --ug")
	}
	for _, ug := range ugs {
		if !sisgru.ValidUG(ug) {
			return usageErr("--ug %q: a UG code is six digits", ug)
		}
	}
	return nil
}

// sisgruSeed is `brasa sisgru seed`.
func (m *Main) sisgruSeed(ctx context.Context, args []string) error {
	f := m.sisgruFlagSet("seed")
	ugs := listFlag(f.FlagSet, "ug", "UG codes of the records (repeatable or comma-separated)")
	count := f.Int("count", 1000, "how many GRUs to generate (pagamentos come with them)")
	days := f.Int("days", 30, "issue dates over the last N days (ignored with --from/--to)")
	from := f.String("from", "", "first issue date, DD/MM/AAAA")
	to := f.String("to", "", "last issue date, DD/MM/AAAA (default today)")
	seed := f.Uint64("seed", 0, "random seed (default: random); the same seed gives the same records, and conflicts")
	batch := f.Int("batch", 5000, "GRUs per transaction")
	if err := f.parse(args); err != nil {
		return err
	}
	if err := checkUGs(*ugs); err != nil {
		return err
	}
	if *count < 1 || *batch < 1 || *days < 1 {
		return usageErr("--count, --batch and --days must be positive")
	}
	now := time.Now()
	last := sisgru.DateOf(now)
	if *to != "" {
		d, ok := sisgru.ParseDate(*to)
		if !ok {
			return usageErr("--to %q: want DD/MM/AAAA", *to)
		}
		last = d
	}
	first := last.AddDays(1 - *days)
	if *from != "" {
		d, ok := sisgru.ParseDate(*from)
		if !ok || d > last {
			return usageErr("--from %q: want DD/MM/AAAA, not after --to", *from)
		}
		first = d
	}
	if *seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		*seed = binary.BigEndian.Uint64(b[:]) | 1
	}
	db, err := m.sisgruOpen(ctx, f)
	if err != nil {
		return err
	}
	defer db.Close()
	gen := sisgru.NewGenerator(*seed, *ugs, first, last, now)
	start := time.Now()
	var nGRU, nPag int
	for nGRU < *count {
		grus, pags := gen.Batch(min(*batch, *count-nGRU))
		if err := db.InsertGRUs(ctx, grus, pags); err != nil {
			if errs.Is(err, errs.EConflict) {
				return fmt.Errorf("sisgru seed: a generated id is already stored (same --seed as an earlier run?): %w", err)
			}
			return err
		}
		nGRU, nPag = nGRU+len(grus), nPag+len(pags)
	}
	el := time.Since(start)
	fmt.Fprintf(m.Stdout, "%d GRUs and %d pagamentos of UG %s issued %s to %s stored (%s, %s) in %v (%.0f GRUs/s); seed %d\n",
		nGRU, nPag, strings.Join(*ugs, ","), first, last, db.Engine(), dbWhere(f), el.Round(time.Millisecond), float64(nGRU)/el.Seconds(), *seed)
	return nil
}

func dbWhere(f *sisgruFlags) string {
	if f.db != "" && !strings.Contains(f.db, "://") {
		return f.db
	}
	if f.data != "" {
		return filepath.Join(f.data, "brasa.db")
	}
	if f.db != "" {
		return "postgres"
	}
	return "default database"
}

// sisgruUserAdd is `brasa sisgru user add`.
func (m *Main) sisgruUserAdd(ctx context.Context, args []string) error {
	f := m.sisgruFlagSet("user add")
	cpf := f.String("cpf", "", "the user's CPF (11 digits): the Basic user name")
	nome := f.String("nome", "", "the user's name")
	password := f.String("password", "", "the password (default: a random one, printed once)")
	ugs := listFlag(f.FlagSet, "ug", "UGs the user may read (repeatable or comma-separated)")
	if err := f.parse(args); err != nil {
		return err
	}
	if !sisgru.ValidCPF(*cpf) {
		return usageErr("--cpf %q is not a valid CPF (11 digits with check digits)", *cpf)
	}
	if err := checkUGs(*ugs); err != nil {
		return err
	}
	generated := *password == ""
	if generated {
		var b [12]byte
		_, _ = rand.Read(b[:])
		*password = fmt.Sprintf("%x", b[:])
	}
	hash, err := sisgru.HashPassword(*password)
	if err != nil {
		return err
	}
	db, err := m.sisgruOpen(ctx, f)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now()
	err = db.CreateSIAFIUser(ctx, &sisgru.User{CPF: *cpf, Nome: *nome, PasswordHash: hash, UGs: *ugs, Status: sisgru.UserActive, CreatedAt: now, UpdatedAt: now})
	if errs.Is(err, errs.EConflict) {
		return fmt.Errorf("sisgru user add: user %s already exists (brasa sisgru user del --cpf %s first)", *cpf, *cpf)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "SIAFI user %s added, UGs %s\n", *cpf, strings.Join(*ugs, ","))
	if generated {
		fmt.Fprintf(m.Stdout, "password: %s\n(shown once; Authorization: Basic base64(%s:<password>))\n", *password, *cpf)
	}
	return nil
}

// sisgruUserDel is `brasa sisgru user del`.
func (m *Main) sisgruUserDel(ctx context.Context, args []string) error {
	f := m.sisgruFlagSet("user del")
	cpf := f.String("cpf", "", "the user's CPF")
	if err := f.parse(args); err != nil {
		return err
	}
	if *cpf == "" {
		return usageErr("give --cpf")
	}
	db, err := m.sisgruOpen(ctx, f)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.DeleteSIAFIUser(ctx, *cpf); errs.Is(err, errs.ENotFound) {
		return fmt.Errorf("sisgru user del: no user %s", *cpf)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "SIAFI user %s deleted\n", *cpf)
	return nil
}

// readSystemCertificate reads and checks an external system's certificate
// file by the seed's rules.
func readSystemCertificate(path string) ([]byte, error) {
	if path == "" {
		return nil, usageErr("give --cert FILE (.pem, .cer or .crt)")
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pem", ".cer", ".crt":
	default:
		return nil, usageErr("--cert %s: o certificado deve ser um arquivo .pem, .cer ou .crt", path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > sisgru.MaxCertificateSize {
		return nil, fmt.Errorf("--cert %s: O certificado deve ter no máximo 6 KB (o arquivo tem %d bytes).", path, fi.Size())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if _, err := sisgru.CheckCertificate(data, time.Now()); err != nil {
		var e *errs.Error
		if errors.As(err, &e) {
			return nil, fmt.Errorf("--cert %s: %s", path, e.Message)
		}
		return nil, err
	}
	return data, nil
}

// sisgruSystemAdd is `brasa sisgru system add`.
func (m *Main) sisgruSystemAdd(ctx context.Context, args []string) error {
	f := m.sisgruFlagSet("system add")
	iss := f.String("issuer", "", "the system's issuer: the iss of its tokens (\"Emissor\")")
	nome := f.String("nome", "", "the system's name")
	certFile := f.String("cert", "", "its certificate: PEM (.pem, .cer, .crt), no chain, <= 6 KB, RSA >= 2048, in force, not self-signed")
	ugs := listFlag(f.FlagSet, "ug", "UGs the system may read (repeatable or comma-separated)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *iss == "" {
		return usageErr("give --issuer")
	}
	if err := checkUGs(*ugs); err != nil {
		return err
	}
	cert, err := readSystemCertificate(*certFile)
	if err != nil {
		return err
	}
	db, err := m.sisgruOpen(ctx, f)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now()
	err = db.CreateExternalSystem(ctx, &sisgru.System{Issuer: *iss, Nome: *nome, Certificate: cert, UGs: *ugs, Status: sisgru.SystemActive, CreatedAt: now, UpdatedAt: now})
	if errs.Is(err, errs.EConflict) {
		return fmt.Errorf("sisgru system add: issuer %q is already registered (deleted systems included)", *iss)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "external system %q added, UGs %s; its tokens: RS256, {\"iss\": %q, \"exp\": ...}\n", *iss, strings.Join(*ugs, ","), *iss)
	return nil
}

// sisgruSystem loads the system iss for an update.
func sisgruSystem(ctx context.Context, db *store.DB, iss string) (*sisgru.System, error) {
	if iss == "" {
		return nil, usageErr("give --issuer")
	}
	sys, err := db.ExternalSystem(ctx, iss)
	if errs.Is(err, errs.ENotFound) {
		return nil, fmt.Errorf("no external system with issuer %q", iss)
	}
	return sys, err
}

// sisgruSystemCert is `brasa sisgru system cert`.
func (m *Main) sisgruSystemCert(ctx context.Context, args []string) error {
	f := m.sisgruFlagSet("system cert")
	iss := f.String("issuer", "", "the system's issuer")
	certFile := f.String("cert", "", "the new certificate (rules as system add)")
	if err := f.parse(args); err != nil {
		return err
	}
	cert, err := readSystemCertificate(*certFile)
	if err != nil {
		return err
	}
	db, err := m.sisgruOpen(ctx, f)
	if err != nil {
		return err
	}
	defer db.Close()
	sys, err := sisgruSystem(ctx, db, *iss)
	if err != nil {
		return err
	}
	sys.Certificate, sys.UpdatedAt = cert, time.Now()
	if err := db.UpdateExternalSystem(ctx, sys); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "external system %q: certificate replaced\n", *iss)
	return nil
}

// sisgruSystemDel is `brasa sisgru system del`.
func (m *Main) sisgruSystemDel(ctx context.Context, args []string) error {
	f := m.sisgruFlagSet("system del")
	iss := f.String("issuer", "", "the system's issuer")
	if err := f.parse(args); err != nil {
		return err
	}
	db, err := m.sisgruOpen(ctx, f)
	if err != nil {
		return err
	}
	defer db.Close()
	sys, err := sisgruSystem(ctx, db, *iss)
	if err != nil {
		return err
	}
	sys.Status, sys.UpdatedAt = sisgru.SystemDeleted, time.Now()
	if err := db.UpdateExternalSystem(ctx, sys); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "external system %q deleted: its tokens now get 403 %q\n", *iss, sisgru.MsgJWTSystemDeleted)
	return nil
}
