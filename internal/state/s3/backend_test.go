package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
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

// ---- driven by a real terraform ----

// terraformBin fails the test when terraform is missing: a skipped test
// would hide that nothing was checked.
func terraformBin(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("terraform is not on PATH: install Terraform 1.11 (https://developer.hashicorp.com/terraform/install) to run these tests")
	}
	return p
}

// tfEnv is the environment for terraform: the inherited one without any
// AWS_ or TF_ variable (a developer's profile must not leak in), the
// emulator's, and a CLI config of our own (the machine's TF_CLI_CONFIG_FILE
// may name a missing file).
func tfEnv(t testing.TB, dir string) []string {
	t.Helper()
	rc := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(rc, []byte("disable_checkpoint = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "CHECKPOINT_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, srv.Env()...)
	return append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
}

// writeUnit writes a Terraform root module using the s3 backend.
func writeUnit(t testing.TB, backend, body string) string {
	t.Helper()
	dir := t.TempDir()
	src := "terraform {\n  backend \"s3\" {\n" + backend + "  }\n}\n\n" + body
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func terraform(ctx context.Context, t testing.TB, dir string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, terraformBin(t), args...)
	cmd.Dir = dir
	cmd.Env = tfEnv(t, dir)
	return cmd
}

func runTerraform(t testing.TB, dir string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := terraform(ctx, t, dir, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func TestReadStateWrittenByTerraform(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform; skipped with -short")
	}
	t.Parallel()
	bucket := newBucket(t)
	dir := writeUnit(t, fmt.Sprintf("    bucket = %q\n    key = \"app/terraform.tfstate\"\n    region = \"us-east-1\"\n    use_path_style = true\n    use_lockfile = true\n", bucket), `
resource "terraform_data" "x" {
  input = "hello"
}

output "plain" {
  value = terraform_data.x.output
}

output "nested" {
  value = { a = 1, b = ["x", "y"] }
}

output "secret" {
  value     = "s3cr3t-value"
  sensitive = true
}
`)
	runTerraform(t, dir, "init", "-input=false", "-no-color")
	runTerraform(t, dir, "apply", "-auto-approve", "-input=false", "-no-color")

	b := openBackend(t, map[string]cty.Value{"bucket": cty.StringVal(bucket), "key": cty.StringVal("app/terraform.tfstate"), "use_lockfile": cty.True})
	st, err := b.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st == nil {
		t.Fatal("Read() = nil after terraform apply")
	}
	if st.Instances() != 1 || !strings.HasPrefix(st.TerraformVersion, "1.") {
		t.Errorf("Instances() = %d, TerraformVersion = %q", st.Instances(), st.TerraformVersion)
	}
	if got := strings.Join(st.OutputNames(), ","); got != "nested,plain,secret" {
		t.Fatalf("outputs = %s", got)
	}
	if o := st.Outputs["plain"]; o.Sensitive || o.Value.AsString() != "hello" {
		t.Errorf("plain = %#v", o)
	}
	if o := st.Outputs["secret"]; !o.Sensitive || o.Value.AsString() != "s3cr3t-value" {
		t.Errorf("secret = %#v; want sensitive", o)
	}
	if o := st.Outputs["nested"]; o.Sensitive || !o.Value.GetAttr("b").Index(cty.NumberIntVal(1)).RawEquals(cty.StringVal("y")) {
		t.Errorf("nested = %#v", o)
	}
	if l, err := b.LockInfo(context.Background()); err != nil || l != nil {
		t.Errorf("LockInfo() after apply = %v, %v; want nil", l, err)
	}
}

func TestLockInfoWhileTerraformHoldsLock(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform; skipped with -short")
	}
	t.Parallel()
	for _, mode := range []string{"use_lockfile", "dynamodb_table"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			bucket := newBucket(t)
			key := "apps/api/terraform.tfstate"
			backendHCL := fmt.Sprintf("    bucket = %q\n    key = %q\n    region = \"us-east-1\"\n    use_path_style = true\n", bucket, key)
			extra := map[string]cty.Value{"bucket": cty.StringVal(bucket), "key": cty.StringVal(key)}
			var where string
			if mode == "use_lockfile" {
				backendHCL += "    use_lockfile = true\n"
				extra["use_lockfile"] = cty.True
				where = "s3://" + bucket + "/" + key + ".tflock"
			} else {
				table := newLockTable(t)
				backendHCL += fmt.Sprintf("    dynamodb_table = %q\n", table)
				extra["dynamodb_table"] = cty.StringVal(table)
				where = "dynamodb://" + table + "/" + bucket + "/" + key
			}
			dir := writeUnit(t, backendHCL, `
resource "terraform_data" "slow" {
  input = "x"
  provisioner "local-exec" {
    command = "sleep 4"
  }
}
`)
			runTerraform(t, dir, "init", "-input=false", "-no-color")
			b := openBackend(t, extra)
			ctx := context.Background()

			var out bytes.Buffer
			cmd := terraform(ctx, t, dir, "apply", "-auto-approve", "-input=false", "-no-color")
			cmd.Stdout, cmd.Stderr = &out, &out
			started := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()

			var lock *LockInfo
			for lock == nil {
				select {
				case err := <-done:
					t.Fatalf("terraform apply ended (%v) before the lock was seen:\n%s", err, out.String())
				case <-time.After(100 * time.Millisecond):
				}
				l, err := b.LockInfo(ctx)
				if err != nil {
					t.Fatal(err)
				}
				lock = l
			}
			t.Logf("lock seen %s after start: %s", time.Since(started).Round(time.Millisecond), lock)
			if lock.Operation != "OperationTypeApply" || lock.OperationName() != "apply" {
				t.Errorf("Operation = %q", lock.Operation)
			}
			if !strings.Contains(lock.Who, "@") {
				t.Errorf("Who = %q; want user@host", lock.Who)
			}
			if lock.ID == "" || !strings.HasPrefix(lock.Version, "1.") || lock.Path != bucket+"/"+key || lock.Where != where {
				t.Errorf("lock = %+v; want ID, version, Path %s, Where %s", lock, bucket+"/"+key, where)
			}
			if lock.Created.Before(started.Add(-time.Second)) || lock.Created.After(time.Now()) {
				t.Errorf("Created = %s; want between %s and now", lock.Created, started)
			}

			if err := <-done; err != nil {
				t.Fatalf("terraform apply: %v\n%s", err, out.String())
			}
			if l, err := b.LockInfo(ctx); err != nil || l != nil {
				t.Fatalf("LockInfo() after apply = %v, %v; want nil", l, err)
			}
		})
	}
}

// headerRecorder answers every request with S3's NoSuchKey and keeps the
// SSE-C key digest each request carried, by path.
type headerRecorder struct {
	mu  sync.Mutex
	md5 map[string]string
}

func (h *headerRecorder) Do(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.md5[r.URL.Path] = r.Header.Get("X-Amz-Server-Side-Encryption-Customer-Key-Md5")
	h.mu.Unlock()
	body := `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`
	return &http.Response{StatusCode: 404, Status: "404 Not Found", Header: http.Header{"Content-Type": {"application/xml"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// Terraform reads and writes the state and its lock file with the SSE-C
// key only when encrypt = true; otherwise the objects are plain and a
// request carrying a key is refused.
func TestSSECustomerKeyOnStateAndLock(t *testing.T) {
	const key = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=" // 32 bytes
	const keyMD5 = "KYvwGXoFFJ42a2u2GDWhwQ=="
	for _, tt := range []struct {
		name    string
		extra   map[string]cty.Value
		envKey  string
		wantMD5 string
	}{
		{name: "encrypt with sse_customer_key", extra: map[string]cty.Value{"encrypt": cty.True, "sse_customer_key": cty.StringVal(key)}, wantMD5: keyMD5},
		{name: "encrypt with AWS_SSE_CUSTOMER_KEY", extra: map[string]cty.Value{"encrypt": cty.True}, envKey: key, wantMD5: keyMD5},
		{name: "key without encrypt", extra: map[string]cty.Value{"sse_customer_key": cty.StringVal(key)}},
		{name: "encrypt without key", extra: map[string]cty.Value{"encrypt": cty.True}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_SSE_CUSTOMER_KEY", tt.envKey)
			cfg := map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal("app/terraform.tfstate"), "region": cty.StringVal("us-east-1"),
				"endpoints": cty.ObjectVal(map[string]cty.Value{"s3": cty.StringVal("http://s3.test")}), "use_path_style": cty.True, "use_lockfile": cty.True}
			for k, v := range tt.extra {
				cfg[k] = v
			}
			s, err := FromConfig(s3Backend(cfg))
			if err != nil {
				t.Fatal(err)
			}
			rec := &headerRecorder{md5: map[string]string{}}
			b := NewWithConfig(aws.Config{Region: "us-east-1", HTTPClient: rec,
				Credentials: credentials.NewStaticCredentialsProvider(moto.AccessKeyID, moto.SecretAccessKey, "")}, s)
			if st, err := b.Read(t.Context()); st != nil || err != nil {
				t.Fatalf("Read() = %v, %v; want nil, nil", st, err)
			}
			if l, err := b.LockInfo(t.Context()); l != nil || err != nil {
				t.Fatalf("LockInfo() = %v, %v; want nil, nil", l, err)
			}
			for _, path := range []string{"/b/app/terraform.tfstate", "/b/app/terraform.tfstate.tflock"} {
				got, ok := rec.md5[path]
				if !ok {
					t.Fatalf("no request for %s: %v", path, rec.md5)
				}
				if got != tt.wantMD5 {
					t.Errorf("%s: SSE-C key MD5 %q, want %q", path, got, tt.wantMD5)
				}
			}
		})
	}
}
