package terraform

import (
	"context"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// ProvidersLockOptions shape `terraform providers lock`.
type ProvidersLockOptions struct {
	// Platforms are os_arch names (linux_amd64, darwin_arm64) whose
	// checksums the lock file records; none means this machine's only.
	Platforms []string
	// FSMirror is a filesystem mirror to read packages from. The command
	// ignores the CLI configuration's installation methods, so an
	// air-gapped tree must name its mirror here.
	FSMirror string
}

// ProvidersLock runs `terraform providers lock` in the working folder; the
// caller copies the result back into the unit folder (CopyLockBack).
func (w *Workdir) ProvidersLock(ctx context.Context, o ProvidersLockOptions) error {
	if err := w.learnVersion(ctx); err != nil {
		return err
	}
	var opts []tfexec.ProvidersLockOption
	if o.FSMirror != "" {
		opts = append(opts, tfexec.FSMirror(o.FSMirror))
	}
	for _, p := range o.Platforms {
		opts = append(opts, tfexec.Platform(p))
	}
	w.s.initMu.Lock()
	defer w.s.initMu.Unlock()
	return classify("providers lock", w.tf.ProvidersLock(ctx, opts...))
}
