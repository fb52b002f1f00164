package brcode_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/brasa-dev/brasa/brcode"
)

// MustDecodeQR decodes the QR code in the PNG b with an independent decoder.
func MustDecodeQR(tb testing.TB, b []byte) (string, image.Image) {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("png.Decode: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		tb.Fatalf("gozxing bitmap: %v", err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		tb.Fatalf("QR decode: %v", err)
	}
	return res.GetText(), img
}

func TestQRPNG(t *testing.T) {
	long, err := brcode.Static(chave, "Fulano de Tal", "BRASILIA", "1234567890.99", "ABCDEFGHIJKLMNOPQRSTUVWXY", strings.Repeat("Informacao ", 3))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		payload string
		size    int
	}{
		{"Dynamic", vecDynamic, 512},
		{"Static", vecStatic, 512},
		{"StaticAmount", vecStaticAmount, 300},
		{"DynamicUpperCase", vecDynamicUpperG, 1024},
		{"LongStatic", long, 256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := brcode.QRPNG(tt.payload, tt.size)
			if err != nil {
				t.Fatal(err)
			}
			got, img := MustDecodeQR(t, b)
			if want := tt.payload; got != want {
				t.Errorf("decoded %q, want %q", got, want)
			}
			if got, want := img.Bounds(), image.Rect(0, 0, tt.size, tt.size); got != want {
				t.Errorf("bounds %v, want %v", got, want)
			}
			// The quiet zone: the outer rows and columns are white.
			for i := range tt.size {
				for _, p := range []image.Point{{i, 0}, {0, i}, {i, tt.size - 1}, {tt.size - 1, i}} {
					if r, _, _, _ := img.At(p.X, p.Y).RGBA(); r != 0xffff {
						t.Fatalf("pixel %v is not white", p)
					}
				}
			}
		})
	}
}

func TestQRPNG_errors(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		size    int
	}{
		{"Empty", "", 512},
		{"TooSmall", vecDynamic, 40},
		{"Zero", vecDynamic, 0},
		{"TooLarge", vecDynamic, brcode.MaxQRSize + 1},
		{"TooMuchData", strings.Repeat("x", 4000), 4096},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := brcode.QRPNG(tt.payload, tt.size)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "brcode: ") {
				t.Errorf("error %q lacks the brcode: prefix", err)
			}
		})
	}
}
