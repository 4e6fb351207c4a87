package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/runner"
)

func TestTruncate(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"network → database", 10, "network →…"},
		{"ééééé", 3, "éé…"},
		{"\x1b[31m✗\x1b[0m failed", 5, "\x1b[31m✗\x1b[0m fa…\x1b[0m"},
		{"\x1b[1mheader line\x1b[0m", 4, "\x1b[1mhea…\x1b[0m"},
	}
	for _, c := range cases {
		if got := truncate(c.in, c.n); got != c.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

var cursorUp = regexp.MustCompile(`\x1b\[\d+A`)

// A live line that wraps on the terminal would make the next redraw move
// up too few lines and leave garbage behind: every line must fit.
func TestLiveViewFitsTheTerminal(t *testing.T) {
	var term strings.Builder
	logs := t.TempDir()
	p := NewProgress(ProgressOptions{Command: "plan", Env: "dev", LogDir: logs, Live: true, Term: &term, Color: true, Width: 40, Height: 20})
	p.Queued([]string{"network", "apps/database"})
	p.Started("network")
	p.Step("network", "plan")
	fmt.Fprintln(p.Output("network"), "Terraform will perform the following actions")
	long := errors.New("terraform plan failed: " + strings.Repeat("a very long reason ", 10))
	p.Finished(runner.Event{Unit: "network", Status: runner.Failed, Err: long, Duration: 1500 * time.Millisecond})
	p.Finished(runner.Event{Unit: "apps/database", Status: runner.Skipped, Note: "network failed, and a note that goes on and on"})
	p.Close()

	for _, line := range strings.Split(cursorUp.ReplaceAllString(term.String(), ""), "\n") {
		line = strings.ReplaceAll(line, "\x1b[2K\r", "")
		if n := visibleLen(line); n > 39 {
			t.Errorf("line of %d columns on a 40-column terminal: %q", n, line)
		}
	}
	if !strings.Contains(term.String(), "network") || !strings.Contains(term.String(), "apps/database") {
		t.Errorf("live view misses a unit:\n%q", term.String())
	}

	var after strings.Builder
	p.WriteCaptured(&after, []ops.UnitOutcome{{Unit: "network", Status: runner.Failed, Err: long}})
	if got, want := after.String(), "\n── network plan ──\nTerraform will perform the following actions\n"; got != want {
		t.Errorf("captured output %q, want %q", got, want)
	}
	log, err := os.ReadFile(p.LogPath("network"))
	if err != nil || !strings.Contains(string(log), "Terraform will perform the following actions") || !strings.Contains(string(log), "# failed: terraform plan failed") {
		t.Errorf("log %s: %v\n%s", p.LogPath("network"), err, log)
	}
}

// When logs cannot be written the run goes on, the summary names no log
// file, and the user is told why.
func TestUnwritableLogDir(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var term strings.Builder
	p := NewProgress(ProgressOptions{Command: "plan", Env: "dev", LogDir: filepath.Join(blocker, "logs"), Term: &term})
	p.Queued([]string{"network"})
	p.Started("network")
	fmt.Fprintln(p.Output("network"), "hello")
	p.Finished(runner.Event{Unit: "network", Status: runner.Succeeded})
	p.Close()
	if got := p.LogPath("network"); got != "" {
		t.Errorf("LogPath = %q for a log that was never written", got)
	}
	for _, want := range []string{"[network] hello", "warning: some unit logs were not written", "is writable"} {
		if !strings.Contains(term.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, term.String())
		}
	}
	var after strings.Builder
	p.WriteCaptured(&after, []ops.UnitOutcome{{Unit: "network", Status: runner.Failed}})
	if after.Len() != 0 {
		t.Errorf("a streamed run repeated its output: %q", after.String())
	}
}
