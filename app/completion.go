package app

import (
	"fmt"
	"strconv"
	"strings"

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
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return fmt.Errorf("fish completion: %w", err)
				}
				// urfave/cli marks placeholders with backticks; fish
				// would show them literally.
				script = strings.ReplaceAll(s, "`", "")
			default:
				return usageError(i18n.UsageCompletionShell, strconv.Quote(shell))
			}
			_, err := fmt.Fprint(c.App.Writer, script)
			return err
		},
	}
}

func manCommand() *cli.Command {
	return &cli.Command{
		Name:   "man",
		Usage:  "print the manual page (roff)",
		Hidden: true,
		Action: func(c *cli.Context) error {
			page, err := c.App.ToManWithSection(1)
			if err != nil {
				return fmt.Errorf("man page: %w", err)
			}
			_, err = fmt.Fprint(c.App.Writer, verbatimExamples(strings.TrimRight(page, "\n"))+"\n"+manExtra(c.App))
			return err
		},
	}
}

// exitStatuses are the statuses popfind exits with, for the manual page.
var exitStatuses = [][2]string{
	{"0", "every address was found (and, with --verify, every check passed)"},
	{"1", "at least one address was not found"},
	{"2", "a usage error, or at least one invalid address"},
	{"3", "a server checked with --verify or verify failed"},
	{"4", "a lookup could not be made: no DNS server answered, or the network is down"},
	{"130", "interrupted (Ctrl-C, SIGINT or SIGTERM)"},
}

// manExtra is what urfave/cli's manual page lacks: EXIT STATUS and
// ENVIRONMENT, the latter from the flags' own environment variables.
func manExtra(a *cli.App) string {
	var b strings.Builder
	b.WriteString("\n.SH EXIT STATUS\n")
	for _, s := range exitStatuses {
		fmt.Fprintf(&b, ".TP\n%s\n%s\n", s[0], s[1])
	}
	b.WriteString("In a batch, 2 wins over 4, 4 over 3, and 3 over 1.\n")
	b.WriteString("\n.SH ENVIRONMENT\n")
	for _, f := range a.Flags {
		df, ok := f.(cli.DocGenerationFlag)
		if !ok {
			continue
		}
		for _, env := range df.GetEnvVars() {
			fmt.Fprintf(&b, ".TP\n%s\nas --%s: %s\n", env, f.Names()[0], strings.ReplaceAll(df.GetUsage(), "`", ""))
		}
	}
	for _, e := range [][2]string{
		{"LANGUAGE, LC_ALL, LC_MESSAGES, LANG", "the language of human output when --lang is not given; a value starting with zh means Chinese"},
		{"NO_COLOR", "when set to anything, no colour"},
		{"COLUMNS", "the width to lay human output out for, when standard output is not a terminal"},
		{"SSL_CERT_FILE, SSL_CERT_DIR", "the trusted certificate authorities, instead of the system's"},
	} {
		fmt.Fprintf(&b, ".TP\n%s\n%s\n", e[0], e[1])
	}
	return b.String()
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
		switch prev := words[len(words)-1]; prev {
		case "--lang":
			return []string{"en", "zh"}
		case "--sources":
			return append([]string{"all"}, lookup.SourceNames()...)
		case "--region":
			return providers.Builtin().Regions()
		case "--protocol":
			if cmd != nil && cmd.Name == "verify" {
				return []string{"pop3", "imap", "smtp"}
			}
			return []string{"pop3,smtp", "pop3,imap,smtp", "imap,smtp", "pop3", "imap", "smtp"}
		}
		if takesValue(flags, words[len(words)-1]) {
			return nil // a value the shell completes as a file or not at all
		}
	}
	if strings.HasPrefix(cur, "-") {
		var out []string
		for _, f := range flags {
			for _, n := range f.Names() {
				if len(n) > 1 {
					out = append(out, "--"+n)
				}
			}
		}
		return out
	}
	switch {
	case cmd == nil:
		var out []string
		for _, c := range a.Commands {
			if !c.Hidden {
				out = append(out, c.Name)
			}
		}
		return out
	case cmd.Name == "completion":
		return []string{"bash", "zsh", "fish"}
	case cmd.Name == "help":
		var out []string
		for _, c := range a.Commands {
			if !c.Hidden && c.Name != "help" {
				out = append(out, c.Name)
			}
		}
		return out
	}
	return nil
}

// verbatimExamples keeps the examples of the description as they are
// written: roff would otherwise fill their lines into paragraphs.
func verbatimExamples(page string) string {
	i := strings.Index(page, "\nExamples:\n")
	if i < 0 {
		return page
	}
	j := strings.Index(page[i+1:], "\n\n")
	if j < 0 {
		return page
	}
	j += i + 1
	return page[:i+1] + ".nf\n" + page[i+1:j] + "\n.fi" + page[j:]
}
