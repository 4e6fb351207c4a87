package state

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"time"
)

// Locker takes and releases a backend's state lock: Terraform's own lock
// (the local state file's fcntl lock, the S3 .tflock object, the DynamoDB
// item), so that a terraform run and stackctl exclude each other.
type Locker interface {
	// LockInfo returns the current lock, or nil when the state is not
	// locked.
	LockInfo(ctx context.Context) (*LockInfo, error)
	// Lock takes the lock with info (see NewLockInfo), setting its Path
	// and Where. A lock held by anyone else is a *LockedError.
	Lock(ctx context.Context, info *LockInfo) error
	// Unlock releases the lock whose ID is id; a lock with another ID is
	// left alone and reported as a *LockedError.
	Unlock(ctx context.Context, id string) error
}

// ErrLocked matches (errors.Is) every *LockedError.
var ErrLocked = errors.New("state is locked")

// LockedError says that someone else holds the lock.
type LockedError struct {
	// Holder is who holds it; nil when the lock exists but says nothing
	// readable.
	Holder *LockInfo
	// Where is the lock: a lock info file, s3://bucket/key.tflock or
	// dynamodb://table/LockID.
	Where string
	// State names the locked state (Backend.Describe).
	State string
}

func (e *LockedError) Error() string {
	if e.Holder == nil {
		return fmt.Sprintf("the state %s is locked (%s), by someone who left no lock info", e.State, e.Where)
	}
	return fmt.Sprintf("the state %s is %s (lock %s)", e.State, e.Holder, e.Where)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// LockInfo is Terraform's lock document, the same for every backend:
//
//	{"ID":"82283ec7-…","Operation":"OperationTypeApply","Info":"","Who":"root@vm",
//	 "Version":"1.11.4","Created":"2026-11-23T11:24:10.965172155Z","Path":"…"}
//
// encoding/json matches field names case-insensitively, so the lower-case
// tags (stackctl's --json) still decode Terraform's document; Marshal
// writes Terraform's.
type LockInfo struct {
	ID        string    `json:"id"`
	Operation string    `json:"operation"` // "OperationTypeApply", "OperationTypePlan", …
	Info      string    `json:"info,omitempty"`
	Who       string    `json:"who"` // user@host
	Version   string    `json:"version"`
	Created   time.Time `json:"created"`
	Path      string    `json:"path"`
	// Where is the lock itself: a lock file, s3://bucket/key.tflock or
	// dynamodb://table/LockID.
	Where string `json:"where"`
}

// NewLockInfo returns the lock info of a stackctl operation ("stackctl
// state mv"): a fresh ID, user@host, now. Terraform prints Operation and
// Who to whoever waits for the lock.
func NewLockInfo(operation string) *LockInfo {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return &LockInfo{
		ID:        newUUID(),
		Operation: operation,
		Info:      "stackctl",
		Who:       name + "@" + host,
		Created:   time.Now().UTC(),
	}
}

// newUUID is a random (version 4) UUID, the form of Terraform's lock IDs.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// NewLineage returns a fresh lineage for a state that has none, as
// Terraform makes one (a UUID).
func NewLineage() string { return newUUID() }

// Marshal encodes the lock as Terraform stores it (its field names, no
// Where).
func (l *LockInfo) Marshal() []byte {
	b, _ := json.Marshal(struct {
		ID, Operation, Info, Who, Version string
		Created                           time.Time
		Path                              string
	}{l.ID, l.Operation, l.Info, l.Who, l.Version, l.Created, l.Path})
	return b
}

// ParseLockInfo decodes Terraform's lock document found at where.
func ParseLockInfo(data []byte, where string) (*LockInfo, error) {
	var l LockInfo
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("lock %s is not Terraform's lock info: %w", where, err)
	}
	l.Where = where
	return &l, nil
}

// OperationName returns the operation without Terraform's prefix:
// "apply", "plan", "refresh"… A stackctl operation is returned as it is.
func (l *LockInfo) OperationName() string {
	if strings.HasPrefix(l.Operation, "OperationType") {
		return strings.ToLower(strings.TrimPrefix(l.Operation, "OperationType"))
	}
	return l.Operation
}

// String is one line for people.
func (l *LockInfo) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "locked by %s", orUnknown(l.Who))
	if !l.Created.IsZero() {
		fmt.Fprintf(&b, " since %s", l.Created.UTC().Format(time.RFC3339))
	}
	if op := l.OperationName(); op != "" {
		fmt.Fprintf(&b, " (%s", op)
		if l.Version != "" && strings.HasPrefix(l.Operation, "OperationType") {
			fmt.Fprintf(&b, ", terraform %s", l.Version)
		}
		b.WriteString(")")
	}
	if l.ID != "" {
		fmt.Fprintf(&b, ", lock ID %s", l.ID)
	}
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
