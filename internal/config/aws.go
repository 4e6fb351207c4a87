package config

import (
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/stackctl/stackctl/internal/diag"
)

// EnvRole is env.hcl's assume_role block: the IAM role every AWS call of
// the environment is made as — terraform's (provider and s3 backend) and
// stackctl's own (state, bootstrap, ssm_parameter, discovery).
type EnvRole struct {
	RoleARN     string
	SessionName string
	ExternalID  string
	Duration    time.Duration
	Range       hcl.Range
}

var envRoleSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "role_arn", Required: true}, {Name: "session_name"}, {Name: "external_id"}, {Name: "duration"},
}}

// parseEnvAWS reads assume_role and allowed_account_ids; ctx sees what
// env.hcl's locals see.
func (e *Env) parseEnvAWS(content *hcl.BodyContent, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, b := range content.Blocks {
		if b.Type != "assume_role" {
			continue
		}
		if e.AssumeRole != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate assume_role block",
				Detail: "An environment assumes one role; the first block is at " + diag.At(e.AssumeRole.Range) + ".", Subject: b.DefRange.Ptr()})
			continue
		}
		c, d := b.Body.Content(envRoleSchema)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		r := &EnvRole{Range: b.DefRange, SessionName: "stackctl-" + e.Name}
		str := func(name string) string {
			a := c.Attributes[name]
			if a == nil {
				return ""
			}
			v, d := evalString(a, ctx, scopeEnvShared)
			diags = append(diags, d...)
			return v
		}
		r.RoleARN = str("role_arn")
		if s := str("session_name"); s != "" {
			r.SessionName = s
		}
		r.ExternalID = str("external_id")
		if a := c.Attributes["duration"]; a != nil {
			if s := str("duration"); s != "" {
				dur, err := time.ParseDuration(s)
				if err != nil || dur < 15*time.Minute || dur > 12*time.Hour {
					diags = append(diags, attrError(a, "Invalid duration", `duration is how long the role's credentials last, from 15m to 12h (the role's maximum): duration = "2h". A run longer than that needs a longer one.`))
				}
				r.Duration = dur
			}
		}
		if c.Attributes["role_arn"] != nil && r.RoleARN == "" && !diags.HasErrors() {
			diags = append(diags, attrError(c.Attributes["role_arn"], "Empty role_arn", "role_arn is the ARN of the role to assume: arn:aws:iam::111111111111:role/deploy."))
		}
		e.AssumeRole = r
	}
	if a := content.Attributes["allowed_account_ids"]; a != nil {
		ids, d := evalStringListIn(a, ctx, scopeEnvShared)
		diags = append(diags, d...)
		for _, id := range ids {
			if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
				diags = append(diags, attrError(a, "Invalid account ID", "allowed_account_ids lists 12-digit AWS account IDs: allowed_account_ids = [\"111111111111\"]."))
				break
			}
		}
		e.AllowedAccountIDs = ids
	}
	return diags
}
