package terraform

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
)

func fakeTerraform(t *testing.T, dir, content string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "terraform")
	if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// The record of the binary found last time spares `terraform version`
// processes, for a terraform on PATH and for one stackctl installed, as long
// as PATH still resolves to what it did.
func TestBinaryRecord(t *testing.T) {
	root := t.TempDir()
	pathDir, installDir := filepath.Join(root, "bin"), filepath.Join(root, "install")
	record := filepath.Join(root, "terraform-binary.json")
	onPath := fakeTerraform(t, pathDir, "#!/bin/sh\n# 1.5.7\n")
	installed := fakeTerraform(t, installDir, "#!/bin/sh\n# 1.11.4\n")
	t.Setenv("PATH", pathDir)
	cons, err := version.NewConstraint("~> 1.11")
	if err != nil {
		t.Fatal(err)
	}

	writeRecord(record, installed, version.Must(version.NewVersion("1.11.4")))
	if b := fromRecord(record, cons); b == nil || b.Path != installed || b.Version.String() != "1.11.4" {
		t.Fatalf("installed terraform not taken from the record: %+v", b)
	}
	newer, err := version.NewConstraint("~> 1.12")
	if err != nil {
		t.Fatal(err)
	}
	if b := fromRecord(record, newer); b != nil {
		t.Errorf("record used for a constraint it does not satisfy: %+v", b)
	}

	// The terraform on PATH changed (perhaps to one that satisfies the
	// constraint now): look again.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(onPath, later, later); err != nil {
		t.Fatal(err)
	}
	if b := fromRecord(record, cons); b != nil {
		t.Errorf("record trusted after the terraform on PATH changed: %+v", b)
	}

	// The recorded binary itself changed.
	writeRecord(record, installed, version.Must(version.NewVersion("1.11.4")))
	if fromRecord(record, cons) == nil {
		t.Fatal("fresh record not used")
	}
	fakeTerraform(t, installDir, "#!/bin/sh\n# 1.11.5, longer\n")
	if b := fromRecord(record, cons); b != nil {
		t.Errorf("record trusted after its binary changed: %+v", b)
	}

	// No terraform on PATH any more.
	writeRecord(record, installed, version.Must(version.NewVersion("1.11.5")))
	t.Setenv("PATH", root)
	if b := fromRecord(record, cons); b != nil {
		t.Errorf("record trusted after the terraform on PATH went away: %+v", b)
	}
}
