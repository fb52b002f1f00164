// Command brasa is an open implementation of the Brazilian payment and trust
// APIs: the BACEN Pix API as a PSP serves it, with its onboarding and security
// stack, in one binary.
//
//	brasa sandbox [--data DIR] [--api ADDR] [--web ADDR] [--reset]
//	brasa serve --config FILE
//	brasa migrate [--db DSN | --data DIR]
//	brasa qr [-o FILE.png] [--size N] CODE
//	brasa cert doctor FILE... [--ca BUNDLE] [--password P]
//	brasa cert csr|pem|pfx|key ...
//	brasa bench --sandbox DIR/sandbox.json [--scenario token] [-c 8] [-d 10s]
//	brasa sisgru seed --ug UG --count N [--db DSN | --data DIR]
//	brasa sisgru user add --cpf CPF --ug UG | system add --issuer ISS --cert FILE --ug UG
//	brasa keygen --out FILE
//	brasa version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "dev"

// Main is the command line: its arguments and where it writes.
type Main struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "brasa:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitError carries a specific exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

const usage = `brasa — the Brazilian payment and trust APIs in one binary.

Usage:
  brasa sandbox [--data DIR] [--api ADDR] [--web ADDR] [--reset]
        run the local sandbox: demo tenant, CA and credentials in DIR
        (default ./brasa-data), which also gets sandbox.json
  brasa serve --config FILE      run in production mode (no demo data)
  brasa migrate [--db DSN | --data DIR]
                                 apply database migrations and exit
  brasa qr [-o FILE.png] [--size N] CODE
                                 read a BR Code (pixCopiaECola): print its fields, or draw its QR image
  brasa pay [--sandbox DIR] [--valor V] CODE
                                 pay a BR Code with the sandbox's payer simulator (brasa pay -h)
  brasa cert doctor FILE... [--ca BUNDLE] [--password P]
                                 diagnose certificate, key, CSR and PFX files for mTLS (exit 1 on problems)
  brasa cert csr|pem|pfx|key ... make a key + CSR, convert DER to PEM, build a PFX, remove a key's passphrase (brasa cert -h)
  brasa bench [flags]            load generator (brasa bench -h)
  brasa sisgru seed|user|system  SISGRU data, SIAFI users, external systems (brasa sisgru -h)
  brasa psc approve|holder add   approve or deny a holder's pending PSC authorization (sandbox);
                                 create a PSC holder with a cloud certificate (brasa psc -h)
  brasa portal chamados|aprovar|recusar
                                 developer portal: approve "Acesso à API Pix" chamados (brasa portal -h)
  brasa banking account|cert|credential|admin-token
                                 provision the Banking API: certificates, credentials, allowed IPs (brasa banking -h)
  brasa bankly partner|credential|cert
                                 Bankly partners, their token clients, certificate revocation (brasa bankly -h)
  brasa keygen --out FILE        create a master key file (256 bits, mode 0600)
  brasa version                  print the version

Run "brasa COMMAND -h" for a command's flags.
`

// Run runs the subcommand named by args[0].
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "sandbox":
		return m.runSandbox(ctx, rest)
	case "serve":
		return m.runServe(ctx, rest)
	case "migrate":
		return m.runMigrate(ctx, rest)
	case "bench":
		return m.runBench(ctx, rest)
	case "qr":
		return m.runQR(ctx, rest)
	case "pay":
		return m.runPay(ctx, rest)
	case "psc":
		return m.runPSC(ctx, rest)
	case "sisgru":
		return m.runSISGRU(ctx, rest)
	case "portal":
		return m.runPortal(ctx, rest)
	case "banking":
		return m.runBanking(ctx, rest)
	case "bankly":
		return m.runBankly(ctx, rest)
	case "cert":
		return m.runCert(ctx, rest)
	case "keygen":
		return m.runKeygen(rest)
	case "version", "--version", "-v":
		return m.runVersion()
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	fmt.Fprint(m.Stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
