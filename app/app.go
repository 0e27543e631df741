// Package app is popfind's command line: flags, the batch loop and the
// renderers. main.go only calls Run.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
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
	// Dial, when set, opens every TCP connection (see lookup.Config.Dial);
	// tests use it to reach servers on other ports.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// Run runs popfind with args (args[0] is the program name) and returns the
// exit status.
func Run(ctx context.Context, args []string, stdio IO) int {
	if stdio.Getenv == nil {
		stdio.Getenv = os.Getenv
	}
	status := ExitOK
	lang := runLanguage(args, stdio.Getenv)
	a := newApp(stdio, &status, lang)
	// Shell completion is answered here, from the command's definition.
	if len(args) > 1 && args[len(args)-1] == completeFlag {
		for _, c := range complete(a, args) {
			fmt.Fprintln(stdio.Out, c)
		}
		return ExitOK
	}
	// urfave/cli v2 keeps its help and version flags in package variables
	// that parsing writes to, so parsing is serialised. The command's work
	// runs after that, outside the lock: actions only note what to do.
	var work func() error
	deferActions(a, &work)
	cliMu.Lock()
	// urfave/cli's help and version flags are package variables: word them
	// for this run while it parses.
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: lang.Sprintf(i18n.FlagHelp), DisableDefaultText: true}
	// With a command named help, urfave/cli leaves the flag out; add it.
	a.Flags = append(a.Flags, cli.HelpFlag)
	helpWidth = screenWidth(stdio.Out, stdio.Getenv)
	helpLang = lang
	cli.HelpPrinter = printHelp
	cli.VersionPrinter = printVersion
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: lang.Sprintf(i18n.FlagVersion), DisableDefaultText: true}
	if a.Metadata == nil {
		a.Metadata = map[string]any{}
	}
	a.Metadata["flag.help"], a.Metadata["flag.version"] = cli.HelpFlag, cli.VersionFlag
	err := a.RunContext(ctx, reorder(a, args))
	cliMu.Unlock()
	if err == nil && work != nil {
		err = work()
	}
	if errors.Is(err, errServeStopped) {
		// popfind serve stopped by a signal, as asked, its requests done.
		return ExitOK
	}
	if ctx.Err() != nil {
		// Interrupted: what was written stays; no "context canceled".
		fmt.Fprintln(stdio.Err, "popfind"+lang.Colon()+lang.Sprintf(i18n.MsgInterrupted))
		return ExitInterrupted
	}
	if err == nil {
		return status
	}
	var ue *usageErr
	if errors.As(err, &ue) {
		width := screenWidth(stdio.Out, stdio.Getenv)
		for _, l := range strings.Split(ue.message(lang), "\n") {
			fmt.Fprintln(stdio.Err, wrap(l, width, 2))
		}
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

// helpWidth is the width help is fitted to in the run that holds cliMu:
// urfave/cli calls its HelpPrinter without the run's context.
var helpWidth int

// onUsageError words urfave/cli's flag errors the way popfind spells flags:
// "unknown flag: --bogus", and a duration without its unit.
func onUsageError(_ *cli.Context, err error, _ bool) error {
	msg := err.Error()
	// Compiled here, not at start: it is needed only for this error.
	envValueError := regexp.MustCompile(envValuePattern)
	if m := envValueError.FindStringSubmatch(msg); m != nil {
		value, kind, env, flag := m[1], m[2], m[3], m[4]
		switch kind {
		case "bool":
			return usageError(i18n.UsageEnvBool, env, value)
		case "duration":
			return usageError(i18n.UsageEnvDuration, env, value)
		case "int", "uint", "int64", "uint64":
			return usageError(i18n.UsageEnvNumber, env, value)
		}
		return usageError(i18n.UsageEnvValue, env, value, flag)
	}
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

// envValuePattern matches urfave/cli's error for an environment variable
// whose value does not parse: `could not parse "yes" as bool value from
// environment variable "POPFIND_JSON" for flag json: strconv.ParseBool: …`.
const envValuePattern = `^could not parse ("(?:[^"\\]|\\.)*") as (\w+) value from environment variable "(\w+)" for flag ([\w-]+): `

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
		// Help runs at once: it prints urfave/cli's templates, which read
		// the package variables set for the parse.
		if cmd.Name != "help" {
			cmd.Action = wrap(cmd.Action)
		}
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
	return "popfind" + lang.Colon() + lang.Sprintf(e.key, e.args...) + "\n" + lang.Sprintf(i18n.UsageSeeHelp)
}

func commonFlags(lang i18n.Lang) []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "json", Usage: lang.Sprintf(i18n.FlagJSON), EnvVars: []string{"POPFIND_JSON"}},
		&cli.StringFlag{Name: "lang", Usage: lang.Sprintf(i18n.FlagLang), EnvVars: []string{"POPFIND_LANG"}},
	}
}

func lookupFlags(lang i18n.Lang) []cli.Flag {
	return []cli.Flag{timeoutFlag(lang.Sprintf(i18n.FlagTimeout)), dnsFlag(lang)}
}

// checkFlags are lookupFlags as the verify command words them.
func checkFlags(lang i18n.Lang) []cli.Flag {
	return []cli.Flag{timeoutFlag(lang.Sprintf(i18n.FlagVerifyTimeout)), dnsFlag(lang)}
}

func timeoutFlag(usage string) cli.Flag {
	return &cli.DurationFlag{Name: "timeout", Value: 10 * time.Second, Usage: usage, EnvVars: []string{"POPFIND_TIMEOUT"}}
}

func dnsFlag(lang i18n.Lang) cli.Flag {
	return &cli.StringFlag{Name: "dns", Usage: lang.Sprintf(i18n.FlagDNS), EnvVars: []string{"POPFIND_DNS"}}
}

// newApp builds the command, its help worded in lang.
func newApp(stdio IO, status *int, lang i18n.Lang) *cli.App {
	t := lang.Sprintf
	flags := append(commonFlags(lang), lookupFlags(lang)...)
	flags = append(flags,
		&cli.StringFlag{Name: "ispdb", Value: lookup.DefaultISPDB, Usage: t(i18n.FlagISPDB), EnvVars: []string{"POPFIND_ISPDB"}},
		&cli.StringFlag{Name: "protocol", Value: "pop3,smtp", Usage: t(i18n.FlagProtocol), EnvVars: []string{"POPFIND_PROTOCOL"}},
		&cli.StringFlag{Name: "sources", Value: "all", Usage: t(i18n.FlagSources, lang.List(lookup.SourceNames())), EnvVars: []string{"POPFIND_SOURCES"}},
		&cli.BoolFlag{Name: "offline", Usage: t(i18n.FlagOffline), EnvVars: []string{"POPFIND_OFFLINE"}},
		&cli.BoolFlag{Name: "all", Usage: t(i18n.FlagAll), EnvVars: []string{"POPFIND_ALL"}},
		&cli.StringFlag{Name: "grace", Usage: t(i18n.FlagGrace), EnvVars: []string{"POPFIND_GRACE"}},
		&cli.BoolFlag{Name: "wait-all", Usage: t(i18n.FlagWaitAll), EnvVars: []string{"POPFIND_WAIT_ALL"}},
		&cli.BoolFlag{Name: "verify", Usage: t(i18n.FlagVerify), EnvVars: []string{"POPFIND_VERIFY"}},
		&cli.IntFlag{Name: "concurrency", Value: defaultConcurrency, Usage: t(i18n.FlagConcurrency), EnvVars: []string{"POPFIND_CONCURRENCY"}},
	)
	a := &cli.App{
		Name:                 "popfind",
		Usage:                t(i18n.HelpUsage),
		Description:          t(i18n.HelpDescription),
		Version:              Version,
		Flags:                flags,
		Commands:             []*cli.Command{providersCommand(status, lang), verifyCommand(status, lang), checkCommand(status, lang), exportCommand(status, lang), serveCommand(lang), completionCommand(lang), manCommand(), helpCommand(lang)},
		Reader:               stdio.In,
		Writer:               stdio.Out,
		ErrWriter:            stdio.Err,
		EnableBashCompletion: true,
		HideHelpCommand:      true,
		ExitErrHandler:       func(*cli.Context, error) {},
		OnUsageError:         onUsageError,
		Action:               func(c *cli.Context) error { return lookupAction(c, stdio, status) },
		Metadata: map[string]any{
			"getenv": stdio.Getenv,
			"dial":   stdio.Dial,
		},
	}
	// The forms of use: popfind's own, then each command's.
	usage := []string{t(i18n.HelpUsageText)}
	cmdHelp := commandHelpTemplate(lang)
	for _, cmd := range a.Commands {
		cmd.OnUsageError = onUsageError
		cmd.HideHelpCommand = true
		cmd.CustomHelpTemplate = cmdHelp
		if key := commandUsage(cmd.Name); key != "" {
			cmd.UsageText = t(key)
		}
		if !cmd.Hidden && cmd.UsageText != "" {
			usage = append(usage, cmd.UsageText)
		}
	}
	a.UsageText = strings.Join(usage, "\n")
	a.CustomAppHelpTemplate = appHelpTemplate(lang)
	return a
}

// commandUsage is the catalogue key of a command's forms of use.
func commandUsage(name string) string {
	switch name {
	case "providers":
		return i18n.CmdProvidersUsage
	case "verify":
		return i18n.CmdVerifyUsage
	case "check":
		return i18n.CheckUICmdUsage
	case "export":
		return i18n.CmdExportUsage
	case "completion":
		return i18n.CmdCompletionUsage
	case "help":
		return i18n.CmdHelpUsage
	}
	return ""
}

// helpCommand is "popfind help [COMMAND]".
func helpCommand(lang i18n.Lang) *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     lang.Sprintf(i18n.CmdHelp),
		ArgsUsage: "[COMMAND]",
		// "popfind help verify --lang zh" asks for help in Chinese, as
		// "popfind --lang zh help verify" does (runLanguage reads it).
		Flags: []cli.Flag{&cli.StringFlag{Name: "lang", Usage: lang.Sprintf(i18n.FlagLang)}},
		Action: func(c *cli.Context) error {
			name := c.Args().First()
			if name == "" {
				return cli.ShowAppHelp(c)
			}
			if c.App.Command(name) == nil {
				// A usage error (2), in the run's language: urfave/cli's
				// "No help topic" is English and exits 3, which is verify's.
				return usageError(i18n.UsageUnknownCommand, strconv.Quote(name), strings.Join(commandNames(c.App, true), ", "))
			}
			return cli.ShowCommandHelp(c, name)
		},
	}
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
	if lang, ok := i18n.Parse(l); ok {
		return lang
	}
	// An unknown --lang is reported in the locale's language.
	return i18n.FromEnv(getenv)
}

// language picks the language of human output: --lang, then the locale.
func language(c *cli.Context, getenv func(string) string) (i18n.Lang, error) {
	// The innermost --lang wins: "popfind --lang zh providers" works too.
	l := ""
	for _, ctx := range c.Lineage() {
		if l = strings.TrimSpace(ctx.String("lang")); l != "" {
			break
		}
	}
	if l != "" {
		lang, ok := i18n.Parse(l)
		if !ok {
			return "", usageError(i18n.UsageUnknownLang, strconv.Quote(l))
		}
		return lang, nil
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
