package pixhttp

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/brasa-dev/brasa/internal/api"
	"github.com/brasa-dev/brasa/internal/errs"
)

// codeUnsupportedMediaType marks a request body whose Content-Type is not
// JSON. It renders as 400 RequisicaoInvalida (problem.go), not 415: the
// spec's general statuses (internal/spectest) do not include 415.
const codeUnsupportedMediaType = "unsupported_media_type"

// jsonContentType reports whether a request body's Content-Type lets it be
// read as JSON: application/json or a +json type (any parameters), or no
// Content-Type at all. A missing Content-Type is accepted because it is
// unambiguous and clients built on bare HTTP libraries omit it; a declared
// non-JSON type (curl -d's application/x-www-form-urlencoded, text/plain,
// multipart/form-data) is refused, as Spring-based PSPs refuse it
// (docs/ARCHITECTURE.md, "Fidelity sweep (issue 16): Pix").
func jsonContentType(header string) (string, bool) {
	if strings.TrimSpace(header) == "" {
		return "", true
	}
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		return header, false
	}
	return mt, mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// decodeBody reads a JSON request body into v (a pointer).
//
//   - A Content-Type that is not JSON is EInvalid with codeUnsupportedMediaType
//     and a detail naming application/json.
//   - Unknown fields are ignored (the spec's compatibility rule).
//   - Where v's type has an integer, a JSON string holding an integer is
//     accepted ("modalidade": "2", as the spec's own cobv example sends it,
//     and as Spring-based PSPs accept); see [numericStrings].
//   - Broken JSON and wrong types are EInvalid with a violation naming the
//     dotted property under root ("cob.valor").
//   - A body over the limit is ETooLarge.
func decodeBody(r *http.Request, v any, root string) error {
	if mt, ok := jsonContentType(r.Header.Get("Content-Type")); !ok {
		return &errs.Error{Kind: errs.EInvalid, Code: codeUnsupportedMediaType,
			Message: fmt.Sprintf("Content-Type %s não suportado: o corpo da requisição deve ser application/json.", mt)}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return api.BodyError(err)
	}
	err = json.Unmarshal(body, v)
	if te := (*json.UnmarshalTypeError)(nil); errors.As(err, &te) && te.Value == "string" {
		if fixed, ok := numericStrings(body, reflect.TypeOf(v)); ok {
			rv := reflect.ValueOf(v).Elem()
			rv.SetZero() // a failed Unmarshal leaves v partly filled
			err = json.Unmarshal(fixed, v)
		}
	}
	if err != nil {
		var te *json.UnmarshalTypeError
		prop := root
		if errors.As(err, &te) && te.Field != "" {
			if prop != "" {
				prop += "."
			}
			prop += te.Field
			return errs.Invalid(prop, fmt.Sprintf("O campo %s não respeita o schema: esperado %s.", prop, te.Type.String()))
		}
		if prop == "" {
			prop = "body"
		}
		return errs.Invalid(prop, "O corpo da requisição não é um JSON válido.")
	}
	return nil
}

// numericStrings rewrites body so that every JSON string holding an integer
// (optional sign, decimal digits) where t, the type body decodes into, has
// an integer becomes that integer. It reports whether anything changed. Strings
// that do not hold an integer are left alone, so decoding still fails on
// them and names their property.
func numericStrings(body []byte, t reflect.Type) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var tree any
	if dec.Decode(&tree) != nil {
		return nil, false
	}
	tree, changed := fixInts(tree, t)
	if !changed {
		return nil, false
	}
	out, err := json.Marshal(tree)
	if err != nil {
		return nil, false
	}
	return out, true
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// fixInts walks the decoded JSON value v along the Go type t the way
// encoding/json matches them, replacing integer strings at integer
// positions.
func fixInts(v any, t reflect.Type) (any, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return v, false // the type reads its own JSON
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s, ok := v.(string)
		if !ok {
			return v, false
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return json.Number(strconv.FormatInt(n, 10)), true
		}
		return v, false
	case reflect.Slice, reflect.Array:
		list, ok := v.([]any)
		if !ok {
			return v, false
		}
		changed := false
		for i := range list {
			var c bool
			list[i], c = fixInts(list[i], t.Elem())
			changed = changed || c
		}
		return list, changed
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return v, false
		}
		changed := false
		for k := range obj {
			var c bool
			obj[k], c = fixInts(obj[k], t.Elem())
			changed = changed || c
		}
		return obj, changed
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return v, false
		}
		fields := jsonFields(t)
		changed := false
		for k := range obj {
			ft, ok := fields[k]
			if !ok {
				ft, ok = fields[strings.ToLower(k)] // encoding/json matches names case-insensitively
			}
			if !ok {
				continue
			}
			var c bool
			obj[k], c = fixInts(obj[k], ft)
			changed = changed || c
		}
		return obj, changed
	}
	return v, false
}

// jsonFields maps the JSON names of struct t's fields (those of embedded
// structs included), and their lower-case forms, to the fields' types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		var embedded []reflect.Type // after the direct fields: those win, as in encoding/json
		for f := range t.Fields() {
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if ft := f.Type; f.Anonymous && name == "" {
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					embedded = append(embedded, ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := m[name]; !dup {
				m[name] = f.Type
			}
			if _, dup := m[strings.ToLower(name)]; !dup {
				m[strings.ToLower(name)] = f.Type
			}
		}
		for _, e := range embedded {
			add(e)
		}
	}
	add(t)
	return m
}
