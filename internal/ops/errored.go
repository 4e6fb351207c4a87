package ops

import (
	"fmt"

	"github.com/stackctl/stackctl/internal/surgery"
)

// keepErrored moves the errored.tfstate terraform writes when it cannot
// save a state out of the unit's working folder (a cache the next run
// rebuilds) and returns what the failure message adds: where it is and
// the command that pushes it. "" when there is none.
func (u *Unit) keepErrored() string {
	if u.wd == nil {
		return ""
	}
	path, err := surgery.KeepErrored(u.wd.Dir, u.e.Stack.Root.Dir, u.e.Env(), u.Path())
	switch {
	case err != nil && path == "":
		return fmt.Sprintf("; terraform could not save the state and wrote it to %s/%s, which stackctl could not move out of the cache (%v): copy it somewhere safe before the next run",
			u.wd.Dir, surgery.ErroredFile, err)
	case path == "":
		return ""
	}
	return fmt.Sprintf("; terraform could not save the state: it is kept in %s; push it with `stackctl state push-errored %s --unit %s`",
		u.e.Stack.Display(path), u.e.Env(), u.Path())
}
