package surgery

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/stackctl/stackctl/internal/config"
)

// The journal of a transaction is a folder next to the backups,
// <root>/.stackctl/backups/<env>/.journal/<UTC time>-<operation>/, with
// journal.json (what the transaction is doing, replaced atomically at
// each phase), a copy of every state before and after, and of every file
// before and after. A transaction holds a flock on the folder's lock file
// while it runs, so a journal whose lock can be taken was left by a run
// that died. The folder goes once the transaction is finished or rolled
// back.

// Phases of a transaction, in journal.json.
const (
	// phaseLocking: the locks are being taken; nothing was written.
	phaseLocking = "locking"
	// phasePrepared: states and files may be being written; not verified
	// yet. Recovery rolls back.
	phasePrepared = "prepared"
	// phaseRollingBack: a failure is being undone. Recovery goes on with it.
	phaseRollingBack = "rolling-back"
	// phaseCommitted: everything is written and verified; what is left
	// (deleting a moved state's old key, releasing locks) only finishes
	// it. Recovery rolls forward.
	phaseCommitted = "committed"
)

// journal is journal.json.
type journal struct {
	Version   int       `json:"version"`
	Operation string    `json:"operation"`
	Env       string    `json:"env"`
	Command   string    `json:"command,omitempty"`
	Phase     string    `json:"phase"`
	Reason    string    `json:"reason,omitempty"` // why it is rolling back
	PID       int       `json:"pid"`
	Who       string    `json:"who"`
	Started   time.Time `json:"started"`

	States []*journalState `json:"states"`
	Files  []*journalFile  `json:"files,omitempty"`
	Moves  []DirMove       `json:"moves,omitempty"`

	dir  string
	lock *os.File
}

// journalState is one state the transaction locks and maybe writes.
type journalState struct {
	Unit    string         `json:"unit"`
	Where   string         `json:"where"`
	Backend journalBackend `json:"backend"`
	LockID  string         `json:"lock_id"`
	Locked  bool           `json:"-"`
	// Before, After and Rollback name copies in the journal folder: the
	// state as it was (none: there was no state), as it is written, and
	// as a rollback writes it back (Before's content at the next serial).
	// Delete: the state is removed once verified; Create: there was none.
	Before   string `json:"before,omitempty"`
	After    string `json:"after,omitempty"`
	Rollback string `json:"rollback,omitempty"`
	Write    bool   `json:"write,omitempty"`
	Delete   bool   `json:"delete,omitempty"`
}

// journalBackend is a unit's backend settings, so that recovery opens the
// store even when the configuration no longer names it (a unit folder half
// moved) or does not load.
type journalBackend struct {
	Type   string                     `json:"type"`
	Config map[string]json.RawMessage `json:"config"`
}

func backendOf(b config.Backend) (journalBackend, error) {
	jb := journalBackend{Type: b.Type, Config: map[string]json.RawMessage{}}
	for k, v := range b.Config {
		v, _ = v.UnmarkDeep()
		raw, err := json.Marshal(ctyjson.SimpleJSONValue{Value: v})
		if err != nil {
			return jb, fmt.Errorf("backend setting %s: %w", k, err)
		}
		jb.Config[k] = raw
	}
	return jb, nil
}

func (jb journalBackend) backend() (config.Backend, error) {
	b := config.Backend{Type: jb.Type, Config: map[string]cty.Value{}}
	for k, raw := range jb.Config {
		var v ctyjson.SimpleJSONValue
		if err := json.Unmarshal(raw, &v); err != nil {
			return b, fmt.Errorf("backend setting %s: %w", k, err)
		}
		b.Config[k] = v.Value
	}
	return b, nil
}

// journalFile is one file the transaction replaces; Before or After is ""
// when the file is absent then.
type journalFile struct {
	Path   string `json:"path"` // relative to the repository root
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// DirMove is a folder renamed (mv-unit); both paths relative to the
// repository root.
type DirMove struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// JournalDir is where an environment's journals live.
func JournalDir(root, env string) string {
	return filepath.Join(root, ".stackctl", "backups", env, ".journal")
}

const journalFileName = "journal.json"

// newJournal creates the journal folder and takes its flock.
func newJournal(root, env, operation string) (*journal, error) {
	base := JournalDir(root, env)
	if err := os.MkdirAll(base, 0o700); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	name := now.Format("20060102T150405.000000000Z") + "-" + operation
	dir := filepath.Join(base, name)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	j := &journal{Version: 1, Operation: operation, Env: env, PID: os.Getpid(), Started: now, dir: dir}
	if err := j.takeLock(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return j, nil
}

func (j *journal) takeLock() error {
	f, err := os.OpenFile(filepath.Join(j.dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := flock(f); err != nil {
		f.Close()
		return err
	}
	j.lock = f
	return nil
}

// release lets the journal's flock go (the folder stays).
func (j *journal) release() {
	if j.lock != nil {
		j.lock.Close()
		j.lock = nil
	}
}

// save replaces journal.json atomically and durably.
func (j *journal) save() error {
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(j.dir, journalFileName), append(data, '\n'), 0o600)
}

// keep writes a copy of data into the journal folder and returns its name.
func (j *journal) keep(name string, data []byte) (string, error) {
	if data == nil {
		return "", nil
	}
	if err := writeAtomic(filepath.Join(j.dir, name), data, 0o600); err != nil {
		return "", err
	}
	return name, nil
}

// read returns a kept copy (nil for "").
func (j *journal) read(name string) ([]byte, error) {
	if name == "" {
		return nil, nil
	}
	return os.ReadFile(filepath.Join(j.dir, name))
}

// remove deletes the journal: the transaction is over.
func (j *journal) remove() error {
	j.release()
	if err := os.RemoveAll(j.dir); err != nil {
		return err
	}
	syncDir(filepath.Dir(j.dir))
	return nil
}

// loadJournal reads a journal folder.
func loadJournal(dir string) (*journal, error) {
	data, err := os.ReadFile(filepath.Join(dir, journalFileName))
	if err != nil {
		return nil, err
	}
	var j journal
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("journal %s: %w", dir, err)
	}
	if j.Version != 1 {
		return nil, fmt.Errorf("journal %s: version %d is not one this stackctl reads", dir, j.Version)
	}
	j.dir = dir
	return &j, nil
}

// listJournals returns the journal folders of an environment, oldest
// first. A folder without journal.json (a run killed while creating it)
// wrote nothing and is removed.
func listJournals(root, env string) ([]string, error) {
	base := JournalDir(root, env)
	entries, err := os.ReadDir(base)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(base, e.Name())
		if _, err := os.Stat(filepath.Join(dir, journalFileName)); errors.Is(err, fs.ErrNotExist) {
			if f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600); err == nil {
				if flock(f) == nil {
					os.RemoveAll(dir)
				}
				f.Close()
			}
			continue
		}
		out = append(out, dir)
	}
	sort.Strings(out)
	return out, nil
}

// writeAtomic replaces path with data: a temporary file in the same
// folder, synced, renamed over it, and the folder synced, so that after a
// crash path holds either the old content or the new.
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(mode)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // not every filesystem can
		d.Close()
	}
}

// describe is one line for people: what was interrupted, since when, by
// whom.
func (j *journal) describe() string {
	units := make([]string, 0, len(j.States))
	for _, s := range j.States {
		units = append(units, s.Unit)
	}
	return fmt.Sprintf("stackctl %s of %s (states of %s), started %s by %s (pid %s)",
		j.Operation, j.Env, strings.Join(units, ", "), j.Started.Format(time.RFC3339), j.Who, strconv.Itoa(j.PID))
}
