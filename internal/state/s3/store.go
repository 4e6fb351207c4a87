package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stackctl/stackctl/internal/state"
)

// ErrDigest: the state's MD5 digest in the DynamoDB table does not match
// the state object. Terraform refuses such a state (after retrying for
// ten seconds, in case S3 was not consistent yet).
var ErrDigest = errors.New("state digest mismatch")

// digestSuffix makes the DynamoDB item that holds the state's MD5:
// LockID "<bucket>/<key>-md5", attribute Digest (hex). Terraform checks it
// on every read when dynamodb_table is set, and updates it on every write.
const digestSuffix = "-md5"

var _ state.VersionReader = (*Backend)(nil)

// ReadRaw returns the state object and its version ID. With
// dynamodb_table it also checks the digest Terraform keeps there, as
// Terraform does, so that stackctl never builds on a state Terraform
// would refuse.
func (b *Backend) ReadRaw(ctx context.Context) (state.Snapshot, error) {
	obj, err := b.getObject(ctx, b.Settings.ObjectKey(), "", "reading state")
	if err != nil {
		return state.Snapshot{}, err
	}
	if b.Settings.DynamoDBTable != "" {
		want, err := b.digest(ctx)
		if err != nil {
			return state.Snapshot{}, err
		}
		var got []byte
		if len(obj.data) > 0 {
			sum := md5.Sum(obj.data)
			got = sum[:]
		}
		// Like Terraform, only a well-formed digest counts.
		if len(want) == md5.Size && !bytes.Equal(want, got) {
			return state.Snapshot{}, fmt.Errorf("reading state %s: %w: DynamoDB item %s says %x, the object's MD5 is %x; terraform refuses it too: "+
				"if the object is right, update the Digest of that item to its MD5 (terraform prints it)", b.Describe(), ErrDigest,
				b.Settings.LockID()+digestSuffix, want, got)
		}
	}
	if len(obj.data) == 0 {
		obj.data = nil
	}
	return state.Snapshot{Data: obj.data, VersionID: obj.versionID}, nil
}

// WriteRaw writes the state object as Terraform does (content type,
// checksum, encryption, ACL) and, with dynamodb_table, its digest.
func (b *Backend) WriteRaw(ctx context.Context, data []byte) (string, error) {
	vid, err := b.putObject(ctx, b.Settings.ObjectKey(), data, false)
	if err != nil {
		return "", b.explain(err, "writing state "+b.Describe())
	}
	if b.Settings.DynamoDBTable != "" {
		sum := md5.Sum(data)
		if err := b.putDigest(ctx, hex.EncodeToString(sum[:])); err != nil {
			return vid, err
		}
	}
	return vid, nil
}

// DeleteRaw deletes the state object (a versioned bucket keeps its
// versions) and its digest item.
func (b *Backend) DeleteRaw(ctx context.Context) error {
	_, err := b.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b.Settings.Bucket), Key: aws.String(b.Settings.ObjectKey())})
	if err != nil {
		return b.explain(err, "deleting state "+b.Describe())
	}
	if t := b.Settings.DynamoDBTable; t != "" {
		_, err := b.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(t), Key: lockKey(b.Settings.LockID() + digestSuffix)})
		if err != nil {
			return b.explain(err, "deleting the state digest in DynamoDB table "+t)
		}
	}
	return nil
}

// ReadVersion returns one version of the state object (see
// state.Backup.VersionID).
func (b *Backend) ReadVersion(ctx context.Context, versionID string) ([]byte, error) {
	obj, err := b.getObject(ctx, b.Settings.ObjectKey(), versionID, "reading state")
	if err != nil {
		return nil, err
	}
	if !obj.found {
		return nil, fmt.Errorf("reading state %s: version %s does not exist", b.Describe(), versionID)
	}
	return obj.data, nil
}

// digest returns the MD5 Terraform recorded for the state; nil when there
// is none (or it is not a digest).
func (b *Backend) digest(ctx context.Context) ([]byte, error) {
	t := b.Settings.DynamoDBTable
	out, err := b.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(t),
		Key:            lockKey(b.Settings.LockID() + digestSuffix),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, b.explain(err, "reading the state digest in DynamoDB table "+t)
	}
	v, ok := out.Item["Digest"].(*ddbtypes.AttributeValueMemberS)
	if !ok {
		return nil, nil
	}
	sum, err := hex.DecodeString(v.Value)
	if err != nil {
		return nil, nil
	}
	return sum, nil
}

func (b *Backend) putDigest(ctx context.Context, hexSum string) error {
	t := b.Settings.DynamoDBTable
	_, err := b.ddb.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(t),
		Item: map[string]ddbtypes.AttributeValue{
			"LockID": &ddbtypes.AttributeValueMemberS{Value: b.Settings.LockID() + digestSuffix},
			"Digest": &ddbtypes.AttributeValueMemberS{Value: hexSum},
		},
	})
	if err != nil {
		return b.explain(err, "writing the state digest in DynamoDB table "+t)
	}
	return nil
}
