package ops

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/stackctl/stackctl/internal/terraform"
)

// Saved plans (plan --out DIR, apply --plan DIR) live in DIR as:
//
//	DIR/stackctl-plans.json          the index: environment, units in order
//	DIR/<unit path>/plan.tfplan      terraform's plan file
//	DIR/<unit path>/plan.json        terraform show -json of it (with changes)
//	DIR/<unit path>/plan.txt         terraform show of it, secrets masked (with changes)
//	DIR/<unit path>/manifest.json    what the plan was made against
//
// Every file is mode 0600 and every folder 0700: a plan holds the values
// of sensitive variables and attributes in clear.
const (
	PlanIndexFile    = "stackctl-plans.json"
	PlanFileName     = "plan.tfplan"
	PlanJSONName     = "plan.json"
	PlanTextName     = "plan.txt"
	PlanManifestName = "manifest.json"
	planSetVersion   = 1
)

// PlanSet is the index of a folder of saved plans.
type PlanSet struct {
	Version int       `json:"version"`
	Env     string    `json:"env"`
	Created time.Time `json:"created"`
	// ChangedSince and MergeBase say what --changed-since selected.
	ChangedSince string `json:"changed_since,omitempty"`
	MergeBase    string `json:"merge_base,omitempty"`
	// Units are the units with a saved plan: deleted units first (their
	// destroys run first, dependents before dependencies), then the
	// others in dependency order.
	Units []string `json:"units"`
	// Failed are units selected whose plan failed: nothing was saved.
	Failed []string `json:"failed,omitempty"`

	dir       string
	manifests map[string]*Manifest
}

// Manifest is what one saved plan was made against.
type Manifest struct {
	Version          int       `json:"version"`
	Env              string    `json:"env"`
	Unit             string    `json:"unit"`
	Created          time.Time `json:"created"`
	TerraformVersion string    `json:"terraform_version"`
	// State is the unit's state the plan was made against.
	State StateRef `json:"state"`
	// Dependencies are the dependency outputs the inputs read, hashed.
	Dependencies []DependencyUse `json:"dependencies"`
	// Mocked names the dependencies whose mock_outputs stood in: such a
	// plan is for review only and is refused for apply.
	Mocked     []string          `json:"mocked,omitempty"`
	HasChanges bool              `json:"has_changes"`
	Changes    terraform.Changes `json:"changes"`
	Destroy    bool              `json:"destroy,omitempty"`
	// Deleted is set for a unit that exists only at that commit (deleted
	// since): its destroy needs the configuration from a checkout of it.
	Deleted *DeletedAt `json:"deleted,omitempty"`
	// PlanSHA256 is the plan file's hash: a plan damaged or swapped on the
	// way between jobs is refused.
	PlanSHA256 string `json:"plan_sha256"`
}

// StateRef identifies a state: an apply moves its serial, a new state (or
// one replaced by hand) has another lineage.
type StateRef struct {
	Exists  bool   `json:"exists"`
	Serial  uint64 `json:"serial"`
	Lineage string `json:"lineage,omitempty"`
	Where   string `json:"where,omitempty"`
}

// DeletedAt names the commit a deleted unit's configuration is read at.
type DeletedAt struct {
	Commit string `json:"commit"`
	Ref    string `json:"ref,omitempty"`
}

// PrepareOut makes dir ready for saved plans: created when missing,
// emptied when it holds saved plans of an earlier run (an old plan left
// beside new ones could be applied later), refused when it holds anything
// else.
func PrepareOut(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o700)
	case err != nil:
		return err
	case len(entries) == 0:
		return os.Chmod(dir, 0o700)
	}
	if _, err := os.Stat(filepath.Join(dir, PlanIndexFile)); err != nil {
		return fmt.Errorf("--out %s is not empty and holds no saved plans (%s): give an empty or new folder", dir, PlanIndexFile)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return os.Chmod(dir, 0o700)
}

// WriteIndex writes the index last: a folder without it (a plan run that
// was interrupted) is refused by apply --plan.
func (s *PlanSet) WriteIndex(dir string) error {
	s.Version = planSetVersion
	if s.Created.IsZero() {
		s.Created = time.Now().UTC()
	}
	if s.Units == nil {
		s.Units = []string{}
	}
	return writeJSON0600(filepath.Join(dir, PlanIndexFile), s)
}

// ReadPlanSet reads a folder of saved plans and every manifest it lists.
func ReadPlanSet(dir string) (*PlanSet, error) {
	data, err := os.ReadFile(filepath.Join(dir, PlanIndexFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("--plan %s holds no saved plans (no %s): make them with stackctl plan ENV --out %s; an interrupted plan run writes none", dir, PlanIndexFile, dir)
	}
	if err != nil {
		return nil, err
	}
	s := &PlanSet{dir: dir, manifests: map[string]*Manifest{}}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, PlanIndexFile), err)
	}
	if s.Version != planSetVersion {
		return nil, fmt.Errorf("%s has version %d; this stackctl reads version %d: plan again with this stackctl", filepath.Join(dir, PlanIndexFile), s.Version, planSetVersion)
	}
	for _, u := range s.Units {
		m := &Manifest{}
		p := filepath.Join(s.UnitDir(u), PlanManifestName)
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("the saved plan of %s is incomplete: %w", u, err)
		}
		if err := json.Unmarshal(data, m); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if m.Unit != u || m.Env != s.Env {
			return nil, fmt.Errorf("%s is the plan of %s in %s, not of %s in %s", p, m.Unit, m.Env, u, s.Env)
		}
		s.manifests[u] = m
	}
	return s, nil
}

// Dir is the folder the plans are in.
func (s *PlanSet) Dir() string { return s.dir }

// UnitDir is where a unit's saved plan is.
func (s *PlanSet) UnitDir(unit string) string { return filepath.Join(s.dir, filepath.FromSlash(unit)) }

// Manifest returns a unit's manifest, or nil when it has no saved plan.
func (s *PlanSet) Manifest(unit string) *Manifest { return s.manifests[unit] }

// Deleted lists the saved plans of deleted units.
func (s *PlanSet) Deleted() []string {
	var out []string
	for _, u := range s.Units {
		if s.manifests[u].Deleted != nil {
			out = append(out, u)
		}
	}
	return out
}

func writeJSON0600(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFile0600(path, append(data, '\n'))
}

func writeFile0600(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// copyFile0600 copies a plan file and returns its sha256.
func copyFile0600(src, dst string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return "", err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(out, h), in); err != nil {
		out.Close()
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
