package surgery

import (
	"errors"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/state"
)

// Attribute paths print as Terraform prints them: a key that is an HCL
// name after a dot, any other in brackets and quotes.
func TestPathStringNames(t *testing.T) {
	cases := []struct {
		path []any
		want string
	}{
		{[]any{"tags", "a", "z", "A", "Z", "_"}, "tags.a.z.A.Z._"},
		{[]any{"x", "a-b", "a0", "a9", "ab_c"}, "x.a-b.a0.a9.ab_c"},
		{[]any{"x", "0a"}, `x["0a"]`},
		{[]any{"x", "-a"}, `x["-a"]`},
		{[]any{"x", ""}, `x[""]`},
		{[]any{"x", "a b"}, `x["a b"]`},
		{[]any{"x", "a@"}, `x["a@"]`},
		{[]any{"x", "a{"}, `x["a{"]`},
		{[]any{"x", "a`"}, "x[\"a`\"]"},
		{[]any{"x", "a["}, `x["a["]`},
		{[]any{"x", "a/"}, `x["a/"]`},
		{[]any{"x", "a:"}, `x["a:"]`},
		{[]any{"groups", 0, "name"}, "groups[0].name"},
	}
	for _, c := range cases {
		if got := PathString(c.path); got != c.want {
			t.Errorf("PathString(%q) = %s, want %s", c.path, got, c.want)
		}
	}
}

func TestAddressMatchEdges(t *testing.T) {
	cases := []struct {
		p, a string
		want bool
	}{
		{`heroku_app.apps*`, `heroku_app.apps`, true},
		{`*`, ``, true},
		{`*`, `aws_x.y`, true},
		{``, ``, true},
		{``, `x`, false},
		{`?`, ``, false},
		{`aws_x.y`, `aws_x.yz`, false},
		{`aws_x.yz`, `aws_x.y`, false},
		{`*.y`, `aws_x.z`, false},
	}
	for _, c := range cases {
		if got := AddressMatch(c.p, c.a); got != c.want {
			t.Errorf("AddressMatch(%q, %q) = %v", c.p, c.a, got)
		}
	}
}

// The count line of a verification plan is terraform's: a replacement
// counts as one to add and one to destroy.
func TestPlanSummaryCounts(t *testing.T) {
	ch := func(a ...tfjson.Action) *tfjson.ResourceChange {
		return &tfjson.ResourceChange{Change: &tfjson.Change{Actions: a}}
	}
	p := &tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{
		ch(tfjson.ActionDelete, tfjson.ActionCreate),
		ch(tfjson.ActionCreate),
		ch(tfjson.ActionUpdate),
		ch(tfjson.ActionDelete),
		ch(tfjson.ActionNoop),
		{Address: "no.change"},
	}}
	if got, want := planSummary(p), "2 to add, 1 to change, 2 to destroy"; got != want {
		t.Errorf("planSummary = %q, want %q", got, want)
	}
	cases := []struct {
		p    *tfjson.Plan
		want string
	}{
		{&tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{ch(tfjson.ActionCreate), ch(tfjson.ActionUpdate)}}, "1 to add, 1 to change, 0 to destroy"},
		{&tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{ch(tfjson.ActionCreate, tfjson.ActionDelete)}}, "1 to add, 0 to change, 1 to destroy"},
		{&tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{ch(tfjson.ActionUpdate), ch(tfjson.ActionDelete)}}, "0 to add, 1 to change, 1 to destroy"},
		{&tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{ch(tfjson.ActionNoop)}}, "no changes"},
	}
	for _, c := range cases {
		if got := planSummary(c.p); got != c.want {
			t.Errorf("planSummary = %q, want %q", got, c.want)
		}
	}
}

// A lock held by someone else is refused with who holds it and the
// command that releases it, with the holder's own lock ID.
func TestLockFailedSaysWhoAndHow(t *testing.T) {
	tg := &Target{Unit: "net"}
	err := lockFailed(tg, &state.LockedError{Holder: &state.LockInfo{ID: "id-1", Who: "bob@ci", Operation: "OperationTypeApply"}, Where: "x.lock"})
	if want := "the state of net is locked by bob@ci (apply), lock ID id-1: nothing was changed. Wait for that run to finish and try again; if it died, release the lock with: stackctl force-unlock ENV --unit net id-1"; err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
	err = lockFailed(tg, &state.LockedError{Holder: &state.LockInfo{Who: "bob@ci"}, Where: "x.lock"})
	if !strings.HasSuffix(err.Error(), "--unit net LOCK_ID") {
		t.Errorf("a lock without an ID: %s", err)
	}
	err = lockFailed(tg, &state.LockedError{Where: "x.lock"})
	if !strings.Contains(err.Error(), "is locked (x.lock) by someone who left no lock info") || !strings.HasSuffix(err.Error(), "--unit net LOCK_ID") {
		t.Errorf("a lock without info: %s", err)
	}
	other := errors.New("permission denied")
	if err := lockFailed(tg, other); err.Error() != "locking the state of net: permission denied" || !errors.Is(err, other) {
		t.Errorf("another failure: %v", err)
	}
}

func TestRolledBackErrorText(t *testing.T) {
	cause := errors.New("verification failed: x")
	e := &RolledBackError{Err: cause, Restored: []string{"file env.hcl", "state of a"}}
	if want := "verification failed: x\nRolled back: every state and file is as it was; restored:\n  file env.hcl\n  state of a"; e.Error() != want {
		t.Errorf("got %q", e.Error())
	}
	if !errors.Is(e, cause) {
		t.Error("the cause is not unwrapped")
	}
	e = &RolledBackError{Err: cause}
	if want := "verification failed: x\nRolled back: nothing had been written yet."; e.Error() != want {
		t.Errorf("got %q", e.Error())
	}
}
