package pschttp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestFlexBool(t *testing.T) {
	for in, want := range map[string]bool{`true`: true, `"true"`: true, `false`: false, `"false"`: false, `null`: false, `"TRUE"`: true} {
		var b flexBool
		if err := json.Unmarshal([]byte(in), &b); err != nil || bool(b) != want {
			t.Fatalf("%s: %v %v", in, b, err)
		}
	}
	var b flexBool
	if err := json.Unmarshal([]byte(`"sim"`), &b); err == nil {
		t.Fatal(`"sim" accepted`)
	}
}

func TestDurationLabel(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Hour: "1 hora", 12 * time.Hour: "12 horas", 15 * time.Minute: "15 minutos",
		7 * 24 * time.Hour: "7 dias", 90 * time.Second: "90 segundos"} {
		if got := durationLabel(d); got != want {
			t.Fatalf("%v: %q, want %q", d, got, want)
		}
	}
}

func TestMaxBodyLargerOnlyForSignature(t *testing.T) {
	h := MaxBody(1024)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 4096)
		n, err := r.Body.Read(buf)
		for err == nil {
			var m int
			m, err = r.Body.Read(buf)
			n += m
		}
		if strings.Contains(err.Error(), "too large") {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		}
	}))
	for path, want := range map[string]int{"/v0/oauth/signature": 200, "/v0/oauth/token": 413} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", path, strings.NewReader(strings.Repeat("x", 4000))))
		if rec.Code != want {
			t.Fatalf("%s: %d, want %d", path, rec.Code, want)
		}
	}
}

func TestPagesParse(t *testing.T) {
	if _, err := parsePages(); err != nil {
		t.Fatal(err)
	}
}
