package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// A module from a real git repository (git::file://…?ref=…) is fetched with
// terraform init -from-module, once; a new ref fetches again.
func TestRemoteGitSource(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	if err := os.MkdirAll(repo+"/modules/echo", 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(body string) {
		if err := os.WriteFile(repo+"/modules/echo/main.tf", []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`variable "name" {
  type = string
}
output "greeting" {
  value = "v1 ${var.name}"
}
`)
	git(t, repo, "init", "-q", "-b", "main")
	git(t, repo, "add", ".")
	git(t, repo, "commit", "-qm", "v1")
	git(t, repo, "tag", "v1")
	write(`variable "name" {
  type = string
}
output "greeting" {
  value = "v2 ${var.name}"
}
`)
	git(t, repo, "commit", "-qam", "v2")
	git(t, repo, "tag", "v2")

	unit := func(ref string) string {
		return `source = "git::file://` + repo + `//modules/echo?ref=` + ref + `"
inputs = { name = unit.name }
`
	}
	tr := newTree(t, map[string]string{
		"stackctl.hcl":          rootFile,
		"live/dev/env.hcl":      `vars = {}`,
		"live/dev/app/unit.hcl": unit("v1"),
		// A unit folder's own .tf files are added to the fetched module.
		"live/dev/app/extra.tf": `output "extra" {
  value = "from the unit folder"
}
`,
	})
	tr.Must(0, "apply", "dev", "--auto-approve")
	r := tr.Must(0, "output", "dev", "--unit", "app")
	contains(t, "outputs", r.Stdout, `greeting = "v1 app"`, `extra = "from the unit folder"`)

	r = tr.Must(0, "plan", "dev", "--detailed-exitcode", "--stream")
	if strings.Contains(r.Stdout, "Downloading") || strings.Contains(r.Stdout, "▶ init") {
		t.Errorf("an unchanged source was fetched again:\n%s", r.Stdout)
	}
	tr.Write(map[string]string{"live/dev/app/unit.hcl": unit("v2")})
	tr.Must(0, "apply", "dev", "--auto-approve")
	r = tr.Must(0, "output", "dev", "--unit", "app")
	contains(t, "outputs after the new ref", r.Stdout, `greeting = "v2 app"`, `extra = "from the unit folder"`)
}

// A local module that calls a sibling module (source = "../vpc") applies
// without Terragrunt's "//" notation: stackctl copies the smallest folder
// holding the module and every local module it calls. A call that leaves
// the repository is an error naming the file and line.
func TestModuleCallingASiblingModule(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"stackctl.hcl": "project = \"e2e\"\nlive_dir = \"live\"\n",
		"modules/vpc/main.tf": `variable "cidr" { type = string }
resource "terraform_data" "vpc" { input = var.cidr }
output "id" { value = "vpc-${var.cidr}" }
`,
		"modules/network/main.tf": `variable "cidr" { type = string }
module "vpc" {
  source = "../vpc"
  cidr   = var.cidr
}
output "vpc_id" { value = module.vpc.id }
`,
		"live/dev/env.hcl": "vars = {}\n",
		"live/dev/network/unit.hcl": `source = "../../../modules/network"
inputs = { cidr = "10.0.0.0/16" }
`,
	}
	tr := newTree(t, files)
	tr.Must(0, "apply", "dev", "--auto-approve")
	r := tr.Must(0, "output", "dev", "--unit", "network", "--json")
	contains(t, "outputs", r.Stdout, `"vpc-10.0.0.0/16"`)

	tr.Write(map[string]string{"modules/network/main.tf": `module "outside" {
  source = "../../../elsewhere"
}
`})
	r = tr.Must(1, "plan", "dev")
	contains(t, "plan", r.Stdout+r.Stderr, "modules/network/main.tf:2", `calls "../../../elsewhere", which is outside the repository`)
}
