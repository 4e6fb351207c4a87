package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/testutil/tofu"
)

// The core of stackctl with OpenTofu instead of terraform
// (terraform { binary = "tofu" }): plan, apply in dependency order with
// dependency outputs read from the state OpenTofu wrote, output, a no-op
// plan, run, destroy. OpenTofu is built once from the Go module proxy's
// copy of its source (internal/testutil/tofu).
func TestOpenTofu(t *testing.T) {
	t.Parallel()
	bin := tofu.Path(t)
	files := chain()
	files["stackctl.hcl"] = strings.Replace(rootFile, `version = ">= 1.5"`, `version = ">= 1.5"
  binary  = "`+bin+`"`, 1)
	tr := newTree(t, files)
	r := tr.must(0, "plan", "dev")
	contains(t, "plan", r.stdout, "OpenTofu will perform the following actions", "plan dev: 4 succeeded")
	r = tr.must(0, "apply", "dev", "--auto-approve")
	contains(t, "apply", r.stdout, "apply dev: 4 succeeded")
	r = tr.must(0, "output", "dev", "-u", "service", "--json")
	contains(t, "service's output", r.stdout, `"service(database(network()))"`)
	r = tr.must(0, "plan", "dev", "--detailed-exitcode")
	contains(t, "no-op plan", r.stdout, "no changes")
	r = tr.must(0, "run", "dev", "-u", "network", "--", "state", "list")
	contains(t, "run", r.stdout, "terraform_data.this")

	// The state OpenTofu wrote is read and written back byte for byte.
	data, err := os.ReadFile(tr.path(".stackctl/state/dev/service/terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Parse(data)
	if err != nil {
		t.Fatalf("OpenTofu's state: %v\n%s", err, data)
	}
	out, err := st.Marshal()
	if err != nil || string(out) != string(data) {
		t.Errorf("OpenTofu's state does not round-trip (%v):\n%s\n---\n%s", err, out, data)
	}

	r = tr.must(0, "destroy", "dev", "--auto-approve")
	contains(t, "destroy", r.stdout, "destroy dev: 4 succeeded")
	if got := lines(tr.read("order.log")); len(got) != 8 || got[7] != "destroy network" {
		t.Errorf("order.log %q", got)
	}
}
