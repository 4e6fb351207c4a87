package state

import (
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestParse(t *testing.T) {
	doc := `{
  "version": 4, "terraform_version": "1.11.4", "serial": 7, "lineage": "abc",
  "outputs": {
    "vpc_id": {"value": "vpc-1", "type": "string"},
    "password": {"value": "hunter2", "type": "string", "sensitive": true},
    "ids": {"value": ["a", "b"], "type": ["list", "string"]}
  },
  "resources": [
    {"mode": "managed", "type": "aws_vpc", "name": "main", "instances": [{"attributes": {"id": "vpc-1", "tags": {"a": "b"}}}]},
    {"mode": "data", "type": "aws_region", "name": "r", "instances": [{"attributes": {}}, {"index_key": 1, "attributes": {}}]}
  ]
}`
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if s.Serial != 7 || s.Lineage != "abc" || s.TerraformVersion != "1.11.4" || s.Instances() != 3 {
		t.Errorf("got serial %d, lineage %q, version %q, %d resource instances", s.Serial, s.Lineage, s.TerraformVersion, s.Instances())
	}
	if got := strings.Join(s.OutputNames(), ","); got != "ids,password,vpc_id" {
		t.Errorf("OutputNames() = %s", got)
	}
	if o := s.Outputs["vpc_id"]; o.Sensitive || !o.Value.RawEquals(cty.StringVal("vpc-1")) || string(o.ValueJSON) != `"vpc-1"` {
		t.Errorf("vpc_id = %#v", o)
	}
	if !s.Outputs["password"].Sensitive {
		t.Error("password is not sensitive")
	}
	if v := s.Outputs["ids"].Value; !v.RawEquals(cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})) {
		t.Errorf("ids = %#v", v)
	}
	if s.Empty() {
		t.Error("Empty() on a state with resources")
	}
}

func TestParseRefuses(t *testing.T) {
	for doc, want := range map[string]string{
		`not json`:       "not a Terraform state",
		`{"version": 3}`: "state format version 3 is not supported",
		`{"version": 4, "outputs": {"x": {"value": "a", "type": "nonsense"}}}`:       "output x: bad type",
		`{"version": 4, "outputs": {"x": {"value": 1, "type": ["list", "string"]}}}`: "output x: bad value",
	} {
		if _, err := Parse([]byte(doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want an error containing %q", doc, err, want)
		}
	}
}

func TestEmpty(t *testing.T) {
	var none *State
	if !none.Empty() {
		t.Error("nil state is not empty")
	}
	s, err := Parse([]byte(`{"version": 4, "outputs": {}, "resources": []}`))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Empty() {
		t.Error("a destroyed state is not empty")
	}
}
