package awsconf

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go/logging"
)

// DialTimeout bounds connecting to an AWS endpoint. The SDK's default (30 s
// per attempt, three attempts) turns a wrong endpoint into a minute and a
// half of silence; an endpoint that has not accepted a connection within
// a few seconds is not going to.
const DialTimeout = 3 * time.Second

// Options is everything a Terraform S3 backend (or a provider block) can
// say about how to reach AWS. Zero fields keep the SDK's defaults, which
// read the environment (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_<SERVICE>, shared files, IMDS...). Per-service endpoint
// overrides are not here: they belong to each client (see the s3 state
// backend).
type Options struct {
	Region  string
	Profile string

	// Static credentials; when AccessKey is set they win over profiles and
	// the environment, as in Terraform.
	AccessKey    string
	SecretKey    string
	SessionToken string

	SharedCredentialsFiles []string
	SharedConfigFiles      []string

	// Base, when set, replaces the default chain's credentials (an
	// environment's assumed role: Shared); static keys and a profile still
	// win over it, and role steps chain on top of it.
	Base *Shared

	AssumeRole                *AssumeRole
	AssumeRoleWithWebIdentity *AssumeRoleWithWebIdentity
	// STSEndpoint and STSRegion apply to the STS client used to assume roles.
	STSEndpoint string
	STSRegion   string

	// IMDS is nil to keep the default (AWS_EC2_METADATA_DISABLED decides),
	// false to disable the instance metadata service, true to force it on.
	IMDS             *bool
	IMDSEndpoint     string
	IMDSEndpointMode string // "IPv4" or "IPv6"

	// MaxAttempts is the number of tries per request, the first included; 0
	// keeps the SDK default (3).
	MaxAttempts int
	RetryMode   aws.RetryMode

	CustomCABundle string // path of a PEM file
	Insecure       bool   // skip TLS verification
	HTTPProxy      string
	HTTPSProxy     string
	NoProxy        string

	UseFIPSEndpoint      bool
	UseDualStackEndpoint bool
}

// AssumeRole is an sts:AssumeRole step on top of the base credentials.
type AssumeRole struct {
	RoleARN           string
	SessionName       string
	ExternalID        string
	Duration          time.Duration
	Policy            string
	PolicyARNs        []string
	SourceIdentity    string
	Tags              map[string]string
	TransitiveTagKeys []string
}

// AssumeRoleWithWebIdentity is an sts:AssumeRoleWithWebIdentity step; one of
// WebIdentityToken and WebIdentityTokenFile is set.
type AssumeRoleWithWebIdentity struct {
	RoleARN              string
	SessionName          string
	Duration             time.Duration
	Policy               string
	PolicyARNs           []string
	WebIdentityToken     string
	WebIdentityTokenFile string
}

// LoadWith returns an AWS configuration built from o on top of the default
// chain. It makes no network call: credentials are fetched on first use.
// Errors name the setting at fault and never contain secret values.
func LoadWith(ctx context.Context, o Options) (aws.Config, error) {
	if (o.AccessKey == "") != (o.SecretKey == "") {
		return aws.Config{}, errors.New("AWS credentials: access_key and secret_key must be set together")
	}
	httpClient, err := o.httpClient()
	if err != nil {
		return aws.Config{}, err
	}
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithHTTPClient(httpClient)}
	if o.Region != "" {
		opts = append(opts, awsconfig.WithRegion(o.Region))
	}
	if o.Profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(o.Profile))
	}
	if len(o.SharedCredentialsFiles) > 0 {
		opts = append(opts, awsconfig.WithSharedCredentialsFiles(expandHome(o.SharedCredentialsFiles)))
	}
	if len(o.SharedConfigFiles) > 0 {
		opts = append(opts, awsconfig.WithSharedConfigFiles(expandHome(o.SharedConfigFiles)))
	}
	if o.AccessKey != "" {
		opts = append(opts, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, o.SessionToken)))
	}
	if o.IMDS != nil {
		state := imds.ClientDisabled
		if *o.IMDS {
			state = imds.ClientEnabled
		}
		opts = append(opts, awsconfig.WithEC2IMDSClientEnableState(state))
	}
	if o.IMDSEndpoint != "" {
		opts = append(opts, awsconfig.WithEC2IMDSEndpoint(o.IMDSEndpoint))
	}
	if o.IMDSEndpointMode != "" {
		var mode imds.EndpointModeState
		if err := mode.SetFromString(o.IMDSEndpointMode); err != nil {
			return aws.Config{}, fmt.Errorf("ec2_metadata_service_endpoint_mode: %w", err)
		}
		opts = append(opts, awsconfig.WithEC2IMDSEndpointMode(mode))
	}
	if o.MaxAttempts > 0 {
		opts = append(opts, awsconfig.WithRetryMaxAttempts(o.MaxAttempts))
	}
	if o.RetryMode != "" {
		opts = append(opts, awsconfig.WithRetryMode(o.RetryMode))
	}
	if o.CustomCABundle != "" {
		f, err := os.Open(o.CustomCABundle)
		if err != nil {
			return aws.Config{}, fmt.Errorf("custom_ca_bundle: %w", err)
		}
		defer f.Close()
		opts = append(opts, awsconfig.WithCustomCABundle(f))
	}
	if o.UseFIPSEndpoint {
		opts = append(opts, awsconfig.WithUseFIPSEndpoint(aws.FIPSEndpointStateEnabled))
	}
	if o.UseDualStackEndpoint {
		opts = append(opts, awsconfig.WithUseDualStackEndpoint(aws.DualStackEndpointStateEnabled))
	}

	// The SDK logs warnings (an IMDSv1 fallback, a retry) to stderr by
	// itself; stackctl reports errors in its own words instead.
	opts = append(opts, awsconfig.WithLogger(logging.Nop{}))
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var prof awsconfig.SharedConfigProfileNotExistError
		if errors.As(err, &prof) {
			files := prof.Filename
			if len(files) == 0 {
				files = append(append([]string{}, o.SharedConfigFiles...), o.SharedCredentialsFiles...)
			}
			where := strings.Join(files, ", ")
			if where == "" {
				where = "~/.aws/config and ~/.aws/credentials, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE"
			}
			return aws.Config{}, fmt.Errorf("AWS profile %q is not defined in %s: add it, or fix profile in remote_state config / AWS_PROFILE",
				prof.Profile, where)
		}
		return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}

	if p := o.Base.Get(); p != nil && o.AccessKey == "" && o.Profile == "" {
		cfg.Credentials = p
	}
	// Role steps chain as in Terraform: web identity first, then
	// assume_role on top of whatever credentials came before.
	if ar := o.AssumeRoleWithWebIdentity; ar != nil {
		var tok stscreds.IdentityTokenRetriever = stscreds.IdentityTokenFile(ar.WebIdentityTokenFile)
		if ar.WebIdentityToken != "" {
			tok = staticToken(ar.WebIdentityToken)
		}
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewWebIdentityRoleProvider(o.stsClient(cfg), ar.RoleARN, tok,
			func(wo *stscreds.WebIdentityRoleOptions) {
				wo.RoleSessionName = ar.SessionName
				wo.Duration = ar.Duration
				wo.Policy = optString(ar.Policy)
				wo.PolicyARNs = policyARNs(ar.PolicyARNs)
			}))
	}
	if ar := o.AssumeRole; ar != nil {
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(o.stsClient(cfg), ar.RoleARN,
			func(ao *stscreds.AssumeRoleOptions) {
				if ar.SessionName != "" {
					ao.RoleSessionName = ar.SessionName
				}
				if ar.Duration > 0 {
					ao.Duration = ar.Duration
				}
				ao.ExternalID = optString(ar.ExternalID)
				ao.Policy = optString(ar.Policy)
				ao.PolicyARNs = policyARNs(ar.PolicyARNs)
				ao.SourceIdentity = optString(ar.SourceIdentity)
				for k, v := range ar.Tags {
					ao.Tags = append(ao.Tags, ststypes.Tag{Key: aws.String(k), Value: aws.String(v)})
				}
				ao.TransitiveTagKeys = ar.TransitiveTagKeys
			}))
	}
	return cfg, nil
}

// stsClient is the client that assumes roles, with cfg's current
// credentials.
func (o Options) stsClient(cfg aws.Config) *sts.Client {
	return sts.NewFromConfig(cfg, func(so *sts.Options) {
		if o.STSEndpoint != "" {
			so.BaseEndpoint = aws.String(o.STSEndpoint)
		}
		if o.STSRegion != "" {
			so.Region = o.STSRegion
		}
	})
}

// httpClient is the SDK's own client with a bounded dial, plus the proxy
// and TLS settings Terraform's backend accepts.
func (o Options) httpClient() (*awshttp.BuildableClient, error) {
	c := awshttp.NewBuildableClient().WithDialerOptions(func(d *net.Dialer) { d.Timeout = DialTimeout })
	if o.Insecure {
		c = c.WithTransportOptions(func(t *http.Transport) {
			if t.TLSClientConfig == nil {
				t.TLSClientConfig = &tls.Config{}
			}
			t.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // asked for with insecure = true
		})
	}
	if o.HTTPProxy != "" || o.HTTPSProxy != "" {
		proxy, err := proxyFunc(o.HTTPProxy, o.HTTPSProxy, o.NoProxy)
		if err != nil {
			return nil, err
		}
		c = c.WithTransportOptions(func(t *http.Transport) { t.Proxy = proxy })
	}
	return c, nil
}

// proxyFunc follows Terraform's legacy proxy mode: http_proxy serves both
// schemes unless https_proxy is given; hosts in no_proxy go direct.
func proxyFunc(httpProxy, httpsProxy, noProxy string) (func(*http.Request) (*url.URL, error), error) {
	parse := func(name, s string) (*url.URL, error) {
		if s == "" {
			return nil, nil
		}
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("%s: %q is not a URL (want http://host:port)", name, redactURL(s))
		}
		return u, nil
	}
	hp, err := parse("http_proxy", httpProxy)
	if err != nil {
		return nil, err
	}
	hsp, err := parse("https_proxy", httpsProxy)
	if err != nil {
		return nil, err
	}
	if hsp == nil {
		hsp = hp
	}
	var skip []string
	for _, h := range strings.Split(noProxy, ",") {
		if h = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(h), "*"), "."); h != "" {
			skip = append(skip, h)
		}
	}
	all := strings.TrimSpace(noProxy) == "*"
	return func(r *http.Request) (*url.URL, error) {
		host := r.URL.Hostname()
		if all {
			return nil, nil
		}
		// An entry matches the host itself and its subdomains, as in
		// NO_PROXY.
		for _, s := range skip {
			if host == s || strings.HasSuffix(host, "."+s) {
				return nil, nil
			}
		}
		if r.URL.Scheme == "https" {
			return hsp, nil
		}
		return hp, nil
	}, nil
}

// redactURL drops a password from a URL for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if i := strings.LastIndex(s, "@"); i >= 0 {
			return "…@" + s[i+1:]
		}
		return s
	}
	return u.Redacted()
}

func expandHome(paths []string) []string {
	home, err := os.UserHomeDir()
	out := make([]string, len(paths))
	for i, p := range paths {
		if err == nil && (p == "~" || strings.HasPrefix(p, "~/")) {
			p = home + p[1:]
		}
		out[i] = p
	}
	return out
}

type staticToken string

func (t staticToken) GetIdentityToken() ([]byte, error) { return []byte(t), nil }

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func policyARNs(arns []string) []ststypes.PolicyDescriptorType {
	var out []ststypes.PolicyDescriptorType
	for _, a := range arns {
		out = append(out, ststypes.PolicyDescriptorType{Arn: aws.String(a)})
	}
	return out
}
