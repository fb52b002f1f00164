package brcode_test

import (
	"reflect"
	"testing"

	"github.com/brasa-dev/brasa/brcode"
)

// FuzzParse checks that Parse never panics, and that whatever it accepts
// Encode writes back into a payload that parses to the same Code.
func FuzzParse(f *testing.F) {
	seeds := []string{vecStatic, vecDynamic, vecStaticAmount, vecDynamicUpperG}
	for _, v := range seeds {
		f.Add(v)
		f.Add(v[:len(v)/2])                                               // truncated
		f.Add(v[:len(v)-1])                                               // CRC cut
		f.Add(v[:len(v)-4] + "0000")                                      // wrong CRC
		f.Add(v + "00")                                                   // trailing bytes
		f.Add(v[:20] + "9" + v[21:])                                      // a length digit changed
		f.Add(withCRC(v[:len(v)-8] + "x"))                                // damaged, with a matching CRC
		f.Add(withCRC(v[:len(v)-8] + tlv("80", tlv("00", "br.example")))) // unknown template
	}
	f.Add(withCRC(tlv("00", "01") + tlv("26", tlv("00", "com.example")+tlv("01", "x")) + tlv("27", gui+tlv("25", "pix.example.com/qr/1")) + tail() + tlv("62", tlv("05", "***")+tlv("07", "C1"))))
	f.Add(withCRC(tlv("00", "01") + account + tail() + tlv("59", "José Açaí") + stars))
	f.Add(withCRC(tlv("00", "01") + account + tlv("54", "1.5") + tail() + stars))
	f.Add("")
	f.Add("6304")
	f.Add("00020163041D3D")
	f.Fuzz(func(t *testing.T, s string) {
		roundTrip(t, s)
		// Random bytes almost never carry a matching CRC, so the checks
		// after the CRC's would go unexplored: also try s with its CRC
		// recomputed.
		if n := len(s); n >= 8 && s[n-8:n-4] == "6304" {
			roundTrip(t, withCRC(s[:n-8]))
		}
	})
}

func roundTrip(t *testing.T, s string) {
	c, err := brcode.Parse(s)
	if err != nil {
		if c != nil {
			t.Fatalf("Parse returned both %+v and %v", c, err)
		}
		return
	}
	enc, err := brcode.Encode(c)
	if err != nil {
		t.Fatalf("Parse(%q) = %+v, but Encode fails: %v", s, c, err)
	}
	c2, err := brcode.Parse(enc)
	if err != nil {
		t.Fatalf("Encode gave %q, which Parse rejects: %v", enc, err)
	}
	if !reflect.DeepEqual(c, c2) {
		t.Fatalf("round trip of %q through %q:\n got %+v\nwant %+v", s, enc, c2, c)
	}
	if len(enc) != len(s) {
		t.Fatalf("Encode(Parse(%q)) = %q changes the length", s, enc)
	}
}
