package app

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/popfind/popfind/i18n"
)

// runIn runs popfind with args in the locale, COLUMNS wide.
func runIn(t *testing.T, locale, columns string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	env := map[string]string{"LANG": locale, "NO_COLOR": "1", "COLUMNS": columns}
	var out, errw bytes.Buffer
	code = Run(context.Background(), append([]string{"popfind"}, args...), IO{
		In: strings.NewReader(""), Out: &out, Err: &errw, Getenv: func(k string) string { return env[k] },
	})
	return code, out.String(), errw.String()
}

var flagIn = regexp.MustCompile(`--[a-z][a-z-]*`)

// flagNames are the names of a command's flags, as "--name".
func flagNames(flags []cli.Flag) []string {
	var out []string
	for _, f := range flags {
		for _, n := range f.Names() {
			out = append(out, "--"+n)
		}
	}
	return out
}

// TestExportHintsNameItsFlags checks that what export says when a lookup
// fails suggests only options export has: not --all, which the lookup
// command's hints suggest.
func TestExportHintsNameItsFlags(t *testing.T) {
	t.Parallel()
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		locale := map[i18n.Lang]string{i18n.English: "C", i18n.Chinese: "zh_CN.UTF-8"}[lang]
		has := flagNames(exportCommand(new(int), lang).Flags)
		code, _, stderr := runIn(t, locale, "80", "export", "someone@nosuch.example", "--format", "text", "--offline")
		if code != ExitNotFound || !strings.Contains(stderr, lang.Sprintf(i18n.LblHint)) {
			t.Fatalf("%s: exit %d, no hint:\n%s", lang, code, stderr)
		}
		for _, f := range flagIn.FindAllString(stderr, -1) {
			if !slices.Contains(has, f) {
				t.Errorf("%s: export suggests %s, which it does not have:\n%s", lang, f, stderr)
			}
		}
		// The lookup itself, which has --all, suggests it.
		_, _, stderr = runIn(t, locale, "80", "--offline", "someone@nosuch.example")
		if !strings.Contains(stderr, "--all") {
			t.Errorf("%s: the lookup's hint no longer suggests --all:\n%s", lang, stderr)
		}
		// Every hint a failed lookup may give, for a command without --all.
		for withAll, without := range noAllHints {
			if !strings.Contains(lang.Sprintf(withAll, "POP3"), "--all") {
				t.Errorf("%s: %s does not suggest --all: no need for %s", lang, withAll, without)
			}
			for _, f := range flagIn.FindAllString(lang.Sprintf(without, "POP3"), -1) {
				if !slices.Contains(has, f) {
					t.Errorf("%s: %s suggests %s, which export does not have", lang, without, f)
				}
			}
		}
	}
}

// TestChineseHelpPlaceholders checks that the Chinese help of popfind and
// of every command names no English placeholder (ADDRESS, FILTER, FILE,
// HOST, DOMAIN, ...): those the English help uses for arguments and flag
// values.
func TestChineseHelpPlaceholders(t *testing.T) {
	t.Parallel()
	a := newApp(IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, Getenv: func(string) string { return "" }}, new(int), i18n.English)
	upper := regexp.MustCompile(`\b[A-Z][A-Z]+\b`)
	words := map[string]bool{}
	add := func(text string) {
		for _, w := range upper.FindAllString(text, -1) {
			words[w] = true
		}
	}
	addFlags := func(flags []cli.Flag) {
		for _, f := range flags {
			add(docOf(i18n.English, f).placeholder)
		}
	}
	add(a.UsageText)
	add(i18n.English.Sprintf(i18n.HelpDescription))
	addFlags(a.Flags)
	runs := [][]string{{"--help"}}
	for _, c := range a.Commands {
		if c.Hidden {
			continue
		}
		add(c.ArgsUsage + " " + c.UsageText + " " + c.Description)
		addFlags(c.Flags)
		runs = append(runs, []string{c.Name, "--help"})
	}
	// Names of things, the same in every language.
	for _, w := range []string{"POP", "POP3", "IMAP", "SMTP", "DNS", "SRV", "MX", "RFC", "HTTP", "HTTPS", "TLS", "SSL", "STARTTLS", "JSON",
		"ISP", "CSV", "PEM", "CIDR", "API", "BOM", "CMS", "EHLO", "CAPA", "CAPABILITY", "STLS", "SIGTERM", "IDN", "GBK", "NTLM", "EU", "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "AUTH", "IP", "ID"} {
		delete(words, w)
	}
	for _, w := range []string{"ADDRESS", "FILTER", "HOST", "PORT", "DOMAIN", "FILE", "LIST", "DURATION"} {
		if !words[w] {
			t.Errorf("the English help has no placeholder %s: the test does not see them", w)
		}
	}
	for _, args := range runs {
		code, out, stderr := runIn(t, "zh_CN.UTF-8", "200", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		for w := range words {
			if regexp.MustCompile(`\b` + w + `\b`).MatchString(out) {
				t.Errorf("popfind %s in Chinese has the English placeholder %s:\n%s", strings.Join(args, " "), w, out)
			}
		}
	}
}
