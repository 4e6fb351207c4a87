package state

import (
	"encoding/json"
	"strings"
	"testing"
)

// Instances come out in Terraform's order however the state holds them:
// no key, numbers ascending, strings ascending.
func TestObjectsOrderKeys(t *testing.T) {
	s := &State{Resources: []*Resource{{
		Mode: ModeManaged, Type: "t", Name: "n",
		Instances: []*Instance{{IndexKey: StringKey("b")}, {IndexKey: IntKey(10)}, {IndexKey: StringKey("a")}, {IndexKey: IntKey(2)}},
	}}}
	var got []string
	for _, o := range s.Objects() {
		got = append(got, o.Address)
	}
	if want := `t.n[2] t.n[10] t.n["a"] t.n["b"]`; strings.Join(got, " ") != want {
		t.Errorf("Objects() = %s, want %s", strings.Join(got, " "), want)
	}
}

// index_key numbers up to 2^53 are whole numbers a float64 holds exactly;
// beyond that they are refused rather than silently rounded.
func TestInstanceKeyLargestNumber(t *testing.T) {
	var k InstanceKey
	if err := json.Unmarshal([]byte(`9007199254740992`), &k); err != nil || k != IntKey(1<<53) {
		t.Errorf("2^53 = %#v, %v", k, err)
	}
	if err := json.Unmarshal([]byte(`9007199254740994`), &k); err == nil {
		t.Errorf("2^53+2 was accepted as %#v", k)
	}
}
