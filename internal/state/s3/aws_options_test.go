package s3

import (
	"reflect"
	"testing"
	"time"
)

// awsEnv sets the variables AWSOptions reads, "" meaning unset.
func awsEnv(t *testing.T, kv map[string]string) {
	t.Helper()
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CONFIG_FILE", "AWS_ENDPOINT_URL_STS", "AWS_STS_ENDPOINT"} {
		t.Setenv(k, kv[k])
	}
}

// Terraform's backend reads AWS_DEFAULT_REGION, AWS_SHARED_CONFIG_FILE and
// AWS_STS_ENDPOINT, which the Go SDK does not: each fills in only when
// neither the settings nor the variable the SDK reads say anything.
func TestAWSOptionsTerraformVariables(t *testing.T) {
	awsEnv(t, map[string]string{"AWS_DEFAULT_REGION": "eu-west-3", "AWS_SHARED_CONFIG_FILE": "/cfg", "AWS_STS_ENDPOINT": "http://sts"})
	o := Settings{}.AWSOptions()
	if o.Region != "eu-west-3" || !reflect.DeepEqual(o.SharedConfigFiles, []string{"/cfg"}) || o.STSEndpoint != "http://sts" {
		t.Errorf("from Terraform's variables: region %q, config files %q, STS %q", o.Region, o.SharedConfigFiles, o.STSEndpoint)
	}

	set := Settings{Region: "us-east-2", SharedConfigFiles: []string{"/mine"}, Endpoints: Endpoints{STS: "http://my-sts"}}.AWSOptions()
	if set.Region != "us-east-2" || !reflect.DeepEqual(set.SharedConfigFiles, []string{"/mine"}) || set.STSEndpoint != "http://my-sts" {
		t.Errorf("settings win: region %q, config files %q, STS %q", set.Region, set.SharedConfigFiles, set.STSEndpoint)
	}

	// The SDK's own variables win too: AWSOptions leaves the field to it.
	awsEnv(t, map[string]string{"AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "eu-west-3", "AWS_CONFIG_FILE": "/sdk",
		"AWS_SHARED_CONFIG_FILE": "/cfg", "AWS_ENDPOINT_URL_STS": "http://sdk-sts", "AWS_STS_ENDPOINT": "http://sts"})
	sdk := Settings{}.AWSOptions()
	if sdk.Region != "" || sdk.SharedConfigFiles != nil || sdk.STSEndpoint != "" {
		t.Errorf("with the SDK's variables set: region %q, config files %q, STS %q", sdk.Region, sdk.SharedConfigFiles, sdk.STSEndpoint)
	}

	awsEnv(t, map[string]string{})
	none := Settings{}.AWSOptions()
	if none.Region != "" || none.SharedConfigFiles != nil || none.STSEndpoint != "" {
		t.Errorf("with nothing set: region %q, config files %q, STS %q", none.Region, none.SharedConfigFiles, none.STSEndpoint)
	}
}

// max_retries counts retries, the SDK attempts (one more); 0 leaves the
// SDK's default. skip_metadata_api_check turns IMDS off, unset leaves it.
func TestAWSOptionsRetriesAndIMDS(t *testing.T) {
	awsEnv(t, map[string]string{})
	skip, check := true, false
	for _, tt := range []struct {
		s        Settings
		attempts int
		imds     *bool
	}{
		{Settings{}, 0, nil},
		{Settings{MaxRetries: 3, SkipMetadataAPICheck: &skip}, 4, &check},
		{Settings{MaxRetries: 1, SkipMetadataAPICheck: &check}, 2, &skip},
	} {
		o := tt.s.AWSOptions()
		if o.MaxAttempts != tt.attempts || !reflect.DeepEqual(o.IMDS, tt.imds) {
			t.Errorf("max_retries %d, skip_metadata_api_check %v: MaxAttempts %d, IMDS %v; want %d, %v",
				tt.s.MaxRetries, tt.s.SkipMetadataAPICheck, o.MaxAttempts, o.IMDS, tt.attempts, tt.imds)
		}
	}
}

func TestAWSOptionsWebIdentity(t *testing.T) {
	awsEnv(t, map[string]string{})
	wi := &WebIdentity{RoleARN: "arn:aws:iam::1:role/r", SessionName: "s", Duration: time.Hour, Policy: "{}",
		PolicyARNs: []string{"arn:p"}, Token: "tok", TokenFile: "/tok"}
	o := Settings{WebIdentity: wi}.AWSOptions()
	w := o.AssumeRoleWithWebIdentity
	if w == nil || w.RoleARN != wi.RoleARN || w.SessionName != "s" || w.Duration != time.Hour || w.Policy != "{}" ||
		!reflect.DeepEqual(w.PolicyARNs, wi.PolicyARNs) || w.WebIdentityToken != "tok" || w.WebIdentityTokenFile != "/tok" {
		t.Errorf("web identity = %+v", w)
	}
	if (Settings{}).AWSOptions().AssumeRoleWithWebIdentity != nil {
		t.Error("a web identity without assume_role_with_web_identity")
	}
}
