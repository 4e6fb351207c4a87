package config

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// checkWith loads the web unit with one verify "x" block (its first line
// is line 2 of unit.hcl) and returns a function that evaluates it with
// outputs.v set to a value: the spec and its diagnostics as
// file:line:col: summary; detail.
func checkWith(t *testing.T, block string) func(v cty.Value) (*VerifySpec, string) {
	t.Helper()
	st := mustLoad(t, withUnit("verify \"x\" {\n"+block+"\n}\n"), "dev")
	return func(v cty.Value) (*VerifySpec, string) {
		t.Helper()
		specs, diags := st.EvalVerify(st.Unit("web"), map[string]cty.Value{"v": v}, nil)
		if len(specs) != 1 {
			t.Fatalf("%d specs for one block: %s", len(specs), located(diags))
		}
		if got, want := located(specs[0].Diags), located(diags); got != want {
			t.Fatalf("the spec's diagnostics %q are not the ones returned %q", got, want)
		}
		return specs[0], located(diags)
	}
}

// wantDiag fails unless got is empty (want == "") or contains want.
func wantDiag(t *testing.T, what, got, want string) {
	t.Helper()
	if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
		t.Errorf("%s: diagnostics %q, want %q", what, got, want)
	}
}

func TestVerifyConnectTo(t *testing.T) {
	check := checkWith(t, `  http {
    url        = "https://app.example.com/"
    connect_to = outputs.v
  }`)
	const bad = `unit.hcl:4:18: Invalid connect_to; connect_to is `
	for _, tt := range []struct{ in, want, diag string }{
		{"alb-123.eu-west-1.elb.amazonaws.com", "alb-123.eu-west-1.elb.amazonaws.com", ""},
		{"10.0.3.7:8443", "10.0.3.7:8443", ""},
		{"alb:1", "alb:1", ""},
		{"alb:65535", "alb:65535", ""},
		{"", "", ""},
		{"alb:0", "", bad + `"alb:0"`},
		{"alb:65536", "", bad + `"alb:65536"`},
		{"alb:https", "", bad + `"alb:https"`},
		{":443", "", bad + `":443"`},
		{"https://alb", "", bad},
		{"alb/health", "", bad},
		{"user@alb", "", bad},
		{"my alb", "", bad},
	} {
		spec, diags := check(cty.StringVal(tt.in))
		wantDiag(t, tt.in, diags, tt.diag)
		if spec.HTTP == nil || spec.HTTP.ConnectTo != tt.want {
			t.Errorf("connect_to = %q: %+v, want %q", tt.in, spec.HTTP, tt.want)
		}
	}
}

// A TLS port and min_days are whole numbers within bounds, both ends
// included; a value out of them is an error and the default stays.
func TestVerifyTLSNumbers(t *testing.T) {
	port := checkWith(t, "  tls {\n    host = \"app.example.com\"\n    port = outputs.v\n  }")
	for _, tt := range []struct {
		in   cty.Value
		want int
		diag string
	}{
		{cty.NumberIntVal(1), 1, ""},
		{cty.NumberIntVal(65535), 65535, ""},
		{cty.StringVal("8443"), 8443, ""},
		{cty.NumberIntVal(0), 443, "unit.hcl:4:12: Invalid port; port must be a whole number from 1 to 65535."},
		{cty.NumberIntVal(65536), 443, "Invalid port"},
		{cty.NumberFloatVal(443.5), 443, "Invalid port"},
		{cty.StringVal("https"), 443, "unit.hcl:4:12: Invalid port; port must be a whole number."},
		{cty.NullVal(cty.Number), 443, ""},
	} {
		spec, diags := port(tt.in)
		wantDiag(t, tt.in.GoString(), diags, tt.diag)
		if spec.TLS == nil || spec.TLS.Port != tt.want || spec.TLS.MinDays != DefaultTLSMinDays {
			t.Errorf("port = %#v: %+v, want port %d", tt.in, spec.TLS, tt.want)
		}
	}
	days := checkWith(t, "  tls {\n    host     = \"app.example.com\"\n    min_days = outputs.v\n  }")
	for _, tt := range []struct {
		in   int64
		want int
		diag string
	}{
		{0, 0, ""},
		{3650, 3650, ""},
		{-1, DefaultTLSMinDays, "unit.hcl:4:16: Invalid min_days; min_days must be a whole number from 0 to 3650."},
		{3651, DefaultTLSMinDays, "Invalid min_days"},
	} {
		spec, diags := days(cty.NumberIntVal(tt.in))
		wantDiag(t, "min_days", diags, tt.diag)
		if spec.TLS.MinDays != tt.want || spec.TLS.Port != 443 {
			t.Errorf("min_days = %d: %+v, want %d", tt.in, spec.TLS, tt.want)
		}
	}
}

func TestVerifyTLSHost(t *testing.T) {
	check := checkWith(t, "  tls { host = outputs.v }")
	for in, diag := range map[string]string{
		"app.example.com":          "",
		"app.example.com:443":      "unit.hcl:2:16: Invalid host; host is a host name",
		"https://app.example.com":  "Invalid host",
		"app.example.com/health":   "Invalid host",
		"app.example.com:8443/api": "Invalid host",
	} {
		spec, diags := check(cty.StringVal(in))
		wantDiag(t, in, diags, diag)
		if spec.TLS.Host != in {
			t.Errorf("host = %q: %+v", in, spec.TLS)
		}
	}
}

func TestVerifyDurations(t *testing.T) {
	check := checkWith(t, "  timeout  = outputs.v\n  interval = outputs.v\n  assert {\n    condition = true\n    message   = \"m\"\n  }")
	for _, tt := range []struct {
		in   string
		want time.Duration
		diag string
	}{
		{"1ns", time.Nanosecond, ""},
		{"2m30s", 150 * time.Second, ""},
		{"", 0, ""},
		{"0s", 0, `unit.hcl:2:14: Invalid timeout; timeout is a positive duration such as "30s" or "5m".`},
		{"-5s", 0, "unit.hcl:3:14: Invalid interval; interval is a positive duration"},
		{"soon", 0, "Invalid timeout"},
	} {
		spec, diags := check(cty.StringVal(tt.in))
		wantDiag(t, tt.in, diags, tt.diag)
		if spec.Timeout != tt.want || spec.Interval != tt.want {
			t.Errorf("%q: timeout %v, interval %v, want %v", tt.in, spec.Timeout, spec.Interval, tt.want)
		}
	}
}

func TestVerifyStatus(t *testing.T) {
	check := checkWith(t, "  http {\n    url    = \"https://app.example.com/\"\n    status = outputs.v\n  }")
	const bad = `unit.hcl:4:14: Invalid status; status must be a code such as 200, a class such as "4xx", or a list of them: [401, 403].`
	list := func(vs ...cty.Value) cty.Value { return cty.TupleVal(vs) }
	for _, tt := range []struct {
		in   cty.Value
		want []StatusRange
		diag string
	}{
		{cty.NumberIntVal(100), []StatusRange{{100, 100}}, ""},
		{cty.NumberIntVal(599), []StatusRange{{599, 599}}, ""},
		{cty.StringVal("204"), []StatusRange{{204, 204}}, ""},
		{cty.StringVal("1xx"), []StatusRange{{100, 199}}, ""},
		{cty.StringVal("5XX"), []StatusRange{{500, 599}}, ""},
		{list(cty.NumberIntVal(401), cty.NullVal(cty.Number), cty.StringVal("3xx")), []StatusRange{{401, 401}, {300, 399}}, ""},
		{cty.ListVal([]cty.Value{cty.NumberIntVal(201)}), []StatusRange{{201, 201}}, ""},
		{cty.SetVal([]cty.Value{cty.NumberIntVal(202)}), []StatusRange{{202, 202}}, ""},
		{cty.NullVal(cty.Number), []StatusRange{{200, 299}}, ""},
		{cty.NumberIntVal(99), nil, bad},
		{cty.NumberIntVal(600), nil, bad},
		{cty.NumberFloatVal(200.5), nil, bad},
		{cty.StringVal("6xx"), nil, bad},
		{cty.StringVal("ok"), nil, bad},
		{list(), nil, bad},
		{list(cty.NullVal(cty.Number)), nil, bad},
		{list(cty.NumberIntVal(200), cty.True), nil, bad},
	} {
		spec, diags := check(tt.in)
		wantDiag(t, tt.in.GoString(), diags, tt.diag)
		if tt.want == nil {
			tt.want = []StatusRange{{200, 299}} // the default, when status is refused
		}
		if !slices.Equal(spec.HTTP.Status, tt.want) {
			t.Errorf("status = %#v: %v, want %v", tt.in, spec.HTTP.Status, tt.want)
		}
	}
}

func TestVerifyMethodAndURL(t *testing.T) {
	method := checkWith(t, "  http {\n    url    = \"https://app.example.com/\"\n    method = outputs.v\n  }")
	for in, want := range map[string]string{"post": "POST", "HEAD": "HEAD", "": "GET", "GET /": "GET", "pöst": "GET"} {
		spec, diags := method(cty.StringVal(in))
		diag := ""
		if in == "GET /" || in == "pöst" {
			diag = "unit.hcl:4:14: Invalid method; method is an HTTP method such as GET, HEAD or POST."
		}
		wantDiag(t, in, diags, diag)
		if spec.HTTP.Method != want {
			t.Errorf("method = %q: %q, want %q", in, spec.HTTP.Method, want)
		}
	}
	url := checkWith(t, "  http { url = outputs.v }")
	for in, ok := range map[string]bool{
		"https://app.example.com/health": true, "http://10.0.0.1:8080": true, "": true,
		"ftp://app.example.com/": false, "https:///health": false, "app.example.com": false, "https://a b/%zz": false,
	} {
		spec, diags := url(cty.StringVal(in))
		want, diag := in, ""
		if !ok {
			want, diag = "", "unit.hcl:2:16: Invalid URL; url must be an absolute http:// or https:// URL."
		}
		wantDiag(t, in, diags, diag)
		if spec.HTTP.URL != want {
			t.Errorf("url = %q: %q, want %q", in, spec.HTTP.URL, want)
		}
	}
}

// Headers are sorted by name; a header named like a credential, or whose
// value is sensitive, is secret, and so is its value.
func TestVerifyHeaders(t *testing.T) {
	check := checkWith(t, "  http {\n    url     = \"https://app.example.com/\"\n    headers = outputs.v\n  }")
	spec, diags := check(cty.ObjectVal(map[string]cty.Value{
		"Authorization": cty.StringVal("Bearer t0ken"),
		"Accept":        cty.StringVal("application/json"),
		"X-Empty":       cty.NullVal(cty.String),
		"X-Count":       cty.NumberIntVal(3),
	}))
	wantDiag(t, "headers", diags, "")
	want := []Header{{"Accept", "application/json", false}, {"Authorization", "Bearer t0ken", true}, {"X-Count", "3", false}}
	if !slices.Equal(spec.HTTP.Headers, want) || !slices.Equal(spec.Secrets, []string{"Bearer t0ken"}) {
		t.Errorf("headers %+v, secrets %q; want %+v", spec.HTTP.Headers, spec.Secrets, want)
	}
	// A sensitive value is secret whatever its name.
	spec, _ = check(cty.ObjectVal(map[string]cty.Value{"X-Trace": cty.StringVal("abcd").Mark(Sensitive)}))
	if want := []Header{{"X-Trace", "abcd", true}}; !slices.Equal(spec.HTTP.Headers, want) || !slices.Contains(spec.Secrets, "abcd") {
		t.Errorf("headers %+v, secrets %q; want %+v", spec.HTTP.Headers, spec.Secrets, want)
	}
	for _, in := range []cty.Value{cty.StringVal("Accept: */*"), cty.ObjectVal(map[string]cty.Value{"Accept": cty.ListValEmpty(cty.String)})} {
		spec, diags = check(in)
		wantDiag(t, in.GoString(), diags, "unit.hcl:4:15: Invalid headers; headers must be a map of strings.")
		if spec.HTTP.Headers != nil {
			t.Errorf("headers = %#v: %+v", in, spec.HTTP.Headers)
		}
	}
}

func TestVerifyHTTPMatches(t *testing.T) {
	check := checkWith(t, `  http {
    url              = "https://app.example.com/"
    body             = outputs.v.body
    body_match       = outputs.v.body_match
    header_match     = outputs.v.header_match
    follow_redirects = outputs.v.follow
  }`)
	spec, diags := check(cty.ObjectVal(map[string]cty.Value{
		"body": cty.StringVal(`{"q":1}`), "body_match": cty.StringVal(`"ok":\s*true`), "follow": cty.True,
		"header_match": cty.MapVal(map[string]cty.Value{"Content-Type": cty.StringVal("^application/json"), "X-Id": cty.StringVal("[0-9]+")}),
	}))
	wantDiag(t, "matches", diags, "")
	h := spec.HTTP
	if h.Body != `{"q":1}` || h.BodyMatch == nil || h.BodyMatch.String() != `"ok":\s*true` || !h.FollowRedirects {
		t.Errorf("http: %+v", h)
	}
	if len(h.HeaderMatch) != 2 || h.HeaderMatch[0].Name != "Content-Type" || h.HeaderMatch[0].Pattern.String() != "^application/json" ||
		h.HeaderMatch[1].Name != "X-Id" || h.HeaderMatch[1].Pattern.String() != "[0-9]+" {
		t.Errorf("header_match: %+v", h.HeaderMatch)
	}
	spec, diags = check(cty.ObjectVal(map[string]cty.Value{
		"body": cty.NullVal(cty.String), "body_match": cty.StringVal(""), "follow": cty.False,
		"header_match": cty.MapVal(map[string]cty.Value{"Content-Type": cty.StringVal("json("), "X-Id": cty.StringVal("1")}),
	}))
	wantDiag(t, "bad header_match", diags, `unit.hcl:6:24: Invalid regular expression; "json(": `)
	if h := spec.HTTP; h.Body != "" || h.BodyMatch != nil || h.FollowRedirects || len(h.HeaderMatch) != 1 || h.HeaderMatch[0].Name != "X-Id" {
		t.Errorf("http: %+v", h)
	}
}

func TestVerifyDNS(t *testing.T) {
	check := checkWith(t, "  dns {\n    name   = \"app.example.com\"\n    type   = outputs.v.type\n    expect = outputs.v.expect\n  }")
	for _, tt := range []struct {
		typ, wantType string
		expect        cty.Value
		want          []string
		diag          string
	}{
		{"aaaa", "AAAA", cty.StringVal("2001:db8::1"), []string{"2001:db8::1"}, ""},
		{"", "", cty.TupleVal([]cty.Value{cty.StringVal("10.0.0.1"), cty.NullVal(cty.String), cty.NumberIntVal(7)}), []string{"10.0.0.1", "7"}, ""},
		{"CNAME", "CNAME", cty.NullVal(cty.String), nil, ""},
		{"MX", "MX", cty.ListValEmpty(cty.String), nil, "unit.hcl:4:14: Invalid DNS type; type is one of A, AAAA, CNAME or TXT"},
		{"TXT", "TXT", cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("b")}), nil,
			"unit.hcl:5:14: Invalid expect; expect must be a string or a list of strings."},
	} {
		spec, diags := check(cty.ObjectVal(map[string]cty.Value{"type": cty.StringVal(tt.typ), "expect": tt.expect}))
		wantDiag(t, tt.typ, diags, tt.diag)
		if n := spec.DNS; n.Name != "app.example.com" || n.Type != tt.wantType || !slices.Equal(n.Expect, tt.want) {
			t.Errorf("%q: %+v, want type %q, expect %q", tt.typ, n, tt.wantType, tt.want)
		}
	}
}

func TestVerifyJWTIssuer(t *testing.T) {
	check := checkWith(t, `  jwt_issuer {
    token_url   = "https://auth.example.com/token"
    method      = outputs.v
    headers     = { "X-Api-Key" = "k-1" }
    body        = "grant_type=client_credentials"
    token_field = "id_token"
    issuer      = "https://auth.example.com/"
  }`)
	spec, diags := check(cty.NullVal(cty.String))
	wantDiag(t, "jwt", diags, "")
	want := JWTIssuerCheck{TokenURL: "https://auth.example.com/token", Method: "POST", Headers: []Header{{"X-Api-Key", "k-1", true}},
		Body: "grant_type=client_credentials", TokenField: "id_token", Issuer: "https://auth.example.com/"}
	j := spec.JWTIssuer
	if j == nil || j.TokenURL != want.TokenURL || j.DiscoveryURL != "" || j.Method != want.Method || !slices.Equal(j.Headers, want.Headers) ||
		j.Body != want.Body || j.TokenField != want.TokenField || j.Issuer != want.Issuer {
		t.Errorf("jwt_issuer %+v, want %+v", j, want)
	}
	if !slices.Equal(spec.Secrets, []string{"k-1"}) {
		t.Errorf("secrets %q", spec.Secrets)
	}
	if spec, _ = check(cty.StringVal("put")); spec.JWTIssuer.Method != "PUT" {
		t.Errorf("method: %+v", spec.JWTIssuer)
	}
}
