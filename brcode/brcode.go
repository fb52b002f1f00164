package brcode

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// PixGUI is the globally unique identifier of Pix, sub-field 00 of the
	// merchant account template (BCB Manual do BR Code). Parse compares it
	// ignoring ASCII case; Encode writes Code.GUI as given, or PixGUI when
	// it is empty.
	PixGUI = "br.gov.bcb.pix"

	// MaxLength is the longest BR Code, in characters, that Parse accepts and
	// Encode produces: the maxLength of pixCopiaECola in the API Pix.
	MaxLength = 512
)

// Values of the point of initiation method (data object 01, EMV QRCPS
// Merchant-Presented Mode).
const (
	// Reusable ("11") marks a code that may be paid many times: usual for
	// static codes, where data object 01 may also be absent.
	Reusable = "11"
	// OneTime ("12") marks a code that may be paid once: the dynamic codes
	// of the API Pix, whose location serves one charge.
	OneTime = "12"
)

// Field is one data object of a BR Code that this package does not
// interpret, kept so that Encode writes it back. ID is two decimal digits;
// Value is 1 to 99 characters.
type Field struct {
	ID    string
	Value string
}

// Code is a parsed BR Code: the EMV QRCPS Merchant-Presented Mode payload of
// a Pix QR code or "Pix Copia e Cola" string, as the BCB Manual do BR Code
// profiles it. Each field holds its data object's value as written in the
// payload; "" means absent. The comment of each field gives its ID, with
// template sub-fields as "26.01" (template 26, sub-field 01).
//
// A static code carries the receiver's chave (26.01) and, optionally, an
// amount and a txid. A dynamic code carries instead the URL of a location
// (26.25) from which the payer's PSP fetches a signed payload with the
// charge. Data objects the Pix profile does not define (other payment
// schemes' templates, the language template 64, unreserved templates 80-99,
// and unknown sub-fields of templates 26 and 62) are kept in Extra,
// AccountExtra and AdditionalExtra, sorted by ID.
type Code struct {
	PayloadFormat     string // 00, always "01"
	PointOfInitiation string // 01: "" (absent), Reusable ("11") or OneTime ("12")

	// MerchantAccountID is the ID of the merchant account template that
	// carries Pix: "26" in practice, though EMV allows 26 to 51.
	MerchantAccountID string
	GUI               string  // 26.00, PixGUI in any case
	Chave             string  // 26.01, static codes: the receiver's Pix key (at most 77 characters)
	InfoAdicional     string  // 26.02, static codes, optional: a message to the payer
	URL               string  // 26.25, dynamic codes: the location, without "https://" (at most 77 characters)
	AccountExtra      []Field // other sub-fields of the template

	MCC          string // 52, merchant category code: 4 digits, "0000" in Pix
	Currency     string // 53, "986" (BRL)
	Amount       string // 54, optional: decimal with a dot, e.g. "10.00"
	Country      string // 58, "BR"
	MerchantName string // 59, 1 to 25 characters
	MerchantCity string // 60, 1 to 15 characters
	PostalCode   string // 61, optional

	TxID            string  // 62.05, "***" or 1 to 25 letters and digits
	AdditionalExtra []Field // other sub-fields of template 62

	Extra []Field // other top-level data objects, except 63 (the CRC)
}

// IsDynamic reports whether c is a dynamic code: one that carries a location
// URL (26.25) rather than a chave.
func (c *Code) IsDynamic() bool { return c.URL != "" }

// IsStatic reports whether c is a static code: one that carries the
// receiver's chave (26.01) and no location URL.
func (c *Code) IsStatic() bool { return c.URL == "" && c.Chave != "" }

// Parse parses a BR Code, the text of a Pix QR code or "Pix Copia e Cola"
// string (BCB Manual do BR Code; EMV QRCPS Merchant-Presented Mode).
//
// The payload is a sequence of data objects, each a two-digit ID, a
// two-digit length and a value of that many characters; templates (26 to
// 51 and 62) nest data objects the same way. Lengths count characters, not
// bytes, as EMV specifies, although a conforming Pix code holds ASCII only.
// Parse checks, in this order:
//   - the payload is UTF-8 of at most [MaxLength] characters;
//   - when it ends with "6304" and four hex digits (either case), that they
//     match the CRC-16 of the payload up to and including "6304" ([ErrCRC]);
//   - the data object structure: digits, lengths, no repeated ID, no
//     control characters ([ErrMalformed]);
//   - 00 is first and is "01", 63 is last with length 04;
//   - one template from 26 to 51 has the GUI br.gov.bcb.pix ([ErrNotPix]),
//     with either a chave (26.01, static, optional 26.02) or a location URL
//     without scheme (26.25, dynamic, with neither 26.01 nor 26.02);
//   - 52 (4 digits), 53 ("986"), 58 ("BR"), 59 (1-25 characters), 60 (1-15
//     characters) and 62.05 (the txid: "***" or 1-25 letters and digits)
//     are present; the manual makes 62.05 mandatory, "***" when there is no
//     txid;
//   - 54, when present, is a positive amount of at most 13 characters,
//     digits with an optional dot and one or two decimals ("10", "10.5",
//     "10.50"). The manual allows it in a dynamic code, where the payload's
//     value prevails.
//
// A dynamic code's txid should be "***" (the payer's PSP takes the txid from
// the payload), but Parse accepts any valid txid there, as payer apps do.
//
// Errors are [*ParseError] values naming the field; their kind is one of
// [ErrCRC], [ErrMalformed], [ErrMissingField], [ErrInvalidField] and
// [ErrNotPix]. Data objects Parse does not interpret are kept, so that
// [Encode] of the result gives s back byte for byte when s lists its data
// objects in ascending ID order with 63 last and its CRC in upper case, as
// every known generator does.
func Parse(s string) (*Code, error) {
	if s == "" {
		return nil, perr(ErrMalformed, "", "empty payload")
	}
	if !utf8.ValidString(s) {
		return nil, perr(ErrMalformed, "", "payload is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > MaxLength {
		return nil, perr(ErrInvalidField, "", fmt.Sprintf("payload is %d characters; the limit is %d", n, MaxLength))
	}
	// The payer's app checks the CRC first: a corrupted code is best
	// reported as such rather than as whatever structure the damage left.
	if err := checkCRC(s); err != nil {
		return nil, err
	}
	fields, err := walk(s, "")
	if err != nil {
		return nil, err
	}
	if fields[0].ID != "00" {
		if hasID(fields, "00") {
			return nil, perr(ErrInvalidField, "00", "the payload format indicator must be the first data object")
		}
		return nil, perr(ErrMissingField, "00", "no payload format indicator (00 must open the payload)")
	}
	last := fields[len(fields)-1]
	if last.ID != "63" {
		if hasID(fields, "63") {
			return nil, perr(ErrInvalidField, "63", "the CRC must be the last data object")
		}
		return nil, perr(ErrMissingField, "63", "no CRC (63 must close the payload)")
	}
	if n := utf8.RuneCountInString(last.Value); n != 4 {
		return nil, perr(ErrInvalidField, "63", fmt.Sprintf("length is %02d; the CRC has length 04", n))
	}
	if _, ok := parseHex4(last.Value); !ok {
		return nil, perr(ErrInvalidField, "63", fmt.Sprintf("%q is not four hexadecimal digits", last.Value))
	}
	// Now s ends with "6304" and four hex digits: checkCRC above verified it.

	c := &Code{}
	for _, f := range fields[:len(fields)-1] {
		switch f.ID {
		case "00":
			c.PayloadFormat = f.Value
		case "01":
			c.PointOfInitiation = f.Value
		case "52":
			c.MCC = f.Value
		case "53":
			c.Currency = f.Value
		case "54":
			c.Amount = f.Value
		case "58":
			c.Country = f.Value
		case "59":
			c.MerchantName = f.Value
		case "60":
			c.MerchantCity = f.Value
		case "61":
			c.PostalCode = f.Value
		case "62":
			subs, err := walk(f.Value, f.ID)
			if err != nil {
				return nil, err
			}
			for _, sf := range subs {
				if sf.ID == "05" {
					c.TxID = sf.Value
				} else {
					c.AdditionalExtra = append(c.AdditionalExtra, sf)
				}
			}
		default:
			if !isAccountTemplate(f.ID) {
				c.Extra = append(c.Extra, f)
				break
			}
			subs, err := walk(f.Value, f.ID)
			if err != nil {
				return nil, err
			}
			if !isPix(subs) {
				c.Extra = append(c.Extra, f)
				break
			}
			if c.MerchantAccountID != "" {
				return nil, perr(ErrInvalidField, f.ID, "a second merchant account template carries the Pix GUI (the first is "+c.MerchantAccountID+")")
			}
			c.MerchantAccountID = f.ID
			for _, sf := range subs {
				switch sf.ID {
				case "00":
					c.GUI = sf.Value
				case "01":
					c.Chave = sf.Value
				case "02":
					c.InfoAdicional = sf.Value
				case "25":
					c.URL = sf.Value
				default:
					c.AccountExtra = append(c.AccountExtra, sf)
				}
			}
		}
	}
	if c.MerchantAccountID == "" {
		return nil, perr(ErrNotPix, "26", "not a Pix code: no merchant account template (26 to 51) carries the GUI "+PixGUI)
	}
	sortFields(c.Extra)
	sortFields(c.AccountExtra)
	sortFields(c.AdditionalExtra)
	// Parse and Encode share one set of rules, so whatever Parse accepts
	// Encode writes back.
	if _, err := c.build(); err != nil {
		return nil, err
	}
	return c, nil
}

// Encode returns the BR Code of c: its data objects in ascending ID order
// (00, 01, the Pix template with 00, 01, 02 or 00, 25, 52, 53, 54, 58, 59,
// 60, 61, 62 with 05, then the Extra objects in their places by ID), closed
// by the CRC data object 63 with the CRC-16 of everything before it as four
// upper-case hex digits (BCB Manual do BR Code).
//
// Empty fields that have a single sensible value are filled in:
// PayloadFormat "01", MerchantAccountID "26", GUI [PixGUI], MCC "0000",
// Currency "986", Country "BR" and TxID "***". Every other value is written
// as given, after the checks [Parse] makes; a value that breaks them gives a
// [*ParseError] naming the field. Encode does not transliterate names and
// cities: [Dynamic] and [Static] do.
func Encode(c *Code) (string, error) {
	if c == nil {
		return "", perr(ErrMissingField, "", "nil Code")
	}
	d := *c
	fill := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	fill(&d.PayloadFormat, "01")
	fill(&d.MerchantAccountID, "26")
	fill(&d.GUI, PixGUI)
	fill(&d.MCC, "0000")
	fill(&d.Currency, "986")
	fill(&d.Country, "BR")
	fill(&d.TxID, "***")
	fields, err := d.build()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(MaxLength)
	for _, f := range fields {
		writeObject(&b, f)
	}
	b.WriteString("6304")
	fmt.Fprintf(&b, "%04X", CRC16([]byte(b.String())))
	return b.String(), nil
}

// build checks c against the BR Code rules and returns its top-level data
// objects but the CRC, sorted by ID.
func (c *Code) build() ([]Field, error) {
	out := make([]Field, 0, 12+len(c.Extra))
	switch c.PayloadFormat {
	case "01":
		out = append(out, Field{"00", c.PayloadFormat})
	case "":
		return nil, perr(ErrMissingField, "00", "no payload format indicator")
	default:
		return nil, perr(ErrInvalidField, "00", fmt.Sprintf("payload format indicator is %q; it must be \"01\"", c.PayloadFormat))
	}
	switch c.PointOfInitiation {
	case "":
	case Reusable, OneTime:
		out = append(out, Field{"01", c.PointOfInitiation})
	default:
		return nil, perr(ErrInvalidField, "01", fmt.Sprintf("point of initiation method is %q; it must be \"11\" (reusable) or \"12\" (one-time)", c.PointOfInitiation))
	}
	acc, err := c.account()
	if err != nil {
		return nil, err
	}
	out = append(out, acc)

	if c.MCC == "" {
		return nil, perr(ErrMissingField, "52", "no merchant category code")
	}
	if len(c.MCC) != 4 || !allDigits(c.MCC) {
		return nil, perr(ErrInvalidField, "52", fmt.Sprintf("merchant category code is %q; it must be 4 digits (\"0000\" in Pix)", c.MCC))
	}
	out = append(out, Field{"52", c.MCC})
	if c.Currency == "" {
		return nil, perr(ErrMissingField, "53", "no transaction currency")
	}
	if c.Currency != "986" {
		return nil, perr(ErrInvalidField, "53", fmt.Sprintf("transaction currency is %q; Pix uses \"986\" (BRL)", c.Currency))
	}
	out = append(out, Field{"53", c.Currency})
	if c.Amount != "" {
		if !validAmount(c.Amount) {
			return nil, perr(ErrInvalidField, "54", fmt.Sprintf("amount %q is not a positive decimal of at most 13 characters with up to 2 decimals after a dot", c.Amount))
		}
		out = append(out, Field{"54", c.Amount})
	}
	if c.Country == "" {
		return nil, perr(ErrMissingField, "58", "no country code")
	}
	if c.Country != "BR" {
		return nil, perr(ErrInvalidField, "58", fmt.Sprintf("country code is %q; Pix uses \"BR\"", c.Country))
	}
	out = append(out, Field{"58", c.Country})
	if err := checkText("59", "merchant name", c.MerchantName, 25, true); err != nil {
		return nil, err
	}
	out = append(out, Field{"59", c.MerchantName})
	if err := checkText("60", "merchant city", c.MerchantCity, 15, true); err != nil {
		return nil, err
	}
	out = append(out, Field{"60", c.MerchantCity})
	if c.PostalCode != "" {
		if err := checkText("61", "postal code", c.PostalCode, 99, false); err != nil {
			return nil, err
		}
		out = append(out, Field{"61", c.PostalCode})
	}

	if c.TxID == "" {
		return nil, perr(ErrMissingField, "62.05", `no txid (use "***" when there is none)`)
	}
	if !validTxID(c.TxID) {
		return nil, perr(ErrInvalidField, "62.05", fmt.Sprintf(`txid %q must be "***" or 1 to 25 letters and digits`, c.TxID))
	}
	subs := []Field{{"05", c.TxID}}
	if err := checkExtra("62", c.AdditionalExtra, func(id string) bool { return id == "05" }); err != nil {
		return nil, err
	}
	subs = append(subs, c.AdditionalExtra...)
	add, err := template("62", subs)
	if err != nil {
		return nil, err
	}
	out = append(out, add)

	reserved := func(id string) bool {
		switch id {
		case "00", "01", "52", "53", "54", "58", "59", "60", "61", "62", "63", c.MerchantAccountID:
			return true
		}
		return false
	}
	if err := checkExtra("", c.Extra, reserved); err != nil {
		return nil, err
	}
	out = append(out, c.Extra...)
	sortFields(out)

	total := 8 // "6304" and the CRC
	for _, f := range out {
		total += 4 + utf8.RuneCountInString(f.Value)
	}
	if total > MaxLength {
		return nil, perr(ErrInvalidField, "", fmt.Sprintf("payload would be %d characters; the limit is %d", total, MaxLength))
	}
	return out, nil
}

// account checks and returns the Pix merchant account template.
func (c *Code) account() (Field, error) {
	id := c.MerchantAccountID
	if !isAccountTemplate(id) {
		return Field{}, perr(ErrInvalidField, "26", fmt.Sprintf("merchant account template ID %q is not between 26 and 51", id))
	}
	sub := func(s string) string { return id + "." + s }
	if c.GUI == "" {
		return Field{}, perr(ErrMissingField, sub("00"), "no GUI")
	}
	if !asciiEqualFold(c.GUI, PixGUI) {
		return Field{}, perr(ErrNotPix, sub("00"), fmt.Sprintf("GUI is %q; Pix uses %q", c.GUI, PixGUI))
	}
	subs := []Field{{"00", c.GUI}}
	if c.URL != "" {
		if c.Chave != "" {
			return Field{}, perr(ErrInvalidField, sub("01"), "a dynamic code (location URL in "+sub("25")+") carries no chave")
		}
		if c.InfoAdicional != "" {
			return Field{}, perr(ErrInvalidField, sub("02"), "a dynamic code (location URL in "+sub("25")+") carries no additional information")
		}
		if err := checkText(sub("25"), "location URL", c.URL, 77, false); err != nil {
			return Field{}, err
		}
		if strings.Contains(c.URL, "://") {
			return Field{}, perr(ErrInvalidField, sub("25"), fmt.Sprintf("location URL %q must omit the scheme (https:// is implied)", c.URL))
		}
		if strings.Contains(c.URL, " ") {
			return Field{}, perr(ErrInvalidField, sub("25"), fmt.Sprintf("location URL %q contains a space", c.URL))
		}
		subs = append(subs, Field{"25", c.URL})
	} else {
		if c.Chave == "" {
			return Field{}, perr(ErrMissingField, sub("01"), "neither a chave ("+sub("01")+", static code) nor a location URL ("+sub("25")+", dynamic code)")
		}
		if err := checkText(sub("01"), "chave", c.Chave, 77, false); err != nil {
			return Field{}, err
		}
		subs = append(subs, Field{"01", c.Chave})
		if c.InfoAdicional != "" {
			if err := checkText(sub("02"), "additional information", c.InfoAdicional, 99, false); err != nil {
				return Field{}, err
			}
			subs = append(subs, Field{"02", c.InfoAdicional})
		}
	}
	reserved := func(s string) bool { return s == "00" || s == "01" || s == "02" || s == "25" }
	if err := checkExtra(id, c.AccountExtra, reserved); err != nil {
		return Field{}, err
	}
	subs = append(subs, c.AccountExtra...)
	return template(id, subs)
}

// template returns the template id made of subs, in ID order.
func template(id string, subs []Field) (Field, error) {
	subs = slices.Clone(subs)
	sortFields(subs)
	var b strings.Builder
	for _, f := range subs {
		writeObject(&b, f)
	}
	v := b.String()
	if n := utf8.RuneCountInString(v); n > 99 {
		return Field{}, perr(ErrInvalidField, id, fmt.Sprintf("template is %d characters; the limit is 99", n))
	}
	return Field{id, v}, nil
}

// checkExtra checks uninterpreted data objects of the template parent (""
// for the top level): valid unique IDs that the Pix profile does not
// reserve, and values of 1 to 99 printable characters. At the top level,
// merchant account templates (26 to 51) must be well formed and must not
// carry the Pix GUI, or Parse would read them differently.
func checkExtra(parent string, fs []Field, reserved func(string) bool) error {
	var seen [100]bool
	for _, f := range fs {
		name := f.ID
		if parent != "" {
			name = parent + "." + f.ID
		}
		if len(f.ID) != 2 || !allDigits(f.ID) {
			return perr(ErrInvalidField, parent, fmt.Sprintf("extra data object ID %q is not two digits", f.ID))
		}
		if reserved(f.ID) {
			return perr(ErrInvalidField, name, "extra data object uses an ID the Pix profile defines; set the field of Code instead")
		}
		n, _ := strconv.Atoi(f.ID)
		if seen[n] {
			return perr(ErrInvalidField, name, "extra data object appears twice")
		}
		seen[n] = true
		if err := checkText(name, "value", f.Value, 99, false); err != nil {
			return err
		}
		if parent == "" && isAccountTemplate(f.ID) {
			subs, err := walk(f.Value, f.ID)
			if err != nil {
				return err
			}
			if isPix(subs) {
				return perr(ErrInvalidField, f.ID, "a second merchant account template carries the Pix GUI")
			}
		}
	}
	return nil
}

// checkText checks that v has at most limit printable characters, and at
// least one when required.
func checkText(field, what, v string, limit int, required bool) error {
	if v == "" {
		if required {
			return perr(ErrMissingField, field, "no "+what)
		}
		return perr(ErrInvalidField, field, what+" is empty")
	}
	if !utf8.ValidString(v) || !printable(v) {
		return perr(ErrInvalidField, field, fmt.Sprintf("%s %q holds a control, unprintable or invalid character", what, v))
	}
	if n := utf8.RuneCountInString(v); n > limit {
		return perr(ErrInvalidField, field, fmt.Sprintf("%s %q is %d characters; the limit is %d", what, v, n, limit))
	}
	return nil
}

// walk splits s, the payload or the value of the template parent, into its
// data objects.
func walk(s, parent string) ([]Field, error) {
	in := "payload"
	if parent != "" {
		in = "template " + parent
	}
	name := func(id string) string {
		if parent == "" {
			return id
		}
		return parent + "." + id
	}
	var (
		fs   []Field
		seen [100]bool
		pos  int // in characters
	)
	for s != "" {
		if len(s) < 4 {
			return nil, perr(ErrMalformed, parent, fmt.Sprintf("truncated data object %q at character %d of the %s", s, pos, in))
		}
		id, l := s[:2], s[2:4]
		if !allDigits(id) {
			return nil, perr(ErrMalformed, parent, fmt.Sprintf("data object ID %q at character %d of the %s is not two digits", id, pos, in))
		}
		if !allDigits(l) {
			return nil, perr(ErrMalformed, name(id), fmt.Sprintf("length %q is not two digits", l))
		}
		n := int(l[0]-'0')*10 + int(l[1]-'0')
		if n == 0 {
			return nil, perr(ErrMalformed, name(id), "length is 00; a value has 1 to 99 characters")
		}
		v, rest, ok := cutRunes(s[4:], n)
		if !ok {
			return nil, perr(ErrMalformed, name(id), fmt.Sprintf("length %02d runs past the end of the %s", n, in))
		}
		if !printable(v) {
			return nil, perr(ErrMalformed, name(id), fmt.Sprintf("value %q holds a control or unprintable character", v))
		}
		i := int(id[0]-'0')*10 + int(id[1]-'0')
		if seen[i] {
			return nil, perr(ErrMalformed, name(id), "data object appears twice")
		}
		seen[i] = true
		fs = append(fs, Field{id, v})
		pos += 4 + n
		s = rest
	}
	return fs, nil
}

// checkCRC verifies the CRC of s when s ends the way a BR Code must, with
// "6304" and four characters; Parse reports other endings itself.
func checkCRC(s string) error {
	if len(s) < 8 || s[len(s)-8:len(s)-4] != "6304" {
		return nil
	}
	tail := s[len(s)-4:]
	got, ok := parseHex4(tail)
	if !ok {
		return perr(ErrInvalidField, "63", fmt.Sprintf("%q is not four hexadecimal digits", tail))
	}
	if want := CRC16([]byte(s[:len(s)-4])); got != want {
		return perr(ErrCRC, "63", fmt.Sprintf("CRC mismatch: the code says %s but its contents give %04X", strings.ToUpper(tail), want))
	}
	return nil
}

func writeObject(b *strings.Builder, f Field) {
	n := utf8.RuneCountInString(f.Value)
	b.WriteString(f.ID)
	b.WriteByte(byte('0' + n/10))
	b.WriteByte(byte('0' + n%10))
	b.WriteString(f.Value)
}

// cutRunes splits s after n characters.
func cutRunes(s string, n int) (head, tail string, ok bool) {
	i := 0
	for range n {
		if i >= len(s) {
			return "", "", false
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i], s[i:], true
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func parseHex4(s string) (uint16, bool) {
	if len(s) != 4 {
		return 0, false
	}
	var v uint16
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint16(c)
	}
	return v, true
}

// asciiEqualFold is strings.EqualFold restricted to ASCII letters, so that
// no Unicode folding (the Kelvin sign as k) lets a look-alike GUI through.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// isAccountTemplate reports whether id is a merchant account information
// template ID, 26 to 51.
func isAccountTemplate(id string) bool {
	return len(id) == 2 && allDigits(id) && id >= "26" && id <= "51"
}

// isPix reports whether the template made of subs carries the Pix GUI.
func isPix(subs []Field) bool {
	for _, f := range subs {
		if f.ID == "00" {
			return asciiEqualFold(f.Value, PixGUI)
		}
	}
	return false
}

func hasID(fs []Field, id string) bool {
	return slices.ContainsFunc(fs, func(f Field) bool { return f.ID == id })
}

func sortFields(fs []Field) {
	slices.SortFunc(fs, func(a, b Field) int { return strings.Compare(a.ID, b.ID) })
}

// validAmount reports whether s is a positive amount of at most 13
// characters: digits, optionally a dot and one or two digits. The manual
// shows two decimals ("10.00"); EMV allows fewer.
func validAmount(s string) bool {
	if len(s) > 13 {
		return false
	}
	whole, frac, dot := strings.Cut(s, ".")
	if !allDigits(whole) || dot && (len(frac) > 2 || !allDigits(frac)) {
		return false
	}
	return strings.ContainsFunc(s, func(r rune) bool { return '1' <= r && r <= '9' })
}

// validTxID reports whether s is "***" or 1 to 25 ASCII letters and digits
// (BCB Manual do BR Code, 62.05).
func validTxID(s string) bool {
	if s == "***" {
		return true
	}
	if len(s) < 1 || len(s) > 25 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
