package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/brasa-dev/brasa/internal/errs"
	"github.com/brasa-dev/brasa/internal/portal"
)

const portalUsage = `brasa portal — the developer portal's operator commands (brasa serve).

In the sandbox every chamado is approved at once; with brasa serve an operator
approves each "Acesso à API Pix" chamado, granting the developer access to the
associado's files and fixing the contract's modalities (the scopes of the
credentials generated for that CNPJ).

Usage:
  brasa portal chamados [--todos]
        list the chamados waiting for approval (--todos: every chamado)
  brasa portal aprovar ID [--modalidades cob,cobv]
        approve chamado ID; modalidades: cob (Cobrança Imediata), cobv
        (Cobrança com Vencimento); default both
  brasa portal recusar ID
        refuse chamado ID

Every command takes --db DSN (a SQLite file or postgres://...) or --data DIR
(SQLite at DIR/brasa.db; default $BRASA_DB, then $BRASA_DATA_DIR, then ./brasa-data).
`

// runPortal is `brasa portal`.
func (m *Main) runPortal(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, portalUsage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "chamados":
		return m.portalChamados(ctx, rest)
	case "aprovar":
		return m.portalDecide(ctx, rest, true)
	case "recusar":
		return m.portalDecide(ctx, rest, false)
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, portalUsage)
		return nil
	}
	fmt.Fprint(m.Stderr, portalUsage)
	return &exitError{code: 2, err: fmt.Errorf("portal: unknown command %q", cmd)}
}

func (m *Main) portalFlagSet(name string) *sisgruFlags {
	f := &sisgruFlags{FlagSet: flag.NewFlagSet("portal "+name, flag.ContinueOnError)}
	f.SetOutput(m.Stderr)
	f.StringVar(&f.db, "db", "", "database: a SQLite file or postgres://... (default $BRASA_DB)")
	f.StringVar(&f.data, "data", "", "data directory holding brasa.db (default $BRASA_DATA_DIR, then ./brasa-data)")
	return f
}

// portalChamados is `brasa portal chamados`.
func (m *Main) portalChamados(ctx context.Context, args []string) error {
	f := m.portalFlagSet("chamados")
	all := f.Bool("todos", false, "list every chamado, not only the open ones")
	if err := f.parse(args); err != nil {
		return err
	}
	db, err := m.sisgruOpen(ctx, f)
	if err != nil {
		return err
	}
	defer db.Close()
	var cs []portal.Chamado
	if *all {
		for _, st := range []portal.ChamadoStatus{portal.ChamadoAberto, portal.ChamadoAprovado, portal.ChamadoRecusado} {
			more, err := db.ChamadosByStatus(ctx, st)
			if err != nil {
				return err
			}
			cs = append(cs, more...)
		}
	} else if cs, err = db.ChamadosByStatus(ctx, portal.ChamadoAberto); err != nil {
		return err
	}
	if len(cs) == 0 {
		fmt.Fprintln(m.Stdout, "no chamados waiting for approval")
		return nil
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHAMADO\tSTATUS\tTIPO\tCNPJ\tID DA ADESÃO\tDESENVOLVEDOR\tABERTO EM")
	for _, c := range cs {
		who := c.DeveloperID
		if d, err := db.Developer(ctx, c.DeveloperID); err == nil {
			who = d.Email
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Status, c.Tipo.Label(), c.CNPJ, c.IDAdesao, who,
			c.CreatedAt.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}

// portalDecide is `brasa portal aprovar|recusar ID`.
func (m *Main) portalDecide(ctx context.Context, args []string, approve bool) error {
	name := "recusar"
	if approve {
		name = "aprovar"
	}
	f := m.portalFlagSet(name)
	mods := listFlag(f.FlagSet, "modalidades", "the contract's modalities: cob, cobv (default both)")
	// The ID may come before or after the flags.
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if err := f.Parse(args); err != nil {
		return err
	}
	if id == "" && f.NArg() > 0 {
		id = f.Arg(0)
	} else if f.NArg() > 0 {
		return usageErr("portal %s: unexpected arguments: %s", name, strings.Join(f.Args(), " "))
	}
	if id == "" {
		return usageErr("portal %s: give the chamado ID (brasa portal chamados lists them)", name)
	}
	if !approve && len(*mods) > 0 {
		return usageErr("portal recusar: --modalidades is for aprovar")
	}
	var modalidades []portal.Modalidade
	for _, s := range *mods {
		md, ok := portal.ParseModalidade(strings.TrimSpace(s))
		if !ok {
			return usageErr("--modalidades %q: use cob (Cobrança Imediata) and/or cobv (Cobrança com Vencimento)", s)
		}
		modalidades = append(modalidades, md)
	}
	db, err := m.sisgruOpen(ctx, f)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := portal.New(portal.Deps{Store: db})
	switch err := svc.DecideChamado(ctx, id, approve, modalidades); {
	case errs.Is(err, errs.ENotFound):
		return fmt.Errorf("portal %s: no chamado %s", name, id)
	case err != nil:
		return fmt.Errorf("portal %s: %w", name, err)
	}
	c, err := db.Chamado(ctx, id)
	if err != nil {
		return err
	}
	if approve {
		var labels []string
		for _, md := range c.Modalidades {
			labels = append(labels, md.Label())
		}
		fmt.Fprintf(m.Stdout, "chamado %s APROVADO: CNPJ %s, modalidades %s; scopes %s\n", c.ID, c.CNPJ,
			strings.Join(labels, ", "), strings.Join(portal.Scopes(c.Modalidades), " "))
	} else {
		fmt.Fprintf(m.Stdout, "chamado %s RECUSADO\n", c.ID)
	}
	return nil
}
