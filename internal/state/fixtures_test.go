package state

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/testutil/moto"
	"github.com/stackctl/stackctl/internal/testutil/tf"
)

var update = flag.Bool("update", false, "regenerate testdata/states with real terraform runs (and the golden .objects files)")

// States terraform wrote, committed so that -short tests check the model
// on them: `go test ./internal/state -run TestRoundTripOnStatesTerraformWrites -update`
// regenerates them.
const fixtureDir = "testdata/states"

// generateStates runs terraform on the configurations in testdata/terraform
// and returns the states it wrote, by fixture name.
func generateStates(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}

	dir := copyConfig(t, "builtin")
	env := tf.Env(t, dir, "")
	tf.Run(t, dir, env, "init", "-input=false", "-no-color")
	tf.Run(t, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	out["builtin"] = readState(t, dir)
	// Fails on purpose: a tainted replacement and a deposed object.
	if o, err := tf.Try(t, dir, env, "apply", "-auto-approve", "-input=false", "-no-color", "-var", "generation=2", "-var", "fail=true"); err == nil {
		t.Fatalf("the failing apply succeeded:\n%s", o)
	}
	out["failed"] = readState(t, dir)

	srv := moto.Start(t)
	dir = copyConfig(t, "aws")
	env = tf.Env(t, dir, tf.Mirror(t), srv.Env()...)
	tf.Run(t, dir, env, "init", "-input=false", "-no-color")
	tf.Run(t, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	out["aws"] = readState(t, dir)
	tf.Run(t, dir, env, "destroy", "-auto-approve", "-input=false", "-no-color")
	out["destroyed"] = readState(t, dir)
	return out
}

func copyConfig(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("testdata", "terraform", name)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func readState(t *testing.T, dir string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	// Nothing of the machine may end up in a committed fixture.
	host, _ := os.Hostname()
	for _, s := range []string{dir, os.TempDir(), host} {
		if s != "" && bytes.Contains(data, []byte(s)) {
			t.Fatalf("the state terraform wrote in %s contains %q; a fixture must not", dir, s)
		}
	}
	return data
}

// roundTrip fails t unless Marshal(Parse(data)) gives data back, byte for
// byte.
func roundTrip(t *testing.T, name string, data []byte) *State {
	t.Helper()
	s, err := Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := CheckKnown(data); err != nil {
		t.Errorf("%s: %v", name, err)
	}
	got, err := s.Marshal()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("%s: Marshal(Parse(state)) differs from what terraform wrote: %s", name, firstDiff(data, got))
	}
	return s
}

func firstDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d: terraform %q, stackctl %q", i+1, wl, gl)
		}
	}
	return "same lines, different bytes"
}

// The model against terraform itself: every state terraform 1.11 writes
// for the fixture configurations (all parts of the format: keys that need
// quoting, modules, data, tainted, deposed, create_before_destroy,
// dependencies, sensitive paths, private data, schema versions, check
// results of every kind) comes back byte for byte.
func TestRoundTripOnStatesTerraformWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform and the AWS emulator; TestRoundTripFixtures checks the committed states")
	}
	states := generateStates(t)
	for _, name := range slices.Sorted(maps.Keys(states)) {
		roundTrip(t, name, states[name])
		if *update {
			if err := os.WriteFile(filepath.Join(fixtureDir, name+".tfstate"), states[name], 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func fixtures(t *testing.T) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.tfstate"))
	if err != nil || len(paths) < 4 {
		t.Fatalf("fixtures in %s: %v, %v", fixtureDir, paths, err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(p), ".tfstate")] = data
	}
	return out
}

func TestRoundTripFixtures(t *testing.T) {
	for name, data := range fixtures(t) {
		roundTrip(t, name, data)
	}
}

// objectsOf is the golden listing of a state's objects.
func objectsOf(s *State) string {
	var b strings.Builder
	for _, o := range s.Objects() {
		i := o.Instance
		fmt.Fprintf(&b, "%s", o.Address)
		if i.Deposed != "" {
			b.WriteString(" deposed")
		}
		if i.Status != "" {
			b.WriteString(" " + i.Status)
		}
		if i.CreateBeforeDestroy {
			b.WriteString(" create_before_destroy")
		}
		fmt.Fprintf(&b, " schema_version=%d", i.SchemaVersion)
		if paths, err := i.SensitivePaths(); err != nil {
			fmt.Fprintf(&b, " sensitive=%v", err)
		} else if len(paths) > 0 {
			fmt.Fprintf(&b, " sensitive=%v", paths)
		}
		if len(i.Private) > 0 {
			b.WriteString(" private")
		}
		if len(i.Dependencies) > 0 {
			fmt.Fprintf(&b, " depends_on=%s", strings.Join(i.Dependencies, ","))
		}
		fmt.Fprintf(&b, " provider=%s\n", o.Resource.Provider)
	}
	for _, c := range s.CheckResults {
		fmt.Fprintf(&b, "check %s %s %s:", c.ObjectKind, c.ConfigAddr, c.Status)
		for _, o := range c.Objects {
			fmt.Fprintf(&b, " %s=%s%q", o.ObjectAddr, o.Status, o.FailureMessages)
		}
		b.WriteString("\n")
	}
	for _, n := range s.OutputNames() {
		fmt.Fprintf(&b, "output %s sensitive=%t type=%s\n", n, s.Outputs[n].Sensitive, s.Outputs[n].Value.Type().FriendlyName())
	}
	return b.String()
}

// What the model reads from each fixture: addresses (quoted keys,
// modules, data), statuses, schema versions, sensitive paths, private
// data, dependencies, check results and outputs.
func TestFixtureObjects(t *testing.T) {
	for name, data := range fixtures(t) {
		s, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		got := objectsOf(s)
		golden := filepath.Join(fixtureDir, name+".objects")
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to write it)", err)
		}
		if got != string(want) {
			t.Errorf("%s: objects differ from %s (run with -update if the change is right):\n%s", name, golden, firstDiff(want, []byte(got)))
		}
	}
}
