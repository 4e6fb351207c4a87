package surgery

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// MoveOptions are state mv's: UNIT:ADDRESS to UNIT:ADDRESS.
type MoveOptions struct {
	FromUnit, From string
	ToUnit, To     string
	// WriteMoved writes removed and import blocks into the two unit
	// folders instead of moving the state, so that the next apply moves
	// the object through terraform itself.
	WriteMoved bool
	Command    string
}

// MovedFile is the file --write-moved writes in each unit folder.
const MovedFile = "stackctl_moved.tf"

// PrepareStateMove plans moving resources from one unit's state to
// another's: both states locked (in the one lock order), the resource and
// its instances moved with the dependencies that still hold, both verified
// with plans, and the configuration change people must make said.
func PrepareStateMove(ctx context.Context, env Env, o MoveOptions) (*Surgery, error) {
	st := env.Stack()
	su, err := unitOf(st, o.FromUnit)
	if err != nil {
		return nil, err
	}
	du, err := unitOf(st, o.ToUnit)
	if err != nil {
		return nil, err
	}
	fa, err := state.ParseAddress(o.From)
	if err != nil {
		return nil, err
	}
	ta, err := state.ParseAddress(o.To)
	if err != nil {
		return nil, err
	}
	if fa.Type != ta.Type || fa.Mode != ta.Mode {
		return nil, fmt.Errorf("cannot move %s to %s: the resource type must stay the same (terraform cannot change an object's type)", o.From, o.To)
	}
	if fa.Mode == state.ModeData {
		return nil, fmt.Errorf("%s is a data source: nothing to move, every plan reads it again", o.From)
	}
	same := su.Path == du.Path
	if same && o.From == o.To {
		return nil, fmt.Errorf("%s:%s is where it is: nothing to move", o.FromUnit, o.From)
	}
	srcT, err := target(ctx, env, su)
	if err != nil {
		return nil, err
	}
	targets := []*Target{srcT}
	dstT := srcT
	if !same {
		if dstT, err = target(ctx, env, du); err != nil {
			return nil, err
		}
		targets = append(targets, dstT)
	}
	// A destination without state gets a new lineage, chosen once so that
	// the run builds what was shown.
	newLineage := state.NewLineage()
	s := &Surgery{Report: &Report{Root: st.Root.Dir, Operation: "state mv", Env: st.Env.Name}}
	s.tx = newTx(env, "state mv", o.Command, targets)
	if o.WriteMoved {
		s.tx.Targets = nil
	}
	s.tx.Build = func(ctx context.Context, cur map[string][]byte) (*Changes, error) {
		var srcData, dstData []byte
		if o.WriteMoved {
			// No lock is taken: read the states as they are, to learn the ID.
			for _, tg := range targets {
				snap, err := tg.Store.ReadRaw(ctx)
				if err != nil {
					return nil, err
				}
				if tg.Unit == su.Path {
					srcData = snap.Data
				}
				if tg.Unit == du.Path {
					dstData = snap.Data
				}
			}
		} else {
			srcData, dstData = cur[su.Path], cur[du.Path]
		}
		src, err := parseStored(su.Path, srcData)
		if err != nil {
			return nil, err
		}
		if src == nil {
			return nil, fmt.Errorf("%s has no state (%s): there is nothing to move", su.Path, srcT.Store.Describe())
		}
		if r, i, _ := src.Instance(o.From); r == nil && i == nil {
			if rr, _ := src.Resource(o.From); rr == nil || fa.HasKey {
				return nil, fmt.Errorf("%s is not in the state of %s; it holds: %s", o.From, su.Path, listAddrs(src))
			}
		}
		dst := src
		if !same {
			if dst, err = parseStored(du.Path, dstData); err != nil {
				return nil, err
			}
			if dst == nil {
				dst = &state.State{Version: state.FormatVersion, TerraformVersion: src.TerraformVersion, Lineage: newLineage, Outputs: map[string]state.Output{}}
			}
		}
		if ta.HasKey {
			if _, i, _ := dst.Instance(o.To); i != nil {
				return nil, fmt.Errorf("%s:%s exists already: move it away first", du.Path, o.To)
			}
		} else if r, _ := dst.Resource(o.To); r != nil {
			// A move onto itself was refused above.
			return nil, fmt.Errorf("%s:%s exists already: move it away first", du.Path, o.To)
		}
		srcBefore, dstBefore := summary(src), summary(dst)
		if dstData == nil {
			dstBefore = nil
		}
		m, err := MoveAcross(src, o.From, dst, o.To)
		if err != nil {
			return nil, err
		}
		m.From, m.To = su.Path+":"+o.From, du.Path+":"+o.To
		s.Report.Moved = m
		ch := &Changes{}
		if o.WriteMoved {
			files, err := movedFiles(su, du, o, m)
			if err != nil {
				return nil, err
			}
			for _, f := range files {
				path := filepath.Join(f.dir, MovedFile)
				before, _ := readFile(path)
				after := append([]byte(nil), before...)
				if len(before) > 0 {
					after = append(after, '\n')
				}
				after = append(after, f.text...)
				ch.Files = append(ch.Files, &FileChange{Path: path, Before: before, After: after})
			}
			return ch, nil
		}
		s.Report.States = nil
		ch.States = append(ch.States, &StateChange{Unit: su.Path, Before: srcData, Next: src})
		s.Report.States = append(s.Report.States, statePlan(srcT, srcBefore, src, "rewrite"))
		if !same {
			ch.States = append(ch.States, &StateChange{Unit: du.Path, Before: dstData, Next: dst})
			action := "rewrite"
			if dstData == nil {
				action = "create"
			}
			s.Report.States = append(s.Report.States, statePlan(dstT, dstBefore, dst, action))
		}
		return ch, nil
	}
	ch, err := s.tx.Preview(ctx)
	if err != nil {
		return nil, err
	}
	s.tx.Shown = ch.Fingerprint()
	for _, f := range ch.Files {
		s.Report.Files = append(s.Report.Files, relTo(st.Root.Dir, f.Path))
	}
	s.Report.Notes = moveAdvice(st, su, du, o, s.Report.Moved)
	switch {
	case o.WriteMoved && same:
		s.Report.Notes = append(s.Report.Notes, fmt.Sprintf("no state is written: the next `stackctl apply %s` moves %s to %s in %s (moved block); review its plan first, and keep the block until every copy of the state has been applied",
			st.Env.Name, o.From, o.To, su.Path))
	case o.WriteMoved:
		s.Report.Notes = append(s.Report.Notes, fmt.Sprintf("no state is written: the next `stackctl apply %s` forgets %s in %s (removed block) and imports it into %s (import block); review its plan first, and delete %s from both folders after that apply",
			st.Env.Name, o.From, su.Path, du.Path, MovedFile))
	}
	src := Expect{Unit: su.Path, Absent: []string{o.From}}
	dst := Expect{Unit: du.Path, Touched: []string{o.To}}
	if same {
		dst.Absent = src.Absent
		s.Report.Verify = []Expect{dst}
	} else {
		s.Report.Verify = []Expect{src, dst}
	}
	if o.WriteMoved {
		// The removed and import blocks only show in plans; they change
		// nothing until an apply, so the plans are shown, not required.
		s.Report.Verify = nil
	}
	s.tx.Verify = s.verifier(env)
	return s, nil
}

type movedFile struct {
	dir  string
	text []byte
}

// movedFiles are the blocks --write-moved adds to each unit folder's
// MovedFile. Within one unit it is terraform's own rename, a moved block,
// which needs no ID and takes instances; across units a removed block in
// the source and an import block, with the object's one ID, in the
// destination.
func movedFiles(su, du *config.Unit, o MoveOptions, m *Moved) ([]movedFile, error) {
	if su.Path == du.Path {
		text, err := MovedBlock(o.From, o.To)
		if err != nil {
			return nil, err
		}
		return []movedFile{{su.Dir, text}}, nil
	}
	if len(m.IDs) != 1 {
		return nil, fmt.Errorf("--write-moved needs one import ID, and %s has %d instances: move them one by one, or without --write-moved", o.From, len(m.IDs))
	}
	removed, imported, err := MovedBlocks(o.From, o.To, m.IDs[0])
	if err != nil {
		return nil, err
	}
	return []movedFile{{su.Dir, removed}, {du.Dir, imported}}, nil
}

func listAddrs(st *state.State) string {
	addrs := instanceAddrs(st)
	if len(addrs) > 12 {
		addrs = append(addrs[:12], fmt.Sprintf("and %d more (stackctl state list)", len(addrs)-12))
	}
	if len(addrs) == 0 {
		return "no managed resources"
	}
	return strings.Join(addrs, ", ")
}

// moveAdvice says which resource block must move where for the plans to
// agree with the moved state.
func moveAdvice(st *config.Stack, su, du *config.Unit, o MoveOptions, m *Moved) []string {
	var notes []string
	srcAt, dstAt := blockIn(su, o.From), blockIn(du, o.To)
	where := func(u *config.Unit) string {
		if u.Source.Local && !u.Source.None {
			return relTo(st.Root.Dir, filepath.Join(u.Source.Dir, filepath.FromSlash(u.Source.Subdir)))
		}
		return relTo(st.Root.Dir, u.Dir)
	}
	switch {
	case srcAt != "" && dstAt == "":
		notes = append(notes, fmt.Sprintf("configuration: move the resource block %s from %s to the configuration of %s (%s), as %s",
			o.From, relTo(st.Root.Dir, srcAt), du.Path, where(du), o.To))
	case srcAt != "" && dstAt != "":
		notes = append(notes, fmt.Sprintf("configuration: %s is still declared in %s (%s): remove it there, %s declares it at %s",
			o.From, su.Path, relTo(st.Root.Dir, srcAt), du.Path, relTo(st.Root.Dir, dstAt)))
	case srcAt == "" && dstAt != "":
		notes = append(notes, fmt.Sprintf("configuration: already moved (%s declares %s at %s)", du.Path, o.To, relTo(st.Root.Dir, dstAt)))
	default:
		notes = append(notes, fmt.Sprintf("configuration: declare %s in the configuration of %s (%s) and remove %s from that of %s (%s)",
			o.To, du.Path, where(du), o.From, su.Path, where(su)))
	}
	if m != nil && len(m.Dependents) > 0 && su.Path != du.Path {
		notes = append(notes, fmt.Sprintf("%s in %s depend(s) on %s: give %s an output for what they use, and read it through a dependency \"%s\" block",
			strings.Join(m.Dependents, ", "), su.Path, o.From, du.Path, du.Name))
	}
	return notes
}

// blockIn finds a root-module resource block of a unit: in its local
// module or in the unit folder's own .tf files.
func blockIn(u *config.Unit, addr string) string {
	if u.Source.Local && !u.Source.None {
		if at := BlockAt(filepath.Join(u.Source.Dir, filepath.FromSlash(u.Source.Subdir)), addr); at != "" {
			return at
		}
	}
	return BlockAt(u.Dir, addr)
}
