package brcode

import (
	"strings"
	"unicode"
)

// Dynamic returns the BR Code of a dynamic Pix charge (BCB Manual do BR
// Code, dynamic code), the pixCopiaECola the API Pix returns with a cob:
//
//	00 "01", 01 "12" (one-time), 26 {00 "br.gov.bcb.pix", 25 location},
//	52 "0000", 53 "986", 58 "BR", 59 name, 60 city, 62 {05 "***"}, 63 CRC
//
// location is the payload URL of the charge; an "https://" prefix (in any
// case) is dropped, as the manual wants the URL without scheme, and the
// rest must be at most 77 characters. merchantName and merchantCity are
// transliterated to ASCII (see [Static]) and then cut to 25 and 15
// characters. Errors are [*ParseError] values, as from [Encode].
func Dynamic(location, merchantName, merchantCity string) (string, error) {
	if len(location) >= 8 && asciiEqualFold(location[:8], "https://") {
		location = location[8:]
	}
	return Encode(&Code{
		PointOfInitiation: OneTime,
		URL:               location,
		MerchantName:      truncate(transliterate(merchantName), 25),
		MerchantCity:      truncate(transliterate(merchantCity), 15),
		TxID:              "***",
	})
}

// Static returns the BR Code of a static Pix code for chave (BCB Manual do
// BR Code, static code): 00, 26 {00 "br.gov.bcb.pix", 01 chave, 02 info},
// 52, 53, 54 amount, 58, 59, 60, 62 {05 txid}, 63. It writes no point of
// initiation method (01), so the code is reusable.
//
// amount may be "" (the payer chooses it) or a decimal such as "10.00";
// txid may be "" (written as "***") or 1 to 25 letters and digits; info
// may be "".
//
// merchantName, merchantCity and info are first transliterated to ASCII,
// the character set the manual allows: letters with diacritics lose them
// (á→a, Ç→C, ñ→n), ligatures and special letters are spelled out (æ→ae,
// ß→ss, ø→o), typographic quotes, dashes and spaces become their ASCII
// forms, and any other non-ASCII or control character is dropped; runs of
// spaces are then collapsed and the ends trimmed. Case is kept. The name
// is then cut to 25 characters and the city to 15; info must fit the
// template (99 characters in all). Errors are [*ParseError] values, as from
// [Encode].
func Static(chave, merchantName, merchantCity, amount, txid, info string) (string, error) {
	if txid == "" {
		txid = "***"
	}
	return Encode(&Code{
		Chave:         chave,
		InfoAdicional: transliterate(info),
		Amount:        amount,
		MerchantName:  truncate(transliterate(merchantName), 25),
		MerchantCity:  truncate(transliterate(merchantCity), 15),
		TxID:          txid,
	})
}

// translit maps the non-ASCII characters transliterate keeps to their ASCII
// spelling: Latin-1 Supplement and Latin Extended-A letters, and common
// typographic punctuation.
var translit = func() map[rune]string {
	m := map[rune]string{
		'Æ': "AE", 'æ': "ae", 'Œ': "OE", 'œ': "oe", 'ß': "ss", 'Þ': "TH", 'þ': "th",
		'Ð': "D", 'ð': "d", 'Đ': "D", 'đ': "d", 'Ħ': "H", 'ħ': "h", 'ı': "i",
		'Ĳ': "IJ", 'ĳ': "ij", 'ĸ': "k", 'Ŀ': "L", 'ŀ': "l", 'Ł': "L", 'ł': "l",
		'ŉ': "n", 'Ŋ': "N", 'ŋ': "n", 'Ŧ': "T", 'ŧ': "t", 'ſ': "s",
		'ª': "a", 'º': "o", '¹': "1", '²': "2", '³': "3",
		'‘': "'", '’': "'", '‚': "'", '′': "'", '´': "'",
		'“': `"`, '”': `"`, '„': `"`, '″': `"`, '«': `"`, '»': `"`,
		'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '―': "-", '−': "-",
		'…': "...", '•': "-", '·': ".", '×': "x",
		'\u00a0': " ", '\u2007': " ", '\u202f': " ",
	}
	// Letters with diacritics, each followed by its base letter.
	const pairs = "" +
		"ÀAÁAÂAÃAÄAÅAàaáaâaãaäaåaĀAāaĂAăaĄAąa" +
		"ÇCçcĆCćcĈCĉcĊCċcČCčcĎDďd" +
		"ÈEÉEÊEËEèeéeêeëeĒEēeĔEĕeĖEėeĘEęeĚEěe" +
		"ĜGĝgĞGğgĠGġgĢGģgĤHĥh" +
		"ÌIÍIÎIÏIìiíiîiïiĨIĩiĪIīiĬIĭiĮIįiİIĴJĵjĶKķk" +
		"ĹLĺlĻLļlĽLľlÑNñnŃNńnŅNņnŇNňn" +
		"ÒOÓOÔOÕOÖOØOòoóoôoõoöoøoŌOōoŎOŏoŐOőo" +
		"ŔRŕrŖRŗrŘRřrŚSśsŜSŝsŞSşsŠSšsŢTţtŤTťt" +
		"ÙUÚUÛUÜUùuúuûuüuŨUũuŪUūuŬUŭuŮUůuŰUűuŲUųu" +
		"ŴWŵwÝYýyÿyŶYŷyŸYŹZźzŻZżzŽZžz"
	rs := []rune(pairs)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = string(rs[i+1])
	}
	return m
}()

// transliterate returns s in printable ASCII: see Static.
func transliterate(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		var t string
		switch {
		case r < 0x80 && unicode.IsPrint(r):
			t = string(r)
		case unicode.IsSpace(r) || r < 0x20 || r == 0x7f:
			t = " "
		default:
			t = translit[r] // "" drops the character
		}
		if t == "" {
			continue
		}
		if t == " " {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteString(t)
	}
	return b.String()
}

// truncate returns the first n characters of s, without trailing spaces.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		s = string(r[:n])
	}
	return strings.TrimRight(s, " ")
}
