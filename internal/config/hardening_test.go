package config

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/testutil"
)

// Issue 9 item 8: values that were converted or accepted silently.
func TestValuesOfTheWrongKindAreRefused(t *testing.T) {
	cases := []struct {
		name, file, src, want string
	}{
		{"dependency path number", "infra/live/dev/apps/api/unit.hcl", "source = \"../../../../modules/m\"\ndependency \"a\" { path = 5 }\n", "path must be a string, not number"},
		{"project number", "stackctl.hcl", "project = 5\n", "project must be a string, not number"},
		{"empty source", "infra/live/dev/network/unit.hcl", "source = \"\"\n", "Empty source"},
		{"live_dir bool", "stackctl.hcl", "project = \"p\"\nlive_dir = true\n", "live_dir must be a string, not bool"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := maps.Clone(base)
			files[c.file] = c.src
			_, diags := load(t, files, "dev", nil)
			if !diags.HasErrors() {
				t.Fatal("accepted")
			}
			text := ""
			for _, d := range diags {
				text += d.Summary + ": " + d.Detail + "\n"
				if d.Subject == nil {
					t.Errorf("no location: %s", d.Summary)
				}
			}
			if !strings.Contains(text, c.want) {
				t.Errorf("%q not in\n%s", c.want, text)
			}
		})
	}
}

// file("/dev/zero") read until memory ran out; a pipe would block forever.
func TestFileFunctionsReadRegularFilesOnly(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(filepath.Join(dir, "big"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(MaxFileSize + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	big.Close()
	fns := fileFunctions(dir, baseFunctions(func(string) (string, bool) { return "", false }, makeSSMFunc(nil)))
	for call, want := range map[string]string{
		`file("/dev/zero")`:                "a device, not a regular file",
		`filebase64("/dev/zero")`:          "a device, not a regular file",
		`file("pipe")`:                     "named pipe",
		`templatefile("pipe", {})`:         "named pipe",
		`file(".")`:                        "a folder",
		`filebase64("big")`:                "more than the 16 MiB",
		`templatefile("/dev/urandom", {})`: "a device",
	} {
		_, diags := evalWith(t, call, fns)
		if !diags.HasErrors() || !strings.Contains(diags.Error(), want) {
			t.Errorf("%s: %v, want %q", call, diags, want)
		}
	}
}

// A binary unit.hcl printed 95 KB of raw bytes: one error, a bounded,
// escaped snippet.
func TestBinaryUnitFileIsOneBoundedError(t *testing.T) {
	files := maps.Clone(base)
	bin := make([]byte, 95_000)
	for i := range bin {
		bin[i] = byte(i*131 + i/7)
	}
	files["infra/live/dev/network/unit.hcl"] = "source = \"../../../modules/m\"\n" + string(bin)
	dir := testutil.WriteTree(t, files)
	l := NewLoader(Options{Dir: dir})
	_, diags := l.Load("dev")
	if len(diags) != 1 || diags[0].Summary != "Not a text file" || diags[0].Subject.Start.Line != 2 {
		t.Fatalf("%d diagnostics: %s", len(diags), diags.Error())
	}
	var b bytes.Buffer
	diag.Write(&b, diags, l.Files(), false, 100)
	if b.Len() > 1000 {
		t.Errorf("printed %d bytes", b.Len())
	}
	for _, c := range b.Bytes() {
		if c < 0x20 && c != '\n' {
			t.Fatalf("raw control byte %#x printed:\n%q", c, b.String())
		}
	}
}

func TestUnreadableUnitIsAnErrorNotADroppedUnit(t *testing.T) {
	files := maps.Clone(base)
	dir := testutil.WriteTree(t, files)
	if err := os.MkdirAll(filepath.Join(dir, "infra/live/dev/ghost"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("missing.hcl", filepath.Join(dir, "infra/live/dev/ghost/unit.hcl")); err != nil {
		t.Fatal(err)
	}
	_, diags := NewLoader(Options{Dir: dir}).Load("dev")
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Unit cannot be read") ||
		!strings.Contains(diags[0].Detail, filepath.Join("infra", "live", "dev", "ghost", "unit.hcl")+" is a symbolic link to missing.hcl") {
		t.Fatalf("got %v", diags)
	}
}

func evalWith(t *testing.T, src string, fns map[string]function.Function) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	expr, diags := hclsyntax.ParseExpression([]byte(src), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return expr.Value(&hcl.EvalContext{Functions: fns})
}
