package vcs

import (
	"reflect"
	"testing"
)

// How each reason reads, what a failed git says, and the shapes of git's
// output the package parses.
func TestReasonTextAndGitOutput(t *testing.T) {
	for _, c := range []struct {
		r    Reason
		want string
	}{
		{Reason{Kind: ReasonDependency, Unit: "network"}, "depends on network"},
		{Reason{Kind: ReasonDependency, Unit: "network", Through: []string{"app", "db"}}, "depends on network (through app → db)"},
		{Reason{Kind: ReasonModule, File: "m/a.tf", Status: Added, Module: "m"}, "m/a.tf added (module m)"},
		{Reason{Kind: ReasonModule, File: "m/a.tf", Status: Deleted, Module: "m", CalledFrom: "app"}, "m/a.tf deleted (module m, called from app)"},
		{Reason{Kind: ReasonUnit, File: "live/dev/app/main.tf", Status: Untracked}, "live/dev/app/main.tf untracked"},
	} {
		if got := c.r.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.r, got, c.want)
		}
	}
	if got := (&exitError{args: []string{"rev-parse", "HEAD"}, code: 128, stderr: "fatal: bad\n"}).Error(); got != "git rev-parse HEAD: fatal: bad" {
		t.Errorf("exitError: %q", got)
	}
	if got := (&exitError{args: []string{"diff"}, code: 1, stderr: " \n"}).Error(); got != "git diff: exit status 1" {
		t.Errorf("exitError without stderr: %q", got)
	}
	if got := short("0123456789abcdef"); got != "0123456789ab" {
		t.Errorf("short = %q", got)
	}
	if got := short("0123456789ab"); got != "0123456789ab" {
		t.Errorf("short of 12 = %q", got)
	}
	if got := short("abc"); got != "abc" {
		t.Errorf("short of 3 = %q", got)
	}
	if got := splitZ([]byte("M\x00a.tf\x00\x00D\x00b c.tf\x00")); !reflect.DeepEqual(got, []string{"M", "a.tf", "D", "b c.tf"}) {
		t.Errorf("splitZ = %q", got)
	}
	if got := splitZ(nil); got != nil {
		t.Errorf("splitZ(nil) = %q", got)
	}
	for s, want := range map[string]Status{"A": Added, "D": Deleted, "T": TypeChanged, "M": Modified, "U": Modified, "X": Modified} {
		if got := statusOf(s); got != want {
			t.Errorf("statusOf(%q) = %s", s, got)
		}
	}
}
