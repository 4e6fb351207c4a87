package ops

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/runner"
)

// recordIO is a runner.UnitIO that keeps what the unit said.
type recordIO struct {
	steps []string
	out   bytes.Buffer
}

func (r *recordIO) Step(s string) { r.steps = append(r.steps, s) }

func (r *recordIO) Output() io.Writer { return &r.out }

var _ runner.UnitIO = (*recordIO)(nil)

func retryUnit(t *testing.T, rt config.Retry) (*Unit, *recordIO) {
	t.Helper()
	e := secretsTree(t)
	e.Stack.Root.Retry = rt
	rio := &recordIO{}
	return &Unit{Config: e.Unit("net"), e: e, io: rio}, rio
}

func TestTransientFailures(t *testing.T) {
	u, _ := retryUnit(t, config.Retry{MaxAttempts: 3, Errors: []*regexp.Regexp{regexp.MustCompile(`quota check pending`)}})
	cases := map[string]string{
		"│ Error: creating VPC: api error Throttling: Rate exceeded\n": "Error: creating VPC: api error Throttling: Rate exceeded",
		"read tcp 10.0.0.1:443: connection reset by peer":              "read tcp 10.0.0.1:443: connection reset by peer",
		"Error: the ec2 quota check pending, try later":                "Error: the ec2 quota check pending, try later",
		// terraform wrapped the message over two lines
		"│ Error: Failed to load plugin schemas: The plugin encountered an error, and\n│ failed to respond": "The plugin encountered an error, and failed to respond",
		"Error: Invalid value for variable":                   "",
		"Error: Throttled by nobody (ThrottlingExceptionary)": "",
	}
	for text, want := range cases {
		if got := u.transient(errors.New(text)); got != want {
			t.Errorf("transient(%q) = %q, want %q", text, got, want)
		}
	}
	for _, err := range []error{nil, context.Canceled, fmt.Errorf("Throttling: %w", context.DeadlineExceeded)} {
		if got := u.transient(err); got != "" {
			t.Errorf("transient(%v) = %q, want \"\" (not a passing failure)", err, got)
		}
	}
}

func TestRetryRunsAgainOnlyForPassingFailures(t *testing.T) {
	u, rio := retryUnit(t, config.Retry{MaxAttempts: 3, Wait: time.Millisecond})
	throttled := errors.New("Error: api error Throttling: Rate exceeded")
	calls := 0
	err := u.retry(context.Background(), "plan", func() error {
		calls++
		if calls < 3 {
			return throttled
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("retry: %v after %d calls, want success on the 3rd", err, calls)
	}
	if got := rio.out.String(); strings.Count(got, "failed for a passing reason") != 2 || !strings.Contains(got, "(attempt 3 of 3)") {
		t.Errorf("retries not said in the unit's output:\n%s", got)
	}
	if len(u.warnings) != 2 || !strings.Contains(u.warnings[0], "terraform plan was retried after: Error: api error Throttling") {
		t.Errorf("warnings: %q", u.warnings)
	}
	if len(rio.steps) != 2 || rio.steps[1] != "plan (retry 2)" {
		t.Errorf("steps: %q", rio.steps)
	}

	// At most max_attempts tries in all.
	calls = 0
	if err := u.retry(context.Background(), "apply", func() error { calls++; return throttled }); err != throttled || calls != 3 {
		t.Errorf("always throttled: %v after %d calls, want the error after 3", err, calls)
	}
	// Not a passing failure: no second try.
	calls = 0
	bad := errors.New("Error: Invalid value for variable")
	if err := u.retry(context.Background(), "apply", func() error { calls++; return bad }); err != bad || calls != 1 {
		t.Errorf("real failure: %v after %d calls, want it after 1", err, calls)
	}
	// Cancelled while waiting: the error, at once.
	u, _ = retryUnit(t, config.Retry{MaxAttempts: 5, Wait: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	err = u.retry(ctx, "plan", func() error { calls++; cancel(); return throttled })
	if err != throttled || calls != 1 {
		t.Errorf("cancelled: %v after %d calls", err, calls)
	}
}
