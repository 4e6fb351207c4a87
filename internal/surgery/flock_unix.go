//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package surgery

import (
	"errors"
	"os"
	"syscall"
)

// errBusy: a live process holds the journal.
var errBusy = errors.New("held by a running stackctl")

// flock takes an exclusive flock(2) lock on f without waiting. The kernel
// releases it when the process dies, however it dies: a journal whose lock
// can be taken belongs to no running transaction.
func flock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errBusy
	}
	return err
}
