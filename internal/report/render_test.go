package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/ops"
)

func rendered() []ops.RenderedUnit {
	no, yes := false, true
	return []ops.RenderedUnit{
		{Path: "network", File: "infra/live/prod/network/unit.hcl",
			Source:        ops.RenderedSource{Raw: "../../../modules//network", Kind: "local", Path: "infra/modules", Subdir: "network"},
			Backend:       ops.RenderedBackend{Type: "s3", State: "s3://bucket/prod/network.tfstate"},
			BackendConfig: map[string]cty.Value{"key": cty.StringVal("prod/network.tfstate"), "bucket": cty.StringVal("bucket")},
			InputOrder:    []string{"cidr", "region", "tags", "typo"},
			Inputs: map[string]ops.RenderedInput{
				"cidr":   {Layer: "unit", File: "infra/live/prod/network/unit.hcl", Line: 3, Column: 3, Text: "\"10.0.0.0/16\"", Val: cty.StringVal("10.0.0.0/16"), Passed: &yes, Overrides: []string{"env", "root"}},
				"region": {Layer: "env", File: "infra/live/prod/env.hcl", Line: 2, Column: 12, Text: "\"eu-west-1\"", Val: cty.StringVal("eu-west-1"), Passed: &no},
				"tags":   {Layer: "root", File: "stackctl.hcl", Line: 4, Column: 3, Text: "{\n  team =   \"web\"\n}", Val: cty.ObjectVal(map[string]cty.Value{"team": cty.StringVal("web")})},
				"typo":   {Layer: "unit", File: "infra/live/prod/network/unit.hcl", Line: 4, Column: 3, Text: strings.Repeat("x", 70), Val: cty.StringVal("x"), Passed: &no},
			}},
		{Path: "own", File: "infra/live/prod/own/unit.hcl", Source: ops.RenderedSource{Kind: "none"},
			Backend: ops.RenderedBackend{Type: "local", State: "/tmp/own.tfstate"}},
		{Path: "svc", File: "infra/live/prod/svc/unit.hcl", Source: ops.RenderedSource{Raw: "git::https://x/svc.git?ref=v1", Kind: "remote"},
			Backend:      ops.RenderedBackend{Type: "local", State: "/tmp/svc.tfstate"},
			Dependencies: []ops.RenderedDep{{Name: "net", Path: "network", From: "state"}},
			InputOrder:   []string{"vpc"},
			Inputs:       map[string]ops.RenderedInput{"vpc": {Layer: "unit", File: "infra/live/prod/svc/unit.hcl", Line: 6, Column: 3, Text: "(known after apply)", Val: cty.StringVal("(known after apply)")}}},
	}
}

func TestRenderText(t *testing.T) {
	var b bytes.Buffer
	WriteRenderText(&b, rendered(), false)
	want := `unit network (infra/live/prod/network/unit.hcl)
  source   ../../../modules//network → infra/modules (runs in network)
  backend  s3 s3://bucket/prod/network.tfstate
  inputs
    cidr  = "10.0.0.0/16"                                                 unit  infra/live/prod/network/unit.hcl:3:3 (overrides env, root)
    tags  = { team = "web" }                                              root  stackctl.hcl:4:3
    typo  = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…  unit  infra/live/prod/network/unit.hcl:4:3 — not passed: the module declares no such variable
  (1 shared root/env input(s) this module declares no variable for are not shown; --all shows them)

unit own (infra/live/prod/own/unit.hcl)
  source   (none: the unit folder's own .tf files)
  backend  local /tmp/own.tfstate
  inputs   (none)

unit svc (infra/live/prod/svc/unit.hcl)
  source   git::https://x/svc.git?ref=v1
  backend  local /tmp/svc.tfstate
  depends  net → network (outputs from state)
  inputs
    vpc  = (known after apply)  unit  infra/live/prod/svc/unit.hcl:6:3
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	WriteRenderText(&b, rendered()[:1], true)
	if !strings.Contains(b.String(), "    region  = \"eu-west-1\"") || strings.Contains(b.String(), "not shown") {
		t.Errorf("--all:\n%s", b.String())
	}
}

func TestRenderHCL(t *testing.T) {
	var b bytes.Buffer
	WriteRenderHCL(&b, rendered()[1:])
	want := `# unit own (infra/live/prod/own/unit.hcl)
backend "local" {
}
inputs = {}

# unit svc (infra/live/prod/svc/unit.hcl)
source = "git::https://x/svc.git?ref=v1"
backend "local" {
}
inputs = {
  vpc = "(known after apply)"
}
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	WriteRenderHCL(&b, rendered()[:1])
	if !strings.Contains(b.String(), "backend \"s3\" {\n  bucket = \"bucket\"\n  key    = \"prod/network.tfstate\"\n}\n") {
		t.Errorf("backend settings:\n%s", b.String())
	}
}

func TestRenderJSONOfNoUnits(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRenderJSON(&b, "prod", nil); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"environment\": \"prod\",\n  \"units\": []\n}\n"; b.String() != want {
		t.Errorf("got %q", b.String())
	}
}
