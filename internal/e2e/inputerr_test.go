package e2e

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from %s (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

// tempPath hides the test's temporary folder in golden output.
var tempPath = regexp.MustCompile(`/[^\s"']*/stackctl-e2e[^\s"']*|/tmp/Test[^\s"']*`)

// A value of the wrong type set in env.hcl is reported at env.hcl's line,
// with its snippet, not at the tfvars file stackctl generated; terraform's
// own text follows.
func TestWrongInputTypePointsAtEnvFile(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"stackctl.hcl": `project  = "e2e"
live_dir = "live"
`,
		"modules/sized/main.tf": `variable "instance_count" {
  type = number
}
variable "name" {
  type = string
}
resource "terraform_data" "this" {
  input = "${var.name} x ${var.instance_count}"
}
`,
		"live/dev/env.hcl": `vars = { region = "eu-west-1" }

inputs = {
  name           = "db"
  instance_count = "two"
}
`,
		"live/dev/database/unit.hcl": `source = "../../../modules/sized"
`,
	}
	tr := newTree(t, files)
	r := tr.Must(1, "plan", "dev", "--no-color")
	text := r.Stdout + r.Stderr
	contains(t, "plan output", text, "live/dev/env.hcl:5", `instance_count = "two"`, "a number is required", "terraform said:")
	if strings.Contains(text, "Error in database:") {
		i := strings.Index(text, "Error in database:")
		j := strings.Index(text[i:], "\nplan dev:")
		golden(t, "input-type-error.txt", tempPath.ReplaceAllString(text[i:i+j], "TMP")+"\n")
	} else {
		t.Errorf("no error section for database:\n%s", text)
	}
}
