package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/stackctl/stackctl/internal/runner"
)

// logs keeps every unit's whole output in <LogDir>/<unit>/<name>.log: on a
// terminal the live view shows none of it, and elsewhere it scrolls away.
type logs struct {
	dir, name, command, env string

	mu    sync.Mutex
	files map[string]*os.File
	paths map[string]string
	// err is the first log that could not be written, told at Close.
	err error
}

func newLogs(dir, name, command, env string) *logs {
	return &logs{dir: dir, name: name, command: command, env: env, files: map[string]*os.File{}, paths: map[string]string{}}
}

// open starts a unit's log; nil when it cannot be written (the run goes
// on, and the summary must not point to a file that does not exist).
func (l *logs) open(unit string) io.Writer {
	path := filepath.Join(l.dir, filepath.FromSlash(unit), l.name+".log")
	f, err := openLog(path)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		if l.err == nil {
			l.err = err
		}
		return nil
	}
	l.files[unit], l.paths[unit] = f, path
	fmt.Fprintf(f, "# stackctl %s %s --unit %s, %s\n", l.command, l.env, unit, time.Now().Format(time.RFC3339))
	return f
}

func openLog(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
}

func (l *logs) finish(e runner.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.files[e.Unit]
	if f == nil {
		return
	}
	if e.Err != nil {
		fmt.Fprintf(f, "\n# %s: %v\n", e.Status, e.Err)
	} else {
		fmt.Fprintf(f, "\n# %s in %s\n", e.Status, roundDuration(e.Duration))
	}
	f.Close()
	delete(l.files, e.Unit)
}

func (l *logs) path(unit string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.paths[unit]
}

func (l *logs) failure() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}
