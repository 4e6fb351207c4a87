package adopt

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestParseAddress(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"aws_security_group.extra", "aws_security_group.extra"},
		{`aws_ecs_service.app["web"]`, `aws_ecs_service.app["web"]`},
		{"aws_subnet.private[1]", "aws_subnet.private[1]"},
		{`module.net["a"].module.sub.aws_vpc.main`, `module.net["a"].module.sub.aws_vpc.main`},
	} {
		a, err := ParseAddress(c.in)
		if err != nil || a.String() != c.want {
			t.Errorf("%s: got %q, %v", c.in, a.String(), err)
		}
	}
	for _, in := range []string{"", " aws_vpc.main", "aws_vpc", "vpc.main", "data.aws_vpc.main", "aws_vpc.main.id", "aws_vpc.main[", "module.aws_vpc", "aws_vpc.1main", "aws_vpc.main[0][1]"} {
		if _, err := ParseAddress(in); err == nil || !strings.Contains(err.Error(), "not a resource address") {
			t.Errorf("%q: want a clear error, got %v", in, err)
		}
	}
}

func mustAddr(t *testing.T, s string) Address {
	t.Helper()
	a, err := ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestWriteImports(t *testing.T) {
	existing := "# Adopted by hand last week.\nimport {\n  to = aws_vpc.main # the VPC\n  id = \"vpc-1\"\n}\n"
	dir := testutil.WriteTree(t, map[string]string{
		"imports.tf": existing,
		"moved.tf":   "import {\n  to = aws_subnet.a\n  id = \"subnet-1\"\n}\n",
	})
	added, err := WriteImports(dir, []Import{
		{To: mustAddr(t, "aws_vpc.main"), ID: "vpc-1"},    // identical: kept once
		{To: mustAddr(t, "aws_subnet.a"), ID: "subnet-1"}, // identical, in another file
		{To: mustAddr(t, `aws_ecs_service.app["web"]`), ID: "drifty/web"},
		{To: mustAddr(t, "aws_ssm_parameter.p"), ID: "/a/${b}"}, // a template sequence stays literal
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 2 {
		t.Fatalf("added %d, want 2", len(added))
	}
	got, _ := os.ReadFile(filepath.Join(dir, "imports.tf"))
	golden(t, "imports.tf", got)
	// Running it again changes nothing.
	if added, err := WriteImports(dir, []Import{{To: mustAddr(t, `aws_ecs_service.app["web"]`), ID: "drifty/web"}}); err != nil || len(added) != 0 {
		t.Fatalf("again: %v %v", added, err)
	}
	// Another ID for an imported address: an error, nothing written.
	if _, err := WriteImports(dir, []Import{{To: mustAddr(t, "aws_iam_role.r"), ID: "r"}, {To: mustAddr(t, "aws_vpc.main"), ID: "vpc-2"}}); err == nil || !strings.Contains(err.Error(), "imports.tf:2 already imports aws_vpc.main") {
		t.Fatalf("want a conflict naming imports.tf:2, got %v", err)
	}
	if again, _ := os.ReadFile(filepath.Join(dir, "imports.tf")); !bytes.Equal(again, got) {
		t.Fatal("a refused import changed imports.tf")
	}
}

func TestNeedsConfigAndGeneratedFile(t *testing.T) {
	dir := testutil.WriteTree(t, map[string]string{"main.tf": "resource \"aws_vpc\" \"main\" {}\n", "generated_imports.tf": ""})
	declared, err := Declared(dir)
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{"aws_vpc.main": false, "aws_vpc.other[0]": true, "module.x.aws_vpc.y": false} {
		if got := declared.NeedsConfig(mustAddr(t, addr)); got != want {
			t.Errorf("%s: got %v", addr, got)
		}
	}
	if got := GeneratedFile(dir, "imports"); got != "generated_imports_2.tf" {
		t.Errorf("GeneratedFile: %s", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.tf"), []byte("resource {"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Declared(dir); err == nil || !strings.Contains(err.Error(), "bad.tf") {
		t.Errorf("a file that does not parse: %v", err)
	}
	if got := GeneratedFile(dir, "aws_vpc.Main!"); got != "generated_aws_vpc_main.tf" {
		t.Errorf("GeneratedFile: %s", got)
	}
}

func fixtureSchemas(t *testing.T) *tfjson.ProviderSchemas {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fixtures", "schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s tfjson.ProviderSchemas
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// What terraform 1.11 generated on moto for a security group, an SSM
// SecureString, a role policy attachment and an ingress rule.
func TestRepairGenerated(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "fixtures", "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	taken := func(n string) bool { return n == "partner_key_value" } // declared elsewhere in the unit
	r, err := Repair("generated_imports.tf", src, RepairOptions{Schemas: fixtureSchemas(t), Taken: taken})
	if err != nil {
		t.Fatal(err)
	}
	want := []Variable{{Name: "partner_key_value_2", Address: "aws_ssm_parameter.partner_key", Attribute: "value"}}
	if !reflect.DeepEqual(r.Variables, want) {
		t.Errorf("variables %+v", r.Variables)
	}
	golden(t, "repaired.tf", r.Src)
	var fixes bytes.Buffer
	for _, f := range r.Fixes {
		fixes.WriteString(f.Address + " " + f.Attribute + ": " + f.What + "\n")
	}
	golden(t, "repaired-fixes.txt", fixes.Bytes())
}

// ConflictsWith is not in the schema: terraform's own diagnostics tell.
func TestRepairConflicts(t *testing.T) {
	src := []byte(`resource "aws_security_group" "x" {
  name        = "x"
  name_prefix = ""
}

resource "aws_instance" "y" {
  ipv6_address_count = 0
  ipv6_addresses     = ["2001:db8::1"]
  subnet_id          = "subnet-1"
}
`)
	diag := func(line int, detail string) tfjson.Diagnostic {
		return tfjson.Diagnostic{Severity: tfjson.DiagnosticSeverityError, Summary: "Conflicting configuration arguments", Detail: detail,
			Range: &tfjson.Range{Filename: "generated_x.tf", Start: tfjson.Pos{Line: line}}}
	}
	r, err := Repair("generated_x.tf", src, RepairOptions{Diagnostics: []tfjson.Diagnostic{
		diag(2, `"name": conflicts with name_prefix`), diag(3, `"name_prefix": conflicts with name`),
		diag(7, `"ipv6_address_count": conflicts with ipv6_addresses`), diag(8, `"ipv6_addresses": conflicts with ipv6_address_count`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := string(r.Src)
	if strings.Contains(got, "name_prefix") || !strings.Contains(got, `name = "x"`) || strings.Contains(got, "ipv6_address_count") || !strings.Contains(got, "ipv6_addresses") {
		t.Fatalf("the empty side of each conflict should go:\n%s", got)
	}
	if len(r.Fixes) != 2 {
		t.Errorf("fixes: %+v", r.Fixes)
	}
	if _, err := Repair("bad.tf", []byte("resource \"x\" {\n"), RepairOptions{}); err == nil || !strings.Contains(err.Error(), "does not parse") {
		t.Errorf("want a parse error, got %v", err)
	}
}

func readPlan(t *testing.T, name string) (*tfjson.Plan, []Import) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	var p tfjson.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	var imps []Import
	for _, rc := range p.ResourceChanges {
		if rc.Change.Importing != nil {
			imps = append(imps, Import{To: mustAddr(t, rc.Address), ID: rc.Change.Importing.ID})
		}
	}
	return &p, imps
}

func TestCheckPlan(t *testing.T) {
	p, imps := readPlan(t, "plan-import.json")
	c := CheckPlan(p, imps)
	if !c.OK || len(c.Imports) != 4 || len(c.Problems()) != 0 {
		t.Fatalf("the import plan should pass: %+v", c.Problems())
	}
	var sg *Checked
	for _, ch := range c.Imports {
		if ch.Address == "aws_security_group.adopty_extra" {
			sg = ch
		}
	}
	if sg == nil || !reflect.DeepEqual(sg.AddsTags, []string{"Unit"}) || !reflect.DeepEqual(sg.Defaults, []string{"revoke_rules_on_delete"}) {
		t.Errorf("security group: %+v", sg)
	}

	wrong, imps := readPlan(t, "plan-wrong-secret.json")
	c = CheckPlan(wrong, imps)
	probs := strings.Join(c.Problems(), "\n")
	if c.OK || probs != "aws_ssm_parameter.partner_key: value: the object has (sensitive), the configuration says (sensitive)" {
		t.Fatalf("want the secret's difference, masked; got ok=%v\n%s", c.OK, probs)
	}
	b, _ := json.Marshal(c)
	if strings.Contains(string(b)+probs, oobSecret) || strings.Contains(string(b)+probs, "not-the-value") {
		t.Fatal("a secret reached the check")
	}

	// An import missing from the plan, and a change to something else.
	extra := append(imps, Import{To: mustAddr(t, "aws_vpc.gone"), ID: "vpc-0"})
	wrong.ResourceChanges = append(wrong.ResourceChanges, &tfjson.ResourceChange{Address: "aws_vpc.main", Change: &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionDelete}}})
	probs = strings.Join(CheckPlan(wrong, extra).Problems(), "\n")
	for _, w := range []string{"aws_vpc.gone: the plan does not import it", "aws_vpc.main: the plan would also delete it"} {
		if !strings.Contains(probs, w) {
			t.Errorf("want %q in\n%s", w, probs)
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (go test ./internal/adopt -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./internal/adopt -run %s -update):\n%s", name, t.Name(), got)
	}
}
