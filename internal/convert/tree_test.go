package convert

import (
	"strings"
	"testing"
)

// Hidden folders (Terragrunt's cache, .git) and node_modules are not part
// of the tree: the terragrunt.hcl files in them are not units.
func TestHiddenFoldersAreNotWalked(t *testing.T) {
	r := convertTree(t, map[string]string{
		"dev/env.hcl":                                "",
		"dev/app/terragrunt.hcl":                     "",
		"dev/app/.terragrunt-cache/x/terragrunt.hcl": "",
		".git/x/terragrunt.hcl":                      "",
		"node_modules/dev/x/terragrunt.hcl":          "",
	})
	var envs []string
	for _, e := range r.Envs {
		envs = append(envs, e.Name+"="+strings.Join(e.Units, ","))
	}
	if got := strings.Join(envs, " "); got != "dev=app" {
		t.Errorf("environments: %s", got)
	}
}

// A unit folder's files are copied beside its unit.hcl, the lock file
// among them, but not other hidden files or folders, nor folders of
// other units.
func TestUnitFolderFilesCopied(t *testing.T) {
	r := convertTree(t, map[string]string{
		"dev/env.hcl":                     "",
		"dev/app/terragrunt.hcl":          "",
		"dev/app/.terraform.lock.hcl":     "# lock\n",
		"dev/app/.envrc":                  "x",
		"dev/app/.terraform/x.tf":         "",
		"dev/app/override.tf":             "",
		"dev/app/tpl/a.tpl":               "",
		"dev/app/child/terragrunt.hcl":    "",
		"dev/app/child/child_override.tf": "",
	})
	var copied []string
	for _, f := range r.Files {
		if f.Copied {
			copied = append(copied, f.Path+"<"+f.From)
		}
	}
	want := "infra/live/dev/app/.terraform.lock.hcl<dev/app/.terraform.lock.hcl infra/live/dev/app/child/child_override.tf<dev/app/child/child_override.tf infra/live/dev/app/override.tf<dev/app/override.tf infra/live/dev/app/tpl/a.tpl<dev/app/tpl/a.tpl"
	if got := strings.Join(copied, " "); got != want {
		t.Errorf("copied:\n%s\nwant\n%s", got, want)
	}
}
