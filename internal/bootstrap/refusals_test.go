package bootstrap

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stackctl/stackctl/internal/testutil"
)

func TestWrongKeySchemaCannotBeFixed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t, "us-east-1")
	bucket, table := uniqueName("keys"), uniqueName("wrong-key")
	if _, err := c.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeN}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	r, err := Run(ctx, Options{Bucket: bucket, Region: "us-east-1", DynamoDBTable: table, Fix: true, S3: c.s3, DynamoDB: c.ddb, PlainHTTP: true, Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, ch := range r.Missing() {
		if ch.Setting == SettingKeySchema {
			found = true
			if !strings.Contains(ch.Detail, "LockID") || !strings.Contains(ch.Detail, "cannot be repaired") {
				t.Errorf("detail = %q", ch.Detail)
			}
		}
	}
	if !found {
		t.Fatalf("key schema not reported missing: %+v", r.Checks)
	}
}

func TestUnreachableEndpoint(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg := srv.AWSConfig(t)
	cfg.BaseEndpoint = aws.String("http://" + addr)
	_, err = Run(context.Background(), Options{Bucket: "b", Region: "us-east-1", Config: cfg})
	if err == nil || !strings.Contains(err.Error(), "cannot reach the AWS endpoint (connection refused)") {
		t.Fatalf("err = %v", err)
	}
	// Not the SDK's whole retry schedule: the probe gives up after its
	// attempts, counted on an endpoint that drops every connection.
	d := testutil.NewDropper(t)
	cfg.BaseEndpoint = aws.String("http://" + d.Addr)
	if _, err := Run(context.Background(), Options{Bucket: "b", Region: "us-east-1", Config: cfg}); err == nil {
		t.Fatal("no error from an endpoint that drops every connection")
	}
	if n := d.Accepted(); n < 1 || n > probeAttempts {
		t.Errorf("%d connection attempts, want 1 to %d", n, probeAttempts)
	}
}
