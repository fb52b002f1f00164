package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/brasa-dev/brasa/brcode"
)

const (
	qrStatic  = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000520400005303986540510.005802BR5913Fulano de Tal6008BRASILIA62110507TXID123630413F3"
	qrDynamic = "00020101021226760014br.gov.bcb.pix2554pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***630497BF"
)

// fixCRC replaces the CRC at the end of s with the right one.
func fixCRC(s string) string {
	s = s[:len(s)-4]
	return fmt.Sprintf("%s%04X", s, brcode.CRC16([]byte(s)))
}

// runQR runs `brasa qr args...` in process and returns its stdout and stderr.
func runQR(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	err = m.runQR(context.Background(), args)
	return out.String(), errOut.String(), err
}

func TestQR_summary(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"Static", []string{qrStatic}, []string{
			"type:        static\n",
			"chave:       123e4567-e12b-12d1-a456-426655440000\n",
			"name:        Fulano de Tal\n",
			"city:        BRASILIA\n",
			"amount:      10.00\n",
			"txid:        TXID123\n",
			"crc:         13F3 (ok)\n",
		}},
		{"Dynamic", []string{qrDynamic}, []string{
			"type:        dynamic (one-time, 01=12)\n",
			"location:    https://pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441\n",
			"amount:      (in the location's payload)\n",
			"crc:         97BF (ok)\n",
		}},
		{"Unquoted", strings.Split(qrStatic, " "), []string{"txid:        TXID123\n", "crc:         13F3 (ok)\n"}},
		{"Whitespace", []string{"  " + qrDynamic + "\n"}, []string{"crc:         97BF (ok)\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := runQR(t, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.want {
				if !strings.Contains(stdout, want) {
					t.Errorf("output lacks %q:\n%s", want, stdout)
				}
			}
		})
	}
}

func TestQR_png(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		flags   []string // "FILE" is replaced with the output path
		size    int
	}{
		{"DynamicFlagsAfter", qrDynamic, []string{"-o", "FILE"}, 512},
		{"StaticFlagsBefore", qrStatic, []string{"-o", "FILE", "--size", "300"}, 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "qr.png")
			var args []string
			for _, f := range tt.flags {
				args = append(args, strings.ReplaceAll(f, "FILE", file))
			}
			if strings.HasSuffix(tt.name, "After") {
				args = append([]string{tt.payload}, args...)
			} else {
				args = append(args, tt.payload)
			}
			stdout, _, err := runQR(t, args...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(stdout, "wrote "+file) {
				t.Errorf("stdout = %q, want a line about %s", stdout, file)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := img.Bounds().Dx(), tt.size; got != want {
				t.Errorf("width = %d, want %d", got, want)
			}
			bmp, err := gozxing.NewBinaryBitmapFromImage(img)
			if err != nil {
				t.Fatal(err)
			}
			res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res.GetText(), tt.payload; got != want {
				t.Errorf("decoded %q, want %q", got, want)
			}
		})
	}
}

func TestQR_pngStdout(t *testing.T) {
	stdout, _, err := runQR(t, "-o", "-", qrDynamic)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stdout, "\x89PNG\r\n") {
		t.Errorf("stdout is not a PNG: %q...", stdout[:min(len(stdout), 16)])
	}
}

func TestQR_invalid(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    []string
	}{
		{"BadCRC", qrStatic[:len(qrStatic)-4] + "13F4", []string{"field 63", "CRC mismatch", "13F4", "13F3"}},
		{"Truncated", qrStatic[:60], []string{"field 26", "length"}},
		{"NotPix", fixCRC(strings.Replace(qrDynamic, "br.gov.bcb.pix", "br.gov.bcb.pay", 1)), []string{"field 26", "not a Pix", "br.gov.bcb.pix"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "qr.png")
			stdout, _, err := runQR(t, tt.payload, "-o", file)
			if err == nil {
				t.Fatalf("no error; stdout:\n%s", stdout)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if got, want := exitCode(err), 1; got != want {
				t.Errorf("exit code %d, want %d", got, want)
			}
			if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("PNG written for an invalid code (stat: %v)", err)
			}
		})
	}
}

func TestQR_usage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"NoCode", nil, 2},
		{"UnknownFlag", []string{"--nope", qrStatic}, 2},
		{"SizeZero", []string{"--size", "0", qrStatic}, 2},
		{"SizeTooSmallForCode", []string{"--size", "20", "-o", "x.png", qrStatic}, 2},
		{"Help", []string{"-h"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			_, stderr, err := runQR(t, tt.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if got, want := exitCode(err), tt.code; got != want {
				t.Errorf("exit code %d, want %d (%v)", got, want, err)
			}
			if tt.name == "Help" && !errors.Is(err, flag.ErrHelp) {
				t.Errorf("error %v, want flag.ErrHelp", err)
			}
			if tt.name == "NoCode" || tt.name == "Help" {
				if !strings.Contains(stderr, "Usage: brasa qr") {
					t.Errorf("stderr lacks the usage:\n%s", stderr)
				}
			}
		})
	}
}
