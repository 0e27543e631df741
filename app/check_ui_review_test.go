package app

// Review tests of the user-facing side of popfind check (issue 26). Each
// one fails on the snapshot reviewed and shows one defect.

import (
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/checkworld"
	"github.com/popfind/popfind/internal/testnet"
)

// reviewCheckJSON is what these tests read of a check's JSON.
type reviewCheckJSON struct {
	Error    string
	Counts   struct{ Fail, Warn, Info int }
	Findings []struct{ Severity, Code, Protocol, Source, Server, Message, Fix string }
	Sources  []struct{ Source, Status, Reason string }
	Servers  []struct {
		Host  string
		Port  int
		Kind  string
		Steps []struct {
			Step string
			OK   bool
		}
	}
}

// TestReviewServeCheckMailPortsOnly: popfind serve promises to check
// servers "on the mail ports 110, 995, 143, 993, 465 and 587 only, so that
// the page is no port scanner". A domain's SRV record naming port 22 of
// any host makes /api/v1/check connect there and report whether the port
// is open (steps[0].ok).
func TestReviewServeCheckMailPortsOnly(t *testing.T) {
	t.Parallel()
	w := checkworld.New(t)
	ip := testnet.IP()
	l := testnet.Listen(t, ip, 22)
	var hits atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			hits.Add(1)
			c.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n"))
			c.Close()
		}
	}()
	w.DNS.Host(t, ip, "ssh.portscan.test")
	w.DNS.Add(t, "_imaps._tcp.portscan.test. 3600 IN SRV 0 1 22 ssh.portscan.test.")
	srv := newCheckServe(t, w, nil)
	for _, path := range []string{checkPath("portscan.test"), "/check?domain=portscan.test"} {
		resp, body := srv.get(t, path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %.300s", path, resp.StatusCode, body)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the desk's domain check connected %d times to port 22, a port /verify refuses", n)
	}
}

// TestReviewServeCheckRefusedForSafety: with the address rule on, a domain
// whose records point at loopback must be told so plainly. Instead each
// server becomes a server_unreachable failure whose message is a raw Go
// error ("network error: dial tcp: refused for safety: ...", in English
// also under lang=zh) and whose fix tells the admin to make the server
// listen; the sources say "could not be reached", and autoconfig_missing
// asks to publish a file the domain already publishes.
func TestReviewServeCheckRefusedForSafety(t *testing.T) {
	t.Parallel()
	w := checkworld.New(t)
	guarded := newCheckServe(t, w, func(_ *options, cfg *serveConfig) { cfg.allowPrivate = false })
	for _, lang := range []string{"en", "zh"} {
		_, body := guarded.get(t, checkPath(checkworld.Clean, "lang", lang))
		j := decode[reviewCheckJSON](t, body)
		for _, f := range j.Findings {
			if strings.Contains(f.Message, "dial tcp") || strings.Contains(f.Message, "network error") {
				t.Errorf("%s: %s finding shows a raw Go error: %q", lang, f.Code, f.Message)
			}
			if f.Code == "server_unreachable" || f.Code == "autoconfig_missing" {
				t.Errorf("%s: %s (%s) reported for a server or file popfind serve refused to reach for safety", lang, f.Code, f.Severity)
			}
		}
		for _, s := range j.Sources {
			if s.Status == "failed" && !strings.Contains(s.Reason, map[string]string{"en": "refused for safety", "zh": "出于安全考虑"}[lang]) {
				t.Errorf("%s: source %s: %q does not say it was refused for safety", lang, s.Source, s.Reason)
			}
		}
	}
}

// TestReviewServeCheckDeadline: a check's sources, then its servers, each
// get --timeout (serve_check.go says so), but the desk gives the whole
// check --timeout + 5s. A domain with a slow source and a silent server
// then gets 502 "nothing could be looked at" with the error
// "? did not answer in time" and no findings, though a server was found
// and failed.
func TestReviewServeCheckDeadline(t *testing.T) {
	t.Parallel()
	w := checkworld.New(t)
	ip := testnet.IP()
	l := testnet.Listen(t, ip, 995)
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // accepted, never greeted
		}
	}()
	w.DNS.Host(t, ip, "mail.slow.test")
	w.DNS.Add(t, "_pop3s._tcp.slow.test. 3600 IN SRV 0 1 995 mail.slow.test.")
	w.DNS.Hang("_imaps._tcp.slow.test")
	srv := newCheckServe(t, w, func(o *options, _ *serveConfig) { o.timeout = 6 * time.Second })
	resp, body := srv.get(t, checkPath("slow.test", "protocol", "pop3,imap"))
	j := decode[reviewCheckJSON](t, body)
	if resp.StatusCode != 200 || strings.HasPrefix(j.Error, "?") || j.Counts.Fail == 0 {
		t.Errorf("status %d, error %q, %d failures; want 200 and the unreachable server as a failure", resp.StatusCode, j.Error, j.Counts.Fail)
	}
}

// TestReviewCheckChineseHasNoEnglish: under --lang zh a finding's message
// carries an English clause from the autoconfig parser, e.g.
// "（POP3 section 1: no known socketType in ["TLS"]）" and
// "hostname ... is not a valid host name". The golden test runs
// checkNoEnglish only on clean.test and several.test.
func TestReviewCheckChineseHasNoEnglish(t *testing.T) {
	t.Parallel()
	w := newCheckWorld(t)
	for _, d := range []string{w.Domains["autoconfig_invalid"], w.Hostile} {
		_, out, _ := runWorldCheck(t, w, i18n.Chinese, 80, false, d)
		findings, _, _ := strings.Cut(out, i18n.Chinese.Sprintf(i18n.CheckUISources))
		t.Run(d, func(t *testing.T) { checkNoEnglish(t, findings) })
	}
}

// TestReviewReadmeCheckExample: README's example report is said to be the
// golden file check-several-en-80.txt, but its source reasons are an older
// wording ("dial tcp 127.0.0.x:443: connect: connection refused", "no POP3,
// IMAP, SMTP server published").
func TestReviewReadmeCheckExample(t *testing.T) {
	t.Parallel()
	readme := string(mustRead(filepath.Join("..", "README.md")))
	_, rest, _ := strings.Cut(readme, "```\n$ popfind check several.test\n")
	example, _, _ := strings.Cut(rest, "```")
	golden := string(mustRead(filepath.Join("testdata", "golden", "check-several-en-80.txt")))
	if "$ popfind check several.test\n"+example != golden {
		t.Error("README's example report differs from app/testdata/golden/check-several-en-80.txt")
	}
}

// TestReviewCheckPageSourceNamesWhole: the check page's tables use
// overflow-wrap: anywhere, so even at 1200 px the source column is squeezed
// and names break mid-word ("autoconfi|g", "autodisco|ver"); at 375 px host
// names and URLs in the reasons break too ("_autodiscover._tcp.several.t|est").
func TestReviewCheckPageSourceNamesWhole(t *testing.T) {
	t.Parallel()
	w := newCheckWorld(t)
	srv := newCheckServe(t, w, nil)
	b := startBrowser(t)
	tb := b.tab(t, srv.ts.URL)
	if _, err := chromedp.Call(tb.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: 1200, Height: 900, DeviceScaleFactor: 1,
	}); err != nil {
		t.Fatal(err)
	}
	tb.open(t, "/check?domain="+severalDomain)
	broken := eval[[]string](t, tb, `Array.from(document.querySelectorAll('#check-sources tbody th')).filter(function (th) {
		var r = document.createRange(); r.selectNodeContents(th);
		var tops = new Set(Array.from(r.getClientRects()).map(function (x) { return Math.round(x.top); }));
		return tops.size > 1;
	}).map(function (th) { return th.textContent; })`)
	if len(broken) > 0 {
		t.Errorf("at 1200 px, source names broken over lines: %q", broken)
	}
}

// TestReviewCheckPageReasonSeparated: a source that published nothing shows
// "—" glued to its reason: "—several.test is not in the built-in table".
func TestReviewCheckPageReasonSeparated(t *testing.T) {
	t.Parallel()
	w := newCheckWorld(t)
	srv := newCheckServe(t, w, nil)
	_, body := srv.get(t, "/check?domain="+severalDomain)
	if m := regexp.MustCompile(`<td>—<span`).Find(body); m != nil {
		t.Errorf("a dash runs into the reason: %s", m)
	}
}

// TestReviewCheckPageAddressError: the page tells someone who typed an
// address to run a command ("check takes a domain, not an address: popfind
// check b.c"): a web page should say what to type in the form.
func TestReviewCheckPageAddressError(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, nil)
	for _, lang := range []string{"en", "zh"} {
		resp, body := srv.get(t, "/check?domain=someone%40example.org&lang="+lang)
		doc := checkPage(t, resp, body, 400, lang)
		if e := textOf(one(t, doc, "p.error")); strings.Contains(e, "popfind check") {
			t.Errorf("%s: the page's error is a command line: %q", lang, e)
		}
	}
}

// TestReviewCheckNarrowReasons: at 40 columns the sources table becomes
// cards, and the reasons follow the last card with no blank line, so they
// read as part of the autoconfig-http card.
func TestReviewCheckNarrowReasons(t *testing.T) {
	t.Parallel()
	w := newCheckWorld(t)
	_, out, _ := runWorldCheck(t, w, i18n.English, 40, false, severalDomain)
	if strings.Contains(out, "none\n  builtin: ") {
		t.Errorf("the reasons run on from the last card:\n%s", out)
	}
}

// TestReviewCheckJSONFlagHelp: check --help says --json prints "one JSON
// object per line (JSON Lines)"; check prints one object.
func TestReviewCheckJSONFlagHelp(t *testing.T) {
	t.Parallel()
	_, out, _ := run(t, "", "check", "--help")
	if strings.Contains(out, "JSON Lines") {
		t.Error("check --help describes --json as JSON Lines")
	}
}

// TestReviewServeHelpNamesCheck: serve's description (and so the man
// page) lists the API as "lookup, verify, providers" and names no /check
// page.
func TestReviewServeHelpNamesCheck(t *testing.T) {
	t.Parallel()
	_, out, _ := run(t, "", "serve", "--help")
	if !strings.Contains(out, "/check") {
		t.Error("serve --help does not mention the /check page or /api/v1/check")
	}
}

// TestReviewCheckWording: English grammar in a finding, and a domain
// check that explains "@b.c" with "empty local part".
func TestReviewCheckWording(t *testing.T) {
	t.Parallel()
	w := newCheckWorld(t)
	_, out, _ := runWorldCheck(t, w, i18n.English, 0, true, w.Hostile)
	if strings.Contains(out, "as a IMAP server") {
		t.Error(`"as a IMAP server": want "as an IMAP server"`)
	}
	_, _, stderr := run(t, "", "check", "--dns", "127.0.0.1:1", "@example.org")
	if strings.Contains(stderr, "local part") {
		t.Errorf("a domain check talks of a local part: %q", stderr)
	}
}

// TestReviewCheckPlainServerPassed: the servers table marks the plain-text
// IMAP server "✓ passed" right under the "✗ FAIL plaintext" finding about
// the same server.
func TestReviewCheckPlainServerPassed(t *testing.T) {
	t.Parallel()
	w := newCheckWorld(t)
	_, out, _ := runWorldCheck(t, w, i18n.English, 120, false, severalDomain)
	// The server line no longer says "none" (it says "plain (no TLS)"):
	// match any security word, and want the warning in its place.
	if regexp.MustCompile(`IMAP mail\.clean\.test:143 .*✓ passed`).MatchString(out) || !strings.Contains(out, "! no TLS") {
		t.Errorf("a server with a fail finding is shown as passed:\n%s", out)
	}
}
