//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package local

import (
	"errors"
	"io"
	"os"
	"syscall"
)

// errHeld: another process holds the lock.
var errHeld = errors.New("held by another process")

// lockFile takes the lock Terraform's local backend takes: a POSIX
// (fcntl) write lock on the whole file, without waiting.
func lockFile(f *os.File) error {
	err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart})
	if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES) {
		return errHeld
	}
	return err
}

func unlockFile(f *os.File) error {
	return syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &syscall.Flock_t{Type: syscall.F_UNLCK, Whence: io.SeekStart})
}
