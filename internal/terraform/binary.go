// Package terraform finds or installs the terraform binary, prepares each
// unit's working folder and drives terraform through terraform-exec. Every
// process it starts uses stackctl's own CLI configuration and never phones
// home.
package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/hashicorp/go-version"
	install "github.com/hashicorp/hc-install"
	"github.com/hashicorp/hc-install/fs"
	"github.com/hashicorp/hc-install/product"
	"github.com/hashicorp/hc-install/releases"
	"github.com/hashicorp/hc-install/src"
)

// Binary is a terraform executable and its version.
type Binary struct {
	Path    string
	Version *version.Version
}

// FindOptions say where to look for terraform and whether it may be
// downloaded.
type FindOptions struct {
	// Constraint is terraform.version from stackctl.hcl; "" accepts any.
	Constraint string
	// InstallDir receives a downloaded terraform and is searched after PATH.
	InstallDir string
	// RecordFile caches the version of the binary found last time, keyed by
	// its path, size and modification time and by what PATH held then, so
	// that most invocations start no `terraform version` process at all.
	RecordFile string
	// Offline forbids downloads (STACKCTL_OFFLINE).
	Offline bool
	// Program is terraform.binary: a name looked up on PATH ("tofu") or a
	// path; "" looks for terraform as above.
	Program string
}

type binaryRecord struct {
	fileID
	Version string `json:"version"`
	// OnPath is the terraform PATH resolved to when the record was made
	// (zero when none): the record is only trusted while it is the same,
	// since a terraform on PATH that satisfies the constraint wins.
	OnPath fileID `json:"on_path"`
}

// fileID tells whether a file is still the one seen before.
type fileID struct {
	Path    string    `json:"path"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time"`
}

// identify returns path's identity; the zero value when path is "" or
// cannot be read.
func identify(path string) fileID {
	if path == "" {
		return fileID{}
	}
	path, _ = filepath.Abs(path)
	info, err := os.Stat(path)
	if err != nil {
		return fileID{}
	}
	return fileID{Path: path, Size: info.Size(), ModTime: info.ModTime()}
}

func (a fileID) same(b fileID) bool {
	return a.Path == b.Path && a.Size == b.Size && a.ModTime.Equal(b.ModTime)
}

// terraformOnPath is the terraform PATH resolves to now, or "".
func terraformOnPath() string {
	p, err := exec.LookPath("terraform")
	if err != nil {
		return ""
	}
	return p
}

// Find returns a terraform that satisfies the constraint: the one on PATH
// when it does, else one in InstallDir, else (unless offline) the newest
// matching release installed into InstallDir by hc-install.
func Find(ctx context.Context, o FindOptions) (*Binary, error) {
	if o.Program != "" && o.Program != "terraform" {
		return findProgram(ctx, o)
	}
	var cons version.Constraints
	if o.Constraint != "" {
		var err error
		cons, err = version.NewConstraint(o.Constraint)
		if err != nil {
			return nil, fmt.Errorf("terraform.version %q is not a version constraint: %v", o.Constraint, err)
		}
	}
	if b := fromRecord(o.RecordFile, cons); b != nil {
		return b, nil
	}
	// The terraform on PATH, when it satisfies the constraint, wins; one
	// `version -json` says so, where hc-install's search and its version
	// check would start two processes before the first unit could.
	if p := terraformOnPath(); p != "" {
		if abs, err := filepath.Abs(p); err == nil {
			if v, err := programVersion(ctx, abs); err == nil && (len(cons) == 0 || cons.Check(v)) {
				writeRecord(o.RecordFile, abs, v)
				return &Binary{Path: abs, Version: v}, nil
			}
		}
	}
	sources := []src.Source{}
	if len(cons) > 0 {
		sources = append(sources, &fs.Version{Product: product.Terraform, Constraints: cons, ExtraPaths: []string{o.InstallDir}})
	} else {
		sources = append(sources, &fs.AnyVersion{Product: &product.Terraform, ExtraPaths: []string{o.InstallDir}})
	}
	if !o.Offline && len(cons) > 0 {
		if err := os.MkdirAll(o.InstallDir, 0o755); err != nil {
			return nil, err
		}
		sources = append(sources, &releases.LatestVersion{Product: product.Terraform, Constraints: cons, InstallDir: o.InstallDir, Timeout: 2 * time.Minute})
	}
	path, err := install.NewInstaller().Ensure(ctx, sources)
	if err != nil {
		return nil, notFound(ctx, o, len(cons) > 0, err)
	}
	v, err := product.Terraform.GetVersion(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("%s does not report its version: %v", path, err)
	}
	writeRecord(o.RecordFile, path, v)
	return &Binary{Path: path, Version: v}, nil
}

func fromRecord(file string, cons version.Constraints) *Binary {
	if file == "" {
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var rec binaryRecord
	if json.Unmarshal(data, &rec) != nil || rec.Path == "" {
		return nil
	}
	if !rec.OnPath.same(identify(terraformOnPath())) || !rec.fileID.same(identify(rec.Path)) {
		return nil
	}
	v, err := version.NewVersion(rec.Version)
	if err != nil || (len(cons) > 0 && !cons.Check(v)) {
		return nil
	}
	return &Binary{Path: rec.Path, Version: v}
}

func writeRecord(file, path string, v *version.Version) {
	if file == "" {
		return
	}
	id := identify(path)
	if id.Path == "" {
		return
	}
	data, _ := json.Marshal(binaryRecord{fileID: id, Version: v.String(), OnPath: identify(terraformOnPath())})
	_ = os.MkdirAll(filepath.Dir(file), 0o755)
	_ = writeFileAtomic(file, data, 0o644)
}

// notFound says what was looked for, what was found instead, and what to
// install.
func notFound(ctx context.Context, o FindOptions, constrained bool, err error) error {
	want := "any version"
	if o.Constraint != "" {
		want = o.Constraint
	}
	found := "there is no terraform on PATH"
	if p, lerr := exec.LookPath("terraform"); lerr == nil {
		found = "the terraform on PATH (" + p + ") does not report a version"
		if v, verr := product.Terraform.GetVersion(ctx, p); verr == nil {
			found = fmt.Sprintf("the terraform on PATH (%s) is %s", p, v)
		}
	}
	how := "downloads are off (STACKCTL_OFFLINE), so nothing was downloaded"
	switch {
	case !constrained:
		how = "no version constraint is set, so nothing was downloaded"
	case !o.Offline:
		how = fmt.Sprintf("downloading it failed (%v)", err)
	}
	return fmt.Errorf("no terraform satisfying %s: %s, none is in %s, and %s. Install terraform %s (https://developer.hashicorp.com/terraform/install) and put it on PATH, or change terraform.version in stackctl.hcl",
		want, found, o.InstallDir, how, want)
}

// findProgram finds a terraform-compatible program named in
// terraform.binary (OpenTofu): on PATH or at its path, never downloaded.
// Its version is what `PROGRAM version -json` reports; the constraint is
// checked against its release number without a pre-release suffix
// ("1.12.6-dev" satisfies "~> 1.11"), since builds from source carry one.
func findProgram(ctx context.Context, o FindOptions) (*Binary, error) {
	path, err := exec.LookPath(o.Program)
	if err != nil {
		return nil, fmt.Errorf("terraform.binary %q: not found (%v): install it (for OpenTofu: https://opentofu.org/docs/intro/install/) and put it on PATH, or give its path", o.Program, err)
	}
	path, _ = filepath.Abs(path)
	v, err := programVersion(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("terraform.binary %s: %v", path, err)
	}
	if o.Constraint != "" {
		cons, err := version.NewConstraint(o.Constraint)
		if err != nil {
			return nil, fmt.Errorf("terraform.version %q is not a version constraint: %v", o.Constraint, err)
		}
		if !cons.Check(v.Core()) {
			return nil, fmt.Errorf("terraform.binary %s is version %s, which does not satisfy terraform.version %s: install a matching one, or change terraform.version", path, v, o.Constraint)
		}
	}
	return &Binary{Path: path, Version: v}, nil
}

// programVersion is the version `PATH version -json` reports.
func programVersion(ctx context.Context, path string) (*version.Version, error) {
	out, err := exec.CommandContext(ctx, path, "version", "-json").Output()
	if err != nil {
		return nil, fmt.Errorf("it does not report its version (%s version -json: %v)", path, err)
	}
	var doc struct {
		Version string `json:"terraform_version"`
	}
	// Warnings about the user's CLI configuration may come first.
	if i := bytes.Index(out, []byte("\n{")); i >= 0 && !bytes.HasPrefix(out, []byte("{")) {
		out = out[i+1:]
	}
	if err := json.NewDecoder(bytes.NewReader(out)).Decode(&doc); err != nil || doc.Version == "" {
		return nil, fmt.Errorf("%s version -json printed no terraform_version: is it terraform or OpenTofu?", path)
	}
	v, err := version.NewVersion(doc.Version)
	if err != nil {
		return nil, fmt.Errorf("it reports version %q: %v", doc.Version, err)
	}
	return v, nil
}
