package drift

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/testutil"
)

// chainOfLocals is l0 = "${local.l1}", …, l<n-1> = var.deep: a value
// computed through n locals.
func chainOfLocals(n int) string {
	var b strings.Builder
	b.WriteString("locals {\n")
	for i := 0; i < n-1; i++ {
		fmt.Fprintf(&b, "  l%d = \"${local.l%d}\"\n", i, i+1)
	}
	fmt.Fprintf(&b, "  l%d = var.deep\n}\n", n-1)
	return b.String()
}

func originModule(t *testing.T) *Module {
	t.Helper()
	dir := testutil.WriteTree(t, map[string]string{
		"main.tf": `variable "deep" {}
resource "aws_ecs_service" "s" {
  name    = "${local.l0}-svc"
  family  = "${local.a}-x"
  cluster = var[0]
  tags = {
    "Team"               = local.team
    "aws:cloudformation" = "stack"
  }
  network_configuration {
    subnets = ["a"]
  }
}
locals {
  a    = "${local.b}"
  b    = "${local.a}"
  team = "core"
}
` + chainOfLocals(16),
	})
	m, diags := LoadModule(dir)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return m
}

// A value computed through a long chain of locals still names the root
// variable it comes from.
func TestOriginThroughManyLocals(t *testing.T) {
	o := originModule(t).Origin("", "aws_ecs_service", "s", nil, []any{"name"})
	if o == nil || o.Line != 3 || !reflect.DeepEqual(o.Variables, []string{"deep"}) {
		t.Errorf("got %+v, want line 3 from var.deep", o)
	}
}

// Locals that refer to each other in a cycle, and a reference that names
// no variable, give the line without inputs: no hang, no crash.
func TestOriginOfOddExpressions(t *testing.T) {
	m := originModule(t)
	for _, c := range []struct {
		path string
		line int
	}{{"family", 4}, {"cluster", 5}} {
		o := m.Origin("", "aws_ecs_service", "s", nil, []any{c.path})
		if o == nil || o.Line != c.line || len(o.Variables) != 0 {
			t.Errorf("%s: got %+v, want line %d without inputs", c.path, o, c.line)
		}
	}
}

// Quoted object keys are found like bare ones.
func TestOriginOfAQuotedKey(t *testing.T) {
	m := originModule(t)
	o := m.Origin("", "aws_ecs_service", "s", nil, []any{"tags", "Team"})
	if o == nil || o.Expression != `"core"` || o.Line != 17 {
		t.Errorf("tags.Team: got %+v, want local.team's \"core\" on line 17", o)
	}
	o = m.Origin("", "aws_ecs_service", "s", nil, []any{"tags", "aws:cloudformation"})
	if o == nil || o.Expression != `"stack"` || o.Line != 8 {
		t.Errorf(`tags["aws:cloudformation"]: got %+v, want "stack" on line 8`, o)
	}
}

// Nothing to point at: an attribute the resource does not write, a block
// whose whole list changed, a block the configuration does not have.
func TestOriginOfWhatIsNotWritten(t *testing.T) {
	m := originModule(t)
	for _, steps := range [][]any{
		{"desired_count"},
		{"network_configuration"},
		{"network_configuration", 1, "subnets"},
		{0},
	} {
		if o := m.Origin("", "aws_ecs_service", "s", nil, steps); o != nil {
			t.Errorf("%v: got %+v, want none", steps, o)
		}
	}
	if o := m.Origin("", "aws_ecs_service", "s", nil, []any{"network_configuration", 0, "subnets"}); o == nil || o.Line != 11 {
		t.Errorf("the block that is written: got %+v, want line 11", o)
	}
}

// A module file that does not parse (cut short, a value missing) is still
// read for what parsed: the origin names the line, with its text on one
// line.
func TestOriginInAFileThatDoesNotParse(t *testing.T) {
	for _, c := range []struct{ src, expr string }{
		{"resource \"a\" \"b\" {\n  x = var.y", "var.y"},
		{"resource \"a\" \"b\" {\n  x = \n}\n", ""}, // no expression: any text, on one line
	} {
		m, diags := LoadModule(testutil.WriteTree(t, map[string]string{"main.tf": c.src}))
		if !diags.HasErrors() {
			t.Errorf("%q: want the parse error reported", c.src)
		}
		o := m.Origin("", "a", "b", nil, []any{"x"})
		if o == nil || o.Line != 2 || strings.Contains(o.Expression, "\n") || (c.expr != "" && o.Expression != c.expr) {
			t.Errorf("%q: got %+v, want line 2 %q", c.src, o, c.expr)
		}
	}
}
