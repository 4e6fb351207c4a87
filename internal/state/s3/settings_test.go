package s3

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
)

func s3Backend(cfg map[string]cty.Value) config.Backend {
	return config.Backend{Type: config.BackendS3, Config: cfg}
}

func TestFromConfig(t *testing.T) {
	base := func(extra map[string]cty.Value) map[string]cty.Value {
		m := map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal("app/terraform.tfstate")}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		cfg     map[string]cty.Value
		check   func(t *testing.T, s Settings)
		wantErr string
	}{
		{
			name: "full",
			cfg: base(map[string]cty.Value{
				"region": cty.StringVal("eu-west-1"),
				"endpoints": cty.ObjectVal(map[string]cty.Value{
					"s3": cty.StringVal("http://s3.local"), "dynamodb": cty.StringVal("http://ddb.local"),
					"sts": cty.StringVal("http://sts.local"), "iam": cty.StringVal("http://iam.local"),
				}),
				"use_path_style":              cty.True,
				"encrypt":                     cty.True,
				"kms_key_id":                  cty.StringVal("alias/state"),
				"dynamodb_table":              cty.StringVal("locks"),
				"use_lockfile":                cty.True,
				"workspace_key_prefix":        cty.StringVal("ws"),
				"profile":                     cty.StringVal("ops"),
				"skip_credentials_validation": cty.True,
				"skip_region_validation":      cty.True,
				"skip_requesting_account_id":  cty.True,
				"skip_metadata_api_check":     cty.True,
				"shared_credentials_files":    cty.TupleVal([]cty.Value{cty.StringVal("/a"), cty.StringVal("/b")}),
				"max_retries":                 cty.NumberIntVal(7),
				"assume_role": cty.ObjectVal(map[string]cty.Value{
					"role_arn": cty.StringVal("arn:aws:iam::123456789012:role/state"), "session_name": cty.StringVal("stackctl"),
					"external_id": cty.StringVal("ext"), "duration": cty.StringVal("1h"),
				}),
			}),
			check: func(t *testing.T, s Settings) {
				want := Endpoints{S3: "http://s3.local", DynamoDB: "http://ddb.local", STS: "http://sts.local", IAM: "http://iam.local"}
				if s.Endpoints != want {
					t.Errorf("Endpoints = %+v, want %+v", s.Endpoints, want)
				}
				if !s.UsePathStyle || !s.Encrypt || !s.UseLockfile || s.DynamoDBTable != "locks" || s.KMSKeyID != "alias/state" {
					t.Errorf("flags not read: %+v", s)
				}
				if s.SkipMetadataAPICheck == nil || !*s.SkipMetadataAPICheck || !s.SkipCredentialsValidation || !s.SkipRegionValidation || !s.SkipRequestingAccountID {
					t.Errorf("skip flags not read: %+v", s)
				}
				if strings.Join(s.SharedCredentialsFiles, ",") != "/a,/b" || s.MaxRetries != 7 || s.Profile != "ops" {
					t.Errorf("lists/numbers not read: %+v", s)
				}
				ar := s.AssumeRole
				if ar == nil || ar.RoleARN != "arn:aws:iam::123456789012:role/state" || ar.SessionName != "stackctl" || ar.ExternalID != "ext" || ar.Duration != time.Hour {
					t.Errorf("assume_role = %+v", ar)
				}
				if got := s.AWSOptions(); got.MaxAttempts != 8 || got.IMDS == nil || *got.IMDS || got.STSEndpoint != "http://sts.local" {
					t.Errorf("AWSOptions = %+v", got)
				}
			},
		},
		{
			name: "deprecated spellings",
			cfg: base(map[string]cty.Value{
				"endpoint": cty.StringVal("http://s3.old"), "dynamodb_endpoint": cty.StringVal("http://ddb.old"),
				"force_path_style": cty.True, "shared_credentials_file": cty.StringVal("/creds"),
			}),
			check: func(t *testing.T, s Settings) {
				if s.Endpoints.S3 != "http://s3.old" || s.Endpoints.DynamoDB != "http://ddb.old" || !s.UsePathStyle {
					t.Errorf("deprecated settings not mapped: %+v", s)
				}
				if len(s.SharedCredentialsFiles) != 1 || s.SharedCredentialsFiles[0] != "/creds" {
					t.Errorf("shared_credentials_file not mapped: %v", s.SharedCredentialsFiles)
				}
			},
		},
		{
			// -backend-config style strings convert like Terraform converts them.
			name: "strings for bools and numbers",
			cfg:  base(map[string]cty.Value{"use_path_style": cty.StringVal("true"), "max_retries": cty.StringVal("2")}),
			check: func(t *testing.T, s Settings) {
				if !s.UsePathStyle || s.MaxRetries != 2 {
					t.Errorf("got %+v", s)
				}
			},
		},
		{
			name: "workspace key",
			cfg:  base(nil),
			check: func(t *testing.T, s Settings) {
				if s.ObjectKey() != "app/terraform.tfstate" || s.LockfileKey() != "app/terraform.tfstate.tflock" || s.LockID() != "b/app/terraform.tfstate" {
					t.Errorf("keys: %s %s %s", s.ObjectKey(), s.LockfileKey(), s.LockID())
				}
				s.Workspace = "blue"
				if s.ObjectKey() != "env:/blue/app/terraform.tfstate" {
					t.Errorf("workspace key = %s", s.ObjectKey())
				}
			},
		},
		{name: "marked values are read", cfg: base(map[string]cty.Value{"secret_key": cty.StringVal("s").Mark(config.Sensitive), "access_key": cty.StringVal("a")}),
			check: func(t *testing.T, s Settings) {
				if s.SecretKey.Value() != "s" || s.AccessKey.Value() != "a" {
					t.Errorf("keys not read")
				}
			}},
		{name: "missing bucket", cfg: map[string]cty.Value{"key": cty.StringVal("k")}, wantErr: "bucket is required"},
		{name: "missing key", cfg: map[string]cty.Value{"bucket": cty.StringVal("b")}, wantErr: "key is required"},
		{name: "bad key", cfg: map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal("/a//b")}, wantErr: `must not start or end with "/"`},
		{name: "unknown setting", cfg: base(map[string]cty.Value{"buckett": cty.StringVal("x")}), wantErr: `unknown setting "buckett"`},
		{name: "unknown endpoint", cfg: base(map[string]cty.Value{"endpoints": cty.ObjectVal(map[string]cty.Value{"ec2": cty.StringVal("x")})}), wantErr: `endpoints: unknown attribute "ec2"`},
		{name: "conflicting endpoint", cfg: base(map[string]cty.Value{"endpoint": cty.StringVal("http://a"), "endpoints": cty.ObjectVal(map[string]cty.Value{"s3": cty.StringVal("http://b")})}), wantErr: "endpoint and endpoints.s3 cannot be set together"},
		{name: "conflicting path style", cfg: base(map[string]cty.Value{"force_path_style": cty.True, "use_path_style": cty.True}), wantErr: "force_path_style and use_path_style"},
		{name: "wrong type", cfg: base(map[string]cty.Value{"encrypt": cty.ListValEmpty(cty.String)}), wantErr: "encrypt must be bool"},
		{name: "half static keys", cfg: base(map[string]cty.Value{"access_key": cty.StringVal("AKIA")}), wantErr: "access_key and secret_key must be set together"},
		{name: "role without arn", cfg: base(map[string]cty.Value{"assume_role": cty.ObjectVal(map[string]cty.Value{"session_name": cty.StringVal("x")})}), wantErr: "assume_role.role_arn is required"},
		{name: "bad duration", cfg: base(map[string]cty.Value{"assume_role": cty.ObjectVal(map[string]cty.Value{"role_arn": cty.StringVal("arn:aws:iam::1:role/r"), "duration": cty.StringVal("1m")})}), wantErr: "assume_role.duration must be a duration between 15m and 12h"},
		{name: "sse-c key", cfg: base(map[string]cty.Value{"sse_customer_key": cty.StringVal("short")}), wantErr: "sse_customer_key must be 32 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := FromConfig(s3Backend(tt.cfg))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s)
		})
	}
}

func TestFromConfigWrongBackend(t *testing.T) {
	if _, err := FromConfig(config.Backend{Type: config.BackendLocal}); err == nil {
		t.Fatal("a local backend was accepted")
	}
}

// Secrets must not show up however Settings is printed, nor in FromConfig's
// errors about the secret settings.
func TestSecretsNeverPrinted(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
	s, err := FromConfig(s3Backend(map[string]cty.Value{
		"bucket": cty.StringVal("b"), "key": cty.StringVal("k"),
		"access_key": cty.StringVal("AKIAEXAMPLE"), "secret_key": cty.StringVal(secret), "token": cty.StringVal(secret),
	}))
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(s)
	if err != nil || !strings.Contains(string(js), `"Bucket":"b"`) || !strings.Contains(string(js), `"SecretKey":"(sensitive)"`) {
		// An empty or failed marshal would hide the secret too: the JSON
		// must hold the settings, just not the secret.
		t.Fatalf("settings as JSON: %v\n%s", err, js)
	}
	for _, out := range []string{fmt.Sprintf("%v", s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), fmt.Sprintf("%s", s.SecretKey), fmt.Sprintf("%q", s.Token), string(js)} {
		if strings.Contains(out, secret) {
			t.Fatalf("secret printed: %s", out)
		}
	}
	_, err = FromConfig(s3Backend(map[string]cty.Value{
		"bucket": cty.StringVal("b"), "key": cty.StringVal("k"),
		"secret_key": cty.ListVal([]cty.Value{cty.StringVal(secret)}), "sse_customer_key": cty.StringVal(secret),
	}))
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("err = %v: want an error without the secret", err)
	}
}

// Units with the same connection settings share one AWS configuration, and
// so one credentials cache (one AssumeRole per invocation, not per unit).
func TestOpenerSharesConfig(t *testing.T) {
	role := cty.ObjectVal(map[string]cty.Value{"role_arn": cty.StringVal("arn:aws:iam::123456789012:role/state")})
	unit := func(key, accessKey string) config.Backend {
		return s3Backend(map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal(key), "region": cty.StringVal("us-east-1"),
			"access_key": cty.StringVal(accessKey), "secret_key": cty.StringVal("s"), "assume_role": role})
	}
	o := &Opener{Env: "prod"}
	ctx := t.Context()
	a, err := o.Open(ctx, unit("a/terraform.tfstate", "AK1"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := o.Open(ctx, unit("b/terraform.tfstate", "AK1"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := o.Open(ctx, unit("c/terraform.tfstate", "AK2"))
	if err != nil {
		t.Fatal(err)
	}
	if a.AWSConfig().Credentials != b.AWSConfig().Credentials {
		t.Error("equal connection settings did not share a credentials cache")
	}
	if a.AWSConfig().Credentials == c.AWSConfig().Credentials {
		t.Error("different access keys shared a credentials cache")
	}
	if a.Env != "prod" || a.Describe() != "s3://b/a/terraform.tfstate" {
		t.Errorf("Env %q, Describe %q", a.Env, a.Describe())
	}
}

// Errors point at the remote_state block, file:line:col.
func TestFromConfigErrorNamesTheBlock(t *testing.T) {
	b := s3Backend(map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal("k"), "buckett": cty.StringVal("x")})
	b.Range = hcl.Range{Filename: "/repo/stackctl.hcl", Start: hcl.Pos{Line: 12, Column: 1}, End: hcl.Pos{Line: 12, Column: 13}}
	_, err := FromConfig(b)
	if err == nil || !strings.HasPrefix(err.Error(), `/repo/stackctl.hcl:12:1: s3 remote_state config: unknown setting "buckett"`) {
		t.Fatalf("err = %v", err)
	}
}
