package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/stackctl/stackctl/internal/awsconf"
)

// Settings of the bucket, as named in reports.
const (
	SettingExists                = "exists"
	SettingVersioning            = "versioning"
	SettingEncryption            = "encryption"
	SettingBlockPublicACLs       = "public_access_block.block_public_acls"
	SettingIgnorePublicACLs      = "public_access_block.ignore_public_acls"
	SettingBlockPublicPolicy     = "public_access_block.block_public_policy"
	SettingRestrictPublicBuckets = "public_access_block.restrict_public_buckets"
	SettingDenyInsecureTransport = "policy.deny_insecure_transport"
)

// probeAttempts bounds the tries of the existence checks.
const probeAttempts = 2

type bucket struct {
	o    Options
	name string
}

func (b *bucket) resource() string { return "s3://" + b.name }

// inRegion sends every call to the configured region: CreateBucket's
// location and the audit must be about the same region.
func (b *bucket) inRegion(o *s3.Options) { o.Region = b.o.Region }

func (b *bucket) exists(ctx context.Context) (bool, error) {
	// The first call of a run: a wrong endpoint should fail in seconds,
	// not after the SDK's full retry schedule.
	out, err := b.o.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b.name)}, b.inRegion,
		func(o *s3.Options) { o.RetryMaxAttempts = probeAttempts })
	switch {
	case err == nil:
		if r := aws.ToString(out.BucketRegion); r != "" && r != b.o.Region {
			return false, fmt.Errorf("%s is in region %s, not %s: set region in remote_state config to %q, or choose another bucket name",
				b.resource(), r, b.o.Region, r)
		}
		return true, nil
	case awsconf.HTTPStatus(err) == 404:
		return false, nil
	case awsconf.HTTPStatus(err) == 301:
		if r := awsconf.ResponseHeader(err, "X-Amz-Bucket-Region"); r != "" {
			return false, fmt.Errorf("%s is in region %s, not %s: set region in remote_state config to %q", b.resource(), r, b.o.Region, r)
		}
		return false, fmt.Errorf("%s is in another region than %s: set region in remote_state config to the bucket's region", b.resource(), b.o.Region)
	case awsconf.HTTPStatus(err) == 403:
		return false, fmt.Errorf("%s exists but the credentials in use may not access it: it may belong to another account (bucket names are global; choose another) or the role lacks s3:ListBucket",
			b.resource())
	}
	return false, explain(b.resource(), err)
}

func (b *bucket) create(ctx context.Context) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(b.name)}
	// us-east-1 is the one region that refuses a LocationConstraint.
	if b.o.Region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(b.o.Region)}
	}
	if _, err := b.o.S3.CreateBucket(ctx, in, b.inRegion); err != nil {
		var owned *s3types.BucketAlreadyOwnedByYou
		var taken *s3types.BucketAlreadyExists
		switch {
		case errors.As(err, &owned):
			// Created between HeadBucket and now (another bootstrap): fine.
		case errors.As(err, &taken):
			return fmt.Errorf("%s: the name is taken by another AWS account (bucket names are global): choose another bucket in remote_state config", b.resource())
		default:
			return explain(b.resource(), fmt.Errorf("creating: %w", err))
		}
	}
	w := s3.NewBucketExistsWaiter(b.o.S3)
	if err := w.Wait(ctx, &s3.HeadBucketInput{Bucket: aws.String(b.name)}, b.o.WaitTimeout, func(wo *s3.BucketExistsWaiterOptions) {
		wo.ClientOptions = append(wo.ClientOptions, b.inRegion)
	}); err != nil {
		return fmt.Errorf("%s: created, but it did not appear within %s: %w", b.resource(), b.o.WaitTimeout, err)
	}
	return nil
}

// groups lists the hardening in the order it is applied on a new bucket:
// public access first, so that the bucket is never public even briefly.
func (b *bucket) groups() []group {
	return []group{
		{settings: []string{SettingBlockPublicACLs, SettingIgnorePublicACLs, SettingBlockPublicPolicy, SettingRestrictPublicBuckets},
			audit: b.auditPublicAccess, fix: b.fixPublicAccess},
		{settings: []string{SettingVersioning}, audit: b.auditVersioning, fix: b.fixVersioning},
		{settings: []string{SettingEncryption}, audit: b.auditEncryption, fix: b.fixEncryption},
		b.policyGroup(),
	}
}

// policyGroup is the TLS-only bucket policy, unless the endpoint is plain
// HTTP: there the Deny on aws:SecureTransport = false would refuse every
// request, this run's and terraform's included, and lock everyone out of
// their own state.
func (b *bucket) policyGroup() group {
	g := group{settings: []string{SettingDenyInsecureTransport}, audit: b.auditPolicy, fix: b.fixPolicy}
	if b.o.PlainHTTP {
		g.notApplicable = fmt.Sprintf("the S3 endpoint %s is plain HTTP: a policy denying requests without TLS would deny every request to the bucket, stackctl's and terraform's included; serve the store over HTTPS to have it", b.o.Endpoint)
	}
	return g
}

func (b *bucket) auditPublicAccess(ctx context.Context) ([]finding, error) {
	var c s3types.PublicAccessBlockConfiguration
	out, err := b.o.S3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(b.name)}, b.inRegion)
	switch {
	case err == nil && out.PublicAccessBlockConfiguration != nil:
		c = *out.PublicAccessBlockConfiguration
	case err == nil, awsconf.ErrorCode(err) == "NoSuchPublicAccessBlockConfiguration":
		// No configuration: every flag is off.
	default:
		return nil, err
	}
	flag := func(name string, v *bool) finding {
		if aws.ToBool(v) {
			return finding{setting: name, ok: true, detail: "true"}
		}
		return finding{setting: name, detail: "false"}
	}
	return []finding{
		flag(SettingBlockPublicACLs, c.BlockPublicAcls),
		flag(SettingIgnorePublicACLs, c.IgnorePublicAcls),
		flag(SettingBlockPublicPolicy, c.BlockPublicPolicy),
		flag(SettingRestrictPublicBuckets, c.RestrictPublicBuckets),
	}, nil
}

// fixPublicAccess turns all four flags on: the flags already on stay on,
// so setting the whole block changes exactly the missing ones.
func (b *bucket) fixPublicAccess(ctx context.Context, _ []finding) error {
	_, err := b.o.S3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
		Bucket: aws.String(b.name),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
			BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
		},
	}, b.inRegion)
	return err
}

func (b *bucket) auditVersioning(ctx context.Context) ([]finding, error) {
	out, err := b.o.S3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b.name)}, b.inRegion)
	if err != nil {
		return nil, err
	}
	switch out.Status {
	case s3types.BucketVersioningStatusEnabled:
		return []finding{{setting: SettingVersioning, ok: true, detail: "Enabled"}}, nil
	case "":
		return []finding{{setting: SettingVersioning, detail: "never enabled: an overwritten or deleted state cannot be recovered"}}, nil
	default:
		return []finding{{setting: SettingVersioning, detail: string(out.Status)}}, nil
	}
}

func (b *bucket) fixVersioning(ctx context.Context, _ []finding) error {
	_, err := b.o.S3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
		Bucket:                  aws.String(b.name),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled},
	}, b.inRegion)
	return err
}

func (b *bucket) auditEncryption(ctx context.Context) ([]finding, error) {
	out, err := b.o.S3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(b.name)}, b.inRegion)
	if awsconf.ErrorCode(err) == "ServerSideEncryptionConfigurationNotFoundError" {
		return []finding{{setting: SettingEncryption, detail: "no default encryption"}}, nil
	}
	if err != nil {
		return nil, err
	}
	var def *s3types.ServerSideEncryptionByDefault
	if c := out.ServerSideEncryptionConfiguration; c != nil {
		for _, r := range c.Rules {
			if r.ApplyServerSideEncryptionByDefault != nil {
				def = r.ApplyServerSideEncryptionByDefault
				break
			}
		}
	}
	if def == nil {
		return []finding{{setting: SettingEncryption, detail: "no default encryption rule"}}, nil
	}
	algo := string(def.SSEAlgorithm)
	key := aws.ToString(def.KMSMasterKeyID)
	isKMS := def.SSEAlgorithm == s3types.ServerSideEncryptionAwsKms || def.SSEAlgorithm == s3types.ServerSideEncryptionAwsKmsDsse
	switch {
	case b.o.KMSKeyID == "" && (def.SSEAlgorithm == s3types.ServerSideEncryptionAes256 || isKMS):
		return []finding{{setting: SettingEncryption, ok: true, detail: describeSSE(algo, key)}}, nil
	case b.o.KMSKeyID != "" && isKMS && sameKMSKey(key, b.o.KMSKeyID):
		return []finding{{setting: SettingEncryption, ok: true, detail: describeSSE(algo, key)}}, nil
	case b.o.KMSKeyID != "":
		return []finding{{setting: SettingEncryption, detail: describeSSE(algo, key) + ", want aws:kms with key " + b.o.KMSKeyID}}, nil
	}
	return []finding{{setting: SettingEncryption, detail: describeSSE(algo, key)}}, nil
}

func describeSSE(algo, key string) string {
	if key != "" {
		return algo + " with key " + key
	}
	return algo
}

// sameKMSKey compares a key as configured (ID, ARN, alias name or alias
// ARN) with the one the bucket reports: equal, or one is the other's
// trailing "key/ID" or "alias/NAME".
func sameKMSKey(have, want string) bool {
	if have == "" {
		return false
	}
	if have == want {
		return true
	}
	tail := func(s string) string {
		if i := strings.LastIndex(s, ":"); i >= 0 {
			s = s[i+1:]
		}
		return strings.TrimPrefix(s, "key/")
	}
	return tail(have) == tail(want)
}

func (b *bucket) fixEncryption(ctx context.Context, _ []finding) error {
	def := &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}
	var bucketKey *bool
	if b.o.KMSKeyID != "" {
		def = &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(b.o.KMSKeyID)}
		// S3 Bucket Keys cut KMS requests (and their cost) by orders of
		// magnitude for the same protection.
		bucketKey = aws.Bool(true)
	}
	_, err := b.o.S3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{
		Bucket: aws.String(b.name),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
			Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: def, BucketKeyEnabled: bucketKey}},
		},
	}, b.inRegion)
	return err
}

func (b *bucket) auditPolicy(ctx context.Context) ([]finding, error) {
	out, err := b.o.S3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(b.name)}, b.inRegion)
	if awsconf.ErrorCode(err) == "NoSuchBucketPolicy" {
		return []finding{{setting: SettingDenyInsecureTransport, detail: "no bucket policy"}}, nil
	}
	if err != nil {
		return nil, err
	}
	ok, detail := deniesInsecureTransport(aws.ToString(out.Policy), b.name)
	return []finding{{setting: SettingDenyInsecureTransport, ok: ok, detail: detail}}, nil
}

// fixPolicy adds the deny statement to the bucket's policy, keeping every
// other statement: the bucket may carry grants stackctl knows nothing of.
func (b *bucket) fixPolicy(ctx context.Context, _ []finding) error {
	var current string
	out, err := b.o.S3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(b.name)}, b.inRegion)
	switch {
	case err == nil:
		current = aws.ToString(out.Policy)
	case awsconf.ErrorCode(err) == "NoSuchBucketPolicy":
	default:
		return err
	}
	policy, err := withDenyInsecureTransport(current, b.name, partition(b.o.Region))
	if err != nil {
		return err
	}
	_, err = b.o.S3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(b.name), Policy: aws.String(policy)}, b.inRegion)
	return err
}

// partition is the ARN partition of a region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	}
	return "aws"
}
