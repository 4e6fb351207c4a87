package ci

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var variants = []struct {
	name string
	opts GitHubOptions
}{
	{"single", GitHubOptions{Envs: []string{"dev", "staging", "prod"}}},
	{"fanout", GitHubOptions{Envs: []string{"dev", "staging", "prod"}, FanOut: true, WaveJobs: 3, RootDir: "infra", StackctlVersion: "v0.4.0", Branch: "trunk"}},
}

// TestGitHubWorkflowsLint renders the workflows and lints them with
// actionlint's Go API, as a repository: local reusable workflows, the
// inputs of the actions used, expressions and their types, job needs.
func TestGitHubWorkflowsLint(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			files, err := GitHubWorkflows(v.opts)
			if err != nil {
				t.Fatal(err)
			}
			repo := t.TempDir()
			if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := WriteFiles(repo, files, false); err != nil {
				t.Fatal(err)
			}
			opts := &actionlint.LinterOptions{WorkingDir: repo}
			// shellcheck checks the run: scripts too when it is installed
			// (apt-get install shellcheck); actionlint's own checks run
			// either way.
			if sc, err := exec.LookPath("shellcheck"); err == nil {
				opts.Shellcheck = sc
			} else {
				t.Log("shellcheck not on PATH: run scripts are not shell-checked")
			}
			var out bytes.Buffer
			l, err := actionlint.NewLinter(&out, opts)
			if err != nil {
				t.Fatal(err)
			}
			errs, err := l.LintRepository(repo)
			if err != nil {
				t.Fatal(err)
			}
			if len(errs) > 0 {
				t.Fatalf("actionlint found %d problems:\n%s", len(errs), out.String())
			}
			want := []string{".github/workflows/stackctl-apply.yml", ".github/workflows/stackctl-drift.yml", ".github/workflows/stackctl-plan.yml", ".github/workflows/stackctl-test.yml"}
			if v.opts.FanOut {
				want = append([]string{".github/workflows/stackctl-apply-env.yml"}, want...)
			}
			var got []string
			for _, f := range files {
				got = append(got, f.Path)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("files %v, want %v", got, want)
			}
			for _, f := range files {
				golden(t, filepath.Join("testdata", v.name, filepath.Base(f.Path)), f.Content)
			}
		})
	}
}

// TestGitHubWorkflowsLintCatchesMistakes makes sure the lint test can
// fail: a workflow with a broken expression and an unknown needs.
func TestGitHubWorkflowsLintCatchesMistakes(t *testing.T) {
	bad := []byte("on: push\njobs:\n  a:\n    needs: [nope]\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope( }}\n")
	l, err := actionlint.NewLinter(&bytes.Buffer{}, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint("bad.yml", bad, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) < 2 {
		t.Fatalf("actionlint found %d problems in a broken workflow", len(errs))
	}
}

// TestGitHubWorkflowsCommands pins the commands the workflows run to the
// contract's.
func TestGitHubWorkflowsCommands(t *testing.T) {
	files, err := GitHubWorkflows(variants[1].opts)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, f := range files {
		all.Write(f.Content)
	}
	for _, cmd := range []string{
		`stackctl fmt --check`,
		`stackctl validate "$ENV_NAME"`,
		`stackctl plan "$ENV_NAME" --changed-since "origin/$BASE_REF" \` + "\n" + `            --out "plans/$ENV_NAME" --format markdown >> "$GITHUB_STEP_SUMMARY"`,
		`stackctl apply "$ENV_NAME" --plan "plans/$ENV_NAME" --unit "$UNIT"`,
		`stackctl drift "$ENV_NAME" --format markdown >> "$GITHUB_STEP_SUMMARY"`,
		`stackctl ci matrix "$ENV_NAME" --changed-since "$CHANGED_SINCE"`,
		`go install "github.com/stackctl/stackctl/cmd/stackctl@${STACKCTL_VERSION}"`,
		`STACKCTL_VERSION: "v0.4.0"`,
		`branches: ["trunk"]`,
		`working-directory: "infra"`,
	} {
		if !strings.Contains(all.String(), cmd) {
			t.Errorf("no workflow runs %s", cmd)
		}
	}
	single, _ := GitHubWorkflows(variants[0].opts)
	for _, f := range single {
		if strings.HasSuffix(f.Path, "stackctl-apply.yml") && !strings.Contains(string(f.Content), `stackctl apply "prod" --plan "plans/prod"`) {
			t.Errorf("the single-job apply does not apply prod's plans:\n%s", f.Content)
		}
	}
}

func TestWriteFilesRefusesToOverwrite(t *testing.T) {
	repo := t.TempDir()
	files, err := GitHubWorkflows(GitHubOptions{Envs: []string{"dev"}})
	if err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(repo, ".github", "workflows", "stackctl-plan.yml")
	if err := os.MkdirAll(filepath.Dir(existing), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(existing, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = WriteFiles(repo, files, false)
	var ee *ExistsError
	if !errors.As(err, &ee) || !slices.Equal(ee.Paths, []string{".github/workflows/stackctl-plan.yml"}) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("WriteFiles over an existing file: %v", err)
	}
	if data, _ := os.ReadFile(existing); string(data) != "mine\n" {
		t.Fatal("the existing workflow was overwritten")
	}
	if _, err := os.Stat(filepath.Join(repo, ".github", "workflows", "stackctl-test.yml")); !os.IsNotExist(err) {
		t.Fatal("other files were written although one existed")
	}
	if err := WriteFiles(repo, files, true); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(existing); string(data) == "mine\n" {
		t.Fatal("force did not overwrite")
	}
}

func TestGitHubOptionsErrors(t *testing.T) {
	if _, err := GitHubWorkflows(GitHubOptions{}); err == nil {
		t.Fatal("no environments accepted")
	}
	if _, err := GitHubWorkflows(GitHubOptions{Envs: []string{"a.b", "a-b"}}); err == nil {
		t.Fatal("two environments with one job id accepted")
	}
	if _, err := GitHubWorkflows(GitHubOptions{Envs: []string{"dev"}, DriftSchedule: "nightly"}); err == nil {
		t.Fatal("a bad cron line accepted")
	}
}

func TestPromotionOrder(t *testing.T) {
	got := PromotionOrder([]string{"prod", "staging", "dev", "perf", "qa"})
	if want := []string{"dev", "qa", "perf", "staging", "prod"}; !slices.Equal(got, want) {
		t.Fatalf("PromotionOrder = %v, want %v", got, want)
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/ci -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the golden file (go test ./internal/ci -update rewrites it):\n%s", path, got)
	}
}
