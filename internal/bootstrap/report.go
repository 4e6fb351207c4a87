package bootstrap

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Status is the outcome of one check.
type Status string

// Statuses. Missing after a run with Fix means the repair was impossible
// (a table's key) or the service ignored it; Unknown means the setting
// could not be read (an emulator lacking the call, or no permission).
const (
	StatusCreated Status = "created"
	StatusOK      Status = "ok"
	StatusMissing Status = "missing"
	StatusFixed   Status = "fixed"
	StatusUnknown Status = "unknown"
	// NotApplicable: the setting cannot work where the store is (a
	// TLS-only policy on a plain-HTTP endpoint), so it is left out.
	StatusNotApplicable Status = "not applicable"
)

// Check is one setting of one resource.
type Check struct {
	Resource string `json:"resource"` // s3://bucket or dynamodb://table
	Setting  string `json:"setting"`
	Status   Status `json:"status"`
	Detail   string `json:"detail,omitempty"`
}

// Report is what a run found and did, in order.
type Report struct {
	Bucket        string  `json:"bucket"`
	Region        string  `json:"region"`
	DynamoDBTable string  `json:"dynamodb_table,omitempty"`
	Fix           bool    `json:"fix"`
	Checks        []Check `json:"checks"`
}

func (r *Report) add(resource, setting string, st Status, detail string) {
	r.Checks = append(r.Checks, Check{Resource: resource, Setting: setting, Status: st, Detail: detail})
}

func (r *Report) with(st ...Status) []Check {
	var out []Check
	for _, c := range r.Checks {
		for _, s := range st {
			if c.Status == s {
				out = append(out, c)
			}
		}
	}
	return out
}

// Missing returns the checks still missing: what an audit found (or a
// repair could not change).
func (r *Report) Missing() []Check { return r.with(StatusMissing) }

// Unknown returns the checks that could not be read.
func (r *Report) Unknown() []Check { return r.with(StatusUnknown) }

// Changed returns what the run created or fixed.
func (r *Report) Changed() []Check { return r.with(StatusCreated, StatusFixed) }

// Status returns the status of one setting, or "" when it was not checked.
func (r *Report) Status(resource, setting string) Status {
	for _, c := range r.Checks {
		if c.Resource == resource && c.Setting == setting {
			return c.Status
		}
	}
	return ""
}

// WriteTable prints the checks as an aligned table followed by a one-line
// summary that says what to do next.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RESOURCE\tSETTING\tSTATUS\tDETAIL")
	for _, c := range r.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Resource, c.Setting, c.Status, c.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, r.Summary())
	return err
}

// Summary is one line: counts, and the next step when something is
// missing.
func (r *Report) Summary() string {
	missing, unknown, changed := len(r.Missing()), len(r.Unknown()), len(r.Changed())
	s := fmt.Sprintf("%d checks: %d created or fixed, %d missing, %d unknown", len(r.Checks), changed, missing, unknown)
	if na := len(r.with(StatusNotApplicable)); na > 0 {
		s += fmt.Sprintf(", %d not applicable", na)
	}
	if missing > 0 && !r.Fix {
		s += "; nothing existing was changed (audit only)"
	}
	return s
}
