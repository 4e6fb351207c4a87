package s3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/testutil/moto"

	"github.com/stackctl/stackctl/internal/testutil"
)

// srv is one emulator for the package; every test uses its own bucket.
var srv *moto.Server

// Stock moto_server: the launcher's patches must not be what makes the S3
// backend work.
func TestMain(m *testing.M) { moto.MainStock(m, &srv) }

var bucketSeq atomic.Int64

// newBucket creates an empty bucket with a name no other test uses.
func newBucket(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("state-%d-%d", time.Now().UnixNano()%1e6, bucketSeq.Add(1))
	if _, err := s3.NewFromConfig(srv.AWSConfig(t)).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("creating bucket %s: %v", name, err)
	}
	return name
}

func newLockTable(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("locks-%d", bucketSeq.Add(1))
	_, err := dynamodb.NewFromConfig(srv.AWSConfig(t)).CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("LockID"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("LockID"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatalf("creating table %s: %v", name, err)
	}
	return name
}

// openBackend builds the backend the way stackctl does, from a rendered
// remote_state config with explicit endpoints and keys: the process
// environment (a developer's AWS_PROFILE) plays no part.
func openBackend(t testing.TB, extra map[string]cty.Value) *Backend {
	t.Helper()
	cfg := map[string]cty.Value{
		"region":         cty.StringVal(moto.Region),
		"endpoints":      cty.ObjectVal(map[string]cty.Value{"s3": cty.StringVal(srv.URL), "dynamodb": cty.StringVal(srv.URL)}),
		"use_path_style": cty.True,
		"access_key":     cty.StringVal(moto.AccessKeyID),
		"secret_key":     cty.StringVal(moto.SecretAccessKey),
	}
	for k, v := range extra {
		cfg[k] = v
	}
	s, err := FromConfig(s3Backend(cfg))
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	b.Env = "dev"
	return b
}

func TestReadMissingKey(t *testing.T) {
	t.Parallel()
	bucket := newBucket(t)
	b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal(bucket), "key": cty.StringVal("none/terraform.tfstate")})
	if got := b.Describe(); got != "s3://"+bucket+"/none/terraform.tfstate" {
		t.Errorf("Describe() = %q", got)
	}
	st, err := b.Read(context.Background())
	if err != nil || st != nil {
		t.Fatalf("Read() = %v, %v; want nil, nil", st, err)
	}
	l, err := b.LockInfo(context.Background())
	if err != nil || l != nil {
		t.Fatalf("LockInfo() without locking = %v, %v; want nil, nil", l, err)
	}
}

func TestReadMissingBucket(t *testing.T) {
	t.Parallel()
	b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal("no-such-bucket"), "key": cty.StringVal("k")})
	_, err := b.Read(context.Background())
	if !errors.Is(err, ErrBucketNotFound) || !strings.Contains(err.Error(), "run `stackctl bootstrap dev`") {
		t.Fatalf("Read() err = %v; want the bootstrap hint", err)
	}
}

// AWS_ENDPOINT_URL alone (no endpoints in config) reaches the emulator:
// the SDK reads it, as Terraform's backend does.
func TestEndpointFromEnvironment(t *testing.T) {
	bucket := newBucket(t)
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("AWS_PROFILE", "")
	s, err := FromConfig(s3Backend(map[string]cty.Value{"bucket": cty.StringVal(bucket), "key": cty.StringVal("k")}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CheckBucket(context.Background()); err != nil {
		t.Fatalf("CheckBucket via AWS_ENDPOINT_URL: %v", err)
	}
	// A service-specific variable wins over AWS_ENDPOINT_URL.
	t.Setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:"+closedPort(t))
	b, err = New(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	err = b.CheckBucket(context.Background())
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "AWS_ENDPOINT_URL_S3") {
		t.Fatalf("CheckBucket with AWS_ENDPOINT_URL_S3 on a closed port: %v", err)
	}
}

func TestCheckBucket(t *testing.T) {
	ctx := context.Background()
	t.Run("ok", func(t *testing.T) {
		bucket := newBucket(t)
		table := newLockTable(t)
		b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal(bucket), "key": cty.StringVal("k"), "dynamodb_table": cty.StringVal(table)})
		if err := b.CheckBucket(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("missing bucket", func(t *testing.T) {
		b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal("absent-bucket"), "key": cty.StringVal("k")})
		err := b.CheckBucket(ctx)
		want := "state bucket absent-bucket does not exist in region us-east-1: run `stackctl bootstrap dev`"
		if err == nil || err.Error() != want || !errors.Is(err, ErrBucketNotFound) {
			t.Fatalf("err = %v\nwant %s", err, want)
		}
	})
	t.Run("bucket in another region", func(t *testing.T) {
		bucket := newBucket(t) // us-east-1
		b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal(bucket), "key": cty.StringVal("k"), "region": cty.StringVal("eu-west-1")})
		err := b.CheckBucket(ctx)
		if !errors.Is(err, ErrWrongRegion) || !strings.Contains(err.Error(), `set region in remote_state config to "us-east-1"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing lock table", func(t *testing.T) {
		bucket := newBucket(t)
		b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal(bucket), "key": cty.StringVal("k"), "dynamodb_table": cty.StringVal("absent-table")})
		err := b.CheckBucket(ctx)
		if !errors.Is(err, ErrLockTableNotFound) || !strings.Contains(err.Error(), "stackctl bootstrap dev") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unreachable endpoint", func(t *testing.T) {
		ep := "http://127.0.0.1:" + closedPort(t)
		b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal("k"),
			"endpoints": cty.ObjectVal(map[string]cty.Value{"s3": cty.StringVal(ep)})})
		start := time.Now()
		err := b.CheckBucket(ctx)
		took := time.Since(start)
		if !errors.Is(err, ErrUnreachable) {
			t.Fatalf("err = %v; want ErrUnreachable", err)
		}
		for _, want := range []string{"cannot reach " + ep, "connection refused", "endpoints.s3 in remote_state config"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v; want it to contain %q", err, want)
			}
		}
		t.Logf("unreachable endpoint reported in %s: %v", took.Round(time.Millisecond), err)
	})
	t.Run("endpoint that drops every connection gives up after its attempts", func(t *testing.T) {
		// Failing within seconds means not running the SDK's whole retry
		// schedule: count the attempts rather than time them.
		d := testutil.NewDropper(t)
		b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal("k"),
			"endpoints": cty.ObjectVal(map[string]cty.Value{"s3": cty.StringVal("http://" + d.Addr)})})
		if err := b.CheckBucket(ctx); err == nil {
			t.Fatal("no error from an endpoint that drops every connection")
		}
		if n := d.Accepted(); n < 1 || n > checkMaxAttempts {
			t.Errorf("%d connection attempts, want 1 to %d", n, checkMaxAttempts)
		}
	})
	t.Run("missing credentials", func(t *testing.T) {
		testutil.NoAWSCredentials(t)
		t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
		s, err := FromConfig(s3Backend(map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal("k"), "region": cty.StringVal("us-east-1"),
			"endpoints": cty.ObjectVal(map[string]cty.Value{"s3": cty.StringVal(srv.URL)})}))
		if err != nil {
			t.Fatal(err)
		}
		b, err := New(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		err = b.CheckBucket(ctx)
		if !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "AWS_PROFILE") || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
			t.Fatalf("err = %v; want a credentials error saying what to set", err)
		}
		t.Logf("missing credentials reported in %s: %v", time.Since(start).Round(time.Millisecond), err)
		// Read says the same.
		if _, err := b.Read(ctx); !errors.Is(err, ErrNoCredentials) {
			t.Fatalf("Read() err = %v; want ErrNoCredentials", err)
		}
	})
	// Off AWS the instance metadata service, the chain's last link, does
	// not answer: still no credentials, not an endpoint to fix.
	t.Run("missing credentials, metadata service unreachable", func(t *testing.T) {
		testutil.NoAWSCredentials(t)
		t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:"+closedPort(t))
		// One attempt per request: each would wait out the metadata
		// service's own retries again.
		t.Setenv("AWS_MAX_ATTEMPTS", "1")
		s, err := FromConfig(s3Backend(map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal("k"), "region": cty.StringVal("us-east-1"),
			"endpoints": cty.ObjectVal(map[string]cty.Value{"s3": cty.StringVal(srv.URL)}), "use_lockfile": cty.True}))
		if err != nil {
			t.Fatal(err)
		}
		calls := map[string]func(b *Backend) error{
			"CheckBucket": func(b *Backend) error { return b.CheckBucket(ctx) },
			"Read":        func(b *Backend) error { _, err := b.Read(ctx); return err },
			"LockInfo":    func(b *Backend) error { _, err := b.LockInfo(ctx); return err },
		}
		// Concurrently: each waits out the metadata service's retries.
		var wg sync.WaitGroup
		errs := make(map[string]error, len(calls))
		var mu sync.Mutex
		start := time.Now()
		for name, call := range calls {
			b, err := New(ctx, s) // a credentials cache of its own
			if err != nil {
				t.Fatal(err)
			}
			wg.Go(func() {
				err := call(b)
				mu.Lock()
				errs[name] = err
				mu.Unlock()
			})
		}
		wg.Wait()
		for name, err := range errs {
			if !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") ||
				strings.Contains(err.Error(), "cannot reach") {
				t.Errorf("%s: err = %v; want a credentials error saying what to set, not an endpoint to check", name, err)
			}
		}
		t.Logf("reported in %s", time.Since(start).Round(time.Millisecond))
	})
	t.Run("no secret in errors", func(t *testing.T) {
		const secret = "SECRETvalue/that+must+not+leak"
		b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal("absent-bucket"), "key": cty.StringVal("k"), "secret_key": cty.StringVal(secret)})
		for _, err := range []error{b.CheckBucket(ctx), func() error { _, err := b.Read(ctx); return err }()} {
			if err == nil || strings.Contains(err.Error(), secret) {
				t.Fatalf("err = %v", err)
			}
		}
	})
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	return port
}
