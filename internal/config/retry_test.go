package config

import (
	"strings"
	"testing"
	"time"
)

func TestRetryBlock(t *testing.T) {
	base := map[string]string{"infra/live/dev/env.hcl": "", "infra/live/dev/a/unit.hcl": ""}
	with := func(root string) map[string]string {
		files := map[string]string{"stackctl.hcl": "project = \"p\"\n" + root}
		for k, v := range base {
			files[k] = v
		}
		return files
	}
	st, diags := load(t, with(""), "dev", nil)
	if diags.HasErrors() || st.Root.Retry.MaxAttempts != 3 || st.Root.Retry.Wait != 2*time.Second {
		t.Fatalf("default retry: %+v %v", st.Root.Retry, diags)
	}
	st, diags = load(t, with("retry {\n  max_attempts = 5\n  wait = \"500ms\"\n  errors = [\"(?i)quota\"]\n}\n"), "dev", nil)
	if diags.HasErrors() || st.Root.Retry.MaxAttempts != 5 || st.Root.Retry.Wait != 500*time.Millisecond || len(st.Root.Retry.Errors) != 1 || !st.Root.Retry.Errors[0].MatchString("QUOTA hit") {
		t.Fatalf("retry: %+v %v", st.Root.Retry, diags)
	}
	for root, want := range map[string]string{
		"retry {\n  max_attempts = 0\n}\n":         "Invalid max_attempts",
		"retry {\n  wait = \"soon\"\n}\n":          "Invalid wait",
		"retry {\n  errors = [\"(unclosed\"]\n}\n": "is not a regular expression",
		"retry {\n  errors = \"x\"\n}\n":           "Invalid errors",
	} {
		_, diags := load(t, with(root), "dev", nil)
		if !diags.HasErrors() || !strings.Contains(diags.Error(), want) || !strings.Contains(diags.Error(), "stackctl.hcl:") {
			t.Errorf("%q: %v, want %q at stackctl.hcl", root, diags, want)
		}
	}
}
