package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrNoAttribute is returned (wrapped) when a path leads nowhere.
var ErrNoAttribute = errors.New("no such attribute")

// A path into an instance's attributes is a list of steps: a string names
// an object attribute or a map key, an int a list or set element, e.g.
// ("tags", "Name") or ("ingress", 0, "cidr_blocks", 1).

// AttributeValues decodes the attributes: objects as map[string]any,
// arrays as []any, numbers as json.Number (so that they keep their exact
// digits).
func (i *Instance) AttributeValues() (map[string]any, error) {
	if i.Attributes == nil {
		if i.AttributesFlat != nil {
			return nil, errors.New("the instance has only legacy flat attributes (Terraform 0.11): run terraform refresh first")
		}
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(i.Attributes))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("attributes: %w", err)
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// Attribute returns the value at path (see AttributeValues for its Go
// form).
func (i *Instance) Attribute(path ...any) (any, error) {
	m, err := i.AttributeValues()
	if err != nil {
		return nil, err
	}
	var v any = m
	for n, step := range path {
		if v, err = child(v, step); err != nil {
			return nil, fmt.Errorf("%s: %w", pathString(path[:n+1]), err)
		}
	}
	return v, nil
}

// SetAttribute replaces the value at path with value (anything
// encoding/json encodes). The parent must exist; setting a missing key of
// an object adds it. It does not change which paths are sensitive.
func (i *Instance) SetAttribute(value any, path ...any) error {
	if len(path) == 0 {
		return errors.New("SetAttribute needs a path")
	}
	m, err := i.AttributeValues()
	if err != nil {
		return err
	}
	raw, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("%s: %w", pathString(path), err)
	}
	var parent any = m
	for n, step := range path[:len(path)-1] {
		if parent, err = child(parent, step); err != nil {
			return fmt.Errorf("%s: %w", pathString(path[:n+1]), err)
		}
	}
	switch last := path[len(path)-1].(type) {
	case string:
		obj, ok := parent.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: %w: the parent is not an object", pathString(path), ErrNoAttribute)
		}
		obj[last] = json.RawMessage(raw)
	case int:
		list, ok := parent.([]any)
		if !ok || last < 0 || last >= len(list) {
			return fmt.Errorf("%s: %w", pathString(path), ErrNoAttribute)
		}
		list[last] = json.RawMessage(raw)
	default:
		return fmt.Errorf("%s: a path step is a string or an int, not %T", pathString(path), last)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	i.Attributes = b
	return nil
}

func child(v any, step any) (any, error) {
	switch s := step.(type) {
	case string:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, ErrNoAttribute
		}
		c, ok := obj[s]
		if !ok {
			return nil, ErrNoAttribute
		}
		return c, nil
	case int:
		list, ok := v.([]any)
		if !ok || s < 0 || s >= len(list) {
			return nil, ErrNoAttribute
		}
		return list[s], nil
	default:
		return nil, fmt.Errorf("a path step is a string or an int, not %T", step)
	}
}

// pathString prints a path as Terraform does: tags["Name"], ingress[0].
func pathString(path []any) string {
	var b strings.Builder
	for n, step := range path {
		switch s := step.(type) {
		case string:
			if n == 0 {
				b.WriteString(s)
			} else {
				b.WriteString("[" + quoteHCL(s) + "]")
			}
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		default:
			fmt.Fprintf(&b, "[%v]", s)
		}
	}
	return b.String()
}

// SensitivePaths decodes SensitiveAttributes into paths of the same form
// Attribute takes.
func (i *Instance) SensitivePaths() ([][]any, error) {
	if len(i.SensitiveAttributes) == 0 {
		return nil, nil
	}
	var raw [][]struct {
		Type  string          `json:"type"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(i.SensitiveAttributes, &raw); err != nil {
		return nil, fmt.Errorf("sensitive_attributes: %w", err)
	}
	out := make([][]any, 0, len(raw))
	for _, steps := range raw {
		path := make([]any, 0, len(steps))
		for _, st := range steps {
			switch st.Type {
			case "get_attr":
				var name string
				if err := json.Unmarshal(st.Value, &name); err != nil {
					return nil, fmt.Errorf("sensitive_attributes: %w", err)
				}
				path = append(path, name)
			case "index":
				// The key is a cty value with its type: {"value":0,"type":"number"}.
				var key struct {
					Value json.RawMessage `json:"value"`
				}
				if err := json.Unmarshal(st.Value, &key); err != nil {
					return nil, fmt.Errorf("sensitive_attributes: %w", err)
				}
				var k InstanceKey
				if err := k.UnmarshalJSON(key.Value); err != nil {
					return nil, fmt.Errorf("sensitive_attributes: %w", err)
				}
				if s, ok := k.Str(); ok {
					path = append(path, s)
				} else {
					n, _ := k.Int()
					path = append(path, n)
				}
			default:
				return nil, fmt.Errorf("sensitive_attributes: unknown step type %q", st.Type)
			}
		}
		out = append(out, path)
	}
	return out, nil
}
