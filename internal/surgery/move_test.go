package surgery

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/state"
)

const twoResources = `{
  "version": 4, "terraform_version": "1.11.4", "serial": 7, "lineage": "L1", "outputs": {},
  "resources": [
    {"mode": "managed", "type": "aws_security_group", "name": "alb", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 1, "attributes": {"id": "sg-1", "vpc_id": "vpc-1"}, "dependencies": ["aws_vpc.main"]}]},
    {"mode": "managed", "type": "aws_security_group_rule", "name": "https", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 2, "attributes": {"id": "sgrule-1", "security_group_id": "sg-1"}, "dependencies": ["aws_security_group.alb", "aws_vpc.main"]}]},
    {"mode": "managed", "type": "aws_vpc", "name": "main", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 1, "attributes": {"id": "vpc-1"}}]}
  ], "check_results": null}`

func TestMoveAcross(t *testing.T) {
	src, err := state.Parse([]byte(twoResources))
	must(t, err)
	dst, err := state.Parse([]byte(`{"version": 4, "terraform_version": "1.11.4", "serial": 2, "lineage": "L2", "outputs": {}, "resources": [], "check_results": null}`))
	must(t, err)
	m, err := MoveAcross(src, "aws_security_group.alb", dst, "aws_security_group.alb")
	must(t, err)
	if m.Objects != 1 || strings.Join(m.IDs, ",") != "sg-1" || strings.Join(m.Dependents, ",") != "aws_security_group_rule.https" {
		t.Errorf("moved: %+v", m)
	}
	_, i, _ := dst.Instance("aws_security_group.alb")
	if i == nil || i.Dependencies != nil {
		t.Fatalf("the moved instance must keep no dependency on resources left behind: %+v", i)
	}
	_, rule, _ := src.Instance("aws_security_group_rule.https")
	if strings.Join(rule.Dependencies, ",") != "aws_vpc.main" {
		t.Errorf("the rule left behind still depends on the moved group: %v", rule.Dependencies)
	}
	if _, err := MoveAcross(src, "aws_security_group.alb", dst, "aws_security_group.alb"); err == nil {
		t.Error("moving what is gone is accepted")
	}
	if _, err := MoveAcross(src, "aws_vpc.main", dst, "aws_subnet.main"); err == nil {
		t.Error("a change of type is accepted")
	}
}

func TestBlockAtAndMovedBlocks(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte("variable \"x\" {}\n\nresource \"aws_security_group\" \"alb\" {\n  name = \"x\"\n}\n"), 0o644))
	if got := BlockAt(dir, "aws_security_group.alb"); got != filepath.Join(dir, "main.tf")+":3" {
		t.Errorf("BlockAt = %q", got)
	}
	if got := BlockAt(dir, "aws_security_group.web"); got != "" {
		t.Errorf("BlockAt of a missing block = %q", got)
	}
	rm, im, err := MovedBlocks("aws_security_group.alb", "aws_security_group.alb", "sg-1")
	must(t, err)
	for _, want := range []string{"removed {", "from = aws_security_group.alb", "destroy = false"} {
		if !strings.Contains(string(rm), want) {
			t.Errorf("removed block lacks %q:\n%s", want, rm)
		}
	}
	for _, want := range []string{"import {", "to = aws_security_group.alb", `id = "sg-1"`} {
		if !strings.Contains(string(im), want) {
			t.Errorf("import block lacks %q:\n%s", want, im)
		}
	}
	if _, _, err := MovedBlocks(`aws_x.y[0]`, `aws_x.y[0]`, "i"); err == nil {
		t.Error("an instance address is accepted for a removed block")
	}
	if _, _, err := MovedBlocks("aws_x.y", "aws_x.", "i"); err == nil || !strings.HasPrefix(err.Error(), `"aws_x." is not a resource address: `) {
		t.Errorf("a bad destination: %v", err)
	}
	if _, err := MovedBlock("aws_x..y", "aws_x.z"); err == nil || !strings.HasPrefix(err.Error(), `"aws_x..y" is not a resource address: `) {
		t.Errorf("a bad source: %v", err)
	}
}
