// Package config parses and evaluates a live tree: the root stackctl.hcl, one
// environment's env.hcl and its units' unit.hcl files. Each file is parsed
// once per invocation; evaluation keeps hcl.Diagnostics (with file:line:col)
// all the way to the caller.
//
// Evaluation happens in two phases. Load evaluates everything that does not
// depend on other units (sources, dependency paths, locals, remote state);
// Stack.Inputs evaluates one unit's inputs once its dependencies' outputs are
// known, which for apply is only after those dependencies ran.
package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

type mark string

// Sensitive marks values that must never be printed: SecureString
// parameters, sensitive dependency outputs, and anything computed from them.
const Sensitive = mark("sensitive")

// Layer says which file an input came from. Higher layers win.
type Layer int

// The input layers, lowest precedence first. LayerInclude is a file the
// unit.hcl includes (a shared unit definition); the unit.hcl overrides it.
const (
	LayerRoot Layer = iota
	LayerEnv
	LayerInclude
	LayerUnit
)

func (l Layer) String() string {
	switch l {
	case LayerRoot:
		return "root"
	case LayerEnv:
		return "env"
	case LayerInclude:
		return "include"
	default:
		return "unit"
	}
}

// Root is the evaluated repository-level configuration (stackctl.hcl).
type Root struct {
	Dir     string // repository root, absolute
	File    string // absolute path of stackctl.hcl
	Project string
	LiveDir string // absolute

	// TerraformVersion is the version constraint from terraform.version
	// ("" when unset).
	TerraformVersion      string
	TerraformVersionRange hcl.Range
	// TerraformBinary is terraform.binary: a program name looked up on
	// PATH ("tofu") or an absolute path; "" runs terraform.
	TerraformBinary string

	ProviderMirror string // absolute; "" when unset
	PluginCacheDir string // absolute

	Parity *Parity // nil without a parity block
	// Retry says how transient terraform failures are retried.
	Retry Retry

	discover *discoverBlock // see Stack.Discovery

	locals      hcl.Attributes
	inputs      *hcl.Attribute
	remoteState *remoteStateBlock
	generate    []*hcl.Block
	hooks       []*hcl.Block
}

type remoteStateBlock struct {
	backend *hcl.Attribute
	config  *hcl.Attribute
	rng     hcl.Range
}

// Env is one evaluated environment (env.hcl).
type Env struct {
	Name string
	Dir  string // absolute
	File string // absolute
	// Vars are the env.<key> values, without "name".
	Vars map[string]cty.Value

	value    cty.Value // the env object: name plus vars
	locals   hcl.Attributes
	localVal cty.Value
	inputs   *hcl.Attribute
	varsAttr *hcl.Attribute
	generate []*hcl.Block
	hooks    []*hcl.Block
	// AssumeRole is the role every AWS call of the environment is made as
	// (nil: the default credentials).
	AssumeRole *EnvRole
	// AllowedAccountIDs refuses writes with credentials of another account.
	AllowedAccountIDs []string
}

// Source is where a unit's Terraform module comes from.
type Source struct {
	Raw   string
	Range hcl.Range
	// Local sources are copied; others are fetched by terraform init
	// -from-module.
	Local bool
	// Dir is, for local sources, the absolute folder copied into the working
	// folder: the part before "//" when the source has one.
	Dir string
	// Subdir is the '/'-separated part after "//": terraform runs there.
	Subdir string
	// None is set when unit.hcl has no source: the unit folder's own files
	// are the whole configuration.
	None bool
}

// Dependency is one dependency block of a unit.
type Dependency struct {
	Name      string
	Path      string // unit path of the dependency within the environment
	Range     hcl.Range
	PathRange hcl.Range
	// MockOutputs is an object, or cty.NilVal when the block has none.
	MockOutputs cty.Value
}

// Backend is a unit's rendered state backend.
type Backend struct {
	Type string // "local" or "s3"
	// Config holds the backend settings as written to the generated backend
	// file. For local state it holds only "path" (absolute).
	Config map[string]cty.Value
	Range  hcl.Range
}

// Unit is one evaluated unit (unit.hcl), before its inputs are evaluated.
type Unit struct {
	Path string // relative to the environment folder, '/'-separated
	Name string // last element of Path
	Dir  string // absolute
	File string // absolute path of unit.hcl

	Source       Source
	Dependencies []*Dependency
	Backend      Backend
	Verify       []*Verify // verify blocks, in file order
	// OrderDependencies are the units of dependencies { paths }: they run
	// first, but their outputs are never read. In the order written
	// (included files first), each path once.
	OrderDependencies []OrderDependency
	// Exclude is the unit's exclude block, nil without one.
	Exclude *Exclude
	// PreventDestroy is prevent_destroy = true: destroy must refuse the
	// unit. PreventDestroyRange is where it was set.
	PreventDestroy      bool
	PreventDestroyRange hcl.Range
	// Generate are the files written into the working folder, merged from
	// stackctl.hcl, env.hcl, the includes and unit.hcl by name, sorted by
	// path.
	Generate []Generate
	// Hooks are the commands run around its terraform steps, merged
	// across its files by kind and name.
	Hooks []Hook

	// Includes are the shared definitions the unit.hcl includes, in the
	// order of its include blocks.
	Includes []Include

	common *stackVars
	// vars are project, env and unit while the unit loads (see newVars).
	vars map[string]cty.Value
	// rootLocals are the root file's locals as this unit sees them (shared
	// by every unit when they do not use unit).
	rootLocals cty.Value
	// layers are the files that define the unit, lowest precedence first:
	// the included files in order, then the unit.hcl.
	layers []*unitLayer
}

// Dependency returns the dependency block with the given name, or nil.
func (u *Unit) Dependency(name string) *Dependency {
	for _, d := range u.Dependencies {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// Input is one rendered input value and where it came from.
type Input struct {
	Name  string
	Value cty.Value // may carry the Sensitive mark; may be unknown in render
	Layer Layer
	// File is the file that set the winning value, as shown in messages
	// (Range.Filename); Include names its include block for LayerInclude.
	File    string
	Include string
	Range   hcl.Range // where the winning value was written
	// Overrides lists the lower layers that also set this input.
	Overrides []Layer
}

// Sensitive reports whether the value is or contains something secret.
func (in Input) Sensitive() bool { return IsSensitive(in.Value) }

// IsSensitive reports whether v is, or contains, a sensitive value.
func IsSensitive(v cty.Value) bool {
	if v.HasMark(Sensitive) {
		return true
	}
	return v.ContainsMarked()
}

// DependencyOutputs are the outputs of one dependency as seen by a
// dependent unit.
type DependencyOutputs struct {
	// Values by output name; sensitive outputs carry the Sensitive mark.
	// Nil with Unknown set when the outputs cannot be known yet (render of a
	// dependency that has neither state nor mock outputs).
	Values  map[string]cty.Value
	Unknown bool
	// From describes where the values came from, for messages ("state
	// s3://bucket/key", "mock_outputs").
	From string
	// Err says why the outputs are unknown when the state could not be
	// read.
	Err error
}
