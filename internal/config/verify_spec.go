package config

import (
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// VerifySpec is a verify block evaluated with its unit's outputs and
// inputs: exactly what to check. One of the kind fields is set.
type VerifySpec struct {
	Unit string
	Name string
	Kind VerifyKind
	At   string // file:line:col of the verify block
	// Timeout and Interval are 0 when the block leaves them to the caller.
	Timeout, Interval time.Duration

	HTTP      *HTTPCheck
	TLS       *TLSCheck
	DNS       *DNSCheck
	JWTIssuer *JWTIssuerCheck
	Assert    *AssertCheck

	// Secrets must never be shown: the string leaves of every sensitive
	// value the check uses, and the values of headers named like keys.
	Secrets []string
	// Diags holds the errors that keep the check from running (an output
	// the unit does not have, a value of the wrong type).
	Diags hcl.Diagnostics
}

// HTTPCheck requests a URL and checks the answer.
type HTTPCheck struct {
	URL     string
	Method  string
	Headers []Header
	Body    string
	// Status lists the accepted status codes; by default any 2xx.
	Status          []StatusRange
	HeaderMatch     []HeaderMatch
	BodyMatch       *regexp.Regexp
	FollowRedirects bool
	// ConnectTo, "HOST" or "HOST:PORT", is where the TCP connection goes
	// (curl --connect-to): the URL's host stays the Host header, the TLS
	// server name and the name the certificate must cover. It reaches a
	// load balancer behind a CDN directly, to see what it does without the
	// CDN's headers.
	ConnectTo string
}

// Header is one request header.
type Header struct {
	Name, Value string
	// Secret is set for sensitive values and names like keys, tokens and
	// passwords: the value is masked wherever the check is shown.
	Secret bool
}

// HeaderMatch requires a response header to match a pattern.
type HeaderMatch struct {
	Name    string
	Pattern *regexp.Regexp
}

// StatusRange is an accepted status: one code (Min == Max) or a class
// such as "4xx".
type StatusRange struct{ Min, Max int }

func (r StatusRange) String() string {
	if r.Min == r.Max {
		return fmt.Sprint(r.Min)
	}
	return fmt.Sprintf("%dxx", r.Min/100)
}

// TLSCheck connects to Host:Port with Host as the server name and checks
// the certificate served.
type TLSCheck struct {
	Host    string
	Port    int
	MinDays int // the certificate must expire in more than this many days
	// ConnectTo, as for HTTPCheck: the certificate a load balancer serves
	// for Host, asked of the load balancer itself.
	ConnectTo string
}

// DNSCheck resolves a name. Type is "" (any address), A, AAAA, CNAME or
// TXT; every value in Expect must be among the answers.
type DNSCheck struct {
	Name   string
	Type   string
	Expect []string
}

// JWTIssuerCheck reads an issuer and compares it with Issuer: from an
// OpenID discovery document, or from the iss claim of a token a token
// endpoint issues.
type JWTIssuerCheck struct {
	DiscoveryURL string
	TokenURL     string
	Method       string // for TokenURL; default POST
	Headers      []Header
	Body         string
	// TokenField names the token in a JSON token response; empty tries
	// access_token, then id_token.
	TokenField string
	Issuer     string
}

// AssertCheck is a condition already evaluated: it needs no retries.
type AssertCheck struct {
	Passed  bool
	Message string
}

// Defaults written into specs.
const (
	DefaultTLSMinDays = 14
)
