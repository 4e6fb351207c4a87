package state

import "testing"

// A name "module" at the end of an address has no module name after it:
// an error, not an index past the end.
func TestParseAddressTrailingModule(t *testing.T) {
	for _, bad := range []string{`module`, `module.a.module`, `module.a["k"].module`} {
		if a, err := ParseAddress(bad); err == nil {
			t.Errorf("ParseAddress(%q) = %#v; want an error", bad, a)
		}
	}
}
