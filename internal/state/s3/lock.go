package s3

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stackctl/stackctl/internal/state"
)

// LockInfo is who holds a state lock (see state.LockInfo). Terraform 1.11
// stores the same JSON document in both places it locks: use_lockfile, the
// body of the object <key>.tflock; dynamodb_table, the string attribute
// Info of the item whose LockID is <bucket>/<key>.
type LockInfo = state.LockInfo

// LockInfo returns who holds the state lock now, or nil when the state is
// not locked (or the backend does not lock). With both use_lockfile and
// dynamodb_table set (Terraform 1.11 takes both while migrating), the
// lockfile is looked at first.
func (b *Backend) LockInfo(ctx context.Context) (*LockInfo, error) {
	if b.Settings.UseLockfile {
		l, err := b.lockfileInfo(ctx)
		if err != nil || l != nil {
			return l, err
		}
	}
	if b.Settings.DynamoDBTable != "" {
		return b.dynamoDBLockInfo(ctx)
	}
	return nil, nil
}

// lockfileInfo reads the .tflock object, with the state's SSE-C key:
// Terraform encrypts the lock file as it encrypts the state.
func (b *Backend) lockfileInfo(ctx context.Context) (*LockInfo, error) {
	key := b.Settings.LockfileKey()
	data, found, err := b.getObject(ctx, key, "reading lock")
	if err != nil || !found {
		return nil, err
	}
	return state.ParseLockInfo(data, "s3://"+b.Settings.Bucket+"/"+key)
}

func (b *Backend) dynamoDBLockInfo(ctx context.Context) (*LockInfo, error) {
	table := b.Settings.DynamoDBTable
	id := b.Settings.LockID()
	where := "dynamodb://" + table + "/" + id
	out, err := b.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(table),
		Key:            map[string]ddbtypes.AttributeValue{"LockID": &ddbtypes.AttributeValueMemberS{Value: id}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, b.explain(err, "reading lock "+where)
	}
	if len(out.Item) == 0 {
		return nil, nil
	}
	info, ok := out.Item["Info"].(*ddbtypes.AttributeValueMemberS)
	if !ok {
		// An item without Info is not Terraform's; still, the key is taken.
		return &LockInfo{Where: where, Path: id}, nil
	}
	return state.ParseLockInfo([]byte(info.Value), where)
}
