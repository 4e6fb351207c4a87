package s3

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/state"
)

// With both locks, a DynamoDB failure that is not a held lock (here a
// table keyed on another attribute, which refuses the item) releases the
// lock file just written, and the error is DynamoDB's alone: it says
// nothing of releasing the lock file, which worked.
func TestLockBothReleasesLockfileWhenDynamoDBRefusesTheItem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	table := fmt.Sprintf("locks-%d", bucketSeq.Add(1))
	if _, err := dynamodb.NewFromConfig(srv.AWSConfig(t)).CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("ID"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("ID"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal(newBucket(t)), "key": cty.StringVal("k"),
		"use_lockfile": cty.True, "dynamodb_table": cty.StringVal(table)})
	err := b.Lock(ctx, state.NewLockInfo("stackctl state mv"))
	if err == nil || !strings.Contains(err.Error(), "writing lock "+b.dynamoDBWhere()) {
		t.Fatalf("Lock on a table keyed on ID: %v", err)
	}
	if strings.Contains(err.Error(), "releasing the lock file") {
		t.Errorf("the lock file was released, but the error says otherwise: %v", err)
	}
	if l, err := b.lockfileInfo(ctx); l != nil || err != nil {
		t.Errorf("lock file left behind: %+v, %v", l, err)
	}
}
