package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fingerprint(t *testing.T, files map[string]string) *moduleInfo {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	info, err := inspectModule(dir)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func TestInitFingerprint(t *testing.T) {
	base := map[string]string{
		"main.tf": `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.100" }
  }
}
variable "name" { default = "a" }
resource "aws_s3_bucket" "b" { bucket = var.name }
module "m" {
  source = "./m"
  input  = var.name
}
`,
		"extra.tf.json": `{"variable": {"from_json": {}}}`,
	}
	a := fingerprint(t, base)
	if !a.Variables["name"] || !a.Variables["from_json"] || len(a.Variables) != 2 {
		t.Fatalf("variables %v", a.Variables)
	}
	same := map[string]string{"main.tf": base["main.tf"] + "\nresource \"aws_s3_bucket\" \"c\" { bucket = \"x\" }\n", "extra.tf.json": base["extra.tf.json"]}
	if fingerprint(t, same).InitFingerprint != a.InitFingerprint {
		t.Error("another resource of a provider already in use changed the init fingerprint")
	}
	edited := map[string]string{"main.tf": base["main.tf"] + "\nvariable \"other\" {}\n", "extra.tf.json": base["extra.tf.json"]}
	if fingerprint(t, edited).InitFingerprint != a.InitFingerprint {
		t.Error("a new variable changed the init fingerprint")
	}
	for what, body := range map[string]string{
		"a new provider":        base["main.tf"] + "\nresource \"random_id\" \"r\" { byte_length = 2 }\n",
		"a new module call":     base["main.tf"] + "\nmodule \"n\" { source = \"./n\" }\n",
		"a provider constraint": `terraform { required_providers { aws = { source = "hashicorp/aws", version = "~> 6.0" } } }`,
	} {
		f := fingerprint(t, map[string]string{"main.tf": body, "extra.tf.json": base["extra.tf.json"]})
		if f.InitFingerprint == a.InitFingerprint {
			t.Errorf("%s did not change the init fingerprint", what)
		}
	}
}

func TestCLIConfig(t *testing.T) {
	got := string(cliConfig("/cache", "/mirror"))
	for _, want := range []string{"disable_checkpoint = true", `plugin_cache_dir = "/cache"`, "filesystem_mirror", `path = "/mirror"`} {
		if !strings.Contains(got, want) {
			t.Errorf("CLI config lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(string(cliConfig("/cache", "")), "provider_installation") {
		t.Error("provider_installation without a mirror")
	}
}

func TestInitFingerprintFollowsLocalChildModules(t *testing.T) {
	tree := func(child string) string {
		t.Helper()
		dir := t.TempDir()
		for name, content := range map[string]string{
			"root/main.tf":     "module \"c\" {\n  source = \"../child\"\n}\nmodule \"r\" {\n  source = \"hashicorp/x/aws\"\n}\n",
			"child/main.tf":    child,
			"child/loop/x.tf":  "module \"back\" {\n  source = \"../\"\n}\n",
			"child/ignored.md": "not configuration",
		} {
			path := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		info, err := inspectModule(filepath.Join(dir, "root"))
		if err != nil {
			t.Fatal(err)
		}
		return info.InitFingerprint
	}
	// The child calls a module that calls the child back: reading it must
	// end.
	base := tree("module \"loop\" {\n  source = \"./loop\"\n}\nresource \"aws_s3_bucket\" \"b\" {}\n")
	if got := tree("module \"loop\" {\n  source = \"./loop\"\n}\nresource \"aws_s3_bucket\" \"b\" {}\nvariable \"v\" {}\n"); got != base {
		t.Error("a new variable in a child module changed the init fingerprint")
	}
	for what, child := range map[string]string{
		"a new provider in a child module":    "module \"loop\" {\n  source = \"./loop\"\n}\nresource \"aws_s3_bucket\" \"b\" {}\nresource \"random_id\" \"r\" {}\n",
		"a new module call in a child module": "module \"loop\" {\n  source = \"./loop\"\n}\nresource \"aws_s3_bucket\" \"b\" {}\nmodule \"n\" {\n  source = \"git::https://example.com/n.git\"\n}\n",
	} {
		if tree(child) == base {
			t.Errorf("%s did not change the init fingerprint", what)
		}
	}
}
