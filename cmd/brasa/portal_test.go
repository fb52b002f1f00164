package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brasa-dev/brasa/internal/portal"
	"github.com/brasa-dev/brasa/internal/store/sqlite"
)

// TestPortalApproveChamado is the operator's side of `brasa serve`: a
// developer's chamado waits (no auto-approval), `brasa portal chamados`
// lists it and `brasa portal aprovar` grants the modalities asked for.
func TestPortalApproveChamado(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "brasa.db")
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	svc := portal.New(portal.Deps{Store: db})
	dev, err := svc.SignUp(ctx, "Operadora", "dev@example.com", "senha comprida")
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.OpenChamado(ctx, dev, portal.TipoAcessoAPIPix, "11.222.333/0001-81", "DEM-1")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != portal.ChamadoAberto {
		t.Fatalf("serve-mode chamado is %s, want ABERTO", c.Status)
	}
	db.Close()

	out, err := runMain(t, "portal", "chamados", "--db", dbPath)
	if err != nil || !strings.Contains(out, c.ID) || !strings.Contains(out, "dev@example.com") || !strings.Contains(out, "11222333000181") {
		t.Fatalf("portal chamados: %v\n%s", err, out)
	}
	if out, err := runMain(t, "portal", "aprovar", c.ID, "--db", dbPath, "--modalidades", "nada"); err == nil || exitCode(err) != 2 {
		t.Fatalf("unknown modalidade accepted: %v\n%s", err, out)
	}
	out, err = runMain(t, "portal", "aprovar", c.ID, "--db", dbPath, "--modalidades", "cob")
	if err != nil || !strings.Contains(out, "APROVADO") || !strings.Contains(out, "cob.write") || strings.Contains(out, "cobv.write") {
		t.Fatalf("portal aprovar: %v\n%s", err, out)
	}
	if out, err := runMain(t, "portal", "aprovar", c.ID, "--db", dbPath); err == nil || !strings.Contains(err.Error(), "já foi decidido") {
		t.Fatalf("second approval: %v\n%s", err, out)
	}
	if out, err := runMain(t, "portal", "recusar", "nao-existe", "--db", dbPath); err == nil || !strings.Contains(err.Error(), "no chamado") {
		t.Fatalf("unknown chamado: %v\n%s", err, out)
	}
	out, err = runMain(t, "portal", "chamados", "--db", dbPath)
	if err != nil || !strings.Contains(out, "no chamados waiting") {
		t.Fatalf("after approval: %v\n%s", err, out)
	}
}
