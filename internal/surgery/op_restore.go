package surgery

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/stackctl/stackctl/internal/state"
)

// RestoreOptions are state restore's.
type RestoreOptions struct {
	Unit string
	// Backup is a backup's name as state backups lists it, or "latest".
	Backup  string
	Command string
}

// PrepareRestore plans bringing back a backup of a unit's state: written
// over the current state (same lineage, the next serial; the current one
// backed up first) and verified with a plan that destroys or replaces
// nothing the backup holds.
func PrepareRestore(ctx context.Context, env Env, o RestoreOptions) (*Surgery, error) {
	st := env.Stack()
	u, err := unitOf(st, o.Unit)
	if err != nil {
		return nil, err
	}
	tg, err := target(ctx, env, u)
	if err != nil {
		return nil, err
	}
	list, err := tg.Backups.List()
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("%s has no backups (%s)", u.Path, tg.Backups.Dir)
	}
	name := o.Backup
	if name == "latest" {
		name = list[len(list)-1].Name
	}
	var chosen *state.Backup
	for _, b := range list {
		if b.Name == name {
			chosen = b
		}
	}
	if chosen == nil {
		names := make([]string, 0, len(list))
		for _, b := range list {
			names = append(names, b.Name)
		}
		return nil, fmt.Errorf("%s has no backup %q; its backups (stackctl state backups %s --unit %s): %s", u.Path, o.Backup, st.Env.Name, u.Path, strings.Join(names, ", "))
	}
	_, backup, err := tg.Backups.Load(chosen.Name)
	if err != nil {
		return nil, err
	}
	s := &Surgery{Report: &Report{Root: st.Root.Dir, Operation: "state restore", Env: st.Env.Name}}
	s.tx = newTx(env, "state restore", o.Command, []*Target{tg})
	s.tx.Build = func(ctx context.Context, cur map[string][]byte) (*Changes, error) {
		c, err := parseStored(u.Path, cur[u.Path])
		if err != nil {
			return nil, err
		}
		next, err := backup.Clone()
		if err != nil {
			return nil, err
		}
		if c != nil {
			if c.Lineage != next.Lineage {
				return nil, fmt.Errorf("backup %s is of lineage %s and the state of %s of lineage %s: it is another state (the unit was destroyed and created again since?), and stackctl keeps a state's lineage; nothing was changed",
					chosen.Name, next.Lineage, u.Path, c.Lineage)
			}
			next.Serial = c.Serial
		}
		s.Report.States = []StatePlan{statePlan(tg, summary(c), next, "restore")}
		return &Changes{States: []*StateChange{{Unit: u.Path, Before: cur[u.Path], Next: next}}}, nil
	}
	ch, err := s.tx.Preview(ctx)
	if err != nil {
		return nil, err
	}
	s.tx.Shown = ch.Fingerprint()
	s.Report.Notes = append(s.Report.Notes, fmt.Sprintf("restores %s (serial %d, kept %s%s)", chosen.Name, chosen.Serial, chosen.Created.Format("2006-01-02 15:04:05Z"), versionNote(chosen)))
	s.Report.Verify = []Expect{{Unit: u.Path, Touched: instanceAddrs(backup)}}
	s.tx.Verify = s.verifier(env)
	return s, nil
}

func versionNote(b *state.Backup) string {
	if b.VersionID == "" {
		return ""
	}
	return ", S3 version " + b.VersionID
}

// PushOptions are state push-errored's.
type PushOptions struct {
	Unit string
	// File is one kept errored state; "" takes the newest of the unit.
	File    string
	Command string
}

// PreparePushErrored plans pushing the state terraform could not save:
// locked, lineage checked (the same as the stored one's), serial checked
// (not older than the stored one: nobody applied since), backed up,
// verified with a plan, and the errored file put aside once pushed.
func PreparePushErrored(ctx context.Context, env Env, o PushOptions) (*Surgery, error) {
	st := env.Stack()
	u, err := unitOf(st, o.Unit)
	if err != nil {
		return nil, err
	}
	kept, err := ListErrored(st.Root.Dir, st.Env.Name, []string{u.Path})
	if err != nil {
		return nil, err
	}
	var e *ErroredState
	for _, k := range kept {
		if o.File == "" || k.Path == o.File || filepath.Base(k.Path) == o.File {
			e = k
		}
	}
	if e == nil {
		if o.File != "" {
			return nil, fmt.Errorf("%s is not an errored state kept for %s (%s)", o.File, u.Path, ErroredDir(st.Root.Dir, st.Env.Name, u.Path))
		}
		return nil, fmt.Errorf("no errored state is kept for %s (%s): nothing to push", u.Path, relTo(st.Root.Dir, ErroredDir(st.Root.Dir, st.Env.Name, u.Path)))
	}
	data, err := readFile(e.Path)
	if err != nil {
		return nil, err
	}
	errored, err := parseStored(u.Path, data)
	if err != nil || errored == nil {
		return nil, fmt.Errorf("%s: %v", e.Path, err)
	}
	tg, err := target(ctx, env, u)
	if err != nil {
		return nil, err
	}
	if snap, err := tg.Store.ReadRaw(ctx); err == nil {
		if c, err := parseStored(u.Path, snap.Data); err == nil && c != nil && sameContent(c, errored) {
			// Pushed already (a run killed after the push, before the file
			// was put aside): put it aside now.
			if err := donePushed(e); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w: the errored state %s is what the state of %s holds already (serial %d): it was pushed before, and is now put aside",
				ErrNothingToDo, relTo(st.Root.Dir, e.Path), u.Path, c.Serial)
		}
	}
	s := &Surgery{Report: &Report{Root: st.Root.Dir, Operation: "state push-errored", Env: st.Env.Name}}
	s.tx = newTx(env, "state push-errored", o.Command, []*Target{tg})
	s.tx.Build = func(ctx context.Context, cur map[string][]byte) (*Changes, error) {
		c, err := parseStored(u.Path, cur[u.Path])
		if err != nil {
			return nil, err
		}
		next, err := errored.Clone()
		if err != nil {
			return nil, err
		}
		if c != nil {
			if c.Lineage != next.Lineage {
				return nil, fmt.Errorf("the errored state %s is of lineage %s, the state of %s of lineage %s: it belongs to another state; nothing was pushed", relTo(st.Root.Dir, e.Path), next.Lineage, u.Path, c.Lineage)
			}
			if next.Serial < c.Serial {
				return nil, fmt.Errorf("the state of %s is at serial %d, newer than the errored state's %d: someone applied since terraform failed to save it; nothing was pushed (compare them with stackctl state list, and restore by hand if needed)", u.Path, c.Serial, next.Serial)
			}
			next.Serial = max(next.Serial, c.Serial)
		}
		s.Report.States = []StatePlan{statePlan(tg, summary(c), next, "push")}
		return &Changes{States: []*StateChange{{Unit: u.Path, Before: cur[u.Path], Next: next}}}, nil
	}
	ch, err := s.tx.Preview(ctx)
	if err != nil {
		return nil, err
	}
	s.tx.Shown = ch.Fingerprint()
	s.Report.Notes = append(s.Report.Notes, fmt.Sprintf("pushes %s (serial %d, %d resource instance(s)), which terraform wrote when it could not save the state", relTo(st.Root.Dir, e.Path), errored.Serial, errored.Instances()))
	s.Report.Verify = []Expect{{Unit: u.Path, Touched: instanceAddrs(errored)}}
	s.tx.Verify = s.verifier(env)
	s.post = func() error {
		if err := donePushed(e); err != nil {
			return fmt.Errorf("the state of %s was pushed and verified, but %s could not be put aside (%w): move it into pushed/ beside it, or state push-errored offers it again", u.Path, relTo(st.Root.Dir, e.Path), err)
		}
		return nil
	}
	return s, nil
}

// sameContent reports whether two states hold the same, serial aside.
func sameContent(a, b *state.State) bool {
	x, err1 := a.Clone()
	y, err2 := b.Clone()
	if err1 != nil || err2 != nil {
		return false
	}
	x.Serial, y.Serial = 0, 0
	xb, err1 := x.Marshal()
	yb, err2 := y.Marshal()
	return err1 == nil && err2 == nil && string(xb) == string(yb)
}
