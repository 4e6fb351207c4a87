package s3

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stackctl/stackctl/internal/awsconf"
)

// LockInfo is who holds a state lock. Terraform 1.11 stores the same JSON
// document in both places it locks (measured against moto):
//
//	{"ID":"82283ec7-…","Operation":"OperationTypeApply","Info":"","Who":"root@vm",
//	 "Version":"1.11.4","Created":"2026-11-23T11:24:10.965172155Z","Path":"tfstate/u1/terraform.tfstate"}
//
// use_lockfile: the body of the object <key>.tflock; dynamodb_table: the
// string attribute Info of the item whose LockID is <bucket>/<key>.
// encoding/json matches field names case-insensitively, so the lower-case
// tags below (stackctl's --json) still decode Terraform's document.
type LockInfo struct {
	ID        string    `json:"id"`
	Operation string    `json:"operation"` // "OperationTypeApply", "OperationTypePlan", …
	Info      string    `json:"info,omitempty"`
	Who       string    `json:"who"` // user@host
	Version   string    `json:"version"`
	Created   time.Time `json:"created"`
	Path      string    `json:"path"` // bucket/key
	// Where is the lock itself: s3://bucket/key.tflock or
	// dynamodb://table/LockID.
	Where string `json:"where"`
}

// OperationName returns the operation without Terraform's prefix:
// "apply", "plan", "refresh"…
func (l *LockInfo) OperationName() string {
	op := strings.TrimPrefix(l.Operation, "OperationType")
	return strings.ToLower(op)
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

func (b *Backend) lockfileInfo(ctx context.Context) (*LockInfo, error) {
	key := b.Settings.LockfileKey()
	where := "s3://" + b.Settings.Bucket + "/" + key
	out, err := b.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.Settings.Bucket), Key: aws.String(key)})
	if err != nil {
		if awsconf.ErrorCode(err) == "NoSuchKey" {
			return nil, nil
		}
		return nil, b.explain(err, "reading lock "+where)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, fmt.Errorf("reading lock %s: %w", where, err)
	}
	return parseLockInfo(data, where)
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
	return parseLockInfo([]byte(info.Value), where)
}

func parseLockInfo(data []byte, where string) (*LockInfo, error) {
	var l LockInfo
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("lock %s is not Terraform's lock info: %w", where, err)
	}
	l.Where = where
	return &l, nil
}
