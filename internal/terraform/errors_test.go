package terraform

import (
	"testing"
	"time"
)

func TestLockFromText(t *testing.T) {
	text := `exit status 1

Error: Error acquiring the state lock

Error message: operation error S3: PutObject, https response error
StatusCode: 412, api error PreconditionFailed: At least one of the pre-conditions you
specified did not hold
Lock Info:
  ID:        ba9c6991-a46d-4b28-f110-acc88047b47b
  Path:      tfstate/u1/terraform.tfstate
  Operation: OperationTypeApply
  Who:       root@vm
  Version:   1.11.4
  Created:   2026-11-23 11:24:54.134603582 +0000 UTC
  Info:      


Terraform acquires a state lock to protect the state from being written
`
	l := lockFromText(text)
	if l == nil || l.ID != "ba9c6991-a46d-4b28-f110-acc88047b47b" || l.Who != "root@vm" || l.OperationName() != "apply" {
		t.Fatalf("%+v", l)
	}
	if want := time.Date(2026, 11, 23, 11, 24, 54, 134603582, time.UTC); !l.Created.Equal(want) {
		t.Fatalf("created %v", l.Created)
	}
	if got := l.String(); got != "locked by root@vm since 2026-11-23T11:24:54Z (apply, terraform 1.11.4), lock ID ba9c6991-a46d-4b28-f110-acc88047b47b" {
		t.Fatalf("String() = %q", got)
	}
	if lockFromText("Error: something else") != nil {
		t.Fatal("found a lock in an unrelated error")
	}
}
