package s3

import (
	"context"
	"errors"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/state"
)

// Only a lost conditional write means someone else holds the lock; any
// other failure to write the lock file (here: no such bucket) is said as
// what it is, never as "locked".
func TestLockOnMissingBucketIsNotLocked(t *testing.T) {
	t.Parallel()
	b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal("no-such-bucket"), "key": cty.StringVal("k"), "use_lockfile": cty.True})
	err := b.Lock(context.Background(), state.NewLockInfo("x"))
	if errors.Is(err, state.ErrLocked) || !errors.Is(err, ErrBucketNotFound) {
		t.Fatalf("Lock() on a missing bucket = %v; want ErrBucketNotFound, not ErrLocked", err)
	}
}

// A state written while its digest cannot be recorded is a failed write:
// terraform would refuse the object whose digest does not match.
func TestWriteRawFailsWhenTheDigestCannotBeWritten(t *testing.T) {
	t.Parallel()
	b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal(newBucket(t)), "key": cty.StringVal("k"), "dynamodb_table": cty.StringVal("no-such-table")})
	if _, err := b.WriteRaw(context.Background(), []byte(seedState)); !errors.Is(err, ErrLockTableNotFound) {
		t.Fatalf("WriteRaw with a missing digest table: %v; want ErrLockTableNotFound", err)
	}
}
