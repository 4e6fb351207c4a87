package s3

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/testutil/moto"
)

// These tests read what a real terraform wrote, or hold its lock.

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
