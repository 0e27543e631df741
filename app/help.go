package app

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/popfind/popfind/i18n"
)

// popfind's help is urfave/cli's, with its own templates: every heading,
// placeholder, default and environment variable is worded in the run's
// language, so Chinese help has no English of urfave/cli's in it.

// appHelpTemplate is the template of "popfind --help" in lang.
func appHelpTemplate(lang i18n.Lang) string {
	t := lang.Sprintf
	return t(i18n.HelpHdrName) + `
   {{template "helpNameTemplate" .}}

` + t(i18n.HelpHdrUsage) + `
   {{usage .UsageText}}{{if .Version}}{{if not .HideVersion}}

` + t(i18n.HelpHdrVersion) + `
   {{.Version}}{{end}}{{end}}{{if .Description}}

` + t(i18n.HelpHdrDescription) + `
   {{description .Description}}{{end}}{{if .VisibleCommands}}

` + t(i18n.HelpHdrCommands) + `{{template "visibleCommandCategoryTemplate" .}}{{end}}{{if .VisibleFlags}}

` + t(i18n.HelpHdrGlobalOptions) + `
{{flagLines .VisibleFlags}}{{end}}
`
}

// commandHelpTemplate is the template of "popfind COMMAND --help" in lang.
func commandHelpTemplate(lang i18n.Lang) string {
	t := lang.Sprintf
	return t(i18n.HelpHdrName) + `
   {{template "helpNameTemplate" .}}

` + t(i18n.HelpHdrUsage) + `
   {{usage .UsageText}}{{if .Description}}

` + t(i18n.HelpHdrDescription) + `
   {{description .Description}}{{end}}{{if .VisibleFlags}}

` + t(i18n.HelpHdrOptions) + `
{{flagLines .VisibleFlags}}{{end}}
`
}

// helpLang is the language of the help printed in the run that holds
// cliMu, as helpWidth is its width.
var helpLang = i18n.English

// helpFuncs are the template functions popfind's help templates add.
func helpFuncs() map[string]any {
	lang, width := helpLang, helpWidth
	return map[string]any{
		"flagLines":   func(flags []cli.Flag) string { return flagLines(lang, flags) },
		"description": func(desc string) string { return helpDescription(desc, width) },
		"usage":       func(text string) string { return helpUsage(text, width) },
	}
}

// printHelp renders urfave/cli's help, then fits it to the screen: a long
// line wraps under its own text column (a flag's description, say), and
// what the templates marked kept (a command) is never split.
func printHelp(w io.Writer, templ string, data any) {
	var buf strings.Builder
	cli.HelpPrinterCustom(&buf, templ, data, helpFuncs())
	text := buf.String()
	if helpWidth > 0 {
		var out strings.Builder
		for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			out.WriteString(wrap(line, helpWidth, textColumn(line)) + "\n")
		}
		text = out.String()
	}
	io.WriteString(w, unkept(text))
}

// textColumn is where a help line's text starts: after the flag or command
// name and the spaces that align the descriptions, or after the indent.
func textColumn(line string) int {
	indent := len(line) - len(strings.TrimLeft(line, " "))
	if i := strings.Index(line[indent:], "  "); i >= 0 {
		j := indent + i
		for j < len(line) && line[j] == ' ' {
			j++
		}
		return columns.StringWidth(line[:j])
	}
	return indent
}

// helpIndent is the indent of the help's sections.
const helpIndent = "   "

// indentHelp indents every line of s but the first (which the template
// indents) and the empty ones, as urfave/cli's wrap does.
func indentHelp(lines []string) string {
	for i, l := range lines {
		if i > 0 && l != "" {
			lines[i] = helpIndent + l
		}
	}
	return strings.Join(lines, "\n")
}

// helpDescription lays a description out for a screen width columns wide
// (0: not a terminal, as it is written). The lines of a paragraph (the
// unindented lines between blank ones) are joined, so that wrapping fills
// every line, not the source's line breaks; an indented line (an example,
// an entry of a list) and a line that begins with a label ("Examples:",
// "bash:") begin a line of their own; and an example command is kept
// whole.
func helpDescription(desc string, width int) string {
	if width <= 0 {
		return indentHelp(strings.Split(desc, "\n"))
	}
	var lines []string
	prose := false // the last line is a paragraph the next line may go on
	for _, l := range strings.Split(desc, "\n") {
		switch {
		case l == "":
			prose = false
		case strings.HasPrefix(l, " "):
			l, prose = keepCommands(l), false
		case prose && !helpLabel.MatchString(l):
			lines[len(lines)-1] = joinProse(lines[len(lines)-1], keepCommands(l))
			continue
		default:
			l, prose = keepCommands(l), true
		}
		lines = append(lines, l)
	}
	return indentHelp(lines)
}

// helpLabel matches a line that begins with a label: one word and a colon.
var helpLabel = regexp.MustCompile(`^[^\s:：]+(:( |$)|：)`)

// joinProse joins two lines of a paragraph: with a space, but none between
// two Chinese characters nor after Chinese punctuation.
func joinProse(a, b string) string {
	last, first := lastRune(a), firstRune(stripEscapes(b))
	if wide(last) && (wide(first) || noLineStart(last)) {
		return a + b
	}
	return a + " " + b
}

// keepCommands marks the example commands in a line of help as kept, so
// that wrapping never splits one: a line or a part of a line that begins
// with "popfind" and a command, flag or address, after the indent, a label
// ("bash: source <(popfind completion bash)") or "; ", up to the next "; ",
// the two spaces before a comment, or the line's end; and a command's
// comment.
func keepCommands(line string) string {
	command := func(s string) bool {
		i := strings.Index(s, "popfind ")
		if i < 0 || i+8 >= len(s) {
			return false
		}
		c := s[i+8]
		return c == '-' || c >= 'a' && c <= 'z'
	}
	var b strings.Builder
	rest := strings.TrimLeft(line, " ")
	b.WriteString(line[:len(line)-len(rest)])
	label := helpLabel.FindString(rest)
	if label != "" {
		b.WriteString(label)
		rest = rest[len(label):]
	}
	for first := true; rest != ""; first = false {
		// The segment, up to the next separator: "; ", "；", or the two
		// spaces before a comment, which ends the commands.
		end, next := len(rest), len(rest)
		comment := false
		for _, sep := range []string{"; ", "；", "  "} {
			if i := strings.Index(rest, sep); i >= 0 && i < end {
				end, next, comment = i, i+len(sep), sep == "  "
			}
		}
		seg := strings.TrimSuffix(rest[:end], ";")
		isCommand := command(seg) && (strings.HasPrefix(seg, "popfind ") || first && label != "")
		if isCommand {
			b.WriteString(kept(seg) + rest[len(seg):next])
		} else {
			b.WriteString(rest[:next])
		}
		rest = rest[next:]
		if comment {
			// A command's comment, whole: on the command's line, or
			// on a line of its own below.
			if c := strings.TrimLeft(rest, " "); isCommand && c != "" {
				rest = rest[:len(rest)-len(c)] + kept(c)
			}
			b.WriteString(rest)
			break
		}
	}
	return b.String()
}

// helpUsage lays the forms of use out for a screen width columns wide (0:
// not a terminal, as they are written): a form too long for a line goes on
// under its first argument, its bracketed options each kept whole.
func helpUsage(text string, width int) string {
	forms := strings.Split(text, "\n")
	if width <= 0 {
		return indentHelp(forms)
	}
	var lines []string
	for _, f := range forms {
		hang := textColumn(f)
		if hang == 0 {
			hang = columns.StringWidth("popfind ")
		}
		lines = append(lines, strings.Split(wrap(keepBrackets(f), width-len(helpIndent), hang), "\n")...)
	}
	return indentHelp(lines)
}

// keepBrackets marks each bracketed part of a form of use as kept:
// "[--ssl | --starttls | --plain]".
func keepBrackets(form string) string {
	var b strings.Builder
	depth := 0
	for _, r := range form {
		switch {
		case r == '[' && depth == 0:
			b.WriteRune(keepOpen)
			depth++
		case r == '[':
			depth++
		case r == ']' && depth > 0:
			depth--
			if depth == 0 {
				b.WriteString("]" + string(keepClose))
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// flagLines lists flags for the help, one a line: names and placeholder,
// then the description, its default and its environment variable, the
// descriptions aligned in display columns (urfave/cli's tabwriter counts a
// Chinese character as one column).
func flagLines(lang i18n.Lang, flags []cli.Flag) string {
	type line struct{ names, text string }
	var lines []line
	width := 0
	for _, f := range flags {
		names, text := flagHelp(lang, f)
		lines = append(lines, line{names, text})
		width = max(width, columns.StringWidth(names))
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteString("\n")
		}
		pad := strings.Repeat(" ", width-columns.StringWidth(l.names)+2)
		b.WriteString("   " + l.names + pad + l.text)
	}
	return b.String()
}

// flagDoc is one flag as help and the manual page show it.
type flagDoc struct {
	names       []string // "--timeout", "-h"
	placeholder string   // the value's name; "" for a switch
	usage       string   // the description, placeholder marks removed
	def         string   // the default; "" for none
	envs        []string // the environment variables
}

// docOf describes f in lang.
func docOf(lang i18n.Lang, f cli.Flag) flagDoc {
	var d flagDoc
	df, _ := f.(cli.DocGenerationFlag)
	if df != nil {
		d.usage = df.GetUsage()
		d.envs = df.GetEnvVars()
	}
	if i := strings.IndexByte(d.usage, '`'); i >= 0 {
		if j := strings.IndexByte(d.usage[i+1:], '`'); j >= 0 {
			d.placeholder = d.usage[i+1 : i+1+j]
			d.usage = d.usage[:i] + d.placeholder + d.usage[i+1+j+1:]
		}
	}
	if df != nil && df.TakesValue() && d.placeholder == "" {
		d.placeholder = valueName(lang, f)
	}
	for _, n := range f.Names() {
		if len(n) == 1 {
			d.names = append(d.names, "-"+n)
		} else {
			d.names = append(d.names, "--"+n)
		}
	}
	d.def = flagDefault(lang, f)
	return d
}

// flagHelp words one flag for the help: "--timeout DURATION" and its
// description with "(default: 10s; $POPFIND_TIMEOUT)".
func flagHelp(lang i18n.Lang, f cli.Flag) (names, text string) {
	d := docOf(lang, f)
	parts := append([]string{}, d.names...)
	if d.placeholder != "" {
		parts[0] += " " + d.placeholder
	}
	var extra []string
	if d.def != "" {
		extra = append(extra, lang.Sprintf(i18n.HelpDefault, d.def))
	}
	for _, env := range d.envs {
		extra = append(extra, lang.Sprintf(i18n.HelpEnv, env))
	}
	text = d.usage
	if len(extra) > 0 {
		// A description that ends with its default in parentheses takes
		// the variable in them: "(default: the system's resolver;
		// $POPFIND_DNS)", not ") (".
		more := strings.Join(extra, lang.ClauseSep())
		open, closing := "(", ")"
		if lang == i18n.Chinese {
			open, closing = "（", "）"
		}
		i := strings.LastIndex(text, open)
		if i >= 0 && strings.HasSuffix(text, closing) && d.def == "" &&
			strings.HasPrefix(text[i+len(open):], defaultWord(lang)) {
			text = strings.TrimSuffix(text, closing) + lang.ClauseSep() + more + closing
		} else {
			text += lang.Paren(more)
		}
	}
	return strings.Join(parts, ", "), text
}

// defaultWord is how "(default: …)" starts in lang.
func defaultWord(lang i18n.Lang) string {
	return strings.TrimRight(lang.Sprintf(i18n.HelpDefault, ""), ":： ")
}

// valueName is the placeholder of a flag's value when its description
// names none.
func valueName(lang i18n.Lang, f cli.Flag) string {
	switch f.Names()[0] {
	case "grace":
		return lang.Sprintf(i18n.HelpValueDuration)
	case "lang":
		return lang.Sprintf(i18n.HelpValueLang)
	case "region":
		return lang.Sprintf(i18n.HelpValueRegion)
	}
	switch f.(type) {
	case *cli.DurationFlag:
		return lang.Sprintf(i18n.HelpValueDuration)
	case *cli.IntFlag:
		return lang.Sprintf(i18n.HelpValueNumber)
	}
	return lang.Sprintf(i18n.HelpValue)
}

// flagDefault is a flag's default as the help shows it, or "" for none (an
// off switch needs none).
func flagDefault(lang i18n.Lang, f cli.Flag) string {
	if df, ok := f.(cli.DocGenerationFlag); ok {
		if bf, ok := f.(*cli.BoolFlag); ok && (bf.DisableDefaultText || !bf.Value) {
			return ""
		}
		switch f := f.(type) {
		case *cli.StringFlag:
			if f.DefaultText != "" {
				return f.DefaultText
			}
			return f.Value
		case *cli.DurationFlag:
			if f.DefaultText != "" {
				return f.DefaultText
			}
			if f.Value == 0 {
				return ""
			}
			return lang.Duration(f.Value)
		case *cli.IntFlag:
			if f.DefaultText != "" {
				return f.DefaultText
			}
			if f.Value == 0 {
				return ""
			}
			return strconv.Itoa(f.Value)
		}
		return df.GetDefaultText()
	}
	return ""
}

// printVersion is urfave/cli's VersionPrinter, worded in the run's language.
func printVersion(c *cli.Context) {
	fmt.Fprintln(c.App.Writer, helpLang.Sprintf(i18n.HelpVersionLine, c.App.Name, c.App.Version))
}
