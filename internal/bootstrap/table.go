package bootstrap

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stackctl/stackctl/internal/awsconf"
)

// Settings of the lock table, as named in reports.
const (
	SettingKeySchema           = "key_schema"
	SettingBillingMode         = "billing_mode"
	SettingTableEncryption     = "encryption"
	SettingPointInTimeRecovery = "point_in_time_recovery"
)

// lockKey is the hash key Terraform's s3 backend locks with.
const lockKey = "LockID"

type table struct {
	o    Options
	name string
	// desc is the last DescribeTable answer: key schema, billing and
	// encryption are audited from one read, and read again only after a
	// repair (fixes clear it).
	desc *ddbtypes.TableDescription
}

func (t *table) resource() string { return "dynamodb://" + t.name }

func (t *table) inRegion(o *dynamodb.Options) { o.Region = t.o.Region }

func (t *table) describe(ctx context.Context, optFns ...func(*dynamodb.Options)) (*ddbtypes.TableDescription, error) {
	if t.desc != nil {
		return t.desc, nil
	}
	out, err := t.o.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t.name)}, append(optFns, t.inRegion)...)
	if err != nil {
		return nil, err
	}
	t.desc = out.Table
	return out.Table, nil
}

func (t *table) exists(ctx context.Context) (bool, error) {
	_, err := t.describe(ctx, func(o *dynamodb.Options) { o.RetryMaxAttempts = probeAttempts })
	switch {
	case err == nil:
		return true, nil
	case awsconf.ErrorCode(err) == "ResourceNotFoundException":
		return false, nil
	}
	return false, explain(t.resource(), err)
}

func (t *table) sse() *ddbtypes.SSESpecification {
	s := &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms}
	if t.o.KMSKeyID != "" {
		s.KMSMasterKeyId = aws.String(t.o.KMSKeyID)
	}
	return s
}

// create makes the table with everything CreateTable can set (key,
// on-demand billing, KMS encryption) and waits until it is ACTIVE; point-in-
// time recovery needs a separate call on the active table (a group's fix).
func (t *table) create(ctx context.Context) error {
	_, err := t.o.DynamoDB.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(t.name),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String(lockKey), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String(lockKey), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		SSESpecification:     t.sse(),
	}, t.inRegion)
	if err != nil && awsconf.ErrorCode(err) != "ResourceInUseException" { // ResourceInUse: created meanwhile
		return explain(t.resource(), fmt.Errorf("creating: %w", err))
	}
	return t.waitActive(ctx)
}

func (t *table) waitActive(ctx context.Context) error {
	w := dynamodb.NewTableExistsWaiter(t.o.DynamoDB, func(wo *dynamodb.TableExistsWaiterOptions) {
		wo.MinDelay = time.Second
		wo.MaxDelay = 10 * time.Second
		wo.ClientOptions = append(wo.ClientOptions, t.inRegion)
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t.name)}, t.o.WaitTimeout); err != nil {
		return fmt.Errorf("%s: not ACTIVE within %s: %w", t.resource(), t.o.WaitTimeout, err)
	}
	return nil
}

func (t *table) groups() []group {
	return []group{
		{settings: []string{SettingKeySchema}, audit: t.auditKeySchema},
		{settings: []string{SettingBillingMode}, audit: t.auditBilling, fix: t.fixBilling},
		{settings: []string{SettingTableEncryption}, audit: t.auditSSE, fix: t.fixSSE},
		{settings: []string{SettingPointInTimeRecovery}, audit: t.auditPITR, fix: t.fixPITR},
	}
}

func (t *table) auditKeySchema(ctx context.Context) ([]finding, error) {
	d, err := t.describe(ctx)
	if err != nil {
		return nil, err
	}
	types := map[string]ddbtypes.ScalarAttributeType{}
	for _, a := range d.AttributeDefinitions {
		types[aws.ToString(a.AttributeName)] = a.AttributeType
	}
	f := finding{setting: SettingKeySchema}
	switch {
	case len(d.KeySchema) == 1 && aws.ToString(d.KeySchema[0].AttributeName) == lockKey && d.KeySchema[0].KeyType == ddbtypes.KeyTypeHash &&
		types[lockKey] == ddbtypes.ScalarAttributeTypeS:
		f.ok, f.detail = true, "hash key LockID (S)"
	default:
		var have []string
		for _, k := range d.KeySchema {
			name := aws.ToString(k.AttributeName)
			have = append(have, fmt.Sprintf("%s %s (%s)", k.KeyType, name, types[name]))
		}
		f.detail = fmt.Sprintf("key is %v; Terraform needs exactly a hash key LockID (S): create another table and set dynamodb_table", have)
	}
	return []finding{f}, nil
}

func (t *table) auditBilling(ctx context.Context) ([]finding, error) {
	d, err := t.describe(ctx)
	if err != nil {
		return nil, err
	}
	mode := ddbtypes.BillingModeProvisioned // what an absent summary means
	if d.BillingModeSummary != nil && d.BillingModeSummary.BillingMode != "" {
		mode = d.BillingModeSummary.BillingMode
	}
	if mode == ddbtypes.BillingModePayPerRequest {
		return []finding{{setting: SettingBillingMode, ok: true, detail: string(mode)}}, nil
	}
	return []finding{{setting: SettingBillingMode, detail: string(mode) + ": a burst of locks can be throttled"}}, nil
}

func (t *table) fixBilling(ctx context.Context, _ []finding) error {
	t.desc = nil
	if _, err := t.o.DynamoDB.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName: aws.String(t.name), BillingMode: ddbtypes.BillingModePayPerRequest,
	}, t.inRegion); err != nil {
		return err
	}
	// The next update is refused while the table is UPDATING.
	return t.waitActive(ctx)
}

func (t *table) auditSSE(ctx context.Context) ([]finding, error) {
	d, err := t.describe(ctx)
	if err != nil {
		return nil, err
	}
	s := d.SSEDescription
	if s == nil || (s.Status != ddbtypes.SSEStatusEnabled && s.Status != ddbtypes.SSEStatusEnabling && s.Status != ddbtypes.SSEStatusUpdating) {
		return []finding{{setting: SettingTableEncryption, detail: "encrypted only with an AWS-owned key; want a KMS key (SSE-KMS)"}}, nil
	}
	key := aws.ToString(s.KMSMasterKeyArn)
	if t.o.KMSKeyID != "" && !sameKMSKey(key, t.o.KMSKeyID) {
		return []finding{{setting: SettingTableEncryption, detail: describeSSE(string(s.SSEType), key) + ", want key " + t.o.KMSKeyID}}, nil
	}
	return []finding{{setting: SettingTableEncryption, ok: true, detail: describeSSE(string(s.SSEType), key)}}, nil
}

func (t *table) fixSSE(ctx context.Context, _ []finding) error {
	t.desc = nil
	if _, err := t.o.DynamoDB.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName: aws.String(t.name), SSESpecification: t.sse(),
	}, t.inRegion); err != nil {
		return err
	}
	return t.waitActive(ctx)
}

func (t *table) auditPITR(ctx context.Context) ([]finding, error) {
	out, err := t.o.DynamoDB.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(t.name)}, t.inRegion)
	if err != nil {
		return nil, err
	}
	status := ddbtypes.PointInTimeRecoveryStatusDisabled
	if c := out.ContinuousBackupsDescription; c != nil && c.PointInTimeRecoveryDescription != nil {
		status = c.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus
	}
	if status == ddbtypes.PointInTimeRecoveryStatusEnabled {
		return []finding{{setting: SettingPointInTimeRecovery, ok: true, detail: string(status)}}, nil
	}
	return []finding{{setting: SettingPointInTimeRecovery, detail: string(status)}}, nil
}

// fixPITR enables point-in-time recovery. Right after a table is created
// AWS answers ContinuousBackupsUnavailableException for a while; that is
// waited out.
func (t *table) fixPITR(ctx context.Context, _ []finding) error {
	deadline := time.Now().Add(t.o.WaitTimeout)
	for {
		_, err := t.o.DynamoDB.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{
			TableName:                        aws.String(t.name),
			PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)},
		}, t.inRegion)
		if err == nil || awsconf.ErrorCode(err) != "ContinuousBackupsUnavailableException" || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
		}
	}
}
