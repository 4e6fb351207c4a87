package verify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stackctl/stackctl/internal/config"
)

// checkTLS connects with the host as server name and checks the
// certificate served: it chains to the trusted roots, covers the host,
// and expires in more than MinDays days. The handshake itself does not
// verify, so that each failure can be named precisely.
func (v *Verifier) checkTLS(ctx context.Context, t *config.TLSCheck) outcome {
	addr := net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
	raw, err := v.dialVia(t.ConnectTo)(ctx, "tcp", addr)
	if err != nil {
		return outcome{reason: err.Error()}
	}
	conn := tls.Client(raw, &tls.Config{ServerName: t.Host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}) //nolint:gosec // verified below, with reasons
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	if err := conn.HandshakeContext(ctx); err != nil {
		return outcome{reason: "TLS handshake: " + err.Error()}
	}
	certs := conn.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return outcome{reason: "the server sent no certificate"}
	}
	leaf := certs[0]
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	now := time.Now()
	_, err = leaf.Verify(x509.VerifyOptions{Roots: v.roots, Intermediates: inter, DNSName: t.Host, CurrentTime: now})
	if err != nil {
		return outcome{reason: v.certError(leaf, t.Host, err)}
	}
	days := int(leaf.NotAfter.Sub(now).Hours() / 24)
	expires := fmt.Sprintf("expires %s (in %d days)", leaf.NotAfter.UTC().Format("2006-01-02"), days)
	if days <= t.MinDays {
		return outcome{reason: fmt.Sprintf("the certificate for %s %s, want more than %d", t.Host, expires, t.MinDays)}
	}
	return outcome{ok: true, reason: fmt.Sprintf("certificate covers %s, issued by %s, %s", t.Host, issuer(leaf), expires)}
}

func (v *Verifier) certError(leaf *x509.Certificate, host string, err error) string {
	var hostErr x509.HostnameError
	var authErr x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &hostErr):
		return fmt.Sprintf("the certificate does not cover %s; it covers %s", host, names(leaf))
	case errors.As(err, &authErr):
		roots := "the system roots"
		if v.roots != nil {
			roots += " or --ca-file"
		}
		return fmt.Sprintf("the certificate for %s (issued by %s) does not chain to %s", names(leaf), issuer(leaf), roots)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return fmt.Sprintf("the certificate for %s is outside its validity (%s to %s)", names(leaf),
			leaf.NotBefore.UTC().Format("2006-01-02"), leaf.NotAfter.UTC().Format("2006-01-02"))
	}
	return "the certificate is not valid: " + err.Error()
}

func names(c *x509.Certificate) string {
	ns := slices.Clone(c.DNSNames)
	for _, ip := range c.IPAddresses {
		ns = append(ns, ip.String())
	}
	if len(ns) == 0 {
		return "no names (no subject alternative names)"
	}
	return strings.Join(ns, ", ")
}

func issuer(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	return c.Issuer.String()
}
