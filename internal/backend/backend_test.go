package backend

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
)

func localUnit(path, statePath string) *config.Unit {
	return &config.Unit{Path: path, Backend: config.Backend{Type: config.BackendLocal, Config: map[string]cty.Value{"path": cty.StringVal(statePath)}}}
}

func TestOpenStoreAndBackups(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	o := NewOpener("dev", WithBackupDir(BackupDir(root)))
	u := localUnit("apps/api", filepath.Join(root, ".stackctl", "state", "dev", "apps", "api", "terraform.tfstate"))

	store, backups, err := o.OpenStore(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, ".stackctl", "backups", "dev", "apps", "api"); backups.Dir != want {
		t.Errorf("backups in %s, want %s", backups.Dir, want)
	}
	// One backend per local file in the process: an fcntl lock taken
	// through one would end when another closed the file.
	again, err := o.Open(ctx, u.Backend)
	if err != nil {
		t.Fatal(err)
	}
	if again != store {
		t.Error("Open returned a second backend for the same local state file")
	}

	if _, _, err := NewOpener("dev").OpenStore(ctx, u); err == nil || !strings.Contains(err.Error(), "no state backup folder") {
		t.Errorf("OpenStore without a backup folder: %v", err)
	}
	if _, err := o.Backups(localUnit("../x", "/tmp/x")); err == nil {
		t.Error("a unit path with .. got a backup folder")
	}
}
