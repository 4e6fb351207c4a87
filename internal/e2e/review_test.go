package e2e

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/testutil"
)

// dialogue runs `stackctl ARGS` on a pseudo-terminal (script(1)) and types
// each answer only once the question before it has been shown: ask checks
// what the terminal showed up to that question. It returns everything the
// terminal showed and the exit code.
func dialogue(t *testing.T, tr *tree, args string, answers []string, ask func(i int, shown string)) (string, int) {
	t.Helper()
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatal("this test needs script(1) from util-linux (Debian: bsdutils) to run stackctl on a pseudo-terminal")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", binary+" "+args, "/dev/null")
	cmd.Dir = tr.Dir
	cmd.Env = append(tr.Env, "TERM=xterm", "COLUMNS=120", "LINES=40")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out testutil.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	const prompt = "Enter a value:"
	for i, a := range answers {
		for strings.Count(out.String(), prompt) <= i {
			select {
			case err := <-done:
				t.Fatalf("stackctl %s ended (%v) before question %d:\n%s", args, err, i+1, out.String())
			case <-time.After(50 * time.Millisecond):
			}
		}
		ask(i, out.String())
		if _, err := io.WriteString(stdin, a+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	err = <-done
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return out.String(), ee.ExitCode()
	case err != nil:
		t.Fatalf("running stackctl %s under script: %v\n%s", args, err, out.String())
	}
	return out.String(), 0
}

// A two-unit tree: app reads net's output, and has mock outputs so that it
// can be planned before net exists.
func twoUnits() map[string]string {
	return map[string]string{
		"stackctl.hcl":         rootFile,
		"modules/step/main.tf": stepModule,
		"live/dev/env.hcl":     `vars = { region = "eu-west-1" }`,
		"live/dev/net/unit.hcl": `source = "../../../modules/step"
inputs = { name = "net" }
`,
		"live/dev/app/unit.hcl": `source = "../../../modules/step"
dependency "net" {
  path         = "../net"
  mock_outputs = { value = "mock-net" }
}
inputs = {
  name     = "app"
  upstream = dependency.net.outputs.value
}
`,
	}
}

// apply on a terminal plans everything first and shows the plans, then asks
// once; "no" applies nothing.
func TestApplyShowsPlansBeforeAsking(t *testing.T) {
	t.Parallel()
	tr := newTree(t, twoUnits())
	shown, code := dialogue(t, tr, "apply dev --no-color", []string{"no"}, func(_ int, shown string) {
		contains(t, "terminal before the question", shown,
			"── net plan ──", "terraform_data.this will be created", "── app plan ──",
			"Do you want to apply 2 unit(s) of dev?", "app", "planned on the mock outputs of net")
		if i, j := strings.Index(shown, "will be created"), strings.Index(shown, "Do you want to apply"); i < 0 || i > j {
			t.Errorf("the question came before the plan:\n%s", shown)
		}
		if strings.Contains(shown, "Refreshing state") {
			t.Errorf("the plans shown include terraform's refresh log:\n%s", shown)
		}
	})
	contains(t, "terminal", shown, "apply cancelled")
	if code != 1 {
		t.Errorf("a cancelled apply exits %d, want 1", code)
	}
	if _, err := os.Stat(tr.Path("order.log")); err == nil {
		t.Errorf("apply answered no still created something:\n%s", tr.Read("order.log"))
	}
	if _, err := os.Stat(tr.Path(".stackctl/state/dev/net/terraform.tfstate")); err == nil {
		st := tr.Read(".stackctl/state/dev/net/terraform.tfstate")
		if strings.Contains(st, "terraform_data") {
			t.Errorf("apply answered no wrote state:\n%s", st)
		}
	}
}

// "yes" applies exactly what was shown; app, planned on mock outputs, is
// planned again once net exists, shown, and applied only after a second
// yes. A second apply has nothing to do and asks nothing.
func TestApplyYesAppliesWhatWasShown(t *testing.T) {
	t.Parallel()
	tr := newTree(t, twoUnits())
	shown, code := dialogue(t, tr, "apply dev --no-color", []string{"yes", "yes"}, func(i int, shown string) {
		if i == 1 {
			last := shown[strings.LastIndex(shown, "Do you want to apply"):]
			contains(t, "the second question", shown, "app was planned again: its plan was made on the mock_outputs of net")
			contains(t, "the second question", last, "plan of app")
			if !strings.Contains(shown[strings.Index(shown, "planned again"):], `"net()"`) && !strings.Contains(shown, "net()") {
				t.Errorf("the new plan of app does not show net's real output:\n%s", shown)
			}
		}
	})
	if code != 0 {
		t.Fatalf("apply answered yes twice: exit %d\n%s", code, shown)
	}
	contains(t, "terminal", shown, "apply dev: 2 succeeded")
	if got := lines(tr.Read("order.log")); len(got) != 2 || got[0] != "create net" || got[1] != "create app" {
		t.Errorf("order.log %q", got)
	}
	again, code := onTerminal(t, tr, "", "apply dev --no-color")
	if code != 0 {
		t.Fatalf("second apply: exit %d\n%s", code, again)
	}
	contains(t, "second apply", again, "No changes")
	if strings.Contains(again, "Enter a value") {
		t.Errorf("an apply with nothing to do asked a question:\n%s", again)
	}
}
