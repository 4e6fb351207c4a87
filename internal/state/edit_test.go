package state

import "testing"

// Moving an instance onto a key another resource already has is refused,
// also when the key is the same as the one it moves from; nothing moves.
func TestMoveInstanceOntoTakenKeyOfAnotherResource(t *testing.T) {
	s := &State{Resources: []*Resource{
		{Mode: ModeManaged, Type: "t", Name: "a", Instances: []*Instance{{IndexKey: IntKey(0), SchemaVersion: 1}}},
		{Mode: ModeManaged, Type: "t", Name: "b", Instances: []*Instance{{IndexKey: IntKey(0), SchemaVersion: 2}}},
	}}
	if err := Move(s, "t.a[0]", s, "t.b[0]"); err == nil {
		t.Fatal("Move onto t.b[0], which exists: no error")
	}
	if _, i, _ := s.Instance("t.a[0]"); i == nil || i.SchemaVersion != 1 {
		t.Errorf("t.a[0] after the refused move = %+v", i)
	}
	if r, _ := s.Resource("t.b"); r == nil || len(r.Instances) != 1 {
		t.Errorf("t.b after the refused move = %+v", r)
	}
}
