package terraform

import (
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
