package surgery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/state/local"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv("SURGERY_TX_HELPER"); dir != "" {
		crashHelper(dir, os.Getenv("SURGERY_TX_STEP"), os.Getenv("SURGERY_TX_MODE"))
		os.Exit(3) // the step was never reached
	}
	os.Exit(m.Run())
}

const stateDoc = `{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 3,
  "lineage": "LINEAGE",
  "outputs": {},
  "resources": [
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "x",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": {
            "id": "VALUE",
            "input": null,
            "output": null,
            "triggers_replace": null
          },
          "sensitive_attributes": []
        }
      ]
    }
  ],
  "check_results": null
}
`

// txTree is a repository root with the local states of units a and b, a
// file and a folder that the test transaction rewrites and moves.
type txTree struct {
	root string
	// old and new contents of what the transaction changes.
	before map[string]string
}

func newTxTree(t testing.TB) *txTree {
	root := t.TempDir()
	tr := &txTree{root: root, before: map[string]string{}}
	for _, u := range []string{"a", "b"} {
		doc := strings.NewReplacer("LINEAGE", "lineage-"+u, "VALUE", "old-"+u).Replace(stateDoc)
		p := tr.statePath(u)
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(doc), 0o600))
		tr.before["state "+u] = doc
	}
	must(t, os.MkdirAll(filepath.Join(root, "live", "old"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "live", "old", "unit.hcl"), []byte("name = \"old\"\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "env.hcl"), []byte("app = \"old\"\n"), 0o644))
	return tr
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (tr *txTree) statePath(u string) string {
	return filepath.Join(tr.root, ".stackctl", "state", "dev", u, "terraform.tfstate")
}

func (tr *txTree) open(_ context.Context, unit string, b config.Backend) (state.Store, *state.Backups, error) {
	return local.New(b.String("path")), &state.Backups{Dir: filepath.Join(tr.root, ".stackctl", "backups", "dev", unit)}, nil
}

// tx renames "old" to "new" in both states, moves live/old to live/new
// and rewrites env.hcl and the moved unit.hcl.
func (tr *txTree) tx(t testing.TB) *Tx {
	var targets []*Target
	for _, u := range []string{"b", "a"} {
		b := config.Backend{Type: config.BackendLocal, Config: map[string]cty.Value{"path": cty.StringVal(tr.statePath(u))}}
		st, bk, _ := tr.open(context.Background(), u, b)
		targets = append(targets, &Target{Unit: u, Backend: b, Store: st, Backups: bk})
	}
	return &Tx{
		Operation: "test-op", Env: "dev", Root: tr.root, Targets: targets,
		Build: func(_ context.Context, cur map[string][]byte) (*Changes, error) {
			ch := &Changes{}
			for _, u := range []string{"a", "b"} {
				st, err := state.Parse(cur[u])
				if err != nil {
					return nil, err
				}
				_, inst, _ := st.Instance("terraform_data.x")
				if err := inst.SetAttribute("new-"+u, "id"); err != nil {
					return nil, err
				}
				ch.States = append(ch.States, &StateChange{Unit: u, Before: cur[u], Next: st})
			}
			ch.Moves = []DirMove{{From: "live/old", To: "live/new"}}
			envBefore, _ := os.ReadFile(filepath.Join(tr.root, "env.hcl"))
			ch.Files = []*FileChange{
				{Path: filepath.Join(tr.root, "env.hcl"), Before: envBefore, After: []byte("app = \"new\"\n")},
				{Path: filepath.Join(tr.root, "live", "new", "unit.hcl"), Before: []byte("name = \"old\"\n"), After: []byte("name = \"new\"\n")},
			}
			return ch, nil
		},
	}
}

// outcome says whether everything is as before ("old"), as after ("new"),
// or a mix (a failure).
func (tr *txTree) outcome(t *testing.T) string {
	t.Helper()
	var seen []string
	for _, u := range []string{"a", "b"} {
		b, err := os.ReadFile(tr.statePath(u))
		must(t, err)
		st, err := state.Parse(b)
		must(t, err)
		_, inst, _ := st.Instance("terraform_data.x")
		id, _ := inst.Attribute("id")
		seen = append(seen, strings.TrimSuffix(fmt.Sprint(id), "-"+u))
		if st.Lineage != "lineage-"+u {
			t.Errorf("state %s has lineage %s", u, st.Lineage)
		}
		if info, _ := os.Stat(filepath.Join(filepath.Dir(tr.statePath(u)), ".terraform.tfstate.lock.info")); info != nil {
			t.Errorf("a lock info file is left beside %s", u)
		}
	}
	env, _ := os.ReadFile(filepath.Join(tr.root, "env.hcl"))
	seen = append(seen, strings.Trim(strings.TrimPrefix(strings.TrimSpace(string(env)), "app = "), `"`))
	if _, err := os.Stat(filepath.Join(tr.root, "live", "new", "unit.hcl")); err == nil {
		b, _ := os.ReadFile(filepath.Join(tr.root, "live", "new", "unit.hcl"))
		seen = append(seen, "new", strings.Trim(strings.TrimPrefix(strings.TrimSpace(string(b)), "name = "), `"`))
		if _, err := os.Stat(filepath.Join(tr.root, "live", "old")); err == nil {
			t.Error("both live/old and live/new exist")
		}
	} else {
		b, _ := os.ReadFile(filepath.Join(tr.root, "live", "old", "unit.hcl"))
		seen = append(seen, "old", strings.Trim(strings.TrimPrefix(strings.TrimSpace(string(b)), "name = "), `"`))
	}
	for _, s := range seen[1:] {
		if s != seen[0] {
			return "mixed " + strings.Join(seen, ",")
		}
	}
	return seen[0]
}

func TestTxCommits(t *testing.T) {
	tr := newTxTree(t)
	tx := tr.tx(t)
	var steps []string
	tx.after = func(s string) { steps = append(steps, s) }
	verified := false
	tx.Verify = func(context.Context) error { verified = true; return nil }
	res, err := tx.Run(context.Background())
	must(t, err)
	if got := tr.outcome(t); got != "new" || !verified {
		t.Fatalf("outcome %s, verified %v", got, verified)
	}
	want := "journal locked prepared wrote:a wrote:b moved files verified committed unlocked"
	if strings.Join(steps, " ") != want {
		t.Errorf("steps %q, want %q", strings.Join(steps, " "), want)
	}
	for _, w := range res.Written {
		if w.Serial != 4 || w.Backup == "" {
			t.Errorf("written %+v: want serial 4 and a backup", w)
		}
		if _, err := os.Stat(w.Backup); err != nil {
			t.Error(err)
		}
	}
	if p, _ := FindPending(tr.root, "dev"); len(p) != 0 {
		t.Errorf("a journal is left: %+v", p[0])
	}
}

func TestTxRollsBackWhenVerifyFails(t *testing.T) {
	tr := newTxTree(t)
	tx := tr.tx(t)
	tx.Verify = func(context.Context) error { return errors.New("the plan of a wants to replace terraform_data.x") }
	_, err := tx.Run(context.Background())
	var rb *RolledBackError
	if !errors.As(err, &rb) || len(rb.Restored) != 5 {
		t.Fatalf("want a rollback of 2 states, 2 files and a folder, got %v", err)
	}
	if !strings.Contains(err.Error(), "replace terraform_data.x") {
		t.Errorf("the reason is not said: %v", err)
	}
	if got := tr.outcome(t); got != "old" {
		t.Fatalf("outcome %s after a rollback", got)
	}
	b, _ := os.ReadFile(tr.statePath("a"))
	st, _ := state.Parse(b)
	if st.Serial != 5 {
		t.Errorf("the restored state is at serial %d, want 5 (old content, written after serial 4)", st.Serial)
	}
}

func TestTxLockHeldChangesNothing(t *testing.T) {
	tr := newTxTree(t)
	// Another process holds b's lock (an fcntl lock never excludes its
	// own process).
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SURGERY_TX_HELPER="+tr.root, "SURGERY_TX_MODE=hold")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	must(t, cmd.Start())
	done := false
	release := func() {
		if !done {
			done = true
			stdin.Close()
			_ = cmd.Wait()
		}
	}
	defer release()
	buf := make([]byte, 6)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "locked" {
		t.Fatalf("the lock holder did not start: %q %v", buf, err)
	}
	_, err := tr.tx(t).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "alice@ci") || !strings.Contains(err.Error(), "since") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("want a refusal naming the holder and since when, got %v", err)
	}
	release()
	if got := tr.outcome(t); got != "old" {
		t.Fatalf("outcome %s", got)
	}
	if p, _ := FindPending(tr.root, "dev"); len(p) != 0 {
		t.Errorf("a journal is left")
	}
}

// crashHelper runs the test transaction in a process of its own and kills
// it with SIGKILL right after step; mode "recover" instead recovers what
// an earlier crash left, and is killed after step of the recovery.
func crashHelper(root, step, mode string) {
	tr := &txTree{root: root}
	kill := func(s string) {
		if s == step {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
	}
	if mode == "hold" {
		b := local.New(tr.statePath("b"))
		info := state.NewLockInfo("OperationTypeApply")
		info.Who = "alice@ci"
		if err := b.Lock(context.Background(), info); err != nil {
			os.Exit(2)
		}
		fmt.Print("locked")
		_, _ = os.Stdin.Read(make([]byte, 1))
		_ = b.Unlock(context.Background(), info.ID)
		os.Exit(0)
	}
	if mode == "recover" {
		ps, err := FindPending(root, "dev")
		if err != nil || len(ps) != 1 {
			fmt.Fprintln(os.Stderr, "no pending journal", err)
			os.Exit(2)
		}
		recoverWith(context.Background(), ps[0], root, tr.open, kill)
		return
	}
	tx := tr.tx(nil)
	tx.after = kill
	tx.Verify = func(context.Context) error {
		if mode == "fail" {
			return errors.New("verification refused")
		}
		return nil
	}
	_, _ = tx.Run(context.Background())
}

func runHelper(t *testing.T, root, step, mode string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SURGERY_TX_HELPER="+root, "SURGERY_TX_STEP="+step, "SURGERY_TX_MODE="+mode)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the helper was to be killed after %s (%s): %v\n%s", step, mode, err, out.String())
	}
}

// Killed with SIGKILL after any step of a transaction (or of its
// rollback, or of the recovery itself), every state, file and folder is
// either the old one or the new one once the next command recovers: the
// new ones only when the run had been verified and committed.
func TestTxCrashAtEveryStep(t *testing.T) {
	steps := []struct {
		step, mode, want string
	}{
		{"journal", "", "old"},
		{"locked", "", "old"},
		{"prepared", "", "old"},
		{"wrote:a", "", "old"},
		{"wrote:b", "", "old"},
		{"moved", "", "old"},
		{"files", "", "old"},
		{"verified", "", "old"},
		{"committed", "", "new"},
		{"unlocked", "", "new"},
		{"rolling-back", "fail", "old"},
		{"restored-files", "fail", "old"},
		{"moved-back", "fail", "old"},
		{"restored:b", "fail", "old"},
	}
	for _, c := range steps {
		t.Run(c.step+c.mode, func(t *testing.T) {
			t.Parallel()
			tr := newTxTree(t)
			runHelper(t, tr.root, c.step, c.mode)
			ps, err := FindPending(tr.root, "dev")
			must(t, err)
			if len(ps) != 1 || ps[0].Running {
				t.Fatalf("want one pending journal, not running: %+v", ps)
			}
			if ps[0].Finishes() != (c.want == "new") {
				t.Errorf("Finishes() = %v for a crash after %s", ps[0].Finishes(), c.step)
			}
			ps[0].Close()
			// The recovery is killed too, once, half-way.
			if c.want == "old" && c.step != "journal" && c.step != "locked" {
				runHelper(t, tr.root, "restored:a", "recover")
			}
			ps, err = FindPending(tr.root, "dev")
			must(t, err)
			if len(ps) != 1 {
				t.Fatalf("the journal is gone before the recovery finished: %d", len(ps))
			}
			rec, err := Recover(context.Background(), ps[0], tr.root, tr.open)
			if err != nil {
				t.Fatalf("recover: %v", err)
			}
			if got := tr.outcome(t); got != c.want {
				t.Errorf("after a crash after %s and %s: outcome %s, want %s", c.step, rec.Action, got, c.want)
			}
			if ps, _ := FindPending(tr.root, "dev"); len(ps) != 0 {
				t.Error("the journal is left after recovery")
			}
			// The locks are free again: a new transaction runs.
			tx := tr.tx(t)
			if _, err := tx.Run(context.Background()); err != nil && c.want == "old" {
				t.Errorf("a transaction after the recovery: %v", err)
			}
		})
	}
}
