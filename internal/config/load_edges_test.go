package config

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/testutil"
)

// hclIdentifier claims to be hclsyntax.ValidIdentifier for ASCII names:

// A substring of one "/" is literal, as in Terraform: only "/…/" of two

// A template sees the file functions, relative to the same folder, but not

// duration's bounds, 15m and 12h, are allowed.
func TestAssumeRoleDurationBounds(t *testing.T) {
	tree := func(d string) map[string]string {
		return map[string]string{"stackctl.hcl": "project = \"p\"\n", "infra/live/dev/a/unit.hcl": "",
			"infra/live/dev/env.hcl": "assume_role {\n  role_arn = \"arn:aws:iam::111111111111:role/r\"\n  duration = \"" + d + "\"\n}\n"}
	}
	for d, ok := range map[string]bool{"15m": true, "12h": true, "14m59s": false, "12h0m1s": false} {
		_, diags := loadWith(t, tree(d), nil)
		if diags.HasErrors() == ok {
			t.Errorf("duration %s: %v", d, diags)
		}
	}
}

// When the environment's role cannot be used the error points at the

// assume_role block, or at env.hcl when the failure is not the role's.
func TestEnvReadyErrorSubject(t *testing.T) {
	for env, line := range map[string]int{
		"vars = { a = 1 }\nassume_role {\n  role_arn = \"arn:aws:iam::1:role/x\"\n}\n": 2,
		"vars = { a = 1 }\n": 0,
	} {
		files := map[string]string{"stackctl.hcl": "project = \"p\"\n", "infra/live/dev/env.hcl": env, "infra/live/dev/a/unit.hcl": ""}
		_, diags := loadWith(t, files, func(*Env) error { return errFake })
		if len(diags) != 1 || diags[0].Subject == nil {
			t.Fatalf("%q: %v", env, diags)
		}
		if s := diags[0].Subject; s.Start.Line != line || !strings.HasSuffix(s.Filename, "env.hcl") {
			t.Errorf("%q: subject %v, want env.hcl line %d", env, s, line)
		}
	}
}

// A generate block written only in the root file, or only in a unit, is

// generated (no other layer has one).
func TestGenerateFromASingleLayer(t *testing.T) {
	block := "generate \"p\" {\n  path     = \"p.tf\"\n  contents = \"# p\\n\"\n}\n"
	for name, files := range map[string]map[string]string{
		"root": {"stackctl.hcl": "project = \"p\"\n" + block, "infra/live/dev/env.hcl": "", "infra/live/dev/a/unit.hcl": "source = \"../../../modules/m\"\n"},
		"unit": {"stackctl.hcl": "project = \"p\"\n", "infra/live/dev/env.hcl": "", "infra/live/dev/a/unit.hcl": "source = \"../../../modules/m\"\n" + block},
		"env":  {"stackctl.hcl": "project = \"p\"\n", "infra/live/dev/env.hcl": block, "infra/live/dev/a/unit.hcl": "source = \"../../../modules/m\"\n"},
		"include": {"stackctl.hcl": "project = \"p\"\n", "infra/live/dev/env.hcl": "", "infra/units/p.hcl": block,
			"infra/live/dev/a/unit.hcl": "source = \"../../../modules/m\"\ninclude \"p\" { path = \"../../../units/p.hcl\" }\n"},
	} {
		files["infra/modules/m/main.tf"] = ""
		st, diags := NewLoader(Options{Dir: testutil.WriteTree(t, files)}).Load("dev")
		if diags.HasErrors() {
			t.Fatalf("%s: %v", name, diags)
		}
		if g := st.Unit("a").GenerateFor("p.tf"); g == nil || !strings.HasSuffix(g.Contents, "# p\n") {
			t.Errorf("%s only: p.tf is %+v", name, g)
		}
	}
}

// The same error from every unit is reported once; the same message at two

// places is two errors, and one without a place is kept too.
func TestAppendUniqueKeysOnThePlace(t *testing.T) {
	at := func(line int) *hcl.Range {
		return &hcl.Range{Filename: "stackctl.hcl", Start: hcl.Pos{Line: line}, End: hcl.Pos{Line: line}}
	}
	mk := func(s *hcl.Range) *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Bad local", Detail: "d", Subject: s}
	}
	got := appendUnique(nil, []hcl.Diagnostics{{mk(at(1)), mk(at(2)), mk(nil)}, {mk(at(1)), mk(at(2)), mk(nil)}})
	if len(got) != 3 || got[0].Subject.Start.Line != 1 || got[1].Subject.Start.Line != 2 || got[2].Subject != nil {
		t.Fatalf("got %v", got)
	}
}

// Inputs come sorted by name, whatever order they are written or merged in.
func TestInputsAreSortedByName(t *testing.T) {
	st := mustLoad(t, map[string]string{"stackctl.hcl": "project = \"p\"\n", "infra/live/dev/env.hcl": "",
		"infra/modules/m/main.tf": "", "infra/live/dev/a/unit.hcl": "source = \"../../../modules/m\"\ninputs = {\n  b = 1\n  c = 2\n  a = 3\n}\n"}, "dev")
	ins, diags := st.Inputs(st.Unit("a"), nil)
	var names []string
	for _, in := range ins {
		names = append(names, in.Name)
	}
	if diags.HasErrors() || strings.Join(names, ",") != "a,b,c" {
		t.Fatalf("inputs %v, %v", names, diags)
	}
}

// An env.hcl whose vars are empty says so, rather than listing nothing.
func TestUnknownEnvVarWithEmptyVars(t *testing.T) {
	st := mustLoad(t, map[string]string{"stackctl.hcl": "project = \"p\"\n", "infra/live/dev/env.hcl": "vars = {}\n",
		"infra/modules/m/main.tf": "", "infra/live/dev/a/unit.hcl": "source = \"../../../modules/m\"\ninputs = { r = env.region }\n"}, "dev")
	_, diags := st.Inputs(st.Unit("a"), nil)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "defines no `region`; it defines no vars") {
		t.Fatalf("%v", diags)
	}
}

// A reference to a dependency that a unit without dependency blocks does

// not have tells how to declare one.
func TestUnknownDependencyWithNoneDeclared(t *testing.T) {
	st := mustLoad(t, map[string]string{"stackctl.hcl": "project = \"p\"\n", "infra/live/dev/env.hcl": "",
		"infra/modules/m/main.tf": "", "infra/live/dev/a/unit.hcl": "source = \"../../../modules/m\"\ninputs = { v = dependency.net.outputs.id }\n"}, "dev")
	_, diags := st.Inputs(st.Unit("a"), nil)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), `has no dependency block named "net". Declare one: dependency "net" { path = "../net" }.`) {
		t.Fatalf("%v", diags)
	}
}

// An output asked of a dependency that has none says it has none, rather

// than listing an empty set.
func TestMissingOutputOfADependencyWithNone(t *testing.T) {
	st := mustLoad(t, map[string]string{"stackctl.hcl": "project = \"p\"\n", "infra/live/dev/env.hcl": "",
		"infra/modules/m/main.tf": "", "infra/live/dev/net/unit.hcl": "source = \"../../../modules/m\"\n",
		"infra/live/dev/a/unit.hcl": "source = \"../../../modules/m\"\ndependency \"net\" { path = \"../net\" }\ninputs = { v = dependency.net.outputs.id }\n"}, "dev")
	_, diags := st.Inputs(st.Unit("a"), map[string]DependencyOutputs{"net": {Values: map[string]cty.Value{}, From: "state"}})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), `has no output "id" in state. It has no outputs.`) {
		t.Fatalf("%v", diags)
	}
}

// The retry block's bounds are allowed: 1 and 20 attempts, waits of 0s and
// 10m; one step beyond each is refused.
func TestRetryBounds(t *testing.T) {
	for block, ok := range map[string]bool{
		"max_attempts = 1": true, "max_attempts = 20": true, "max_attempts = 21": false,
		`wait = "0s"`: true, `wait = "10m"`: true, `wait = "-1s"`: false, `wait = "10m1s"`: false,
	} {
		files := map[string]string{"stackctl.hcl": "project = \"p\"\nretry {\n  " + block + "\n}\n", "infra/live/dev/env.hcl": "", "infra/live/dev/a/unit.hcl": ""}
		_, diags := load(t, files, "dev", nil)
		if diags.HasErrors() == ok {
			t.Errorf("retry { %s }: %v", block, diags)
		}
	}
}
