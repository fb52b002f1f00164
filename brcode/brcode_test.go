package brcode_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/brasa-dev/brasa/brcode"
)

// The test vectors of docs (shared notes, "BR Code (EMV MPM)"); their CRCs
// were checked independently.
const (
	vecStatic        = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
	vecDynamic       = "00020101021226760014br.gov.bcb.pix2554pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***630497BF"
	vecStaticAmount  = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000520400005303986540510.005802BR5913Fulano de Tal6008BRASILIA62110507TXID123630413F3"
	vecDynamicUpperG = "00020101021226770014BR.GOV.BCB.PIX2555pix.example.com/qr/93598be0-1bd0-4997-8318-81776a1d8a995204000053039865802BR5907EMPRESA6009SAO PAULO62070503***6304EEAB"
)

const chave = "123e4567-e12b-12d1-a456-426655440000"

var vectors = []struct {
	name    string
	payload string
	want    brcode.Code
}{
	{"Static", vecStatic, brcode.Code{
		PayloadFormat: "01", MerchantAccountID: "26", GUI: "br.gov.bcb.pix", Chave: chave,
		MCC: "0000", Currency: "986", Country: "BR", MerchantName: "Fulano de Tal", MerchantCity: "BRASILIA", TxID: "***",
	}},
	{"Dynamic", vecDynamic, brcode.Code{
		PayloadFormat: "01", PointOfInitiation: "12", MerchantAccountID: "26", GUI: "br.gov.bcb.pix",
		URL: "pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441",
		MCC: "0000", Currency: "986", Country: "BR", MerchantName: "Fulano de Tal", MerchantCity: "BRASILIA", TxID: "***",
	}},
	{"StaticAmountTxID", vecStaticAmount, brcode.Code{
		PayloadFormat: "01", MerchantAccountID: "26", GUI: "br.gov.bcb.pix", Chave: chave,
		MCC: "0000", Currency: "986", Amount: "10.00", Country: "BR", MerchantName: "Fulano de Tal", MerchantCity: "BRASILIA", TxID: "TXID123",
	}},
	{"DynamicUpperCaseGUI", vecDynamicUpperG, brcode.Code{
		PayloadFormat: "01", PointOfInitiation: "12", MerchantAccountID: "26", GUI: "BR.GOV.BCB.PIX",
		URL: "pix.example.com/qr/93598be0-1bd0-4997-8318-81776a1d8a99",
		MCC: "0000", Currency: "986", Country: "BR", MerchantName: "EMPRESA", MerchantCity: "SAO PAULO", TxID: "***",
	}},
}

func TestCRC16(t *testing.T) {
	tests := []struct {
		name string
		data string
		want uint16
	}{
		{"Check", "123456789", 0x29B1},
		{"Empty", "", 0xFFFF},
		{"Vector", strings.TrimSuffix(vecStatic, "1D3D"), 0x1D3D},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := brcode.CRC16([]byte(tt.data)), tt.want; got != want {
				t.Errorf("CRC16(%q) = %04X, want %04X", tt.data, got, want)
			}
		})
	}
}

func TestParse_vectors(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			c, err := brcode.Parse(v.payload)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := *c, v.want; !reflect.DeepEqual(got, want) {
				t.Errorf("Parse:\n got %+v\nwant %+v", got, want)
			}
			if got, want := c.IsDynamic(), v.want.URL != ""; got != want {
				t.Errorf("IsDynamic() = %v, want %v", got, want)
			}
			if got, want := c.IsStatic(), v.want.URL == ""; got != want {
				t.Errorf("IsStatic() = %v, want %v", got, want)
			}
			s, err := brcode.Encode(c)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := s, v.payload; got != want {
				t.Errorf("Encode:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestDynamic(t *testing.T) {
	tests := []struct {
		name                 string
		location, nome, city string
		want                 string
	}{
		{"Vector", "https://pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441", "Fulano de Tal", "BRASILIA", vecDynamic},
		{"NoScheme", "pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441", "Fulano de Tal", "BRASILIA", vecDynamic},
		{"UpperCaseScheme", "HTTPS://pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441", "Fulano de Tal", "BRASILIA", vecDynamic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := brcode.Dynamic(tt.location, tt.nome, tt.city)
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.want; got != want {
				t.Errorf("Dynamic:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestStatic(t *testing.T) {
	tests := []struct {
		name                            string
		chave, nome, city, amount, txid string
		info                            string
		want                            string
	}{
		{"Vector", chave, "Fulano de Tal", "BRASILIA", "", "", "", vecStatic},
		{"ExplicitStars", chave, "Fulano de Tal", "BRASILIA", "", "***", "", vecStatic},
		{"AmountTxID", chave, "Fulano de Tal", "BRASILIA", "10.00", "TXID123", "", vecStaticAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := brcode.Static(tt.chave, tt.nome, tt.city, tt.amount, tt.txid, tt.info)
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.want; got != want {
				t.Errorf("Static:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// TestNames checks the transliteration and truncation of names and cities
// that Dynamic and Static apply.
func TestNames(t *testing.T) {
	tests := []struct {
		name               string
		nome, city         string
		wantNome, wantCity string
	}{
		{"Plain", "Fulano de Tal", "BRASILIA", "Fulano de Tal", "BRASILIA"},
		{"Diacritics", "João Conceição Ávila", "São Paulo", "Joao Conceicao Avila", "Sao Paulo"},
		{"Cedilla", "AÇAÍ DO PARÁ", "BELÉM", "ACAI DO PARA", "BELEM"},
		{"Ligatures", "Straße Æther", "Curaçá", "Strasse AEther", "Curaca"},
		{"Typography", "Joana D’Arc — “Bar”", "Ji-Paraná", `Joana D'Arc - "Bar"`, "Ji-Parana"},
		{"DropOthers", "Café ☕ 東京 Ltda", "Rio\tde  Janeiro", "Cafe Ltda", "Rio de Janeiro"},
		{"TruncateName", "Comercio de Alimentos Joao da Silva", "Rio", "Comercio de Alimentos Joa", "Rio"},
		{"TruncateTrailingSpace", "Padaria e Confeitaria XY Z", "Rio das Ostras RJ", "Padaria e Confeitaria XY", "Rio das Ostras"},
		{"TruncateAfterTransliteration", "Ótica Ótima Óculos Ópticos SA", "Itaquaquecetuba", "Otica Otima Oculos Optico", "Itaquaquecetuba"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, gen := range []struct {
				kind string
				fn   func() (string, error)
			}{
				{"Dynamic", func() (string, error) { return brcode.Dynamic("pix.example.com/qr/1", tt.nome, tt.city) }},
				{"Static", func() (string, error) { return brcode.Static(chave, tt.nome, tt.city, "", "", "") }},
			} {
				s, err := gen.fn()
				if err != nil {
					t.Fatalf("%s: %v", gen.kind, err)
				}
				c, err := brcode.Parse(s)
				if err != nil {
					t.Fatalf("%s: Parse: %v", gen.kind, err)
				}
				if got, want := c.MerchantName, tt.wantNome; got != want {
					t.Errorf("%s: name = %q, want %q", gen.kind, got, want)
				}
				if got, want := c.MerchantCity, tt.wantCity; got != want {
					t.Errorf("%s: city = %q, want %q", gen.kind, got, want)
				}
			}
		})
	}
}

func TestStatic_errors(t *testing.T) {
	tests := []struct {
		name                            string
		chave, nome, city, amount, txid string
		info                            string
		field                           string
		kind                            error
	}{
		{"NoChave", "", "Fulano", "BRASILIA", "", "", "", "26.01", brcode.ErrMissingField},
		{"NoName", chave, "☕", "BRASILIA", "", "", "", "59", brcode.ErrMissingField},
		{"NoCity", chave, "Fulano", " ", "", "", "", "60", brcode.ErrMissingField},
		{"AmountComma", chave, "Fulano", "BRASILIA", "10,00", "", "", "54", brcode.ErrInvalidField},
		{"AmountZero", chave, "Fulano", "BRASILIA", "0.00", "", "", "54", brcode.ErrInvalidField},
		{"TxIDDash", chave, "Fulano", "BRASILIA", "", "tx-1", "", "62.05", brcode.ErrInvalidField},
		{"TxIDLong", chave, "Fulano", "BRASILIA", "", strings.Repeat("a", 26), "", "62.05", brcode.ErrInvalidField},
		{"InfoTooLong", chave, "Fulano", "BRASILIA", "", "", strings.Repeat("x", 50), "26", brcode.ErrInvalidField},
		{"ChaveTooLong", strings.Repeat("a", 78), "Fulano", "BRASILIA", "", "", "", "26.01", brcode.ErrInvalidField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := brcode.Static(tt.chave, tt.nome, tt.city, tt.amount, tt.txid, tt.info)
			checkErr(t, err, tt.field, tt.kind)
		})
	}
}

func TestDynamic_errors(t *testing.T) {
	tests := []struct {
		name                 string
		location, nome, city string
		field                string
		kind                 error
	}{
		{"NoLocation", "", "Fulano", "BRASILIA", "26.01", brcode.ErrMissingField},
		{"HTTP", "http://pix.example.com/qr/1", "Fulano", "BRASILIA", "26.25", brcode.ErrInvalidField},
		{"TooLong", "pix.example.com/" + strings.Repeat("a", 62), "Fulano", "BRASILIA", "26.25", brcode.ErrInvalidField},
		{"Space", "pix.example.com/a b", "Fulano", "BRASILIA", "26.25", brcode.ErrInvalidField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := brcode.Dynamic(tt.location, tt.nome, tt.city)
			checkErr(t, err, tt.field, tt.kind)
		})
	}
}

// tlv returns one data object.
func tlv(id, value string) string {
	return fmt.Sprintf("%s%02d%s", id, utf8.RuneCountInString(value), value)
}

// withCRC closes body with a correct CRC data object.
func withCRC(body string) string {
	body += "6304"
	return fmt.Sprintf("%s%04X", body, brcode.CRC16([]byte(body)))
}

// tail returns the mandatory data objects from 52 to 60.
func tail() string {
	return tlv("52", "0000") + tlv("53", "986") + tlv("58", "BR") + tlv("59", "Fulano de Tal") + tlv("60", "BRASILIA")
}

var (
	gui      = tlv("00", "br.gov.bcb.pix")
	account  = tlv("26", gui+tlv("01", chave))
	stars    = tlv("62", tlv("05", "***"))
	staticOK = tlv("00", "01") + account + tail() + stars
)

func checkErr(t *testing.T, err error, field string, kind error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v in field %q", kind, field)
	}
	var pe *brcode.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *ParseError", err, err)
	}
	if got, want := pe.Field, field; got != want {
		t.Errorf("Field = %q, want %q (%v)", got, want, err)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %v is not %v", err, kind)
	}
	if !strings.HasPrefix(err.Error(), "brcode: ") {
		t.Errorf("error %q lacks the brcode: prefix", err)
	}
}

func TestParse_errors(t *testing.T) {
	badCRC := vecStatic[:len(vecStatic)-1] + "E"
	tests := []struct {
		name    string
		payload string
		field   string
		kind    error
	}{
		{"CRCMismatch", badCRC, "63", brcode.ErrCRC},
		{"CRCMismatchDigitTypo", strings.Replace(vecStatic, "BRASILIA", "BRASILIO", 1), "63", brcode.ErrCRC},
		{"CRCNotHex", vecStatic[:len(vecStatic)-4] + "1D3G", "63", brcode.ErrInvalidField},
		{"CRCShort", withCRC(staticOK)[:len(withCRC(staticOK))-1], "63", brcode.ErrMalformed},
		{"CRCMissing", staticOK, "63", brcode.ErrMissingField},
		{"CRCNotLast", withCRC(staticOK) + tlv("65", "x"), "63", brcode.ErrInvalidField},
		{"CRCLength", staticOK + "6303ABC", "63", brcode.ErrInvalidField},
		{"Empty", "", "", brcode.ErrMalformed},
		{"NotUTF8", withCRC(tlv("00", "01") + account + tail() + stars)[:10] + "\xff" + "6304ABCD", "", brcode.ErrMalformed},
		{"TooLong", withCRC(staticOK + tlv("80", strings.Repeat("a", 99)) + tlv("81", strings.Repeat("a", 99)) + tlv("82", strings.Repeat("a", 99)) + tlv("83", strings.Repeat("a", 99))), "", brcode.ErrInvalidField},
		{"Truncated", vecStatic[:50], "26", brcode.ErrMalformed},
		{"TruncatedHeader", "000", "", brcode.ErrMalformed},
		{"IDNotDigits", withCRC(tlv("00", "01") + "A1" + "02xx" + account + tail() + stars), "", brcode.ErrMalformed},
		{"LengthNotDigits", withCRC(tlv("00", "01") + "01x2" + "12" + account + tail() + stars), "01", brcode.ErrMalformed},
		{"LengthZero", withCRC(tlv("00", "01") + "0100" + account + tail() + stars), "01", brcode.ErrMalformed},
		{"Duplicate", withCRC(tlv("00", "01") + account + tail() + tlv("59", "Outro") + stars), "59", brcode.ErrMalformed},
		{"DuplicateSubField", withCRC(tlv("00", "01") + tlv("26", gui+tlv("01", "a")+tlv("01", "b")) + tail() + stars), "26.01", brcode.ErrMalformed},
		{"ControlChar", withCRC(tlv("00", "01") + account + tlv("52", "0000") + tlv("53", "986") + tlv("58", "BR") + tlv("59", "Fulano\nTal") + tlv("60", "BRASILIA") + stars), "59", brcode.ErrMalformed},
		{"FormatNotFirst", withCRC(account + tlv("00", "01") + tail() + stars), "00", brcode.ErrInvalidField},
		{"FormatMissing", withCRC(account + tail() + stars), "00", brcode.ErrMissingField},
		{"FormatValue", withCRC(tlv("00", "02") + account + tail() + stars), "00", brcode.ErrInvalidField},
		{"PointOfInitiation", withCRC(tlv("00", "01") + tlv("01", "13") + account + tail() + stars), "01", brcode.ErrInvalidField},
		{"NoAccount", withCRC(tlv("00", "01") + tail() + stars), "26", brcode.ErrNotPix},
		{"OtherGUI", withCRC(tlv("00", "01") + tlv("26", tlv("00", "com.example.pay")+tlv("01", "x")) + tail() + stars), "26", brcode.ErrNotPix},
		{"LookAlikeGUI", withCRC(tlv("00", "01") + tlv("26", tlv("00", "br.gov.bcb.pıx")+tlv("01", "x")) + tail() + stars), "26", brcode.ErrNotPix},
		{"AccountMalformed", withCRC(tlv("00", "01") + tlv("26", "0014br.gov.bcb.pix01") + tail() + stars), "26", brcode.ErrMalformed},
		{"SecondPixTemplate", withCRC(tlv("00", "01") + account + tlv("27", gui+tlv("01", "x")) + tail() + stars), "27", brcode.ErrInvalidField},
		{"NoChave", withCRC(tlv("00", "01") + tlv("26", gui) + tail() + stars), "26.01", brcode.ErrMissingField},
		{"ChaveAndURL", withCRC(tlv("00", "01") + tlv("26", gui+tlv("01", chave)+tlv("25", "pix.example.com/qr/1")) + tail() + stars), "26.01", brcode.ErrInvalidField},
		{"DynamicInfo", withCRC(tlv("00", "01") + tlv("26", gui+tlv("02", "oi")+tlv("25", "pix.example.com/qr/1")) + tail() + stars), "26.02", brcode.ErrInvalidField},
		{"URLScheme", withCRC(tlv("00", "01") + tlv("26", gui+tlv("25", "https://pix.example.com/qr/1")) + tail() + stars), "26.25", brcode.ErrInvalidField},
		{"URLInTemplate27", withCRC(tlv("00", "01") + tlv("27", gui+tlv("25", "https://pix.example.com/qr/1")) + tail() + stars), "27.25", brcode.ErrInvalidField},
		{"MCCMissing", withCRC(tlv("00", "01") + account + tlv("53", "986") + tlv("58", "BR") + tlv("59", "F") + tlv("60", "B") + stars), "52", brcode.ErrMissingField},
		{"MCCLetters", withCRC(tlv("00", "01") + account + tlv("52", "00a0") + tlv("53", "986") + tlv("58", "BR") + tlv("59", "F") + tlv("60", "B") + stars), "52", brcode.ErrInvalidField},
		{"CurrencyUSD", withCRC(tlv("00", "01") + account + tlv("52", "0000") + tlv("53", "840") + tlv("58", "BR") + tlv("59", "F") + tlv("60", "B") + stars), "53", brcode.ErrInvalidField},
		{"CurrencyMissing", withCRC(tlv("00", "01") + account + tlv("52", "0000") + tlv("58", "BR") + tlv("59", "F") + tlv("60", "B") + stars), "53", brcode.ErrMissingField},
		{"CountryPT", withCRC(tlv("00", "01") + account + tlv("52", "0000") + tlv("53", "986") + tlv("58", "PT") + tlv("59", "F") + tlv("60", "B") + stars), "58", brcode.ErrInvalidField},
		{"CountryMissing", withCRC(tlv("00", "01") + account + tlv("52", "0000") + tlv("53", "986") + tlv("59", "F") + tlv("60", "B") + stars), "58", brcode.ErrMissingField},
		{"NameMissing", withCRC(tlv("00", "01") + account + tlv("52", "0000") + tlv("53", "986") + tlv("58", "BR") + tlv("60", "B") + stars), "59", brcode.ErrMissingField},
		{"NameTooLong", withCRC(tlv("00", "01") + account + tlv("52", "0000") + tlv("53", "986") + tlv("58", "BR") + tlv("59", strings.Repeat("N", 26)) + tlv("60", "B") + stars), "59", brcode.ErrInvalidField},
		{"CityMissing", withCRC(tlv("00", "01") + account + tlv("52", "0000") + tlv("53", "986") + tlv("58", "BR") + tlv("59", "F") + stars), "60", brcode.ErrMissingField},
		{"CityTooLong", withCRC(tlv("00", "01") + account + tlv("52", "0000") + tlv("53", "986") + tlv("58", "BR") + tlv("59", "F") + tlv("60", strings.Repeat("C", 16)) + stars), "60", brcode.ErrInvalidField},
		{"AmountComma", withCRC(tlv("00", "01") + account + tlv("54", "10,00") + tail() + stars), "54", brcode.ErrInvalidField},
		{"AmountThreeDecimals", withCRC(tlv("00", "01") + account + tlv("54", "1.000") + tail() + stars), "54", brcode.ErrInvalidField},
		{"AmountZero", withCRC(tlv("00", "01") + account + tlv("54", "0.00") + tail() + stars), "54", brcode.ErrInvalidField},
		{"AmountTooLong", withCRC(tlv("00", "01") + account + tlv("54", "12345678901.00") + tail() + stars), "54", brcode.ErrInvalidField},
		{"AmountNoWhole", withCRC(tlv("00", "01") + account + tlv("54", ".50") + tail() + stars), "54", brcode.ErrInvalidField},
		{"AmountTrailingDot", withCRC(tlv("00", "01") + account + tlv("54", "5.") + tail() + stars), "54", brcode.ErrInvalidField},
		{"AdditionalMissing", withCRC(tlv("00", "01") + account + tail()), "62.05", brcode.ErrMissingField},
		{"TxIDMissing", withCRC(tlv("00", "01") + account + tail() + tlv("62", tlv("07", "CAIXA1"))), "62.05", brcode.ErrMissingField},
		{"TxIDDash", withCRC(tlv("00", "01") + account + tail() + tlv("62", tlv("05", "tx-1"))), "62.05", brcode.ErrInvalidField},
		{"TxIDTooLong", withCRC(tlv("00", "01") + account + tail() + tlv("62", tlv("05", strings.Repeat("a", 26)))), "62.05", brcode.ErrInvalidField},
		{"AdditionalMalformed", withCRC(tlv("00", "01") + account + tail() + tlv("62", "0503***07")), "62", brcode.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := brcode.Parse(tt.payload)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", tt.payload, c)
			}
			checkErr(t, err, tt.field, tt.kind)
		})
	}
}

func TestParse_crcMessage(t *testing.T) {
	_, err := brcode.Parse(vecStatic[:len(vecStatic)-4] + "1d3e")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"field 63", "1D3E", "1D3D"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// TestParse_lenient checks codes that are valid though unusual, and that
// Encode writes each back as the canonical form.
func TestParse_lenient(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		check   func(t *testing.T, c *brcode.Code)
		encoded string // Encode of the parsed code; "" means the payload itself
	}{
		{
			name:    "LowerCaseCRC",
			payload: vecStatic[:len(vecStatic)-4] + "1d3d",
			encoded: vecStatic,
		},
		{
			name:    "ReusablePointOfInitiation",
			payload: withCRC(tlv("00", "01") + tlv("01", "11") + account + tail() + stars),
			check: func(t *testing.T, c *brcode.Code) {
				if got, want := c.PointOfInitiation, brcode.Reusable; got != want {
					t.Errorf("PointOfInitiation = %q, want %q", got, want)
				}
			},
		},
		{
			name: "UnknownFields",
			payload: withCRC(tlv("00", "01") +
				tlv("02", "4111111111111111") + // a card scheme's merchant account
				tlv("26", gui+tlv("01", chave)+tlv("02", "Pedido 42")+tlv("03", "extra")) +
				tlv("27", tlv("00", "com.example.pay")+tlv("01", "acct")) +
				tail() + tlv("61", "70000000") +
				tlv("62", tlv("05", "PED42")+tlv("07", "CAIXA1")) +
				tlv("64", tlv("00", "PT")+tlv("01", "Fulano")) +
				tlv("80", tlv("00", "br.example")+tlv("01", "x"))),
			check: func(t *testing.T, c *brcode.Code) {
				want := &brcode.Code{
					PayloadFormat: "01", MerchantAccountID: "26", GUI: "br.gov.bcb.pix", Chave: chave, InfoAdicional: "Pedido 42",
					AccountExtra: []brcode.Field{{ID: "03", Value: "extra"}},
					MCC:          "0000", Currency: "986", Country: "BR", MerchantName: "Fulano de Tal", MerchantCity: "BRASILIA", PostalCode: "70000000",
					TxID: "PED42", AdditionalExtra: []brcode.Field{{ID: "07", Value: "CAIXA1"}},
					Extra: []brcode.Field{
						{ID: "02", Value: "4111111111111111"},
						{ID: "27", Value: "0015com.example.pay0104acct"},
						{ID: "64", Value: "0002PT0106Fulano"},
						{ID: "80", Value: "0010br.example0101x"},
					},
				}
				if !reflect.DeepEqual(c, want) {
					t.Errorf("Parse:\n got %+v\nwant %+v", c, want)
				}
			},
		},
		{
			name:    "PixInTemplate27",
			payload: withCRC(tlv("00", "01") + tlv("26", tlv("00", "com.example.pay")+tlv("01", "acct")) + tlv("27", gui+tlv("25", "pix.example.com/qr/1")) + tail() + stars),
			check: func(t *testing.T, c *brcode.Code) {
				if got, want := c.MerchantAccountID, "27"; got != want {
					t.Errorf("MerchantAccountID = %q, want %q", got, want)
				}
				if !c.IsDynamic() {
					t.Error("not dynamic")
				}
			},
		},
		{
			name:    "OutOfOrder",
			payload: withCRC(tlv("00", "01") + tlv("62", tlv("07", "C1")+tlv("05", "***")) + tail() + account),
			encoded: withCRC(tlv("00", "01") + account + tail() + tlv("62", tlv("05", "***")+tlv("07", "C1"))),
		},
		{
			name:    "DynamicWithTxIDAndAmount",
			payload: withCRC(tlv("00", "01") + tlv("01", "12") + tlv("26", gui+tlv("25", "pix.example.com/qr/1")) + tlv("52", "0000") + tlv("53", "986") + tlv("54", "1") + tlv("58", "BR") + tlv("59", "F") + tlv("60", "B") + tlv("62", tlv("05", "abc"))),
			check: func(t *testing.T, c *brcode.Code) {
				if got, want := c.TxID, "abc"; got != want {
					t.Errorf("TxID = %q, want %q", got, want)
				}
			},
		},
		{
			name:    "UTF8NameCountsCharacters",
			payload: withCRC(tlv("00", "01") + account + tlv("52", "0000") + tlv("53", "986") + tlv("58", "BR") + tlv("59", "José Conceição Café Açaí") + tlv("60", "SÃO PAULO") + stars),
			check: func(t *testing.T, c *brcode.Code) {
				if got, want := c.MerchantCity, "SÃO PAULO"; got != want {
					t.Errorf("MerchantCity = %q, want %q", got, want)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := brcode.Parse(tt.payload)
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
			s, err := brcode.Encode(c)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.encoded
			if want == "" {
				want = tt.payload
			}
			if got := s; got != want {
				t.Errorf("Encode:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestEncode_defaults(t *testing.T) {
	got, err := brcode.Encode(&brcode.Code{Chave: chave, MerchantName: "Fulano de Tal", MerchantCity: "BRASILIA"})
	if err != nil {
		t.Fatal(err)
	}
	if want := vecStatic; got != want {
		t.Errorf("Encode:\n got %s\nwant %s", got, want)
	}
}

func TestEncode_errors(t *testing.T) {
	base := func() *brcode.Code {
		return &brcode.Code{Chave: chave, MerchantName: "Fulano de Tal", MerchantCity: "BRASILIA"}
	}
	tests := []struct {
		name   string
		modify func(c *brcode.Code)
		field  string
		kind   error
	}{
		{"NotPixGUI", func(c *brcode.Code) { c.GUI = "com.example" }, "26.00", brcode.ErrNotPix},
		{"AccountID", func(c *brcode.Code) { c.MerchantAccountID = "52" }, "26", brcode.ErrInvalidField},
		{"ExtraReserved", func(c *brcode.Code) { c.Extra = []brcode.Field{{ID: "54", Value: "1.00"}} }, "54", brcode.ErrInvalidField},
		{"ExtraPixTemplate", func(c *brcode.Code) { c.Extra = []brcode.Field{{ID: "27", Value: "0014BR.GOV.BCB.PIX0101x"}} }, "27", brcode.ErrInvalidField},
		{"ExtraMalformedTemplate", func(c *brcode.Code) { c.Extra = []brcode.Field{{ID: "30", Value: "00"}} }, "30", brcode.ErrMalformed},
		{"ExtraBadID", func(c *brcode.Code) { c.Extra = []brcode.Field{{ID: "7", Value: "x"}} }, "", brcode.ErrInvalidField},
		{"ExtraEmpty", func(c *brcode.Code) { c.Extra = []brcode.Field{{ID: "80", Value: ""}} }, "80", brcode.ErrInvalidField},
		{"ExtraTwice", func(c *brcode.Code) { c.Extra = []brcode.Field{{ID: "80", Value: "a"}, {ID: "80", Value: "b"}} }, "80", brcode.ErrInvalidField},
		{"ExtraTooLong", func(c *brcode.Code) { c.Extra = []brcode.Field{{ID: "80", Value: strings.Repeat("a", 100)}} }, "80", brcode.ErrInvalidField},
		{"AccountExtraReserved", func(c *brcode.Code) { c.AccountExtra = []brcode.Field{{ID: "25", Value: "x"}} }, "26.25", brcode.ErrInvalidField},
		{"AdditionalExtraReserved", func(c *brcode.Code) { c.AdditionalExtra = []brcode.Field{{ID: "05", Value: "x"}} }, "62.05", brcode.ErrInvalidField},
		{"AdditionalTooLong", func(c *brcode.Code) { c.AdditionalExtra = []brcode.Field{{ID: "50", Value: strings.Repeat("a", 90)}} }, "62", brcode.ErrInvalidField},
		{"ControlChar", func(c *brcode.Code) { c.MerchantCity = "A\x00B" }, "60", brcode.ErrInvalidField},
		{"InvalidUTF8", func(c *brcode.Code) { c.MerchantName = "A\xffB" }, "59", brcode.ErrInvalidField},
		{"PostalCodeTooLong", func(c *brcode.Code) { c.PostalCode = strings.Repeat("1", 100) }, "61", brcode.ErrInvalidField},
		{"TooLong", func(c *brcode.Code) {
			for _, id := range []string{"80", "81", "82", "83", "84"} {
				c.Extra = append(c.Extra, brcode.Field{ID: id, Value: strings.Repeat("a", 99)})
			}
		}, "", brcode.ErrInvalidField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base()
			tt.modify(c)
			_, err := brcode.Encode(c)
			checkErr(t, err, tt.field, tt.kind)
		})
	}
	t.Run("Nil", func(t *testing.T) {
		_, err := brcode.Encode(nil)
		checkErr(t, err, "", brcode.ErrMissingField)
	})
}

// TestEncode_doesNotMutate checks that Encode neither fills in nor reorders
// the caller's Code.
func TestEncode_doesNotMutate(t *testing.T) {
	c := &brcode.Code{Chave: chave, MerchantName: "F", MerchantCity: "B", Extra: []brcode.Field{{ID: "81", Value: "b"}, {ID: "80", Value: "a"}}}
	if _, err := brcode.Encode(c); err != nil {
		t.Fatal(err)
	}
	want := &brcode.Code{Chave: chave, MerchantName: "F", MerchantCity: "B", Extra: []brcode.Field{{ID: "81", Value: "b"}, {ID: "80", Value: "a"}}}
	if got := c; !reflect.DeepEqual(got, want) {
		t.Errorf("Code after Encode = %+v, want %+v", got, want)
	}
}
