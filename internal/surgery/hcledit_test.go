package surgery

import (
	"strings"
	"testing"
)

func TestRenameInputsKeepsFormatting(t *testing.T) {
	src := `# the wasabi app (comments are never touched)
source = "../../../modules/wasabi"

locals {
  app = "wasabi" # the app
}

inputs = {
  name     = "wasabi"        # aligned on purpose
  url      = "https://${local.app}.herokuapp.com/wasabi"
  prefixed = "${local.x}wasabi"
  apps     = { wasabi = { size = 1 }, "mywasabi" = {}, wasabi2 = {} }
  doc      = <<EOT
hello wasabi
EOT
  other    = "wasabi2-mywasabi"
}
`
	r, _ := NewRenamer("wasabi", "wasabi-v2")
	out, edits, err := RenameInputs("unit.hcl", []byte(src), r, []string{"inputs"}, []string{"locals"})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		`app = "wasabi" #`, `app = "wasabi-v2" #`,
		`name     = "wasabi"  `, `name     = "wasabi-v2"  `,
		`herokuapp.com/wasabi"`, `herokuapp.com/wasabi-v2"`,
		`{ wasabi = { size`, `{ wasabi-v2 = { size`,
		"hello wasabi\n", "hello wasabi-v2\n",
	).Replace(src)
	if string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if len(edits) != 5 {
		t.Errorf("want 5 edits, got %+v", edits)
	}
	if edits[0].Line != 5 || edits[0].Column != 10 {
		t.Errorf("first edit at %d:%d, want 5:10", edits[0].Line, edits[0].Column)
	}

	// A name that is not an HCL identifier becomes a quoted key.
	r2, _ := NewRenamer("wasabi", "wasabi.v2")
	out, _, err = RenameInputs("unit.hcl", []byte("inputs = { apps = { wasabi = 1 } }\n"), r2, []string{"inputs"}, nil)
	if err != nil || string(out) != "inputs = { apps = { \"wasabi.v2\" = 1 } }\n" {
		t.Errorf("quoted key: %q %v", out, err)
	}
	// Nothing to do: the same bytes.
	out, edits, err = RenameInputs("env.hcl", []byte("vars = { region = \"eu\" }\n"), r, []string{"inputs", "vars"}, []string{"locals"})
	if err != nil || len(edits) != 0 || string(out) != "vars = { region = \"eu\" }\n" {
		t.Errorf("no-op: %q %v %v", out, edits, err)
	}
}

func TestUnitPathRefs(t *testing.T) {
	src := `source = "../../../modules/app" # module
dependency "net" {
  path = "../network"
}
dependency "db" {
  path         = "../data/db"
  mock_outputs = {}
}
`
	refs, err := UnitPathRefs("unit.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 3 || refs[0].Value != "../../../modules/app" || refs[1].Kind != "dependency net" || refs[2].Value != "../data/db" {
		t.Fatalf("refs: %+v", refs)
	}
	out, edits, err := ReplaceRefs("unit.hcl", []byte(src), refs, []string{"../../../../modules/app", "../network", "../../data/db"})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(strings.Replace(src, `"../../../modules/app"`, `"../../../../modules/app"`, 1), `"../data/db"`, `"../../data/db"`, 1)
	if string(out) != want || len(edits) != 2 {
		t.Errorf("got:\n%s\n%+v", out, edits)
	}
	if _, err := UnitPathRefs("unit.hcl", []byte("dependency \"x\" {\n  path = local.p\n}\n")); err == nil || !strings.Contains(err.Error(), "unit.hcl:2:10") {
		t.Errorf("an expression path: %v", err)
	}
}
