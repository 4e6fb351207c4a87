package state

import (
	"errors"
	"testing"
)

// A list index one past the end leads nowhere, for reading and for
// setting; it is not a crash.
func TestAttributeIndexBounds(t *testing.T) {
	i := &Instance{Attributes: []byte(`{"ports":[80,443]}`)}
	if v, err := i.Attribute("ports", 1); err != nil || v == nil {
		t.Fatalf("ports[1] = %v, %v", v, err)
	}
	for _, n := range []int{2, -1} {
		if v, err := i.Attribute("ports", n); !errors.Is(err, ErrNoAttribute) {
			t.Errorf("ports[%d] = %v, %v; want ErrNoAttribute", n, v, err)
		}
		if err := i.SetAttribute(8080, "ports", n); !errors.Is(err, ErrNoAttribute) {
			t.Errorf("set ports[%d]: %v; want ErrNoAttribute", n, err)
		}
	}
	for n, v := range []int{8000, 8443} {
		if err := i.SetAttribute(v, "ports", n); err != nil {
			t.Fatal(err)
		}
	}
	if string(i.Attributes) != `{"ports":[8000,8443]}` {
		t.Errorf("after setting ports[0] and ports[1]: %s", i.Attributes)
	}
}
