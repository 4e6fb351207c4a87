package parity

import (
	"strings"

	"github.com/stackctl/stackctl/internal/state"
)

// Resources is what one unit's state holds as diff-env compares it: each
// resource address, module path included and instance keys left out
// (module.app["a"].aws_iam_role.task and module.app["b"].aws_iam_role.task
// are two instances of module.app.aws_iam_role.task), and its number of
// instances. Deposed objects are left out: they are on their way out.
// A nil state holds nothing.
func Resources(st *state.State) map[string]int {
	out := map[string]int{}
	if st == nil {
		return out
	}
	for _, o := range st.Objects() {
		if o.Instance.Deposed != "" {
			continue
		}
		r := o.Resource
		addr := r.Type + "." + r.Name
		if r.Mode == state.ModeData {
			addr = "data." + addr
		}
		if m := withoutKeys(r.Module); m != "" {
			addr = m + "." + addr
		}
		out[addr]++
	}
	return out
}

// withoutKeys drops the instance keys of a module path:
// module.app["x"].module.db[0] → module.app.module.db. A key is either a
// number or a quoted string, which may hold "]".
func withoutKeys(module string) string {
	var b strings.Builder
	depth, quoted, escaped := 0, false, false
	for i := 0; i < len(module); i++ {
		c := module[i]
		switch {
		case depth == 0 && c == '[':
			depth = 1
		case depth == 0:
			b.WriteByte(c)
		case escaped:
			escaped = false
		case quoted && c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case !quoted && c == ']':
			depth = 0
		}
	}
	return b.String()
}
