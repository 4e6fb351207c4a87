// Package parity compares two environments as configured: their units,
// dependencies, module sources and every input, by value and by shape,
// with each environment's own domain and name put back as placeholders
// first, so that `app.staging.example.com` and `app.example.com` agree
// while an issuer that still names staging's domain in prod does not.
// It needs no terraform and no cloud: dependency outputs are compared by
// the reference they come from. Optionally it compares what each
// environment's state holds, by resource address and instance count.
package parity

import (
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
)

// Env is one environment as diff-env compares it.
type Env struct {
	Name string
	// Vars are the env.<key> values, for the domain placeholders.
	Vars  map[string]cty.Value
	Units []*Unit // sorted by path
}

// Unit is one unit as diff-env compares it.
type Unit struct {
	Path string
	// Source is where the module comes from without its version: for a
	// local module its folder relative to the repository root (with
	// "//subdir" when given), for a remote one the source without ?ref=.
	Source string
	// Version is the ?ref= of a remote source ("" when none).
	Version string
	// Dependencies maps dependency block names to unit paths.
	Dependencies map[string]string
	// Inputs are the rendered inputs. Sensitive values carry
	// config.Sensitive; values computed from dependency outputs are
	// unknown and carry config.OutputRef marks.
	Inputs map[string]cty.Value
	// InputAt is where each input's value is written (file:line:col).
	InputAt map[string]string
}

// RenderOptions say how FromStack renders units.
type RenderOptions struct {
	// ModuleVariables reads the variables a module folder declares
	// (terraform.DeclaredVariables). When set, a unit with a local module
	// is compared on the inputs it passes to terraform only, as its tfvars
	// file holds: env-wide inputs meant for other units stay out of its
	// comparison. Nil, a remote module or an unreadable folder compares
	// every input.
	ModuleVariables func(dir string) (map[string]bool, error)
}

// FromStack renders every unit of an environment for comparison, with no
// state read: dependency outputs are symbolic (config.SymbolicInputs).
func FromStack(st *config.Stack, opts RenderOptions) (*Env, hcl.Diagnostics) {
	env := &Env{Name: st.Env.Name, Vars: st.Env.Vars}
	var diags hcl.Diagnostics
	for _, u := range st.Units {
		pu := &Unit{Path: u.Path, Dependencies: map[string]string{}, Inputs: map[string]cty.Value{}, InputAt: map[string]string{}}
		pu.Source, pu.Version = moduleSource(st.Root.Dir, u.Source)
		for _, d := range u.Dependencies {
			pu.Dependencies[d.Name] = d.Path
		}
		passed := opts.passed(u)
		ins, d := st.SymbolicInputs(u)
		diags = append(diags, d...)
		for _, in := range ins {
			if passed != nil && !passed[in.Name] {
				continue
			}
			pu.Inputs[in.Name] = in.Value
			pu.InputAt[in.Name] = diag.At(in.Range)
		}
		env.Units = append(env.Units, pu)
	}
	slices.SortFunc(env.Units, func(x, y *Unit) int { return strings.Compare(x.Path, y.Path) })
	return env, diags
}

// passed is the set of variables a unit's configuration declares (its
// module's and its own folder's .tf files), or nil when not known.
func (o RenderOptions) passed(u *config.Unit) map[string]bool {
	if o.ModuleVariables == nil || !u.Source.Local {
		return nil
	}
	vars, err := o.ModuleVariables(filepath.Join(u.Source.Dir, filepath.FromSlash(u.Source.Subdir)))
	if err != nil {
		return nil
	}
	out := maps.Clone(vars)
	if !u.Source.None {
		own, err := o.ModuleVariables(u.Dir)
		if err != nil {
			return nil
		}
		maps.Copy(out, own)
	}
	return out
}

// OfflineSSM stands in for SSM Parameter Store while environments are
// compared (config.Options.SSM): ssm_parameter("NAME") renders as the text
// `ssm_parameter(NAME)`, so parameters are compared by name (with the
// placeholders: /shop/staging/key and /shop/prod/key agree) and diff-env
// needs no AWS access. What a parameter holds is state, not configuration.
func OfflineSSM(name string) (string, bool, error) {
	return "ssm_parameter(" + name + ")", false, nil
}

// moduleSource splits a unit's source into where and which version.
func moduleSource(root string, s config.Source) (source, version string) {
	switch {
	case s.None:
		return "(the unit folder's own files)", ""
	case s.Local:
		rel, err := filepath.Rel(root, s.Dir)
		if err != nil {
			rel = s.Dir
		}
		source = filepath.ToSlash(rel)
		if s.Subdir != "" {
			source += "//" + s.Subdir
		}
		return source, ""
	}
	base, query, ok := strings.Cut(s.Raw, "?")
	if !ok {
		return s.Raw, ""
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return s.Raw, ""
	}
	version = q.Get("ref")
	q.Del("ref")
	if rest := q.Encode(); rest != "" {
		base += "?" + rest
	}
	return base, version
}

// StateResources is what one environment's state holds: per unit path,
// each resource address (module path included, instance keys left out,
// e.g. "module.alb.aws_lb_listener_rule.partner") and its number of
// instances.
type StateResources map[string]map[string]int

// Kind says what a difference is about.
type Kind string

// Kinds of difference, in the order a unit's differences are listed.
const (
	KindUnit       Kind = "unit"       // the unit exists in one environment only
	KindSource     Kind = "source"     // module source
	KindVersion    Kind = "version"    // module version (?ref=)
	KindDependency Kind = "dependency" // a dependency block
	KindInput      Kind = "input"      // an input, or a part of one
	KindResource   Kind = "resource"   // a resource address in state (--state)
)

var kindOrder = map[Kind]int{KindUnit: 0, KindSource: 1, KindVersion: 2, KindDependency: 3, KindInput: 4, KindResource: 5}

// Difference is one place where the environments differ.
type Difference struct {
	Unit string `json:"unit"`
	Kind Kind   `json:"kind"`
	// Path is the input path (hostnames[1], tags.team), the dependency
	// name or the resource address; empty for unit, source and version.
	Path string `json:"path,omitempty"`
	// What says how they differ: "differs", "only in prod", ….
	What string `json:"what"`
	A    Side   `json:"a"`
	B    Side   `json:"b"`
	// Declared is set when a difference block of the parity block covers
	// it; Reason and DeclaredAt are that block's.
	Declared   bool   `json:"declared"`
	Reason     string `json:"reason,omitempty"`
	DeclaredAt string `json:"declared_at,omitempty"`
}

// Side is one environment's side of a difference.
type Side struct {
	Present bool `json:"present"`
	// Text is the value as HCL, or what stands in for it: "(sensitive
	// value)", "(from dependency.network.outputs.vpc_id)".
	Text string `json:"text,omitempty"`
	// Compared is the value as compared, with the environment's domain
	// and name as placeholders, when that differs from Text.
	Compared  string `json:"compared,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
	// From lists the dependency outputs an unknown value comes from.
	From []string `json:"from,omitempty"`
	// At is where the input is written (file:line:col).
	At string `json:"at,omitempty"`
}

// Result is the outcome of a comparison.
type Result struct {
	EnvA string `json:"env_a"`
	EnvB string `json:"env_b"`
	// Units counts the units of both environments (each path once).
	Units         int          `json:"units"`
	StateCompared bool         `json:"state_compared"`
	Undeclared    int          `json:"undeclared"`
	Declared      int          `json:"declared"`
	Differences   []Difference `json:"differences"`
}

// HasUndeclared reports whether any difference is not declared: diff-env
// exits 2 then.
func (r *Result) HasUndeclared() bool { return r.Undeclared > 0 }
