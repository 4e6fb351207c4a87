package ops

import (
	"context"
	"slices"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/testutil"
)

// Inputs that read a dependency's whole outputs object make its set of
// output names part of what a saved plan was made with: a new output makes
// the plan stale, as a changed value does; a mock stands in and is said.
func TestDependencyUsesOfTheWholeOutputsObject(t *testing.T) {
	dir := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":          "project = \"p\"\nlive_dir = \"live\"\n",
		"live/dev/env.hcl":      "vars = {}\n",
		"live/dev/net/unit.hcl": "",
		"live/dev/app/unit.hcl": `
dependency "net" {
  path         = "../net"
  mock_outputs = { vpc_id = "vpc-mock" }
}
inputs = { all = dependency.net.outputs, vpc = dependency.net.outputs.vpc_id }
`,
	})
	e, err := Load(Options{Dir: dir, Env: "dev", Getenv: func(string) (string, bool) { return "", false }, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	u := e.Unit("app")
	deps, err := e.DependencyOutputs(context.Background(), u, MocksAllowed, false)
	if err != nil {
		t.Fatal(err)
	}
	mocked := dependencyUses(u, deps)
	if len(mocked) != 1 || !mocked[0].Mock || mocked[0].Unit != "net" {
		t.Fatalf("uses with net's mocks: %+v", mocked)
	}
	from := func(vals map[string]cty.Value) []DependencyUse {
		return dependencyUses(u, map[string]config.DependencyOutputs{"net": {Values: vals, From: "the state of net"}})
	}
	was := from(map[string]cty.Value{"vpc_id": cty.StringVal("vpc-1"), "cidr": cty.StringVal("10.0.0.0/16")})
	var names []string
	for n := range was[0].Outputs {
		names = append(names, n)
	}
	slices.Sort(names)
	if want := []string{config.AllOutputs, "cidr", "vpc_id"}; was[0].Mock || !slices.Equal(names, want) {
		t.Errorf("outputs hashed %q (mock %t), want %q", names, was[0].Mock, want)
	}
	if s := StaleOutputs(was, from(map[string]cty.Value{"vpc_id": cty.StringVal("vpc-1"), "cidr": cty.StringVal("10.0.0.0/16")})); len(s) != 0 {
		t.Errorf("same outputs reported stale: %q", s)
	}
	grown := from(map[string]cty.Value{"vpc_id": cty.StringVal("vpc-1"), "cidr": cty.StringVal("10.0.0.0/16"), "extra": cty.True})
	if s := StaleOutputs(was, grown); !slices.Equal(s, []string{"net (its set of outputs)"}) {
		t.Errorf("a new output: stale %q, want the set of outputs", s)
	}
	changed := from(map[string]cty.Value{"vpc_id": cty.StringVal("vpc-2"), "cidr": cty.StringVal("10.0.0.0/16")})
	if s := StaleOutputs(was, changed); !slices.Equal(s, []string{"net.vpc_id"}) {
		t.Errorf("a changed output: stale %q, want net.vpc_id", s)
	}
	// Unknown (no state, best effort) and absent outputs hash apart from
	// any value.
	unknown := dependencyUses(u, map[string]config.DependencyOutputs{"net": {Unknown: true}})
	if unknown[0].Outputs["vpc_id"] != "unknown" {
		t.Errorf("unknown dependency: %+v", unknown[0].Outputs)
	}
	if absent := from(map[string]cty.Value{}); absent[0].Outputs["vpc_id"] != "absent" {
		t.Errorf("absent output: %+v", absent[0].Outputs)
	}
}
