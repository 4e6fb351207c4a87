package config

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares text with testdata/golden/<name>.golden (-update
// rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/config -run %s -update)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("diagnostic differs from %s (-update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// renderDiags loads the tree and, when loading succeeds, every unit's inputs
// with mock outputs, and prints the diagnostics as the CLI does.
func renderDiags(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := testutil.WriteTree(t, files)
	l := NewLoader(Options{Dir: dir})
	st, diags := l.Load("dev")
	if !diags.HasErrors() {
		for _, u := range st.Units {
			deps := map[string]DependencyOutputs{}
			for _, d := range u.Dependencies {
				deps[d.Name], _ = MockOutputs(d)
			}
			_, d := st.Inputs(u, deps)
			diags = append(diags, d...)
		}
	}
	if !diags.HasErrors() {
		t.Fatal("no error")
	}
	var b bytes.Buffer
	diag.Write(&b, diags, l.Files(), false, 100)
	return b.String()
}

// typoBase is a tree without mistakes and one unit; each case adds one.
var typoBase = map[string]string{
	"stackctl.hcl":                    "project = \"shop\"\n",
	"infra/modules/m/main.tf":         `variable "x" {}`,
	"infra/live/dev/env.hcl":          "vars = { region = \"eu-west-1\" }\n",
	"infra/live/dev/network/unit.hcl": "source = \"../../../modules/m\"\n",
}

func TestTypoDiagnostics(t *testing.T) {
	envTypo := `
vars = {
  regon  = "eu-west-1"
  domain = "example.com"
}
`
	cases := map[string]map[string]string{
		// Issue 17: the typo is in env.hcl, the error where stackctl.hcl reads it.
		"env_var_in_root_backend": {
			"infra/live/dev/env.hcl": envTypo,
			"stackctl.hcl": `project = "shop"
remote_state {
  backend = "s3"
  config = {
    bucket = "b"
    key    = "${unit.path}/terraform.tfstate"
    region = env.region
  }
}
`,
		},
		"env_var_in_unit_inputs": {
			"infra/live/dev/env.hcl": `
vars = {
  region = "eu-west-1"
}
`,
			"infra/live/dev/network/unit.hcl": `source = "../../../modules/m"
inputs = { region = "${env.regoin}" }
`,
		},
		"env_var_without_vars": {
			"infra/live/dev/env.hcl": `inputs = {}`,
			"infra/live/dev/network/unit.hcl": `source = "../../../modules/m"
inputs = { region = env.region }
`,
		},
		"env_var_inside_env_vars": {
			"infra/live/dev/env.hcl": `
vars = {
  region = "eu-west-1"
  bucket = "logs-${env.region}"
}
`,
		},
		"local_in_unit": {
			"infra/live/dev/network/unit.hcl": `source = "../../../modules/m"
locals {
  cidr_block = "10.0.0.0/16"
  az_count   = 2
}
inputs = { cidr = local.cidr_blok }
`,
		},
		"local_of_another_file": {
			"infra/live/dev/network/unit.hcl": `source = "../../../modules/m"
inputs = { owner = local.owner }
`,
		},
		"unit_attribute": {
			"infra/live/dev/network/unit.hcl": `source = "../../../modules/m"
inputs = { name = unit.nme }
`,
		},
		"dependency_name": {
			"infra/live/dev/apps/api/unit.hcl": `source = "../../../../modules/m"
dependency "network" {
  path         = "../../network"
  mock_outputs = { vpc_id = "vpc-mock", subnet_ids = ["s-1"] }
}
inputs = { vpc_id = dependency.netwrk.outputs.vpc_id }
`,
		},
		"dependency_output": {
			"infra/live/dev/apps/api/unit.hcl": `source = "../../../../modules/m"
dependency "network" {
  path         = "../../network"
  mock_outputs = { vpc_id = "vpc-mock", subnet_ids = ["s-1"] }
}
inputs = { vpc_id = dependency.network.outputs.vpcid }
`,
		},
		"dependency_output_keyword": {
			"infra/live/dev/apps/api/unit.hcl": `source = "../../../../modules/m"
dependency "network" {
  path         = "../../network"
  mock_outputs = { vpc_id = "vpc-mock" }
}
inputs = { vpc_id = dependency.network.output.vpc_id }
`,
		},
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			files := maps.Clone(typoBase)
			maps.Copy(files, edit)
			golden(t, name, renderDiags(t, files))
		})
	}
}

// The pointer into env.hcl is a second location on the same error, not a
// second error.
func TestEnvTypoIsOneError(t *testing.T) {
	files := maps.Clone(base)
	files["infra/live/dev/env.hcl"] = "vars = { regon = \"eu-west-1\" }\n"
	files["stackctl.hcl"] = "project = \"shop\"\ninputs = { region = env.region }\n"
	dir := testutil.WriteTree(t, files)
	st, diags := NewLoader(Options{Dir: dir}).Load("dev")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	_, diags = st.Inputs(st.Unit("network"), nil)
	if len(diags) != 1 {
		t.Fatalf("%d diagnostics: %s", len(diags), diags.Error())
	}
	rel, ok := hcl.DiagnosticExtra[*diag.Related](diags[0])
	if !ok || filepath.Base(rel.Subject.Filename) != "env.hcl" || rel.Subject.Start.Line != 1 {
		t.Fatalf("related %+v", rel)
	}
}
