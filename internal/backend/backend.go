// Package backend opens the state backend a unit's configuration names.
package backend

import (
	"fmt"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/state/local"
)

// Opener opens state backends. It is created once per invocation so that
// clients (S3) are shared between units.
type Opener struct{}

// NewOpener returns an opener.
func NewOpener() *Opener { return &Opener{} }

// Open returns the backend of a unit.
func (o *Opener) Open(b config.Backend) (state.Backend, error) {
	switch b.Type {
	case config.BackendLocal:
		return local.New(b.String("path")), nil
	default:
		return nil, fmt.Errorf("reading state from a %q backend is not supported", b.Type)
	}
}
