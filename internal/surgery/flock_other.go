//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package surgery

import (
	"errors"
	"os"
)

var errBusy = errors.New("held by a running stackctl")

func flock(*os.File) error {
	return errors.New("state surgery is not supported on this platform: it needs flock(2)")
}
