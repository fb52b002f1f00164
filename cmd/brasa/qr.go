package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/brasa-dev/brasa/brcode"
)

const qrUsage = `Usage: brasa qr [-o FILE.png] [--size N] PIX_COPIA_E_COLA

Checks a BR Code (the text of a Pix QR code, "Pix Copia e Cola") against the
BCB Manual do BR Code, CRC included. Without -o it prints the code's fields;
with -o it writes the code as a QR code image (PNG, error correction M).
Quote the code: it usually holds spaces. Unquoted pieces are joined with
single spaces, and the CRC tells whether that gave the code back.

Flags:
`

// runQR is `brasa qr`: it parses a BR Code with [brcode.Parse] and either
// prints a summary of its fields to m.Stdout or writes its QR code with
// [brcode.QRPNG]. An invalid code is an error naming the field (for a CRC
// mismatch, with the CRC the contents give); bad flags or arguments are
// usage errors (exit status 2).
func (m *Main) runQR(ctx context.Context, args []string) error {
	_ = ctx // nothing here blocks
	fs := flag.NewFlagSet("qr", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprint(m.Stderr, qrUsage)
		fs.PrintDefaults()
	}
	out := fs.String("o", "", "write the QR code as a PNG to `file` (\"-\" for standard output) instead of printing the fields")
	size := fs.Int("size", 512, "side of the PNG in `pixels`, quiet zone included")
	// The flag package stops at the first argument that is not a flag;
	// parse again after each one so flags may also follow the code.
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return &exitError{code: 2, err: fmt.Errorf("qr: %w", err)}
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
	payload := strings.TrimSpace(strings.Join(words, " "))
	if payload == "" {
		fs.Usage()
		return &exitError{code: 2, err: errors.New("qr: give the BR Code (Pix Copia e Cola) to read")}
	}
	if *size < 1 || *size > brcode.MaxQRSize {
		return &exitError{code: 2, err: fmt.Errorf("qr: --size %d is out of range (1 to %d)", *size, brcode.MaxQRSize)}
	}

	c, err := brcode.Parse(payload)
	if err != nil {
		return fmt.Errorf("qr: invalid BR Code: %w", err)
	}
	if *out == "" {
		printCode(m.Stdout, payload, c)
		return nil
	}
	img, err := brcode.QRPNG(payload, *size)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("qr: %w", err)}
	}
	if *out == "-" {
		_, err := m.Stdout.Write(img)
		return err
	}
	if err := os.WriteFile(*out, img, 0o644); err != nil {
		return fmt.Errorf("qr: %w", err)
	}
	fmt.Fprintf(m.Stdout, "wrote %s: %dx%d PNG of a %s Pix code\n", *out, *size, *size, kind(c))
	return nil
}

// printCode prints the fields of c, parsed from payload, one per line.
func printCode(w io.Writer, payload string, c *brcode.Code) {
	line := func(label, value string) { fmt.Fprintf(w, "%-12s %s\n", label+":", value) }
	typ := kind(c)
	switch c.PointOfInitiation {
	case brcode.OneTime:
		typ += " (one-time, 01=12)"
	case brcode.Reusable:
		typ += " (reusable, 01=11)"
	}
	line("type", typ)
	if c.MerchantAccountID != "26" {
		line("template", c.MerchantAccountID+" (Pix merchant account)")
	}
	if c.IsDynamic() {
		line("location", "https://"+c.URL)
	} else {
		line("chave", c.Chave)
		if c.InfoAdicional != "" {
			line("info", c.InfoAdicional)
		}
	}
	line("name", c.MerchantName)
	line("city", c.MerchantCity)
	if c.PostalCode != "" {
		line("postal code", c.PostalCode)
	}
	switch {
	case c.Amount != "" && c.IsDynamic():
		line("amount", c.Amount+" (the location's payload prevails)")
	case c.Amount != "":
		line("amount", c.Amount)
	case c.IsDynamic():
		line("amount", "(in the location's payload)")
	default:
		line("amount", "(none: the payer chooses)")
	}
	switch {
	case c.TxID == "***" && c.IsDynamic():
		line("txid", "*** (in the location's payload)")
	case c.TxID == "***":
		line("txid", "*** (none)")
	default:
		line("txid", c.TxID)
	}
	for _, f := range c.Extra {
		line("field "+f.ID, f.Value)
	}
	for _, f := range c.AccountExtra {
		line("field "+c.MerchantAccountID+"."+f.ID, f.Value)
	}
	for _, f := range c.AdditionalExtra {
		line("field 62."+f.ID, f.Value)
	}
	line("crc", strings.ToUpper(payload[len(payload)-4:])+" (ok)")
}

func kind(c *brcode.Code) string {
	if c.IsDynamic() {
		return "dynamic"
	}
	return "static"
}
