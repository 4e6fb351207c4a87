package ops

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/redact"
	"github.com/stackctl/stackctl/internal/testutil"
)

func stateWithOutputs(outputs string) string {
	return `{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"0f9c3a6e-7c1d-4b2a-9e8f-3d5c6b7a8e9f","outputs":{` + outputs + `},"resources":[],"check_results":null}`
}

// secretsTree: net has state with a sensitive token; app received it and
// a SecureString, and its state has outputs that repeat both without
// being marked sensitive; lone has no state.
func secretsTree(t *testing.T) *Engine {
	t.Helper()
	dir := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":           "project = \"ops\"\nlive_dir = \"live\"\n",
		"modules/m/main.tf":      "variable \"token\" {\n  default = \"\"\n}\nvariable \"pw\" {\n  default = \"\"\n}\n",
		"live/dev/env.hcl":       "vars = {}\n",
		"live/dev/net/unit.hcl":  "source = \"../../../modules/m\"\n",
		"live/dev/lone/unit.hcl": "source = \"../../../modules/m\"\n",
		"live/dev/app/unit.hcl": `source = "../../../modules/m"
dependency "net" {
  path = "../net"
}
inputs = { token = dependency.net.outputs.token, pw = ssm_parameter("/ops/pw") }
`,
		".stackctl/state/dev/net/terraform.tfstate": stateWithOutputs(`"value":{"value":"net()","type":"string"},"token":{"value":"tok-5e1f","type":"string","sensitive":true}`),
		".stackctl/state/dev/app/terraform.tfstate": stateWithOutputs(`"echo":{"value":"uses tok-5e1f","type":"string"},"pw":{"value":{"inner":"pw-77ab"},"type":["object",{"inner":"string"}]},"plain":{"value":"app","type":"string"}`),
	})
	ssm := func(name string) (string, bool, error) {
		if name != "/ops/pw" {
			return "", false, errors.New("no such parameter " + name)
		}
		return "pw-77ab", true, nil
	}
	e, err := Load(Options{Dir: dir, Env: "dev", Getenv: func(string) (string, bool) { return "", false }, SSM: ssm, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Outputs read from state keep secrets masked where they reappear: an
// output the module does not mark sensitive but that carries a secret the
// unit received (a sensitive dependency output, a SecureString) comes back
// sensitive; the state read is shared, so it is never changed in place.
func TestOutputsMarkWhatCarriesASecret(t *testing.T) {
	e := secretsTree(t)
	ctx := context.Background()
	var none []string
	states, err := e.Outputs(ctx, e.Ordered(), func(unit, where string) { none = append(none, unit+" "+where) })
	if err != nil {
		t.Fatal(err)
	}
	if len(none) != 1 || !strings.HasPrefix(none[0], "lone ") || !strings.Contains(none[0], filepath.Join(".stackctl", "state", "dev", "lone")) {
		t.Errorf("units without state: %q, want lone and where its state would be", none)
	}
	if states["lone"] != nil {
		t.Errorf("lone has no state, got %+v", states["lone"])
	}
	sensitive := func(unit string) []string {
		var names []string
		for name, o := range states[unit].Outputs {
			if o.Sensitive {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		return names
	}
	if got := sensitive("net"); !slices.Equal(got, []string{"token"}) {
		t.Errorf("net's sensitive outputs %q, want token alone", got)
	}
	if got := sensitive("app"); !slices.Equal(got, []string{"echo", "pw"}) {
		t.Errorf("app's sensitive outputs %q, want echo (carries net's token) and pw (carries the SecureString)", got)
	}
	// The shared read is untouched.
	st, _, err := e.ReadState(ctx, e.Unit("app"), true)
	if err != nil || st.Outputs["echo"].Sensitive {
		t.Errorf("Outputs changed the cached state in place (%v)", err)
	}
}

// Render shows where each input came from, with the secrets masked.
func TestRenderMasksSecretInputs(t *testing.T) {
	e := secretsTree(t)
	var warnings []string
	r, err := e.Render(context.Background(), e.Unit("app"), func(s string) { warnings = append(warnings, s) })
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"token", "pw"} {
		in, ok := r.Inputs[name]
		if !ok || !in.Sensitive || in.Text != redact.Mask || strings.Contains(string(in.Value), "tok-5e1f") || strings.Contains(string(in.Value), "pw-77ab") {
			t.Errorf("input %s rendered as %+v, want it sensitive and masked", name, in)
		}
	}
	if len(r.Dependencies) != 1 || r.Dependencies[0].Path != "net" || !strings.Contains(r.Dependencies[0].From, "state") {
		t.Errorf("dependencies: %+v", r.Dependencies)
	}
	if r.Backend.Type != "local" {
		t.Errorf("backend: %+v", r.Backend)
	}
}

// A local lock left by a run that died is only its info file: LockHolder
// names it, and ForceUnlock, finding the fcntl lock free, removes it.
func TestLocalLockLeftBehind(t *testing.T) {
	e := secretsTree(t)
	ctx := context.Background()
	u := e.Unit("net")
	info := filepath.Join(filepath.Dir(u.Backend.String("path")), ".terraform.tfstate.lock.info")
	if err := os.WriteFile(info, []byte(`{"ID":"8d1c6f0a-4b7e-4c2d-9a3f-5e6b7c8d9e0f","Operation":"OperationTypeApply","Info":"","Who":"alice@laptop","Version":"1.11.4","Created":"2026-12-01T10:00:00Z","Path":"terraform.tfstate"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	li, where, err := e.LockHolder(ctx, u)
	if err != nil || li == nil || li.ID != "8d1c6f0a-4b7e-4c2d-9a3f-5e6b7c8d9e0f" || li.Who != "alice@laptop" || !strings.Contains(where, "net") {
		t.Fatalf("LockHolder() = %+v, %q, %v", li, where, err)
	}
	if err := e.ForceUnlock(ctx, u, li.ID); err != nil {
		t.Fatalf("ForceUnlock: %v", err)
	}
	if _, err := os.Stat(info); !os.IsNotExist(err) {
		t.Errorf("lock info still there after force-unlock: %v", err)
	}
	if li, _, err := e.LockHolder(ctx, u); err != nil || li != nil {
		t.Errorf("after force-unlock: %+v, %v", li, err)
	}
}
