package config

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// Terraform's length() counts an object's attributes (a module output
// built with a for expression is an object in state, so verify asserts
// meet one: length(outputs.listener_rules) > 0). cty's stdlib length
// rejects objects; funcs.go is being moved to go-cty-funcs, whose length
// is Terraform's, and this test holds that move to it.
func TestLengthOfAnObject(t *testing.T) {
	for src, want := range map[string]int64{`length({a = 1})`: 1, `length({})`: 0, `length({a = 1, b = "x"})`: 2} {
		v, diags := eval(t, src)
		if diags.HasErrors() {
			t.Errorf("%s: %s", src, diags.Error())
			continue
		}
		if !v.Equals(cty.NumberIntVal(want)).True() {
			t.Errorf("%s = %#v, want %d", src, v, want)
		}
	}
}
