package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/backend"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/redact"
	"github.com/stackctl/stackctl/internal/state"
)

func (a *app) outputCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "output",
		Usage:     "print units' outputs, read straight from state",
		ArgsUsage: "ENV",
		Description: `Reads outputs from each unit's state without starting terraform. With --json and one unit
the document has the shape of 'terraform output -json'; with several units it is an object
keyed by unit path. Sensitive outputs are masked unless --show-sensitive is given.

Examples:
  stackctl output dev --unit network --json | jq -r .vpc_id.value
  stackctl output dev
  stackctl output prod --unit database --json --show-sensitive`,
		Flags: commonFlags(unitFlag, jsonFlag,
			&ucli.BoolFlag{Name: "show-sensitive", Usage: "print sensitive output values in clear", EnvVars: envVar("SHOW_SENSITIVE")},
		),
		Action: func(c *ucli.Context) error {
			s, err := a.load(c)
			if err != nil {
				return err
			}
			engine := &ops.Engine{Stack: s.stack, States: backend.NewOpener(s.stack.Env.Name)}
			units := s.ordered()
			show := c.Bool("show-sensitive")
			docs := map[string]map[string]outputJSON{}
			for _, p := range units {
				st, b, err := engine.ReadState(c.Context, s.stack.Unit(p), true)
				if err != nil {
					return &exitError{code: 1, err: err}
				}
				if st == nil {
					fmt.Fprintf(a.streams.ErrOut, "stackctl: %s has no state yet (%s)\n", p, b.Describe())
				}
				docs[p] = outputsOf(st, show)
			}
			if c.Bool("json") {
				var doc any = docs
				if len(units) == 1 {
					doc = docs[units[0]]
				}
				out, err := json.MarshalIndent(doc, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(a.streams.Out, string(out))
				return err
			}
			for i, p := range units {
				if len(units) > 1 {
					if i > 0 {
						fmt.Fprintln(a.streams.Out)
					}
					fmt.Fprintf(a.streams.Out, "# %s\n", p)
				}
				st, _, _ := engine.ReadState(c.Context, s.stack.Unit(p), true)
				writeOutputsText(a.streams.Out, st, show)
			}
			return nil
		},
	}
}

// outputJSON is one output as `terraform output -json` prints it (keys in
// this order, which encoding/json keeps).
type outputJSON struct {
	Sensitive bool            `json:"sensitive"`
	Type      json.RawMessage `json:"type"`
	Value     json.RawMessage `json:"value"`
}

func outputsOf(st *state.State, show bool) map[string]outputJSON {
	out := map[string]outputJSON{}
	if st == nil {
		return out
	}
	for name, o := range st.Outputs {
		v := o.ValueJSON
		if o.Sensitive && !show {
			v, _ = json.Marshal(redact.Mask)
		}
		out[name] = outputJSON{Sensitive: o.Sensitive, Type: o.TypeJSON, Value: v}
	}
	return out
}

func writeOutputsText(w io.Writer, st *state.State, show bool) {
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
