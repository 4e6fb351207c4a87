package cli

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/iostreams"
)

func TestReorderArgs(t *testing.T) {
	a := &app{streams: iostreams.Test(nil, nil, nil)}
	ua := a.build()
	cases := []struct {
		in, want, pass []string
	}{
		{[]string{"stackctl", "apply", "dev", "--auto-approve", "-p", "4"}, []string{"stackctl", "apply", "--auto-approve", "-p", "4", "dev"}, nil},
		{[]string{"stackctl", "plan", "dev", "--unit=a", "-u", "b", "--", "-target=x", "--", "y"}, []string{"stackctl", "plan", "--unit=a", "-u", "b", "dev"}, []string{"-target=x", "--", "y"}},
		{[]string{"stackctl", "force-unlock", "dev", "--unit", "db", "ID"}, []string{"stackctl", "force-unlock", "--unit", "db", "dev", "ID"}, nil},
		{[]string{"stackctl", "--version"}, []string{"stackctl", "--version"}, nil},
		{[]string{"stackctl", "nosuch", "dev", "-x"}, []string{"stackctl", "nosuch", "dev", "-x"}, nil},
	}
	for _, c := range cases {
		got, pass := reorderArgs(ua, c.in)
		if !slices.Equal(got, c.want) || !slices.Equal(pass, c.pass) {
			t.Errorf("%q → %q, %q; want %q, %q", c.in, got, pass, c.want, c.pass)
		}
	}
}

// A mistyped command or flag is one line on stderr saying where help is,
// exit 1, and nothing on stdout (which scripts may be parsing).
func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"stackctl", "nosuch", "dev"}, `stackctl: unknown command "nosuch"; stackctl --help lists the commands`},
		{[]string{"stackctl", "plan", "dev", "--bogus"}, "stackctl: flag provided but not defined: -bogus; see stackctl plan --help"},
		{[]string{"stackctl", "plan", "dev", "-p", "many"}, "see stackctl plan --help"},
		{[]string{"stackctl", "--bogus"}, "see stackctl --help"},
	}
	for _, c := range cases {
		var out, errOut strings.Builder
		code := Main(context.Background(), c.args, iostreams.Test(strings.NewReader(""), &out, &errOut))
		if code != 1 || out.Len() != 0 || !strings.Contains(errOut.String(), c.want) || strings.Count(errOut.String(), "\n") != 1 {
			t.Errorf("%q: exit %d\nstdout: %q\nstderr: %q\nwant exit 1, no stdout, one line with %q", c.args, code, out.String(), errOut.String(), c.want)
		}
	}
	var out strings.Builder
	if code := Main(context.Background(), []string{"stackctl", "help", "plan"}, iostreams.Test(nil, &out, &out)); code != 0 || !strings.Contains(out.String(), "--detailed-exitcode") {
		t.Errorf("help plan: exit %d\n%s", code, out.String())
	}
}
