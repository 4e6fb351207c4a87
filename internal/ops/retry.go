package ops

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// transientErrors are failures that pass: throttled or overloaded APIs,
// connections dropped on the way, and a provider plugin that crashed or
// was busy while starting. Terraform's error text is all there is to tell
// them apart: the providers' SDK errors reach stackctl only as text.
var transientErrors = []*regexp.Regexp{
	regexp.MustCompile(`\b(Throttling|ThrottlingException|RequestLimitExceeded|TooManyRequestsException|SlowDown|RequestThrottled|ProvisionedThroughputExceededException)\b`),
	regexp.MustCompile(`(?i)\bconnection reset by peer\b`),
	regexp.MustCompile(`(?i)\btext file busy\b`),
	regexp.MustCompile(`(?i)plugin (exited before we could connect|did not respond)|The plugin encountered an error, and failed to respond`),
	regexp.MustCompile(`\b(503 Service Unavailable|ServiceUnavailable|InternalError: We encountered an internal error)\b`),
}

// transient returns the line of err that makes it a passing failure, or
// "" when it is not one.
func (u *Unit) transient(err error) string {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return ""
	}
	extra := u.e.Stack.Root.Retry.Errors
	for _, line := range strings.Split(err.Error(), "\n") {
		for _, re := range transientErrors {
			if re.MatchString(line) {
				return strings.TrimSpace(strings.TrimLeft(line, "│╷╵ "))
			}
		}
		for _, re := range extra {
			if re.MatchString(line) {
				return strings.TrimSpace(strings.TrimLeft(line, "│╷╵ "))
			}
		}
	}
	// terraform wraps long messages: match the message with its line
	// breaks taken out too.
	text := strings.Join(strings.Fields(strings.NewReplacer("│", " ", "╷", " ", "╵", " ").Replace(err.Error())), " ")
	for _, re := range append(append([]*regexp.Regexp{}, transientErrors...), extra...) {
		if m := re.FindString(text); m != "" {
			return m
		}
	}
	return ""
}

// retry runs a terraform step again when it failed for a passing reason,
// up to the retry block's max_attempts, waiting longer each time; each
// retry is said in the unit's output, with its reason, and in the
// summary. Steps that apply a saved plan are not retried: after a partial
// apply the plan no longer matches state, and terraform refuses it.
func (u *Unit) retry(ctx context.Context, step string, run func() error) error {
	rt := u.e.Stack.Root.Retry
	wait := rt.Wait
	for attempt := 1; ; attempt++ {
		err := run()
		why := u.transient(err)
		if why == "" || attempt >= rt.MaxAttempts || ctx.Err() != nil {
			return err
		}
		msg := fmt.Sprintf("terraform %s failed for a passing reason (%s); trying again in %s (attempt %d of %d)", step, why, wait, attempt+1, rt.MaxAttempts)
		fmt.Fprintf(u.Output(), "\nstackctl: %s\n", msg)
		u.mu.Lock()
		u.warnings = append(u.warnings, fmt.Sprintf("terraform %s was retried after: %s", step, why))
		u.mu.Unlock()
		u.Step(fmt.Sprintf("%s (retry %d)", step, attempt))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait *= 2
	}
}
