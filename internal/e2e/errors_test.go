package e2e

import (
	"strings"
	"testing"
)

func TestConfigurationErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edit  map[string]string
		args  []string
		wants []string
	}{
		{
			name: "cycle names every unit on it",
			edit: map[string]string{"live/dev/network/unit.hcl": `source = "../../../modules/step"
dependency "svc" {
  path = "../service"
}
inputs = { name = "network" }
`},
			args:  []string{"plan", "dev"},
			wants: []string{"Dependency cycle", "database → network → service → database", "live/dev/network/unit.hcl:2"},
		},
		{
			name:  "syntax error with file:line:col and snippet",
			edit:  map[string]string{"live/dev/database/unit.hcl": "source = \"../../../modules/step\"\ninputs = {\n  name = \"database\n}\n"},
			args:  []string{"plan", "dev"},
			wants: []string{"live/dev/database/unit.hcl:3", `name = "database`},
		},
		{
			name:  "bad expression",
			edit:  map[string]string{"live/dev/network/unit.hcl": "source = \"../../../modules/step\"\ninputs = { name = upper(42, 1) }\n"},
			args:  []string{"render", "dev"},
			wants: []string{"live/dev/network/unit.hcl:2", "upper(42, 1)"},
		},
		{
			name: "dependency on a missing unit",
			edit: map[string]string{"live/dev/service/unit.hcl": `source = "../../../modules/step"
dependency "db" {
  path = "../databse"
}
inputs = { name = "service" }
`},
			args:  []string{"list", "dev"},
			wants: []string{`Dependency on a missing unit "databse"`, "live/dev/service/unit.hcl:3:", "Units in dev: database,"},
		},
		{
			name: "unknown dependency output lists the outputs",
			edit: map[string]string{"live/dev/service/unit.hcl": `source = "../../../modules/step"
dependency "db" {
  path         = "../database"
  mock_outputs = { value = "x", other = "y" }
}
inputs = { name = "service", upstream = dependency.db.outputs.vale }
`},
			args:  []string{"plan", "dev", "--unit", "service"},
			wants: []string{"Unknown dependency output", `no output "vale"`, "Its outputs: other, value", "live/dev/service/unit.hcl:6:"},
		},
		{
			name:  "unknown environment lists environments",
			args:  []string{"plan", "qa"},
			wants: []string{`Unknown environment "qa"`, "Environments in live: dev, prod"},
		},
		{
			name:  "unknown unit lists units",
			args:  []string{"plan", "dev", "--unit", "databse"},
			wants: []string{`no unit matches "databse"`, "database, monitoring, network, service"},
		},
		{
			name:  "env used where it cannot be",
			edit:  map[string]string{"stackctl.hcl": strings.Replace(rootFile, `version = ">= 1.5"`, `version = env.tf`, 1)},
			args:  []string{"list", "dev"},
			wants: []string{"env is not available here", "stackctl.hcl:6"},
		},
		{
			name:  "an environment without units says where to add one",
			args:  []string{"plan", "prod"},
			wants: []string{"environment prod has no units", "live/prod/network/unit.hcl"},
		},
		{
			name:  "terraform arguments stackctl cannot pass",
			args:  []string{"plan", "dev", "--", "-destroy"},
			wants: []string{"cannot pass -destroy", "-target"},
		},
		{
			name:  "terraform arguments to a command that takes none",
			args:  []string{"validate", "dev", "--", "-target=terraform_data.this"},
			wants: []string{`validate takes no terraform arguments after "--"`, "drop -target=terraform_data.this"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			files := chain()
			files["live/prod/env.hcl"] = `vars = {}`
			for k, v := range c.edit {
				files[k] = v
			}
			tr := newTree(t, files)
			r := tr.Must(1, c.args...)
			contains(t, "stderr", r.Stderr+r.Stdout, c.wants...)
		})
	}
}

func TestBrokenOtherEnvironmentDoesNotMatter(t *testing.T) {
	t.Parallel()
	files := chain()
	files["live/prod/env.hcl"] = `vars = { this is not hcl`
	files["live/prod/network/unit.hcl"] = `source = ` + "\n"
	tr := newTree(t, files)
	r := tr.Must(0, "plan", "dev", "--unit", "network")
	contains(t, "plan", r.Stdout, "plan dev: 1 succeeded")
	r = tr.Must(1, "list", "prod")
	contains(t, "prod", r.Stderr, "live/prod/env.hcl:1")
}

// With downloads off, a terraform.version nothing on the machine satisfies
// is an error that says what to install, and nothing is run.
func TestMissingTerraformVersion(t *testing.T) {
	t.Parallel()
	files := chain()
	files["stackctl.hcl"] = strings.Replace(rootFile, `version = ">= 1.5"`, `version = "~> 0.11.0"`, 1)
	tr := newTree(t, files)
	r := tr.Must(1, "plan", "dev")
	contains(t, "stderr", r.Stderr, "no terraform satisfying ~> 0.11.0", "the terraform on PATH", "Install terraform ~> 0.11.0")
	if strings.Contains(r.Stderr, "<nil>") {
		t.Errorf("the message carries an empty cause: %s", r.Stderr)
	}
	if strings.Contains(r.Stdout, "▶") {
		t.Errorf("units ran without a usable terraform:\n%s", r.Stdout)
	}
}
