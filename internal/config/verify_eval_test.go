package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// A name a check uses that the unit does not have is reported at the
// reference, with the names the unit has instead (or that it has none).
func TestVerifyMissingNames(t *testing.T) {
	st := mustLoad(t, withUnit(`
verify "x" {
  timeout  = outputs.wait
  interval = inputs["every"]
  assert {
    condition = length(outputs) > 0 && inputs.port == 80
    message   = "${outputs.b} ${outputs.a}"
  }
}`), "dev")
	u := st.Unit("web")
	specs, diags := st.EvalVerify(u, map[string]cty.Value{"b": cty.StringVal("2"), "a": cty.StringVal("1")}, nil)
	got := located(diags)
	for _, want := range []string{
		`unit.hcl:3:14: Unknown output in verify x; Unit web has no output "wait". Its outputs: a, b; outputs are read from the unit's state, so a new output needs an apply first.`,
		`unit.hcl:4:14: Unknown input in verify x; Unit web has no input "every". It has no inputs.`,
		`unit.hcl:6:40: Unknown input in verify x; Unit web has no input "port". It has no inputs.`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n") + 1; n != 3 || len(specs) != 1 || len(specs[0].Diags) != 3 || specs[0].Assert != nil {
		t.Errorf("%d diagnostics (want 3), specs %+v", n, specs)
	}

	ins := map[string]cty.Value{"every": cty.StringVal("5s"), "port": cty.NumberIntVal(80), "tls": cty.True}
	specs, diags = st.EvalVerify(u, nil, ins)
	if got := located(diags); !strings.Contains(got, `no output "wait". It has no outputs; outputs are read from the unit's state`) ||
		!strings.Contains(got, `no output "b". It has no outputs;`) || strings.Contains(got, "input") {
		t.Errorf("with no outputs: %s", got)
	}
	outs := map[string]cty.Value{"wait": cty.StringVal("1m"), "a": cty.StringVal("1"), "b": cty.StringVal("2")}
	if _, diags = st.EvalVerify(u, outs, map[string]cty.Value{"port": cty.NumberIntVal(80)}); !strings.Contains(located(diags), `no input "every". Its inputs: port.`) {
		t.Errorf("with other inputs: %s", located(diags))
	}
	specs, diags = st.EvalVerify(u, outs, ins)
	if diags.HasErrors() || !specs[0].Assert.Passed || specs[0].Assert.Message != "2 1" || specs[0].Interval.String() != "5s" || specs[0].Timeout.String() != "1m0s" {
		t.Fatalf("%+v %+v: %s", specs[0], specs[0].Assert, located(diags))
	}
}

// Every sensitive output and input of the unit is a secret of every
// check, used by the check or not: an answer may echo any of them.
func TestVerifySecretsOfTheWholeUnit(t *testing.T) {
	st := mustLoad(t, withUnit(`
verify "a" {
  assert {
    condition = outputs.ok
    message   = "m"
  }
}
verify "b" {
  enabled = outputs.ok
  assert {
    condition = outputs.missing
    message   = "m"
  }
}`), "dev")
	outs := map[string]cty.Value{"ok": cty.True, "key": cty.StringVal("out-secret").Mark(Sensitive), "plain": cty.StringVal("out-plain")}
	ins := map[string]cty.Value{"pw": cty.StringVal("in-secret").Mark(Sensitive), "name": cty.StringVal("in-plain")}
	specs, diags := st.EvalVerify(st.Unit("web"), outs, ins)
	if len(specs) != 2 || !specs[1].Diags.HasErrors() || len(diags) != 1 {
		t.Fatalf("specs %+v: %s", specs, located(diags))
	}
	for _, s := range specs {
		slices.Sort(s.Secrets)
		if !slices.Equal(s.Secrets, []string{"in-secret", "out-secret"}) {
			t.Errorf("%s: secrets %q", s.Name, s.Secrets)
		}
	}
}

// enabled is read only when the names a check uses are all there; false
// leaves the check out, a value that is not a bool is an error of the
// check.
func TestVerifyEnabled(t *testing.T) {
	st := mustLoad(t, withUnit(`
verify "x" {
  enabled = outputs.on
  dns {
    name = outputs.name
  }
}`), "dev")
	u := st.Unit("web")
	name := cty.StringVal("app.example.com")
	for _, tt := range []struct {
		on    cty.Value
		specs int
		diag  string
	}{
		{cty.True, 1, ""},
		{cty.False, 0, ""},
		{cty.NullVal(cty.Bool), 1, "unit.hcl:3:13: Invalid enabled; enabled is true or false: enabled = !inputs.aws_emulator."},
		{cty.UnknownVal(cty.Bool), 1, "Invalid enabled"},
		{cty.StringVal("true"), 1, "Invalid enabled"},
		{cty.True.Mark(Sensitive), 1, ""},
	} {
		specs, diags := st.EvalVerify(u, map[string]cty.Value{"on": tt.on, "name": name}, nil)
		wantDiag(t, tt.on.GoString(), located(diags), tt.diag)
		if len(specs) != tt.specs {
			t.Fatalf("enabled = %#v: %d specs, want %d", tt.on, len(specs), tt.specs)
		}
		if tt.specs == 1 && tt.diag == "" && (specs[0].DNS == nil || specs[0].DNS.Name != "app.example.com") {
			t.Errorf("enabled = %#v: %+v", tt.on, specs[0])
		}
	}
	// Without the output enabled reads, the error is that, not its name.
	specs, diags := st.EvalVerify(u, map[string]cty.Value{"name": name}, nil)
	if len(specs) != 1 || !strings.Contains(located(diags), "unit.hcl:3:20: Unsupported attribute") {
		t.Errorf("%d specs: %s", len(specs), located(diags))
	}
	// A check whose names are missing is reported even where enabled is
	// false: enabled is not read then.
	specs, diags = st.EvalVerify(u, map[string]cty.Value{"on": cty.False}, nil)
	if len(specs) != 1 || !strings.Contains(located(diags), `unit.hcl:5:12: Unknown output in verify x; Unit web has no output "name". Its outputs: on;`) {
		t.Errorf("%d specs: %s", len(specs), located(diags))
	}
}

// A value a check needs that is still unknown after apply is an error;
// before apply (at load) it is only skipped.
func TestVerifyUnknownValueAfterApply(t *testing.T) {
	check := checkWith(t, "  tls {\n    host = outputs.v\n  }")
	_, diags := check(cty.UnknownVal(cty.String))
	wantDiag(t, "unknown", diags, "unit.hcl:3:12: Value not known; host is not known: every value a check uses must be known after apply.")
	// At load the known min_days is checked, the unknown host is not.
	_, ld := load(t, withUnit("verify \"x\" {\n  tls {\n    host     = outputs.v\n    min_days = 9999\n  }\n}\n"), "dev", nil)
	if got := located(ld); !strings.Contains(got, "unit.hcl:4:16: Invalid min_days") || strings.Contains(got, "not known") || len(ld) != 1 {
		t.Errorf("load: %s", got)
	}
}
