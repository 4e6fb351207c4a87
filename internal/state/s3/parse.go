package s3

import (
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/stackctl/stackctl/internal/awsconf"
	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
)

// FromConfig reads a unit's rendered s3 backend. It refuses settings
// Terraform 1.11 does not know, conflicting pairs Terraform refuses, and
// values of the wrong type; errors never contain secret values.
func FromConfig(b config.Backend) (Settings, error) {
	if b.Type != config.BackendS3 {
		return Settings{}, fmt.Errorf("backend is %q, not s3", b.Type)
	}
	r := reader{cfg: b.Config}
	s := Settings{
		Bucket: r.str("bucket"),
		Key:    r.str("key"),
		Region: r.str("region"),

		WorkspaceKeyPrefix: r.str("workspace_key_prefix"),

		Encrypt:        r.boolean("encrypt"),
		KMSKeyID:       r.str("kms_key_id"),
		SSECustomerKey: Secret(r.str("sse_customer_key")),
		ACL:            r.str("acl"),

		DynamoDBTable: r.str("dynamodb_table"),
		UseLockfile:   r.boolean("use_lockfile"),

		Profile:                r.str("profile"),
		AccessKey:              Secret(r.str("access_key")),
		SecretKey:              Secret(r.str("secret_key")),
		Token:                  Secret(r.str("token")),
		SharedCredentialsFiles: r.list("shared_credentials_files"),
		SharedConfigFiles:      r.list("shared_config_files"),
		STSRegion:              r.str("sts_region"),

		SkipCredentialsValidation: r.boolean("skip_credentials_validation"),
		SkipRegionValidation:      r.boolean("skip_region_validation"),
		SkipRequestingAccountID:   r.boolean("skip_requesting_account_id"),
		SkipMetadataAPICheck:      r.optBool("skip_metadata_api_check"),
		SkipS3Checksum:            r.boolean("skip_s3_checksum"),

		EC2MetadataServiceEndpoint:     r.str("ec2_metadata_service_endpoint"),
		EC2MetadataServiceEndpointMode: r.str("ec2_metadata_service_endpoint_mode"),
		MaxRetries:                     r.integer("max_retries"),
		RetryMode:                      r.str("retry_mode"),
		CustomCABundle:                 r.str("custom_ca_bundle"),
		Insecure:                       r.boolean("insecure"),
		HTTPProxy:                      r.str("http_proxy"),
		HTTPSProxy:                     r.str("https_proxy"),
		NoProxy:                        r.str("no_proxy"),
		UseFIPSEndpoint:                r.boolean("use_fips_endpoint"),
		UseDualStackEndpoint:           r.boolean("use_dualstack_endpoint"),
		AllowedAccountIDs:              r.list("allowed_account_ids"),
		ForbiddenAccountIDs:            r.list("forbidden_account_ids"),
	}

	// Deprecated spellings, refused together with their replacement as
	// Terraform does.
	ep := r.object("endpoints", "dynamodb", "iam", "s3", "sso", "sts")
	s.Endpoints = Endpoints{S3: ep.str("s3"), DynamoDB: ep.str("dynamodb"), STS: ep.str("sts"), IAM: ep.str("iam"), SSO: ep.str("sso")}
	for _, d := range []struct {
		old  string
		into *string
		repl string
	}{
		{"endpoint", &s.Endpoints.S3, "endpoints.s3"},
		{"dynamodb_endpoint", &s.Endpoints.DynamoDB, "endpoints.dynamodb"},
		{"iam_endpoint", &s.Endpoints.IAM, "endpoints.iam"},
		{"sts_endpoint", &s.Endpoints.STS, "endpoints.sts"},
	} {
		if v := r.str(d.old); v != "" {
			if *d.into != "" {
				r.fail("%s and %s cannot be set together (%s is the deprecated spelling)", d.old, d.repl, d.old)
			}
			*d.into = v
		}
	}
	s.UsePathStyle = r.boolean("use_path_style")
	if _, ok := b.Config["force_path_style"]; ok {
		if _, both := b.Config["use_path_style"]; both {
			r.fail("force_path_style and use_path_style cannot be set together (force_path_style is the deprecated spelling)")
		}
		s.UsePathStyle = r.boolean("force_path_style")
	}
	if f := r.str("shared_credentials_file"); f != "" {
		if len(s.SharedCredentialsFiles) > 0 {
			r.fail("shared_credentials_file and shared_credentials_files cannot be set together")
		}
		s.SharedCredentialsFiles = []string{f}
	}

	if ar := r.object("assume_role", "role_arn", "session_name", "external_id", "duration", "policy", "policy_arns",
		"source_identity", "tags", "transitive_tag_keys"); !ar.null {
		s.AssumeRole = &awsconf.AssumeRole{
			RoleARN:           ar.str("role_arn"),
			SessionName:       ar.str("session_name"),
			ExternalID:        ar.str("external_id"),
			Duration:          ar.duration("duration"),
			Policy:            ar.str("policy"),
			PolicyARNs:        ar.list("policy_arns"),
			SourceIdentity:    ar.str("source_identity"),
			Tags:              ar.stringMap("tags"),
			TransitiveTagKeys: ar.list("transitive_tag_keys"),
		}
		if s.AssumeRole.RoleARN == "" {
			r.fail("assume_role.role_arn is required")
		}
	}
	if wi := r.object("assume_role_with_web_identity", "role_arn", "session_name", "duration", "policy", "policy_arns",
		"web_identity_token", "web_identity_token_file"); !wi.null {
		s.WebIdentity = &WebIdentity{
			RoleARN:     wi.str("role_arn"),
			SessionName: wi.str("session_name"),
			Duration:    wi.duration("duration"),
			Policy:      wi.str("policy"),
			PolicyARNs:  wi.list("policy_arns"),
			Token:       Secret(wi.str("web_identity_token")),
			TokenFile:   wi.str("web_identity_token_file"),
		}
		if s.WebIdentity.RoleARN == "" {
			r.fail("assume_role_with_web_identity.role_arn is required")
		}
		if (s.WebIdentity.Token == "") == (s.WebIdentity.TokenFile == "") {
			r.fail("assume_role_with_web_identity needs exactly one of web_identity_token and web_identity_token_file")
		}
	}

	for _, name := range slices.Sorted(maps.Keys(b.Config)) {
		if !knownSetting(name) {
			r.fail("unknown setting %q (Terraform's s3 backend does not accept it)", name)
		}
	}
	switch {
	case s.Bucket == "":
		r.fail("bucket is required")
	case s.Key == "":
		r.fail("key is required")
	case strings.HasPrefix(s.Key, "/") || strings.HasSuffix(s.Key, "/") || strings.Contains(s.Key, "//"):
		r.fail("key %q must not start or end with \"/\" nor contain \"//\"", s.Key)
	}
	if s.KMSKeyID != "" && s.SSECustomerKey != "" {
		r.fail("kms_key_id and sse_customer_key cannot be set together")
	}
	if s.SSECustomerKey != "" {
		if k, err := base64.StdEncoding.DecodeString(s.SSECustomerKey.Value()); err != nil || len(k) != 32 {
			r.fail("sse_customer_key must be 32 bytes, base64-encoded (44 characters)")
		}
	}
	if (s.AccessKey == "") != (s.SecretKey == "") {
		r.fail("access_key and secret_key must be set together")
	}
	if len(r.errs) > 0 {
		where := "s3 remote_state config"
		if b.Range.Filename != "" {
			where = diag.At(b.Range) + ": " + where
		}
		return Settings{}, fmt.Errorf("%s: %w", where, errors.Join(r.errs...))
	}
	return s, nil
}

// knownSetting reports whether name is in Terraform 1.11's s3 backend
// schema.
func knownSetting(name string) bool {
	switch name {
	case "bucket", "key", "region", "allowed_account_ids", "forbidden_account_ids",
		"dynamodb_endpoint", "ec2_metadata_service_endpoint", "ec2_metadata_service_endpoint_mode", "endpoint", "endpoints",
		"iam_endpoint", "sts_endpoint", "sts_region", "encrypt", "acl", "access_key", "secret_key", "kms_key_id", "dynamodb_table",
		"use_lockfile", "profile", "retry_mode", "shared_config_files", "shared_credentials_file", "shared_credentials_files",
		"token", "skip_credentials_validation", "skip_requesting_account_id", "skip_metadata_api_check",
		"skip_region_validation", "skip_s3_checksum", "sse_customer_key", "workspace_key_prefix", "force_path_style",
		"use_path_style", "max_retries", "assume_role", "assume_role_with_web_identity", "custom_ca_bundle", "http_proxy",
		"https_proxy", "no_proxy", "insecure", "use_fips_endpoint", "use_dualstack_endpoint":
		return true
	}
	return false
}

// reader converts settings, collecting every error.
type reader struct {
	cfg    map[string]cty.Value
	prefix string
	null   bool
	errs   []error
	parent *reader
}

func (r *reader) fail(format string, args ...any) {
	root := r
	for root.parent != nil {
		root = root.parent
	}
	root.errs = append(root.errs, fmt.Errorf(format, args...))
}

func (r *reader) get(name string, ty cty.Type) (cty.Value, bool) {
	v, ok := r.cfg[name]
	if !ok {
		return cty.NilVal, false
	}
	v, _ = v.UnmarkDeep()
	if v.IsNull() {
		return cty.NilVal, false
	}
	if !v.IsWhollyKnown() {
		r.fail("%s%s is not known when the configuration is read", r.prefix, name)
		return cty.NilVal, false
	}
	c, err := convert.Convert(v, ty)
	if err != nil {
		// The value itself is left out: it may be a secret.
		r.fail("%s%s must be %s, not %s", r.prefix, name, ty.FriendlyName(), v.Type().FriendlyName())
		return cty.NilVal, false
	}
	return c, true
}

func (r *reader) str(name string) string {
	if v, ok := r.get(name, cty.String); ok {
		return v.AsString()
	}
	return ""
}

func (r *reader) boolean(name string) bool {
	b := r.optBool(name)
	return b != nil && *b
}

func (r *reader) optBool(name string) *bool {
	if v, ok := r.get(name, cty.Bool); ok {
		b := v.True()
		return &b
	}
	return nil
}

func (r *reader) integer(name string) int {
	v, ok := r.get(name, cty.Number)
	if !ok {
		return 0
	}
	bf := v.AsBigFloat()
	if !bf.IsInt() || bf.Sign() < 0 || bf.Cmp(big.NewFloat(100)) > 0 {
		r.fail("%s%s must be a whole number between 0 and 100", r.prefix, name)
		return 0
	}
	i, _ := bf.Int64()
	return int(i)
}

func (r *reader) list(name string) []string {
	v, ok := r.get(name, cty.List(cty.String))
	if !ok {
		return nil
	}
	var out []string
	for _, e := range v.AsValueSlice() {
		if !e.IsNull() {
			out = append(out, e.AsString())
		}
	}
	return out
}

func (r *reader) stringMap(name string) map[string]string {
	v, ok := r.get(name, cty.Map(cty.String))
	if !ok {
		return nil
	}
	out := map[string]string{}
	for k, e := range v.AsValueMap() {
		if !e.IsNull() {
			out[k] = e.AsString()
		}
	}
	return out
}

func (r *reader) duration(name string) time.Duration {
	s := r.str(name)
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 15*time.Minute || d > 12*time.Hour {
		r.fail("%s%s must be a duration between 15m and 12h, such as \"1h\"", r.prefix, name)
		return 0
	}
	return d
}

// object reads a nested object setting whose attribute names must be
// among allowed.
func (r *reader) object(name string, allowed ...string) *reader {
	sub := &reader{cfg: map[string]cty.Value{}, prefix: r.prefix + name + ".", null: true, parent: r}
	v, ok := r.cfg[name]
	if !ok {
		return sub
	}
	v, _ = v.UnmarkDeep()
	if v.IsNull() {
		return sub
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		r.fail("%s%s must be an object, not %s", r.prefix, name, v.Type().FriendlyName())
		return sub
	}
	if !v.IsWhollyKnown() {
		r.fail("%s%s is not known when the configuration is read", r.prefix, name)
		return sub
	}
	sub.null = false
	sub.cfg = v.AsValueMap()
	ok2 := map[string]bool{}
	for _, a := range allowed {
		ok2[a] = true
	}
	for _, k := range slices.Sorted(maps.Keys(sub.cfg)) {
		if !ok2[k] {
			r.fail("%s%s: unknown attribute %q (allowed: %s)", r.prefix, name, k, strings.Join(allowed, ", "))
		}
	}
	return sub
}
