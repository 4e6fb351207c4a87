// Package state reads Terraform state (format version 4) and defines the
// interface every state backend implements, so that outputs, drift and
// state surgery never depend on where state lives.
package state

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Backend is where one unit's state lives.
type Backend interface {
	// Describe names the state for people: a path or s3://bucket/key.
	Describe() string
	// Read returns the current state, or nil without error when there is
	// none yet.
	Read(ctx context.Context) (*State, error)
}

// State is the part of a Terraform state stackctl reads.
type State struct {
	Version          int
	TerraformVersion string
	Serial           uint64
	Lineage          string
	Outputs          map[string]Output
	// Resources counts resource instances (managed and data).
	Resources int
}

// Output is one root module output.
type Output struct {
	Value     cty.Value
	Sensitive bool
	// TypeJSON and ValueJSON are the output exactly as stored, so that
	// `stackctl output --json` can print what `terraform output -json` prints.
	TypeJSON  json.RawMessage
	ValueJSON json.RawMessage
}

type rawState struct {
	Version          int                  `json:"version"`
	TerraformVersion string               `json:"terraform_version"`
	Serial           uint64               `json:"serial"`
	Lineage          string               `json:"lineage"`
	Outputs          map[string]rawOutput `json:"outputs"`
	// Instances are only counted: decoding into struct{} skips their
	// attributes instead of copying the bulk of the document.
	Resources []struct {
		Instances []struct{} `json:"instances"`
	} `json:"resources"`
}

type rawOutput struct {
	Value     json.RawMessage `json:"value"`
	Type      json.RawMessage `json:"type"`
	Sensitive bool            `json:"sensitive"`
}

// Parse decodes a state document. Only format version 4 (Terraform 0.12 and
// later) is understood.
func Parse(b []byte) (*State, error) {
	var raw rawState
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("not a Terraform state: %w", err)
	}
	if raw.Version != 4 {
		return nil, fmt.Errorf("state format version %d is not supported (Terraform 0.12 and later write version 4)", raw.Version)
	}
	s := &State{
		Version: raw.Version, TerraformVersion: raw.TerraformVersion, Serial: raw.Serial, Lineage: raw.Lineage,
		Outputs: make(map[string]Output, len(raw.Outputs)),
	}
	for _, r := range raw.Resources {
		s.Resources += len(r.Instances)
	}
	for name, o := range raw.Outputs {
		ty, err := ctyjson.UnmarshalType(o.Type)
		if err != nil {
			return nil, fmt.Errorf("output %s: bad type: %w", name, err)
		}
		v, err := ctyjson.Unmarshal(o.Value, ty)
		if err != nil {
			return nil, fmt.Errorf("output %s: bad value: %w", name, err)
		}
		s.Outputs[name] = Output{Value: v, Sensitive: o.Sensitive, TypeJSON: o.Type, ValueJSON: o.Value}
	}
	return s, nil
}

// Empty reports whether the state holds nothing: no resources and no
// outputs, as after a destroy.
func (s *State) Empty() bool { return s == nil || (s.Resources == 0 && len(s.Outputs) == 0) }

// OutputNames returns the output names, sorted.
func (s *State) OutputNames() []string {
	names := make([]string, 0, len(s.Outputs))
	for n := range s.Outputs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
