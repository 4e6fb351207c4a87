package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/stackctl/stackctl/internal/redact"
	"github.com/stackctl/stackctl/internal/state"
)

// OutputJSON is one output as `terraform output -json` prints it (keys in
// this order, which encoding/json keeps).
type OutputJSON struct {
	Sensitive bool            `json:"sensitive"`
	Type      json.RawMessage `json:"type"`
	Value     json.RawMessage `json:"value"`
}

// OutputsJSON is a unit's outputs as `terraform output -json` prints
// them; sensitive values are masked unless show.
func OutputsJSON(st *state.State, show bool) map[string]OutputJSON {
	out := map[string]OutputJSON{}
	if st == nil {
		return out
	}
	for name, o := range st.Outputs {
		v := o.ValueJSON
		if o.Sensitive && !show {
			v, _ = json.Marshal(redact.Mask)
		}
		out[name] = OutputJSON{Sensitive: o.Sensitive, Type: o.TypeJSON, Value: v}
	}
	return out
}

// WriteOutputsJSON prints the outputs of the units in order: for one unit
// exactly `terraform output -json`, for several an object keyed by unit
// path. A unit without state has no outputs.
func WriteOutputsJSON(w io.Writer, order []string, states map[string]*state.State, show bool) error {
	if len(order) == 1 {
		return WriteJSON(w, OutputsJSON(states[order[0]], show))
	}
	docs := make(map[string]map[string]OutputJSON, len(order))
	for _, u := range order {
		docs[u] = OutputsJSON(states[u], show)
	}
	return WriteJSON(w, docs)
}

// WriteOutputsTextUnits prints the outputs of the units in order, under a
// "# unit" heading each when there are several.
func WriteOutputsTextUnits(w io.Writer, order []string, states map[string]*state.State, show bool) {
	for i, u := range order {
		if len(order) > 1 {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "# %s\n", u)
		}
		WriteOutputsText(w, states[u], show)
	}
}

// WriteOutputsText prints outputs as `terraform output` does.
func WriteOutputsText(w io.Writer, st *state.State, show bool) {
	if st == nil || len(st.Outputs) == 0 {
		fmt.Fprintln(w, "(no outputs)")
		return
	}
	for _, name := range st.OutputNames() {
		o := st.Outputs[name]
		if o.Sensitive && !show {
			fmt.Fprintf(w, "%s = <sensitive>\n", name)
			continue
		}
		val := strings.TrimSpace(string(hclwrite.TokensForValue(o.Value).Bytes()))
		fmt.Fprintf(w, "%s = %s\n", name, val)
	}
}
