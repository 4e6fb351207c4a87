// Package local reads state kept in a local file.
package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/stackctl/stackctl/internal/state"
)

// Backend is a state file on disk.
type Backend struct {
	Path string
}

// New returns the backend for the state file at path.
func New(path string) *Backend { return &Backend{Path: path} }

// Describe returns the file's path.
func (b *Backend) Describe() string { return b.Path }

// Read parses the state file; a missing file is no state.
func (b *Backend) Read(context.Context) (*state.State, error) {
	data, err := os.ReadFile(b.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, nil
	}
	s, err := state.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Path, err)
	}
	return s, nil
}

// LockInfo reads the lock file terraform's local backend keeps next to the
// state (.terraform.tfstate.lock.info for terraform.tfstate).
func (b *Backend) LockInfo(context.Context) (*state.LockInfo, error) {
	path := filepath.Join(filepath.Dir(b.Path), "."+filepath.Base(b.Path)+".lock.info")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return state.ParseLockInfo(data, path)
}
