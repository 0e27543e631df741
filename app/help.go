package app

import (
	"fmt"
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
   {{wrap .UsageText 3}}{{if .Version}}{{if not .HideVersion}}

` + t(i18n.HelpHdrVersion) + `
   {{.Version}}{{end}}{{end}}{{if .Description}}

` + t(i18n.HelpHdrDescription) + `
   {{template "descriptionTemplate" .}}{{end}}{{if .VisibleCommands}}

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
   {{wrap .UsageText 3}}{{if .Description}}

` + t(i18n.HelpHdrDescription) + `
   {{template "descriptionTemplate" .}}{{end}}{{if .VisibleFlags}}

` + t(i18n.HelpHdrOptions) + `
{{flagLines .VisibleFlags}}{{end}}
`
}

// helpLang is the language of the help printed in the run that holds
// cliMu, as helpWidth is its width.
var helpLang = i18n.English

// helpFuncs are the template functions popfind's help templates add.
func helpFuncs() map[string]any {
	lang := helpLang
	return map[string]any{
		"flagLines": func(flags []cli.Flag) string { return flagLines(lang, flags) },
	}
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
			text += paren(lang, more)
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
