package app

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/popfind/popfind/i18n"
)

// The manual page is written here in roff from the command's definition,
// in English whatever the locale, so that docs/popfind.1 is the same for
// everyone: go run . man > docs/popfind.1

func manCommand() *cli.Command {
	return &cli.Command{
		Name:   "man",
		Usage:  "print the manual page (roff)",
		Hidden: true,
		Action: func(c *cli.Context) error {
			_, err := io.WriteString(c.App.Writer, manPage())
			return err
		},
	}
}

// exitStatuses are the statuses popfind exits with, for the manual page.
var exitStatuses = [][2]string{
	{"0", "every address was found (and, with --verify, every check passed); popfind check: no finding is a failure"},
	{"1", "at least one address was not found, or its search ran out of time (--timeout); popfind check: at least one finding is a failure"},
	{"2", "a usage error, or at least one invalid address"},
	{"3", "a server checked with --verify or verify failed"},
	{"4", "a lookup could not be made, or popfind check could look at nothing: no DNS server answered, or the network is down"},
	{"130", "interrupted (Ctrl-C, SIGINT or SIGTERM)"},
}

// manEnvironment are the variables popfind reads besides its own POPFIND_*.
var manEnvironment = [][2]string{
	{"LC_ALL, LC_MESSAGES, LANG", "the locale of messages is the first of these that is set, and C when none is. " +
		"When neither --lang nor POPFIND_LANG is given, a locale starting with zh (zh_CN.UTF-8, zh_TW) means Chinese " +
		"(the Simplified catalogue), and any other means English."},
	{"LANGUAGE", "a colon-separated list of languages in order of preference, such as zh_CN:en, read as GNU gettext reads it: " +
		"its first language that popfind has wins over the locale; it is ignored when the locale of messages is C, POSIX " +
		"or C.UTF-8, and so when none of LC_ALL, LC_MESSAGES and LANG is set."},
	{"NO_COLOR", "when set to anything, no colour. Colour is used only when standard output is a terminal."},
	{"COLUMNS", "a positive number: the width, in columns, that human output and help are laid out for (at least 20). " +
		"It wins over the terminal's own width, and when standard output is not a terminal it makes popfind lay out " +
		"and wrap as for a terminal that wide. Unset, empty or not a positive number: the terminal's width, " +
		"or, when standard output is not a terminal, a plain tab-separated layout that is not wrapped."},
	{"SSL_CERT_FILE, SSL_CERT_DIR", "the trusted certificate authorities, instead of the system's."},
}

// manPage is the manual page.
func manPage() string {
	lang := i18n.English
	a := newApp(IO{}, new(int), lang)
	var b strings.Builder
	b.WriteString(".TH popfind 1 \"\" \"popfind\" \"User Commands\"\n.nh\n.ad l\n")
	b.WriteString(".SH NAME\npopfind \\- " + roffText(a.Usage) + "\n")

	b.WriteString(".SH SYNOPSIS\n")
	for _, form := range strings.Split(a.UsageText, "\n") {
		// A note after the form ("(read addresses from standard input…)")
		// is for the help.
		if i := strings.Index(form, "  "); i >= 0 {
			form = form[:i]
		}
		b.WriteString(".PP\n" + roffSynopsis(form) + "\n")
	}

	b.WriteString(".SH DESCRIPTION\n")
	for _, para := range strings.Split(a.Description, "\n\n") {
		switch {
		case strings.HasPrefix(para, "Exit status:"):
			// EXIT STATUS says it, one status an entry.
		case strings.HasPrefix(para, "Examples:"):
			// Kept as written: roff would fill the lines into a paragraph.
			b.WriteString(".PP\n.nf\n" + roffText(para) + "\n.fi\n")
		default:
			b.WriteString(".PP\n" + roffText(para) + "\n")
		}
	}

	b.WriteString(".SH OPTIONS\n")
	for _, f := range a.VisibleFlags() {
		manFlag(&b, lang, f)
	}

	b.WriteString(".SH COMMANDS\n")
	for _, cmd := range a.VisibleCommands() {
		fmt.Fprintf(&b, ".SS %s\n%s\n.PP\n%s.\n", cmd.Name, roffSynopsis(cmd.UsageText), roffText(cmd.Usage))
		switch {
		case cmd.Name == "completion":
			// Its description is the commands to type, one a line.
			b.WriteString(".PP\n.nf\n" + roffText(cmd.Description) + "\n.fi\n")
		case cmd.Description != "":
			b.WriteString(".PP\n")
			for _, line := range strings.Split(cmd.Description, "\n") {
				if strings.HasPrefix(line, "Examples:") {
					b.WriteString(".PP\n")
				}
				b.WriteString(roffText(line) + "\n")
			}
		}
		for _, f := range cmd.VisibleFlags() {
			if f.Names()[0] != "help" {
				manFlag(&b, lang, f)
			}
		}
	}

	b.WriteString(".SH EXIT STATUS\n")
	for _, s := range exitStatuses {
		fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", s[0], roffText(s[1]))
	}
	b.WriteString(".PP\nIn a batch, 2 wins over 4, 4 over 3, and 3 over 1.\n")

	b.WriteString(".SH ENVIRONMENT\n")
	b.WriteString(".PP\nEvery option of popfind itself can be set as POPFIND_\\fINAME\\fR; an option on the command line wins. " +
		"A switch takes true or false (or 1 or 0), a duration its unit (10s, 1.5s); a value that does not parse is a usage error.\n")
	seen := map[string]bool{}
	flags := a.VisibleFlags()
	for _, cmd := range a.VisibleCommands() {
		flags = append(flags, cmd.VisibleFlags()...)
	}
	for _, f := range flags {
		d := docOf(lang, f)
		for _, env := range d.envs {
			if seen[env] {
				continue
			}
			seen[env] = true
			fmt.Fprintf(&b, ".TP\n.B %s\nas \\fB%s\\fR: %s\n", env, roffText(d.names[0]), roffText(d.usage))
		}
	}
	for _, e := range manEnvironment {
		fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", e[0], roffText(e[1]))
	}
	return b.String()
}

// manFlag writes one flag as a tagged paragraph.
func manFlag(b *strings.Builder, lang i18n.Lang, f cli.Flag) {
	d := docOf(lang, f)
	var tag []string
	for i, n := range d.names {
		t := `\fB` + roffText(n) + `\fR`
		if i == 0 && d.placeholder != "" {
			t += ` \fI` + roffText(d.placeholder) + `\fR`
		}
		tag = append(tag, t)
	}
	text := d.usage
	if d.def != "" {
		text += " (" + lang.Sprintf(i18n.HelpDefault, d.def) + ")"
	}
	fmt.Fprintf(b, ".TP\n%s\n%s\n", strings.Join(tag, ", "), roffText(text))
}

// roffText escapes s for roff: backslashes, hyphens (as minus signs, which
// copy as the ASCII hyphen-minus that options need), and a line that
// would start with a control character.
func roffText(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

// roffSynopsis sets a form of use in roff: what is typed as it is in bold,
// what stands for something (ADDRESS, options) in italics, and each
// bracketed group kept on one line.
func roffSynopsis(form string) string {
	var b strings.Builder
	depth := 0
	rs := []rune(form)
	for i := 0; i < len(rs); {
		r := rs[i]
		// A word: leading dashes, then letters, digits and inner hyphens.
		j := i
		for j < len(rs) && rs[j] == '-' {
			j++
		}
		for j < len(rs) && (isWordRune(rs[j]) || rs[j] == '-' && j > i && isWordRune(rs[j-1])) {
			j++
		}
		if j > i {
			w := string(rs[i:j])
			if w == strings.ToUpper(w) && strings.ToLower(w) != w || w == "options" {
				b.WriteString(`\fI` + roffText(w) + `\fR`)
			} else {
				b.WriteString(`\fB` + roffText(w) + `\fR`)
			}
			i = j
			continue
		}
		switch r {
		case '[':
			depth++
		case ']':
			depth--
		}
		switch {
		case r == ' ' && depth > 0:
			b.WriteString(`\ `)
		case r == '\\':
			b.WriteString(`\e`)
		default:
			b.WriteRune(r) // never first on the line: the form starts with popfind
		}
		i++
	}
	return b.String()
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
}
