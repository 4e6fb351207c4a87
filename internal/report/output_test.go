package report

import (
	"bytes"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/state"
)

func outputs(t *testing.T) *state.State {
	t.Helper()
	st := &state.State{Outputs: map[string]state.Output{}}
	for name, o := range map[string]struct {
		v         cty.Value
		sensitive bool
	}{
		"vpc_id":   {cty.StringVal("vpc-1"), false},
		"password": {cty.StringVal("hunter2"), true},
		"ports":    {cty.ListVal([]cty.Value{cty.NumberIntVal(80), cty.NumberIntVal(443)}), false},
	} {
		out, err := state.NewOutput(o.v, o.sensitive)
		if err != nil {
			t.Fatal(err)
		}
		st.Outputs[name] = out
	}
	return st
}

func TestOutputsText(t *testing.T) {
	var b bytes.Buffer
	WriteOutputsText(&b, outputs(t), false)
	if want := "password = <sensitive>\nports = [80, 443]\nvpc_id = \"vpc-1\"\n"; b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	WriteOutputsText(&b, outputs(t), true)
	if want := "password = \"hunter2\"\nports = [80, 443]\nvpc_id = \"vpc-1\"\n"; b.String() != want {
		t.Errorf("shown:\n%s", b.String())
	}
	b.Reset()
	WriteOutputsTextUnits(&b, []string{"network", "db", "app"}, map[string]*state.State{"network": outputs(t), "db": {}}, false)
	if want := "# network\npassword = <sensitive>\nports = [80, 443]\nvpc_id = \"vpc-1\"\n\n# db\n(no outputs)\n\n# app\n(no outputs)\n"; b.String() != want {
		t.Errorf("several units:\n%s", b.String())
	}
	b.Reset()
	WriteOutputsTextUnits(&b, []string{"network"}, map[string]*state.State{"network": outputs(t)}, false)
	if want := "password = <sensitive>\nports = [80, 443]\nvpc_id = \"vpc-1\"\n"; b.String() != want {
		t.Errorf("one unit, no heading:\n%s", b.String())
	}
}

// For one unit, exactly what `terraform output -json` prints.
func TestOutputsJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteOutputsJSON(&b, []string{"network"}, map[string]*state.State{"network": outputs(t)}, false); err != nil {
		t.Fatal(err)
	}
	want := `{
  "password": {
    "sensitive": true,
    "type": "string",
    "value": "(sensitive value)"
  },
  "ports": {
    "sensitive": false,
    "type": [
      "list",
      "number"
    ],
    "value": [
      80,
      443
    ]
  },
  "vpc_id": {
    "sensitive": false,
    "type": "string",
    "value": "vpc-1"
  }
}
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteOutputsJSON(&b, []string{"network", "db"}, map[string]*state.State{"network": outputs(t)}, true); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"db\": {},\n  \"network\": {\n    \"password\": {\n      \"sensitive\": true,\n      \"type\": \"string\",\n      \"value\": \"hunter2\"\n"; !bytes.HasPrefix(b.Bytes(), []byte(want)) {
		t.Errorf("several units:\n%s", b.String())
	}
}
