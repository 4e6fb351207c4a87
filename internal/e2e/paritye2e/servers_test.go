package paritye2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testCA is a certificate authority made for one test; File is its PEM.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	File string
}

func newCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "paritye2e test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour),
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
	return &testCA{cert: cert, key: key, File: file}
}

// leaf issues a server certificate for names, valid for 90 days.
func (ca *testCA) leaf(t *testing.T, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(90 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// httpsServer serves h on 127.0.0.1 with cert and returns its port.
func httpsServer(t *testing.T, cert tls.Certificate, h http.Handler) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	// tls checks hang up after the handshake, and checks that do not
	// trust the CA fail theirs: the server would log both.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil || u.Hostname() != "127.0.0.1" {
		t.Fatalf("test server is not on 127.0.0.1: %s", srv.URL)
	}
	return u.Port()
}

// app is the service the checks look at: a health URL, a backend behind
// a gateway key, OpenID discovery documents naming the right and a stale
// issuer, and a URL that answers only a few seconds after it is first
// asked (a service still starting).
type app struct {
	key  string
	mu   sync.Mutex
	warm time.Time // when /warming was first asked
	// asked counts the requests to /warming.
	asked int
}

// warmingAsked is how often /warming was asked.
func (a *app) warmingAsked() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.asked
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/health":
		io.WriteString(w, "ok")
	case "/v1/items":
		if r.Header.Get("X-Gateway-Key") != a.key {
			http.Error(w, "forbidden: no gateway key", http.StatusForbidden)
			return
		}
		io.WriteString(w, "[]")
	case "/.well-known/openid-configuration":
		io.WriteString(w, `{"issuer":"https://auth.example.test/","jwks_uri":"https://auth.example.test/jwks"}`)
	case "/staging/.well-known/openid-configuration":
		io.WriteString(w, `{"issuer":"https://auth.staging.example.test/"}`)
	case "/warming":
		a.mu.Lock()
		if a.warm.IsZero() {
			a.warm = time.Now()
		}
		a.asked++
		ready := time.Since(a.warm) > 3*time.Second
		a.mu.Unlock()
		if !ready {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready")
	default:
		http.NotFound(w, r)
	}
}
