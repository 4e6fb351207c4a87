package stack

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// unitPlan is one unit's saved plan as `terraform show -json` gives it:
// what every resource will be (for an applied environment, a no-op plan's
// planned values are its state) and the configuration's expressions, which
// say what refers to what even where values are unknown until apply.
type unitPlan struct {
	unit    string
	planned map[string]map[string]any // address → values
	config  map[string]map[string]any // address → expressions
	vars    map[string]any
}

// unitWorkdir is the folder stackctl ran the unit's terraform in (it holds
// the rendered tfvars). The plans are made there, with plain terraform, so
// that they see exactly the inputs stackctl gave.
func unitWorkdir(t *testing.T, e *stackEnv, unit string) string {
	t.Helper()
	root := e.tr.Path(".stackctl/cache/" + e.name + "/" + unit)
	var found string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "stackctl.auto.tfvars.json" && found == "" {
			found = filepath.Dir(p)
		}
		return nil
	})
	if found == "" {
		t.Fatalf("no working folder with stackctl.auto.tfvars.json under %s: did stackctl's cache layout change?", root)
	}
	return found
}

// planUnits plans every unit (read-only: no lock, nothing applied) and
// reads the plans, in parallel.
func planUnits(t *testing.T, e *stackEnv, units []string) map[string]*unitPlan {
	t.Helper()
	out := map[string]*unitPlan{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]string, len(units))
	for i, u := range units {
		dir := unitWorkdir(t, e, u)
		planFile := filepath.Join(t.TempDir(), "plan")
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := planJSON(e.tr.Env, dir, planFile)
			if err != "" {
				errs[i] = u + ": " + err
				return
			}
			p.unit = u
			mu.Lock()
			out[u] = p
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != "" {
			t.Fatal(err)
		}
	}
	return out
}

func planJSON(env []string, dir, planFile string) (*unitPlan, string) {
	run := func(args ...string) ([]byte, string) {
		cmd := exec.Command("nice", append([]string{"-n", "10", "terraform"}, args...)...)
		cmd.Dir = dir
		cmd.Env = env
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, "terraform " + strings.Join(args, " ") + ": " + err.Error() + "\n" + stderr.String()
		}
		return out, ""
	}
	if _, err := run("plan", "-lock=false", "-input=false", "-no-color", "-out="+planFile); err != "" {
		return nil, err
	}
	defer os.Remove(planFile)
	data, err := run("show", "-json", planFile)
	if err != "" {
		return nil, err
	}
	var doc struct {
		Variables     map[string]struct{ Value any } `json:"variables"`
		PlannedValues struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"planned_values"`
		Configuration struct {
			RootModule struct {
				Resources []struct {
					Address     string         `json:"address"`
					Expressions map[string]any `json:"expressions"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"configuration"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, "reading the plan: " + err.Error()
	}
	p := &unitPlan{planned: map[string]map[string]any{}, config: map[string]map[string]any{}, vars: map[string]any{}}
	for _, r := range doc.PlannedValues.RootModule.Resources {
		p.planned[r.Address] = r.Values
	}
	for _, r := range doc.Configuration.RootModule.Resources {
		p.config[r.Address] = r.Expressions
	}
	for k, v := range doc.Variables {
		p.vars[k] = v.Value
	}
	return p, ""
}

// addresses lists the planned resources of a type, sorted.
func (p *unitPlan) addresses(typ string) []string {
	var out []string
	for a := range p.planned {
		if strings.HasPrefix(a, typ+".") {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// refs lists every reference in an expression (or a nested block of them).
func refs(expr any) []string {
	var out []string
	switch v := expr.(type) {
	case map[string]any:
		if r, ok := v["references"].([]any); ok {
			for _, x := range r {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
		}
		for k, x := range v {
			if k != "references" {
				out = append(out, refs(x)...)
			}
		}
	case []any:
		for _, x := range v {
			out = append(out, refs(x)...)
		}
	}
	return out
}

// configOf is a resource's configuration, by address without instance
// key (the configuration has one entry per resource block).
func (p *unitPlan) configOf(t *testing.T, addr string) map[string]any {
	t.Helper()
	if i := strings.IndexByte(addr, '['); i >= 0 {
		addr = addr[:i]
	}
	c, ok := p.config[addr]
	if !ok {
		t.Fatalf("%s: no %s in the configuration", p.unit, addr)
	}
	return c
}

func (p *unitPlan) values(t *testing.T, addr string) map[string]any {
	t.Helper()
	v, ok := p.planned[addr]
	if !ok {
		t.Fatalf("%s: no %s in the plan", p.unit, addr)
	}
	return v
}

// block returns the first element of a nested block of values.
func block(v map[string]any, name string) map[string]any {
	if l, ok := v[name].([]any); ok && len(l) > 0 {
		if m, ok := l[0].(map[string]any); ok {
			return m
		}
	}
	return nil
}

func blocks(v map[string]any, name string) []map[string]any {
	var out []map[string]any
	if l, ok := v[name].([]any); ok {
		for _, x := range l {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func hasRef(list []string, want string) bool {
	for _, r := range list {
		if r == want {
			return true
		}
	}
	return false
}
