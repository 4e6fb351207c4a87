package graph

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func orderOnlyStack(t *testing.T, extra map[string]string) *config.Stack {
	t.Helper()
	files := map[string]string{
		"stackctl.hcl":           `project = "p"`,
		"infra/live/dev/env.hcl": ``,
		// app reads db's outputs and runs after monitoring; db runs after
		// network both ways (a block and a path): that edge carries data.
		"infra/live/dev/app/unit.hcl":        "dependency \"db\" { path = \"../db\" }\ndependencies { paths = [\"../monitoring\"] }\n",
		"infra/live/dev/db/unit.hcl":         "dependency \"network\" { path = \"../network\" }\ndependencies { paths = [\"../network\"] }\n",
		"infra/live/dev/monitoring/unit.hcl": "",
		"infra/live/dev/network/unit.hcl":    "",
	}
	for k, v := range extra {
		files[k] = v
	}
	st, diags := config.NewLoader(config.Options{Dir: testutil.WriteTree(t, files)}).Load("dev")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return st
}

// Issue 18 item 5: order-only dependencies order and form cycles like
// any edge, and the graph output marks them.
func TestOrderOnlyEdges(t *testing.T) {
	g, diags := FromStack(orderOnlyStack(t, nil))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if got := g.Order(); slices.Index(got, "monitoring") > slices.Index(got, "app") {
		t.Fatalf("order %v: monitoring must come before app", got)
	}
	if !g.OrderOnly("app", "monitoring") || g.OrderOnly("app", "db") || g.OrderOnly("db", "network") {
		t.Fatal("OrderOnly marks the wrong edges")
	}
	if got := g.TransitiveDependents("monitoring"); !slices.Equal(got, []string{"app"}) {
		t.Fatalf("dependents of monitoring %v", got)
	}
	for _, format := range Formats {
		var b strings.Builder
		if err := g.Write(&b, format); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "order_only."+format+".golden")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./internal/graph -run TestOrderOnlyEdges -update)", err)
		}
		if b.String() != string(want) {
			t.Errorf("%s differs from %s:\n%s", format, path, b.String())
		}
	}
}

func TestOrderOnlyCycle(t *testing.T) {
	st := orderOnlyStack(t, map[string]string{"infra/live/dev/monitoring/unit.hcl": "dependencies { paths = [\"../app\"] }\n"})
	g, diags := FromStack(st)
	if g != nil || len(diags) != 1 {
		t.Fatalf("graph %v, diagnostics %v", g, diags)
	}
	text := diags[0].Summary + " " + diags[0].Detail
	for _, want := range []string{"app → monitoring → app", "app runs after monitoring (dependencies) at", "monitoring runs after app (dependencies) at"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not in %s", want, text)
		}
	}
	if diags[0].Subject == nil {
		t.Error("no location")
	}
}
