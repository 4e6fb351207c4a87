package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Terraform's s3 client reads a zero-byte state object as no state, whose
// MD5 is nothing, so a DynamoDB digest holding the MD5 of zero bytes does
// not match it and terraform refuses the state: stackctl refuses it too.
// Without a well-formed digest the object reads as no state.
func TestZeroByteObjectAgainstTheDigestOfNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, _ := lockedBackend(t, "dynamodb_table", "app/terraform.tfstate", nil)
	if _, err := b.S3().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b.Settings.Bucket),
		Key: aws.String(b.Settings.Key), Body: bytes.NewReader(nil)}); err != nil {
		t.Fatal(err)
	}
	if snap, err := b.ReadRaw(ctx); err != nil || snap.Data != nil {
		t.Fatalf("a zero-byte object without a digest: %d bytes, %v; want no state", len(snap.Data), err)
	}
	nothing := md5.Sum(nil)
	if err := b.putDigest(ctx, hex.EncodeToString(nothing[:])); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ReadRaw(ctx); !errors.Is(err, ErrDigest) {
		t.Fatalf("a zero-byte object against the MD5 of nothing: %v; want ErrDigest, as terraform refuses it", err)
	}
}
