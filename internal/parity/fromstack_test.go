package parity

import (
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/testutil"
)

// load renders one environment of a tree as diff-env compares it.
func load(t *testing.T, files map[string]string, name string, opts RenderOptions) *Env {
	t.Helper()
	dir := testutil.WriteTree(t, files)
	loader := config.NewLoader(config.Options{Dir: dir, Getenv: func(string) (string, bool) { return "", false }})
	st, diags := loader.Load(name)
	if diags.HasErrors() {
		t.Fatalf("load %s: %s", name, diags.Error())
	}
	env, diags := FromStack(st, opts)
	if diags.HasErrors() {
		t.Fatalf("render %s: %s", name, diags.Error())
	}
	return env
}

// Each unit's module source is shown relative to the repository root for
// a local module (with its subfolder), and without ?ref= for a remote one,
// whose ref is the version.
func TestFromStackSources(t *testing.T) {
	files := with(base(), map[string]string{
		"infra/modules/service/api/main.tf": `variable "x" {}`,
		"infra/live/prod/api/unit.hcl":      `source = "../../../modules/service//api"`,
		"infra/live/prod/edge/unit.hcl":     `source = "git::https://git.example.com/mods.git//edge?ref=v1.2.0&depth=1"`,
		"infra/live/prod/cdn/unit.hcl":      `source = "git::https://git.example.com/cdn.git?ref=v3"`,
		"infra/live/prod/dns/unit.hcl":      `source = "app.terraform.io/example/dns/aws"`,
		"infra/live/prod/bad/unit.hcl":      `source = "git::https://git.example.com/bad.git?ref=%zz"`,
		"infra/live/prod/own/unit.hcl":      `inputs = { x = 1 }`,
		"infra/live/prod/own/main.tf":       `variable "x" {}`,
	})
	env := load(t, files, "prod", RenderOptions{})
	want := []struct{ path, source, version string }{
		{"api", "infra/modules/service//api", ""},
		{"bad", "git::https://git.example.com/bad.git?ref=%zz", ""},
		{"cdn", "git::https://git.example.com/cdn.git", "v3"},
		{"dns", "app.terraform.io/example/dns/aws", ""},
		{"edge", "git::https://git.example.com/mods.git//edge?depth=1", "v1.2.0"},
		{"network", "infra/modules/network", ""},
		{"own", "(the unit folder's own files)", ""},
		{"service", "infra/modules/service", ""},
	}
	if len(env.Units) != len(want) {
		t.Fatalf("%d units, want %d", len(env.Units), len(want))
	}
	for i, w := range want {
		u := env.Units[i]
		if u.Path != w.path || u.Source != w.source || u.Version != w.version {
			t.Errorf("unit %d: %s %q %q, want %s %q %q", i, u.Path, u.Source, u.Version, w.path, w.source, w.version)
		}
	}
}

// A local module outside the repository root's tree still has a source
// to show: the folder as the configuration names it.
func TestModuleSourceNotUnderTheRoot(t *testing.T) {
	src, ver := moduleSource("relative/root", config.Source{Local: true, Dir: "/abs/modules/net"})
	if src != "/abs/modules/net" || ver != "" {
		t.Errorf("got %q %q", src, ver)
	}
}

// A unit's dependencies, inputs and where each input is written.
func TestFromStackUnitContents(t *testing.T) {
	env := load(t, base(), "staging", RenderOptions{})
	if env.Name != "staging" || env.Vars["domain"].AsString() != "staging.example.com" {
		t.Fatalf("env %s %v", env.Name, env.Vars)
	}
	var svc *Unit
	for _, u := range env.Units {
		if u.Path == "service" {
			svc = u
		}
	}
	if svc == nil {
		t.Fatal("no service unit")
	}
	if len(svc.Dependencies) != 1 || svc.Dependencies["network"] != "network" {
		t.Errorf("dependencies: %v", svc.Dependencies)
	}
	if got := svc.Inputs["desired_count"]; !got.IsKnown() || got.AsBigFloat().String() != "2" {
		t.Errorf("desired_count: %#v", got)
	}
	if got := svc.InputAt["desired_count"]; got != "infra/live/staging/service/unit.hcl:13:3" {
		t.Errorf("desired_count written at %q", got)
	}
}
