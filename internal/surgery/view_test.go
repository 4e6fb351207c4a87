package surgery

import (
	"bytes"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/state"
)

// A report with nothing in it shows its first line only: no section
// heading without lines under it.
func TestWritePlanEmpty(t *testing.T) {
	var b bytes.Buffer
	(&Report{Operation: "state mv", Env: "dev"}).WritePlan(&b)
	if b.String() != "state mv dev\n" {
		t.Errorf("got %q", b.String())
	}
	b.Reset()
	(&Report{Operation: "rename-app", Env: "dev"}).WriteDone(&b)
	if b.String() != "" {
		t.Errorf("a report without a result: %q", b.String())
	}
	b.Reset()
	(&Report{Result: &Result{}}).WriteDone(&b)
	if b.String() != "" {
		t.Errorf("an empty result: %q", b.String())
	}
}

// The sections rename-app never shows: an object moved, folders, files
// written without edits, states created and deleted, expectations on
// what left a unit, notes.
func TestWritePlanMoveSections(t *testing.T) {
	r := &Report{
		Root: "/repo", Operation: "mv-unit", Env: "dev", DryRun: true,
		Moved: &Moved{From: "a:aws_x.y", To: "b:aws_x.y", Objects: 2, IDs: []string{"i-1", "i-2"}},
		Moves: []DirMove{{From: "live/dev/a", To: "live/dev/b"}},
		Files: []string{"live/dev/b/unit.hcl"},
		States: []StatePlan{
			{Unit: "a", Where: "/repo/.stackctl/state/dev/a/terraform.tfstate", Action: "delete", Serial: 4, Lineage: "L1", Resources: 3},
			{Unit: "b", Where: "/elsewhere/b.tfstate", Action: "create", Next: 1, Lineage: "L1", Resources: 3},
			{Unit: "c", Where: "s3://bucket/c", Action: "rewrite", Serial: 7, Next: 8, Lineage: "L2", Resources: 1},
		},
		Verify: []Expect{{Unit: "a", Absent: []string{"aws_x.y", "aws_x.z"}}, {Unit: "b", Touched: []string{"aws_x.y"}}, {Unit: "c"}},
		Notes:  []string{"remove the resource block of aws_x.y from a"},
	}
	var b bytes.Buffer
	r.WritePlan(&b)
	want := `mv-unit dev (dry run)

Moves a:aws_x.y to b:aws_x.y (2 object(s), ID i-1, i-2).

Folders:
  live/dev/a → live/dev/b

Files written:
  live/dev/b/unit.hcl

States:
  a  .stackctl/state/dev/a/terraform.tfstate  delete   serial 4, deleted once verified (a versioned bucket keeps it), 3 resource instance(s), lineage L1
  b  /elsewhere/b.tfstate                     create   new, serial 1, 3 resource instance(s), lineage L1
  c  s3://bucket/c                            rewrite  serial 7 → 8, 1 resource instance(s), lineage L2

Verified afterwards with a plan of:
  a: aws_x.y, aws_x.z not created again
  b: no destroy, replacement or creation of the 1 instance(s) written
  c: it must plan without errors

Notes:
  remove the resource block of aws_x.y from a
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	r.Moved.IDs = nil
	r.Moves, r.Files, r.States, r.Verify, r.Notes = nil, nil, nil, nil, nil
	r.DryRun = false
	r.WritePlan(&b)
	if want := "mv-unit dev\n\nMoves a:aws_x.y to b:aws_x.y (2 object(s)).\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	if got := (Expect{Touched: []string{"x.y", "x.z"}, NoOp: true, Absent: []string{"x.w"}}).describe(); got != "no change at all to the 2 instance(s) written; x.w not created again" {
		t.Errorf("describe = %q", got)
	}
}

func TestWriteDoneDeletedAndVersions(t *testing.T) {
	r := &Report{Root: "/repo", Plans: []PlanSummary{{Unit: "b", Summary: "no changes"}}, Result: &Result{
		Written: []WrittenState{{Unit: "b", Where: "s3://bucket/b", Serial: 2, VersionID: "v9"}},
		Deleted: []WrittenState{
			{Unit: "a", Where: "/repo/.stackctl/state/dev/a/terraform.tfstate", Backup: "/repo/.stackctl/backups/dev/a/x.tfstate"},
			{Unit: "c", Where: "s3://bucket/c"},
		},
		Moves: []DirMove{{From: "live/dev/a", To: "live/dev/b"}},
	}}
	var b bytes.Buffer
	r.WriteDone(&b)
	want := `Verified: the plan of b: no changes.
Wrote the state of b (s3://bucket/b, serial 2, S3 version v9).
Deleted the old state of a (.stackctl/state/dev/a/terraform.tfstate); backed up in .stackctl/backups/dev/a/x.tfstate.
Deleted the old state of c (s3://bucket/c).
Moved live/dev/a to live/dev/b.
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	if got := r.rel("/repo/../x"); got != "/repo/../x" {
		t.Errorf("a path outside the root: %q", got)
	}
	if got := (&Report{}).rel("/repo/x"); got != "/repo/x" {
		t.Errorf("no root: %q", got)
	}
}

func TestWriteStatesAndBackups(t *testing.T) {
	kept := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	WriteStates(&b, "/repo", []UnitState{
		{Unit: "a", Where: "/repo/s/a.tfstate", Exists: true, Serial: 3, Objects: []ListedObject{
			{Address: "aws_x.y", ID: "i-1"},
			{Address: "aws_x.z", ID: "i-2", Deposed: "abcd", Tainted: true},
			{Address: "aws_x.w", ID: "i-3", Tainted: true},
		}, Errored: []*ErroredState{{Path: "/repo/.stackctl/errored/dev/a/e.tfstate", Kept: kept, Serial: 4, Resources: 2}}},
		{Unit: "b", Where: "/repo/s/b.tfstate"},
	})
	want := `a: s/a.tfstate, serial 3, 3 object(s)
  aws_x.y  i-1
  aws_x.z  i-2  (deposed abcd)  (tainted)
  aws_x.w  i-3  (tainted)
  errored state kept 2026-11-02T10:00:00Z: .stackctl/errored/dev/a/e.tfstate (serial 4, 2 object(s)): stackctl state push-errored ENV --unit a

b: no state (s/b.tfstate)
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	WriteBackups(&b, "/repo", []UnitBackups{
		{Unit: "a", Dir: "/repo/bk/a", Backups: []*state.Backup{
			{Name: "1.tfstate", Created: kept, Serial: 3, Operation: "state mv"},
			{Name: "2.tfstate", Created: kept, Serial: 4, VersionID: "v1"},
		}},
		{Unit: "b", Dir: "/repo/bk/b"},
	})
	want = `a: 2 backup(s) in bk/a
  1.tfstate  2026-11-02 10:00:00Z  serial 3  state mv  
  2.tfstate  2026-11-02 10:00:00Z  serial 4  -         S3 version v1

b: no backups (bk/b)
`
	if b.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", b.String(), want)
	}
	b.Reset()
	(&Recovered{Operation: "mv-unit", Action: "rolled back", Done: []string{"file x", "state of a"}}).Write(&b, "dev")
	if want := "stackctl: rolled back the interrupted mv-unit of dev:\n  file x\n  state of a\n"; b.String() != want {
		t.Errorf("got %q", b.String())
	}
}
