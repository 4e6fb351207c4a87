package cli

import (
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/config"
)

const bashCompletion = `# stackctl bash completion: source <(stackctl completion bash)
_stackctl() {
  local IFS=$'\n'
  COMPREPLY=($(stackctl __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _stackctl stackctl
`

const zshCompletion = `#compdef stackctl
# stackctl zsh completion: source <(stackctl completion zsh)
_stackctl() {
  local -a items
  items=("${(@f)$(stackctl __complete "${(@)words[2,$CURRENT]}" 2>/dev/null)}")
  compadd -a items
}
compdef _stackctl stackctl
`

const fishCompletion = `# stackctl fish completion: stackctl completion fish | source
complete -c stackctl -f -a '(stackctl __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`

func (a *app) completionCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "SHELL",
		Description: `Completes commands, flags, environment names and unit paths.

Examples:
  source <(stackctl completion bash)     # in ~/.bashrc
  source <(stackctl completion zsh)      # in ~/.zshrc
  stackctl completion fish | source      # in ~/.config/fish/config.fish`,
		Action: func(c *ucli.Context) error {
			scripts := map[string]string{"bash": bashCompletion, "zsh": zshCompletion, "fish": fishCompletion}
			sh := c.Args().First()
			script, ok := scripts[sh]
			switch {
			case sh == "":
				return &exitError{code: 1, err: fmt.Errorf("completion needs a shell: bash, zsh or fish")}
			case !ok:
				return &exitError{code: 1, err: fmt.Errorf("completion for %q is not available; the supported shells are bash, zsh and fish", sh)}
			}
			_, err := fmt.Fprint(a.streams.Out, script)
			return err
		},
	}
}

// completeCommand answers the completion scripts: given the words typed so
// far (the last one partial), it prints candidates, one per line.
func (a *app) completeCommand() *ucli.Command {
	return &ucli.Command{
		Name:            "__complete",
		Hidden:          true,
		SkipFlagParsing: true,
		Action: func(c *ucli.Context) error {
			words := c.Args().Slice()
			cur := ""
			if len(words) > 0 {
				cur = words[len(words)-1]
				words = words[:len(words)-1]
			}
			for _, cand := range a.candidates(c, words, cur) {
				if strings.HasPrefix(cand, cur) {
					fmt.Fprintln(a.streams.Out, cand)
				}
			}
			return nil
		},
	}
}

func (a *app) candidates(c *ucli.Context, words []string, cur string) []string {
	if len(words) == 0 {
		var names []string
		for _, cmd := range c.App.Commands {
			if !cmd.Hidden {
				names = append(names, cmd.Name)
			}
		}
		return names
	}
	cmd := c.App.Command(words[0])
	if cmd == nil {
		return nil
	}
	// ci matrix, providers lock: the subcommand, then its own words.
	for len(cmd.Subcommands) > 0 {
		if len(words) == 1 {
			var names []string
			for _, sub := range cmd.Subcommands {
				names = append(names, sub.Name)
			}
			return names
		}
		sub := cmd.Command(words[1])
		if sub == nil {
			return nil
		}
		cmd, words = sub, words[1:]
	}
	if strings.HasPrefix(cur, "-") {
		var flags []string
		for _, f := range cmd.Flags {
			for _, n := range f.Names() {
				if len(n) > 1 {
					flags = append(flags, "--"+n)
				}
			}
		}
		return flags
	}
	loader := config.NewLoader(config.Options{Dir: a.cwd, Getenv: a.getenv})
	prev := words[len(words)-1]
	var env string
	for _, w := range words[1:] {
		if !strings.HasPrefix(w, "-") {
			env = w
			break
		}
	}
	if (prev == "--unit" || prev == "-u") && env != "" {
		st, diags := loader.Load(env)
		if diags.HasErrors() {
			return nil
		}
		return st.UnitPaths()
	}
	if env == "" {
		envs, _ := loader.Environments()
		return envs
	}
	return nil
}
