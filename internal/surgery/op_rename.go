package surgery

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// RenameOptions are rename-app's.
type RenameOptions struct {
	From, To string
	// Exclude are address globs left alone (* and ? only; see
	// AddressMatch).
	Exclude []string
	// AllowUpdate accepts in-place updates of renamed resources in the
	// verification plans (tags the rename outside Terraform did not
	// change); replacement and destruction are refused regardless.
	AllowUpdate bool
	Command     string
}

// inputAttrs are the attributes (and blocks) whose strings feed a unit's
// inputs, by file: these are renamed together with the state.
var (
	unitInputAttrs = []string{"inputs"}
	envInputAttrs  = []string{"inputs", "vars"}
	inputBlocks    = []string{"locals"}
)

// PrepareRenameApp finds what renaming an app outside Terraform requires
// in the selected units' states and in their unit.hcl and env.hcl inputs
// (env.hcl only when every unit is selected: it is shared by all), and
// returns the surgery that makes it, with its report.
func PrepareRenameApp(ctx context.Context, env Env, o RenameOptions) (*Surgery, error) {
	r, err := NewRenamer(o.From, o.To)
	if err != nil {
		return nil, err
	}
	for _, p := range o.Exclude {
		if strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("--exclude is empty: give an address glob such as 'heroku_app.apps[\"mywasabi\"]' or 'module.legacy.*'")
		}
	}
	st := env.Stack()
	units, all := env.Selected()
	// The targets are the units whose state has something to rename, as
	// stored now; the run computes the edits again under the locks.
	var targets []*Target
	var stateless []string
	searched := 0
	for _, p := range units {
		tg, err := target(ctx, env, st.Unit(p))
		if err != nil {
			return nil, err
		}
		snap, err := tg.Store.ReadRaw(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the state of %s: %w", p, err)
		}
		cur, err := parseStored(p, snap.Data)
		if err != nil {
			return nil, err
		}
		if cur == nil {
			stateless = append(stateless, p)
			continue
		}
		searched++
		edits, err := RenameState(p, cur, r, o.Exclude)
		if err != nil {
			return nil, err
		}
		if len(edits) > 0 {
			targets = append(targets, tg)
		}
	}
	files := map[string]fileKind{}
	for _, p := range units {
		files[st.Unit(p).File] = unitFile
	}
	var notes []string
	if all {
		files[st.Env.File] = envFile
	} else if src, err := readFile(st.Env.File); err == nil {
		if _, edits, _ := RenameInputs(st.Env.File, src, r, envInputAttrs, inputBlocks); len(edits) > 0 {
			notes = append(notes, fmt.Sprintf("%s carries %q in %d place(s) but is shared by every unit of %s, and only some are selected: it is left as it is. Rename there yourself, or run without --unit.",
				relTo(st.Root.Dir, st.Env.File), o.From, len(edits), st.Env.Name))
		}
	}
	s := &Surgery{Report: &Report{Root: st.Root.Dir, Operation: "rename-app", Env: st.Env.Name, Notes: notes}}
	s.tx = newTx(env, "rename-app", o.Command, targets)
	var lastEdits []Edit
	var lastFileEdits []TextEdit
	s.tx.Build = func(ctx context.Context, cur map[string][]byte) (*Changes, error) {
		ch := &Changes{}
		lastEdits, lastFileEdits = nil, nil
		s.Report.States = nil
		for _, tg := range targets {
			stv, err := parseStored(tg.Unit, cur[tg.Unit])
			if err != nil {
				return nil, err
			}
			if stv == nil {
				return nil, fmt.Errorf("the state of %s is gone", tg.Unit)
			}
			before := summary(stv)
			edits, err := RenameState(tg.Unit, stv, r, o.Exclude)
			if err != nil {
				return nil, err
			}
			lastEdits = append(lastEdits, edits...)
			ch.States = append(ch.States, &StateChange{Unit: tg.Unit, Before: cur[tg.Unit], Next: stv})
			s.Report.States = append(s.Report.States, statePlan(tg, before, stv, "rewrite"))
		}
		paths := make([]string, 0, len(files))
		for f := range files {
			paths = append(paths, f)
		}
		sort.Strings(paths)
		for _, f := range paths {
			src, err := readFile(f)
			if err != nil {
				return nil, err
			}
			attrs := unitInputAttrs
			if files[f] == envFile {
				attrs = envInputAttrs
			}
			out, edits, err := RenameInputs(f, src, r, attrs, inputBlocks)
			if err != nil {
				return nil, err
			}
			if len(edits) == 0 {
				continue
			}
			for i := range edits {
				edits[i].File = relTo(st.Root.Dir, f)
			}
			lastFileEdits = append(lastFileEdits, edits...)
			ch.Files = append(ch.Files, &FileChange{Path: f, Before: src, After: out})
		}
		return ch, nil
	}
	if searched == 0 {
		return nil, notFound(o, units, stateless, searched, r, env)
	}
	ch, err := s.tx.Preview(ctx)
	if err != nil {
		return nil, err
	}
	if len(ch.States) == 0 && len(ch.Files) == 0 {
		return nil, notFound(o, units, stateless, searched, r, env)
	}
	s.tx.Shown = ch.Fingerprint()
	s.Report.Edits, s.Report.FileEdits = lastEdits, lastFileEdits
	for _, f := range ch.Files {
		s.Report.Files = append(s.Report.Files, relTo(st.Root.Dir, f.Path))
	}
	s.Report.Verify = renameExpectations(st, lastEdits, ch, files, units, stateless, !o.AllowUpdate)
	s.tx.Verify = s.verifier(env)
	return s, nil
}

type fileKind int

const (
	unitFile fileKind = iota
	envFile
)

// renameExpectations: every unit whose state or unit.hcl changed is
// planned (all selected units with state when env.hcl changed), and the
// renamed instances must come out unchanged.
func renameExpectations(st *config.Stack, edits []Edit, ch *Changes, files map[string]fileKind, units, stateless []string, noOp bool) []Expect {
	touched := map[string][]string{}
	// Attribute edits name an instance by its address before its for_each
	// key is renamed; the plan knows it by the new one.
	moved := map[string]string{}
	for _, e := range edits {
		if e.Attribute == "" {
			moved[e.Unit+"\x00"+e.Address] = e.New
		}
	}
	for _, e := range edits {
		if strings.HasPrefix(e.Address, "output.") {
			if _, ok := touched[e.Unit]; !ok {
				touched[e.Unit] = nil
			}
			continue
		}
		addr := e.Address
		if n, ok := moved[e.Unit+"\x00"+e.Address]; ok {
			addr = n
		}
		touched[e.Unit] = append(touched[e.Unit], addr)
	}
	planned := map[string]bool{}
	for u := range touched {
		planned[u] = true
	}
	envChanged := false
	for _, f := range ch.Files {
		if files[f.Path] == envFile {
			envChanged = true
		}
		for _, p := range units {
			if st.Unit(p).File == f.Path {
				planned[p] = true
			}
		}
	}
	if envChanged {
		for _, p := range units {
			planned[p] = true
		}
	}
	noState := map[string]bool{}
	for _, p := range stateless {
		noState[p] = true
	}
	var out []Expect
	for _, p := range units {
		if !planned[p] || noState[p] {
			continue
		}
		addrs := dedupe(touched[p])
		// An address renamed by its key is checked at its new address.
		out = append(out, Expect{Unit: p, Touched: addrs, NoOp: noOp})
	}
	return out
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// notFound is rename-app's error when OLD is nowhere: where it looked,
// and whether NEW is there already.
func notFound(o RenameOptions, units, stateless []string, searched int, r *Renamer, env Env) error {
	msg := fmt.Sprintf("%q was not found as a name or a delimited token in the identifying attributes of the %d state(s) searched (%s) nor in their inputs: nothing to rename",
		o.From, searched, strings.Join(units, ", "))
	if len(stateless) > 0 {
		msg += fmt.Sprintf("; %s ha(s/ve) no state", strings.Join(stateless, ", "))
	}
	if searched == 0 {
		msg = fmt.Sprintf("none of the selected units (%s) has state: there is nothing to rename in state", strings.Join(units, ", "))
	}
	n := &Renamer{Old: o.To, New: o.To + "\x00"}
	if found := newNameSomewhere(env, units, n); found != "" {
		msg += fmt.Sprintf("; %q already appears in %s: was the rename done already?", o.To, found)
	}
	if len(o.Exclude) > 0 {
		msg += "; --exclude " + strings.Join(o.Exclude, ", ") + " left some resources out"
	}
	return fmt.Errorf("%s", msg)
}

// newNameSomewhere names a unit whose state holds the new name already.
func newNameSomewhere(env Env, units []string, r *Renamer) string {
	ctx := context.Background()
	for _, p := range units {
		u := env.Stack().Unit(p)
		s, _, err := env.OpenStore(ctx, u)
		if err != nil {
			continue
		}
		snap, err := s.ReadRaw(ctx)
		if err != nil || snap.Data == nil {
			continue
		}
		cur, err := state.Parse(snap.Data)
		if err != nil {
			continue
		}
		for _, o := range cur.Objects() {
			vals, _ := o.Instance.AttributeValues()
			hit := false
			walkStrings(vals, nil, "", func(_ []any, key, s string) {
				if Identifying(key) && r.Contains(s) {
					hit = true
				}
			})
			if hit {
				return "the state of " + p + " (" + o.Address + ")"
			}
		}
	}
	return ""
}
