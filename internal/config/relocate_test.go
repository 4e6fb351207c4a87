package config

import "testing"

// The backend a unit would have at another path is the one Load gives a
// unit there: for mv-unit, which locks the new state before moving.
func TestBackendAt(t *testing.T) {
	files := map[string]string{}
	for k, v := range base {
		files[k] = v
	}
	files["stackctl.hcl"] = `
project = "shop"
locals { prefix = "states/${unit.name}" }
remote_state {
  backend = "s3"
  config = {
    bucket = "${project}-tfstate-${env.name}"
    key    = "${local.prefix}/${unit.path}/terraform.tfstate"
    region = env.region
  }
}`
	st, diags := load(t, files, "dev", nil)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	b, diags := st.BackendAt("services/api2")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if got := b.StateKey(); got != "s3://shop-tfstate-dev/states/api2/services/api2/terraform.tfstate" {
		t.Errorf("BackendAt = %s", got)
	}
	if now, _ := st.BackendAt("apps/api"); now.StateKey() != st.Unit("apps/api").Backend.StateKey() {
		t.Errorf("BackendAt of the unit's own path %s differs from its backend %s", now.StateKey(), st.Unit("apps/api").Backend.StateKey())
	}

	local := mustLoad(t, base, "dev")
	lb, _ := local.BackendAt("x/y")
	if lb.Type != BackendLocal || lb.StateKey() != LocalStatePath(local.Root.Dir, "dev", "x/y") {
		t.Errorf("local BackendAt = %s", lb.StateKey())
	}
}
