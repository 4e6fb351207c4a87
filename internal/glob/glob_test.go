package glob

import "testing"

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, name string
		want          bool
	}{
		{"apps/*", "apps/api", true},
		{"apps/*", "apps/api/v2", false},
		{"*", "apps/api", false},
		{"**", "apps/api", true},
		{"**/api", "api", true},
		{"**/api", "a/b/api", true},
		{"apps/**", "apps", true},
		{"apps/**/db", "apps/x/y/db", true},
		{"apps/**/db", "apps/x/y/dbx", false},
		{"*.txt", "notes.txt", true},
		{"[", "[", false},
	}
	for _, c := range cases {
		if got := Match(c.pattern, c.name); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
	if Valid("apps/[x") == nil || Valid("apps/**/x*") != nil {
		t.Error("Valid disagrees with path.Match")
	}
}
