package ops

import (
	"context"
	"strings"
)

// writingCommands are the terraform commands (and `state` subcommands)
// that change state or real infrastructure.
var writingCommands = map[string]bool{
	"apply": true, "destroy": true, "import": true, "refresh": true, "taint": true, "untaint": true,
	"force-unlock": true, "state mv": true, "state rm": true, "state push": true, "state replace-provider": true,
}

// Writes reports whether terraform args change state or infrastructure.
func Writes(args []string) bool {
	if len(args) == 0 {
		return false
	}
	if writingCommands[args[0]] {
		return true
	}
	return len(args) > 1 && args[0] == "state" && writingCommands["state "+args[1]]
}

// RunCommand runs any terraform command in every unit, in dependency
// order (`stackctl run ENV -- ARGS`), with the unit's working folder,
// backend and inputs in place. Dependency outputs are read from state as
// far as they can be: a command that does not read variables (state list,
// providers, validate) runs whatever its dependencies' state.
func RunCommand(args []string) Operation {
	return Operation{
		Name: "run", Deps: BestEffort, Order: Forward, Writes: Writes(args), Backend: true,
		Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
			if err := u.Prepare(ctx); err != nil {
				return UnitResult{}, err
			}
			u.Step(strings.Join(args[:min(2, len(args))], " "))
			if err := u.hooked(ctx, "run", func() error { return u.wd.Raw(ctx, args) }); err != nil {
				return UnitResult{}, u.Fail(err)
			}
			return UnitResult{Message: "terraform " + strings.Join(args, " ")}, nil
		},
	}
}
