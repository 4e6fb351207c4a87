package surgery

import "testing"

func TestRenamerTokens(t *testing.T) {
	r, err := NewRenamer("wasabi", "wasabi-v2")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ in, want string }{
		{"wasabi", "wasabi-v2"},
		{"wasabi:web", "wasabi-v2:web"},
		{"arn:aws:iam::123456789012:user/wasabi", "arn:aws:iam::123456789012:user/wasabi-v2"},
		{"wasabi.herokuapp.com", "wasabi-v2.herokuapp.com"},
		{"https://wasabi.herokuapp.com/", "https://wasabi-v2.herokuapp.com/"},
		{"wasabi_db", "wasabi-v2_db"},
		{"wasabi-postgres", "wasabi-v2-postgres"},
		{"mywasabi", "mywasabi"},
		{"wasabi2", "wasabi2"},
		{"Wasabi", "Wasabi"},
		{"wasabi-v2", "wasabi-v2"},                  // already renamed
		{"wasabi-v2:wasabi", "wasabi-v2:wasabi-v2"}, // one of two
		{"wasabiwasabi", "wasabiwasabi"},
		{"", ""},
		{"ünwasabi", "ünwasabi"}, // letters beyond ASCII count as letters
		{"é-wasabi", "é-wasabi-v2"},
	}
	for _, c := range cases {
		got, _ := r.Replace(c.in)
		if got != c.want {
			t.Errorf("Replace(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got, n := r.ReplaceEdges("wasabi", Edges{OpenStart: true}); n != 0 || got != "wasabi" {
		t.Errorf("an open start is no delimiter: %q %d", got, n)
	}
	if got, n := r.ReplaceEdges("-wasabi", Edges{OpenStart: true, OpenEnd: true}); n != 0 || got != "-wasabi" {
		t.Errorf("an open end is no delimiter: %q %d", got, n)
	}
	if got, _ := r.ReplaceEdges("-wasabi.", Edges{OpenStart: true, OpenEnd: true}); got != "-wasabi-v2." {
		t.Errorf("delimited inside a piece: %q", got)
	}
}

func TestNewRenamerRefusesNonsense(t *testing.T) {
	for _, c := range [][2]string{{"", "x"}, {"x", ""}, {"same", "same"}, {"a b", "c"}, {"a", `b"`}, {"-a", "b"}, {"a", "${x}"}} {
		if _, err := NewRenamer(c[0], c[1]); err == nil {
			t.Errorf("NewRenamer(%q, %q) accepted", c[0], c[1])
		}
	}
}
