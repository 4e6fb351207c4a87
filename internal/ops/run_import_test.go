package ops

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/adopt"
)

func importsOf(t *testing.T, name string, addrID ...string) ImportSpec {
	t.Helper()
	spec := ImportSpec{Name: name}
	for i := 0; i < len(addrID); i += 2 {
		a, err := adopt.ParseAddress(addrID[i])
		if err != nil {
			t.Fatal(err)
		}
		spec.Imports = append(spec.Imports, adopt.Import{To: a, ID: addrID[i+1]})
	}
	return spec
}

func importTree(t *testing.T) *tree {
	return newTree(t, map[string]string{
		"stackctl.hcl":            "project = \"ops\"\nlive_dir = \"live\"\n",
		"modules/step/main.tf":    stepModule,
		"live/dev/env.hcl":        "vars = {}\n",
		"live/dev/net/unit.hcl":   "source = \"../../../modules/step\"\ninputs = { name = \"net\" }\n",
		"live/dev/fresh/unit.hcl": "source = \"../../../modules/step\"\ninputs = { name = \"fresh\" }\n",
		"live/dev/other/unit.hcl": "source = \"../../../modules/step\"\ninputs = { name = \"other\" }\n",
		"modules/guarded/main.tf": guardedModule,
		"live/dev/bad/unit.hcl":   "source = \"../../../modules/guarded\"\ninputs = { name = \"bad\" }\n",
	})
}

// An import with configuration to generate: the import blocks and the
// generated configuration reach the unit folder once terraform read the
// object, the plan is checked, and exactly that plan is applied.
func TestImportGeneratesChecksAndApplies(t *testing.T) {
	tr := importTree(t)
	tr.run("apply", Apply, "net")
	specs := map[string]ImportSpec{"net": importsOf(t, "adopted", "terraform_data.adopted", "id-1")}
	plans, _ := tr.run("import", ImportPlan(specs, true), "net", "other")
	wantStatus(t, plans, map[string]Status{"net": Succeeded, "other": Succeeded})
	if m := outcome(t, plans, "other").Message; m != "nothing to import" {
		t.Errorf("other: %q", m)
	}
	net := outcome(t, plans, "net")
	a, _ := net.Data.(*Adoption)
	if a == nil || a.Generated != "generated_adopted.tf" || a.Check == nil || !a.Check.OK || net.Plan == nil {
		t.Fatalf("net: %+v, adoption %+v", net.UnitResult, a)
	}
	if want := []string{"live/dev/net/imports.tf", "live/dev/net/generated_adopted.tf"}; !slices.Equal(a.Written, want) {
		t.Errorf("written %q, want %q", a.Written, want)
	}
	if net.Message != "imports 1; changes nothing else" || a.UnitFile != "live/dev/net/unit.hcl" {
		t.Errorf("net: %q, unit file %q", net.Message, a.UnitFile)
	}
	if got := tr.read("live/dev/net/imports.tf"); !strings.Contains(got, `"id-1"`) {
		t.Errorf("imports.tf:\n%s", got)
	}
	if got := tr.read("live/dev/net/generated_adopted.tf"); !strings.Contains(got, `resource "terraform_data" "adopted"`) {
		t.Errorf("generated configuration:\n%s", got)
	}
	if st := tr.state("net"); st.Instances() != 1 {
		t.Errorf("planning an import wrote state: %d instances", st.Instances())
	}

	res, _ := tr.run("import", ImportApply(plans), "net", "other")
	wantStatus(t, res, map[string]Status{"net": Succeeded, "other": Failed})
	if m := outcome(t, res, "net").Message; m != "imported" {
		t.Errorf("net: %q", m)
	}
	if err := outcome(t, res, "other").Err; err == nil || err.Error() != "other has no import plan" {
		t.Errorf("other: %v", err)
	}
	_, inst, err := tr.state("net").Instance("terraform_data.adopted")
	if err != nil || inst == nil || !strings.Contains(string(inst.Attributes), `"id-1"`) {
		t.Errorf("imported instance %+v, %v", inst, err)
	}

	// Already there: refused, and nothing more is written.
	again, _ := tr.run("import", ImportPlan(specs, true), "net")
	if err := outcome(t, again, "net").Err; err == nil || !strings.Contains(err.Error(), "terraform_data.adopted is already in the state of net") {
		t.Errorf("importing again: %v", err)
	}
}

// An import into an address the module already configures differently
// does more than import: its plan is shown and not applied. Without
// verify, the import blocks are written and nothing is planned.
func TestImportThatDoesMoreIsNotApplied(t *testing.T) {
	tr := importTree(t)
	// other has no state yet: importing into it must not need one.
	specs := map[string]ImportSpec{"other": importsOf(t, "x", "terraform_data.this", "id-7")}
	plans, _ := tr.run("import", ImportPlan(specs, true), "other")
	other := outcome(t, plans, "other")
	a, _ := other.Data.(*Adoption)
	if other.Status != Succeeded || a == nil || a.Check == nil || a.Check.OK || a.Generated != "" || !strings.HasPrefix(other.Message, "does more than import") {
		t.Fatalf("other: %s %v %+v %+v", other.Status, other.Err, other.UnitResult, a)
	}
	res, _ := tr.run("import", ImportApply(plans), "other")
	if err := outcome(t, res, "other").Err; err == nil || !strings.Contains(err.Error(), "does more than import: it is not applied") {
		t.Errorf("applying it: %v", err)
	}
	if tr.state("other") != nil && tr.state("other").Instances() != 0 {
		t.Error("the refused import was applied")
	}

	written, rec := tr.run("import", ImportPlan(map[string]ImportSpec{"fresh": importsOf(t, "y", "terraform_data.new", "id-3")}, false), "fresh")
	fresh := outcome(t, written, "fresh")
	if fresh.Status != Succeeded || fresh.Message != "1 import(s) written" || fresh.Plan != nil {
		t.Errorf("fresh: %s %v %+v", fresh.Status, fresh.Err, fresh.UnitResult)
	}
	if _, err := os.Stat(tr.path("live/dev/fresh/generated_y.tf")); err != nil {
		t.Errorf("no generated configuration in the unit folder: %v", err)
	}
	if slices.Contains(rec.stepsOf("fresh"), "apply") {
		t.Error("an import without verify applied something")
	}
}

// An import whose plan fails leaves the unit folder as it was: the files
// reach it only once a plan has read the objects.
func TestFailedImportWritesNothingInTheUnitFolder(t *testing.T) {
	tr := importTree(t)
	specs := map[string]ImportSpec{"bad": importsOf(t, "adopted", "terraform_data.adopted", "id-5")}
	res, _ := tr.run("import", ImportPlan(specs, true), "bad")
	bad := outcome(t, res, "bad")
	if bad.Status != Failed || bad.Err == nil || !strings.Contains(bad.Err.Error(), "precondition") {
		t.Fatalf("bad: %s %v", bad.Status, bad.Err)
	}
	entries, err := os.ReadDir(tr.path("live/dev/bad"))
	if err != nil || len(entries) != 1 || entries[0].Name() != "unit.hcl" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the unit folder after a failed import holds %q (%v), want unit.hcl alone", names, err)
	}
}

// What import --discover found becomes ImportPlan's specs, by suggested
// unit; a resource without a unit, a known type or an address is left out.
func TestDiscoveredImports(t *testing.T) {
	specs, err := DiscoveredImports([]*adopt.Unmanaged{
		{Unit: "net", Type: "aws_vpc", Address: "aws_vpc.main", ID: "vpc-1"},
		{Unit: "net", Type: "aws_subnet", Address: "aws_subnet.a", ID: "subnet-1"},
		{Unit: "", Type: "aws_vpc", Address: "aws_vpc.other", ID: "vpc-2"},
		{Unit: "app", Type: "", Address: "", ID: "arn:aws:x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	net := specs["net"]
	if len(specs) != 1 || net.Name != "discovered" || len(net.Imports) != 2 || net.Imports[1].To.String() != "aws_subnet.a" || net.Imports[1].ID != "subnet-1" {
		t.Errorf("specs %+v", specs)
	}
	if _, err := DiscoveredImports([]*adopt.Unmanaged{{Unit: "net", Type: "aws_vpc", Address: "not an address!", ID: "x"}}); err == nil {
		t.Error("a bad address was taken")
	}
}
