package adopt

import (
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// Two non-empty arguments that conflict: the first named goes, whatever
// order terraform reports them in, and the fix names the one kept.
func TestRepairConflictKeepsTheSecondNamed(t *testing.T) {
	src := []byte(`resource "aws_instance" "y" {
  ipv6_address_count = 1
  ipv6_addresses     = ["2001:db8::1"]
}
`)
	diag := func(line int, detail string) tfjson.Diagnostic {
		return tfjson.Diagnostic{Severity: tfjson.DiagnosticSeverityError, Summary: "Conflicting configuration arguments", Detail: detail,
			Range: &tfjson.Range{Filename: "generated_x.tf", Start: tfjson.Pos{Line: line}}}
	}
	r, err := Repair("generated_x.tf", src, RepairOptions{Diagnostics: []tfjson.Diagnostic{
		diag(3, `"ipv6_addresses": conflicts with ipv6_address_count`), diag(2, `"ipv6_address_count": conflicts with ipv6_addresses`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(r.Src); strings.Contains(got, "ipv6_address_count") || !strings.Contains(got, "ipv6_addresses") {
		t.Errorf("ipv6_address_count should go:\n%s", got)
	}
	want := Fix{Address: "aws_instance.y", Attribute: "ipv6_address_count", What: "removed: conflicts with ipv6_addresses"}
	if len(r.Fixes) != 1 || r.Fixes[0] != want {
		t.Errorf("fixes %+v, want %+v", r.Fixes, want)
	}

	// The empty side goes even when it is named second, and the fix
	// names the other.
	src = []byte("resource \"aws_instance\" \"y\" {\n  ipv6_address_count = 0\n  ipv6_addresses     = [\"2001:db8::1\"]\n}\n")
	r, err = Repair("generated_x.tf", src, RepairOptions{Diagnostics: []tfjson.Diagnostic{diag(3, `"ipv6_addresses": conflicts with ipv6_address_count`)}})
	if err != nil {
		t.Fatal(err)
	}
	want = Fix{Address: "aws_instance.y", Attribute: "ipv6_address_count", What: "removed: conflicts with ipv6_addresses"}
	if len(r.Fixes) != 1 || r.Fixes[0] != want {
		t.Errorf("fixes %+v, want %+v", r.Fixes, want)
	}
}

// A secret's variable takes a name no variable has: neither one the
// generated file declares nor ones the unit declares (_2 and _3 taken).
func TestRepairSecretVariableNames(t *testing.T) {
	src := []byte(`variable "key_value" {
  type = string
}

resource "aws_ssm_parameter" "key" {
  name  = "/x"
  type  = "SecureString"
  value = null # sensitive
}
`)
	taken := func(n string) bool { return n == "key_value_2" || n == "key_value_3" }
	r, err := Repair("generated_x.tf", src, RepairOptions{Schemas: fixtureSchemas(t), Taken: taken})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Variables) != 1 || r.Variables[0].Name != "key_value_4" {
		t.Errorf("variables %+v, want key_value_4", r.Variables)
	}
}
