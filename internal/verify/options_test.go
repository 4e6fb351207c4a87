package verify

import (
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Options left out take the documented defaults.
func TestNewDefaults(t *testing.T) {
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if o := v.opts; o.Timeout != DefaultTimeout || o.Interval != DefaultInterval || o.Parallelism != DefaultParallelism || o.Resolver != net.DefaultResolver {
		t.Errorf("defaults: %+v", o)
	}
	v, err = New(Options{Timeout: time.Second, Interval: time.Millisecond, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	if o := v.opts; o.Timeout != time.Second || o.Interval != time.Millisecond || o.Parallelism != 1 {
		t.Errorf("given options replaced: %+v", o)
	}
}

func TestParseResolve(t *testing.T) {
	for in, want := range map[string]Resolve{
		"App.Example.com:443:10.0.3.7": {"app.example.com", "443", "10.0.3.7"},
		"app.example.com:8443:[::1]":   {"app.example.com", "8443", "::1"},
	} {
		got, err := ParseResolve(in)
		if err != nil || got != want {
			t.Errorf("ParseResolve(%q) = %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"app.example.com:443", "app.example.com:443:not-an-ip", ":443:10.0.0.1"} {
		if _, err := ParseResolve(bad); err == nil {
			t.Errorf("ParseResolve(%q): want an error", bad)
		}
	}
}

// --ca-file adds its certificates to the system roots; a file without
// one, or with a broken one, is refused.
func TestLoadCAFile(t *testing.T) {
	ca := newCA(t)
	sys, err := x509.SystemCertPool()
	if err != nil || sys.Equal(x509.NewCertPool()) {
		t.Fatalf("this machine has no system CA roots (%v): install the ca-certificates package", err)
	}
	keyAndCert := filepath.Join(t.TempDir(), "bundle.pem")
	caPEM, err := os.ReadFile(ca.pemFile)
	if err != nil {
		t.Fatal(err)
	}
	bundle := append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("not a certificate")}), caPEM...)
	if err := os.WriteFile(keyAndCert, bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	pool, err := loadCAFile(keyAndCert)
	if err != nil {
		t.Fatal(err)
	}
	sys.AddCert(ca.cert)
	if !pool.Equal(sys) {
		t.Error("want the system roots and the file's CA")
	}

	dir := t.TempDir()
	for name, tc := range map[string]struct{ body, want string }{
		"empty.pem":  {"", "no PEM certificate in it; give a file of one or more \"-----BEGIN CERTIFICATE-----\" blocks"},
		"key.pem":    {string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("k")})), "no PEM certificate in it"},
		"broken.pem": {string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})), "--ca-file " + filepath.Join(dir, "broken.pem") + ": x509: "},
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := loadCAFile(path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
	if _, err := New(Options{CAFile: filepath.Join(dir, "missing.pem")}); err == nil || !strings.HasPrefix(err.Error(), "--ca-file: open ") {
		t.Errorf("missing file: %v", err)
	}
}
