package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// terraform checks the key ID's form (a version-4 UUID); the emulator
// does not check that the key exists.
const lockKey = "arn:aws:kms:us-east-1:123456789012:key/0f9c3a6e-7c1d-4b2a-9e8f-3d5c6b7a8e9f"

// State in S3 locked with a DynamoDB table (the older of terraform's two
// lock methods) and encrypted with a KMS key, all through the CLI:
// bootstrap creates the table and sets the key on bucket and table, a run
// holds its lock as an item in the table, a second run from another
// checkout is refused naming the holder, and the lock item is gone after.
func TestS3DynamoDBLockAndKMS(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	project := randomName("e2e")
	files := chain()
	files["stackctl.hcl"] = strings.Replace(rootFile, `project  = "e2e"`, `project  = "`+project+`"`, 1) + `
remote_state {
  backend = "s3"
  config = {
    bucket         = "${project}-tfstate-${env.name}"
    key            = "${unit.path}/terraform.tfstate"
    region         = "us-east-1"
    encrypt        = true
    kms_key_id     = "` + lockKey + `"
    dynamodb_table = "${project}-locks-${env.name}"
  }
}
`
	files["live/dev/slow/unit.hcl"] = `source = "../../../modules/step"
inputs = { name = "slow", sleep = 15 }
`
	tr := newTree(t, files)
	tr.Env = append(tr.Env, srv.Env()...)
	bucket, table := project+"-tfstate-dev", project+"-locks-dev"

	r := tr.Must(0, "bootstrap", "dev")
	contains(t, "bootstrap", r.Stdout, "s3://"+bucket, table)
	ctx := context.Background()
	ddb := dynamodb.NewFromConfig(srv.AWSConfig(t))
	d, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatalf("bootstrap made no lock table %s: %v", table, err)
	}
	if sse := d.Table.SSEDescription; sse == nil || !strings.Contains(aws.ToString(sse.KMSMasterKeyArn), "0f9c3a6e-7c1d-4b2a-9e8f-3d5c6b7a8e9f") {
		t.Errorf("lock table is not encrypted with the configured key: %+v", sse)
	}
	enc, err := s3Client(t, srv).GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil || len(enc.ServerSideEncryptionConfiguration.Rules) == 0 {
		t.Fatalf("bucket encryption: %v", err)
	}
	if def := enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault; def == nil || aws.ToString(def.KMSMasterKeyID) != lockKey {
		t.Errorf("bucket default encryption is not the configured key: %+v", def)
	}

	runCtx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	first, out1, err1 := tr.Command(runCtx, "apply", "dev", "--unit", "slow", "--auto-approve", "--stream")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, first, out1, "Provisioning with 'local-exec'")
	lockID := bucket + "/slow/terraform.tfstate"
	if info := lockItem(t, ddb, table, lockID); !strings.Contains(info, `"Operation":"OperationTypeApply"`) {
		t.Errorf("while the apply runs, the table holds no apply lock for %s: %q", lockID, info)
	}
	r = tr.Checkout().Must(1, "apply", "dev", "--unit", "slow", "--auto-approve", "--lock-timeout", "1s")
	contains(t, "second apply", r.Stdout, "the state of slow is locked by", "(apply, terraform", "stackctl force-unlock dev --unit slow ")
	if err := first.Wait(); err != nil {
		t.Fatalf("first apply: %v\n%s\n%s", err, out1, err1)
	}
	if info := lockItem(t, ddb, table, lockID); info != "" {
		t.Errorf("lock left in the table after the apply: %s", info)
	}
	r = tr.Must(0, "output", "dev", "--unit", "slow", "--json")
	contains(t, "state after both", r.Stdout, `"value": "slow()"`)
}

// lockItem is the Info of the lock item for id in table, "" when there is
// none (terraform also keeps a "-md5" digest item per state, which is not
// a lock).
func lockItem(t *testing.T, c *dynamodb.Client, table, id string) string {
	t.Helper()
	out, err := c.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName:      aws.String(table),
		Key:            map[string]ddbtypes.AttributeValue{"LockID": &ddbtypes.AttributeValueMemberS{Value: id}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("reading the lock table: %v", err)
	}
	if out.Item == nil {
		return ""
	}
	info, ok := out.Item["Info"].(*ddbtypes.AttributeValueMemberS)
	if !ok {
		return "(lock item without Info)"
	}
	return info.Value
}
