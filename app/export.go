package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/popfind/popfind/export"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// exportCommand is "popfind export ADDRESS --format FORMAT": a lookup,
// written as a file a mail client reads.
func exportCommand(status *int, lang i18n.Lang) *cli.Command {
	t := lang.Sprintf
	return &cli.Command{
		Name:        "export",
		Usage:       t(i18n.CmdExport),
		UsageText:   t(i18n.CmdExportUsage),
		Description: t(i18n.CmdExportDesc),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: t(i18n.FlagExportFormat, strings.Join(export.Names(), ", "))},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: t(i18n.FlagExportOutput)},
			&cli.BoolFlag{Name: "force", Usage: t(i18n.FlagExportForce)},
			&cli.StringFlag{Name: "sign-cert", Usage: t(i18n.FlagExportSignCert), TakesFile: true},
			&cli.StringFlag{Name: "sign-key", Usage: t(i18n.FlagExportSignKey), TakesFile: true},
			&cli.StringFlag{Name: "lang", Usage: t(i18n.FlagLang), EnvVars: []string{"POPFIND_LANG"}},
			timeoutFlag(t(i18n.FlagTimeout)),
			dnsFlag(lang),
			&cli.StringFlag{Name: "protocol", Value: "pop3,smtp", Usage: t(i18n.FlagProtocol), EnvVars: []string{"POPFIND_PROTOCOL"}},
			&cli.StringFlag{Name: "sources", Value: "all", Usage: t(i18n.FlagSources, lang.List(lookup.SourceNames())), EnvVars: []string{"POPFIND_SOURCES"}},
			&cli.BoolFlag{Name: "offline", Usage: t(i18n.FlagOffline), EnvVars: []string{"POPFIND_OFFLINE"}},
			&cli.StringFlag{Name: "ispdb", Value: lookup.DefaultISPDB, Usage: t(i18n.FlagISPDB), EnvVars: []string{"POPFIND_ISPDB"}},
			&cli.StringFlag{Name: "grace", Usage: t(i18n.FlagGrace), EnvVars: []string{"POPFIND_GRACE"}},
			&cli.BoolFlag{Name: "wait-all", Usage: t(i18n.FlagWaitAll), EnvVars: []string{"POPFIND_WAIT_ALL"}},
		},
		Action: func(c *cli.Context) error { return exportAction(c, status) },
	}
}

// exportOptions are the settings of one export, beside the lookup's.
type exportOptions struct {
	format export.Format
	// output is the -o file; "" or "-" is standard output.
	output string
	force  bool
	// tty is true when the data goes to a terminal.
	tty bool
	// sign is --sign-cert and --sign-key, nil for an unsigned file.
	sign *export.Signer
}

// parseExport reads the export's own flags: a usage error for a missing
// or unknown format, which lists the formats.
func parseExport(c *cli.Context) (*exportOptions, error) {
	names := strings.Join(export.Names(), ", ")
	name := strings.TrimSpace(c.String("format"))
	if name == "" {
		return nil, usageError(i18n.UsageExportNoFormat, names)
	}
	f, ok := export.ByName(name)
	if !ok {
		return nil, usageError(i18n.UsageExportFormat, strconv.Quote(name), names)
	}
	eo := &exportOptions{format: f, output: strings.TrimSpace(c.String("output")), force: c.Bool("force")}
	if cert, key := c.String("sign-cert"), c.String("sign-key"); cert != "" || key != "" {
		if cert == "" || key == "" {
			return nil, usageError(i18n.UsageExportSign)
		}
		eo.sign = &export.Signer{CertFile: cert, KeyFile: key}
	}
	return eo, nil
}

func exportAction(c *cli.Context, status *int) error {
	getenv := c.App.Metadata["getenv"].(func(string) string)
	switch {
	case c.NArg() == 0:
		return usageError(i18n.UsageNoAddress)
	case c.NArg() > 1:
		return usageError(i18n.UsageExportOneAddress, strconv.Quote(strings.Join(c.Args().Slice(), " ")))
	}
	if err := inheritFlags(c); err != nil {
		return err
	}
	eo, err := parseExport(c)
	if err != nil {
		return err
	}
	opts, err := parseOptions(c, getenv)
	if err != nil {
		return err
	}
	opts.json = false
	opts.protocols = exportLookupProtocols(opts.protocols)
	opts.width = screenWidth(c.App.ErrWriter, getenv)
	opts.color = useColor(c.App.ErrWriter, getenv)
	if d, ok := c.App.Metadata["dial"].(func(ctx context.Context, network, address string) (net.Conn, error)); ok {
		opts.dial = d
	}
	f, err := newFinder(opts)
	if err != nil {
		return err
	}
	defer f.Close()
	eo.terminal(c.App.Writer)
	*status, err = runExport(c.Context, f, opts, eo, c.Args().First(), c.App.Reader, c.App.Writer, c.App.ErrWriter)
	return err
}

// inheritFlags gives the command's lookup flags the values given before
// its name ("popfind --offline export …"), as a lookup would take them:
// urfave/cli reads a flag the command defines from the command alone. A
// value given after the command's name wins; an environment variable
// counts only when neither is given.
func inheritFlags(c *cli.Context) error {
	lineage := c.Lineage()
	if len(lineage) < 2 {
		return nil
	}
	parent := lineage[1]
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		if !parent.IsSet(name) {
			continue
		}
		pv, lv := fmt.Sprint(parent.Value(name)), fmt.Sprint(c.Value(name))
		if pv == lv {
			continue
		}
		env := ""
		if ef, ok := f.(interface{ GetEnvVars() []string }); ok {
			for _, e := range ef.GetEnvVars() {
				if v, ok := os.LookupEnv(e); ok {
					env = v
					break
				}
			}
		}
		// Set after the name, and not merely from the environment.
		if c.IsSet(name) && (env == "" || lv != fmt.Sprint(env)) {
			continue
		}
		if err := c.Set(name, pv); err != nil {
			return usageError(i18n.UsageInvalidValue, name, strconv.Quote(pv))
		}
	}
	return nil
}

// exportLookupProtocols is the --protocol list an export looks up: as given,
// with POP3 added when it names neither POP3 nor IMAP, and SMTP when it
// does not name it.
func exportLookupProtocols(list []lookup.Protocol) []lookup.Protocol {
	if len(list) == 0 {
		return lookup.DefaultProtocols()
	}
	out := slices.Clone(list)
	if !slices.Contains(out, lookup.POP3) && !slices.Contains(out, lookup.IMAP) {
		out = append(out, lookup.POP3)
	}
	if !slices.Contains(out, lookup.SMTP) {
		out = append(out, lookup.SMTP)
	}
	return out
}

// runExport looks input up and writes it in eo's format. A failed lookup
// is said as the lookup says it, on errw, and writes nothing; its status is
// the lookup's. Guessed or plain-HTTP settings write nothing without
// --force (status 1). The lookup's warnings and the format's notes go to
// errw.
func runExport(ctx context.Context, f *lookup.Finder, opts *options, eo *exportOptions, input string, in io.Reader, out, errw io.Writer) (int, error) {
	lang := opts.lang
	// A domain stands for its every address: the text says so in the
	// page's words ("<address>"), a file with Thunderbird's placeholders.
	o2 := *opts
	o2.json = eo.format.Name != "text"
	b := &batch{opts: &o2, finder: f, out: out, errw: errw}
	src := &inputs{args: []string{input}, in: in}
	it, err := src.next()
	if err != nil {
		return ExitUsage, usageError(i18n.UsageNoAddress)
	}
	o := b.process(ctx, &slot{in: it})
	if ctx.Err() != nil {
		return ExitInterrupted, ctx.Err()
	}
	sc := screen{style: style{on: opts.color}, lang: lang, width: opts.width}
	if code := exitCode(o); code != ExitOK {
		// Said as the lookup says it, all on standard error, with hints
		// that name only what export has (no --all): nothing is written.
		return code, writeHumanHints(errw, errw, o, lang, sc, false, false)
	}
	say := func(key, text string) {
		l := lang.Sprintf(key) + lang.Colon()
		fmt.Fprintln(errw, wrap(l+text, opts.width, textWidth(l)))
	}
	for _, w := range view(o, lang, false).Warnings {
		say(i18n.LblWarning, w)
	}
	acct, err := export.FromResult(o.res)
	if err != nil {
		fmt.Fprintln(errw, wrap("popfind"+lang.Colon()+lang.Sprintf(i18n.ExportNoIncoming), opts.width, 2))
		return ExitNotFound, nil
	}
	if err := acct.Check(); err != nil && !eo.force {
		var ue *export.UntrustedError
		if errors.As(err, &ue) {
			fmt.Fprintln(errw, wrap("popfind"+lang.Colon()+lang.Format(ue.Msg()), opts.width, 2))
			say(i18n.LblHint, lang.Sprintf(i18n.HintExportForce))
			return ExitNotFound, nil
		}
		return ExitNotFound, err
	}
	data, notes, err := eo.format.Encode(acct, export.Options{Lang: lang, File: eo.fileName(), Terminal: eo.tty, Sign: eo.sign})
	switch {
	case errors.Is(err, export.ErrNoOutgoing):
		fmt.Fprintln(errw, wrap("popfind"+lang.Colon()+lang.Sprintf(i18n.ExportNoOutgoing, eo.format.Name), opts.width, 2))
		return ExitNotFound, nil
	case errors.Is(err, export.ErrNoIncoming):
		fmt.Fprintln(errw, wrap("popfind"+lang.Colon()+lang.Sprintf(i18n.ExportNoIncoming), opts.width, 2))
		return ExitNotFound, nil
	case errors.Is(err, export.ErrDomainOnly):
		return ExitUsage, usageError(i18n.UsageExportDomainOnly, eo.format.Name, o.res.Address.UnicodeDomain)
	case err != nil:
		return ExitUsage, err
	}
	for _, n := range notes {
		say(i18n.LblNote, lang.Format(n))
	}
	if eo.toStdout() {
		if _, err := out.Write(data); err != nil {
			return ExitUsage, fmt.Errorf("write output: %w", err)
		}
		return ExitOK, nil
	}
	if err := writeFileAtomic(eo.output, data); err != nil {
		return ExitUsage, err
	}
	return ExitOK, nil
}

func (eo *exportOptions) toStdout() bool { return eo.output == "" || eo.output == "-" }

// fileName is the name the data is saved as, "" for standard output.
func (eo *exportOptions) fileName() string {
	if eo.toStdout() {
		return ""
	}
	return eo.output
}

// terminal notes whether the data goes to a terminal.
func (eo *exportOptions) terminal(w io.Writer) { eo.tty = eo.toStdout() && isTerminal(w) }

// writeFileAtomic writes data to a temporary file in name's folder and
// renames it to name, so that name holds the old file or the whole new
// one, never a part.
func writeFileAtomic(name string, data []byte) error {
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		return fmt.Errorf("write %q: is a folder", name)
	}
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %q: %w", name, err)
	}
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write %q: %w", name, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %q: %w", name, err)
	}
	return nil
}
