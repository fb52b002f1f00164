package pix_test

import (
	"testing"

	"github.com/brasa-dev/brasa/internal/pix"
)

func TestValidCPFCNPJ(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		cpf  bool
		cnpj bool
	}{
		{"CPF valid", "52998224725", true, false},
		{"CPF bad digit", "52998224724", false, false},
		{"CPF repeated", "11111111111", false, false},
		{"CPF letters", "5299822472a", false, false},
		{"CNPJ valid", "11222333000181", false, true},
		{"CNPJ Sicredi example", "12345678000195", false, true},
		{"CNPJ bad digit", "11222333000182", false, false},
		{"CNPJ alphanumeric (RFB example)", "12ABC34501DE35", false, true},
		{"CNPJ alphanumeric bad", "12ABC34501DE36", false, false},
		{"CNPJ lowercase", "12abc34501DE35", false, false},
		{"CNPJ letter in check digit", "12ABC34501DEA5", false, false},
		{"empty", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pix.ValidCPF(tt.doc); got != tt.cpf {
				t.Errorf("ValidCPF(%q) = %v, want %v", tt.doc, got, tt.cpf)
			}
			if got := pix.ValidCNPJ(tt.doc); got != tt.cnpj {
				t.Errorf("ValidCNPJ(%q) = %v, want %v", tt.doc, got, tt.cnpj)
			}
		})
	}
}

func TestParseChave(t *testing.T) {
	tests := []struct {
		chave string
		want  pix.ChaveTipo
		ok    bool
	}{
		{"52998224725", pix.ChaveCPF, true},
		{"11222333000181", pix.ChaveCNPJ, true},
		{"+5561988887777", pix.ChaveTelefone, true},
		{"+556198888777", "", false},
		{"61988887777", "", false},
		{"fulano@example.com", pix.ChaveEmail, true},
		{"Fulano@Example.com", "", false},
		{"7d9f0335-8dcc-4054-9bf9-0dbd61d36906", pix.ChaveEVP, true},
		{"7D9F0335-8DCC-4054-9BF9-0DBD61D36906", "", false},
		{"", "", false},
		{"not a key", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.chave, func(t *testing.T) {
			got, err := pix.ParseChave(tt.chave)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseChave(%q) = %q, %v; want %q, ok=%v", tt.chave, got, err, tt.want, tt.ok)
			}
		})
	}
}
