package ops

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/stackctl/stackctl/internal/terraform"
)

// tfvarsLine finds where terraform says a rejected input value is: in the
// tfvars file stackctl generated, which no user wrote.
var tfvarsLine = regexp.MustCompile(`on ` + regexp.QuoteMeta(terraform.VarsFile) + ` line (\d+)`)

// inputError turns terraform rejecting an input value (a wrong type, a
// failed validation) into a configuration error at the stackctl file and
// line that set the input, with terraform's own text below; nil when err
// is something else.
func (u *Unit) inputError(err error) error {
	var te *terraform.Error
	if !errors.As(err, &te) || u.wd == nil {
		return nil
	}
	text := err.Error()
	m := tfvarsLine.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	line, _ := strconv.Atoi(m[1])
	name := u.wd.InputAtLine(line)
	if name == "" {
		return nil
	}
	var rng *hcl.Range
	for _, in := range u.inputs {
		if in.Name == name {
			r := in.Range
			rng = &r
		}
	}
	if rng == nil {
		return nil
	}
	summary := te.Summary()
	return &DiagError{Diags: hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("%s: input %q (unit %s)", summary, name, u.Path()),
		Detail:   "terraform said:\n" + u.mask(terraformText(text)),
		Subject:  rng,
	}}}
}

// terraformText is terraform's error as it printed it, without the exit
// status line terraform-exec puts first.
func terraformText(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) > 0 && strings.HasPrefix(lines[0], "exit status") {
		lines = lines[1:]
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(strings.TrimLeft(l, "│╷╵"), " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
