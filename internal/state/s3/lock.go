package s3

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stackctl/stackctl/internal/awsconf"
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

func (b *Backend) lockfileWhere() string { return b.where(b.Settings.LockfileKey()) }

func (b *Backend) dynamoDBWhere() string {
	return "dynamodb://" + b.Settings.DynamoDBTable + "/" + b.Settings.LockID()
}

// lockfileInfo reads the .tflock object, with the state's SSE-C key:
// Terraform encrypts the lock file as it encrypts the state.
func (b *Backend) lockfileInfo(ctx context.Context) (*LockInfo, error) {
	obj, err := b.getObject(ctx, b.Settings.LockfileKey(), "", "reading lock")
	if err != nil || !obj.found {
		return nil, err
	}
	return state.ParseLockInfo(obj.data, b.lockfileWhere())
}

func (b *Backend) dynamoDBLockInfo(ctx context.Context) (*LockInfo, error) {
	where := b.dynamoDBWhere()
	out, err := b.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(b.Settings.DynamoDBTable),
		Key:            lockKey(b.Settings.LockID()),
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
		return &LockInfo{Where: where, Path: b.Settings.LockID()}, nil
	}
	return state.ParseLockInfo([]byte(info.Value), where)
}

func lockKey(id string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{"LockID": &ddbtypes.AttributeValueMemberS{Value: id}}
}

// Lock takes Terraform's lock: the <key>.tflock object written only if
// absent (use_lockfile), the DynamoDB item written only if absent
// (dynamodb_table), or both, lock file first, as Terraform 1.11 does.
func (b *Backend) Lock(ctx context.Context, info *state.LockInfo) error {
	s := b.Settings
	if !s.UseLockfile && s.DynamoDBTable == "" {
		return fmt.Errorf("cannot lock %s: its s3 backend has no locking (neither use_lockfile nor dynamodb_table), and stackctl writes state only under a lock: set use_lockfile = true in remote_state config", b.Describe())
	}
	if info.ID == "" {
		return errors.New("a lock needs an ID: make its info with state.NewLockInfo")
	}
	if info.Created.IsZero() {
		info.Created = time.Now().UTC()
	}
	info.Path = s.LockID()
	if s.UseLockfile {
		info.Where = b.lockfileWhere()
		if _, err := b.putObject(ctx, s.LockfileKey(), info.Marshal(), true); err != nil {
			if code := awsconf.ErrorCode(err); code == "PreconditionFailed" || code == "ConditionalRequestConflict" ||
				awsconf.HTTPStatus(err) == 412 || awsconf.HTTPStatus(err) == 409 {
				holder, _ := b.lockfileInfo(ctx)
				return &state.LockedError{Holder: holder, Where: b.lockfileWhere(), State: b.Describe()}
			}
			return b.explain(err, "writing lock "+b.lockfileWhere())
		}
	}
	if s.DynamoDBTable != "" {
		if !s.UseLockfile {
			info.Where = b.dynamoDBWhere()
		}
		_, err := b.ddb.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String(s.DynamoDBTable),
			Item: map[string]ddbtypes.AttributeValue{
				"LockID": &ddbtypes.AttributeValueMemberS{Value: s.LockID()},
				"Info":   &ddbtypes.AttributeValueMemberS{Value: string(info.Marshal())},
			},
			ConditionExpression: aws.String("attribute_not_exists(LockID)"),
		})
		if err != nil {
			if s.UseLockfile {
				if uerr := b.unlockFile(ctx, info.ID); uerr != nil {
					err = errors.Join(err, fmt.Errorf("and releasing the lock file again failed: %w", uerr))
				}
			}
			if awsconf.ErrorCode(err) == "ConditionalCheckFailedException" {
				holder, _ := b.dynamoDBLockInfo(ctx)
				return &state.LockedError{Holder: holder, Where: b.dynamoDBWhere(), State: b.Describe()}
			}
			return b.explain(err, "writing lock "+b.dynamoDBWhere())
		}
	}
	return nil
}

// Unlock releases the lock with this ID: each lock is read first, and one
// with another ID is left alone (a *state.LockedError).
func (b *Backend) Unlock(ctx context.Context, id string) error {
	var errs []error
	if b.Settings.UseLockfile {
		errs = append(errs, b.unlockFile(ctx, id))
	}
	if b.Settings.DynamoDBTable != "" {
		errs = append(errs, b.unlockDynamoDB(ctx, id))
	}
	return errors.Join(errs...)
}

func (b *Backend) unlockFile(ctx context.Context, id string) error {
	where := b.lockfileWhere()
	held, err := b.lockfileInfo(ctx)
	switch {
	case err != nil:
		return err
	case held == nil:
		return fmt.Errorf("unlocking %s: %w: there is no lock file", where, state.ErrNotLocked)
	case held.ID != id:
		return fmt.Errorf("unlocking %s with lock ID %s: %w", where, id, &state.LockedError{Holder: held, Where: where, State: b.Describe()})
	}
	_, err = b.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b.Settings.Bucket), Key: aws.String(b.Settings.LockfileKey())})
	if err != nil {
		return b.explain(err, "deleting lock "+where)
	}
	return nil
}

func (b *Backend) unlockDynamoDB(ctx context.Context, id string) error {
	where := b.dynamoDBWhere()
	held, err := b.dynamoDBLockInfo(ctx)
	switch {
	case err != nil:
		return err
	case held == nil:
		return fmt.Errorf("unlocking %s: %w: there is no lock item", where, state.ErrNotLocked)
	case held.ID != id:
		return fmt.Errorf("unlocking %s with lock ID %s: %w", where, id, &state.LockedError{Holder: held, Where: where, State: b.Describe()})
	}
	_, err = b.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(b.Settings.DynamoDBTable),
		Key:       lockKey(b.Settings.LockID()),
	})
	if err != nil {
		return b.explain(err, "deleting lock "+where)
	}
	return nil
}
