package cms

import (
	"bytes"
	"encoding/asn1"
	"math/big"
	"sort"
	"time"
)

// A few DER builders: CMS structures are written by hand because
// encoding/asn1 cannot express IMPLICIT SET OF with DER sorting, and the
// bytes that are signed must be exactly the ones sent.

// tlv returns the DER element tag || length || concat(parts).
func tlv(tag byte, parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n+6)
	out = append(out, tag)
	out = appendLength(out, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// appendLength appends a DER length.
func appendLength(b []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(b, byte(n))
	case n < 0x100:
		return append(b, 0x81, byte(n))
	case n < 0x10000:
		return append(b, 0x82, byte(n>>8), byte(n))
	case n < 0x1000000:
		return append(b, 0x83, byte(n>>16), byte(n>>8), byte(n))
	default:
		return append(b, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

func seq(parts ...[]byte) []byte { return tlv(0x30, parts...) }

// set returns a DER SET OF: its elements sorted by their encodings (X.690
// §11.6).
func set(parts ...[]byte) []byte {
	sorted := make([][]byte, len(parts))
	copy(sorted, parts)
	sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i], sorted[j]) < 0 })
	return tlv(0x31, sorted...)
}

func octets(b []byte) []byte { return tlv(0x04, b) }

// explicit returns a context-specific constructed tag [n] around parts.
func explicit(n byte, parts ...[]byte) []byte { return tlv(0xA0|n, parts...) }

func oid(o asn1.ObjectIdentifier) []byte {
	b, err := asn1.Marshal(o)
	if err != nil {
		panic("cms: bad OID " + o.String()) // only constant OIDs reach here
	}
	return b
}

func integer(n *big.Int) []byte {
	b, err := asn1.Marshal(n)
	if err != nil {
		panic("cms: integer: " + err.Error())
	}
	return b
}

func smallInt(n int64) []byte { return integer(big.NewInt(n)) }

func utcTime(t time.Time) []byte {
	b, err := asn1.Marshal(t.UTC())
	if err != nil {
		panic("cms: time: " + err.Error())
	}
	return b
}

func generalizedTime(t time.Time) []byte {
	b, err := asn1.MarshalWithParams(t.UTC(), "generalized")
	if err != nil {
		panic("cms: time: " + err.Error())
	}
	return b
}

func ia5(s string) []byte { return tlv(0x16, []byte(s)) }

var derNull = []byte{0x05, 0x00}
