package state

import (
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

const minimal = `{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 1,
  "lineage": "l",
  "outputs": {
    "n": {
      "value": 1.50,
      "type": "number"
    }
  },
  "resources": [],
  "check_results": null
}`

// What follows the document is kept when it is newlines only (terraform
// writes one, OpenTofu two); anything else, or nothing, is written back as
// terraform's one newline.
func TestTrailerKept(t *testing.T) {
	for trailer, want := range map[string]string{
		"\n":    "\n",
		"\n\n":  "\n\n",
		"":      "\n",
		" \n":   "\n",
		"\n \n": "\n",
	} {
		s, err := Parse([]byte(minimal + trailer))
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimPrefix(string(out), minimal); got != want {
			t.Errorf("trailer %q written back as %q, want %q (whole: %q)", trailer, got, want, out)
		}
	}
}

// An output read from a state is written back with its stored text (1.50
// stays 1.50); one given only part of its stored form is encoded afresh.
func TestOutputsStoredFormKept(t *testing.T) {
	s, err := Parse([]byte(minimal + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := s.Marshal()
	if !strings.Contains(string(out), `"value": 1.50,`) {
		t.Errorf("the stored number was re-encoded:\n%s", out)
	}
	s.Outputs = map[string]Output{
		"t": {Value: cty.StringVal("x"), TypeJSON: []byte(`"string"`)},
		"v": {Value: cty.StringVal("y"), ValueJSON: []byte(`"y"`)},
	}
	out, err = s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\"t\": {\n      \"value\": \"x\",\n      \"type\": \"string\"", "\"v\": {\n      \"value\": \"y\",\n      \"type\": \"string\""} {
		if !strings.Contains(string(out), want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

// A document of an older format that does not fit version 4's layout is
// named by its version, not called "not a state".
func TestParseOldFormatNamed(t *testing.T) {
	_, err := Parse([]byte(`{"version": 3, "serial": 2, "modules": [{"path": ["root"]}], "resources": {"aws_vpc.main": {}}}`))
	if err == nil || !strings.Contains(err.Error(), "state format version 3 is not supported") {
		t.Errorf("Parse of a version 3 state: %v", err)
	}
}
