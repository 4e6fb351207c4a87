package ops

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/terraform"
)

// lockingBackend is a state backend whose lock holder is fixed.
type lockingBackend struct {
	countingBackend
	holder *state.LockInfo
}

func (b *lockingBackend) LockInfo(context.Context) (*state.LockInfo, error) { return b.holder, nil }

func TestLockErrorNamesTheHolderOrSaysItIsGone(t *testing.T) {
	tfErr := &terraform.Error{Step: "plan", Err: &terraform.LockedError{
		Lock: &state.LockInfo{ID: "from-terraform", Who: "ci@runner"}, Err: errors.New("Error acquiring the state lock")}}
	u := &config.Unit{Path: "network"}
	engine := func(holder *state.LockInfo) *Engine {
		e := &Engine{States: fixedOpener{&lockingBackend{holder: holder}}, opts: Options{LockTimeout: "30s"}}
		e.Stack = &config.Stack{Env: &config.Env{Name: "dev"}}
		return e
	}

	err := engine(&state.LockInfo{ID: "abc-123", Who: "alice@laptop", Operation: "OperationTypeApply"}).lockError(u, tfErr)
	for _, want := range []string{"locked by alice@laptop", "--lock-timeout 30s", "stackctl force-unlock dev --unit network abc-123"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("held lock: %v, want %q", err, want)
		}
	}
	err = engine(nil).lockError(u, tfErr)
	if err == nil || !strings.Contains(err.Error(), "released meanwhile: run again") || strings.Contains(err.Error(), "force-unlock") {
		t.Errorf("released lock: %v", err)
	}
	if engine(nil).lockError(u, errors.New("something else")) != nil {
		t.Error("a lock error for an unrelated failure")
	}
}
