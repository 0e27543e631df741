package app

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenWorld is the loopback Internet of the golden tests: an ISP database
// that knows nothing (every request is a 404), a domain whose autoconfig and
// SRV records disagree, a domain whose SRV question is never answered, and
// a domain with an internationalised name.
func goldenWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	// A POP3-only autoconfig file.
	pop := func(domain, host string) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Content-Type", "text/xml")
			io.WriteString(rw, `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="`+domain+`">
<domain>`+domain+`</domain><displayName>Example Mail</displayName>
<incomingServer type="pop3"><hostname>`+host+`</hostname><port>110</port><socketType>STARTTLS</socketType>
<username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer>
</emailProvider></clientConfig>`)
		})
	}
	w.https(t, pop("conflict.example", "mail.conflict.example"), "autoconfig.conflict.example")
	w.https(t, pop("slow.example", "mail.slow.example"), "autoconfig.slow.example")
	w.dns.Add(t,
		"_pop3s._tcp.conflict.example. 60 IN SRV 0 0 995 pop.conflict.example.",
		"_pop3s._tcp.xn--fsqu00a.xn--0zwm56d. 60 IN SRV 0 0 995 pop.xn--fsqu00a.xn--0zwm56d.",
		"_submissions._tcp.xn--fsqu00a.xn--0zwm56d. 60 IN SRV 0 0 465 smtp.xn--fsqu00a.xn--0zwm56d.",
	)
	// slow.example answers POP3 at once and never SMTP; late.example
	// answers nothing before the deadline.
	w.dns.Hang("_submissions._tcp.slow.example")
	w.dns.Hang("_pop3s._tcp.late.example")
	w.dns.Hang("_submissions._tcp.late.example")
	// srvall.example delegates every protocol by SRV records to hosts
	// outside the domain.
	w.dns.Add(t,
		"_pop3s._tcp.srvall.example. 60 IN SRV 0 0 995 pop.verify.example.",
		"_imaps._tcp.srvall.example. 60 IN SRV 0 0 993 imap.verify.example.",
		"_imap._tcp.srvall.example. 60 IN SRV 0 0 143 imap.verify.example.",
		"_submissions._tcp.srvall.example. 60 IN SRV 0 0 465 smtp.verify.example.",
		"_submission._tcp.srvall.example. 60 IN SRV 0 0 587 smtp.verify.example.",
	)
	return w
}

// everyProtocol asks for POP3, IMAP and SMTP.
func everyProtocol(o *options) {
	o.protocols = []lookup.Protocol{lookup.POP3, lookup.IMAP, lookup.SMTP}
}

// goldenRun looks up input as the command would with these settings, and
// returns what it writes to standard output and standard error.
func goldenRun(t *testing.T, w *world, lang i18n.Lang, width int, input string, set func(*options)) (stdout, stderr string) {
	t.Helper()
	o := w.options(t)
	o.json, o.lang, o.width, o.color = false, lang, width, false
	if set != nil {
		set(o)
	}
	f, err := newFinder(o)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out, errw bytes.Buffer
	b := &batch{opts: o, finder: f, verify: verifier(f, o), out: &out, errw: &errw}
	if _, err := b.run(context.Background(), &inputs{args: []string{input}}); err != nil {
		t.Fatal(err)
	}
	return out.String(), errw.String()
}

// goldenCases are the outputs the golden files hold, each at 60 and 80
// columns, in English and in Chinese.
var goldenCases = []struct {
	name  string
	input string
	set   func(*options)
}{
	{"notfound", "someone@nosuch.example", nil},
	{"proton", "someone@proton.me", func(o *options) { o.sources = []string{lookup.SourceBuiltin} }},
	{"longurl", "someone@163.com", func(o *options) { o.sources = []string{lookup.SourceBuiltin} }},
	{"all", "someone@conflict.example", func(o *options) { o.all = true }},
	{"slow", "someone@slow.example", nil},
	{"late", "someone@late.example", func(o *options) { o.timeout = time.Second }},
	{"idn", "someone@例子.测试", nil},
	{"srvall", "someone@srvall.example", everyProtocol},
	{"slowall", "someone@slow.example", func(o *options) { o.all, o.timeout = true, 2*time.Second }},
	{"gmailall", "someone@gmail.com", func(o *options) { o.all, o.sources = true, []string{lookup.SourceBuiltin} }},
}

// timings are the figures that change from run to run.
var timings = regexp.MustCompile(`\b\d+(ms| 毫秒)`)

func TestGolden(t *testing.T) {
	t.Parallel()
	w := goldenWorld(t)
	for _, c := range goldenCases {
		for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
			for _, width := range []int{60, 80} {
				name := fmt.Sprintf("%s-%s-%d", c.name, lang, width)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					stdout, stderr := goldenRun(t, w, lang, width, c.input, c.set)
					jsonLine, _ := goldenRun(t, w, lang, width, c.input, func(o *options) {
						if c.set != nil {
							c.set(o)
						}
						o.json = true
					})
					words, docs := unsplittable(t, jsonLine)
					checkScreen(t, stdout+stderr, width)
					checkWhole(t, stdout+stderr, words, docs)
					got := "$ popfind " + c.input + "\n-- stdout --\n" + stdout + "-- stderr --\n" + stderr
					got = timings.ReplaceAllString(got, "N$1")
					golden(t, name, got)
				})
			}
		}
	}
}

// TestGoldenVerifyToFile checks that a failed check redirected to a file
// holds the whole report: every step, the verdict and the hint on standard
// output, nothing on standard error; wrapped at 60 and 80 columns, in
// English and in Chinese.
func TestGoldenVerifyToFile(t *testing.T) {
	t.Parallel()
	// Nothing listens on port 1 of the loopback address: refused at once.
	args := []string{"verify", "--ssl", "127.0.0.1:1"}
	for _, lang := range []string{"en", "zh"} {
		for _, width := range []int{60, 80} {
			name := fmt.Sprintf("verify-fail-%s-%d", lang, width)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				env := map[string]string{"NO_COLOR": "1", "COLUMNS": strconv.Itoa(width),
					"LANG": map[string]string{"en": "C", "zh": "zh_CN.UTF-8"}[lang]}
				var out, errw bytes.Buffer
				code := Run(context.Background(), append([]string{"popfind"}, args...), IO{
					In: strings.NewReader(""), Out: &out, Err: &errw, Getenv: func(k string) string { return env[k] },
				})
				if code != ExitVerify || errw.Len() > 0 {
					t.Errorf("exit %d, standard error %q; want exit %d and nothing there", code, errw.String(), ExitVerify)
				}
				report := out.String()
				l := i18n.Lang(lang)
				for _, want := range []string{l.Sprintf(i18n.LblVerifyNo, "POP3"), l.Sprintf(i18n.LblHint)} {
					if !strings.Contains(report, want) {
						t.Errorf("report lacks %q:\n%s", want, report)
					}
				}
				checkScreen(t, report, width)
				// The verdict's continuation lines hang by a few columns,
				// as the hint's do, not under the end of its long label.
				for _, l := range strings.Split(report, "\n") {
					if indent := len(l) - len(strings.TrimLeft(l, " ")); indent > 6 {
						t.Errorf("line indented by %d: %q", indent, l)
					}
				}
				golden(t, name, "$ popfind "+strings.Join(args, " ")+" > report.txt\n"+timings.ReplaceAllString(report, "N$1"))
			})
		}
	}
}

// golden compares got with testdata/golden/name.txt, or writes it there
// with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./app -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from its golden file (go test ./app -update rewrites it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// checkScreen fails on output a person cannot use at this width: a line
// wider than the terminal (a URL or host name alone on its line excepted:
// the terminal wraps it, and it stays whole to click and copy; but not
// indented, which would have the terminal split a word that fits), and a
// sentence cut with "…".
func checkScreen(t *testing.T, out string, width int) {
	t.Helper()
	for i, l := range strings.Split(out, "\n") {
		if w := columns.StringWidth(l); w > width && (len(strings.Fields(l)) != 1 || strings.HasPrefix(l, " ")) {
			t.Errorf("line %d is %d columns wide, more than %d: %q", i+1, w, width, l)
		}
		if strings.HasSuffix(strings.TrimSpace(l), "…") {
			t.Errorf("line %d is cut: %q", i+1, l)
		}
	}
}

// checkWhole fails when one of words (URLs, host names) is split over two
// lines, or one of whole is on no line whole.
func checkWhole(t *testing.T, out string, words, whole []string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for i, l := range lines[:len(lines)-1] {
		l = strings.TrimRight(l, " ")
		next := strings.TrimSpace(lines[i+1])
		for _, u := range words {
			for k := len(u) - 1; k >= 6; k-- {
				if strings.HasSuffix(l, u[:k]) && strings.HasPrefix(next, u[k:]) {
					t.Errorf("line %d splits %q: %q", i+1, u, l)
				}
			}
		}
	}
	for _, u := range whole {
		if !strings.Contains(out, u) {
			t.Errorf("%q is not on any line whole", u)
		}
	}
}

// unsplittable returns the URLs and host names of a result, and the help
// links that human output must show whole.
func unsplittable(t *testing.T, jsonLine string) (words, docs []string) {
	t.Helper()
	var j struct {
		Docs    []string
		Servers map[string]struct {
			Server       *struct{ Host string }
			Alternatives []struct{ Host string }
		}
	}
	if err := json.Unmarshal([]byte(jsonLine), &j); err != nil {
		t.Fatalf("%v: %s", err, jsonLine)
	}
	for _, u := range urlIn.FindAllString(jsonLine, -1) {
		words = append(words, strings.TrimRight(u, ".,;:)"))
	}
	for _, p := range j.Servers {
		if p.Server != nil {
			words = append(words, p.Server.Host)
		}
		for _, a := range p.Alternatives {
			words = append(words, a.Host)
		}
	}
	return words, j.Docs
}

var urlIn = regexp.MustCompile(`https?://[^\s"\\]+`)

// TestGoldenHelp checks the help at 60 and 80 columns, in English and
// Chinese: each paragraph of a description is reflowed, not wrapped line by
// line as it is written (no orphan words), and every example command is on
// one line, whole.
func TestGoldenHelp(t *testing.T) {
	t.Parallel()
	commands := []struct {
		args []string
		desc string // the description's key, "" for completion's
	}{
		{[]string{"--help"}, i18n.HelpDescription},
		{[]string{"providers", "--help"}, i18n.CmdProvidersDesc},
		{[]string{"verify", "--help"}, i18n.CmdVerifyDesc},
		{[]string{"completion", "--help"}, ""},
	}
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		for _, width := range []int{60, 80} {
			name := fmt.Sprintf("help-%s-%d", lang, width)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				env := map[string]string{"NO_COLOR": "1", "COLUMNS": strconv.Itoa(width),
					"LANG": map[i18n.Lang]string{i18n.English: "C", i18n.Chinese: "zh_CN.UTF-8"}[lang]}
				var all strings.Builder
				for _, c := range commands {
					args := c.args
					desc := "bash: source <(popfind completion bash)\nfish: popfind completion fish > ~/.config/fish/completions/popfind.fish"
					if c.desc != "" {
						desc = lang.Sprintf(c.desc)
					}
					var out, errw bytes.Buffer
					code := Run(context.Background(), append([]string{"popfind"}, args...), IO{
						In: strings.NewReader(""), Out: &out, Err: &errw, Getenv: func(k string) string { return env[k] },
					})
					if code != 0 || errw.Len() > 0 {
						t.Fatalf("popfind %s: exit %d, %s", strings.Join(args, " "), code, errw.String())
					}
					help := out.String()
					checkHelp(t, help, desc, width, lang)
					all.WriteString("$ popfind " + strings.Join(args, " ") + "\n" + help)
				}
				golden(t, name, all.String())
			})
		}
	}
}

// checkHelp fails on help with an example command of its description desc
// split over lines, a line wider than the screen that is not a command, or
// a line of a paragraph that leaves room for the next line's first word.
func checkHelp(t *testing.T, help, desc string, width int, lang i18n.Lang) {
	t.Helper()
	var cmds []string
	for _, l := range strings.Split(desc, "\n") {
		l = strings.TrimSpace(l)
		if m := helpLabel.FindString(l); m != "" {
			l = strings.TrimSpace(l[len(m):])
		}
		for _, seg := range regexp.MustCompile(`; |；`).Split(l, -1) {
			seg = strings.TrimSuffix(seg, ";")
			if i := strings.Index(seg, "  "); i >= 0 {
				seg = seg[:i]
			}
			if regexp.MustCompile(`^(source <\()?popfind [a-z-]`).MatchString(seg) {
				cmds = append(cmds, seg)
			}
		}
	}
	if len(cmds) < 2 {
		t.Fatalf("only %d example commands found: %q", len(cmds), cmds)
	}
	lines := strings.Split(strings.TrimRight(help, "\n"), "\n")
	for _, c := range cmds {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, c) }) {
			t.Errorf("%d columns: %q is on no line whole", width, c)
		}
	}
	section := ""
	for i, l := range lines {
		if !strings.HasPrefix(l, " ") {
			section = l
		}
		if w := columns.StringWidth(l); w > width {
			if !slices.ContainsFunc(cmds, func(c string) bool { return strings.Contains(l, c) }) &&
				(len(strings.Fields(l)) != 1 || strings.HasPrefix(l, " ")) {
				t.Errorf("%d columns: line %d is %d columns wide and not a command: %q", width, i+1, w, l)
			}
		}
		// In a description, a line of a paragraph (indented by 3, as the
		// next one) is filled: the next line's first word would not fit.
		if section != lang.Sprintf(i18n.HelpHdrDescription) || i+1 >= len(lines) {
			continue
		}
		next := lines[i+1]
		if indent(l) != 3 || indent(next) != 3 || helpLabel.MatchString(strings.TrimSpace(next)) {
			continue
		}
		// The next line's first word, or the command it begins with.
		word := atoms(strings.TrimSpace(next))[0]
		for _, c := range cmds {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(next), c); ok {
				// With the punctuation after it.
				c += rest[:len(rest)-len(strings.TrimLeft(rest, ";；"))]
				word = atom{text: c, width: columns.StringWidth(c)}
			}
		}
		sep := 1
		if wide(lastRune(l)) && wide(firstRune(word.text)) {
			sep = 0
		}
		if columns.StringWidth(l)+sep+word.width <= width {
			t.Errorf("%d columns: line %d leaves room for %q: %q", width, i+1, word.text, l)
		}
	}
}

// indent is the number of spaces a line begins with.
func indent(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }
