package surgery

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// target is a transaction target on the local state of unit u.
func (tr *txTree) target(u string) *Target {
	b := config.Backend{Type: config.BackendLocal, Config: map[string]cty.Value{"path": cty.StringVal(tr.statePath(u))}}
	st, bk, _ := tr.open(context.Background(), u, b)
	return &Target{Unit: u, Backend: b, Store: st, Backups: bk}
}

// oneState is a transaction on a's state only, with build deciding its
// change; the steps it goes through are recorded.
func (tr *txTree) oneState(build func(cur []byte) (*StateChange, error), steps *[]string, log *bytes.Buffer) *Tx {
	return &Tx{
		Operation: "test-op", Env: "dev", Root: tr.root, Targets: []*Target{tr.target("a")}, Log: log,
		Build: func(_ context.Context, cur map[string][]byte) (*Changes, error) {
			sc, err := build(cur["a"])
			if err != nil {
				return nil, err
			}
			return &Changes{States: []*StateChange{sc}}, nil
		},
		after: func(s string) { *steps = append(*steps, s) },
	}
}

func setID(cur []byte, id string) (*state.State, error) {
	st, err := state.Parse(cur)
	if err != nil {
		return nil, err
	}
	_, inst, _ := st.Instance("terraform_data.x")
	return st, inst.SetAttribute(id, "id")
}

// A transaction of one state, with no folder or file and no Verify, goes
// through only the steps it has, and says so.
func TestTxOneStateOnly(t *testing.T) {
	tr := newTxTree(t)
	var steps []string
	var log bytes.Buffer
	tx := tr.oneState(func(cur []byte) (*StateChange, error) {
		st, err := setID(cur, "new-a")
		st.TerraformVersion = "" // kept from the stored state
		return &StateChange{Unit: "a", Before: cur, Next: st}, err
	}, &steps, &log)
	res, err := tx.Run(context.Background())
	must(t, err)
	if got, want := strings.Join(steps, " "), "journal locked prepared wrote:a committed unlocked"; got != want {
		t.Errorf("steps %q, want %q", got, want)
	}
	if got, want := log.String(), "Locked the state of a.\nWrote the state of a (serial 4).\n"; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
	if len(res.Written) != 1 || len(res.Moves) != 0 || len(res.Files) != 0 || len(res.Deleted) != 0 {
		t.Errorf("result %+v", res)
	}
	b, _ := os.ReadFile(tr.statePath("a"))
	st, _ := state.Parse(b)
	if st.TerraformVersion != "1.11.4" || st.Serial != 4 {
		t.Errorf("written: terraform %q, serial %d", st.TerraformVersion, st.Serial)
	}
	if b, _ := os.ReadFile(tr.statePath("b")); string(b) != tr.before["state b"] {
		t.Error("b's state, not in the transaction, changed")
	}
}

// A state written by a newer terraform keeps that version.
func TestTxKeepsANewerTerraformVersion(t *testing.T) {
	tr := newTxTree(t)
	var steps []string
	tx := tr.oneState(func(cur []byte) (*StateChange, error) {
		st, err := setID(cur, "new-a")
		st.TerraformVersion = "1.12.1"
		return &StateChange{Unit: "a", Before: cur, Next: st}, err
	}, &steps, new(bytes.Buffer))
	_, err := tx.Run(context.Background())
	must(t, err)
	b, _ := os.ReadFile(tr.statePath("a"))
	if st, _ := state.Parse(b); st.TerraformVersion != "1.12.1" {
		t.Errorf("written by terraform %q", st.TerraformVersion)
	}
}

// A change built from an older serial than the stored one, or for
// another lineage, is refused before anything is written.
func TestTxRefusesStaleOrForeignStates(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(*state.State)
		want string
	}{
		"stale":   {func(s *state.State) { s.Serial = 2 }, "made from serial 2, the stored one is at 3"},
		"lineage": {func(s *state.State) { s.Lineage = "other" }, `lineage "other" is not the stored one's ("lineage-a")`},
		"before":  {nil, "built from another state than the one stored"},
	} {
		t.Run(name, func(t *testing.T) {
			tr := newTxTree(t)
			var steps []string
			tx := tr.oneState(func(cur []byte) (*StateChange, error) {
				st, err := setID(cur, "new-a")
				if c.edit == nil {
					return &StateChange{Unit: "a", Before: []byte("{}"), Next: st}, err
				}
				c.edit(st)
				return &StateChange{Unit: "a", Before: cur, Next: st}, err
			}, &steps, new(bytes.Buffer))
			_, err := tx.Run(context.Background())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want %q, got %v", c.want, err)
			}
			if got := tr.outcome(t); got != "old" {
				t.Errorf("outcome %s", got)
			}
			if strings.Join(steps, " ") != "journal locked" {
				t.Errorf("steps %v", steps)
			}
		})
	}
}

// A state the transaction creates (there was none) gets a lineage and
// serial 1; rolled back, it is removed again. A state at serial 0 may
// be rewritten.
func TestTxCreatesAState(t *testing.T) {
	for _, fail := range []bool{false, true} {
		tr := newTxTree(t)
		var steps []string
		tx := &Tx{Operation: "test-op", Env: "dev", Root: tr.root, Targets: []*Target{tr.target("c")},
			Build: func(_ context.Context, cur map[string][]byte) (*Changes, error) {
				if cur["c"] != nil {
					return nil, errors.New("c has a state already")
				}
				st, err := setID([]byte(strings.Replace(tr.before["state a"], `"lineage": "lineage-a"`, `"lineage": ""`, 1)), "c")
				st.Serial = 0
				return &Changes{States: []*StateChange{{Unit: "c", Next: st}}}, err
			},
			after: func(s string) { steps = append(steps, s) },
		}
		if fail {
			tx.Verify = func(context.Context) error { return errors.New("no") }
		}
		res, err := tx.Run(context.Background())
		_, statErr := os.Stat(tr.statePath("c"))
		if fail {
			var rb *RolledBackError
			if !errors.As(err, &rb) || len(rb.Restored) != 1 || !strings.HasPrefix(rb.Restored[0], "state of c removed again (.stackctl/state/dev/c/terraform.tfstate had none)") {
				t.Fatalf("want the new state removed again, got %v", err)
			}
			if !errors.Is(statErr, os.ErrNotExist) {
				t.Errorf("the new state is left: %v", statErr)
			}
			if got, want := strings.Join(steps, " "), "journal locked prepared wrote:c rolling-back restored:c"; got != want {
				t.Errorf("steps %q, want %q", got, want)
			}
			continue
		}
		must(t, err)
		b, _ := os.ReadFile(tr.statePath("c"))
		st, err := state.Parse(b)
		must(t, err)
		if st.Serial != 1 || st.Lineage == "" || res.Written[0].Serial != 1 || res.Written[0].Backup != "" {
			t.Errorf("created at serial %d, lineage %q, %+v", st.Serial, st.Lineage, res.Written)
		}
	}
}

// A state marked for deletion goes once everything else is committed,
// backed up first.
func TestTxDeletesAState(t *testing.T) {
	tr := newTxTree(t)
	var steps []string
	var log bytes.Buffer
	tx := &Tx{Operation: "test-op", Env: "dev", Root: tr.root, Targets: []*Target{tr.target("a"), tr.target("b")}, Log: &log,
		Build: func(_ context.Context, cur map[string][]byte) (*Changes, error) {
			st, err := setID(cur["b"], "new-b")
			return &Changes{States: []*StateChange{{Unit: "a", Before: cur["a"], Delete: true}, {Unit: "b", Before: cur["b"], Next: st}}}, err
		},
		after: func(s string) { steps = append(steps, s) },
	}
	res, err := tx.Run(context.Background())
	must(t, err)
	if got, want := strings.Join(steps, " "), "journal locked prepared wrote:b committed deleted:a unlocked"; got != want {
		t.Errorf("steps %q, want %q", got, want)
	}
	if _, err := os.Stat(tr.statePath("a")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a's state is left: %v", err)
	}
	if len(res.Deleted) != 1 || res.Deleted[0].Unit != "a" || res.Deleted[0].Backup == "" {
		t.Fatalf("deleted %+v", res.Deleted)
	}
	if b, err := os.ReadFile(res.Deleted[0].Backup); err != nil || string(b) != tr.before["state a"] {
		t.Errorf("the backup of a is not its state: %v", err)
	}
	if !strings.Contains(log.String(), "Deleted the old state of a.\n") {
		t.Errorf("log:\n%s", log.String())
	}
}

// A file the transaction creates is removed again by a rollback.
func TestTxRollsBackACreatedFile(t *testing.T) {
	tr := newTxTree(t)
	var steps []string
	var log bytes.Buffer
	path := filepath.Join(tr.root, "new.hcl")
	tx := &Tx{Operation: "test-op", Env: "dev", Root: tr.root, Targets: []*Target{tr.target("a")}, Log: &log,
		Build: func(_ context.Context, cur map[string][]byte) (*Changes, error) {
			return &Changes{Files: []*FileChange{{Path: path, After: []byte("x = 1\n")}}}, nil
		},
		Verify: func(context.Context) error {
			if b, _ := os.ReadFile(path); string(b) != "x = 1\n" {
				t.Errorf("the file is not written before the verification: %q", b)
			}
			return errors.New("no")
		},
		after: func(s string) { steps = append(steps, s) },
	}
	_, err := tx.Run(context.Background())
	var rb *RolledBackError
	if !errors.As(err, &rb) || strings.Join(rb.Restored, ";") != "file new.hcl" {
		t.Fatalf("want new.hcl removed again, got %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("new.hcl is left: %v", err)
	}
	if got, want := strings.Join(steps, " "), "journal locked prepared files rolling-back restored-files"; got != want {
		t.Errorf("steps %q, want %q", got, want)
	}
	if got, want := log.String(), "Locked the state of a.\nWrote 1 file(s).\n"; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
	if got := tr.outcome(t); got != "old" {
		t.Errorf("outcome %s", got)
	}
}

// Changes that differ in anything written have different fingerprints.
func TestFingerprintTellsChangesApart(t *testing.T) {
	st := func(id string) *state.State {
		s, err := setID([]byte(stateDoc), id)
		must(t, err)
		return s
	}
	base := func() *Changes {
		return &Changes{
			States: []*StateChange{{Unit: "a", Before: []byte("x"), Next: st("1")}, {Unit: "b", Before: []byte("y"), Delete: true}},
			Moves:  []DirMove{{From: "p", To: "q"}},
			Files:  []*FileChange{{Path: "/f", Before: []byte("b"), After: []byte("a")}},
		}
	}
	fp := base().Fingerprint()
	if base().Fingerprint() != fp {
		t.Fatal("the same changes have two fingerprints")
	}
	for name, edit := range map[string]func(*Changes){
		"next":   func(c *Changes) { c.States[0].Next = st("2") },
		"before": func(c *Changes) { c.States[0].Before = []byte("z") },
		"delete": func(c *Changes) { c.States[1].Delete = false },
		"move":   func(c *Changes) { c.Moves[0].To = "r" },
		"file":   func(c *Changes) { c.Files[0].After = []byte("c") },
	} {
		c := base()
		edit(c)
		if c.Fingerprint() == fp {
			t.Errorf("a change of %s keeps the fingerprint", name)
		}
	}
}
