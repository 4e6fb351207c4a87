// Package state is Terraform's state document (format version 4) as a Go
// model that reads and writes it byte for byte as Terraform does, the
// interfaces every state backend implements (Backend, Locker, Store), and
// the one write protocol all of them share (Write): locked, backed up,
// lineage and serial checked, read back.
package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// FormatVersion is the only state format stackctl reads and writes: the
// one Terraform 0.12 and later write.
const FormatVersion = 4

// State is a whole Terraform state document.
type State struct {
	Version          int
	TerraformVersion string
	Serial           uint64
	Lineage          string
	Outputs          map[string]Output
	// Resources are in Terraform's order (module, mode, type, name) once
	// written; Marshal sorts them.
	Resources []*Resource
	// CheckResults are the results of the last run's checks (check blocks,
	// preconditions, postconditions); nil when there were none.
	CheckResults []*CheckResult
	// Trailer is what follows the JSON document: terraform ends it with
	// one newline, OpenTofu with two. Marshal keeps what was read, so a
	// state written back is the bytes its program would have written;
	// empty means terraform's.
	Trailer string
}

// Output is one root module output.
type Output struct {
	Value     cty.Value
	Sensitive bool
	// TypeJSON and ValueJSON are the output exactly as stored, so that
	// `stackctl output --json` can print what `terraform output -json`
	// prints; Marshal writes them.
	TypeJSON  json.RawMessage
	ValueJSON json.RawMessage
}

// NewOutput returns an output holding v, with its stored form.
func NewOutput(v cty.Value, sensitive bool) (Output, error) {
	v, _ = v.UnmarkDeep()
	val, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return Output{}, err
	}
	ty, err := ctyjson.MarshalType(v.Type())
	if err != nil {
		return Output{}, err
	}
	return Output{Value: v, Sensitive: sensitive, TypeJSON: ty, ValueJSON: val}, nil
}

// fileV4 is the document's layout. Field order and omitempty rules are
// those of Terraform 1.11's own (internal/states/statefile/version4.go), so
// that json.MarshalIndent of it gives Terraform's bytes.
type fileV4 struct {
	Version          int                 `json:"version"`
	TerraformVersion string              `json:"terraform_version"`
	Serial           uint64              `json:"serial"`
	Lineage          string              `json:"lineage"`
	Outputs          map[string]outputV4 `json:"outputs"`
	Resources        []*Resource         `json:"resources"`
	CheckResults     []*CheckResult      `json:"check_results"`
}

type outputV4 struct {
	Value     json.RawMessage `json:"value"`
	Type      json.RawMessage `json:"type"`
	Sensitive bool            `json:"sensitive,omitempty"`
}

// Parse decodes a state document. Only format version 4 (Terraform 0.12 and
// later) is understood.
func Parse(b []byte) (*State, error) {
	var f fileV4
	if err := json.Unmarshal(b, &f); err != nil {
		var v struct{ Version int }
		if json.Unmarshal(b, &v) == nil && v.Version != FormatVersion {
			return nil, unsupportedVersion(v.Version)
		}
		return nil, fmt.Errorf("not a Terraform state: %w", err)
	}
	if f.Version != FormatVersion {
		return nil, unsupportedVersion(f.Version)
	}
	s := &State{
		Version: f.Version, TerraformVersion: f.TerraformVersion, Serial: f.Serial, Lineage: f.Lineage,
		Outputs:      make(map[string]Output, len(f.Outputs)),
		Resources:    f.Resources,
		CheckResults: f.CheckResults,
		Trailer:      trailer(b),
	}
	for name, o := range f.Outputs {
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
	for _, r := range s.Resources {
		if r == nil {
			return nil, errors.New("not a Terraform state: a resource is null")
		}
		if slices.Contains(r.Instances, nil) {
			return nil, fmt.Errorf("not a Terraform state: resource %s has a null instance", r.Address())
		}
	}
	return s, nil
}

func unsupportedVersion(v int) error {
	return fmt.Errorf("state format version %d is not supported (Terraform 0.12 and later write version 4)", v)
}

// CheckKnown reports an error when the document holds a field the model
// does not know (a newer Terraform's): rewriting such a state would drop
// it. Attribute values are opaque to it.
func CheckKnown(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f fileV4
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("the state holds something stackctl does not understand (%w); a newer Terraform may have written it", err)
	}
	return nil
}

// Marshal encodes the state as Terraform writes it: two-space indented
// JSON, resources and instances in Terraform's order, a final newline.
// The state itself is not reordered.
func (s *State) Marshal() ([]byte, error) {
	f := fileV4{
		Version: FormatVersion, TerraformVersion: s.TerraformVersion, Serial: s.Serial, Lineage: s.Lineage,
		Outputs:      make(map[string]outputV4, len(s.Outputs)),
		Resources:    make([]*Resource, 0, len(s.Resources)),
		CheckResults: s.CheckResults,
	}
	for name, o := range s.Outputs {
		if o.TypeJSON == nil || o.ValueJSON == nil {
			var err error
			if o, err = NewOutput(o.Value, o.Sensitive); err != nil {
				return nil, fmt.Errorf("output %s: %w", name, err)
			}
		}
		f.Outputs[name] = outputV4{Value: o.ValueJSON, Type: o.TypeJSON, Sensitive: o.Sensitive}
	}
	for _, r := range s.Resources {
		c := *r
		c.Instances = sortedInstances(r.Instances)
		f.Resources = append(f.Resources, &c)
	}
	sort.SliceStable(f.Resources, func(i, j int) bool { return resourceLess(f.Resources[i], f.Resources[j]) })
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the state: %w", err)
	}
	t := s.Trailer
	if t == "" {
		t = "\n"
	}
	return append(b, t...), nil
}

// trailer is the run of newlines after the document's closing brace.
func trailer(b []byte) string {
	end := bytes.LastIndexByte(b, '}')
	if end < 0 {
		return ""
	}
	t := b[end+1:]
	if len(bytes.Trim(t, "\n")) != 0 || len(t) == 0 {
		return ""
	}
	return string(t)
}

// Clone returns a deep copy, for editing one state while keeping the other.
func (s *State) Clone() (*State, error) {
	b, err := s.Marshal()
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Empty reports whether the state holds nothing: no resource instances and
// no outputs, as after a destroy.
func (s *State) Empty() bool { return s == nil || (s.Instances() == 0 && len(s.Outputs) == 0) }

// Instances counts resource instance objects (managed and data, deposed
// ones included).
func (s *State) Instances() int {
	if s == nil {
		return 0
	}
	n := 0
	for _, r := range s.Resources {
		n += len(r.Instances)
	}
	return n
}

// OutputNames returns the output names, sorted.
func (s *State) OutputNames() []string {
	names := make([]string, 0, len(s.Outputs))
	for n := range s.Outputs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
