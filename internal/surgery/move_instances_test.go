package surgery

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/state"
)

const countedState = `{
  "version": 4, "terraform_version": "1.11.4", "serial": 7, "lineage": "L1", "outputs": {},
  "resources": [
    {"mode": "managed", "type": "aws_instance", "name": "web", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [
       {"index_key": 0, "schema_version": 1, "attributes": {"id": "i-0"}, "dependencies": ["aws_instance.web", "aws_vpc.main", "aws_subnet.a"]},
       {"index_key": 1, "schema_version": 1, "attributes": {"id": "i-1"}, "dependencies": ["aws_vpc.main"]}
     ]},
    {"mode": "managed", "type": "aws_eip", "name": "web", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 0, "attributes": {"id": "eip-1"}, "dependencies": ["aws_instance.web"]}]},
    {"mode": "managed", "type": "aws_vpc", "name": "main", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 1, "attributes": {"id": "vpc-1"}}]}
  ], "check_results": null}`

const vpcState = `{"version": 4, "terraform_version": "1.11.4", "serial": 2, "lineage": "L2", "outputs": {}, "resources": [
    {"mode": "managed", "type": "aws_vpc", "name": "main", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 1, "attributes": {"id": "vpc-1"}}]}], "check_results": null}`

// One instance of a counted resource moves alone: the resources left
// behind keep their dependency on the rest of it, and the moved one keeps
// those on what its new state has.
func TestMoveAcrossOneInstance(t *testing.T) {
	src, err := state.Parse([]byte(countedState))
	must(t, err)
	dst, err := state.Parse([]byte(vpcState))
	must(t, err)
	m, err := MoveAcross(src, "aws_instance.web[0]", dst, "aws_instance.web[0]")
	must(t, err)
	if m.Objects != 1 || strings.Join(m.IDs, ",") != "i-0" || m.Dependents != nil {
		t.Errorf("moved %+v", m)
	}
	_, i, _ := dst.Instance("aws_instance.web[0]")
	if i == nil || strings.Join(i.Dependencies, ",") != "aws_instance.web,aws_vpc.main" {
		t.Fatalf("the moved instance's dependencies: %+v", i)
	}
	_, eip, _ := src.Instance("aws_eip.web")
	if strings.Join(eip.Dependencies, ",") != "aws_instance.web" {
		t.Errorf("the eip left behind lost its dependency on the instance left: %v", eip.Dependencies)
	}
	if _, err := MoveAcross(src, "aws_instance.web[5]", dst, "aws_instance.web[5]"); err == nil || err.Error() != "aws_instance.web[5] is not in the state" {
		t.Errorf("a missing instance: %v", err)
	}
	// The last one left is the whole resource: the eip's entry goes.
	m, err = MoveAcross(src, "aws_instance.web[1]", dst, "aws_instance.web[1]")
	must(t, err)
	if strings.Join(m.Dependents, ",") != "aws_eip.web" || eip.Dependencies != nil {
		t.Errorf("moved %+v, eip depends on %v", m, eip.Dependencies)
	}
	_, i, _ = dst.Instance("aws_instance.web[1]")
	if strings.Join(i.Dependencies, ",") != "aws_vpc.main" {
		t.Errorf("dependencies %v", i.Dependencies)
	}
}

// Within one state, a move is terraform state mv: dependencies stay.
func TestMoveAcrossWithinOneState(t *testing.T) {
	src, err := state.Parse([]byte(countedState))
	must(t, err)
	m, err := MoveAcross(src, "aws_instance.web", src, "aws_instance.app")
	must(t, err)
	if m.Objects != 2 || strings.Join(m.IDs, ",") != "i-0,i-1" || m.Dependents != nil {
		t.Errorf("moved %+v", m)
	}
	_, eip, _ := src.Instance("aws_eip.web")
	if strings.Join(eip.Dependencies, ",") != "aws_instance.web" {
		t.Errorf("the eip's dependencies: %v", eip.Dependencies)
	}
	_, i, _ := src.Instance("aws_instance.app[0]")
	if strings.Join(i.Dependencies, ",") != "aws_instance.web,aws_vpc.main,aws_subnet.a" {
		t.Errorf("the moved instance's dependencies: %v", i.Dependencies)
	}
}

func TestBlockAtKinds(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "a.tf"), []byte("resource \"aws_x\" \"other\" {}\nresource \"aws_y\" \"one\" {}\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "b.tf"), []byte("\ndata \"aws_x\" \"one\" {}\nresource \"aws_x\" \"one\" {}\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "broken.tf"), []byte("resource \"aws_z\" \"one\" {\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "c.tf.json"), []byte(`{"resource": {"aws_w": {"one": {}}}}`), 0o644))
	must(t, os.Mkdir(filepath.Join(dir, "d.tf"), 0o755))
	cases := map[string]string{
		"aws_x.one":          filepath.Join(dir, "b.tf") + ":3",
		"data.aws_x.one":     filepath.Join(dir, "b.tf") + ":2",
		"aws_y.one":          filepath.Join(dir, "a.tf") + ":2",
		"aws_x.one[0]":       filepath.Join(dir, "b.tf") + ":3",
		"module.m.aws_x.one": "",
		"aws_z.one":          "",
		"aws_w.one":          "",
		"not an address":     "",
		"data.aws_y.one":     "",
		"aws_x.none":         "",
	}
	for addr, want := range cases {
		if got := BlockAt(dir, addr); got != want {
			t.Errorf("BlockAt(%s) = %q, want %q", addr, got, want)
		}
	}
	if got := BlockAt(filepath.Join(dir, "missing"), "aws_x.one"); got != "" {
		t.Errorf("a missing folder: %q", got)
	}
}
