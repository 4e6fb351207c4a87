package config

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Backend types stackctl knows how to generate and read.
const (
	BackendLocal = "local"
	BackendS3    = "s3"
)

// LocalStatePath is where local state lives when remote_state does not say
// otherwise: outside any cache folder, so deleting caches never deletes
// state.
func LocalStatePath(rootDir, env, unitPath string) string {
	return filepath.Join(rootDir, ".stackctl", "state", env, filepath.FromSlash(unitPath), "terraform.tfstate")
}

func (l *Loader) unitBackend(st *Stack, u *Unit, rootCtx *hcl.EvalContext) hcl.Diagnostics {
	rs := st.Root.remoteState
	if rs == nil {
		u.Backend = Backend{Type: BackendLocal, Config: map[string]cty.Value{
			"path": cty.StringVal(LocalStatePath(st.Root.Dir, st.Env.Name, u.Path)),
		}}
		return nil
	}
	typ, diags := evalString(rs.backend, rootCtx, scopeRootInputs)
	if diags.HasErrors() {
		return diags
	}
	u.Backend = Backend{Type: typ, Config: map[string]cty.Value{}, Range: rs.rng}
	if rs.config != nil {
		v, d := evalExpr(rs.config.Expr, rootCtx, scopeRootInputs)
		diags = append(diags, d...)
		if d.HasErrors() {
			return diags
		}
		if v.IsNull() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
			return append(diags, attrError(rs.config, "Invalid remote_state config", "config must be an object of backend settings."))
		}
		if !v.IsWhollyKnown() {
			return append(diags, attrError(rs.config, "Unknown remote_state config", "The backend settings must be known when the configuration is read."))
		}
		for k, val := range valueMap(v) {
			if !val.IsNull() {
				u.Backend.Config[k] = val
			}
		}
	}
	switch typ {
	case BackendLocal:
		p := LocalStatePath(st.Root.Dir, st.Env.Name, u.Path)
		if v, ok := u.Backend.Config["path"]; ok {
			s, err := stringSetting(v)
			if err != nil {
				return append(diags, attrError(rs.config, "Invalid local backend path", err.Error()))
			}
			p = absFrom(st.Root.Dir, s)
		}
		u.Backend.Config = map[string]cty.Value{"path": cty.StringVal(p)}
	case BackendS3:
		for _, req := range []string{"bucket", "key"} {
			v, ok := u.Backend.Config[req]
			if !ok {
				return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Incomplete s3 remote_state",
					Detail: fmt.Sprintf("The s3 backend needs %q in config; for example key = \"${unit.path}/terraform.tfstate\".", req), Subject: rs.rng.Ptr()})
			}
			if _, err := stringSetting(v); err != nil {
				return append(diags, attrError(rs.config, "Invalid s3 remote_state", fmt.Sprintf("%s: %v", req, err)))
			}
		}
	default:
		return append(diags, attrError(rs.backend, "Unsupported backend", fmt.Sprintf("backend %q is not supported; use \"local\" or \"s3\".", typ)))
	}
	return diags
}

func stringSetting(v cty.Value) (string, error) {
	v, _ = v.Unmark()
	if v.Type() != cty.String || v.IsNull() {
		return "", fmt.Errorf("must be a string")
	}
	return v.AsString(), nil
}

// StateKey identifies where a unit's state lives, for duplicate detection
// and messages: a path for local state, s3://bucket/key for S3.
func (b Backend) StateKey() string {
	switch b.Type {
	case BackendS3:
		bucket, _ := stringSetting(b.Config["bucket"])
		key, _ := stringSetting(b.Config["key"])
		return "s3://" + bucket + "/" + strings.TrimPrefix(key, "/")
	default:
		p, _ := stringSetting(b.Config["path"])
		return p
	}
}

// String returns a setting as a string, or "" when unset or not a string.
func (b Backend) String(name string) string {
	v, ok := b.Config[name]
	if !ok {
		return ""
	}
	s, err := stringSetting(v)
	if err != nil {
		return ""
	}
	return s
}

// checkBackendKeys refuses two units sharing one state: the second apply
// would silently destroy what the first created.
func checkBackendKeys(st *Stack) hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]*Unit{}
	for _, u := range st.Units {
		k := u.Backend.StateKey()
		if prev, dup := seen[k]; dup {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Two units share one state",
				Detail: fmt.Sprintf("Units %s and %s both render their state to %s. Each unit needs its own key: include unit.path in remote_state config.key.",
					prev.Path, u.Path, k),
				Subject: u.Backend.Range.Ptr(),
			})
			continue
		}
		seen[k] = u
	}
	return diags
}
