package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/stackctl/stackctl/internal/awsconf"
)

// object is one object (or object version) as read.
type object struct {
	data      []byte
	versionID string
	found     bool
}

// getObject reads an object of the bucket in one GetObject, or one version
// of it when versionID is set; found is false when it does not exist.
// doing names the read in errors.
func (b *Backend) getObject(ctx context.Context, key, versionID, doing string) (object, error) {
	where := b.where(key)
	in := &s3.GetObjectInput{Bucket: aws.String(b.Settings.Bucket), Key: aws.String(key)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
		where += " (version " + versionID + ")"
	}
	key64, keyMD5, err := b.customerKey()
	if err != nil {
		return object{}, fmt.Errorf("%s %s: %w", doing, where, err)
	}
	if key64 != "" {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(key64), aws.String(keyMD5)
	}
	out, err := b.s3.GetObject(ctx, in)
	if err != nil {
		if awsconf.ErrorCode(err) == "NoSuchKey" {
			return object{}, nil
		}
		return object{}, b.explain(err, doing+" "+where)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return object{}, fmt.Errorf("%s %s: %w", doing, where, err)
	}
	return object{data: data, versionID: aws.ToString(out.VersionId), found: true}, nil
}

// putObject writes an object the way Terraform writes the state and its
// lock file: JSON content type, a SHA-256 checksum unless skip_s3_checksum,
// the bucket's encryption settings and ACL. ifAbsent makes the write
// conditional (If-None-Match: *), as for the lock file. It returns the new
// version ID.
func (b *Backend) putObject(ctx context.Context, key string, data []byte, ifAbsent bool) (string, error) {
	s := b.Settings
	in := &s3.PutObjectInput{
		Bucket:      aws.String(s.Bucket),
		Key:         aws.String(key),
		Body:        bytes.NewReader(data),
		ContentType: aws.String("application/json"),
	}
	if ifAbsent {
		in.IfNoneMatch = aws.String("*")
	}
	if !s.SkipS3Checksum {
		in.ChecksumAlgorithm = s3types.ChecksumAlgorithmSha256
	}
	if s.Encrypt {
		key64, keyMD5, err := b.customerKey()
		switch {
		case err != nil:
			return "", err
		case s.KMSKeyID != "":
			in.ServerSideEncryption, in.SSEKMSKeyId = s3types.ServerSideEncryptionAwsKms, aws.String(s.KMSKeyID)
		case key64 != "":
			in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(key64), aws.String(keyMD5)
		default:
			in.ServerSideEncryption = s3types.ServerSideEncryptionAes256
		}
	}
	if s.ACL != "" {
		in.ACL = s3types.ObjectCannedACL(s.ACL)
	}
	out, err := b.s3.PutObject(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.VersionId), nil
}

// customerKey is the SSE-C key (sse_customer_key, or AWS_SSE_CUSTOMER_KEY)
// that Terraform encrypts the state and its lock file with, base64, and
// its MD5: such objects cannot be read without it. Terraform uses the key
// only with encrypt = true, and otherwise writes plain objects, which S3
// refuses to return to a request that carries a key.
func (b *Backend) customerKey() (key64, keyMD5 string, err error) {
	if !b.Settings.Encrypt {
		return "", "", nil
	}
	key := b.Settings.SSECustomerKey.Value()
	if key == "" {
		key = os.Getenv("AWS_SSE_CUSTOMER_KEY")
	}
	if key == "" {
		return "", "", nil
	}
	raw, err := base64.StdEncoding.DecodeString(key)
	if err != nil || len(raw) != 32 {
		return "", "", errors.New("the SSE-C key (sse_customer_key or AWS_SSE_CUSTOMER_KEY) must be 32 bytes, base64-encoded")
	}
	sum := md5.Sum(raw)
	return key, base64.StdEncoding.EncodeToString(sum[:]), nil
}

func (b *Backend) where(key string) string { return "s3://" + b.Settings.Bucket + "/" + key }
