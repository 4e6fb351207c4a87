// Package local is state kept in a local file, locked the way Terraform's
// local backend locks it: an fcntl write lock on the state file itself
// (created empty when missing) and the lock's info in
// .<name>.lock.info beside it.
//
// An fcntl lock belongs to the process and ends when the process closes
// any descriptor of the file. So while the lock is held every read and
// write goes through the locked descriptor, and one process must use one
// Backend per file (backend.Opener keeps one per path).
package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/stackctl/stackctl/internal/state"
)

// Backend is a state file on disk. It implements state.Store.
type Backend struct {
	Path string

	mu      sync.Mutex
	f       *os.File        // the locked state file, while the lock is held
	lock    *state.LockInfo // ours, while held
	created bool            // Lock created the file
}

var _ state.Store = (*Backend)(nil)

// New returns the backend for the state file at path.
func New(path string) *Backend { return &Backend{Path: path} }

// Describe returns the file's path.
func (b *Backend) Describe() string { return b.Path }

// Read parses the state file; a missing or empty file is no state.
func (b *Backend) Read(ctx context.Context) (*state.State, error) {
	snap, err := b.ReadRaw(ctx)
	if err != nil || len(snap.Data) == 0 {
		return nil, err
	}
	s, err := state.Parse(snap.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Path, err)
	}
	return s, nil
}

// ReadRaw returns the file's bytes (nil when it does not exist), through
// the locked descriptor while the lock is held.
func (b *Backend) ReadRaw(context.Context) (state.Snapshot, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.f != nil {
		data, err := readAll(b.f)
		if err != nil {
			return state.Snapshot{}, fmt.Errorf("reading %s: %w", b.Path, err)
		}
		return state.Snapshot{Data: data}, nil
	}
	data, err := os.ReadFile(b.Path)
	if errors.Is(err, fs.ErrNotExist) || len(data) == 0 {
		return state.Snapshot{}, nil
	}
	if err != nil {
		return state.Snapshot{}, err
	}
	return state.Snapshot{Data: data}, nil
}

func readAll(f *os.File) ([]byte, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(f)
	if len(data) == 0 {
		data = nil
	}
	return data, err
}

// WriteRaw replaces the file's content in place, as Terraform does:
// replacing the file (a rename) would leave the lock on the old one.
func (b *Backend) WriteRaw(_ context.Context, data []byte) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.f == nil {
		return "", fmt.Errorf("writing %s: %w", b.Path, state.ErrNotLocked)
	}
	if _, err := b.f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	if err := b.f.Truncate(0); err != nil {
		return "", err
	}
	if _, err := b.f.Write(data); err != nil {
		return "", err
	}
	b.created = false
	return "", b.f.Sync()
}

// DeleteRaw empties and removes the state file. The lock stays on the
// removed file until Unlock; reads through it find nothing.
func (b *Backend) DeleteRaw(context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.f == nil {
		return fmt.Errorf("deleting %s: %w", b.Path, state.ErrNotLocked)
	}
	if err := b.f.Truncate(0); err != nil {
		return err
	}
	if err := os.Remove(b.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	b.created = false
	return nil
}

// lockInfoPath is where terraform's local backend keeps the lock's info:
// .terraform.tfstate.lock.info for terraform.tfstate (a leading dot of
// the state's name is not doubled).
func (b *Backend) lockInfoPath() string {
	dir, name := filepath.Split(b.Path)
	return filepath.Join(dir, "."+strings.TrimPrefix(name, ".")+".lock.info")
}

// LockInfo reads the lock info file. Terraform removes it when it
// unlocks; one left by a killed process is reported as it is.
func (b *Backend) LockInfo(context.Context) (*state.LockInfo, error) {
	path := b.lockInfoPath()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return state.ParseLockInfo(data, path)
}

// Lock takes the fcntl lock on the state file, creating the file (and its
// folder) when missing, and writes the lock info file.
func (b *Backend) Lock(ctx context.Context, info *state.LockInfo) error {
	if info.ID == "" {
		return errors.New("a lock needs an ID: make its info with state.NewLockInfo")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.f != nil {
		return &state.LockedError{Holder: b.lock, Where: b.lockInfoPath(), State: b.Path}
	}
	if err := os.MkdirAll(filepath.Dir(b.Path), 0o755); err != nil {
		return err
	}
	_, statErr := os.Stat(b.Path)
	f, err := os.OpenFile(b.Path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return err
	}
	if err := lockFile(f); err != nil {
		// Nothing of this process holds a lock on the file: closing it
		// releases nothing.
		f.Close()
		if !errors.Is(err, errHeld) {
			return fmt.Errorf("locking %s: %w", b.Path, err)
		}
		holder, _ := b.LockInfo(ctx)
		return &state.LockedError{Holder: holder, Where: b.lockInfoPath(), State: b.Path}
	}
	info.Path = b.Path
	info.Where = b.lockInfoPath()
	if info.Created.IsZero() {
		info.Created = time.Now().UTC()
	}
	if err := os.WriteFile(info.Where, info.Marshal(), 0o600); err != nil {
		_ = unlockFile(f)
		f.Close()
		return fmt.Errorf("writing the lock info %s: %w", info.Where, err)
	}
	b.f, b.lock, b.created = f, info, errors.Is(statErr, fs.ErrNotExist)
	return nil
}

// Unlock releases the lock taken with id, removes the lock info file, and
// the state file when Lock created it and nothing was written.
func (b *Backend) Unlock(_ context.Context, id string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.f == nil {
		return fmt.Errorf("unlocking %s: %w", b.Path, state.ErrNotLocked)
	}
	if id != b.lock.ID {
		return fmt.Errorf("unlocking %s with lock ID %s: %w", b.Path, id, &state.LockedError{Holder: b.lock, Where: b.lockInfoPath(), State: b.Path})
	}
	_ = os.Remove(b.lockInfoPath())
	err := unlockFile(b.f)
	if st, serr := b.f.Stat(); serr == nil && st.Size() == 0 && b.created {
		_ = os.Remove(b.Path)
	}
	if cerr := b.f.Close(); err == nil {
		err = cerr
	}
	b.f, b.lock, b.created = nil, nil, false
	return err
}
