package verify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/redact"
)

// Result is one check's outcome. Every text in it has the check's
// secrets masked.
type Result struct {
	Unit string            `json:"unit"`
	Name string            `json:"name"`
	Kind config.VerifyKind `json:"kind"`
	At   string            `json:"at"`
	// Target is what was checked: "GET https://…", "host:443", a DNS name.
	Target   string        `json:"target,omitempty"`
	Passed   bool          `json:"passed"`
	Reason   string        `json:"reason"`
	Attempts int           `json:"attempts"`
	Duration time.Duration `json:"-"`
	// DurationMS is Duration for JSON.
	DurationMS int64 `json:"duration_ms"`
}

// outcome is what one attempt found.
type outcome struct {
	ok     bool
	reason string
	// final stops the retries: waiting cannot change it (a value that does
	// not fit, an assert).
	final bool
	// secrets found during the attempt (a token received) join the
	// check's.
	secrets []string
}

// check runs one spec; r is named so that the deferred masking and
// timing apply to what is returned.
func (v *Verifier) check(ctx context.Context, s *config.VerifySpec) (r Result) {
	start := time.Now()
	r = Result{Unit: s.Unit, Name: s.Name, Kind: s.Kind, At: s.At, Target: target(s)}
	secrets := append([]string(nil), s.Secrets...)
	defer func() {
		r.Duration = time.Since(start)
		r.DurationMS = r.Duration.Milliseconds()
		r.Reason = redact.String(r.Reason, secrets)
		r.Target = redact.String(r.Target, secrets)
	}()
	if s.Diags.HasErrors() {
		r.Reason = "cannot be evaluated: " + describeDiags(s)
		return r
	}
	timeout, interval := s.Timeout, s.Interval
	if timeout <= 0 {
		timeout = v.opts.Timeout
	}
	if interval <= 0 {
		interval = v.opts.Interval
	}
	deadline := start.Add(timeout)
	for {
		r.Attempts++
		attemptDeadline := minTime(deadline, time.Now().Add(attemptTimeout))
		actx, cancel := context.WithDeadline(ctx, attemptDeadline)
		o := v.attempt(actx, s)
		// A dial or read given the same deadline can return before the
		// context's own timer fires (on a loaded machine): the clock says
		// the attempt was cut short even when actx does not yet.
		cutShort := ctx.Err() == nil && (actx.Err() != nil || !time.Now().Before(attemptDeadline))
		cancel()
		secrets = append(secrets, o.secrets...)
		// An attempt the deadline cut short says only that; the attempt
		// before it says why the check fails.
		if !(cutShort && !o.ok && r.Reason != "") {
			r.Passed, r.Reason = o.ok, o.reason
		}
		if o.ok || o.final {
			return r
		}
		if ctx.Err() != nil {
			r.Reason = "interrupted: " + r.Reason
			return r
		}
		if time.Now().Add(interval).After(deadline) {
			break
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			r.Reason = "interrupted: " + r.Reason
			return r
		case <-t.C:
		}
	}
	if r.Attempts > 1 {
		r.Reason += fmt.Sprintf(" (still failing after %d attempts over %s)", r.Attempts, time.Since(start).Round(time.Second))
	}
	return r
}

func (v *Verifier) attempt(ctx context.Context, s *config.VerifySpec) outcome {
	switch {
	case s.HTTP != nil:
		return v.checkHTTP(ctx, s.HTTP)
	case s.TLS != nil:
		return v.checkTLS(ctx, s.TLS)
	case s.DNS != nil:
		return v.checkDNS(ctx, s.DNS)
	case s.JWTIssuer != nil:
		return v.checkJWTIssuer(ctx, s.JWTIssuer)
	case s.Assert != nil:
		if s.Assert.Passed {
			return outcome{ok: true, reason: "condition holds", final: true}
		}
		if s.Assert.Message == "" {
			return outcome{reason: "condition is false", final: true}
		}
		return outcome{reason: s.Assert.Message, final: true}
	}
	return outcome{reason: "nothing to check", final: true}
}

// target names what a check looks at, for the views.
func target(s *config.VerifySpec) string {
	switch {
	case s.HTTP != nil:
		return s.HTTP.Method + " " + s.HTTP.URL + via(s.HTTP.ConnectTo)
	case s.TLS != nil:
		return fmt.Sprintf("%s:%d", s.TLS.Host, s.TLS.Port) + via(s.TLS.ConnectTo)
	case s.DNS != nil:
		if s.DNS.Type != "" {
			return s.DNS.Name + " " + s.DNS.Type
		}
		return s.DNS.Name
	case s.JWTIssuer != nil:
		if s.JWTIssuer.DiscoveryURL != "" {
			return "GET " + s.JWTIssuer.DiscoveryURL
		}
		return s.JWTIssuer.Method + " " + s.JWTIssuer.TokenURL
	}
	return ""
}

func via(connectTo string) string {
	if connectTo == "" {
		return ""
	}
	return " via " + connectTo
}

// describeDiags is the errors of a check that could not be evaluated, on
// one line each, with where they are.
func describeDiags(s *config.VerifySpec) string {
	var parts []string
	for _, d := range s.Diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		p := d.Summary
		if d.Subject != nil {
			p = diag.At(*d.Subject) + ": " + p
		}
		if d.Detail != "" {
			p += ": " + d.Detail
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
