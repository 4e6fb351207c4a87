package drift

import (
	"reflect"
	"sort"

	tfjson "github.com/hashicorp/terraform-json"
)

// resourceDiff lists one resource's drifted attributes, counts the
// read-back noise it dropped, and finds objects attached outside Terraform.
func resourceDiff(rc *tfjson.ResourceChange, own *owners) ([]*Attribute, int, []Adoption) {
	c := rc.Change
	before, _ := c.Before.(map[string]any)
	after, _ := c.After.(map[string]any)
	keys := unionKeys(before, after)
	var (
		attrs []*Attribute
		adopt []Adoption
		noise int
	)
	emit := func(steps []any, b, a any) {
		attrs = append(attrs, newAttribute(c, steps, b, a))
	}
	for _, k := range keys {
		b, a := before[k], after[k]
		if s := own.strip(rc.Type, k, before, after); s != nil {
			if s.same {
				if !equal(b, a) {
					noise++
				}
				continue
			}
			emit([]any{k}, s.before, s.after)
			adopt = append(adopt, s.adopt...)
			continue
		}
		walk(b, a, []any{k}, emit, &noise)
	}
	attrs, dup := dropTagsAllEcho(attrs)
	return attrs, noise + dup, adopt
}

// walk descends into objects, and into lists whose length did not change,
// so that a change is reported where it happened (tags.CostCenter, not
// tags).
func walk(b, a any, steps []any, emit func([]any, any, any), noise *int) {
	if equal(b, a) {
		if !reflect.DeepEqual(b, a) {
			*noise++ // the same JSON document, reordered
		}
		return
	}
	if empty(b) && empty(a) {
		*noise++
		return
	}
	bm, bIsMap := b.(map[string]any)
	am, aIsMap := a.(map[string]any)
	if (bIsMap || b == nil) && (aIsMap || a == nil) && (bIsMap || aIsMap) {
		for _, k := range unionKeys(bm, am) {
			walk(bm[k], am[k], with(steps, k), emit, noise)
		}
		return
	}
	bl, bIsList := b.([]any)
	al, aIsList := a.([]any)
	if bIsList && aIsList && len(bl) == len(al) {
		for i := range bl {
			walk(bl[i], al[i], with(steps, i), emit, noise)
		}
		return
	}
	emit(steps, b, a)
}

func with(steps []any, s any) []any {
	out := make([]any, len(steps), len(steps)+1)
	copy(out, steps)
	return append(out, s)
}

func unionKeys(a, b map[string]any) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// newAttribute masks both sides with the union of what either side marks
// sensitive: a value that stops being sensitive is still a secret.
func newAttribute(c *tfjson.Change, steps []any, b, a any) *Attribute {
	sens := unionSensitive(subSensitive(c.BeforeSensitive, steps), subSensitive(c.AfterSensitive, steps))
	return &Attribute{
		Path:      formatPath(steps),
		Before:    maskValue(b, sens),
		After:     maskValue(a, sens),
		Sensitive: anySensitive(sens),
		steps:     steps,
	}
}

func unionSensitive(x, y any) any {
	if isTrue(x) || isTrue(y) {
		return true
	}
	xm, xIsMap := x.(map[string]any)
	ym, yIsMap := y.(map[string]any)
	if xIsMap || yIsMap {
		out := map[string]any{}
		for _, k := range unionKeys(xm, ym) {
			out[k] = unionSensitive(xm[k], ym[k])
		}
		return out
	}
	xl, _ := x.([]any)
	yl, _ := y.([]any)
	if len(xl) == 0 && len(yl) == 0 {
		return nil
	}
	n := max(len(xl), len(yl))
	out := make([]any, n)
	for i := range out {
		var a, b any
		if i < len(xl) {
			a = xl[i]
		}
		if i < len(yl) {
			b = yl[i]
		}
		out[i] = unionSensitive(a, b)
	}
	return out
}

// dropTagsAllEcho drops tags_all entries that repeat a tags entry: the AWS
// provider's tags_all is tags merged with default_tags, so a tag added by
// hand shows in both. A tags_all entry alone (a default tag changed on the
// object) is kept.
func dropTagsAllEcho(attrs []*Attribute) ([]*Attribute, int) {
	tags := map[string]*Attribute{}
	for _, a := range attrs {
		if len(a.steps) > 0 && a.steps[0] == "tags" {
			tags[formatPath(a.steps[1:])] = a
		}
	}
	out := attrs[:0]
	dropped := 0
	for _, a := range attrs {
		if len(a.steps) > 0 && a.steps[0] == "tags_all" {
			if t, ok := tags[formatPath(a.steps[1:])]; ok && reflect.DeepEqual(t.Before, a.Before) && reflect.DeepEqual(t.After, a.After) {
				dropped++
				continue
			}
		}
		out = append(out, a)
	}
	return out, dropped
}

// Changes lists the attributes a planned change sets differently from the
// object's current value (before → after), masked like drift; read-back
// noise (null ↔ empty, reordered JSON) is left out, and so are values
// known only after apply: they follow from the others.
func Changes(c *tfjson.Change) []*Attribute {
	if c == nil {
		return nil
	}
	before, _ := c.Before.(map[string]any)
	after, _ := c.After.(map[string]any)
	unknown, _ := c.AfterUnknown.(map[string]any)
	var out []*Attribute
	var noise int
	for _, k := range unionKeys(before, after) {
		if isTrue(unknown[k]) {
			continue
		}
		walk(before[k], after[k], []any{k}, func(steps []any, b, a any) {
			if u, _ := lookup(c.AfterUnknown, steps); isTrue(u) {
				return
			}
			out = append(out, newAttribute(c, steps, b, a))
		}, &noise)
	}
	return out
}
