package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Validate runs `terraform validate` and writes its diagnostics to out in
// the form terraform prints them. It fails when there is any error.
func (w *Workdir) Validate(ctx context.Context, out io.Writer) error {
	res, err := w.validateJSON(ctx)
	if err != nil {
		return err
	}
	var errs int
	var first string
	for _, d := range res.Diagnostics {
		fmt.Fprintln(out, formatDiagnostic(d))
		if d.Severity == tfjson.DiagnosticSeverityError {
			if errs == 0 {
				first = d.Summary
				if d.Range != nil {
					first = fmt.Sprintf("%s (%s line %d)", d.Summary, d.Range.Filename, d.Range.Start.Line)
				}
			}
			errs++
		}
	}
	if !res.Valid || errs > 0 {
		// Step "validate", and the first error named: the summary line is
		// all many people read, and the rest is in the unit's output.
		msg := fmt.Sprintf("terraform validate found %d error(s)", errs)
		if first != "" {
			msg += "; the first: " + first
		}
		return &Error{Step: "validate", Err: errors.New(msg)}
	}
	fmt.Fprintln(out, "Success! The configuration is valid.")
	return nil
}

func formatDiagnostic(d tfjson.Diagnostic) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", strings.Title(string(d.Severity)), d.Summary) //nolint:staticcheck // ASCII severities
	if d.Range != nil {
		fmt.Fprintf(&b, "\n  on %s line %d", d.Range.Filename, d.Range.Start.Line)
	}
	if d.Snippet != nil {
		fmt.Fprintf(&b, ":\n  %d: %s", d.Snippet.StartLine, d.Snippet.Code)
	}
	if d.Detail != "" {
		fmt.Fprintf(&b, "\n\n%s", d.Detail)
	}
	return b.String()
}

// validateJSON runs `terraform validate -json` itself, not through
// terraform-exec, whose version check would be a second process per unit.
// terraform exits 1 when the configuration is invalid, with the JSON
// still on stdout: that is a result, not a failure to run.
func (w *Workdir) validateJSON(ctx context.Context) (*tfjson.ValidateOutput, error) {
	var stdout bytes.Buffer
	stderr, err := w.run(ctx, []string{"validate", "-no-color", "-json"}, &stdout)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		if stderr != "" {
			err = fmt.Errorf("%w\n%s", err, stderr)
		}
		return nil, classify("validate", err)
	}
	var res tfjson.ValidateOutput
	if jerr := json.Unmarshal(stdout.Bytes(), &res); jerr != nil {
		if err != nil {
			return nil, classify("validate", fmt.Errorf("%w\n%s", err, stderr))
		}
		return nil, &Error{Step: "validate", Err: fmt.Errorf("reading terraform validate -json: %w", jerr)}
	}
	return &res, nil
}
