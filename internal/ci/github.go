package ci

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// WorkflowDir is where GitHub reads workflows, relative to the repository's
// top level.
const WorkflowDir = ".github/workflows"

// GitHubOptions describe the repository the workflows are for.
type GitHubOptions struct {
	// Envs in promotion order (PromotionOrder sorts the usual names).
	Envs []string
	// Branch pull requests target and merges land on; "" means "main".
	Branch string
	// RootDir is stackctl's root relative to the repository's top level,
	// '/'-separated; "" or "." when they are the same folder.
	RootDir string
	// PluginCacheDir is providers.cache_dir relative to stackctl's root,
	// cached between runs; "" means ".stackctl/plugins".
	PluginCacheDir string
	// StackctlVersion is what the workflows `go install`; "" means
	// "latest".
	StackctlVersion string
	// FanOut applies one job per unit in dependency waves (stackctl ci
	// matrix) instead of one job per environment.
	FanOut bool
	// WaveJobs is how many wave jobs the fan-out workflow has; 0 means 8.
	WaveJobs int
	// DriftSchedule is the cron line of the nightly drift run; "" means
	// "17 4 * * *" (UTC, off the hour when GitHub's scheduler is busiest).
	DriftSchedule string
}

// File is one generated file.
type File struct {
	Path    string // relative to the repository's top level, '/'-separated
	Content []byte
}

type templateData struct {
	Envs            []string
	ApplyJobs       []string
	Branch          string
	WorkDir         string
	CachePrefix     string
	PluginCache     string
	StackctlVersion string
	FanOut          bool
	WaveJobs        int
	Slots           []int
	DriftSchedule   string
}

// GitHubWorkflows renders the workflows: stackctl-test (fmt --check,
// validate), stackctl-plan (pull requests), stackctl-apply (merges), and
// stackctl-drift (nightly); with FanOut also the reusable
// stackctl-apply-env.
func GitHubWorkflows(o GitHubOptions) ([]File, error) {
	if len(o.Envs) == 0 {
		return nil, errors.New("no environments to write workflows for: add one under the live folder (infra/live/<env>/env.hcl) first")
	}
	d := templateData{
		Envs: o.Envs, Branch: o.Branch, StackctlVersion: o.StackctlVersion, FanOut: o.FanOut,
		WaveJobs: o.WaveJobs, DriftSchedule: o.DriftSchedule,
	}
	if d.Branch == "" {
		d.Branch = "main"
	}
	if d.StackctlVersion == "" {
		d.StackctlVersion = "latest"
	}
	if d.WaveJobs <= 0 {
		d.WaveJobs = 8
	}
	if d.DriftSchedule == "" {
		d.DriftSchedule = "17 4 * * *"
	}
	if len(strings.Fields(d.DriftSchedule)) != 5 {
		return nil, fmt.Errorf("drift schedule %q is not a cron line of five fields (minute hour day month weekday)", d.DriftSchedule)
	}
	root := strings.Trim(path.Clean("/"+filepath.ToSlash(o.RootDir)), "/")
	if root != "" {
		d.WorkDir = root
		d.CachePrefix = root + "/"
	}
	cache := o.PluginCacheDir
	if cache == "" {
		cache = ".stackctl/plugins"
	}
	d.PluginCache = d.CachePrefix + strings.TrimPrefix(path.Clean(filepath.ToSlash(cache)), "./")
	for k := 1; k <= d.WaveJobs; k++ {
		d.Slots = append(d.Slots, k)
	}
	seen := map[string]string{}
	for _, env := range o.Envs {
		id := "apply-" + jobID(env)
		if other, dup := seen[id]; dup {
			return nil, fmt.Errorf("environments %q and %q give the same job name %s", other, env, id)
		}
		seen[id] = env
		d.ApplyJobs = append(d.ApplyJobs, id)
	}

	t, err := template.New("").Delims("<%", "%>").Funcs(template.FuncMap{
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"list": func(v ...string) []string { return v },
		"sub":  func(a, b int) int { return a - b },
		"join": strings.Join,
		// expr quotes a string for a GitHub Actions expression.
		"expr": func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" },
	}).ParseFS(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, err
	}
	names := []string{"stackctl-test.yml", "stackctl-plan.yml", "stackctl-apply.yml", "stackctl-drift.yml"}
	if o.FanOut {
		names = append(names, "stackctl-apply-env.yml")
	}
	var files []File
	for _, name := range names {
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, name+".tmpl", d); err != nil {
			return nil, fmt.Errorf("rendering %s: %w", name, err)
		}
		out := bytes.TrimLeft(b.Bytes(), "\n")
		if !bytes.HasSuffix(out, []byte("\n")) {
			out = append(out, '\n')
		}
		files = append(files, File{Path: WorkflowDir + "/" + name, Content: out})
	}
	return files, nil
}

var notJobID = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// jobID makes an environment name fit a job id (letters, digits, '-', '_').
func jobID(env string) string {
	id := strings.Trim(notJobID.ReplaceAllString(env, "-"), "-")
	if id == "" {
		id = "env"
	}
	return id
}

// ExistsError is returned when files to write already exist.
type ExistsError struct {
	Paths []string // relative to the top level
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s already exist%s; nothing was written. Move them aside, or write over them with --force",
		strings.Join(e.Paths, ", "), map[bool]string{true: "s", false: ""}[len(e.Paths) == 1])
}

// WriteFiles writes files under top. Unless force is set it writes nothing
// when any of them exists (an *ExistsError names them all): hand-edited
// workflows are never half overwritten.
func WriteFiles(top string, files []File, force bool) error {
	if !force {
		var exist []string
		for _, f := range files {
			if _, err := os.Lstat(filepath.Join(top, filepath.FromSlash(f.Path))); err == nil {
				exist = append(exist, f.Path)
			}
		}
		if len(exist) > 0 {
			sort.Strings(exist)
			return &ExistsError{Paths: exist}
		}
	}
	for _, f := range files {
		p := filepath.Join(top, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// PromotionOrder sorts environment names the way changes are promoted:
// development names first, then test, staging, and production last; other
// names sit between test and staging, by name.
func PromotionOrder(envs []string) []string {
	rank := func(e string) int {
		switch strings.ToLower(e) {
		case "dev", "development", "sandbox", "local":
			return 0
		case "test", "testing", "qa", "ci":
			return 1
		case "staging", "stage", "stg", "uat", "preprod", "pre-prod", "preproduction":
			return 3
		case "prod", "production", "prd", "live":
			return 4
		}
		return 2
	}
	out := append([]string(nil), envs...)
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := rank(out[i]), rank(out[j])
		if ri != rj {
			return ri < rj
		}
		return out[i] < out[j]
	})
	return out
}
