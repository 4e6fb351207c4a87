package cli

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestConvertFlagsToOptions(t *testing.T) {
	a := testApp(nil)
	var got *convertOptions
	must(t, parse(t, a, a.convertCommand(func(o *convertOptions) error { got = o; return nil }), "terragrunt", "live", "--out", "new", "--json", "--project", "shop"))
	want := convertOptions{From: "terragrunt", Dir: "live", Out: "new", Project: "shop", EnvFile: "env.hcl", JSON: true, Args: []string{}}
	if got == nil || !reflect.DeepEqual(*got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	got = nil
	must(t, parse(t, a, a.convertCommand(func(o *convertOptions) error { got = o; return nil }), "--out", "x", "terragrunt"))
	if got.Dir != "." || got.From != "terragrunt" {
		t.Errorf("DIR defaults to the current folder: %+v", got)
	}
}

// What convert refuses, before reading anything, and what it says to do.
func TestConvertRefuses(t *testing.T) {
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "keep.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		o    convertOptions
		want string
	}{
		{convertOptions{Out: "x"}, "convert needs what to convert from: stackctl convert terragrunt [DIR] --out DIR"},
		{convertOptions{From: "atmos", Out: "x"}, `stackctl converts Terragrunt trees only, not "atmos"`},
		{convertOptions{From: "terragrunt", Dir: ".", Args: []string{"extra"}, Out: "x"}, "unexpected arguments extra"},
		{convertOptions{From: "terragrunt", Dir: "."}, "convert needs --out DIR, a folder that does not exist yet (or an empty one)"},
		{convertOptions{From: "terragrunt", Dir: ".", Out: full}, "is not empty: give a folder that does not exist yet (or an empty one); stackctl convert never overwrites files"},
	}
	for _, c := range cases {
		a := testApp(nil)
		a.cwd = t.TempDir()
		err := a.runConvert(context.Background(), &c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.o, err, c.want)
		}
	}
}
