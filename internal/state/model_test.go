package state

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func fixture(t *testing.T, name string) *State {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, name+".tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFixtureContents(t *testing.T) {
	failed := fixture(t, "failed")
	r, err := failed.Resource("terraform_data.replaced")
	if err != nil || r == nil || len(r.Instances) != 2 {
		t.Fatalf("replaced = %+v, %v", r, err)
	}
	_, cur, _ := failed.Instance("terraform_data.replaced")
	if cur == nil || cur.Status != "tainted" || cur.Deposed != "" || !cur.CreateBeforeDestroy {
		t.Errorf("current object of terraform_data.replaced = %+v; want tainted, create_before_destroy", cur)
	}
	if failed.Instances() != 17 || failed.Empty() {
		t.Errorf("failed: Instances() = %d, Empty() = %t", failed.Instances(), failed.Empty())
	}
	if !fixture(t, "destroyed").Empty() {
		t.Error("the state after destroy is not Empty()")
	}

	aws := fixture(t, "aws")
	_, sg, _ := aws.Instance("aws_security_group.web")
	if sg == nil || sg.SchemaVersion != 1 || len(sg.Private) == 0 || !strings.Contains(string(sg.Private), "e2bfb730") {
		t.Errorf("aws_security_group.web = %+v; want schema_version 1 and its timeouts in private", sg)
	}
	if v, err := sg.Attribute("egress", 0, "cidr_blocks", 0); err != nil || v != "0.0.0.0/0" {
		t.Errorf("egress[0].cidr_blocks[0] = %v, %v", v, err)
	}
	_, param, _ := aws.Instance("aws_ssm_parameter.secret")
	if paths, err := param.SensitivePaths(); err != nil || !reflect.DeepEqual(paths[0], []any{"value"}) {
		t.Errorf("SensitivePaths() = %v, %v", paths, err)
	}
	if o := aws.Outputs["parameter_value"]; !o.Sensitive || o.Value.AsString() != "fixture-not-a-secret" {
		t.Errorf("parameter_value = %#v", o)
	}
}

func TestInstanceKeyJSON(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want InstanceKey
		out  string
	}{
		{`null`, InstanceKey{}, `null`},
		{`0`, IntKey(0), `0`},
		{`12`, IntKey(12), `12`},
		{`3.0`, IntKey(3), `3`},
		{`"a\"b"`, StringKey(`a"b`), `"a\"b"`},
		{`""`, StringKey(""), `""`},
	} {
		var k InstanceKey
		if err := json.Unmarshal([]byte(tt.in), &k); err != nil || k != tt.want {
			t.Errorf("Unmarshal(%s) = %#v, %v; want %#v", tt.in, k, err, tt.want)
		}
		if b, err := json.Marshal(k); err != nil || string(b) != tt.out {
			t.Errorf("Marshal(%#v) = %s, %v; want %s", k, b, err, tt.out)
		}
	}
	var k InstanceKey
	if err := json.Unmarshal([]byte(`true`), &k); err == nil {
		t.Error("a boolean index_key was accepted")
	}
	// index_key 0 is written, no key is left out.
	b, _ := json.Marshal(struct {
		K InstanceKey `json:"index_key,omitzero"`
	}{IntKey(0)})
	if string(b) != `{"index_key":0}` {
		t.Errorf("index_key 0 = %s", b)
	}
}

func TestAddresses(t *testing.T) {
	for in, want := range map[string]Address{
		`aws_vpc.main`:        {Mode: ModeManaged, Type: "aws_vpc", Name: "main"},
		`aws_vpc.main[0]`:     {Mode: ModeManaged, Type: "aws_vpc", Name: "main", Key: IntKey(0), HasKey: true},
		`data.aws_region.r`:   {Mode: ModeData, Type: "aws_region", Name: "r"},
		`module.a.aws_x.y`:    {Module: "module.a", Mode: ModeManaged, Type: "aws_x", Name: "y"},
		`module.data.aws_x.y`: {Module: "module.data", Mode: ModeManaged, Type: "aws_x", Name: "y"},
		`module.a["k"].module.b[2].data.aws_x.y["q\"uote"]`: {Module: `module.a["k"].module.b[2]`, Mode: ModeData, Type: "aws_x", Name: "y", Key: StringKey(`q"uote`), HasKey: true},
		`terraform_data.each["$${x}"]`:                      {Mode: ModeManaged, Type: "terraform_data", Name: "each", Key: StringKey("${x}"), HasKey: true},
	} {
		got, err := ParseAddress(in)
		if err != nil || got != want {
			t.Errorf("ParseAddress(%s) = %#v, %v; want %#v", in, got, err, want)
			continue
		}
		if got.String() != in {
			t.Errorf("ParseAddress(%s).String() = %s", in, got.String())
		}
	}
	for _, bad := range []string{``, `aws_vpc`, `aws_vpc.main.x`, `module.a`, `aws_vpc.main[1.5]`, `aws_vpc.main[-1]`, `module["x"].a.b`, `aws_vpc.main[0][1]`, `data.x`} {
		if a, err := ParseAddress(bad); err == nil {
			t.Errorf("ParseAddress(%q) = %#v; want an error", bad, a)
		}
	}
	if got := StringKey("a\nb\t\u0001ü%{").String(); got != `["a\nb\t\u0001ü%%{"]` {
		t.Errorf("key quoting: %s", got)
	}
}

func TestFindByAddress(t *testing.T) {
	s := fixture(t, "builtin")
	for _, addr := range []string{`terraform_data.each["b c"]`, `module.each["two"].terraform_data.after`, `data.terraform_remote_state.other`, `terraform_data.count[1]`} {
		r, i, err := s.Instance(addr)
		if err != nil || i == nil || r.InstanceAddress(i) != addr {
			t.Errorf("Instance(%s) = %v, %v, %v", addr, r, i, err)
		}
	}
	for _, addr := range []string{`terraform_data.each["zzz"]`, `terraform_data.count`, `module.each["three"].terraform_data.after`, `terraform_data.nothing`} {
		if _, i, err := s.Instance(addr); err != nil || i != nil {
			t.Errorf("Instance(%s) = %v, %v; want none", addr, i, err)
		}
	}
	if _, _, err := s.Instance("not an address"); err == nil {
		t.Error("Instance of a bad address: no error")
	}
}

func TestRemoveAndMove(t *testing.T) {
	s := fixture(t, "builtin")
	before := s.Instances()
	if n, err := s.Remove(`terraform_data.each["a"]`); err != nil || n != 1 {
		t.Fatalf("Remove(instance) = %d, %v", n, err)
	}
	if n, err := s.Remove(`module.each["one"].terraform_data.after`); err != nil || n != 1 {
		t.Fatalf("Remove(resource) = %d, %v", n, err)
	}
	if _, err := s.Remove(`terraform_data.each["a"]`); err == nil {
		t.Error("removing a removed instance: no error")
	}
	if got := s.Instances(); got != before-2 {
		t.Errorf("Instances() = %d after removing 2 of %d", got, before)
	}

	other := &State{Version: 4, Lineage: "other"}
	// A whole resource, renamed, into another state and module.
	if err := Move(s, "terraform_data.count", other, "module.moved.terraform_data.renamed"); err != nil {
		t.Fatal(err)
	}
	// One instance, to a new key in the same state.
	if err := Move(s, `terraform_data.each["b c"]`, s, `terraform_data.each["bc"]`); err != nil {
		t.Fatal(err)
	}
	// One instance into a resource that does not exist yet.
	if err := Move(s, `terraform_data.checked`, other, `terraform_data.checked2[3]`); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][2]string{
		{`terraform_data.count`, `terraform_data.x`},                    // gone
		{`terraform_data.each["q\"uote"]`, `terraform_data.each["bc"]`}, // taken
		{`terraform_data.replaced`, `aws_instance.replaced`},            // another type
		{`terraform_data.replaced`, `data.terraform_data.replaced`},     // another mode
		{`terraform_data.each`, `terraform_data.replaced`},              // taken
	} {
		if err := Move(s, bad[0], s, bad[1]); err == nil {
			t.Errorf("Move(%s, %s): no error", bad[0], bad[1])
		}
	}
	var addrs []string
	for _, o := range other.Objects() {
		addrs = append(addrs, o.Address)
	}
	if got := strings.Join(addrs, " "); got != `terraform_data.checked2[3] module.moved.terraform_data.renamed[0] module.moved.terraform_data.renamed[1]` {
		t.Errorf("moved: %s", got)
	}
	if r, _ := s.Resource("terraform_data.checked"); r != nil {
		t.Error("the emptied resource terraform_data.checked is still there")
	}
	if _, i, _ := s.Instance(`terraform_data.each["bc"]`); i == nil {
		t.Error(`terraform_data.each["bc"] missing after the move`)
	}
	// The edited states still encode and decode.
	for _, st := range []*State{s, other} {
		b, err := st.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(b); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAttributes(t *testing.T) {
	s := fixture(t, "aws")
	_, vpc, _ := s.Instance("aws_vpc.main")
	if v, err := vpc.Attribute("tags", "Name"); err != nil || v != "fixture" {
		t.Fatalf("tags.Name = %v, %v", v, err)
	}
	if _, err := vpc.Attribute("tags", "Missing"); !errors.Is(err, ErrNoAttribute) || !strings.Contains(err.Error(), `tags["Missing"]`) {
		t.Errorf("missing attribute: %v", err)
	}
	before, _ := s.Marshal()
	if err := vpc.SetAttribute("renamed", "tags", "Name"); err != nil {
		t.Fatal(err)
	}
	if err := vpc.SetAttribute(map[string]string{"Name": "renamed", "Team": "platform"}, "tags_all"); err != nil {
		t.Fatal(err)
	}
	if err := vpc.SetAttribute(1, "nothing", "here"); !errors.Is(err, ErrNoAttribute) {
		t.Errorf("set under a missing parent: %v", err)
	}
	if v, _ := vpc.Attribute("tags_all", "Team"); v != "platform" {
		t.Errorf("tags_all.Team = %v", v)
	}
	after, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	// Only the two changed values differ; numbers and everything else keep
	// their exact text.
	var changed []string
	bl, al := strings.Split(string(before), "\n"), strings.Split(string(after), "\n")
	for i, j := 0, 0; i < len(bl) && j < len(al); i, j = i+1, j+1 {
		if bl[i] != al[j] {
			changed = append(changed, strings.TrimSpace(al[j]))
			if strings.TrimSpace(al[j]) == `"Team": "platform"` {
				i--
			}
		}
	}
	if got := strings.Join(changed, " | "); got != `"Name": "renamed" | "Name": "renamed", | "Team": "platform"` {
		t.Errorf("changed lines: %s", got)
	}
}

// Terraform 1.12 and later write identity fields; they must survive a
// rewrite too.
func TestIdentityFieldsRoundTrip(t *testing.T) {
	doc := `{
  "version": 4,
  "terraform_version": "1.12.0",
  "serial": 3,
  "lineage": "l",
  "outputs": {},
  "resources": [
    {
      "mode": "managed",
      "type": "aws_vpc",
      "name": "a",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [
        {
          "schema_version": 1,
          "attributes": {
            "id": "vpc-1"
          },
          "sensitive_attributes": [],
          "identity_schema_version": 0,
          "identity": {
            "account_id": "123456789012",
            "id": "vpc-1",
            "region": "us-east-1"
          }
        }
      ]
    }
  ],
  "check_results": null
}
`
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckKnown([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Marshal()
	if string(got) != doc {
		t.Errorf("round trip: %s", firstDiff([]byte(doc), got))
	}
	if err := CheckKnown([]byte(strings.Replace(doc, `"identity":`, `"future_field": 1, "identity":`, 1))); err == nil || !strings.Contains(err.Error(), "future_field") {
		t.Errorf("CheckKnown of an unknown field = %v", err)
	}
}

func TestMarshalSortsAndFillsIn(t *testing.T) {
	out, err := NewOutput(cty.ObjectVal(map[string]cty.Value{"b": cty.NumberIntVal(1), "a": cty.StringVal("<x>")}), true)
	if err != nil {
		t.Fatal(err)
	}
	s := &State{
		Lineage: "l", Serial: 1, TerraformVersion: "1.11.4",
		Outputs: map[string]Output{"o": out, "p": {Value: cty.True}},
		Resources: []*Resource{
			{Module: "module.z", Mode: ModeManaged, Type: "t", Name: "n", Provider: "p"},
			{Mode: ModeManaged, Type: "t", Name: "b", Provider: "p", Instances: []*Instance{{IndexKey: StringKey("x")}, {IndexKey: IntKey(1)}, {IndexKey: IntKey(0), Deposed: "d"}, {IndexKey: IntKey(0)}}},
			{Mode: ModeData, Type: "t", Name: "a", Provider: "p"},
		},
	}
	b, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 1,
  "lineage": "l",
  "outputs": {
    "o": {
      "value": {
        "a": "\u003cx\u003e",
        "b": 1
      },
      "type": [
        "object",
        {
          "a": "string",
          "b": "number"
        }
      ],
      "sensitive": true
    },
    "p": {
      "value": true,
      "type": "bool"
    }
  },
  "resources": [
    {
      "mode": "data",
      "type": "t",
      "name": "a",
      "provider": "p",
      "instances": []
    },
    {
      "mode": "managed",
      "type": "t",
      "name": "b",
      "provider": "p",
      "instances": [
        {
          "index_key": 0,
          "schema_version": 0
        },
        {
          "index_key": 0,
          "deposed": "d",
          "schema_version": 0
        },
        {
          "index_key": 1,
          "schema_version": 0
        },
        {
          "index_key": "x",
          "schema_version": 0
        }
      ]
    },
    {
      "module": "module.z",
      "mode": "managed",
      "type": "t",
      "name": "n",
      "provider": "p",
      "instances": []
    }
  ],
  "check_results": null
}
`
	if string(b) != want {
		t.Errorf("Marshal:\n%s\nwant:\n%s", b, want)
	}
	if s.Resources[0].Module != "module.z" || s.Resources[1].Instances[0].IndexKey != StringKey("x") {
		t.Error("Marshal reordered the state itself")
	}
}
