package ops

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stackctl/stackctl/internal/drift"
)

// A unit that failed is in the report with its error, and with the drift
// it found before failing; one that did not run says why.
func TestDriftReport(t *testing.T) {
	found := &drift.Unit{Unit: "service", Resources: []*drift.Resource{{Address: "aws_ecs_service.web"}}}
	ok := &drift.Unit{Unit: "network", Resources: []*drift.Resource{}}
	res := &Result{Env: "dev", Units: []UnitOutcome{
		{Unit: "network", Status: Succeeded, UnitResult: UnitResult{Data: ok}},
		{Unit: "service", Status: Failed, Err: errors.New("terraform plan failed: boom"), UnitResult: UnitResult{Data: found}},
		{Unit: "edge", Status: Failed, Err: errors.New("no credentials")},
		{Unit: "apps/api", Status: Interrupted},
	}}
	rep := DriftReport(res, func(err error) string { return "formatted: " + err.Error() })
	if rep.Env != "dev" || len(rep.Units) != 4 {
		t.Fatalf("report: %+v", rep)
	}
	want := []struct {
		err     string
		drifted bool
	}{{"", false}, {"formatted: terraform plan failed: boom", true}, {"formatted: no credentials", false}, {"interrupted", false}}
	for i, w := range want {
		u := rep.Units[i]
		if u.Error != w.err || u.Drifted() != w.drifted {
			t.Errorf("%s: error %q drifted %v, want %q %v", u.Unit, u.Error, u.Drifted(), w.err, w.drifted)
		}
	}
	if rep.ExitCode() != 1 {
		t.Errorf("exit code %d", rep.ExitCode())
	}
}

// A generated file never replaces one in the working or the unit folder,
// and a working folder's imports.tf is put back when an import fails.
func TestGeneratedNameAndKeepFile(t *testing.T) {
	wd, unit := t.TempDir(), t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := generatedName("discovered", wd, unit); n != "generated_discovered.tf" {
		t.Errorf("free: %s", n)
	}
	must(os.WriteFile(filepath.Join(unit, "generated_discovered.tf"), nil, 0o644))
	must(os.WriteFile(filepath.Join(wd, "generated_discovered_2.tf"), nil, 0o644))
	if n := generatedName("discovered", wd, unit); n != "generated_discovered_2_2.tf" {
		t.Errorf("taken in either folder: %s", n)
	}

	path := filepath.Join(wd, "imports.tf")
	undo := keepFile(path)
	must(os.WriteFile(path, []byte("import {}\n"), 0o644))
	undo()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file that did not exist must be removed again: %v", err)
	}
	must(os.WriteFile(path, []byte("# mine\n"), 0o644))
	undo = keepFile(path)
	must(os.WriteFile(path, []byte("# mine\nimport {}\n"), 0o644))
	undo()
	if b, _ := os.ReadFile(path); string(b) != "# mine\n" {
		t.Errorf("restored: %q", b)
	}
}
