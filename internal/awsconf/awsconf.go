// Package awsconf loads AWS configuration the way AWS users expect: the
// default credential chain, profiles, region, and endpoint overrides
// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), so the same binary runs
// against AWS, LocalStack or moto.
package awsconf

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// SSM reads parameters for ssm_parameter(), creating its client on first
// use (most invocations never call it) and caching each parameter.
type SSM struct {
	ctx    context.Context
	base   *Shared
	once   sync.Once
	client *ssm.Client
	err    error
	mu     sync.Mutex
	cache  map[string]ssmValue
}

type ssmValue struct {
	value  string
	secure bool
}

// NewSSM returns a lazy SSM reader; base (may be nil) are the invocation's
// credentials once an environment's role is assumed.
func NewSSM(ctx context.Context, base *Shared) *SSM {
	return &SSM{ctx: ctx, base: base, cache: map[string]ssmValue{}}
}

// Get returns a parameter's value, decrypted; secure reports a
// SecureString. The value itself never appears in errors.
func (s *SSM) Get(name string) (string, bool, error) {
	s.mu.Lock()
	if v, ok := s.cache[name]; ok {
		s.mu.Unlock()
		return v.value, v.secure, nil
	}
	s.mu.Unlock()
	s.once.Do(func() {
		cfg, err := LoadWith(s.ctx, Options{Base: s.base})
		if err != nil {
			s.err = err
			return
		}
		s.client = ssm.NewFromConfig(cfg)
	})
	if s.err != nil {
		return "", false, s.err
	}
	out, err := s.client.GetParameter(s.ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		var nf *ssmtypes.ParameterNotFound
		if errors.As(err, &nf) {
			return "", false, fmt.Errorf("SSM parameter %s does not exist", name)
		}
		return "", false, explainSSM(name, err)
	}
	v := ssmValue{value: aws.ToString(out.Parameter.Value), secure: out.Parameter.Type == ssmtypes.ParameterTypeSecureString}
	s.mu.Lock()
	s.cache[name] = v
	s.mu.Unlock()
	return v.value, v.secure, nil
}

// explainSSM says what to do about the failures a user can act on.
func explainSSM(name string, err error) error {
	doing := "reading SSM parameter " + name
	switch {
	case IsNoCredentials(err):
		return fmt.Errorf("%s: %w", doing, CredentialsError(err))
	case IsUnreachable(err):
		return fmt.Errorf("%s: cannot reach the SSM endpoint (%s): check AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL, AWS_REGION and the network",
			doing, UnreachableCause(err))
	case IsAccessDenied(err):
		return fmt.Errorf("%s: access denied (%s): the credentials in use need ssm:GetParameter on it (and kms:Decrypt for a SecureString)",
			doing, CodeOrStatus(err))
	}
	return fmt.Errorf("%s: %w", doing, err)
}
