package s3

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/testutil/moto"
)

// putRecorder accepts every PUT and keeps its headers, by path.
type putRecorder struct {
	headers map[string]http.Header
}

func (p *putRecorder) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
	}
	p.headers[r.Method+" "+r.URL.Path] = r.Header.Clone()
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"X-Amz-Version-Id": {"v1"}},
		Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
}

// The state and its lock file are written with Terraform's settings:
// content type, SHA-256 checksum (unless skip_s3_checksum), encryption
// (SSE-S3, SSE-KMS or SSE-C, only with encrypt = true), ACL; the lock file
// only if absent.
func TestPutObjectSettings(t *testing.T) {
	const key = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=" // 32 bytes
	for _, tt := range []struct {
		name  string
		extra map[string]cty.Value
		want  map[string]string // header → value; "" means absent
	}{
		{"plain", nil, map[string]string{"X-Amz-Server-Side-Encryption": "", "X-Amz-Acl": "", "X-Amz-Checksum-Sha256": "*"}},
		{"encrypt", map[string]cty.Value{"encrypt": cty.True}, map[string]string{"X-Amz-Server-Side-Encryption": "AES256"}},
		{"kms", map[string]cty.Value{"encrypt": cty.True, "kms_key_id": cty.StringVal("arn:aws:kms:us-east-1:123456789012:key/k")},
			map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:us-east-1:123456789012:key/k"}},
		{"kms without encrypt", map[string]cty.Value{"kms_key_id": cty.StringVal("k")}, map[string]string{"X-Amz-Server-Side-Encryption": ""}},
		{"sse-c", map[string]cty.Value{"encrypt": cty.True, "sse_customer_key": cty.StringVal(key)},
			map[string]string{"X-Amz-Server-Side-Encryption": "", "X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256", "X-Amz-Server-Side-Encryption-Customer-Key-Md5": "KYvwGXoFFJ42a2u2GDWhwQ=="}},
		{"acl, no checksum", map[string]cty.Value{"acl": cty.StringVal("bucket-owner-full-control"), "skip_s3_checksum": cty.True},
			map[string]string{"X-Amz-Acl": "bucket-owner-full-control", "X-Amz-Checksum-Sha256": ""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_SSE_CUSTOMER_KEY", "")
			cfg := map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal("app/terraform.tfstate"), "region": cty.StringVal("us-east-1"),
				"endpoints": cty.ObjectVal(map[string]cty.Value{"s3": cty.StringVal("http://s3.test")}), "use_path_style": cty.True, "use_lockfile": cty.True}
			for k, v := range tt.extra {
				cfg[k] = v
			}
			s, err := FromConfig(s3Backend(cfg))
			if err != nil {
				t.Fatal(err)
			}
			rec := &putRecorder{headers: map[string]http.Header{}}
			b := NewWithConfig(aws.Config{Region: "us-east-1", HTTPClient: rec,
				Credentials: credentials.NewStaticCredentialsProvider(moto.AccessKeyID, moto.SecretAccessKey, "")}, s)
			if vid, err := b.WriteRaw(t.Context(), []byte(seedState)); err != nil || vid != "v1" {
				t.Fatalf("WriteRaw() = %q, %v", vid, err)
			}
			if _, err := b.putObject(t.Context(), s.LockfileKey(), []byte("{}"), true); err != nil {
				t.Fatal(err)
			}
			st, lk := rec.headers["PUT /b/app/terraform.tfstate"], rec.headers["PUT /b/app/terraform.tfstate.tflock"]
			if st == nil || lk == nil {
				t.Fatalf("requests: %v", rec.headers)
			}
			if st.Get("Content-Type") != "application/json" || st.Get("If-None-Match") != "" || lk.Get("If-None-Match") != "*" {
				t.Errorf("content type %q, If-None-Match %q (state) %q (lock)", st.Get("Content-Type"), st.Get("If-None-Match"), lk.Get("If-None-Match"))
			}
			for h, want := range tt.want {
				for what, got := range map[string]string{"state": st.Get(h), "lock": lk.Get(h)} {
					if (want == "*" && got == "") || (want != "*" && got != want) {
						t.Errorf("%s %s = %q, want %q", what, h, got, want)
					}
				}
			}
		})
	}
}
