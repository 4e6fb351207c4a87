package s3

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stackctl/stackctl/internal/awsconf"
)

// Bounds of CheckBucket: it runs before anything else, so a wrong
// endpoint must fail in seconds, not after the SDK's minute of retries.
const (
	checkTimeout     = 10 * time.Second
	checkMaxAttempts = 2
)

// CheckBucket verifies that the state bucket (and the lock table, when
// dynamodb_table is set) can be used, and otherwise says why in words a
// user can act on: no credentials, endpoint unreachable, access denied,
// bucket in another region, or bucket missing (run `stackctl bootstrap`).
// The returned error matches one of the Err* values with errors.Is.
func (b *Backend) CheckBucket(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	doing := "checking state bucket " + b.Settings.Bucket

	if err := awsconf.CheckCredentials(ctx, b.cfg); err != nil {
		return fmt.Errorf("%s: %w", doing, err)
	}

	out, err := b.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b.Settings.Bucket)},
		func(o *s3.Options) { o.RetryMaxAttempts = checkMaxAttempts })
	if err != nil {
		if awsconf.HTTPStatus(err) == 404 {
			return &BucketNotFoundError{Bucket: b.Settings.Bucket, Region: b.cfg.Region, Env: b.Env}
		}
		if awsconf.HTTPStatus(err) == 403 {
			return fmt.Errorf("%s: %w (HTTP 403): the credentials in use are not valid, or may not read the bucket (s3:ListBucket), or it belongs to another account (bucket names are global: pick another)",
				doing, ErrAccessDenied)
		}
		return b.explain(err, doing)
	}
	if r := aws.ToString(out.BucketRegion); r != "" && r != b.cfg.Region {
		return fmt.Errorf("%s: %w: bucket %s is in %s, not %s: set region in remote_state config to %q",
			doing, ErrWrongRegion, b.Settings.Bucket, r, b.cfg.Region, r)
	}

	if t := b.Settings.DynamoDBTable; t != "" {
		_, err := b.ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t)},
			func(o *dynamodb.Options) { o.RetryMaxAttempts = checkMaxAttempts })
		switch {
		case err == nil:
		case awsconf.IsAccessDenied(err):
			// Terraform needs only GetItem/PutItem/DeleteItem on the table;
			// a role without DescribeTable is fine.
		default:
			return b.explain(err, "checking lock table "+t)
		}
	}
	return nil
}
