package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/popfind/popfind/export"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/providers"
	"github.com/urfave/cli/v2"
)

// The bash and zsh scripts ask popfind itself for candidates, through
// urfave/cli's --generate-bash-completion flag, so they never go stale.
const bashCompletion = `# bash completion for popfind; load with: source <(popfind completion bash)
_popfind_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local words=("${COMP_WORDS[@]:0:COMP_CWORD}")
  local opts
  opts=$("${words[@]}" "$cur" --generate-bash-completion 2>/dev/null)
  COMPREPLY=($(compgen -W "${opts}" -- "${cur}"))
}
complete -o bashdefault -o default -F _popfind_complete popfind
`

const zshCompletion = `#compdef popfind
# zsh completion for popfind; load with: source <(popfind completion zsh)
_popfind() {
  local -a opts
  local cur=${words[-1]}
  opts=("${(@f)$(${words[@]:0:#words[@]-1} "${cur}" --generate-bash-completion 2>/dev/null)}")
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
compdef _popfind popfind
`

func completionCommand(lang i18n.Lang) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     lang.Sprintf(i18n.CmdCompletion),
		ArgsUsage: "bash|zsh|fish",
		Description: "bash: source <(popfind completion bash)\n" +
			"zsh:  source <(popfind completion zsh)\n" +
			"fish: popfind completion fish > ~/.config/fish/completions/popfind.fish",
		Action: func(c *cli.Context) error {
			var script string
			switch shell := c.Args().First(); shell {
			case "bash":
				script = bashCompletion
			case "zsh":
				script = zshCompletion
			case "fish":
				script = fishCompletion(c.App)
			default:
				return usageError(i18n.UsageCompletionShell, strconv.Quote(shell))
			}
			_, err := fmt.Fprint(c.App.Writer, script)
			return err
		},
	}
}

// completeFlag is the flag the shell scripts add to ask for candidates.
const completeFlag = "--generate-bash-completion"

// complete answers a completion request: args are the words typed before
// the cursor (the program's name first), the word being typed (perhaps
// empty), then completeFlag. The shell filters the candidates itself.
func complete(a *cli.App, args []string) []string {
	if len(args) < 3 {
		return nil
	}
	words, cur := args[1:len(args)-2], args[len(args)-2]
	// The command, if one is named, and the flags in scope.
	var cmd *cli.Command
	flags := a.Flags
	for _, w := range words {
		if c := a.Command(w); c != nil && cmd == nil && !strings.HasPrefix(w, "-") {
			cmd, flags = c, c.Flags
		}
	}
	if !strings.HasPrefix(cur, "-") && len(words) > 0 {
		prev := words[len(words)-1]
		// bash splits "--sources=builtin," at the "=".
		if prev == "=" && len(words) > 1 {
			prev = words[len(words)-2]
		}
		if name, ok := strings.CutPrefix(prev, "--"); ok && takesValue(flags, prev) {
			values, list := flagValues(cmd, name)
			if list {
				return listValues(values, cur)
			}
			return values // nil: a value the shell completes as a file or not at all
		}
	}
	if strings.HasPrefix(cur, "-") {
		var out []string
		for _, f := range append(append([]cli.Flag{}, flags...), runFlag(a, "help")) {
			for _, n := range f.Names() {
				if len(n) > 1 && !slices.Contains(out, "--"+n) {
					out = append(out, "--"+n)
				}
			}
		}
		if cmd == nil && !slices.Contains(out, "--version") {
			out = append(out, "--version")
		}
		return out
	}
	switch {
	case cmd == nil:
		return commandNames(a, true)
	case cmd.Name == "completion":
		return shells
	case cmd.Name == "help":
		return commandNames(a, false)
	}
	return nil
}

// shells are the shells completion writes scripts for.
var shells = []string{"bash", "zsh", "fish"}

// commandNames are the visible commands' names, help among them or not.
func commandNames(a *cli.App, withHelp bool) []string {
	var out []string
	for _, c := range a.Commands {
		if !c.Hidden && (withHelp || c.Name != "help") {
			out = append(out, c.Name)
		}
	}
	return out
}

// flagValues are the values the flag --name of cmd (nil: popfind itself)
// takes, and whether it takes a comma-separated list of them.
func flagValues(cmd *cli.Command, name string) (values []string, list bool) {
	switch name {
	case "lang":
		return []string{"en", "zh"}, false
	case "sources":
		return append([]string{"all"}, lookup.SourceNames()...), true
	case "region":
		return providers.Builtin().Regions(), false
	case "csv-encoding":
		return []string{"utf-8-bom", "utf-8", "gbk"}, false
	case "format":
		return export.Names(), false
	case "protocol":
		// A list, but verify speaks one protocol.
		protocols := []string{"pop3", "imap", "smtp"}
		return protocols, cmd == nil || cmd.Name != "verify"
	}
	return nil, false
}

// listValues completes the item being typed of a comma-separated list:
// after "builtin," it offers "builtin,srv" and the rest, without the items
// already named, or "all" after the first.
func listValues(values []string, cur string) []string {
	i := strings.LastIndexByte(cur, ',')
	if i < 0 {
		return values
	}
	prefix := cur[:i+1]
	named := strings.Split(cur[:i], ",")
	var out []string
	for _, v := range values {
		if v != "all" && !slices.Contains(named, v) {
			out = append(out, prefix+v)
		}
	}
	return out
}

// fishCompletion is the fish script: every command, every flag of each
// (once), the values of the flags that have a fixed set, lists completed
// item by item, and the shells after completion. It is written from the
// command's definition when asked for, in the language of the run.
func fishCompletion(a *cli.App) string {
	var b strings.Builder
	names := commandNames(a, true)
	fmt.Fprintf(&b, `# fish completion for popfind; install with:
#   popfind completion fish > ~/.config/fish/completions/popfind.fish
function __fish_popfind_no_command
    for w in (commandline -opc)[2..-1]
        if contains -- $w %s
            return 1
        end
    end
    return 0
end

# The next item of a comma-separated list, without those already named.
function __fish_popfind_list
    set -l token (string replace -r -- '^--[^=]*=' '' (commandline -ct))
    set -l prefix (string replace -r -- '[^,]*$' '' $token)
    set -l named (string split -n , -- $prefix)
    for item in $argv
        if test -n "$prefix" -a "$item" = all
            continue
        end
        if not contains -- $item $named
            printf '%%s%%s\n' $prefix $item
        end
    end
end

# Addresses, hosts and filters are not files.
complete -c popfind -f
`, strings.Join(names, " "))
	for _, c := range a.VisibleCommands() {
		fmt.Fprintf(&b, "complete -c popfind -n __fish_popfind_no_command -a %s -d %s\n", c.Name, fishQuote(c.Usage))
	}
	fishFlags(&b, "__fish_popfind_no_command", nil, append(append([]cli.Flag{}, a.Flags...), runFlag(a, "help"), runFlag(a, "version")))
	for _, c := range a.VisibleCommands() {
		cond := "'__fish_seen_subcommand_from " + c.Name + "'"
		fishFlags(&b, cond, c, append(append([]cli.Flag{}, c.Flags...), runFlag(a, "help")))
		switch c.Name {
		case "completion":
			fmt.Fprintf(&b, "complete -c popfind -n %s -a '%s'\n", cond, strings.Join(shells, " "))
		case "help":
			fmt.Fprintf(&b, "complete -c popfind -n %s -a '%s'\n", cond, strings.Join(commandNames(a, false), " "))
		}
	}
	return b.String()
}

// fishFlags writes the completions of flags under the condition cond.
func fishFlags(b *strings.Builder, cond string, cmd *cli.Command, flags []cli.Flag) {
	seen := map[string]bool{}
	for _, f := range flags {
		if f == nil || seen[f.Names()[0]] {
			continue
		}
		seen[f.Names()[0]] = true
		fmt.Fprintf(b, "complete -c popfind -n %s", cond)
		for _, n := range f.Names() {
			if len(n) == 1 {
				fmt.Fprintf(b, " -s %s", n)
			} else {
				fmt.Fprintf(b, " -l %s", n)
			}
		}
		if df, ok := f.(cli.DocGenerationFlag); ok && df.TakesValue() {
			b.WriteString(" -x")
			switch values, list := flagValues(cmd, f.Names()[0]); {
			case list:
				fmt.Fprintf(b, " -a '(__fish_popfind_list %s)'", strings.Join(values, " "))
			case values != nil:
				fmt.Fprintf(b, " -a '%s'", strings.Join(values, " "))
			}
		}
		if df, ok := f.(cli.DocGenerationFlag); ok {
			fmt.Fprintf(b, " -d %s", fishQuote(strings.ReplaceAll(df.GetUsage(), "`", "")))
		}
		b.WriteString("\n")
	}
}

// fishQuote quotes s for fish.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// runFlag returns the help or version flag of a's run. urfave/cli keeps
// them in package variables, which every run sets while it parses; work
// done after parsing reads the run's own, kept in a.Metadata.
func runFlag(a *cli.App, name string) cli.Flag {
	if f, ok := a.Metadata["flag."+name].(cli.Flag); ok {
		return f
	}
	return &cli.BoolFlag{Name: name}
}
