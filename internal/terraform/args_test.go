package terraform

import (
	"fmt"
	"strings"
	"testing"
)

func TestPassThrough(t *testing.T) {
	p, err := ParsePassThrough([]string{"-target=aws_vpc.main", "-replace", "aws_instance.a", "-refresh=false", "-var", "x=1", "--parallelism=3", "-lock"}, "/work")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Plan) != 6 {
		t.Fatalf("got %d options", len(p.Plan))
	}
	// Applying the saved plan takes -parallelism and -lock again; the
	// others are already in the plan.
	if len(p.Apply) != 2 {
		t.Fatalf("got %d apply options, want 2 (-parallelism, -lock)", len(p.Apply))
	}
	for _, bad := range [][]string{{"-destroy"}, {"-target"}, {"-parallelism=0"}, {"-refresh=maybe"}} {
		if _, err := ParsePassThrough(bad, "/"); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	_, err = ParsePassThrough([]string{"-auto-approve"}, "/")
	if err == nil || !strings.Contains(err.Error(), "cannot pass -auto-approve") {
		t.Errorf("error %v", err)
	}
}

func TestCompleteLineCounts(t *testing.T) {
	cases := map[string]Changes{
		"Apply complete! Resources: 1 imported, 2 added, 3 changed, 4 destroyed.\n": {Import: 1, Add: 2, Change: 3, Destroy: 4},
		"Apply complete! Resources: 0 added, 0 changed, 0 destroyed.\n":             {},
		"Destroy complete! Resources: 5 destroyed.\n":                               {Destroy: 5},
		"Plan: 9 to add, 0 to change, 0 to destroy.\nno summary here\n":             {},
	}
	for in, want := range cases {
		var c completeLine
		// Written in two pieces: the line must be read whole.
		_, _ = c.Write([]byte(in[:7]))
		_, _ = c.Write([]byte(in[7:]))
		if got := c.changes(); got != want {
			t.Errorf("%q: %+v, want %+v", in, got, want)
		}
	}
}

// Each argument becomes the option with its own value: a count of options
// would not notice -refresh=false turned into -refresh=true, or a relative
// -var-file left relative to a working folder it was not typed in.
func TestPassThroughValues(t *testing.T) {
	p, err := ParsePassThrough([]string{"-refresh=false", "-var-file=env/dev.tfvars", "-var-file", "/abs/x.tfvars", "-lock=false", "-target=aws_vpc.main", "-var", "a=1", "-parallelism", "7"}, "/work/repo")
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for _, o := range p.Plan {
		plan = append(plan, fmt.Sprintf("%#v", o))
	}
	got := strings.Join(plan, "\n")
	for _, want := range []string{"refresh:false", `path:"/work/repo/env/dev.tfvars"`, `path:"/abs/x.tfvars"`, "lock:false", `target:"aws_vpc.main"`, `assignment:"a=1"`, "parallelism:7"} {
		if !strings.Contains(got, want) {
			t.Errorf("plan options lack %s:\n%s", want, got)
		}
	}
	var apply []string
	for _, o := range p.Apply {
		apply = append(apply, fmt.Sprintf("%#v", o))
	}
	if a := strings.Join(apply, "\n"); !strings.Contains(a, "lock:false") || !strings.Contains(a, "parallelism:7") || strings.Contains(a, "refresh") {
		t.Errorf("apply options of a saved plan: %s", a)
	}
	if len(p.Auto) != len(p.Plan) {
		t.Errorf("an apply that plans itself takes every option: %d of %d", len(p.Auto), len(p.Plan))
	}
	p, _ = ParsePassThrough([]string{"-refresh"}, "/")
	if s := fmt.Sprintf("%#v", p.Plan[0]); !strings.Contains(s, "refresh:true") {
		t.Errorf("-refresh alone: %s", s)
	}
}
