package state

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
)

// Backups is the folder that keeps one unit's replaced states:
// <repo root>/.stackctl/backups/<env>/<unit path>/ (see
// backend.NewOpener). Each backup is a state file named by UTC time and
// serial, 20260102T150405.000000123Z-serial-7.tfstate, and a sidecar
// <name>.json with what Backup records. The folder is 0700 and the files
// 0600: states hold secrets.
type Backups struct {
	Dir string
}

// Backup is one saved state.
type Backup struct {
	// Name is the state file's name in the folder, Path its full path.
	Name string `json:"name"`
	Path string `json:"-"`

	Created          time.Time `json:"created"`
	Serial           uint64    `json:"serial"`
	Lineage          string    `json:"lineage"`
	TerraformVersion string    `json:"terraform_version,omitempty"`
	// Source is where the state was (Backend.Describe).
	Source string `json:"source"`
	// VersionID is the S3 object version the state was, when the bucket
	// keeps versions.
	VersionID string `json:"version_id,omitempty"`
	// Operation and LockID are the stackctl operation that replaced it.
	Operation string `json:"operation,omitempty"`
	LockID    string `json:"lock_id,omitempty"`
}

const (
	backupExt   = ".tfstate"
	sidecarExt  = ".json"
	backupStamp = "20060102T150405.000000000Z"
)

// Save writes data (a state document) and its sidecar, synced to disk
// before it returns, so that the state may then be replaced.
func (b *Backups) Save(data []byte, meta Backup) (*Backup, error) {
	if err := os.MkdirAll(b.Dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.Chmod(b.Dir, 0o700); err != nil {
		return nil, err
	}
	meta.Created = time.Now().UTC()
	meta.Name = meta.Created.Format(backupStamp) + "-serial-" + strconv.FormatUint(meta.Serial, 10) + backupExt
	meta.Path = filepath.Join(b.Dir, meta.Name)
	side, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeNew(meta.Path, data); err != nil {
		return nil, err
	}
	// The sidecar last: a backup with one is complete.
	if err := writeNew(meta.Path+sidecarExt, append(side, '\n')); err != nil {
		return nil, err
	}
	if d, err := os.Open(b.Dir); err == nil {
		_ = d.Sync() // the new names too; not every filesystem can
		d.Close()
	}
	return &meta, nil
}

// writeNew creates path (never replacing a file) with mode 0600 whatever
// the umask, and syncs it.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("writing backup %s: %w", path, err)
	}
	return nil
}

// List returns the backups, oldest first; none when the folder does not
// exist. A state file without its sidecar (an interrupted save) is left
// out.
func (b *Backups) List() ([]*Backup, error) {
	entries, err := os.ReadDir(b.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Backup
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), backupExt) {
			continue
		}
		side, err := os.ReadFile(filepath.Join(b.Dir, e.Name()+sidecarExt))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var m Backup
		if err := json.Unmarshal(side, &m); err != nil {
			return nil, fmt.Errorf("backup %s: %w", filepath.Join(b.Dir, e.Name()+sidecarExt), err)
		}
		m.Name, m.Path = e.Name(), filepath.Join(b.Dir, e.Name())
		out = append(out, &m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Load reads a backup by name (as List gives it) and returns its bytes
// and parsed state.
func (b *Backups) Load(name string) ([]byte, *State, error) {
	if name != filepath.Base(name) || !strings.HasSuffix(name, backupExt) {
		return nil, nil, fmt.Errorf("%q is not a backup name (such as 20260102T150405.000000000Z-serial-7.tfstate)", name)
	}
	path := filepath.Join(b.Dir, name)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	s, err := Parse(data)
	if err != nil {
		return nil, nil, fmt.Errorf("backup %s: %w", path, err)
	}
	return data, s, nil
}
