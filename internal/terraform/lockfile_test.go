package terraform

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/testutil"
)

func providerMirror(t *testing.T) string {
	t.Helper()
	mirror := os.Getenv("STACKCTL_PROVIDER_MIRROR")
	if mirror == "" {
		mirror = "/opt/tf-plugins"
	}
	if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws")); err != nil {
		t.Fatalf("this test installs hashicorp/aws 5.100.0 from a filesystem mirror: put one at /opt/tf-plugins or set STACKCTL_PROVIDER_MIRROR (%v)", err)
	}
	return mirror
}

// TestLockFileRoundTrip runs the real terraform with the AWS provider from
// the mirror: the first init's lock file is copied back into the unit
// folder (once), and the next init honours the unit's lock file: a version
// or a checksum the mirror cannot satisfy makes init fail naming it, where
// without the lock file it would have installed 5.100.0.
func TestLockFileRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform; skipped with -short")
	}
	t.Parallel()
	mirror := providerMirror(t)
	root := testutil.WriteTree(t, map[string]string{
		"modules/aws/main.tf": `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}
`,
		"live/dev/app/unit.hcl": `source = "../../../modules/aws"`,
	})
	unitDir := filepath.Join(root, "live", "dev", "app")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := NewSession(ctx, SessionOptions{RootDir: root, Mirror: mirror, PluginCacheDir: filepath.Join(root, ".stackctl", "plugins"), Offline: true, Environ: os.Environ()})
	if err != nil {
		t.Fatalf("%v (this test needs terraform 1.11 on PATH)", err)
	}
	u := &config.Unit{Path: "app", Name: "app", Dir: unitDir, File: filepath.Join(unitDir, "unit.hcl"),
		Source: config.Source{Raw: "../../../modules/aws", Local: true, Dir: filepath.Join(root, "modules", "aws")}}
	out := &testutil.SyncBuffer{}
	var last *Workdir
	prepare := func() *Workdir {
		t.Helper()
		// One run at a time uses a working folder: release the last one.
		last.Close()
		w, err := s.Prepare(ctx, "dev", u, out)
		if err != nil {
			t.Fatal(err)
		}
		last = w
		return w
	}
	defer func() { last.Close() }()

	w := prepare()
	if _, err := os.Stat(filepath.Join(w.Dir, LockFile)); !os.IsNotExist(err) {
		t.Fatalf("a lock file appeared in the working folder with none anywhere: %v", err)
	}
	if err := w.Init(ctx, false); err != nil {
		t.Fatalf("init: %v\n%s", err, out.String())
	}
	if !w.LockChanged() {
		t.Fatal("the first init did not report the unit's new lock file")
	}
	lockPath := filepath.Join(unitDir, LockFile)
	lock, err := os.ReadFile(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(lock), `provider "registry.terraform.io/hashicorp/aws"`) || !regexp.MustCompile(`version\s+= "5.100.0"`).Match(lock) {
		t.Fatalf("the unit's lock file does not pin aws 5.100.0:\n%s", lock)
	}
	if _, err := os.Stat(filepath.Join(w.Dir, ".terraform", "providers", "registry.terraform.io", "hashicorp", "aws", "5.100.0")); err != nil {
		t.Fatalf("aws 5.100.0 is not installed: %v", err)
	}
	info, _ := os.Stat(lockPath)
	if changed, err := w.CopyLockBack(); err != nil || changed {
		t.Fatalf("second CopyLockBack = %v, %v: an unchanged lock file was written", changed, err)
	}
	if again, _ := os.Stat(lockPath); !again.ModTime().Equal(info.ModTime()) {
		t.Fatal("an unchanged lock file was rewritten")
	}

	// A version pinned in the unit's lock file is the one init looks for.
	pinned := regexp.MustCompile(`version\s+= "5.100.0"`).ReplaceAll(lock, []byte(`version     = "5.99.0"`))
	if err := os.WriteFile(lockPath, pinned, 0o644); err != nil {
		t.Fatal(err)
	}
	w = prepare()
	if !w.NeedsInit(false) {
		t.Fatal("a changed lock file in the unit folder does not make init run")
	}
	if got, _ := os.ReadFile(filepath.Join(w.Dir, LockFile)); string(got) != string(pinned) {
		t.Fatal("Prepare did not copy the unit's lock file into the working folder")
	}
	err = w.Init(ctx, false)
	if err == nil || !strings.Contains(err.Error()+out.String(), "5.99.0") {
		t.Fatalf("init with aws pinned to 5.99.0 (absent from the mirror) = %v, want a failure naming 5.99.0\n%s", err, out.String())
	}
	t.Logf("pinned: %v", err)
	if data, _ := os.ReadFile(lockPath); string(data) != string(pinned) {
		t.Fatal("the unit's lock file changed after a failed init")
	}

	// So is a checksum: the right version with a checksum no package has.
	bogus := regexp.MustCompile(`"(h1|zh):[^"]+"`).ReplaceAll(lock, []byte(`"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="`))
	if err := os.WriteFile(lockPath, bogus, 0o644); err != nil {
		t.Fatal(err)
	}
	w = prepare()
	if changed, err := w.CopyLockIn(); err != nil || changed {
		t.Fatalf("CopyLockIn after Prepare copied it already = %v, %v", changed, err)
	}
	out2 := out.String()
	err = w.Init(ctx, false)
	if err == nil {
		t.Fatalf("init with a checksum no package matches succeeded\n%s", strings.TrimPrefix(out.String(), out2))
	}
	t.Logf("bogus: %v", err)
	if msg := err.Error() + out.String(); !strings.Contains(msg, "checksum") {
		t.Fatalf("init failed without naming the checksum: %v", err)
	}

	// The committed lock file back in place: init succeeds with it.
	if err := os.WriteFile(lockPath, lock, 0o644); err != nil {
		t.Fatal(err)
	}
	w = prepare()
	if err := w.Init(ctx, false); err != nil {
		t.Fatalf("init with the committed lock file: %v", err)
	}
	if w.LockChanged() {
		t.Fatal("an init that kept the lock file reported it changed")
	}
	if w.NeedsInit(false) {
		t.Fatal("init would run again right after an init with the same lock file")
	}

	// No lock file in the unit: the working folder's goes too.
	if err := os.Remove(lockPath); err != nil {
		t.Fatal(err)
	}
	if changed, err := w.CopyLockIn(); err != nil || !changed {
		t.Fatalf("CopyLockIn after the unit's lock file was removed = %v, %v", changed, err)
	}
	if _, err := os.Stat(filepath.Join(w.Dir, LockFile)); !os.IsNotExist(err) {
		t.Fatalf("the working folder kept its lock file: %v", err)
	}
}
