package state

import (
	"os"
	"os/user"
	"testing"
	"time"
)

// The lock a stackctl operation takes names who took it as Terraform
// does (user@host), so that whoever waits for it is told who to ask.
func TestNewLockInfoNamesTheUser(t *testing.T) {
	u, err := user.Current()
	if err != nil {
		t.Fatalf("user.Current: %v", err)
	}
	host, _ := os.Hostname()
	l := NewLockInfo("stackctl state mv")
	if l.Who != u.Username+"@"+host {
		t.Errorf("Who = %q, want %q", l.Who, u.Username+"@"+host)
	}
	if l.Operation != "stackctl state mv" || l.Info != "stackctl" || l.Created.IsZero() || l.Created.Location() != time.UTC {
		t.Errorf("lock info = %+v", l)
	}
}

func TestOperationName(t *testing.T) {
	for op, want := range map[string]string{
		"OperationTypeApply":   "apply",
		"OperationTypeRefresh": "refresh",
		"stackctl state mv":    "stackctl state mv",
		"":                     "",
	} {
		if got := (&LockInfo{Operation: op}).OperationName(); got != want {
			t.Errorf("OperationName(%q) = %q, want %q", op, got, want)
		}
	}
}

// The one line a person reads about a lock: who, since when, doing what
// (with terraform's version only for terraform's own operations), which ID.
func TestLockInfoString(t *testing.T) {
	created := time.Date(2026, 11, 23, 11, 24, 10, 0, time.FixedZone("CET", 3600))
	for _, tt := range []struct {
		l    LockInfo
		want string
	}{
		{LockInfo{ID: "id-1", Operation: "OperationTypeApply", Who: "me@vm", Version: "1.11.4", Created: created},
			"locked by me@vm since 2026-11-23T10:24:10Z (apply, terraform 1.11.4), lock ID id-1"},
		{LockInfo{Operation: "stackctl state mv", Version: "1.11.4"},
			"locked by unknown (stackctl state mv)"},
		{LockInfo{Who: "me@vm"}, "locked by me@vm"},
	} {
		if got := tt.l.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

// A lock that exists but says nothing readable still tells where it is.
func TestLockedErrorMessage(t *testing.T) {
	bare := &LockedError{Where: "s3://b/k.tflock", State: "s3://b/k"}
	if got := bare.Error(); got != "the state s3://b/k is locked (s3://b/k.tflock), by someone who left no lock info" {
		t.Errorf("without holder: %s", got)
	}
	held := &LockedError{Holder: &LockInfo{Who: "me@vm", ID: "x"}, Where: "w", State: "s"}
	if got := held.Error(); got != "the state s is locked by me@vm, lock ID x (lock w)" {
		t.Errorf("with holder: %s", got)
	}
}
