package config

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/testutil"
)

// sourceTree has modules, one with a subfolder, and two shared
// definitions that each set a source.
var sourceTree = map[string]string{
	"stackctl.hcl":                    `project = "shop"`,
	"infra/modules/m/main.tf":         `variable "x" {}`,
	"infra/modules/n/main.tf":         `variable "x" {}`,
	"infra/modules/pkg/sub/d/main.tf": `variable "x" {}`,
	"infra/units/m.hcl":               `source = "../modules/m"`,
	"infra/units/n.hcl":               `source = "../modules/n"`,
	"infra/units/none.hcl":            `locals { a = 1 }`,
	"infra/live/dev/env.hcl":          "",
	"infra/live/dev/network/unit.hcl": `source = "../../../modules/m"`,
	"infra/live/dev/local/main.tf":    `variable "x" {}`,
}

func TestUnitSources(t *testing.T) {
	files := maps.Clone(sourceTree)
	units := map[string]string{
		"first":    `include "m" { path = "../../../units/m.hcl" }` + "\n" + `include "none" { path = "../../../units/none.hcl" }`,
		"last":     `include "m" { path = "../../../units/m.hcl" }` + "\n" + `include "n" { path = "../../../units/n.hcl" }`,
		"own":      `include "m" { path = "../../../units/m.hcl" }` + "\nsource = \"../../../modules/n\"",
		"sub":      `source = "../../../modules/pkg//sub/d/"`,
		"registry": `source = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"`,
		"git":      `source = "git::https://example.com/m.git//x?ref=v1"`,
		"dot":      `source = "."`,
		"dotdot":   `source = ".."`,
		"none":     `include "none" { path = "../../../units/none.hcl" }`,
	}
	for name, src := range units {
		files["infra/live/dev/"+name+"/unit.hcl"] = src + "\n"
	}
	dir := testutil.WriteTree(t, files)
	// An absolute source: the tree's own path.
	if err := os.MkdirAll(filepath.Join(dir, "infra/live/dev/abs"), 0o755); err != nil {
		t.Fatal(err)
	}
	abs := `source = "` + filepath.ToSlash(filepath.Join(dir, "infra/modules/m")) + `"` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "infra/live/dev/abs/unit.hcl"), []byte(abs), 0o644); err != nil {
		t.Fatal(err)
	}
	st, diags := NewLoader(Options{Dir: dir}).Load("dev")
	if diags.HasErrors() {
		t.Fatal(located(diags))
	}
	mod := func(p string) string { return filepath.Join(dir, "infra", "modules", p) }
	live := filepath.Join(dir, "infra", "live")
	for name, want := range map[string]Source{
		"first":    {Raw: "../modules/m", Local: true, Dir: mod("m")},
		"last":     {Raw: "../modules/n", Local: true, Dir: mod("n")},
		"own":      {Raw: "../../../modules/n", Local: true, Dir: mod("n")},
		"sub":      {Raw: "../../../modules/pkg//sub/d/", Local: true, Dir: mod("pkg"), Subdir: "sub/d"},
		"registry": {Raw: "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"},
		"git":      {Raw: "git::https://example.com/m.git//x?ref=v1"},
		"dot":      {Raw: ".", Local: true, Dir: filepath.Join(live, "dev", "dot")},
		"dotdot":   {Raw: "..", Local: true, Dir: filepath.Join(live, "dev")},
		"abs":      {Raw: filepath.ToSlash(mod("m")), Local: true, Dir: mod("m")},
		"none":     {None: true, Local: true, Dir: filepath.Join(live, "dev", "none")},
	} {
		got := st.Unit(name).Source
		got.Range = hcl.Range{}
		if got != want {
			t.Errorf("%s: source %+v, want %+v", name, got, want)
		}
	}
}

func TestUnitSourceErrors(t *testing.T) {
	for src, want := range map[string]string{
		`source = "  "`:                          "unit.hcl:1:10: Empty source; source must name a module",
		`source = "../../../modules//nope"`:      `unit.hcl:1:10: Module source not found; "../../../modules//nope" resolves to infra/modules/nope, which is not a folder.`,
		`source = "../../../modules/pkg//sub/x"`: `Module source not found; "../../../modules/pkg//sub/x" resolves to infra/modules/pkg/sub/x,`,
		`source = "./main.tf"`:                   "Module source not found",
	} {
		files := maps.Clone(sourceTree)
		files["infra/live/dev/web/unit.hcl"] = src + "\n"
		files["infra/live/dev/web/main.tf"] = ""
		_, diags := load(t, files, "dev", nil)
		if got := located(diags); !strings.Contains(got, want) || len(diags) != 1 {
			t.Errorf("%s: %s\nwant %q", src, got, want)
		}
	}
}

// A dependency names another unit of the environment, relative to the
// unit's folder.
func TestDependencyErrors(t *testing.T) {
	mock := func(v string) string {
		return "dependency \"net\" {\n  path = \"../network\"\n  mock_outputs = " + v + "\n}"
	}
	for body, want := range map[string]string{
		`dependency "net" { path = ".." }`:                 `unit.hcl:1:27: Dependency outside the environment; ".." resolves to infra/live/dev; a dependency must be another unit of environment dev.`,
		`dependency "net" { path = "../.." }`:              `"../.." resolves to infra/live;`,
		`dependency "net" { path = "../../dev2/network" }`: "Dependency outside the environment",
		`dependency "net" { path = "." }`:                  `unit.hcl:1:27: Unit depends on itself; dependency "net" points at this unit.`,
		`dependency "net" { path = "../nope" }`:            `unit.hcl:1:27: Dependency on a missing unit "nope"; dependency "net" points at infra/live/dev/nope, which has no unit.hcl. Units in dev: `,
		`dependency "1net" { path = "../network" }`:        `unit.hcl:1:12: Invalid dependency name; "1net" cannot be used in expressions (dependency.1net.outputs)`,
		`dependency "net.x" { path = "../network" }`:       "Invalid dependency name",
		`dependency "net" {}`:                              "Missing required argument",
		`dependency "net" { path = 1 < "a" }`:              "Invalid operand",
		mock("null"):                                       "unit.hcl:3:18: Invalid mock_outputs; mock_outputs must be an object of output names to values.",
		mock(`["vpc"]`):                                    "Invalid mock_outputs",
		mock(`"vpc"`):                                      "Invalid mock_outputs",
		mock("nope"):                                       "Unknown variable",
	} {
		files := maps.Clone(sourceTree)
		files["infra/live/dev/web/unit.hcl"] = body + "\n"
		files["infra/live/dev/web/main.tf"] = ""
		_, diags := load(t, files, "dev", nil)
		if got := located(diags); !strings.Contains(got, want) || len(diags) != 1 {
			t.Errorf("%s:\n%s\nwant %q", body, got, want)
		}
	}
	files := maps.Clone(sourceTree)
	files["infra/live/dev/web/unit.hcl"] = mock(`tomap({ vpc = "v-1" })`) + "\n"
	st := mustLoad(t, files, "dev")
	deps := st.Unit("web").Dependencies
	if len(deps) != 1 || deps[0].Path != "network" || deps[0].Name != "net" || !deps[0].MockOutputs.RawEquals(cty.MapVal(map[string]cty.Value{"vpc": cty.StringVal("v-1")})) {
		t.Errorf("dependencies %+v", deps)
	}
	if deps[0].PathRange.Start.Line != 2 || deps[0].PathRange.Start.Column != 10 || deps[0].Range.Start.Line != 1 {
		t.Errorf("ranges %v %v", deps[0].Range, deps[0].PathRange)
	}
}
