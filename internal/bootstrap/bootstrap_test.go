package bootstrap

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/stackctl/stackctl/internal/testutil/moto"
)

var srv *moto.Server

// Stock moto, as a user's S3-compatible store would be: nothing in the
// launcher stands between bootstrap and what an http endpoint does to a
// TLS-only policy.
func TestMain(m *testing.M) { moto.MainStock(m, &srv) }

var seq atomic.Int64

func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()%1e6, seq.Add(1))
}

type clients struct {
	s3  *s3.Client
	ddb *dynamodb.Client
}

func newClients(t *testing.T, region string) clients {
	cfg := srv.AWSConfig(t)
	cfg.Region = region
	return clients{s3: s3.NewFromConfig(cfg), ddb: dynamodb.NewFromConfig(cfg)}
}

// snapshot is every hardening setting read straight through the SDK,
// independently of the package's own audit.
type snapshot struct {
	Versioning   string
	SSEAlgorithm string
	SSEKey       string
	PAB          [4]bool
	Policy       string
	Billing      string
	KeySchema    string
	TableSSE     string
	TableSSEKey  string
	PITR         string
}

func read(t *testing.T, c clients, bucket, table string) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	v, err := c.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	s.Versioning = string(v.Status)
	if e, err := c.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)}); err == nil {
		d := e.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault
		s.SSEAlgorithm, s.SSEKey = string(d.SSEAlgorithm), aws.ToString(d.KMSMasterKeyID)
	}
	if p, err := c.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)}); err == nil {
		b := p.PublicAccessBlockConfiguration
		s.PAB = [4]bool{aws.ToBool(b.BlockPublicAcls), aws.ToBool(b.IgnorePublicAcls), aws.ToBool(b.BlockPublicPolicy), aws.ToBool(b.RestrictPublicBuckets)}
	}
	if p, err := c.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)}); err == nil {
		s.Policy = aws.ToString(p.Policy)
	}
	if table == "" {
		return s
	}
	d, err := c.ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	s.Billing = "PROVISIONED"
	if d.Table.BillingModeSummary != nil {
		s.Billing = string(d.Table.BillingModeSummary.BillingMode)
	}
	for _, k := range d.Table.KeySchema {
		s.KeySchema += aws.ToString(k.AttributeName) + ":" + string(k.KeyType)
	}
	for _, a := range d.Table.AttributeDefinitions {
		s.KeySchema += ":" + string(a.AttributeType)
	}
	if d.Table.SSEDescription != nil {
		s.TableSSE = string(d.Table.SSEDescription.Status) + "/" + string(d.Table.SSEDescription.SSEType)
		s.TableSSEKey = aws.ToString(d.Table.SSEDescription.KMSMasterKeyArn)
	}
	b, err := c.ddb.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	s.PITR = string(b.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus)
	return s
}

func statuses(r *Report) map[string]Status {
	m := map[string]Status{}
	for _, c := range r.Checks {
		m[c.Resource+" "+c.Setting] = c.Status
	}
	return m
}

func TestCreateHardenedThenNoop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t, "us-east-1")
	bucket, table := uniqueName("tfstate"), uniqueName("locks")
	opts := Options{Bucket: bucket, Region: "us-east-1", DynamoDBTable: table, S3: c.s3, DynamoDB: c.ddb, PlainHTTP: true, Endpoint: srv.URL}

	r, err := Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Missing()) != 0 || len(r.Unknown()) != 0 {
		t.Fatalf("after creation: missing %v, unknown %v", r.Missing(), r.Unknown())
	}
	for _, ch := range r.Checks {
		want := StatusCreated
		if ch.Setting == SettingDenyInsecureTransport {
			want = StatusNotApplicable
		}
		if ch.Status != want {
			t.Errorf("%s %s: %s, want %s", ch.Resource, ch.Setting, ch.Status, want)
		}
	}
	if len(r.Checks) != 8+5 {
		t.Errorf("%d checks, want 13 (8 bucket, 5 table): %+v", len(r.Checks), r.Checks)
	}

	s := read(t, c, bucket, table)
	if s.Versioning != "Enabled" {
		t.Errorf("versioning = %q", s.Versioning)
	}
	if s.SSEAlgorithm != "AES256" {
		t.Errorf("encryption = %q", s.SSEAlgorithm)
	}
	if s.PAB != [4]bool{true, true, true, true} {
		t.Errorf("public access block = %v", s.PAB)
	}
	assertNoTLSOnlyPolicy(t, s.Policy)
	if s.Billing != "PAY_PER_REQUEST" || s.KeySchema != "LockID:HASH:S" || s.TableSSE != "ENABLED/KMS" || s.PITR != "ENABLED" {
		t.Errorf("table = %+v", s)
	}

	r2, err := Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r2.Changed()) != 0 || len(r2.Missing()) != 0 {
		t.Fatalf("second run changed %v, missing %v", r2.Changed(), r2.Missing())
	}
	for _, ch := range r2.Checks {
		if ch.Status != StatusOK && ch.Status != StatusNotApplicable {
			t.Errorf("second run: %s %s: %s", ch.Resource, ch.Setting, ch.Status)
		}
	}
	if s2 := read(t, c, bucket, table); s2 != s {
		t.Errorf("second run changed settings:\n before %+v\n after  %+v", s, s2)
	}
	// With Fix on a hardened bucket, still nothing to do.
	opts.Fix = true
	if r3, err := Run(ctx, opts); err != nil || len(r3.Changed()) != 0 {
		t.Fatalf("run with Fix on hardened resources: changed %v, err %v", r3.Changed(), err)
	}
}

func TestCreateWithKMSOutsideUSEast1(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const region = "eu-west-1"
	key := "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	c := newClients(t, region)
	bucket, table := uniqueName("tfstate-eu"), uniqueName("locks-eu")
	r, err := Run(ctx, Options{Bucket: bucket, Region: region, KMSKeyID: key, DynamoDBTable: table, S3: c.s3, DynamoDB: c.ddb, PlainHTTP: true, Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Missing()) != 0 {
		t.Fatalf("missing: %v", r.Missing())
	}
	loc, err := c.s3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if loc.LocationConstraint != s3types.BucketLocationConstraint(region) {
		t.Errorf("bucket location = %q, want %s", loc.LocationConstraint, region)
	}
	s := read(t, c, bucket, table)
	if s.SSEAlgorithm != "aws:kms" || s.SSEKey != key {
		t.Errorf("bucket encryption = %s %s", s.SSEAlgorithm, s.SSEKey)
	}
	if s.TableSSEKey != key {
		t.Errorf("table key = %q", s.TableSSEKey)
	}
	assertNoTLSOnlyPolicy(t, s.Policy)
}

func TestAuditThenFix(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t, "us-east-1")
	bucket, table := uniqueName("plain"), uniqueName("plain-locks")
	// A bucket and a table made without hardening, and a policy statement
	// of the user's own that a repair must keep.
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	userStmt := `{"Sid":"ReadForCI","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/ci"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}`
	if _, err := c.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":` + userStmt + `}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:             aws.String(table),
		AttributeDefinitions:  []ddbtypes.AttributeDefinition{{AttributeName: aws.String("LockID"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:             []ddbtypes.KeySchemaElement{{AttributeName: aws.String("LockID"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:           ddbtypes.BillingModeProvisioned,
		ProvisionedThroughput: &ddbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)},
	}); err != nil {
		t.Fatal(err)
	}
	before := read(t, c, bucket, table)

	opts := Options{Bucket: bucket, Region: "us-east-1", DynamoDBTable: table, S3: c.s3, DynamoDB: c.ddb, PlainHTTP: true, Endpoint: srv.URL}
	r, err := Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, tb := "s3://"+bucket, "dynamodb://"+table
	wantMissing := []string{
		b + " " + SettingBlockPublicACLs, b + " " + SettingIgnorePublicACLs, b + " " + SettingBlockPublicPolicy, b + " " + SettingRestrictPublicBuckets,
		b + " " + SettingVersioning, b + " " + SettingEncryption,
		tb + " " + SettingBillingMode, tb + " " + SettingTableEncryption, tb + " " + SettingPointInTimeRecovery,
	}
	var gotMissing []string
	for _, ch := range r.Missing() {
		gotMissing = append(gotMissing, ch.Resource+" "+ch.Setting)
		if ch.Detail == "" {
			t.Errorf("%s %s: missing without a detail", ch.Resource, ch.Setting)
		}
	}
	if !reflect.DeepEqual(gotMissing, wantMissing) {
		t.Errorf("missing:\n got %v\nwant %v", gotMissing, wantMissing)
	}
	if st := statuses(r); st[b+" exists"] != StatusOK || st[tb+" "+SettingKeySchema] != StatusOK {
		t.Errorf("statuses = %v", st)
	}
	if after := read(t, c, bucket, table); after != before {
		t.Fatalf("an audit changed settings:\n before %+v\n after  %+v", before, after)
	}

	// moto accepts SSESpecification in UpdateTable and ignores it (below),
	// so what the repair sent is checked on the way out.
	var sentSSE []*ddbtypes.SSESpecification
	opts.DynamoDB = dynamodb.NewFromConfig(srv.AWSConfig(t), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Initialize.Add(middleware.InitializeMiddlewareFunc("record", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if u, ok := in.Parameters.(*dynamodb.UpdateTableInput); ok && u.SSESpecification != nil {
					sentSSE = append(sentSSE, u.SSESpecification)
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
		})
	})
	opts.Fix = true
	r, err = Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(sentSSE) != 1 || !aws.ToBool(sentSSE[0].Enabled) || sentSSE[0].SSEType != ddbtypes.SSETypeKms {
		t.Errorf("the repair of table encryption sent %+v, want one UpdateTable enabling KMS encryption", sentSSE)
	}
	var out bytes.Buffer
	_ = r.WriteTable(&out)
	t.Logf("report after Fix:\n%s", out.String())
	st := statuses(r)
	for _, k := range wantMissing {
		if k == tb+" "+SettingTableEncryption {
			continue
		}
		if st[k] != StatusFixed {
			t.Errorf("%s: %s after Fix, want fixed", k, st[k])
		}
	}
	// moto 5.2.1 ignores SSESpecification in UpdateTable: the repair is
	// accepted and nothing changes. The report must say so, not claim it.
	switch sse := st[tb+" "+SettingTableEncryption]; sse {
	case StatusFixed:
	case StatusMissing:
		for _, ch := range r.Missing() {
			if ch.Setting == SettingTableEncryption && !strings.Contains(ch.Detail, "still missing after the repair") {
				t.Errorf("table encryption detail = %q", ch.Detail)
			}
		}
	default:
		t.Errorf("table encryption after Fix: %s", sse)
	}
	after := read(t, c, bucket, table)
	if after.Versioning != "Enabled" || after.SSEAlgorithm != "AES256" || after.PAB != [4]bool{true, true, true, true} ||
		after.Billing != "PAY_PER_REQUEST" || after.PITR != "ENABLED" {
		t.Errorf("after Fix: %+v", after)
	}
	assertNoTLSOnlyPolicy(t, after.Policy)
	if st[b+" "+SettingDenyInsecureTransport] != StatusNotApplicable {
		t.Errorf("TLS-only policy on a plain-HTTP endpoint: %s, want not applicable", st[b+" "+SettingDenyInsecureTransport])
	}
	if !strings.Contains(after.Policy, `"ReadForCI"`) || !strings.Contains(after.Policy, "role/ci") {
		t.Errorf("the repair dropped the user's statement: %s", after.Policy)
	}

	// Idempotent: a third run repairs nothing more.
	r, err = Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range r.Changed() {
		t.Errorf("third run changed %s %s", ch.Resource, ch.Setting)
	}
	if again := read(t, c, bucket, table); again != after {
		t.Errorf("third run changed settings:\n before %+v\n after  %+v", after, again)
	}
}

func TestReportTableAndJSON(t *testing.T) {
	r := &Report{Bucket: "b", Region: "us-east-1", Checks: []Check{}}
	r.add("s3://b", SettingExists, StatusOK, "")
	r.add("s3://b", SettingVersioning, StatusMissing, "Suspended")
	r.add("s3://b", SettingEncryption, StatusUnknown, "the service does not implement reading it (NotImplemented)")
	var buf bytes.Buffer
	if err := r.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	want := `RESOURCE  SETTING     STATUS   DETAIL
s3://b    exists      ok       
s3://b    versioning  missing  Suspended
s3://b    encryption  unknown  the service does not implement reading it (NotImplemented)
3 checks: 0 created or fixed, 1 missing, 1 unknown; nothing existing was changed (audit only)
`
	if buf.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", buf.String(), want)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"bucket":"b","region":"us-east-1","fix":false,"checks":[{"resource":"s3://b","setting":"exists","status":"ok"},` +
		`{"resource":"s3://b","setting":"versioning","status":"missing","detail":"Suspended"},` +
		`{"resource":"s3://b","setting":"encryption","status":"unknown","detail":"the service does not implement reading it (NotImplemented)"}]}`
	if string(js) != wantJSON {
		t.Errorf("json:\n%s\nwant\n%s", js, wantJSON)
	}
	if m := r.Missing(); len(m) != 1 || m[0].Setting != SettingVersioning {
		t.Errorf("Missing() = %v", m)
	}
}
