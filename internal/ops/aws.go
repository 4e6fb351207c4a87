package ops

import (
	"context"
	"fmt"
	"sync"

	"github.com/stackctl/stackctl/internal/awsconf"
	"github.com/stackctl/stackctl/internal/config"
)

// roles are the base AWS credentials of each environment an invocation
// loads (diff-env loads two): the primary environment's are the ones the
// command line handed to ssm_parameter (Options.AWS).
type roles struct {
	ctx     context.Context
	primary string
	mu      sync.Mutex
	byEnv   map[string]*awsconf.Shared
	first   *awsconf.Shared
}

func (r *roles) of(env string) *awsconf.Shared {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.byEnv[env]; ok {
		return s
	}
	s := &awsconf.Shared{}
	if r.first != nil && len(r.byEnv) == 0 {
		s = r.first
	}
	r.byEnv[env] = s
	return s
}

// envReady is config's hook once an environment's assume_role is read:
// every AWS client of that environment starts from the role from now on
// (it is assumed when first needed).
func (r *roles) envReady(env *config.Env) error {
	sh := r.of(env.Name)
	if env.AssumeRole == nil {
		return nil
	}
	region := ""
	if v, ok := env.Vars["region"]; ok && v.Type().FriendlyName() == "string" && v.IsKnown() && !v.IsNull() {
		region = v.AsString()
	}
	p, err := awsconf.EnvRoleProvider(r.ctx, awsconf.AssumeRole{RoleARN: env.AssumeRole.RoleARN, SessionName: env.AssumeRole.SessionName,
		ExternalID: env.AssumeRole.ExternalID, Duration: env.AssumeRole.Duration}, region)
	if err != nil {
		return err
	}
	sh.Set(p)
	return nil
}

// roleEnv are the environment variables that give terraform the
// environment's assumed credentials (none without a role). The role is
// assumed here if nothing did so yet.
func (e *Engine) roleEnv(ctx context.Context) ([]string, error) {
	p := e.aws.Get()
	if p == nil {
		return nil, nil
	}
	c, err := p.Retrieve(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for k, v := range awsconf.CredentialsEnv(c) {
		out = append(out, k+"="+v)
	}
	return out, nil
}

// checkAccount refuses, once per invocation, writes with credentials of an
// account outside the environment's allowed_account_ids.
func (e *Engine) checkAccount(ctx context.Context) error {
	allowed := e.Stack.Env.AllowedAccountIDs
	if len(allowed) == 0 {
		return nil
	}
	e.accountOnce.Do(func() {
		cfg, err := awsconf.LoadWith(ctx, awsconf.Options{Base: e.aws})
		if err != nil {
			e.accountErr = fmt.Errorf("checking allowed_account_ids: %w", err)
			return
		}
		e.accountErr = awsconf.CheckAccount(ctx, cfg, allowed, e.Env())
	})
	return e.accountErr
}
