package cli

import (
	"slices"
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
