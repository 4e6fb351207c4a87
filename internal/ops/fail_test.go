package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/redact"
	"github.com/stackctl/stackctl/internal/terraform"
)

// A unit's failure is terraform's first "Error:" line, and terraform can
// quote a secret there (a provider echoing a value it rejects): the
// summary masks the unit's secrets, whether they came from its inputs or
// were learned by its output writer from terraform's own lines.
func TestFailMasksSecretsInTerraformsText(t *testing.T) {
	const secret = "hunter2-ops-5c1e"
	tfErr := &terraform.Error{Step: "apply", Err: errors.New("\n│ Error: invalid password \"" + secret + "\"\n│ \n│   with aws_db_instance.main\n")}
	cases := map[string]*Unit{
		"input secrets":  {Config: &config.Unit{Path: "app"}, e: &Engine{}, secrets: []string{secret}},
		"writer secrets": {Config: &config.Unit{Path: "app"}, e: &Engine{}, out: redact.NewWriter(io.Discard, []string{secret})},
	}
	for name, u := range cases {
		err := u.Fail(fmt.Errorf("running terraform: %w", tfErr))
		var ue *UnitError
		if !errors.As(err, &ue) {
			t.Fatalf("%s: Fail() = %T %v, want a *UnitError", name, err, err)
		}
		if want := `terraform apply failed: invalid password "` + redact.Mask + `"`; ue.Message != want {
			t.Errorf("%s: message %q, want %q", name, ue.Message, want)
		}
		if !errors.Is(err, tfErr) {
			t.Errorf("%s: the failure does not wrap terraform's error", name)
		}
	}
}

func TestFailKindsOfFailure(t *testing.T) {
	u := &Unit{Config: &config.Unit{Path: "app"}, e: &Engine{}}
	if err := u.Fail(nil); err != nil {
		t.Errorf("Fail(nil) = %v", err)
	}
	// Already a unit's failure, or a configuration error: kept as it is.
	ue := &UnitError{Message: "kept"}
	if err := u.Fail(ue); err != ue {
		t.Errorf("Fail(UnitError) = %v, want it unchanged", err)
	}
	de := &DiagError{}
	if err := u.Fail(de); err != de {
		t.Errorf("Fail(DiagError) = %v, want it unchanged", err)
	}
	// Interrupted: says so instead of quoting terraform.
	err := u.Fail(&terraform.Error{Step: "plan", Err: fmt.Errorf("Error: whatever: %w", context.Canceled)})
	if err == nil || err.Error() != "terraform plan interrupted" {
		t.Errorf("cancelled: %v", err)
	}
	// Stopped for stalling: names the stall and the flag.
	u.stalled = "printed nothing for 10m0s"
	err = u.Fail(&terraform.Error{Step: "apply", Err: context.Canceled})
	if err == nil || !strings.Contains(err.Error(), "terraform apply printed nothing for 10m0s; it was stopped (raise --stall-timeout") {
		t.Errorf("stalled: %v", err)
	}
	// Not a terraform error: its first line, step "run".
	u.stalled = ""
	if err := u.Fail(errors.New("exec: terraform not found\nmore")); err == nil || err.Error() != "terraform run failed: exec: terraform not found\nmore" {
		t.Errorf("plain error: %q", err)
	}
}
