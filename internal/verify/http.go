package verify

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/stackctl/stackctl/internal/config"
)

// maxBody is as much of an answer as a check reads.
const maxBody = 1 << 20

// client makes one attempt's HTTP client. Connections are not kept
// between attempts: a retry must see the load balancer as it is now.
func (v *Verifier) client(follow bool, connectTo string) *http.Client {
	tr := &http.Transport{
		DialContext:       v.dialVia(connectTo),
		TLSClientConfig:   &tls.Config{RootCAs: v.roots, MinVersion: tls.VersionTLS12},
		DisableKeepAlives: true,
		// A host given to --resolve is reached directly: a proxy would
		// resolve it by DNS, which is what --resolve works around.
		// So is a connect_to target: a proxy would connect to the URL's host.
		Proxy: func(req *http.Request) (*url.URL, error) {
			if connectTo != "" || v.resolved(hostPort(req.URL)) {
				return nil, nil
			}
			return http.ProxyFromEnvironment(req)
		},
		ForceAttemptHTTP2: true,
	}
	c := &http.Client{Transport: tr}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return c
}

func hostPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return net.JoinHostPort(u.Hostname(), p)
	}
	if u.Scheme == "https" {
		return net.JoinHostPort(u.Hostname(), "443")
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

// request sends one request and reads (the start of) the answer.
func (v *Verifier) request(ctx context.Context, method, rawURL string, headers []config.Header, body string, follow bool, connectTo string) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", "stackctl-verify")
	for _, h := range headers {
		if strings.EqualFold(h.Name, "host") {
			req.Host = h.Value
			continue
		}
		req.Header.Set(h.Name, h.Value)
	}
	resp, err := v.client(follow, connectTo).Do(req)
	if err != nil {
		// url.Error repeats method and URL, which the view shows as the
		// target already.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp, nil, fmt.Errorf("reading the answer: %w", err)
	}
	return resp, b, nil
}

func (v *Verifier) checkHTTP(ctx context.Context, h *config.HTTPCheck) outcome {
	resp, body, err := v.request(ctx, h.Method, h.URL, h.Headers, h.Body, h.FollowRedirects, h.ConnectTo)
	if err != nil {
		return outcome{reason: err.Error()}
	}
	status := resp.Status
	if !statusIn(resp.StatusCode, h.Status) {
		return outcome{reason: fmt.Sprintf("answered %s, want %s", status, statusList(h.Status))}
	}
	for _, m := range h.HeaderMatch {
		vals := resp.Header.Values(m.Name)
		if len(vals) == 0 {
			return outcome{reason: fmt.Sprintf("answered %s without a %s header, want one matching /%s/", status, m.Name, m.Pattern)}
		}
		if got := strings.Join(vals, ", "); !m.Pattern.MatchString(got) {
			return outcome{reason: fmt.Sprintf("answered %s with %s: %s, which does not match /%s/", status, m.Name, excerpt(got), m.Pattern)}
		}
	}
	if h.BodyMatch != nil && !h.BodyMatch.Match(body) {
		return outcome{reason: fmt.Sprintf("answered %s with a body that does not match /%s/: %s", status, h.BodyMatch, excerpt(string(body)))}
	}
	return outcome{ok: true, reason: "answered " + status}
}

func statusIn(code int, accepted []config.StatusRange) bool {
	for _, r := range accepted {
		if code >= r.Min && code <= r.Max {
			return true
		}
	}
	return false
}

func statusList(rs []config.StatusRange) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// excerpt keeps an answer's text short and on one line.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	if s == "" {
		return "(empty)"
	}
	return fmt.Sprintf("%q", s)
}

func (v *Verifier) checkJWTIssuer(ctx context.Context, j *config.JWTIssuerCheck) outcome {
	var issuer, from string
	var secrets []string
	if j.DiscoveryURL != "" {
		resp, body, err := v.request(ctx, http.MethodGet, j.DiscoveryURL, j.Headers, "", true, "")
		if err != nil {
			return outcome{reason: err.Error()}
		}
		if resp.StatusCode != http.StatusOK {
			return outcome{reason: "discovery document answered " + resp.Status + ", want 200"}
		}
		var doc struct {
			Issuer *string `json:"issuer"`
		}
		if err := json.Unmarshal(body, &doc); err != nil || doc.Issuer == nil {
			return outcome{reason: "the answer is not a discovery document with an issuer: " + excerpt(string(body))}
		}
		issuer, from = *doc.Issuer, "the discovery document names issuer"
	} else {
		headers := j.Headers
		if j.Body != "" && !hasHeader(headers, "content-type") {
			headers = append(headers, config.Header{Name: "Content-Type", Value: "application/x-www-form-urlencoded"})
		}
		resp, body, err := v.request(ctx, j.Method, j.TokenURL, headers, j.Body, false, "")
		if err != nil {
			return outcome{reason: err.Error()}
		}
		if resp.StatusCode/100 != 2 {
			return outcome{reason: "token endpoint answered " + resp.Status + ", want 2xx"}
		}
		token, err := tokenFrom(body, j.TokenField)
		if err != nil {
			return outcome{reason: err.Error()}
		}
		// The token is a credential: it must not appear in any message.
		secrets = []string{token}
		iss, err := issuerClaim(token)
		if err != nil {
			return outcome{reason: err.Error(), secrets: secrets}
		}
		issuer, from = iss, "the token's iss claim is"
	}
	if issuer != j.Issuer {
		return outcome{reason: fmt.Sprintf("%s %q, want %q", from, issuer, j.Issuer), secrets: secrets}
	}
	return outcome{ok: true, reason: fmt.Sprintf("%s %q", from, issuer), secrets: secrets}
}

func hasHeader(hs []config.Header, name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

// tokenFrom finds the JWT in a token endpoint's answer: a JSON field, or
// the whole body.
func tokenFrom(body []byte, field string) (string, error) {
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		if t := strings.TrimSpace(string(body)); strings.Count(t, ".") == 2 {
			return t, nil
		}
		return "", errors.New("the token endpoint's answer is neither JSON nor a JWT")
	}
	fields := []string{field}
	if field == "" {
		fields = []string{"access_token", "id_token"}
	}
	for _, f := range fields {
		if t, ok := obj[f].(string); ok && t != "" {
			return t, nil
		}
	}
	return "", fmt.Errorf("the token endpoint's answer has no %s field", strings.Join(fields, " or "))
}

// issuerClaim reads iss from a JWT's payload. The signature is not
// checked: the check is about which issuer the tokens name, which is what
// a validating backend compares with its configuration.
func issuerClaim(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", errors.New("the token is not a JWT (header.payload.signature)")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", errors.New("the token's payload is not base64url")
	}
	var claims struct {
		Iss *string `json:"iss"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Iss == nil {
		return "", errors.New("the token has no iss claim")
	}
	return *claims.Iss, nil
}
