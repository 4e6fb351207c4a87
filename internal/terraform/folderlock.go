package terraform

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// folderLockFile is held (flock) by the run that uses a unit's working
// folder: two runs in one checkout would otherwise write each other's
// tfvars and plans into it and apply the wrong inputs. flock is released
// by the kernel when its holder dies, so no lock is ever left behind.
const folderLockFile = ".stackctl-run.lock"

// folderHolder is written into the lock file for the run that waits.
type folderHolder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

func (h folderHolder) String() string {
	return fmt.Sprintf("%q (pid %d, since %s)", h.Command, h.PID, h.Since.Format(time.RFC3339))
}

// lockFolder takes the working folder's lock, waiting (and saying once on
// out for whom) while another stackctl holds it, at most wait (as long as
// ctx lasts when wait is negative).
func lockFolder(ctx context.Context, dir string, out io.Writer, wait time.Duration) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, folderLockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	told := false
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if err != syscall.EWOULDBLOCK {
			f.Close()
			return nil, fmt.Errorf("locking the working folder %s: %w", dir, err)
		}
		if !told {
			told = true
			fmt.Fprintf(out, "stackctl: waiting for another stackctl run, %s, that is using this unit's working folder (%s) in the same checkout\n", readHolder(path), dir)
		}
		if wait >= 0 && time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("this unit's working folder (%s) is in use by another stackctl run in the same checkout, %s; gave up after --lock-timeout %s. Wait for that run to finish (two runs in one checkout would mix each other's inputs and plans)", dir, readHolder(path), wait)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("gave up waiting for another stackctl run, %s, that uses this unit's working folder in the same checkout: %w", readHolder(path), ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
	h := folderHolder{PID: os.Getpid(), Command: strings.Join(os.Args, " "), Since: time.Now().UTC().Truncate(time.Second)}
	data, _ := json.Marshal(h)
	_ = f.Truncate(0)
	_, _ = f.WriteAt(append(data, '\n'), 0)
	return f, nil
}

func readHolder(path string) string {
	data, err := os.ReadFile(path)
	var h folderHolder
	if err != nil || json.Unmarshal(data, &h) != nil || h.PID == 0 {
		return "whose details are unknown"
	}
	return h.String()
}
