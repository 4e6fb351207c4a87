package e2e

import "testing"

// Before the state bucket exists, validate still validates every unit
// (best effort: a dependency's outputs are unknown), and says why the
// outputs are unknown, once per unit, in the summary too.
func TestValidateSaysWhichStateItCouldNotRead(t *testing.T) {
	t.Parallel()
	tr, _, _ := s3Tree(t, nil) // not bootstrapped: no bucket
	r := tr.Must(0, "validate", "dev")
	contains(t, "validate before bootstrap", r.Stdout+r.Stderr,
		"showing the outputs of network as unknown: reading the state of network",
		"showing the outputs of database as unknown: reading the state of database",
		"validate dev: 4 succeeded")
}
