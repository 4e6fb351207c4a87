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
	if err := i.SetAttribute(8080, "ports", 1); err != nil {
		t.Fatal(err)
	}
	if string(i.Attributes) != `{"ports":[80,8080]}` {
		t.Errorf("after setting ports[1]: %s", i.Attributes)
	}
}
