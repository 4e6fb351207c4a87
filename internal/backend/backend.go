// Package backend opens the state backend a unit's configuration names and
// checks, before any terraform runs, that remote state can be reached.
package backend

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/stackctl/stackctl/internal/awsconf"
	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/state/local"
	s3state "github.com/stackctl/stackctl/internal/state/s3"
)

// Opener opens state backends. One is created per invocation so that AWS
// configuration (and its credentials cache) is shared between units, and
// so that each local state file has one backend in the process (an fcntl
// lock ends when the process closes any descriptor of the file).
type Opener struct {
	env       string
	backupDir string
	s3        *s3state.Opener

	mu    sync.Mutex
	local map[string]*local.Backend
}

// Option configures an Opener.
type Option func(*Opener)

// WithBackupDir sets the folder under which state writes keep their
// backups: <dir>/<env>/<unit path>/. The CLI passes
// BackupDir(repository root); without it, writes are refused.
func WithBackupDir(dir string) Option { return func(o *Opener) { o.backupDir = dir } }

// WithBase gives every S3 backend the invocation's base credentials (an
// environment's assumed role).
func WithBase(base *awsconf.Shared) Option { return func(o *Opener) { o.s3.Base = base } }

// BackupDir is the backup folder of a repository: <root>/.stackctl/backups.
func BackupDir(root string) string { return filepath.Join(root, ".stackctl", "backups") }

// NewOpener returns an opener for an environment (named in messages and
// in backup paths).
func NewOpener(env string, opts ...Option) *Opener {
	o := &Opener{env: env, s3: &s3state.Opener{Env: env}}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// Open returns the backend of a unit.
func (o *Opener) Open(ctx context.Context, b config.Backend) (state.Backend, error) {
	return o.store(ctx, b)
}

func (o *Opener) store(ctx context.Context, b config.Backend) (state.Store, error) {
	switch b.Type {
	case config.BackendLocal:
		path := b.String("path")
		o.mu.Lock()
		defer o.mu.Unlock()
		if be, ok := o.local[path]; ok {
			return be, nil
		}
		be := local.New(path)
		if o.local == nil {
			o.local = map[string]*local.Backend{}
		}
		o.local[path] = be
		return be, nil
	case config.BackendS3:
		be, err := o.s3.Open(ctx, b)
		if err != nil {
			return nil, err
		}
		return be, nil
	default:
		return nil, fmt.Errorf("reading state from a %q backend is not supported", b.Type)
	}
}

// OpenStore returns a unit's state for writing (state.Write, state.Delete)
// and the folder that keeps its backups.
func (o *Opener) OpenStore(ctx context.Context, u *config.Unit) (state.Store, *state.Backups, error) {
	backups, err := o.Backups(u)
	if err != nil {
		return nil, nil, err
	}
	s, err := o.store(ctx, u.Backend)
	if err != nil {
		return nil, nil, err
	}
	return s, backups, nil
}

// Backups returns the folder of a unit's state backups:
// <backup dir>/<env>/<unit path>/.
func (o *Opener) Backups(u *config.Unit) (*state.Backups, error) {
	if o.backupDir == "" {
		return nil, errors.New("no state backup folder is configured (backend.WithBackupDir)")
	}
	if u.Path == "" || strings.Contains(u.Path, "..") || o.env == "" {
		return nil, fmt.Errorf("no backup folder for unit %q of environment %q", u.Path, o.env)
	}
	return &state.Backups{Dir: filepath.Join(o.backupDir, o.env, filepath.FromSlash(u.Path))}, nil
}

// S3Backends returns one S3 backend per distinct state bucket (bucket,
// region, lock table and KMS key) among the units: usually the whole
// environment shares one.
func (o *Opener) S3Backends(ctx context.Context, units []*config.Unit) ([]*s3state.Backend, error) {
	seen := map[string]bool{}
	var out []*s3state.Backend
	for _, u := range units {
		if u.Backend.Type != config.BackendS3 {
			continue
		}
		b, err := o.s3.Open(ctx, u.Backend)
		if err != nil {
			return nil, err
		}
		key := strings.Join([]string{b.Settings.Bucket, b.Region(), b.Settings.DynamoDBTable, b.Settings.KMSKeyID}, "\x00")
		if !seen[key] {
			seen[key] = true
			out = append(out, b)
		}
	}
	return out, nil
}

// Check verifies that the state of every given unit can be reached: for
// S3, that credentials resolve and the bucket (and lock table) exist. It
// runs before terraform so that a missing bucket or a wrong endpoint is
// one clear message, not one terraform failure per unit, and no state is
// touched. Each bucket is checked once.
func (o *Opener) Check(ctx context.Context, units []*config.Unit) error {
	backends, err := o.S3Backends(ctx, units)
	if err != nil {
		return err
	}
	for _, b := range backends {
		if err := b.CheckBucket(ctx); err != nil {
			return err
		}
	}
	return nil
}
