package brcode

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/boombuler/barcode/qr"
)

// QuietZone is the white margin QRPNG leaves around the code, in modules: the
// minimum ISO/IEC 18004 requires, and what camera apps need to find the code.
const QuietZone = 4

// MaxQRSize is the largest image side, in pixels, QRPNG draws.
const MaxQRSize = 8192

// QRPNG returns a size×size PNG of the QR code of payload, with error
// correction level M (about 15% of the code may be damaged) and a white
// quiet zone of at least [QuietZone] modules. Each module is an equal whole
// number of pixels, so leftover pixels widen the margin; size must leave at
// least one pixel per module (a 512-character payload needs 97) and be at
// most [MaxQRSize]. Payload is encoded as given, not checked with [Parse];
// non-ASCII text is stored as UTF-8 bytes without an ECI marker.
func QRPNG(payload string, size int) ([]byte, error) {
	if payload == "" {
		return nil, errors.New("brcode: empty QR payload")
	}
	code, err := qr.Encode(payload, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("brcode: QR encoding: %w", err)
	}
	n := code.Bounds().Dx() // modules per side
	total := n + 2*QuietZone
	if size < total || size > MaxQRSize {
		return nil, fmt.Errorf("brcode: QR size %d out of range: this payload needs %d to %d pixels", size, total, MaxQRSize)
	}
	scale := size / total
	off := (size - n*scale) / 2
	// Palette index 0 is white, so the zero image is all quiet zone; the PNG
	// encoder writes a two-colour palette at one bit per pixel.
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	origin := code.Bounds().Min
	for y := range n {
		for x := range n {
			if !dark(code.At(origin.X+x, origin.Y+y)) {
				continue
			}
			for dy := range scale {
				row := img.Pix[(off+y*scale+dy)*img.Stride:]
				for dx := range scale {
					row[off+x*scale+dx] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("brcode: PNG encoding: %w", err)
	}
	return buf.Bytes(), nil
}

func dark(c color.Color) bool {
	y := color.GrayModel.Convert(c).(color.Gray).Y
	return y < 0x80
}
