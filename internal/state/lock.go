package state

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Locker is a backend that can tell who holds its state lock.
type Locker interface {
	// LockInfo returns the current lock, or nil when the state is not
	// locked.
	LockInfo(ctx context.Context) (*LockInfo, error)
}

// LockInfo is Terraform's lock document, the same for every backend:
//
//	{"ID":"82283ec7-…","Operation":"OperationTypeApply","Info":"","Who":"root@vm",
//	 "Version":"1.11.4","Created":"2026-11-23T11:24:10.965172155Z","Path":"…"}
//
// encoding/json matches field names case-insensitively, so the lower-case
// tags (stackctl's --json) still decode Terraform's document.
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
// "apply", "plan", "refresh"…
func (l *LockInfo) OperationName() string {
	return strings.ToLower(strings.TrimPrefix(l.Operation, "OperationType"))
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
		if l.Version != "" {
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
