package s3

import (
	"encoding/json"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/stackctl/stackctl/internal/awsconf"
)

// AWSOptions maps the settings onto the SDK configuration, adding the
// environment variables Terraform's backend reads and the Go SDK does not
// (AWS_DEFAULT_REGION, AWS_SHARED_CONFIG_FILE, AWS_STS_ENDPOINT).
func (s Settings) AWSOptions() awsconf.Options {
	o := awsconf.Options{
		Region:                 s.Region,
		Profile:                s.Profile,
		AccessKey:              s.AccessKey.Value(),
		SecretKey:              s.SecretKey.Value(),
		SessionToken:           s.Token.Value(),
		SharedCredentialsFiles: s.SharedCredentialsFiles,
		SharedConfigFiles:      s.SharedConfigFiles,
		AssumeRole:             s.AssumeRole,
		STSEndpoint:            s.Endpoints.STS,
		STSRegion:              s.STSRegion,
		IMDSEndpoint:           s.EC2MetadataServiceEndpoint,
		IMDSEndpointMode:       s.EC2MetadataServiceEndpointMode,
		RetryMode:              aws.RetryMode(s.RetryMode),
		CustomCABundle:         s.CustomCABundle,
		Insecure:               s.Insecure,
		HTTPProxy:              s.HTTPProxy,
		HTTPSProxy:             s.HTTPSProxy,
		NoProxy:                s.NoProxy,
		UseFIPSEndpoint:        s.UseFIPSEndpoint,
		UseDualStackEndpoint:   s.UseDualStackEndpoint,
	}
	if s.MaxRetries > 0 {
		o.MaxAttempts = s.MaxRetries + 1
	}
	if s.SkipMetadataAPICheck != nil {
		enabled := !*s.SkipMetadataAPICheck
		o.IMDS = &enabled
	}
	if o.Region == "" && os.Getenv("AWS_REGION") == "" {
		o.Region = os.Getenv("AWS_DEFAULT_REGION")
	}
	if len(o.SharedConfigFiles) == 0 && os.Getenv("AWS_CONFIG_FILE") == "" {
		if f := os.Getenv("AWS_SHARED_CONFIG_FILE"); f != "" {
			o.SharedConfigFiles = []string{f}
		}
	}
	if o.STSEndpoint == "" && os.Getenv("AWS_ENDPOINT_URL_STS") == "" {
		o.STSEndpoint = os.Getenv("AWS_STS_ENDPOINT")
	}
	if wi := s.WebIdentity; wi != nil {
		o.AssumeRoleWithWebIdentity = &awsconf.AssumeRoleWithWebIdentity{
			RoleARN: wi.RoleARN, SessionName: wi.SessionName, Duration: wi.Duration, Policy: wi.Policy,
			PolicyARNs: wi.PolicyARNs, WebIdentityToken: wi.Token.Value(), WebIdentityTokenFile: wi.TokenFile,
		}
	}
	return o
}

// connectionKey identifies the settings that shape the AWS configuration,
// so that units with the same connection share one (and one credentials
// cache: one AssumeRole call per invocation, not per unit). It is an
// in-memory map key only; it holds secrets and is never printed.
func (s Settings) connectionKey() string {
	// JSON rather than %#v: it follows pointers (assume_role), so equal
	// settings from different units give equal keys.
	k, _ := json.Marshal(s.AWSOptions())
	return string(k)
}
