package cli

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/iostreams"
	"github.com/stackctl/stackctl/internal/testutil"
)

const stepModule = `
variable "name" { type = string }
variable "upstream" {
  type    = string
  default = ""
}
resource "terraform_data" "this" {
  input = { name = var.name, upstream = var.upstream }
}
output "value" { value = "${var.name}(${var.upstream})" }
`

func twoUnitTree(t *testing.T) string {
	return testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":          "project = \"cli\"\nlive_dir = \"live\"\n",
		"modules/step/main.tf":  stepModule,
		"live/dev/env.hcl":      "vars = {}\n",
		"live/dev/net/unit.hcl": "source = \"../../../modules/step\"\ninputs = { name = \"net\" }\n",
		"live/dev/app/unit.hcl": `source = "../../../modules/step"
dependency "net" {
  path         = "../net"
  mock_outputs = { value = "mock" }
}
inputs = { name = "app", upstream = dependency.net.outputs.value }
`,
	})
}

// terminalApp is an app whose streams claim to be a terminal; what is
// typed is written to the returned pipe.
func terminalApp(t *testing.T, dir string) (*app, *testutil.SyncBuffer, *io.PipeWriter) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("this test runs terraform: install terraform 1.11 on PATH")
	}
	in, typed := io.Pipe()
	out := &testutil.SyncBuffer{}
	s := iostreams.Test(in, out, out)
	s.SetInTTY(true)
	s.SetOutTTY(true)
	s.SetSize(120, 40)
	s.NoColor = true
	env := map[string]string{"CHECKPOINT_DISABLE": "1", "STACKCTL_OFFLINE": "1"}
	environ := []string{"CHECKPOINT_DISABLE=1", "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	return &app{streams: s, getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, environ: environ, cwd: dir}, out, typed
}

// answerAfter types answer once the n-th question is on screen, and
// checks what was shown before it.
func answerAfter(t *testing.T, out *testutil.SyncBuffer, typed io.Writer, n int, answer string, check func(string)) {
	deadline := time.Now().Add(2 * time.Minute)
	for strings.Count(out.String(), "Enter a value:") < n {
		if time.Now().After(deadline) {
			t.Errorf("question %d never came:\n%s", n, out.String())
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	check(out.String())
	_, _ = io.WriteString(typed, answer+"\n")
}

// The reviewed apply, called through its run function with streams that
// claim to be a terminal: the live view, the plans, one question, and a
// second one for the unit planned on mocks.
func TestReviewedApplyOnATerminal(t *testing.T) {
	dir := twoUnitTree(t)
	a, out, typed := terminalApp(t, dir)
	go func() {
		answerAfter(t, out, typed, 1, "yes", func(shown string) {
			for _, want := range []string{"stackctl apply (planning) dev", "── net plan ──", "── app plan ──", "Do you want to apply 2 unit(s) of dev?"} {
				if !strings.Contains(shown, want) {
					t.Errorf("before the first question, no %q:\n%s", want, shown)
				}
			}
		})
		answerAfter(t, out, typed, 2, "yes", func(shown string) {
			if !strings.Contains(shown, "── app new plan ──") || !strings.Contains(shown, `"net()"`) {
				t.Errorf("the second question does not follow app's new plan on net's real output:\n%s", shown)
			}
		})
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	o := &runOptions{commonOptions: commonOptions{Env: "dev"}, Command: "apply", Parallelism: 2, LockTimeout: "0s"}
	if err := a.runRun(ctx, o); err != nil {
		t.Fatalf("apply: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "apply dev: 2 succeeded") {
		t.Errorf("no summary:\n%s", out.String())
	}
	st, err := os.ReadFile(filepath.Join(dir, ".stackctl/state/dev/app/terraform.tfstate"))
	if err != nil || !strings.Contains(string(st), "net()") {
		t.Errorf("app's state %v:\n%s", err, st)
	}
}

// No terminal and no --auto-approve: refused before anything is planned.
func TestApplyWithoutTerminalRefusesBeforePlanning(t *testing.T) {
	dir := twoUnitTree(t)
	a, _, _ := terminalApp(t, dir)
	a.streams.SetInTTY(false)
	o := &runOptions{commonOptions: commonOptions{Env: "dev"}, Command: "destroy", Parallelism: 2}
	err := a.runRun(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "destroy needs --auto-approve") {
		t.Fatalf("destroy without a terminal: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".stackctl")); err == nil {
		t.Errorf("a refused destroy still did work in %s", dir)
	}
}
