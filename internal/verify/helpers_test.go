package verify

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/testutil"
)

// load builds a one-unit tree whose unit.hcl holds body and evaluates its
// verify blocks with the given outputs.
func load(t *testing.T, body string, outputs map[string]cty.Value) []*config.VerifySpec {
	t.Helper()
	specs, diags := loadDiags(t, body, outputs)
	if diags != "" {
		t.Fatalf("evaluating the verify blocks: %s", diags)
	}
	return specs
}

func loadDiags(t *testing.T, body string, outputs map[string]cty.Value) ([]*config.VerifySpec, string) {
	t.Helper()
	dir := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":                    `project = "shop"`,
		"infra/live/dev/env.hcl":          `vars = { domain = "dev.example.test" }`,
		"infra/live/dev/web/unit.hcl":     body,
		"infra/live/dev/web/terraform.tf": "",
	})
	st, diags := config.NewLoader(config.Options{Dir: dir}).Load("dev")
	if diags.HasErrors() {
		return nil, diags.Error()
	}
	u := st.Unit("web")
	ins, diags := st.Inputs(u, nil)
	if diags.HasErrors() {
		return nil, diags.Error()
	}
	specs, diags := st.EvalVerify(u, outputs, Inputs(ins))
	if diags.HasErrors() {
		return specs, diags.Error()
	}
	return specs, ""
}

func verifier(t *testing.T, opts Options) *Verifier {
	t.Helper()
	if opts.Interval == 0 {
		opts.Interval = 200 * time.Millisecond
	}
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Resolver == nil {
		opts.Resolver = offlineResolver()
	}
	v, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// offlineResolver answers from /etc/hosts only: a test never sends a DNS
// query anywhere.
func offlineResolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("no DNS server in tests")
	}}
}

func run(t *testing.T, v *Verifier, specs []*config.VerifySpec) map[string]Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out := map[string]Result{}
	for _, r := range v.Run(ctx, specs, nil) {
		out[r.Name] = r
	}
	return out
}

func str(s string) cty.Value { return cty.StringVal(s) }

// testCA is a certificate authority made for one test.
type testCA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	pemFile string
}

func newCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "stackctl test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour * 365),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pemFile: file}
}

// leaf issues a server certificate for names, valid for the given time.
func (ca *testCA) leaf(t *testing.T, valid time.Duration, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(valid),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// httpsServer serves h on 127.0.0.1 with the given certificate.
func httpsServer(t *testing.T, cert tls.Certificate, h http.Handler) (port string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	// A tls check hangs up after the handshake, which the server would log.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return serverPort(t, srv)
}

func httpServer(t *testing.T, h http.Handler) (base string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server is not on 127.0.0.1: %s", srv.URL)
	}
	return srv.URL
}

func serverPort(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil || u.Hostname() != "127.0.0.1" {
		t.Fatalf("test server is not on 127.0.0.1: %s", srv.URL)
	}
	return u.Port()
}
