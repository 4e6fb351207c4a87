package awsconf

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Shared holds the credentials every AWS client of one invocation starts
// from once an environment's role is assumed: stackctl's own calls (state,
// lock holders, bootstrap, ssm_parameter, discovery) and, as environment
// variables, terraform's. Until it is set, the default chain applies.
type Shared struct {
	mu sync.Mutex
	p  aws.CredentialsProvider
}

// Set makes p the base credentials from now on.
func (s *Shared) Set(p aws.CredentialsProvider) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.p = p
	s.mu.Unlock()
}

// Get returns the base credentials, or nil for the default chain.
func (s *Shared) Get() aws.CredentialsProvider {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p
}

// EnvRoleProvider returns credentials that assume an environment's role on
// top of the default chain. It makes no network call: the role is assumed
// when a client first needs credentials (a diff-env reads no cloud), and
// renewed before the credentials expire.
func EnvRoleProvider(ctx context.Context, r AssumeRole, region string) (aws.CredentialsProvider, error) {
	base, err := LoadWith(ctx, Options{Region: region})
	if err != nil {
		return nil, err
	}
	if base.Region == "" {
		// STS is global; a region is only needed to sign the request.
		base.Region = "us-east-1"
	}
	return &roleProvider{arn: r.RoleARN, p: aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), r.RoleARN, func(o *stscreds.AssumeRoleOptions) {
		if r.SessionName != "" {
			o.RoleSessionName = r.SessionName
		}
		if r.Duration > 0 {
			o.Duration = r.Duration
		}
		o.ExternalID = optString(r.ExternalID)
	}))}, nil
}

// roleProvider says which role could not be assumed, and why.
type roleProvider struct {
	arn string
	p   aws.CredentialsProvider
}

func (r *roleProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := r.p.Retrieve(ctx)
	if err != nil {
		return c, fmt.Errorf("assuming role %s: %w", r.arn, roleError(err))
	}
	return c, nil
}

func roleError(err error) error {
	switch {
	case IsNoCredentials(err):
		return CredentialsError(err)
	case IsAccessDenied(err):
		return fmt.Errorf("access denied (%s): the base credentials may not assume it (check the role's trust policy and external_id)", CodeOrStatus(err))
	case IsUnreachable(err):
		return fmt.Errorf("cannot reach STS (%s): check AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL and the network", UnreachableCause(err))
	}
	return err
}

// CheckAccount refuses credentials of an account outside allowed, naming
// both, before anything is written: the wrong account is the costliest
// mistake a deploy can make.
func CheckAccount(ctx context.Context, cfg aws.Config, allowed []string, env string) error {
	if len(allowed) == 0 {
		return nil
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("checking the AWS account against allowed_account_ids of %s: %w", env, roleError(err))
	}
	acct := aws.ToString(out.Account)
	if !slices.Contains(allowed, acct) {
		return fmt.Errorf("the AWS credentials in use are of account %s (%s), which is not among allowed_account_ids of environment %s (%s): nothing was changed. Use the credentials (or assume_role) meant for %s",
			acct, aws.ToString(out.Arn), env, strings.Join(allowed, ", "), env)
	}
	return nil
}

// CredentialsEnv is what hands assumed credentials to a child process
// (terraform, hooks): the standard environment variables, which the AWS
// provider and the s3 backend read before any profile.
func CredentialsEnv(c aws.Credentials) map[string]string {
	env := map[string]string{"AWS_ACCESS_KEY_ID": c.AccessKeyID, "AWS_SECRET_ACCESS_KEY": c.SecretAccessKey}
	if c.SessionToken != "" {
		env["AWS_SESSION_TOKEN"] = c.SessionToken
	}
	if c.CanExpire {
		env["STACKCTL_AWS_CREDENTIALS_EXPIRE"] = c.Expires.UTC().Format(time.RFC3339)
	}
	return env
}
