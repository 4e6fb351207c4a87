package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/state"
)

// lockModes are the three ways the s3 backend locks.
var lockModes = []string{"use_lockfile", "dynamodb_table", "both"}

// lockedBackend opens a backend on a new bucket that locks in mode, and
// returns the terraform backend block that matches it.
func lockedBackend(t *testing.T, mode, key string, extra map[string]cty.Value) (*Backend, string) {
	t.Helper()
	bucket := newBucket(t)
	cfg := map[string]cty.Value{"bucket": cty.StringVal(bucket), "key": cty.StringVal(key)}
	hcl := fmt.Sprintf("    bucket = %q\n    key = %q\n    region = \"us-east-1\"\n    use_path_style = true\n", bucket, key)
	if mode != "dynamodb_table" {
		cfg["use_lockfile"] = cty.True
		hcl += "    use_lockfile = true\n"
	}
	if mode != "use_lockfile" {
		table := newLockTable(t)
		cfg["dynamodb_table"] = cty.StringVal(table)
		hcl += fmt.Sprintf("    dynamodb_table = %q\n", table)
	}
	for k, v := range extra {
		cfg[k] = v
	}
	return openBackend(t, cfg), hcl
}

func TestLockAndUnlock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, mode := range lockModes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			b, _ := lockedBackend(t, mode, "apps/api/terraform.tfstate", nil)
			lock := state.NewLockInfo("stackctl state mv")
			if err := b.Lock(ctx, lock); err != nil {
				t.Fatal(err)
			}
			want := b.lockfileWhere()
			if mode == "dynamodb_table" {
				want = b.dynamoDBWhere()
			}
			if lock.Path != b.Settings.Bucket+"/apps/api/terraform.tfstate" || lock.Where != want {
				t.Errorf("Path %q, Where %q; want Where %q", lock.Path, lock.Where, want)
			}
			held, err := b.LockInfo(ctx)
			if err != nil || held == nil || held.ID != lock.ID || held.Operation != "stackctl state mv" || held.Who != lock.Who || !held.Created.Equal(lock.Created) {
				t.Fatalf("LockInfo() = %+v, %v; want %+v", held, err, lock)
			}
			if mode != "dynamodb_table" {
				out, err := b.S3().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.Settings.Bucket), Key: aws.String(b.Settings.LockfileKey())})
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(out.Body)
				out.Body.Close()
				if !bytes.Equal(body, lock.Marshal()) || !bytes.HasPrefix(body, []byte(`{"ID":"`+lock.ID+`","Operation":`)) || aws.ToString(out.ContentType) != "application/json" {
					t.Errorf("lock file: %s (%s); want Terraform's document", body, aws.ToString(out.ContentType))
				}
			}

			// Someone else.
			other := NewWithConfig(b.AWSConfig(), b.Settings)
			err = other.Lock(ctx, state.NewLockInfo("stackctl apply"))
			var le *state.LockedError
			if !errors.Is(err, state.ErrLocked) || !errors.As(err, &le) || le.Holder == nil || le.Holder.ID != lock.ID || le.Where != want ||
				!strings.Contains(err.Error(), "locked by "+lock.Who) || !strings.Contains(err.Error(), "(stackctl state mv)") {
				t.Fatalf("a second Lock: %v (%+v)", err, le)
			}
			if err := other.Unlock(ctx, "not-the-id"); !errors.Is(err, state.ErrLocked) {
				t.Errorf("Unlock with another ID: %v; want a LockedError", err)
			}
			if held, _ := b.LockInfo(ctx); held == nil || held.ID != lock.ID {
				t.Fatalf("the lock went after an Unlock with another ID: %+v", held)
			}
			if err := b.Unlock(ctx, lock.ID); err != nil {
				t.Fatal(err)
			}
			if held, err := b.LockInfo(ctx); held != nil || err != nil {
				t.Fatalf("LockInfo() after Unlock = %+v, %v", held, err)
			}
			if err := b.Unlock(ctx, lock.ID); !errors.Is(err, state.ErrNotLocked) {
				t.Errorf("a second Unlock: %v; want ErrNotLocked", err)
			}
		})
	}
}

// With both locks, a held DynamoDB lock must not leave the lock file
// behind.
func TestLockBothReleasesLockfileWhenDynamoDBIsHeld(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, _ := lockedBackend(t, "both", "k", nil)
	ddbOnly := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal(b.Settings.Bucket), "key": cty.StringVal("k"), "dynamodb_table": cty.StringVal(b.Settings.DynamoDBTable)})
	theirs := state.NewLockInfo("OperationTypeApply")
	if err := ddbOnly.Lock(ctx, theirs); err != nil {
		t.Fatal(err)
	}
	err := b.Lock(ctx, state.NewLockInfo("stackctl state mv"))
	var le *state.LockedError
	if !errors.As(err, &le) || le.Holder.ID != theirs.ID || le.Where != b.dynamoDBWhere() {
		t.Fatalf("Lock with the DynamoDB item taken: %v", err)
	}
	if l, err := b.lockfileInfo(ctx); l != nil || err != nil {
		t.Errorf("lock file left behind: %+v, %v", l, err)
	}
}

func TestLockRefusedWithoutLocking(t *testing.T) {
	b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal(newBucket(t)), "key": cty.StringVal("k")})
	if err := b.Lock(context.Background(), state.NewLockInfo("x")); err == nil || !strings.Contains(err.Error(), "set use_lockfile = true") {
		t.Errorf("Lock without locking configured: %v", err)
	}
}

const seedState = `{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 4,
  "lineage": "5b8a2f0c-0000-4000-8000-000000000001",
  "outputs": {
    "id": {
      "value": "x",
      "type": "string"
    }
  },
  "resources": [],
  "check_results": null
}
`

// The write protocol on S3: object versions in backups, the DynamoDB
// digest, refusals that change nothing, deletion with versions kept.
func TestWriteS3(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, mode := range []string{"use_lockfile", "dynamodb_table"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			b, _ := lockedBackend(t, mode, "app/terraform.tfstate", map[string]cty.Value{"encrypt": cty.True})
			bucket := aws.String(b.Settings.Bucket)
			if _, err := b.S3().PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
				VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
				t.Fatal(err)
			}
			backups := &state.Backups{Dir: filepath.Join(t.TempDir(), "dev", "app")}
			lock := state.NewLockInfo("stackctl state mv")
			if err := b.Lock(ctx, lock); err != nil {
				t.Fatal(err)
			}
			defer b.Unlock(ctx, lock.ID)

			seed, _ := state.Parse([]byte(seedState))
			first, err := state.Write(ctx, b, backups, lock, seed)
			if err != nil {
				t.Fatal(err)
			}
			if first.VersionID == "" || first.Serial != 5 {
				t.Fatalf("first write = %+v; want a version ID and serial 5", first)
			}
			head, err := b.S3().HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String(b.Settings.Key)})
			if err != nil {
				t.Fatal(err)
			}
			if head.ServerSideEncryption != s3types.ServerSideEncryptionAes256 || aws.ToString(head.ContentType) != "application/json" {
				t.Errorf("state object: encryption %q, content type %q; want AES256 and application/json as terraform writes it", head.ServerSideEncryption, aws.ToString(head.ContentType))
			}

			cur, err := b.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cur.Outputs["id"], _ = state.NewOutput(cty.StringVal("y"), false)
			second, err := state.Write(ctx, b, backups, lock, cur)
			if err != nil {
				t.Fatal(err)
			}
			if second.Backup == nil || second.Backup.VersionID != first.VersionID || second.Backup.Serial != 5 || second.Backup.Source != b.Describe() {
				t.Fatalf("backup = %+v; want version %s serial 5", second.Backup, first.VersionID)
			}
			old, err := b.ReadVersion(ctx, second.Backup.VersionID)
			saved, _, _ := backups.Load(second.Backup.Name)
			if err != nil || !bytes.Equal(old, saved) {
				t.Errorf("ReadVersion(backup's version) = %d bytes, %v; want the backed-up state", len(old), err)
			}
			if mode == "dynamodb_table" {
				checkDigest(t, b)
			}

			// Refusals change nothing.
			before, _ := b.ReadRaw(ctx)
			stale, _ := state.Parse([]byte(seedState))
			if _, err := state.Write(ctx, b, backups, lock, stale); !errors.Is(err, state.ErrStale) {
				t.Errorf("stale write: %v", err)
			}
			cur.Lineage = "other"
			if _, err := state.Write(ctx, b, backups, lock, cur); !errors.Is(err, state.ErrLineage) {
				t.Errorf("other lineage: %v", err)
			}
			if after, _ := b.ReadRaw(ctx); after.VersionID != before.VersionID {
				t.Errorf("a refused write made version %s (was %s)", after.VersionID, before.VersionID)
			}

			if mode == "dynamodb_table" {
				// A digest terraform would refuse: stackctl refuses too.
				if err := b.putDigest(ctx, strings.Repeat("0", 32)); err != nil {
					t.Fatal(err)
				}
				if _, err := b.ReadRaw(ctx); !errors.Is(err, ErrDigest) {
					t.Errorf("ReadRaw with a wrong digest: %v; want ErrDigest", err)
				}
				if _, err := state.Write(ctx, b, backups, lock, cur); !errors.Is(err, ErrDigest) {
					t.Errorf("Write over a wrong digest: %v", err)
				}
				sum := md5.Sum(before.Data)
				if err := b.putDigest(ctx, hex.EncodeToString(sum[:])); err != nil {
					t.Fatal(err)
				}
			}

			gone, err := state.Delete(ctx, b, backups, lock)
			if err != nil || gone == nil || gone.VersionID != second.VersionID {
				t.Fatalf("Delete() = %+v, %v", gone, err)
			}
			if st, err := b.Read(ctx); st != nil || err != nil {
				t.Errorf("Read() after Delete = %v, %v", st, err)
			}
			if data, err := b.ReadVersion(ctx, second.VersionID); err != nil || !bytes.Contains(data, []byte(`"serial": 6`)) {
				t.Errorf("the deleted state's version: %v", err)
			}
			if mode == "dynamodb_table" {
				if d, err := b.digest(ctx); d != nil || err != nil {
					t.Errorf("digest after Delete = %x, %v", d, err)
				}
			}
		})
	}
}

func checkDigest(t *testing.T, b *Backend) {
	t.Helper()
	ctx := context.Background()
	snap, err := b.ReadRaw(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, err := b.DynamoDB().GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(b.Settings.DynamoDBTable),
		Key: map[string]ddbtypes.AttributeValue{"LockID": &ddbtypes.AttributeValueMemberS{Value: b.Settings.Bucket + "/" + b.Settings.Key + "-md5"}}})
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(snap.Data)
	if d, ok := out.Item["Digest"].(*ddbtypes.AttributeValueMemberS); !ok || d.Value != hex.EncodeToString(sum[:]) {
		t.Errorf("digest item = %v; want %x", out.Item, sum)
	}
}
