package terraform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Validate runs `terraform validate` and writes its diagnostics to out in
// the form terraform prints them. It fails when there is any error.
func (w *Workdir) Validate(ctx context.Context, out io.Writer) error {
	if err := w.learnVersion(ctx); err != nil {
		return err
	}
	var res *tfjson.ValidateOutput
	err := w.quietly(func() (err error) {
		res, err = w.tf.Validate(ctx)
		return err
	})
	if err != nil {
		return classify("validate", err)
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
