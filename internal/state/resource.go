package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Resource modes.
const (
	ModeManaged = "managed"
	ModeData    = "data"
)

// Resource is one resource block's state in one module instance. Field
// order and JSON rules are Terraform's.
type Resource struct {
	// Module is the module instance, "" for the root module:
	// `module.app["api"].module.db`.
	Module string `json:"module,omitempty"`
	Mode   string `json:"mode"` // ModeManaged or ModeData
	Type   string `json:"type"`
	Name   string `json:"name"`
	// Each is "list" or "map" in states of Terraform before 0.13; Terraform
	// 1.x reads it and no longer writes it.
	Each string `json:"each,omitempty"`
	// Provider is the provider configuration:
	// `provider["registry.terraform.io/hashicorp/aws"].west`.
	Provider  string      `json:"provider"`
	Instances []*Instance `json:"instances"`
}

// Instance is one object of a resource instance: its current object, or a
// deposed one (create_before_destroy replacement in progress) when Deposed
// is set. Field order and JSON rules are Terraform's.
type Instance struct {
	IndexKey InstanceKey `json:"index_key,omitzero"`
	Status   string      `json:"status,omitempty"`  // "" or "tainted"
	Deposed  string      `json:"deposed,omitempty"` // deposed object's key

	SchemaVersion uint64 `json:"schema_version"`
	// Attributes is the object as the provider returned it, kept as raw
	// JSON so that rewriting a state leaves values untouched; Attribute and
	// SetAttribute read and change it.
	Attributes json.RawMessage `json:"attributes,omitempty"`
	// AttributesFlat is the legacy (Terraform 0.11) form, found only in
	// states upgraded from it and not yet refreshed.
	AttributesFlat map[string]string `json:"attributes_flat,omitempty"`
	// SensitiveAttributes are the paths of sensitive values in Attributes,
	// as Terraform encodes them ([[{"type":"get_attr","value":"value"}]]).
	SensitiveAttributes json.RawMessage `json:"sensitive_attributes,omitempty"`

	// IdentitySchemaVersion and Identity are written by Terraform 1.12 and
	// later (resource identity); Terraform 1.11 writes neither. A pointer,
	// since 1.12 writes the version even when it is 0.
	IdentitySchemaVersion *uint64         `json:"identity_schema_version,omitempty"`
	Identity              json.RawMessage `json:"identity,omitempty"`

	// Private is the provider's opaque data (timeouts, schema hints),
	// base64 in the document.
	Private []byte `json:"private,omitempty"`

	// Dependencies are the absolute addresses of resources this one
	// depends on.
	Dependencies []string `json:"dependencies,omitempty"`

	CreateBeforeDestroy bool `json:"create_before_destroy,omitempty"`
}

// InstanceKey is an instance's key: none (a single instance), a number
// (count) or a string (for_each). The zero value is no key.
type InstanceKey struct {
	kind keyKind
	i    int
	s    string
}

type keyKind uint8

const (
	noKey keyKind = iota
	intKey
	stringKey
)

// IntKey is a count index.
func IntKey(i int) InstanceKey { return InstanceKey{kind: intKey, i: i} }

// StringKey is a for_each key.
func StringKey(s string) InstanceKey { return InstanceKey{kind: stringKey, s: s} }

// IsZero reports no key; it makes `omitzero` leave index_key out, as
// Terraform does.
func (k InstanceKey) IsZero() bool { return k.kind == noKey }

// Int returns a count index.
func (k InstanceKey) Int() (int, bool) { return k.i, k.kind == intKey }

// Str returns a for_each key.
func (k InstanceKey) Str() (string, bool) { return k.s, k.kind == stringKey }

// String is the key as written in addresses: "", [0] or ["a"].
func (k InstanceKey) String() string {
	switch k.kind {
	case intKey:
		return "[" + strconv.Itoa(k.i) + "]"
	case stringKey:
		return "[" + quoteHCL(k.s) + "]"
	default:
		return ""
	}
}

// MarshalJSON writes a number or a string.
func (k InstanceKey) MarshalJSON() ([]byte, error) {
	switch k.kind {
	case intKey:
		return []byte(strconv.Itoa(k.i)), nil
	case stringKey:
		return json.Marshal(k.s)
	default:
		return []byte("null"), nil
	}
}

// UnmarshalJSON reads a number, a string or null.
func (k *InstanceKey) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*k = InstanceKey{}
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*k = StringKey(s)
	default:
		// Terraform accepts any JSON number and truncates it.
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil || math.Abs(f) > 1<<53 {
			return fmt.Errorf("index_key %s is neither a number nor a string", b)
		}
		*k = IntKey(int(f))
	}
	return nil
}

// compare orders keys as Terraform does: no key, then numbers, then
// strings.
func (k InstanceKey) compare(o InstanceKey) int {
	if k.kind != o.kind {
		return int(k.kind) - int(o.kind)
	}
	switch k.kind {
	case intKey:
		return k.i - o.i
	case stringKey:
		switch {
		case k.s < o.s:
			return -1
		case k.s > o.s:
			return 1
		}
	}
	return 0
}

// CheckResult is the result of one checkable object in configuration (a
// resource, output, check block or variable with conditions).
type CheckResult struct {
	ObjectKind string        `json:"object_kind"` // resource, output, check, var
	ConfigAddr string        `json:"config_addr"`
	Status     string        `json:"status"` // pass, fail, error, unknown
	Objects    []CheckObject `json:"objects"`
}

// CheckObject is the result for one instance of a checkable object.
type CheckObject struct {
	ObjectAddr      string   `json:"object_addr"`
	Status          string   `json:"status"`
	FailureMessages []string `json:"failure_messages,omitempty"`
}

func resourceLess(a, b *Resource) bool {
	switch {
	case a.Module != b.Module:
		return a.Module < b.Module
	case a.Mode != b.Mode:
		return a.Mode < b.Mode
	case a.Type != b.Type:
		return a.Type < b.Type
	default:
		return a.Name < b.Name
	}
}

func instanceLess(a, b *Instance) bool {
	if c := a.IndexKey.compare(b.IndexKey); c != 0 {
		return c < 0
	}
	return a.Deposed < b.Deposed
}

// sortedInstances is a copy of is in Terraform's order, never nil.
func sortedInstances(is []*Instance) []*Instance {
	c := make([]*Instance, len(is))
	copy(c, is)
	sort.SliceStable(c, func(i, j int) bool { return instanceLess(c[i], c[j]) })
	return c
}
