package bootstrap

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/stackctl/stackctl/internal/awsconf"
	"github.com/stackctl/stackctl/internal/testutil"
)

// assertNoTLSOnlyPolicy checks that no TLS-only deny was put on a bucket
// served over plain HTTP, where it would lock everyone out.
func assertNoTLSOnlyPolicy(t *testing.T, policy string) {
	t.Helper()
	if strings.Contains(policy, "aws:SecureTransport") {
		t.Fatalf("a TLS-only policy on a plain-HTTP endpoint: %s", policy)
	}
}

func TestDeniesInsecureTransport(t *testing.T) {
	const arn = "arn:aws:s3:::b"
	tests := []struct {
		name, policy string
		want         bool
	}{
		{"ours", mustPolicy(t, ""), true},
		{"single statement object, bool value, principal AWS *", `{"Statement":{"Effect":"Deny","Principal":{"AWS":"*"},"Action":["s3:*"],
			"Resource":["` + arn + `","` + arn + `/*"],"Condition":{"Bool":{"aws:securetransport":false}}}}`, true},
		{"wildcard resource and action", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":["false"]}}}]}`, true},
		{"split over two statements", `{"Statement":[
			{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"` + arn + `","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
			{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"` + arn + `/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, true},
		{"objects only", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"` + arn + `/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, false},
		{"allow not deny", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`, false},
		{"one action only", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, false},
		{"one principal only", `{"Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, false},
		{"other bucket", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bb","arn:aws:s3:::bb/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, false},
		{"not json", `{`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, detail := deniesInsecureTransport(tt.policy, "b")
			if got != tt.want || detail == "" {
				t.Errorf("= %v (%s), want %v", got, detail, tt.want)
			}
		})
	}
}

func mustPolicy(t *testing.T, current string) string {
	t.Helper()
	p, err := withDenyInsecureTransport(current, "b", "aws")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWithDenyInsecureTransportKeepsAndReplaces(t *testing.T) {
	// An incomplete statement of ours is replaced, others kept, an object
	// Statement becomes a list.
	current := `{"Version":"2012-10-17","Statement":[{"Sid":"Keep","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
		{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	p := mustPolicy(t, current)
	if ok, detail := deniesInsecureTransport(p, "b"); !ok {
		t.Fatalf("not denied after repair: %s (%s)", p, detail)
	}
	if strings.Count(p, DenyInsecureTransportSid) != 1 || !strings.Contains(p, `"Keep"`) {
		t.Errorf("policy = %s", p)
	}
	cn, err := withDenyInsecureTransport("", "b", partition("cn-north-1"))
	if err != nil || !strings.Contains(cn, "arn:aws-cn:s3:::b") {
		t.Errorf("cn partition: %s %v", cn, err)
	}
	if _, err := withDenyInsecureTransport("{", "b", "aws"); err == nil {
		t.Error("a broken policy was overwritten silently")
	}
}

func TestBucketInAnotherRegion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t, "eu-west-1")
	bucket := uniqueName("elsewhere")
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	before := read(t, c, bucket, "")
	_, err := Run(ctx, Options{Bucket: bucket, Region: "us-east-1", Fix: true, S3: c.s3, PlainHTTP: true, Endpoint: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "is in region eu-west-1, not us-east-1") {
		t.Fatalf("err = %v", err)
	}
	if after := read(t, c, bucket, ""); after != before {
		t.Errorf("a bucket in another region was changed: %+v -> %+v", before, after)
	}
}

// Without credentials bootstrap says what to set, before any call.
func TestMissingCredentials(t *testing.T) {
	testutil.NoAWSCredentials(t)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	cfg, err := awsconf.LoadWith(context.Background(), awsconf.Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseEndpoint = aws.String(srv.URL)
	bucket := uniqueName("nocreds")
	_, err = Run(context.Background(), Options{Bucket: bucket, Region: "us-east-1", Config: cfg,
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })})
	if !errors.Is(err, awsconf.ErrNoCredentials) || !strings.Contains(err.Error(), "AWS_PROFILE") || !strings.Contains(err.Error(), "s3://"+bucket) {
		t.Fatalf("err = %v; want the bucket named and what to set", err)
	}
	c := newClients(t, "us-east-1")
	if _, err := c.s3.HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String(bucket)}); awsconf.HTTPStatus(err) != 404 {
		t.Errorf("HeadBucket after a run without credentials: %v; want 404", err)
	}
}

// Over HTTPS the TLS-only policy is part of the hardening; over plain HTTP
// it is left out, saying why.
func TestTLSOnlyPolicyOnlyOverHTTPS(t *testing.T) {
	b := &bucket{o: Options{Endpoint: "https://s3.eu-west-1.amazonaws.com"}, name: "b"}
	if g := b.policyGroup(); g.notApplicable != "" || g.fix == nil {
		t.Errorf("https: %+v", g)
	}
	b.o = Options{PlainHTTP: true, Endpoint: "http://127.0.0.1:9000"}
	if g := b.policyGroup(); !strings.Contains(g.notApplicable, "http://127.0.0.1:9000 is plain HTTP") {
		t.Errorf("http: %q", g.notApplicable)
	}
}
