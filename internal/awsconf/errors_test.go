package awsconf

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/testutil"
)

func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestCheckCredentials(t *testing.T) {
	ctx := context.Background()
	const help = "none found in the environment"
	for _, tt := range []struct {
		name string
		env  map[string]string
		opts func(t *testing.T) Options
		want string
	}{
		{name: "metadata service disabled", env: map[string]string{"AWS_EC2_METADATA_DISABLED": "true"}, want: help},
		// Off AWS the metadata service does not answer: that is still "no
		// credentials", not an endpoint for the user to fix.
		{name: "metadata service unreachable", opts: func(t *testing.T) Options { return Options{IMDSEndpoint: closedURL(t)} }, want: help},
		{name: "STS unreachable behind assume_role", env: map[string]string{"AWS_EC2_METADATA_DISABLED": "true"},
			opts: func(t *testing.T) Options {
				return Options{AccessKey: "AKIDEXAMPLE", SecretKey: "secret", STSEndpoint: closedURL(t),
					AssumeRole: &AssumeRole{RoleARN: "arn:aws:iam::123456789012:role/state"}}
			},
			want: "cannot reach the credentials service (connection refused): check endpoints.sts"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			testutil.NoAWSCredentials(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			o := Options{Region: "us-east-1"}
			if tt.opts != nil {
				o = tt.opts(t)
				o.Region = "us-east-1"
			}
			cfg, err := LoadWith(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = CheckCredentials(ctx, cfg)
			if !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant ErrNoCredentials and %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the secret key is in the error: %v", err)
			}
			t.Logf("reported in %s: %v", time.Since(start).Round(time.Millisecond), err)
		})
	}
}
