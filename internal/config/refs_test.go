package config

import (
	"reflect"
	"testing"
)

func TestDependencyRefs(t *testing.T) {
	st := mustLoad(t, map[string]string{
		"stackctl.hcl":            "project = \"p\"\nlive_dir = \"live\"\n",
		"live/dev/env.hcl":        "vars = {}\n",
		"live/dev/net/unit.hcl":   "",
		"live/dev/db/unit.hcl":    "",
		"live/dev/other/unit.hcl": "",
		"live/dev/app/unit.hcl": `
dependency "net" {
  path = "../net"
}
dependency "db" {
  path = "../db"
}
dependency "other" {
  path = "../other"
}
locals { key = "b" }
inputs = {
  vpc    = dependency.net.outputs.vpc_id
  again  = "${dependency.net.outputs.vpc_id}-${dependency.net.outputs["subnet"]}"
  all_db = dependency.db.outputs
  picked = dependency.db.outputs.url
}
`,
	}, "dev")
	got := st.Unit("app").DependencyRefs()
	want := map[string][]string{"net": {"subnet", "vpc_id"}, "db": {AllOutputs, "url"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DependencyRefs = %v, want %v", got, want)
	}
	if got := st.Unit("net").DependencyRefs(); len(got) != 0 {
		t.Errorf("a unit without inputs refers to %v", got)
	}
}
