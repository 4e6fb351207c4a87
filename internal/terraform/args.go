package terraform

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// PassThrough is what stackctl forwards from the arguments after "--".
// terraform-exec takes typed options rather than raw arguments, so only the
// flags listed in passThroughFlags are accepted; anything else is refused
// with the list, instead of being dropped silently.
type PassThrough struct {
	Plan []tfexec.PlanOption
	// Apply are the options that still mean something when a saved plan is
	// applied: -parallelism and -lock.
	Apply []tfexec.ApplyOption
	// Auto are all of them, for an apply that plans itself (ApplyAuto).
	Auto []tfexec.ApplyOption
}

var passThroughFlags = []string{"-target", "-replace", "-refresh", "-var", "-var-file", "-parallelism", "-lock"}

// ParsePassThrough turns terraform arguments into options. Relative
// -var-file paths are taken from cwd, where the user typed them.
func ParsePassThrough(args []string, cwd string) (*PassThrough, error) {
	p := &PassThrough{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a, "=")
		name = "-" + strings.TrimLeft(name, "-")
		if !slices.Contains(passThroughFlags, name) {
			return nil, fmt.Errorf("stackctl cannot pass %s to terraform; it passes %s (use --lock-timeout for -lock-timeout)", a, strings.Join(passThroughFlags, ", "))
		}
		needsVal := name != "-refresh" && name != "-lock"
		if !hasVal && needsVal {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("terraform argument %s needs a value", a)
			}
			i++
			val = args[i]
		}
		switch name {
		case "-target":
			p.Plan = append(p.Plan, tfexec.Target(val))
			p.Auto = append(p.Auto, tfexec.Target(val))
		case "-replace":
			p.Plan = append(p.Plan, tfexec.Replace(val))
			p.Auto = append(p.Auto, tfexec.Replace(val))
		case "-var":
			p.Plan = append(p.Plan, tfexec.Var(val))
			p.Auto = append(p.Auto, tfexec.Var(val))
		case "-var-file":
			if !filepath.IsAbs(val) {
				val = filepath.Join(cwd, val)
			}
			p.Plan = append(p.Plan, tfexec.VarFile(val))
			p.Auto = append(p.Auto, tfexec.VarFile(val))
		case "-parallelism":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("-parallelism needs a positive number, got %q", val)
			}
			p.Plan = append(p.Plan, tfexec.Parallelism(n))
			p.Apply = append(p.Apply, tfexec.Parallelism(n))
			p.Auto = append(p.Auto, tfexec.Parallelism(n))
		case "-refresh", "-lock":
			b := true
			if hasVal {
				var err error
				if b, err = strconv.ParseBool(val); err != nil {
					return nil, fmt.Errorf("%s needs true or false, got %q", name, val)
				}
			}
			if name == "-refresh" {
				p.Plan = append(p.Plan, tfexec.Refresh(b))
				p.Auto = append(p.Auto, tfexec.Refresh(b))
			} else {
				p.Plan = append(p.Plan, tfexec.Lock(b))
				p.Apply = append(p.Apply, tfexec.Lock(b))
				p.Auto = append(p.Auto, tfexec.Lock(b))
			}
		}
	}
	return p, nil
}
