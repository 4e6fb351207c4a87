package config

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/stackctl/stackctl/internal/testutil"
)

func TestAssumeRoleBlock(t *testing.T) {
	tree := func(env string) map[string]string {
		return map[string]string{"stackctl.hcl": "project = \"p\"\n", "infra/live/dev/env.hcl": env, "infra/live/dev/a/unit.hcl": ""}
	}
	var seen *Env
	st, diags := loadWith(t, tree("locals { acct = \"111111111111\" }\nassume_role {\n  role_arn = \"arn:aws:iam::${local.acct}:role/deploy\"\n  duration = \"2h\"\n}\nallowed_account_ids = [local.acct]\n"),
		func(e *Env) error { seen = e; return nil })
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	r := st.Env.AssumeRole
	if r == nil || r.RoleARN != "arn:aws:iam::111111111111:role/deploy" || r.Duration != 2*time.Hour || r.SessionName != "stackctl-dev" || len(st.Env.AllowedAccountIDs) != 1 {
		t.Fatalf("role %+v, allowed %v", r, st.Env.AllowedAccountIDs)
	}
	if seen == nil || seen.AssumeRole == nil {
		t.Error("EnvReady was not called with the role before vars")
	}
	for env, want := range map[string]string{
		"assume_role {\n  role_arn = \"x\"\n  duration = \"5m\"\n}\n": "Invalid duration",
		"assume_role {\n  role_arn = \"\"\n}\n":                       "Empty role_arn",
		"allowed_account_ids = [\"12345\"]\n":                         "Invalid account ID",
		"assume_role {\n}\n":                                          "role_arn",
	} {
		_, diags := loadWith(t, tree(env), nil)
		if !diags.HasErrors() || !strings.Contains(diags.Error(), want) {
			t.Errorf("%q: %v, want %q", env, diags, want)
		}
	}
	_, diags = loadWith(t, tree("assume_role {\n  role_arn = \"arn:aws:iam::1:role/x\"\n}\nvars = { a = 1 }\n"), func(*Env) error { return errFake })
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Cannot use the environment's AWS role") || !strings.Contains(diags.Error(), "no STS here") {
		t.Errorf("a role that cannot be used: %v", diags)
	}
}

var errFake = fakeErr("no STS here")

type fakeErr string

func (e fakeErr) Error() string { return string(e) }

func loadWith(t *testing.T, files map[string]string, ready func(*Env) error) (*Stack, hcl.Diagnostics) {
	t.Helper()
	dir := testutil.WriteTree(t, files)
	return NewLoader(Options{Dir: dir, EnvReady: ready}).Load("dev")
}
