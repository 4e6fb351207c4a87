package terraform

import (
	"context"
	"os"
	"path/filepath"
	"strings"
)

// EnsureInit runs `terraform init` only when something it depends on
// changed since the last successful init: the terraform version, the CLI
// configuration, the provider requirements or module calls, and (when
// backend is true) the backend settings. validate needs no backend, so it
// inits with -backend=false and runs anywhere, without credentials. It
// reports whether init ran.
func (w *Workdir) EnsureInit(ctx context.Context, backend bool) (bool, error) {
	if !w.NeedsInit(backend) {
		return false, nil
	}
	return true, w.Init(ctx, backend)
}

func (w *Workdir) initKeys() (provKey, fullKey string) {
	provKey = hashBytes([]byte(strings.Join([]string{
		w.s.Binary.Version.String(), string(w.s.cliConfigContent), w.module.InitFingerprint, w.unitLockHash(),
	}, "\x00")))
	fullKey = hashBytes([]byte(provKey + "\x00" + string(w.backendJSON)))
	return provKey, fullKey
}

// NeedsInit reports whether EnsureInit would run terraform init.
func (w *Workdir) NeedsInit(backend bool) bool {
	provKey, fullKey := w.initKeys()
	data, err := os.ReadFile(filepath.Join(w.Dir, ".terraform", initKeyFile))
	if err != nil {
		return true
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	return !(len(lines) == 2 && lines[0] == provKey && (!backend || lines[1] == fullKey))
}

// Init runs terraform init unconditionally and records what it was run
// for.
func (w *Workdir) Init(ctx context.Context, backend bool) error {
	keyPath := filepath.Join(w.Dir, ".terraform", initKeyFile)
	defer w.lockInit()()
	if err := w.runStep(ctx, initArgs(backend), w.out); err != nil {
		return err
	}
	if err := w.lockBack(); err != nil {
		return err
	}
	// The keys are taken after the lock file came back: it is part of
	// them, and the first init is what writes it.
	provKey, fullKey := w.initKeys()
	stored := provKey + "\n-\n"
	if backend {
		stored = provKey + "\n" + fullKey + "\n"
	}
	if err := os.MkdirAll(filepath.Dir(keyPath), 0o755); err != nil {
		return err
	}
	return writeFileAtomic(keyPath, []byte(stored), 0o644)
}

// initArgs are the arguments of the init Init runs: terraform-exec's for
// the same options, which it cannot build without first running
// `terraform version` in the folder.
func initArgs(backend bool) []string {
	args := []string{"init", "-no-color", "-input=false", "-get=true", "-upgrade=false"}
	if backend {
		// The backend settings come from stackctl.hcl; when they change,
		// the new ones apply as written. State is never migrated silently.
		return append(args, "-backend=true", "-reconfigure")
	}
	return append(args, "-backend=false")
}
