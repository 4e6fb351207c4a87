package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/testutil"
)

func rootOf(t *testing.T, src string) (*Root, string) {
	t.Helper()
	dir := testutil.WriteTree(t, map[string]string{"stackctl.hcl": src, "infra/live/dev/env.hcl": ""})
	r, diags := NewLoader(Options{Dir: filepath.Join(dir, "infra", "live", "dev")}).Root()
	if diags.HasErrors() {
		t.Fatalf("root: %s", located(diags))
	}
	return r, dir
}

func TestRootSettings(t *testing.T) {
	r, dir := rootOf(t, `
project = "shop"
live_dir = "envs/${project}"
terraform {
  version = "~> 1.9"
  binary  = "./bin/tf"
}
providers {
  mirror    = "mirror"
  cache_dir = "/var/cache/tf"
}
locals { a = 1 }
locals { b = 2 }
`)
	if r.Dir != dir || r.File != filepath.Join(dir, "stackctl.hcl") || r.Project != "shop" || r.LiveDir != filepath.Join(dir, "envs", "shop") {
		t.Errorf("root %+v", r)
	}
	if r.TerraformVersion != "~> 1.9" || r.TerraformVersionRange.Start.Line != 5 || r.TerraformVersionRange.Start.Column != 13 {
		t.Errorf("version %q at %v", r.TerraformVersion, r.TerraformVersionRange)
	}
	if r.TerraformBinary != filepath.Join(dir, "bin", "tf") {
		t.Errorf("binary %q: a path is relative to the repository", r.TerraformBinary)
	}
	if r.ProviderMirror != filepath.Join(dir, "mirror") || r.PluginCacheDir != "/var/cache/tf" {
		t.Errorf("mirror %q, cache %q", r.ProviderMirror, r.PluginCacheDir)
	}
	if len(r.locals) != 2 || r.locals["a"] == nil || r.locals["b"] == nil {
		t.Errorf("the two locals blocks are not merged: %v", r.locals)
	}

	// Defaults, and a binary looked up on PATH.
	r, dir = rootOf(t, "project = \"shop\"\nterraform { binary = \"tofu\" }\nproviders {\n  mirror    = \"\"\n  cache_dir = \"\"\n}\n")
	if r.TerraformBinary != "tofu" || r.TerraformVersion != "" || r.ProviderMirror != "" ||
		r.PluginCacheDir != filepath.Join(dir, ".stackctl", "plugins") || r.LiveDir != filepath.Join(dir, "infra", "live") {
		t.Errorf("root %+v", r)
	}
}

func TestRootErrors(t *testing.T) {
	for src, want := range map[string]string{
		`project = ""`: `stackctl.hcl:1:11: Empty project; project must name the project`,
		"project = \"p\"\nterraform { binary = \"\" }":   `stackctl.hcl:2:22: Empty binary; binary names the program to run instead of terraform`,
		"project = \"p\"\nterraform {}\nterraform {}":    `stackctl.hcl:3:1: Duplicate terraform block; Only one terraform block is allowed; the first is at stackctl.hcl:2:1.`,
		"project = \"p\"\nretry {}\nlocals {}\nretry {}": `stackctl.hcl:4:1: Duplicate retry block; Only one retry block is allowed; the first is at stackctl.hcl:2:1.`,
	} {
		dir := testutil.WriteTree(t, map[string]string{"stackctl.hcl": src})
		l := NewLoader(Options{Dir: dir})
		r, diags := l.Root()
		if got := located(diags); r != nil || !strings.Contains(got, want) || len(diags) != 1 {
			t.Errorf("%q: root %v, diagnostics:\n%s\nwant %q", src, r, got, want)
		}
	}
	// A project that does not evaluate is that error, not also an empty
	// project.
	dir := testutil.WriteTree(t, map[string]string{"stackctl.hcl": "project = nope\n"})
	if _, diags := NewLoader(Options{Dir: dir}).Root(); len(diags) != 1 || strings.Contains(located(diags), "Empty project") {
		t.Errorf("diagnostics:\n%s", located(diags))
	}
}

// --root names the repository folder, relative to the working directory
// or absolute; without it the root is searched upward. The root file is
// read once.
func TestRootFolder(t *testing.T) {
	dir := testutil.WriteTree(t, map[string]string{"repo/stackctl.hcl": `project = "p"`, "repo/infra/live/dev/env.hcl": "", "other/x": ""})
	repo := filepath.Join(dir, "repo")
	for _, opts := range []Options{
		{Dir: filepath.Join(dir, "other"), RootDir: "../repo"},
		{Dir: filepath.Join(dir, "other"), RootDir: repo},
		{Dir: filepath.Join(repo, "infra", "live", "dev")},
	} {
		l := NewLoader(opts)
		r, diags := l.Root()
		if diags.HasErrors() || r.Dir != repo {
			t.Fatalf("%+v: %v %s", opts, r, located(diags))
		}
		if again, diags := l.Root(); again != r || diags != nil {
			t.Errorf("%+v: Root read again", opts)
		}
	}
	for _, tt := range []struct {
		opts Options
		want string
	}{
		{Options{Dir: repo, RootDir: "../other"}, "No stackctl.hcl in the --root folder; " + filepath.Join(dir, "other") + " has no stackctl.hcl."},
		{Options{Dir: filepath.Join(dir, "other")}, "Not inside a stackctl repository; "},
	} {
		r, diags := NewLoader(tt.opts).Root()
		if r != nil || !strings.HasPrefix(located(diags), tt.want) {
			t.Errorf("%+v: %v, %s", tt.opts, r, located(diags))
		}
	}
}
