package pixapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// dateTime matches an RFC 3339 date-time.
var dateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$`)

// canon decodes JSON into an any value in which every RFC 3339 date-time
// string is rewritten in the wire form of pixapi.Timestamp (UTC,
// milliseconds), so that "2020-04-01T00:00:00Z" and
// "2020-04-01T00:00:00.000Z" compare equal.
func canon(tb testing.TB, b []byte) any {
	tb.Helper()
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		tb.Fatalf("invalid JSON %s: %v", b, err)
	}
	return canonValue(v)
}

func canonValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = canonValue(e)
		}
	case []any:
		for i, e := range x {
			x[i] = canonValue(e)
		}
	case string:
		if dateTime.MatchString(x) {
			if t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(x)); err == nil {
				return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
			}
		}
	}
	return v
}

// assertJSON fails unless got and want are the same JSON value, ignoring key
// order and the spelling of date-times. fix, if not nil, first edits the
// decoded want: it states a known difference between a spec example and
// what the schema makes of it.
func assertJSON(tb testing.TB, what string, got, want []byte, fix func(w any)) {
	tb.Helper()
	g, w := canon(tb, got), canon(tb, want)
	if fix != nil {
		fix(w)
	}
	if !reflect.DeepEqual(g, w) {
		gj, _ := json.MarshalIndent(g, "", "  ")
		wj, _ := json.MarshalIndent(w, "", "  ")
		tb.Errorf("%s:\ngot  %s\nwant %s", what, gj, wj)
	}
}

// at walks a decoded JSON value along keys (string for objects, int for
// arrays) and returns the object found there.
func at(v any, keys ...any) map[string]any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		default:
			panic(fmt.Sprintf("bad key %v", k))
		}
	}
	return v.(map[string]any)
}

// strictDecode decodes b into a new value of the type out points to,
// failing on any field the type does not know: the types must cover every
// field of the spec's examples.
func strictDecode(tb testing.TB, b []byte, out any) {
	tb.Helper()
	fresh := reflect.New(reflect.TypeOf(out).Elem()).Interface()
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(fresh); err != nil {
		tb.Errorf("strict decoding into %T: %v", out, err)
	}
}

// mustDecode decodes a spec example into a T, failing on unknown fields.
func mustDecode[T any](tb testing.TB, s string) T {
	tb.Helper()
	var v T
	d := json.NewDecoder(strings.NewReader(s))
	d.DisallowUnknownFields()
	if err := d.Decode(&v); err != nil {
		tb.Fatalf("decoding into %T: %v", v, err)
	}
	return v
}

// listOf assembles a list response of the spec's examples: parametros and,
// under key, the items (the examples' "allOf: [$ref]" items).
func listOf(parametros, key string, items ...string) string {
	return `{"parametros":` + parametros + `,"` + key + `":[` + strings.Join(items, ",") + `]}`
}
