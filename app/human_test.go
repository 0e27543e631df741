package app

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// unwrapped puts wrapped English text back on one line.
func unwrapped(s string) string { return strings.Join(strings.Fields(s), " ") }

// builtinOnly looks up in the built-in table alone.
func builtinOnly(o *options) { o.sources = []string{lookup.SourceBuiltin} }

// TestHumanNothingCut checks that sentences are wrapped whole, on a
// terminal and piped: the not-found reason and hint, Proton's Bridge
// settings, and --all's reasons.
func TestHumanNothingCut(t *testing.T) {
	t.Parallel()
	w := goldenWorld(t)
	for _, width := range []int{0, 60, 80, 120} {
		_, stderr := goldenRun(t, w, i18n.English, width, "someone@nosuch.example", nil)
		for _, want := range []string{
			"no source has POP3 settings for nosuch.example (looked: builtin, autoconfig, well-known, ispdb, srv, autodiscover, mx, autoconfig-http, guess)",
			"hint: check the spelling of the domain, ask the provider for its POP3 settings, or run with --all to see what every source said",
		} {
			if !strings.Contains(unwrapped(stderr), want) {
				t.Errorf("width %d: not-found output lacks %q:\n%s", width, want, stderr)
			}
		}
		_, stderr = goldenRun(t, w, i18n.English, width, "someone@proton.me", builtinOnly)
		for _, want := range []string{"desktop clients connect through Proton Mail Bridge", "IMAP port 1143, SMTP port 1025, STARTTLS) with a Bridge password.",
			"Help: https://proton.me/support/protonmail-bridge-clients"} {
			if !strings.Contains(unwrapped(stderr), want) {
				t.Errorf("width %d: Proton's output lacks %q:\n%s", width, want, stderr)
			}
		}
		stdout, _ := goldenRun(t, w, i18n.English, width, "someone@conflict.example", func(o *options) { o.all = true })
		if want := "https://ispdb.test/v1.1/conflict.example answered HTTP 404 Not Found"; !strings.Contains(unwrapped(stdout), want) {
			t.Errorf("width %d: --all lacks %q:\n%s", width, want, stdout)
		}
		for _, out := range []string{stdout, stderr} {
			if strings.Contains(out, "…") {
				t.Errorf("width %d: something is cut:\n%s", width, out)
			}
		}
	}
}

// TestAllCompact checks that --all on a terminal gives one line per source
// and protocol, the reasons once each below, and a legend of the marks, in
// both languages.
func TestAllCompact(t *testing.T) {
	t.Parallel()
	w := goldenWorld(t)
	all := func(o *options) { o.all = true }
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		for _, width := range []int{80, 160} {
			stdout, _ := goldenRun(t, w, lang, width, "someone@conflict.example", all)
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if len(lines) > 60 {
				t.Errorf("%s at %d columns: %d lines:\n%s", lang, width, len(lines), stdout)
			}
			chosen := regexp.MustCompile(`(?m)^  ✓ autoconfig +\S+ +mail\.conflict\.example:110 STARTTLS +\d+ ?(ms|毫秒)$`)
			differs := regexp.MustCompile(`(?m)^  ≠ srv +\S+ +pop\.conflict\.example:995 SSL/TLS +\d+ ?(ms|毫秒)$`)
			if !chosen.MatchString(stdout) || !differs.MatchString(stdout) {
				t.Errorf("%s at %d columns: no compact line per source:\n%s", lang, width, stdout)
			}
			legend := lang.Sprintf(i18n.MarkChosen) + lang.ClauseSep() + lang.Sprintf(i18n.MarkConflict)
			if !strings.Contains(stdout, "\n"+legend+"\n") {
				t.Errorf("%s at %d columns: no legend %q:\n%s", lang, width, legend, stdout)
			}
			// The disagreement names the security as everywhere else.
			if want := "pop.conflict.example:995" + lang.Paren(sslText(lookup.SSL, lang)); !strings.Contains(unwrapped(stdout), want) {
				t.Errorf("%s at %d columns: no %q:\n%s", lang, width, want, stdout)
			}
			// Each reason once, though both protocols' builtin said it.
			if n := strings.Count(stdout, "conflict.example"+map[i18n.Lang]string{i18n.English: " is not in the built-in table", i18n.Chinese: " 不在内置表中"}[lang]); n != 1 {
				t.Errorf("%s at %d columns: builtin's reason said %d times:\n%s", lang, width, n, stdout)
			}
		}
	}
	// Piped, one tab-separated row per source, its reason whole.
	stdout, _ := goldenRun(t, w, i18n.English, 0, "someone@conflict.example", all)
	if !strings.Contains(stdout, "POP3\t\tispdb\t\t\t\t\tnot found: https://ispdb.test/v1.1/conflict.example answered HTTP 404 Not Found\t") {
		t.Errorf("piped --all:\n%s", stdout)
	}
}

// TestNotesBeforeHelp checks that every note comes before the help links.
func TestNotesBeforeHelp(t *testing.T) {
	t.Parallel()
	w := goldenWorld(t)
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		stdout, _ := goldenRun(t, w, lang, 80, "someone@163.com", builtinOnly)
		note, help := lang.Sprintf(i18n.LblNote), lang.Sprintf(i18n.LblDocs)
		lastNote, firstHelp := strings.LastIndex(stdout, "\n"+note), strings.Index(stdout, "\n"+help)
		if lastNote < 0 || firstHelp < 0 || lastNote > firstHelp {
			t.Errorf("%s: notes and help links out of order:\n%s", lang, stdout)
		}
	}
}

// TestOneWarningPerFact checks that a protocol whose search did not finish
// gets one warning, naming the protocol once, on a terminal and in JSON.
func TestOneWarningPerFact(t *testing.T) {
	t.Parallel()
	w := goldenWorld(t)
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		stdout, _ := goldenRun(t, w, lang, 200, "someone@slow.example", nil)
		var warnings []string
		for _, l := range strings.Split(stdout, "\n") {
			if strings.HasPrefix(l, lang.Sprintf(i18n.LblWarning)) {
				warnings = append(warnings, l)
			}
		}
		if len(warnings) != 1 || strings.Count(warnings[0], "SMTP") != 1 {
			t.Errorf("%s: want one warning naming SMTP once, got %q", lang, warnings)
		}
		line, _ := goldenRun(t, w, lang, 0, "someone@slow.example", func(o *options) { o.json = true })
		var j struct{ Warnings []string }
		if err := json.Unmarshal([]byte(line), &j); err != nil {
			t.Fatal(err)
		}
		if len(j.Warnings) != 1 || strings.Count(j.Warnings[0], "SMTP") != 1 {
			t.Errorf("%s: JSON warnings %q", lang, j.Warnings)
		}
	}
	// A protocol missing for another reason: its miss and the reason in one
	// warning, and what names the protocol is not prefixed again.
	stdout, _ := goldenRun(t, w, i18n.English, 200, "someone@proton.me", func(o *options) {
		builtinOnly(o)
		o.protocols = []lookup.Protocol{lookup.SMTP, lookup.POP3}
	})
	if strings.Contains(stdout, "POP3: Proton Mail offers no POP3") {
		t.Errorf("POP3 named twice:\n%s", stdout)
	}
}

// TestOneTimeoutFact checks that running out of time is said once, with
// the protocols it is said of named once each: two protocols without a
// server (the late.example), and with --all a protocol without a
// server beside one whose answer came without a source (slow.example),
// where the source's row shows no time it did not measure.
func TestOneTimeoutFact(t *testing.T) {
	t.Parallel()
	w := goldenWorld(t)
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		for _, width := range []int{0, 80, 200} {
			_, stderr := goldenRun(t, w, lang, width, "someone@late.example", func(o *options) { o.timeout = time.Second })
			out := unwrapped(stderr)
			for word, n := range map[string]int{"POP3": 1, "SMTP": 1, "srv": 1, lang.Duration(time.Second): 1, "--timeout": 2} {
				// --timeout: once in the fact, once in the hint.
				if got := strings.Count(out, word); got != n {
					t.Errorf("%s at %d columns: %q said %d times, want %d:\n%s", lang, width, word, got, n, stderr)
				}
			}
		}
		stdout, _ := goldenRun(t, w, lang, 80, "someone@slow.example", func(o *options) { o.all, o.timeout = true, 2*time.Second })
		deadline := map[i18n.Lang]string{i18n.English: "did not finish", i18n.Chinese: "未能在时限内完成"}[lang]
		if n := strings.Count(stdout, deadline); n != 1 {
			t.Errorf("%s: %q said %d times:\n%s", lang, deadline, n, stdout)
		}
		if n := strings.Count(stdout, lang.Duration(2*time.Second)); n != 1 {
			t.Errorf("%s: the timeout said %d times:\n%s", lang, n, stdout)
		}
		if m := regexp.MustCompile(`(?m)^ +srv .*\d ?(ms|毫秒)$`).FindString(stdout); m != "" {
			t.Errorf("%s: srv ran until the deadline, but its row says %q", lang, m)
		}
	}
}

// TestIdenticalWarningsOnce checks that a warning several protocols share
// (their SRV targets are outside the domain) is said once, naming each of
// them once.
func TestIdenticalWarningsOnce(t *testing.T) {
	t.Parallel()
	w := goldenWorld(t)
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		for _, width := range []int{0, 80} {
			stdout, _ := goldenRun(t, w, lang, width, "someone@srvall.example", everyProtocol)
			var warnings []string
			for _, l := range strings.Split(stdout, "\n") {
				if strings.HasPrefix(l, lang.Sprintf(i18n.LblWarning)) {
					warnings = append(warnings, l)
				}
			}
			if len(warnings) != 1 {
				t.Errorf("%s at %d columns: %d warnings, want 1:\n%s", lang, width, len(warnings), stdout)
				continue
			}
			text := unwrapped(stdout[strings.Index(stdout, warnings[0]):])
			for _, want := range []string{lang.Sprintf(i18n.LblWarning) + lang.Colon() + "POP3" + lang.ListSep() + "IMAP" + lang.ListSep() + "SMTP" + lang.Colon(),
				"pop.verify.example", "imap.verify.example", "smtp.verify.example", "RFC 6186"} {
				if strings.Count(text, want) != 1 {
					t.Errorf("%s at %d columns: %q not said once:\n%s", lang, width, want, stdout)
				}
			}
		}
	}
}

// TestAllNoEmptyLine checks that --all on a narrow screen, where a source's
// second server goes on a line of its own, prints no empty line for it.
func TestAllNoEmptyLine(t *testing.T) {
	t.Parallel()
	w := goldenWorld(t)
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		for width := 40; width <= 100; width += 10 {
			stdout, _ := goldenRun(t, w, lang, width, "someone@gmail.com", func(o *options) { o.all = true; builtinOnly(o) })
			heading := lang.Sprintf(i18n.LblBySource, "POP3")
			i := strings.Index(stdout, heading)
			if i < 0 {
				t.Fatalf("%s at %d columns: no %q:\n%s", lang, width, heading, stdout)
			}
			if rest := strings.TrimRight(stdout[i:], "\n"); strings.Contains(rest, "\n\n") {
				t.Errorf("%s at %d columns: an empty line:\n%s", lang, width, stdout)
			}
			if !strings.Contains(stdout, "smtp.gmail.com:587") {
				t.Errorf("%s at %d columns: the second server is missing:\n%s", lang, width, stdout)
			}
		}
	}
}

// TestHostsWhole checks that host names are never split, however narrow
// the screen, and that internationalised ones are shown in Unicode beside
// their ASCII form.
func TestHostsWhole(t *testing.T) {
	t.Parallel()
	w := goldenWorld(t)
	for width := 20; width <= 40; width++ {
		stdout, _ := goldenRun(t, w, i18n.English, width, "someone@qq.com", builtinOnly)
		for _, host := range []string{"pop.qq.com", "smtp.qq.com", "smtp.qq.com:587"} {
			if !strings.Contains(stdout, host) {
				t.Errorf("width %d: %s is split:\n%s", width, host, stdout)
			}
		}
		// Nor split by the terminal: a host after an indent that leaves
		// no room for it starts at column 0, and only a word wider than
		// the screen (a help URL) is wider than it.
		for _, l := range strings.Split(stdout, "\n") {
			if columns.StringWidth(l) > width && (strings.HasPrefix(l, " ") || len(strings.Fields(l)) != 1 || !strings.HasPrefix(l, "https://")) {
				t.Errorf("width %d: %q is %d columns wide", width, l, columns.StringWidth(l))
			}
		}
	}
	for _, width := range []int{0, 60, 120} {
		stdout, _ := goldenRun(t, w, i18n.Chinese, width, "someone@例子.测试", nil)
		for _, want := range []string{"pop.xn--fsqu00a.xn--0zwm56d (pop.例子.测试)", "smtp.xn--fsqu00a.xn--0zwm56d (smtp.例子.测试)"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("width %d: no %q:\n%s", width, want, stdout)
			}
		}
	}
	if got := displayHost("pop.example.com"); got != "pop.example.com" {
		t.Errorf("displayHost(ASCII) = %q", got)
	}
	if got := displayHost("xn--invalid-.example"); got != "xn--invalid-.example" {
		t.Errorf("displayHost(bad A-label) = %q", got)
	}
}
