package report

import (
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/adopt"
	"github.com/stackctl/stackctl/internal/drift"
	"github.com/stackctl/stackctl/internal/ops"
)

func TestWriteAdoption(t *testing.T) {
	addr, err := adopt.ParseAddress("aws_ssm_parameter.partner_key")
	if err != nil {
		t.Fatal(err)
	}
	a := &ops.Adoption{
		Imports:   []adopt.Import{{To: addr, ID: "/app/dev/partner-key"}},
		Written:   []string{"infra/live/dev/database/imports.tf", "infra/live/dev/database/generated_discovered.tf"},
		Fixes:     []adopt.Fix{{Address: "aws_ssm_parameter.partner_key", Attribute: "tags_all", What: "removed: the provider computes it"}},
		Variables: []adopt.Variable{{Name: "partner_key_value", Address: "aws_ssm_parameter.partner_key", Attribute: "value"}},
		Missing:   []string{"partner_key_value"},
		UnitFile:  "infra/live/dev/database/unit.hcl",
		Check: &adopt.Check{Imports: []*adopt.Checked{{
			Address: "aws_ssm_parameter.partner_key", Imported: true, Actions: "update", AddsTags: []string{"ManagedBy"},
			Differences: []*drift.Attribute{{Path: "value", Before: drift.Masked, After: drift.Masked}},
		}}},
	}
	var b strings.Builder
	WriteAdoption(&b, "database", a)
	want := `database: import aws_ssm_parameter.partner_key ← /app/dev/partner-key
  wrote infra/live/dev/database/imports.tf, infra/live/dev/database/generated_discovered.tf
  repaired aws_ssm_parameter.partner_key: tags_all removed: the provider computes it
  secret value of aws_ssm_parameter.partner_key: terraform cannot read it back; input partner_key_value NOT SET: set it in the inputs of infra/live/dev/database/unit.hcl (sensitive) before planning
  plan: imports aws_ssm_parameter.partner_key; default_tags add ManagedBy
  the plan does more than import:
    - aws_ssm_parameter.partner_key: value: the object has (sensitive), the configuration says (sensitive)
`
	if b.String() != want {
		t.Errorf("adoption:\n%s\nwant:\n%s", b.String(), want)
	}
	a.Check = &adopt.Check{OK: true, Imports: []*adopt.Checked{{Address: "aws_ssm_parameter.partner_key", Imported: true, Actions: "no-op"}}}
	a.Missing = nil
	b.Reset()
	WriteAdoption(&b, "database", a)
	if !strings.Contains(b.String(), "input partner_key_value set\n") || !strings.HasSuffix(b.String(), "  plan: imports aws_ssm_parameter.partner_key\n  plan: changes nothing else\n") {
		t.Errorf("a clean import:\n%s", b.String())
	}
}

func TestWriteDiscovered(t *testing.T) {
	var b strings.Builder
	WriteDiscovered(&b, "dev", []*adopt.Unmanaged{
		{Type: "aws_security_group", ID: "sg-1", Unit: "network", Address: "aws_security_group.extra", Reason: "it belongs to vpc-1 (aws_vpc.this)"},
		{ID: "arn:aws:sqs:eu-west-1:1:q", ARN: "arn:aws:sqs:eu-west-1:1:q", Reason: "no unit manages this type of resource or its VPC"},
	})
	want := `TYPE                                  ID                         UNIT     ADDRESS                   WHY
aws_security_group                    sg-1                       network  aws_security_group.extra  it belongs to vpc-1 (aws_vpc.this)
(unknown: arn:aws:sqs:eu-west-1:1:q)  arn:aws:sqs:eu-west-1:1:q  -        -                         no unit manages this type of resource or its VPC

2 resource(s) of dev no unit's state manages.
`
	if b.String() != want {
		t.Errorf("discovered:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	WriteDiscovered(&b, "dev", nil)
	if !strings.Contains(b.String(), "is managed by a unit's state") {
		t.Errorf("nothing found: %s", b.String())
	}
}
