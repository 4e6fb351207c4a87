// Package infracheck tests files of the production stack that are not
// Terraform and need no emulator: the deploy workflow. Fast; runs under
// -short.
package infracheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

func repoFile(t *testing.T, rel string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", filepath.FromSlash(rel))
}

// The deploy workflow passes actionlint (syntax, expressions, job and step
// keys, known actions' inputs, and shellcheck on the run: scripts), and it is the design's deploy path in order: build and push
// tagged with the commit SHA, register the task definitions and update the
// services, wait for the circuit breaker's verdict.
func TestDeployWorkflow(t *testing.T) {
	path := repoFile(t, ".github/workflows/deploy.yml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	// shellcheck checks the run: scripts; CI has it (Debian: shellcheck).
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Fatal("this test needs shellcheck on PATH to check the workflow's scripts (Debian: apt-get install shellcheck)")
	}
	linter, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{Shellcheck: sc})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := linter.Lint(path, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("actionlint: %s", e.Error())
	}

	wf, perrs := actionlint.Parse(src)
	if len(perrs) > 0 {
		t.Fatalf("parse: %v", perrs)
	}
	if v := wf.Env.Vars["image_tag"]; v == nil || v.Value.Value != "${{ github.sha }}" {
		t.Errorf("IMAGE_TAG is not the commit SHA: %+v", v)
	}
	job := wf.Jobs["deploy"]
	if job == nil {
		t.Fatal("no deploy job")
	}
	var steps []string
	for _, s := range job.Steps {
		text := ""
		if s.Name != nil {
			text = s.Name.Value
		}
		if r, ok := s.Exec.(*actionlint.ExecRun); ok && r.Run != nil {
			text += "\n" + r.Run.Value
		}
		steps = append(steps, text)
	}
	order := []string{`docker push "$image"`, `stackctl apply "$ENVIRONMENT" --unit service`, `*FAILED*)`}
	at := 0
	for _, s := range steps {
		if at < len(order) && strings.Contains(s, order[at]) {
			at++
		}
	}
	if at != len(order) {
		t.Errorf("the workflow lacks, in order, %q (found %d of %v)", order[at:], at, order)
	}
	if p := wf.Permissions; p == nil || p.Scopes["id-token"] == nil || p.Scopes["id-token"].Value.Value != "write" {
		t.Error("the workflow does not use OIDC (permissions: id-token: write): no stored AWS keys")
	}
}
