package surgery

import (
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/state"
)

const secretsState = `{
  "version": 4, "terraform_version": "1.12.1", "serial": 3, "lineage": "L", "outputs": {
    "hosts": {"value": ["wasabi.example.com", "kiwi.example.com"], "type": ["list", "string"]},
    "db": {"value": "wasabi-db", "type": "string", "sensitive": true}
  },
  "resources": [
    {"mode": "managed", "type": "aws_db_instance", "name": "db", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 0,
       "attributes": {"id": "wasabi-db", "name": "wasabi", "identifier": "wasabi", "conn": {"host": "wasabi.db", "user": "wasabi"}, "tags": {"app": "wasabi"}},
       "sensitive_attributes": [[{"type": "get_attr", "value": "name"}], [{"type": "get_attr", "value": "conn"}], [{"type": "get_attr", "value": "tags"}, {"type": "index", "value": {"value": "app", "type": "string"}}, {"type": "index", "value": {"value": 0, "type": "number"}}]],
       "identity_schema_version": 0,
       "identity": {"id": "wasabi-db", "n": 1, "parts": ["wasabi", "kiwi"], "region": "eu-west-1"}}]}
  ], "check_results": null}`

// A sensitive attribute (or one below a sensitive object) is renamed but
// never shown (a sensitive path below it, tags["app"][0], does not hide
// it); the identity Terraform 1.12 records is renamed in every
// string; list outputs are renamed by index and sensitive outputs masked.
func TestRenameStateSecretsAndIdentity(t *testing.T) {
	st, err := state.Parse([]byte(secretsState))
	must(t, err)
	r, _ := NewRenamer("wasabi", "wasabi-v2")
	edits, err := RenameState("db", st, r, nil)
	must(t, err)
	want := `aws_db_instance.db conn.host: (sensitive) -> (sensitive)
aws_db_instance.db conn.user: (sensitive) -> (sensitive)
aws_db_instance.db id: wasabi-db -> wasabi-v2-db
aws_db_instance.db identifier: wasabi -> wasabi-v2
aws_db_instance.db identity.id: wasabi-db -> wasabi-v2-db
aws_db_instance.db identity.parts[0]: wasabi -> wasabi-v2
aws_db_instance.db name: (sensitive) -> (sensitive)
aws_db_instance.db tags.app: wasabi -> wasabi-v2
output.db value: (sensitive) -> (sensitive)
output.hosts value[0]: wasabi.example.com -> wasabi-v2.example.com
`
	if got := editLines(edits); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	_, inst, _ := st.Instance("aws_db_instance.db")
	if got := string(inst.Identity); got != `{"id":"wasabi-v2-db","n":1,"parts":["wasabi-v2","kiwi"],"region":"eu-west-1"}` {
		t.Errorf("identity %s", got)
	}
	if v, _ := inst.Attribute("conn", "user"); v != "wasabi-v2" {
		t.Errorf("conn.user = %v", v)
	}
	if got, _ := st.Outputs["db"].Value.AsString(), 0; got != "wasabi-v2-db" {
		t.Errorf("output db = %q", got)
	}
	// An identity without the name is left byte for byte.
	st, _ = state.Parse([]byte(strings.ReplaceAll(secretsState, `"parts": ["wasabi", "kiwi"]`, `"parts": []`)))
	_, inst, _ = st.Instance("aws_db_instance.db")
	inst.Identity = []byte(`{"region": "eu-west-1"}`)
	must(t, func() error { _, err := RenameState("db", st, r, nil); return err }())
	if string(inst.Identity) != `{"region": "eu-west-1"}` {
		t.Errorf("identity rewritten: %s", inst.Identity)
	}
}

// A sensitive path longer than the attribute's does not hide it, and a
// sensitive sibling does not either.
func TestUnderSensitivePaths(t *testing.T) {
	sens := [][]any{{"conn", "user"}, {"tags", "app", 0}}
	cases := []struct {
		path []any
		want bool
	}{
		{[]any{"conn", "user"}, true},
		{[]any{"conn", "user", "x"}, true},
		{[]any{"conn", "host"}, false},
		{[]any{"conn"}, false},
		{[]any{"tags", "app"}, false},
		{[]any{"tags", "app", 0}, true},
		{[]any{"tags", "app", 1}, false},
	}
	for _, c := range cases {
		if got := under(sens, c.path); got != c.want {
			t.Errorf("under(%v) = %v", c.path, got)
		}
	}
}
