package surgery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// Env is what a surgery needs of a loaded environment; ops.SurgeryEnv
// gives it over the engine.
type Env interface {
	// Stack is the environment's configuration as loaded.
	Stack() *config.Stack
	// Selected lists the selected units in dependency order; All says
	// whether that is every unit.
	Selected() (units []string, all bool)
	// Dependents lists the units that depend on unit directly.
	Dependents(unit string) []string
	// OpenStore opens a unit's state for writing, with its backups.
	OpenStore(ctx context.Context, u *config.Unit) (state.Store, *state.Backups, error)
	// Verify loads the configuration again (the surgery may have changed
	// files) and plans the units without taking their locks (the surgery
	// holds them): the plans' JSON by unit, or the first unit failure.
	Verify(ctx context.Context, units []string) (map[string]*tfjson.Plan, error)
}

// Surgery is one prepared state surgery: the transaction, and what it
// will do for people to see before it runs.
type Surgery struct {
	Report *Report
	tx     *Tx
	// post runs after a successful transaction (a pushed errored state is
	// put aside).
	post func() error
}

// Report is what a surgery does (or, with --dry-run, would do), for the
// human and JSON views.
type Report struct {
	// Root is the repository root, for showing paths relative to it.
	Root      string `json:"-"`
	Operation string `json:"operation"`
	Env       string `json:"env"`
	DryRun    bool   `json:"dry_run"`
	// Edits are the state edits of rename-app.
	Edits []Edit `json:"edits,omitempty"`
	// States are the states the surgery writes, creates or deletes.
	States []StatePlan `json:"states"`
	// FileEdits are the replacements in stackctl files; Files the files
	// written (relative to the repository root).
	FileEdits []TextEdit `json:"file_edits,omitempty"`
	Files     []string   `json:"files,omitempty"`
	Moves     []DirMove  `json:"moves,omitempty"`
	Moved     *Moved     `json:"moved,omitempty"`
	// Notes are what people must know or do (the configuration change a
	// state mv needs).
	Notes []string `json:"notes,omitempty"`
	// Verify is what the verification plans must show, and Plans what they
	// showed once run.
	Verify []Expect      `json:"verify,omitempty"`
	Plans  []PlanSummary `json:"plans,omitempty"`
	Result *Result       `json:"result,omitempty"`
}

// StatePlan is one state of a surgery.
type StatePlan struct {
	Unit   string `json:"unit"`
	Where  string `json:"where"`
	Action string `json:"action"` // "rewrite", "create", "delete", "restore", "push"
	// Serial is the stored serial (0 when there is none); Next what is
	// written (0 for a deletion).
	Serial    uint64 `json:"serial"`
	Next      uint64 `json:"next_serial,omitempty"`
	Lineage   string `json:"lineage"`
	Resources int    `json:"resources"`
}

// PlanSummary is one verification plan.
type PlanSummary struct {
	Unit    string `json:"unit"`
	Summary string `json:"summary"`
}

// Run performs the surgery as shown: locked, backed up, written,
// verified, or rolled back (see Tx.Run). log receives its steps.
func (s *Surgery) Run(ctx context.Context, log io.Writer) (*Report, error) {
	s.tx.Log = log
	res, err := s.tx.Run(ctx)
	if err != nil {
		return s.Report, err
	}
	s.Report.Result = res
	if s.post != nil {
		if err := s.post(); err != nil {
			return s.Report, err
		}
	}
	return s.Report, nil
}

// verifier returns the transaction's Verify: plans of the units, checked
// against what the surgery expects, summaries kept in the report.
func (s *Surgery) verifier(env Env) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		units := make([]string, 0, len(s.Report.Verify))
		for _, ex := range s.Report.Verify {
			units = append(units, ex.Unit)
		}
		if len(units) == 0 {
			return nil
		}
		plans, err := env.Verify(ctx, units)
		if err != nil {
			return err
		}
		var problems []Problem
		s.Report.Plans = nil
		for _, ex := range s.Report.Verify {
			p := plans[ex.Unit]
			if p == nil {
				return fmt.Errorf("no plan of %s was made", ex.Unit)
			}
			s.Report.Plans = append(s.Report.Plans, PlanSummary{Unit: ex.Unit, Summary: planSummary(p)})
			problems = append(problems, CheckPlan(p, ex)...)
		}
		return PlanErrors(problems)
	}
}

// planSummary is terraform's count line for a plan's JSON.
func planSummary(p *tfjson.Plan) string {
	add, change, destroy := 0, 0, 0
	for _, rc := range p.ResourceChanges {
		if rc.Change == nil {
			continue
		}
		a := rc.Change.Actions
		switch {
		case a.Replace():
			add++
			destroy++
		case a.Create():
			add++
		case a.Update():
			change++
		case a.Delete():
			destroy++
		}
	}
	if add+change+destroy == 0 {
		return "no changes"
	}
	return fmt.Sprintf("%d to add, %d to change, %d to destroy", add, change, destroy)
}

// unitOf finds a unit, with the units there are when it is not one.
func unitOf(st *config.Stack, path string) (*config.Unit, error) {
	if u := st.Unit(path); u != nil {
		return u, nil
	}
	return nil, fmt.Errorf("environment %s has no unit %q; its units: %s", st.Env.Name, path, strings.Join(st.UnitPaths(), ", "))
}

// target opens a unit's store as a transaction target.
func target(ctx context.Context, env Env, u *config.Unit) (*Target, error) {
	st, bk, err := env.OpenStore(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("opening the state of %s: %w", u.Path, err)
	}
	return &Target{Unit: u.Path, Backend: u.Backend, Store: st, Backups: bk}, nil
}

// parseStored parses a stored document (nil when there is none) and
// refuses one with fields stackctl does not know.
func parseStored(unit string, data []byte) (*state.State, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, nil
	}
	if err := state.CheckKnown(data); err != nil {
		return nil, fmt.Errorf("the state of %s: %w", unit, err)
	}
	st, err := state.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("the state of %s: %w", unit, err)
	}
	return st, nil
}

// stored is what a plan shows of a state before it changes, taken
// before the change (edits share the state's slices).
type stored struct {
	serial    uint64
	lineage   string
	resources int
}

func summary(st *state.State) *stored {
	if st == nil {
		return nil
	}
	return &stored{serial: st.Serial, lineage: st.Lineage, resources: st.Instances()}
}

func statePlan(tg *Target, cur *stored, next *state.State, action string) StatePlan {
	sp := StatePlan{Unit: tg.Unit, Where: tg.Store.Describe(), Action: action}
	if cur != nil {
		sp.Serial, sp.Lineage, sp.Resources = cur.serial, cur.lineage, cur.resources
	}
	if next != nil {
		sp.Next = next.Serial + 1
		sp.Lineage, sp.Resources = next.Lineage, next.Instances()
	}
	return sp
}

func newTx(env Env, operation, command string, targets []*Target) *Tx {
	st := env.Stack()
	return &Tx{Operation: operation, Command: command, Env: st.Env.Name, Root: st.Root.Dir, Targets: targets}
}

func relTo(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil {
		return filepath.ToSlash(r)
	}
	return p
}

func readFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return b, nil
}

func instanceAddrs(st *state.State) []string {
	if st == nil {
		return nil
	}
	var out []string
	for _, o := range st.Objects() {
		if o.Resource.Mode == state.ModeManaged && o.Instance.Deposed == "" {
			out = append(out, o.Address)
		}
	}
	// Objects is terraform's order (state list's): x[2] before x[10].
	return out
}

// ErrNothingToDo is a surgery with no change to make.
var ErrNothingToDo = errors.New("nothing to do")
