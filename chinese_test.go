package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
	"github.com/popfind/popfind/internal/testnet"
)

// englishSentence finds three English words in a row: a sentence left
// untranslated. Host names, URLs, addresses and flags are taken out first.
var (
	englishSentence = regexp.MustCompile(`[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}`)
	notWords        = regexp.MustCompile(`https?://\S+|\S+@\S+|[\w-]+(\.[\w-]+)+|--?[\w-]+|\$[A-Z_]+|%[A-Z]+%|` +
		// Product and protocol names that stay as they are in Chinese,
		// source names, quoted code, and what a server said.
		`Thunderbird ISP|Exchange Autodiscover|JSON Lines|SSL/TLS|\(default: [^)]*\)|` +
		`\b(builtin|autoconfig|well-known|ispdb|srv|autodiscover|mx|autoconfig-http|guess|all)\b|'[^']*'|` +
		`\b(POP3|IMAP|SMTP|STARTTLS)\b|` +
		// Command lines quoted as examples.
		`\bpopfind [^，；\n]*|` +
		// Lists of region codes (cn, de, intl).
		`\b(?:[a-z]{2}|intl)(?:, (?:[a-z]{2}|intl))+,?|` +
		`^\s+(\+OK|\* OK|220[ -]).*|"(\+OK|\* OK|220)[^"]*"?|\bESMTP\b.*|(CAPA|CAPABILITY|EHLO)：.*`)
)

// commandLine splits a script's command line as testscript does: spaces
// separate words, single quotes group them.
func commandLine(s string) []string {
	var words []string
	var cur strings.Builder
	quoted, any := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, any = !quoted, true
		case r == ' ' && !quoted:
			if any {
				words = append(words, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		words = append(words, cur.String())
	}
	return words
}

// TestChineseCLI runs every popfind command of the golden scripts in
// Chinese, at 80 columns and not on a terminal, and fails on any English
// sentence in what a person reads; and, in Chinese and in English at 80
// columns, on any line wider than 80 columns.
func TestChineseCLI(t *testing.T) {
	t.Parallel()
	w := newScriptWorld(t)
	// popfind is this test binary under that name (testscript puts it on
	// PATH), which follows the port map of the world's servers.
	bin, err := exec.LookPath("popfind")
	if err != nil {
		t.Fatal(err)
	}
	scripts, _ := filepath.Glob(filepath.Join("testdata", "script", "*.txtar"))
	env := append(os.Environ(), "POPFIND_DNS="+w.dnsAddr, "POPFIND_ISPDB=https://ispdb.test/v1.1/", "POPFIND_TIMEOUT=5s",
		"NO_COLOR=1", "LC_ALL=", "LANGUAGE=", "POPFIND_LANG=", testnet.PortMapEnv+"="+testnet.PortMap())
	if w.caFile != "" {
		env = append(env, "SSL_CERT_FILE="+w.caFile, "SSL_CERT_DIR="+filepath.Dir(w.caFile))
	}
	ran := 0
	for _, script := range scripts {
		data, err := os.ReadFile(script)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "-- ") {
				break // the script's files
			}
			words := commandLine(strings.TrimSpace(line))
			switch {
			case len(words) >= 2 && words[0] == "exec" && words[1] == "popfind":
				words = words[2:]
			case len(words) >= 3 && words[0] == "status" && words[2] == "popfind":
				words = words[3:]
			default:
				continue
			}
			if skipInChinese(words) {
				continue
			}
			for _, run := range []struct{ lang, columns string }{
				{"LANG=zh_CN.UTF-8", "COLUMNS=80"}, {"LANG=zh_CN.UTF-8", "COLUMNS="}, {"LANG=C", "COLUMNS=80"},
			} {
				cmd := exec.Command(bin, words...)
				cmd.Env = append(append([]string{}, env...), run.lang, run.columns)
				out, _ := cmd.CombinedOutput()
				ran++
				columns := run.columns
				for _, l := range strings.Split(string(out), "\n") {
					if m := englishSentence.FindString(notWords.ReplaceAllString(l, " ")); m != "" && run.lang != "LANG=C" {
						t.Errorf("%s: popfind %s (%s): English in %q", filepath.Base(script), strings.Join(words, " "), columns, l)
					}
					// A URL or a host name too long for a line stays whole on a
					// line of its own, for the terminal to wrap; so does an
					// example command in the help.
					if columns == "COLUMNS=80" && runewidth.StringWidth(l) > 80 && len(strings.Fields(l)) > 1 &&
						!strings.HasPrefix(strings.TrimSpace(l), "popfind ") {
						t.Errorf("%s: popfind %s: line %d columns wide: %q", filepath.Base(script), strings.Join(words, " "), runewidth.StringWidth(l), l)
					}
				}
			}
		}
	}
	if ran == 0 {
		t.Fatal("no command ran")
	}
	t.Logf("%d runs", ran)
}

// skipInChinese leaves out the commands whose output is for programs, not
// people (JSON, CSV, the manual page, completion scripts, the files export
// writes, whose -o would write into the source tree), those that ask for
// English, and those that read standard input.
func skipInChinese(words []string) bool {
	for i, w := range words {
		switch {
		case w == "--json", w == "--csv", w == "man", w == "completion", w == "-", w == "--version", w == "export":
			return true
		case w == "--lang" && i+1 < len(words) && words[i+1] == "en":
			return true
		case strings.Contains(w, "$"):
			return true
		}
	}
	return false
}
