package awsconf

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadWithStaticKeysAndRegion(t *testing.T) {
	cfg, err := LoadWith(context.Background(), Options{Region: "eu-central-1", AccessKey: "AKIDEXAMPLE", SecretKey: "secret", SessionToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-central-1" {
		t.Errorf("Region = %q", cfg.Region)
	}
	c, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "AKIDEXAMPLE" || c.SecretAccessKey != "secret" || c.SessionToken != "tok" {
		t.Errorf("credentials not the static ones")
	}
}

func TestLoadWithErrors(t *testing.T) {
	const secret = "very-secret-value"
	if _, err := LoadWith(context.Background(), Options{SecretKey: secret}); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("half keys: err = %v", err)
	}
	empty := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadWith(context.Background(), Options{Profile: "nope", SharedConfigFiles: []string{empty}, SharedCredentialsFiles: []string{empty}})
	if err == nil || !strings.Contains(err.Error(), `AWS profile "nope" is not defined`) || !strings.Contains(err.Error(), empty) {
		t.Errorf("unknown profile: err = %v", err)
	}
	if _, err := LoadWith(context.Background(), Options{HTTPProxy: "http://user:pw@"}); err == nil || strings.Contains(err.Error(), "pw") {
		t.Errorf("bad proxy: err = %v", err)
	}
}

func TestProxyFunc(t *testing.T) {
	p, err := proxyFunc("http://proxy:3128", "", "internal.example, .corp")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ url, want string }{
		{"https://s3.us-east-1.amazonaws.com/b", "http://proxy:3128"}, // legacy mode: http_proxy serves https too
		{"http://sts.amazonaws.com/", "http://proxy:3128"},
		{"https://internal.example/x", ""},
		{"https://a.internal.example/x", ""},
		{"https://s3.corp/x", ""},
		{"https://corp.evil.com/x", "http://proxy:3128"},
	} {
		req, _ := http.NewRequest(http.MethodGet, tt.url, nil)
		u, err := p(req)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if u != nil {
			got = u.String()
		}
		if got != tt.want {
			t.Errorf("%s: proxy %q, want %q", tt.url, got, tt.want)
		}
	}
}
