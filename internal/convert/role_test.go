package convert

import (
	"strings"
	"testing"
)

// A unit's own iam_role may read the root's exposed locals.
func TestRoleFromIncludedLocal(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":               "locals {\n  account = \"123456789012\"\n}\n",
		"dev/env.hcl":            "",
		"dev/app/terragrunt.hcl": includeRoot + "iam_role = \"arn:aws:iam::${include.root.locals.account}:role/deploy\"\n",
	})
	if len(r.NotConverted) != 0 {
		t.Errorf("not converted: %v", r.NotConverted)
	}
	env := fileOf(t, r, "infra/live/dev/env.hcl")
	if w := "assume_role {\n  role_arn = \"arn:aws:iam::123456789012:role/deploy\"\n}\n"; !strings.Contains(env, w) {
		t.Errorf("env.hcl lacks\n%s\nin\n%s", w, env)
	}
}

// Units of one environment assuming different roles, or a duration that
// is no session length AWS grants, leave it out and say why.
func TestRoleNotOnePerEnvironment(t *testing.T) {
	r := convertTree(t, map[string]string{
		"dev/env.hcl":           "",
		"dev/a/terragrunt.hcl":  "iam_role = \"arn:aws:iam::1:role/a\"\n",
		"dev/b/terragrunt.hcl":  "iam_role = \"arn:aws:iam::1:role/b\"\n",
		"prod/env.hcl":          "",
		"prod/a/terragrunt.hcl": "iam_role = \"arn:aws:iam::2:role/a\"\niam_assume_role_duration = 600\n",
		"uat/env.hcl":           "",
		"uat/a/terragrunt.hcl":  "iam_role = \"arn:aws:iam::3:role/a\"\niam_assume_role_duration = 3600.5\n",
		"qa/env.hcl":            "",
		"qa/a/terragrunt.hcl":   "iam_role = \"arn:aws:iam::4:role/a\"\niam_assume_role_duration = 43201\n",
	})
	var got []string
	for _, i := range r.NotConverted {
		got = append(got, i.String())
	}
	want := []string{
		"dev/b/terragrunt.hcl:1:1: iam_role: is arn:aws:iam::1:role/a for some units of dev and arn:aws:iam::1:role/b for others: stackctl assumes one role per environment (env.hcl's assume_role)",
		"prod/a/terragrunt.hcl:2:1: iam_assume_role_duration: is 600 seconds: an assumed role's session lasts from 900 (15m) to 43200 (12h), which stackctl's duration checks",
		"qa/a/terragrunt.hcl:2:1: iam_assume_role_duration: is 43201 seconds: an assumed role's session lasts from 900 (15m) to 43200 (12h), which stackctl's duration checks",
		"uat/a/terragrunt.hcl:2:1: iam_assume_role_duration: is not a whole number of seconds",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("not converted:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if env := fileOf(t, r, "infra/live/dev/env.hcl"); strings.Contains(env, "assume_role") {
		t.Errorf("dev's env.hcl assumes a role:\n%s", env)
	}
	if env := fileOf(t, r, "infra/live/prod/env.hcl"); !strings.Contains(env, "assume_role {\n  role_arn = \"arn:aws:iam::2:role/a\"\n}\n") {
		t.Errorf("prod's env.hcl:\n%s", env)
	}
}

// Terragrunt takes a duration of 0 for unset: its default, an hour. The
// bounds themselves are sessions AWS grants.
func TestRoleDurations(t *testing.T) {
	for secs, want := range map[string]string{"0": "1h", "900": "15m", "43200": "12h", "3601": "3601s", "5400": "90m"} {
		r := convertTree(t, map[string]string{
			"dev/env.hcl":          "",
			"dev/a/terragrunt.hcl": "iam_role = \"arn:aws:iam::1:role/a\"\niam_assume_role_duration = " + secs + "\n",
		})
		if len(r.NotConverted) != 0 {
			t.Errorf("%s: not converted: %v", secs, r.NotConverted)
		}
		if env := fileOf(t, r, "infra/live/dev/env.hcl"); !strings.Contains(env, "  duration = \""+want+"\"\n") {
			t.Errorf("%s seconds: env.hcl lacks duration = %q:\n%s", secs, want, env)
		}
	}
}
