//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package local

import (
	"errors"
	"os"
)

var errHeld = errors.New("held by another process")

// Terraform locks local state with LockFileEx on Windows; stackctl does
// not yet, so it refuses to write local state there rather than write it
// unlocked.
func lockFile(*os.File) error {
	return errors.New("locking local state is not supported on this platform")
}

func unlockFile(*os.File) error { return nil }
