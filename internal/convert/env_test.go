package convert

import (
	"strings"
	"testing"
)

// An environment whose units read no hierarchy file gets an env.hcl with
// no vars to say where they came from.
func TestEnvWithoutHierarchyFiles(t *testing.T) {
	r := convertTree(t, map[string]string{
		"dev/env.hcl":            "",
		"dev/app/terragrunt.hcl": "",
	})
	want := "# Environment dev, converted from Terragrunt's dev by stackctl convert terragrunt.\nvars = {\n}\n"
	if got := fileOf(t, r, "infra/live/dev/env.hcl"); got != want {
		t.Errorf("env.hcl:\n%s\nwant\n%s", got, want)
	}
}

// Without an env file above it, a unit's environment is the first folder
// below the tree; an env file at the top of the tree itself does not make
// the whole tree one environment.
func TestEnvironmentIsFirstFolderWithoutEnvFile(t *testing.T) {
	r := convertTree(t, map[string]string{
		"env.hcl":                  "",
		"stage/app/terragrunt.hcl": "",
		"stage/vpc/terragrunt.hcl": "",
	})
	if len(r.Envs) != 1 || r.Envs[0].Name != "stage" || r.Envs[0].From != "stage" || strings.Join(r.Envs[0].Units, ",") != "app,vpc" {
		t.Errorf("environments: %+v", r.Envs)
	}
	if len(r.NotConverted) != 0 {
		t.Errorf("not converted: %v", r.NotConverted)
	}
}
