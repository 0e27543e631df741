// Package app is popfind's command line: flags, the batch loop and the
// renderers. main.go only calls Run.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// Version is popfind's version, set at build time with -ldflags.
var Version = "0.1.0"

// Exit statuses.
const (
	ExitOK       = 0 // every address was found
	ExitNotFound = 1 // at least one address was not found
	ExitUsage    = 2 // a usage error or an invalid address
	ExitVerify   = 3 // --verify: a checked server failed
	ExitNetwork  = 4 // a lookup could not be made: no source could reach the network
	// ExitInterrupted is the shell's status for a command stopped by
	// SIGINT (128+2): Ctrl-C, or the caller cancelling Run's context.
	ExitInterrupted = 130
)

// IO is what a run reads and writes.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// Getenv reads the environment for the language and colour choices;
	// nil means os.Getenv. Flags read POPFIND_* from the process environment.
	Getenv func(string) string
}

// Run runs popfind with args (args[0] is the program name) and returns the
// exit status.
func Run(ctx context.Context, args []string, stdio IO) int {
	if stdio.Getenv == nil {
		stdio.Getenv = os.Getenv
	}
	status := ExitOK
	a := newApp(stdio, &status)
	// urfave/cli v2 keeps its help and version flags in package variables
	// that parsing writes to, so parsing is serialised. The command's work
	// runs after that, outside the lock: actions only note what to do.
	if len(args) > 1 && args[len(args)-1] == completeFlag {
		for _, c := range complete(a, args) {
			fmt.Fprintln(stdio.Out, c)
		}
		return ExitOK
	}
	var work func() error
	deferActions(a, &work)
	cliMu.Lock()
	err := a.RunContext(ctx, reorder(a, args))
	cliMu.Unlock()
	if err == nil && work != nil {
		err = work()
	}
	lang := runLanguage(args, stdio.Getenv)
	if ctx.Err() != nil {
		// Interrupted: what was written stays; no "context canceled".
		fmt.Fprintln(stdio.Err, "popfind"+colon(lang)+lang.Sprintf(i18n.MsgInterrupted))
		return ExitInterrupted
	}
	if err == nil {
		return status
	}
	var ue *usageErr
	if errors.As(err, &ue) {
		fmt.Fprintln(stdio.Err, ue.message(lang))
		return ExitUsage
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(stdio.Err, msg)
		}
		return ec.ExitCode()
	}
	fmt.Fprintf(stdio.Err, "popfind: %v\n", err)
	return ExitUsage
}

var cliMu sync.Mutex

// onUsageError words urfave/cli's flag errors the way popfind spells flags:
// "unknown flag: --bogus", and a duration without its unit.
func onUsageError(_ *cli.Context, err error, _ bool) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return usageError(i18n.UsageUnknownFlag, strings.TrimLeft(name, "-"))
	}
	var value, flag string
	if n, _ := fmt.Sscanf(msg, "invalid value %q for flag -%s", &value, &flag); n == 2 {
		flag = strings.TrimSuffix(flag, ":")
		if _, err := strconv.Atoi(value); err == nil && (flag == "timeout") {
			return usageError(i18n.UsageDurationUnit, flag, value, value, value)
		}
		return usageError(i18n.UsageInvalidValue, flag, strconv.Quote(value))
	}
	return usageError(i18n.UsageOther, strings.ReplaceAll(msg, " -", " --"))
}

// deferActions makes the actions of a and of its commands note their work
// in *work instead of doing it, so that it runs after parsing.
func deferActions(a *cli.App, work *func() error) {
	wrap := func(act cli.ActionFunc) cli.ActionFunc {
		if act == nil {
			return nil
		}
		return func(c *cli.Context) error {
			*work = func() error { return act(c) }
			return nil
		}
	}
	a.Action = wrap(a.Action)
	for _, cmd := range a.Commands {
		cmd.Action = wrap(cmd.Action)
	}
}

// usageError reports a usage problem with exit status 2.
func usageError(key string, args ...string) error {
	return &usageErr{key: key, args: args}
}

// usageErr is a usage problem, a catalogue message worded in the run's
// language when it is printed.
type usageErr struct {
	key  string
	args []string
}

func (e *usageErr) Error() string { return i18n.English.Sprintf(e.key, e.args...) }

// message words e in lang, with the pointer to --help.
func (e *usageErr) message(lang i18n.Lang) string {
	return "popfind" + colon(lang) + lang.Sprintf(e.key, e.args...) + "\n" + lang.Sprintf(i18n.UsageSeeHelp)
}

const examples = `Where popfind looks, best first: the built-in provider table (no network),
the domain's Thunderbird autoconfig file (https://autoconfig.DOMAIN/,
https://DOMAIN/.well-known/), the Thunderbird ISP database, DNS SRV records
(RFC 6186), Exchange Autodiscover, the domain's MX hosts, autoconfig over plain
HTTP, and as a last resort probing pop3./pop./mail.DOMAIN. All of them run at
once; guessing runs only when the others found nothing.

Examples:
  In a terminal:
    popfind someone@gmail.com
    popfind --all someone@example.com          every source side by side
  In scripts (one JSON object per line):
    popfind --json someone@qq.com | jq -r '.server.host + ":" + (.server.port|tostring)'
    popfind --json --offline a@163.com b@126.com | jq -c '{address, found, host: .server.host}'
  A batch from a file (one address per line; # comments and blank lines skipped):
    popfind --json - < addresses.txt > settings.jsonl
  Prove it against the server (no credentials are ever sent):
    popfind --verify someone@gmail.com
    popfind verify pop.example.com:995 --ssl
  Support-desk quick reference:
    popfind providers 网易
    popfind providers --csv > providers.csv

Exit status: 0 every address found; 1 at least one not found; 2 usage error or
invalid address; 3 a server checked with --verify failed; 4 a lookup could not
be made (no DNS server answered, the network is down); 130 interrupted.`

func commonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "json", Usage: "print one JSON object per line (JSON Lines)", EnvVars: []string{"POPFIND_JSON"}},
		&cli.StringFlag{Name: "lang", Usage: "language of human-readable text: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)", EnvVars: []string{"POPFIND_LANG"}},
	}
}

func lookupFlags() []cli.Flag {
	return []cli.Flag{
		&cli.DurationFlag{Name: "timeout", Value: 10 * time.Second, Usage: "deadline for each address's whole lookup", EnvVars: []string{"POPFIND_TIMEOUT"}},
		&cli.StringFlag{Name: "dns", Usage: "DNS server `HOST[:PORT]` for every query popfind makes (default: the system's resolver)", EnvVars: []string{"POPFIND_DNS"}},
	}
}

func newApp(stdio IO, status *int) *cli.App {
	flags := append(commonFlags(), lookupFlags()...)
	flags = append(flags,
		&cli.StringFlag{Name: "ispdb", Value: lookup.DefaultISPDB, Usage: "base `URL` of the ISP database; empty turns it off", EnvVars: []string{"POPFIND_ISPDB"}},
		&cli.StringFlag{Name: "sources", Value: "all", Usage: "comma-separated `LIST` of sources: " + strings.Join(lookup.SourceNames(), ", "), EnvVars: []string{"POPFIND_SOURCES"}},
		&cli.BoolFlag{Name: "offline", Usage: "the built-in table only, no network (same as --sources builtin)", EnvVars: []string{"POPFIND_OFFLINE"}},
		&cli.BoolFlag{Name: "all", Usage: "list every server every source found, side by side", EnvVars: []string{"POPFIND_ALL"}},
		&cli.BoolFlag{Name: "verify", Usage: "check the chosen server live (TLS, greeting, CAPA); never logs in", EnvVars: []string{"POPFIND_VERIFY"}},
		&cli.IntFlag{Name: "concurrency", Value: defaultConcurrency, Usage: "number of domains looked up at once in a batch", EnvVars: []string{"POPFIND_CONCURRENCY"}},
	)
	a := &cli.App{
		Name:                 "popfind",
		Usage:                "find the POP3 server (host, port, SSL, login name) for an email address",
		UsageText:            "popfind [options] ADDRESS...\npopfind [options] -        (read addresses from standard input, one per line)\npopfind providers [FILTER]\npopfind verify HOST[:PORT] [--ssl | --starttls | --plain]",
		Description:          examples,
		Version:              Version,
		Flags:                flags,
		Commands:             []*cli.Command{providersCommand(status), verifyCommand(status), completionCommand(), manCommand()},
		Reader:               stdio.In,
		Writer:               stdio.Out,
		ErrWriter:            stdio.Err,
		EnableBashCompletion: true,
		ExitErrHandler:       func(*cli.Context, error) {},
		OnUsageError:         onUsageError,
		Action:               func(c *cli.Context) error { return lookupAction(c, stdio, status) },
		Metadata: map[string]any{
			"getenv": stdio.Getenv,
		},
	}
	for _, cmd := range a.Commands {
		cmd.OnUsageError = onUsageError
		cmd.HideHelpCommand = true
	}
	return a
}

// sortedSourceNames lists the --sources names alphabetically, for messages.
func sortedSourceNames() []string {
	names := lookup.SourceNames()
	slices.Sort(names)
	return names
}

// runLanguage is the language of a run, found before its flags are parsed
// (a usage error may be what stops the parsing): --lang, POPFIND_LANG, then
// the locale. An unknown --lang means English.
func runLanguage(args []string, getenv func(string) string) i18n.Lang {
	l := ""
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			l = v
		} else if a == "--lang" && i+1 < len(args) {
			l = args[i+1]
		}
	}
	if l == "" {
		l = getenv("POPFIND_LANG")
	}
	if l = strings.ToLower(strings.TrimSpace(l)); i18n.Known(l) {
		return i18n.Lang(l)
	}
	if l != "" {
		return i18n.English
	}
	return i18n.FromEnv(getenv)
}

// language picks the language of human output: --lang, then the locale.
func language(c *cli.Context, getenv func(string) string) (i18n.Lang, error) {
	// The innermost --lang wins: "popfind --lang zh providers" works too.
	l := ""
	for _, ctx := range c.Lineage() {
		if l = strings.ToLower(strings.TrimSpace(ctx.String("lang"))); l != "" {
			break
		}
	}
	if l != "" {
		if !i18n.Known(l) {
			return "", usageError(i18n.UsageUnknownLang, strconv.Quote(l))
		}
		return i18n.Lang(l), nil
	}
	return i18n.FromEnv(getenv), nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// useColor follows the NO_COLOR convention: colour only on a terminal, and
// never when NO_COLOR is set to anything.
func useColor(w io.Writer, getenv func(string) string) bool {
	if _, set := lookupEnv(getenv, "NO_COLOR"); set {
		return false
	}
	return isTerminal(w)
}

func lookupEnv(getenv func(string) string, name string) (string, bool) {
	if v := getenv(name); v != "" {
		return v, true
	}
	return "", false
}

// reorder moves flags that follow positional arguments in front of them, so
// that "popfind a@b.c --json" works like "popfind --json a@b.c". Flags before
// a subcommand's name stay there; the subcommand's own arguments are
// reordered with its flags. It stops at "--".
func reorder(a *cli.App, args []string) []string {
	// Shell completion needs its flag to stay last.
	if len(args) < 2 || args[len(args)-1] == "--generate-bash-completion" {
		return args
	}
	head, rest, flags := args[:1], args[1:], a.Flags
	for i := 0; i < len(rest); i++ {
		arg := rest[i]
		if arg == "--" {
			break
		}
		if strings.HasPrefix(arg, "-") && arg != "-" {
			if takesValue(flags, arg) && !strings.Contains(arg, "=") {
				i++
			}
			continue
		}
		if cmd := a.Command(arg); cmd != nil {
			head = args[:i+2]
			rest = rest[i+1:]
			flags = append(append([]cli.Flag{}, cmd.Flags...), a.Flags...)
		}
		break
	}
	var fl, pos []string
	for i := 0; i < len(rest); i++ {
		arg := rest[i]
		switch {
		case arg == "--":
			pos = append(pos, rest[i:]...)
			i = len(rest)
		case strings.HasPrefix(arg, "-") && arg != "-":
			fl = append(fl, arg)
			if takesValue(flags, arg) && !strings.Contains(arg, "=") && i+1 < len(rest) {
				i++
				fl = append(fl, rest[i])
			}
		default:
			pos = append(pos, arg)
		}
	}
	out := append([]string{}, head...)
	return append(append(out, fl...), pos...)
}

// takesValue reports whether the flag spelled arg takes a separate value.
func takesValue(flags []cli.Flag, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if i := strings.IndexByte(name, '='); i >= 0 {
		name = name[:i]
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			_, isBool := f.(*cli.BoolFlag)
			return !isBool
		}
	}
	return false
}
