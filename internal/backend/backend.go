// Package backend opens the state backend a unit's configuration names and
// checks, before any terraform runs, that remote state can be reached.
package backend

import (
	"context"
	"fmt"
	"strings"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/state/local"
	s3state "github.com/stackctl/stackctl/internal/state/s3"
)

// Opener opens state backends. One is created per invocation so that AWS
// configuration (and its credentials cache) is shared between units.
type Opener struct {
	s3 *s3state.Opener
}

// NewOpener returns an opener for an environment (named in messages).
func NewOpener(env string) *Opener { return &Opener{s3: &s3state.Opener{Env: env}} }

// Open returns the backend of a unit.
func (o *Opener) Open(ctx context.Context, b config.Backend) (state.Backend, error) {
	switch b.Type {
	case config.BackendLocal:
		return local.New(b.String("path")), nil
	case config.BackendS3:
		return o.s3.Open(ctx, b)
	default:
		return nil, fmt.Errorf("reading state from a %q backend is not supported", b.Type)
	}
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
