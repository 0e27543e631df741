package app

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/popfind/popfind/internal/testnet"
)

// The desk's pages in a real browser: Debian's chromium, driven by chromedp,
// against popfind serve over the in-process test world, with the address
// rule on and only the test servers allowed. The tests skip when no browser
// is installed; .ci/run installs one.

var screenshot = flag.Bool("screenshot", false, "write a screenshot of the result page to docs/serve.png (TestServeBrowser)")

// browserPath is the browser the tests drive: $POPFIND_BROWSER, else
// Debian's chromium, else another Chromium or Chrome on the PATH; "" when
// there is none.
func browserPath() string {
	if p := os.Getenv("POPFIND_BROWSER"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// deskDomain is the test world's mail domain: it publishes its POP3, IMAP
// and submission servers by autoconfig, and each is a real in-process
// server with a certificate of the world's CA, so that a live check of each
// passes.
const deskDomain = "desk.example"

// deskAddress is the address a desk types in the tests.
const deskAddress = "ann@" + deskDomain

// deskConfig is desk.example's autoconfig file.
const deskConfig = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="desk.example">
    <domain>desk.example</domain>
    <displayName>Desk Example Mail</displayName>
    <incomingServer type="pop3">
      <hostname>pop.desk.example</hostname><port>995</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>imap.desk.example</hostname><port>993</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.desk.example</hostname><port>465</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </outgoingServer>
    <enable visiturl="https://mail.desk.example/settings">
      <instruction>Turn on POP and IMAP under Settings, Accounts</instruction>
    </enable>
  </emailProvider>
</clientConfig>
`

// deskServer is the expected settings of one protocol of deskAddress.
type deskServer struct {
	protocol, host, port string
}

var deskServers = []deskServer{
	{"pop3", "pop." + deskDomain, "995"},
	{"imap", "imap." + deskDomain, "993"},
	{"smtp", "smtp." + deskDomain, "465"},
}

// deskWorld is a test world with desk.example and its servers.
type deskWorld struct {
	*world
	pop  *testnet.POP3
	imap *testnet.IMAP
	smtp *testnet.SMTP
	// allow are the addresses of the world's servers, which the address
	// rule lets through.
	allow []string
}

func newDeskWorld(t *testing.T) *deskWorld {
	t.Helper()
	w := &deskWorld{world: newWorld(t)}
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	ac := testnet.IP()
	w.ca.ServeHTTPS(t, ac, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/mail/config-v1.1.xml" {
			http.NotFound(rw, r)
			return
		}
		rw.Header().Set("Content-Type", "text/xml")
		rw.Write([]byte(deskConfig))
	}), "autoconfig."+deskDomain)
	w.dns.Host(t, ac, "autoconfig."+deskDomain)
	w.allow = append(w.allow, ac)
	for _, s := range deskServers {
		ip := testnet.IP()
		cert := w.ca.Leaf(t, time.Now().Add(90*24*time.Hour), s.host)
		switch s.protocol {
		case "pop3":
			w.pop = &testnet.POP3{Cert: &cert, TLS: true}
			w.pop.Listen(t, ip, 995)
		case "imap":
			w.imap = &testnet.IMAP{Cert: &cert, TLS: true}
			w.imap.Listen(t, ip, 993)
		case "smtp":
			w.smtp = &testnet.SMTP{Cert: &cert, TLS: true, Domain: s.host}
			w.smtp.Listen(t, ip, 465)
		}
		w.dns.Host(t, ip, s.host)
		w.allow = append(w.allow, ip)
	}
	return w
}

// serve starts popfind serve over w with the address rule on, as by
// default, letting through only w's own servers.
func (w *deskWorld) serve(t *testing.T) *testServe {
	t.Helper()
	return newTestServe(t, w.world, func(o *options, cfg *serveConfig) {
		cfg.allowPrivate = false
		cfg.dial = testnet.Dial
		for _, a := range w.allow {
			p, _ := parsePrefix(a)
			cfg.allow = append(cfg.allow, p)
		}
	})
}

// browser is a headless Chromium for one test; tab opens its tabs.
type browser struct{ ctx context.Context }

// startBrowser starts the browser, with the flags this machine's closed
// network needs and a profile of its own, or skips the test when there is
// none. It stops when the test ends.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	path := browserPath()
	if path == "" {
		t.Skip("no browser found: install Debian's chromium (apt-get install chromium fonts-noto-cjk) or set POPFIND_BROWSER to run the browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], // headless, no first run, no background networking, no sync
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first run starts the browser on a context with no deadline: a
	// deadline there would be the browser's.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return &browser{ctx: ctx}
}

// tab is a browser tab, with what its pages reported that a desk should
// never see: console errors, uncaught exceptions, errors of the browser's
// log (a script or style that failed to load) and Content-Security-Policy
// violations.
type tab struct {
	ctx context.Context
	// base is the server's URL, without the final slash.
	base string

	mu       sync.Mutex
	problems []string
}

// tab opens a tab on b, for a server at base, closed when the test ends.
// Its steps have a minute in all.
func (b *browser) tab(t *testing.T, base string) *tab {
	t.Helper()
	tb := &tab{base: base}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithListener(tb.listen))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancelSteps := context.WithTimeout(ctx, time.Minute)
	t.Cleanup(cancelSteps)
	tb.ctx = ctx
	return tb
}

// listen notes the tab's problems. It runs in the tab's event loop: it
// returns at once and runs no command.
func (tb *tab) listen(ev any) {
	var p string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		text := consoleArgs(ev.Args)
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert || isCSP(text) {
			p = fmt.Sprintf("console.%s: %s", ev.Type, text)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		p = "uncaught exception: " + d.Text
		if d.Exception != nil {
			p += " " + d.Exception.Description
		}
		p += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		if e.Level == cdplog.EntryLevelError || isCSP(e.Text) {
			p = fmt.Sprintf("%s %s: %s", e.Source, e.Level, e.Text)
			if e.URL != "" {
				p += " (" + e.URL + ")"
			}
		}
	}
	if p != "" {
		tb.mu.Lock()
		tb.problems = append(tb.problems, p)
		tb.mu.Unlock()
	}
}

// isCSP reports whether a message is about the Content-Security-Policy.
func isCSP(text string) bool { return strings.Contains(text, "Content Security Policy") }

func consoleArgs(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if len(a.Value) > 0 {
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		} else {
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

// reported returns the problems noted so far.
func (tb *tab) reported() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return slices.Clone(tb.problems)
}

// clean fails the test for every problem the tab's pages reported.
func (tb *tab) clean(t *testing.T) {
	t.Helper()
	for _, p := range tb.reported() {
		t.Errorf("the page reported: %s", p)
	}
}

// do runs steps in the tab.
func (tb *tab) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// load runs steps that load a page (a navigation, a submit, a link) and
// waits for it; the page must answer 200.
func (tb *tab) load(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	resp, err := chromedp.RunResponse(tb.ctx, steps...)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("%s: status %d", resp.URL, resp.Status)
	}
}

// open loads the server's page at path.
func (tb *tab) open(t *testing.T, path string) {
	t.Helper()
	tb.load(t, chromedp.Navigate(tb.base+path))
}

// value runs an action that returns a value in tb.
func value[T any](t *testing.T, tb *tab, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// eval evaluates a JavaScript expression in tb's page.
func eval[T any](t *testing.T, tb *tab, expr string) T {
	t.Helper()
	return value(t, tb, chromedp.Evaluate[T](expr))
}

// poll waits up to d for a JavaScript expression to be truthy in tb's
// page, and fails the test with what about, and what the page shows, when
// it never is.
func poll(t *testing.T, tb *tab, d time.Duration, about, expr string) {
	t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(d))); err != nil {
		body, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("%s: %v; the page shows:\n%s", about, err, body)
	}
}

// pageSection is what a result page shows of one protocol.
type pageSection struct {
	Protocol string `json:"protocol"`
	Host     string `json:"host"`
	Port     string `json:"port"`
	SSL      string `json:"ssl"`
	Username string `json:"username"`
	Source   string `json:"source"`
	// Check is the live check's diagnosis of the section's server; OK
	// whether it is marked as a pass, and Passed the page's words for one.
	Check  string `json:"check"`
	OK     bool   `json:"ok"`
	Passed string `json:"passed"`
}

// sectionsJS reads the result page's sections, each field the text of
// its element ("" when there is none).
const sectionsJS = `[...document.querySelectorAll('section.protocol')].map(s => {
	const text = c => { const e = s.querySelector(c); return e ? e.innerText.trim() : ''; };
	const server = s.querySelector('.server') || s, result = s.querySelector('.check-result');
	return {protocol: s.dataset.protocol || '', host: text('.host'), port: text('.port'), ssl: text('.ssl'),
		username: text('.username'), source: text('.source'), check: text('.check-result'),
		ok: !!result && result.classList.contains('ok') && !result.classList.contains('fail'),
		passed: server.dataset.passed || ''};
})`

// sections reads the result page's sections and checks that they show
// deskAddress's servers, in the order of deskServers.
func sections(t *testing.T, tb *tab) []pageSection {
	t.Helper()
	got := eval[[]pageSection](t, tb, sectionsJS)
	if len(got) != len(deskServers) {
		t.Fatalf("%d sections, want %d: %+v", len(got), len(deskServers), got)
	}
	for i, want := range deskServers {
		s := got[i]
		if s.Protocol != want.protocol || s.Host != want.host || s.Port != want.port ||
			s.SSL == "" || !strings.Contains(s.Username, deskAddress) || s.Source == "" {
			t.Errorf("section %d: %+v; want %s %s port %s, an SSL setting, username %s and a source",
				i, s, want.protocol, want.host, want.port, deskAddress)
		}
	}
	return got
}

// overflowJS measures the page's width against the window's, and lists the
// elements that stick out to the right without a scrolling or clipping box
// of their own around them (html and body do not count: a page that hides
// its overflow there still loses text).
const overflowJS = `(() => {
	const root = document.documentElement, width = root.clientWidth;
	const boxed = e => { for (let p = e.parentElement; p && p !== document.body && p !== root; p = p.parentElement) {
		if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
	const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
		(typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '');
	const wide = [...document.body.querySelectorAll('*')].filter(e => {
		const r = e.getBoundingClientRect();
		return r.width > 0 && r.right > width + 1 && !boxed(e);
	}).map(e => name(e) + ' to ' + Math.round(e.getBoundingClientRect().right) + 'px');
	return {scrollWidth: root.scrollWidth, clientWidth: width, wide: wide.slice(0, 10)};
})()`

// noSidewaysScroll fails the test when the page is wider than the window.
func noSidewaysScroll(t *testing.T, tb *tab, what string) {
	t.Helper()
	m := eval[struct {
		ScrollWidth int      `json:"scrollWidth"`
		ClientWidth int      `json:"clientWidth"`
		Wide        []string `json:"wide"`
	}](t, tb, overflowJS)
	if m.ScrollWidth > m.ClientWidth || len(m.Wide) > 0 {
		t.Errorf("%s: %d px wide in a %d px window; sticking out: %s", what, m.ScrollWidth, m.ClientWidth, strings.Join(m.Wide, ", "))
	}
}

// hanRE matches a Chinese character.
var hanRE = regexp.MustCompile(`\p{Han}`)

// lookupURL is the result page's permalink for address, as the form makes
// it.
func lookupURL(address string) string {
	return "/lookup?" + url.Values{"address": {address}}.Encode()
}

// TestServeBrowser is the support desk at work in a real browser: it opens
// the page, types deskAddress, reads the settings, checks the servers live,
// copies the ticket block and switches to Chinese, at desk width and at a
// phone's 375 px, with and without JavaScript; no page may log an error or
// break the Content-Security-Policy. With -screenshot it writes the result
// page to docs/serve.png.
func TestServeBrowser(t *testing.T) {
	t.Parallel()
	w := newDeskWorld(t)
	srv := w.serve(t)
	b := startBrowser(t)
	base := srv.ts.URL

	t.Run("desk", func(t *testing.T) {
		tb := b.tab(t, base)
		tb.open(t, "/")
		if lang := eval[string](t, tb, `document.documentElement.lang`); lang != "en" {
			t.Errorf(`<html lang=%q>, want "en"`, lang)
		}
		if focused := eval[string](t, tb, `document.activeElement ? document.activeElement.id : ''`); focused != "address" {
			t.Errorf("the focus is on %q, not on input#address", focused)
		}
		// Type the address as a desk does, and press Enter.
		tb.load(t, chromedp.SendKeys(chromedp.CSS("form#lookup-form input#address"), deskAddress+"\r"))
		loc := value(t, tb, chromedp.Location())
		if u, err := url.Parse(loc); err != nil || u.Path != "/lookup" || u.Query().Get("address") != deskAddress {
			t.Errorf("the form went to %s, want the permalink %s", loc, lookupURL(deskAddress))
		}
		tb.do(t, chromedp.WaitVisible(chromedp.ID("result")))
		sections(t, tb)

		// The live check: a diagnosis in each section, every server passing,
		// and the servers reached, never logged in to.
		tb.do(t, chromedp.Click(chromedp.ID("check-all")))
		waitChecks(t, tb, "en")
		for _, c := range w.pop.Received() {
			if strings.HasPrefix(c, "USER") || strings.HasPrefix(c, "PASS") || strings.HasPrefix(c, "AUTH") {
				t.Errorf("the check sent %q to the POP3 server", c)
			}
		}
		if len(w.pop.Received()) == 0 || len(w.imap.Received()) == 0 {
			t.Error("the live check never reached the POP3 or the IMAP server")
		}
		if a := w.smtp.Abuses(); len(a) > 0 {
			t.Errorf("the check did %v on the SMTP server", a)
		}

		// How it was found: there, and closed until asked.
		if open := eval[bool](t, tb, `(() => { const d = document.querySelector('details#how-found'); return !d || d.open; })()`); open {
			t.Error("no details#how-found, or it is open")
		}

		// The ticket block holds every server's settings.
		ticket := value(t, tb, chromedp.Text(chromedp.CSS("pre#ticket")))
		for _, s := range deskServers {
			if !strings.Contains(ticket, s.host) || !strings.Contains(ticket, s.port) {
				t.Errorf("the ticket block lacks %s port %s:\n%s", s.host, s.port, ticket)
			}
		}
		if !strings.Contains(ticket, deskAddress) {
			t.Errorf("the ticket block lacks the username %s:\n%s", deskAddress, ticket)
		}
		copyTicket(t, tb, ticket)

		// The QR code: an image the page loaded from the API, under the
		// Content-Security-Policy, beside the profile and autoconfig links.
		poll(t, tb, 10*time.Second, "the QR code image",
			`(() => { const i = document.querySelector('img#qr'); return i && i.complete && i.naturalWidth > 100; })()`)
		if n := eval[int](t, tb, `document.querySelectorAll('a.download[download]').length`); n != 3 {
			t.Errorf("%d download links, want the profile, the autoconfig file and the QR code", n)
		}

		if *screenshot {
			writeScreenshot(t, tb)
		}

		// Chinese, and back.
		tb.load(t, chromedp.Click(chromedp.CSS("a#lang-zh")))
		if lang := eval[string](t, tb, `document.documentElement.lang`); lang != "zh-CN" {
			t.Errorf(`after a#lang-zh, <html lang=%q>, want "zh-CN"`, lang)
		}
		zh := value(t, tb, chromedp.Text(chromedp.CSS("body")))
		if n := len(hanRE.FindAllString(zh, -1)); n < 10 {
			t.Errorf("after a#lang-zh, %d Chinese characters on the page:\n%s", n, zh)
		}
		sections(t, tb) // the same address's result, in Chinese
		tb.do(t, chromedp.Click(chromedp.ID("check-all")))
		waitChecks(t, tb, "zh")
		tb.load(t, chromedp.Click(chromedp.CSS("a#lang-en")))
		if lang := eval[string](t, tb, `document.documentElement.lang`); lang != "en" {
			t.Errorf(`after a#lang-en, <html lang=%q>, want "en"`, lang)
		}
		sections(t, tb)
		tb.clean(t)
		cspControl(t, tb)
	})

	t.Run("phone", func(t *testing.T) {
		tb := b.tab(t, base)
		if _, err := chromedp.Call(tb.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: 375, Height: 812, DeviceScaleFactor: 2, Mobile: true,
		}); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"en", "zh"} {
			tb.open(t, "/?lang="+lang)
			if w := eval[int](t, tb, `window.innerWidth`); w != 375 {
				t.Fatalf("the window is %d px wide, not 375", w)
			}
			noSidewaysScroll(t, tb, "/ in "+lang)
			tb.open(t, lookupURL(deskAddress)+"&lang="+lang)
			sections(t, tb)
			tb.do(t, chromedp.Click(chromedp.ID("check-all")))
			waitChecks(t, tb, lang)
			tb.do(t, chromedp.Evaluate[chromedp.Void](`document.querySelector('details#how-found').open = true`))
			noSidewaysScroll(t, tb, "the result page in "+lang+", checked, all open")
		}
		tb.clean(t)
	})

	t.Run("no JavaScript", func(t *testing.T) {
		tb := b.tab(t, base)
		if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		tb.open(t, "/")
		tb.load(t, chromedp.SendKeys(chromedp.ID("address"), deskAddress+"\r"))
		sections(t, tb)
		// The script un-hides the buttons that need it: it did not run.
		if hidden := eval[bool](t, tb, `document.getElementById('check-all').hidden && document.getElementById('copy').hidden`); !hidden {
			t.Error("#check-all or #copy is shown, though no script ran")
		}
		tb.load(t, chromedp.Click(chromedp.CSS("a#lang-zh")))
		sections(t, tb)
		// A server's check is a link to the check page.
		tb.load(t, chromedp.Click(chromedp.CSS(`section.protocol[data-protocol="pop3"] a.check-link`)))
		if ok := eval[bool](t, tb, `!!document.querySelector('#report.ok')`); !ok {
			t.Errorf("the check page shows no pass:\n%s", value(t, tb, chromedp.Text(chromedp.CSS("main"))))
		}
		tb.clean(t)
	})
}

// waitChecks waits for the live check's diagnosis in every section and
// fails the test unless each says, in lang, that its server passed.
func waitChecks(t *testing.T, tb *tab, lang string) {
	t.Helper()
	poll(t, tb, 30*time.Second, "the live check's diagnosis",
		`[...document.querySelectorAll('section.protocol')].every(s => {
			const r = s.querySelector('.check-result');
			return r && r.innerText.trim() !== '' && !r.closest('[aria-busy="true"]');
		})`)
	for _, s := range eval[[]pageSection](t, tb, sectionsJS) {
		if !s.OK || s.Passed == "" || !strings.Contains(s.Check, s.Passed) || (lang == "zh") != hanRE.MatchString(s.Passed) {
			t.Errorf("%s: the check says %q, not a pass in %s (%q)", s.Protocol, s.Check, lang, s.Passed)
		}
	}
}

// copyTicket presses the copy button and finds the ticket block on the
// clipboard.
func copyTicket(t *testing.T, tb *tab, ticket string) {
	t.Helper()
	if _, err := chromedp.CallBrowser(tb.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "clipboard-read"},
		Setting:    cdpbrowser.PermissionSettingGranted,
		Origin:     tb.base,
	}); err != nil {
		t.Fatal(err)
	}
	tb.do(t, chromedp.Click(chromedp.ID("copy")))
	poll(t, tb, 5*time.Second, "the copy button's answer", `document.getElementById('copy-status').innerText.trim() !== ''`)
	got := value(t, tb, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if strings.TrimSpace(got) != strings.TrimSpace(ticket) {
		t.Errorf("the clipboard holds %q, not the ticket block %q", got, ticket)
	}
}

// writeScreenshot writes the page, whole, to docs/serve.png.
func writeScreenshot(t *testing.T, tb *tab) {
	t.Helper()
	png := value(t, tb, chromedp.FullScreenshot(100))
	name := filepath.Join("..", "docs", "serve.png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", name)
}

// cspControl checks that the tab would have seen a CSP violation: a
// script put into the page inline must not run, and must be reported.
func cspControl(t *testing.T, tb *tab) {
	t.Helper()
	tb.do(t, chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.createElement('script');
		s.textContent = 'window.inlineRan = true';
		document.head.append(s);
	})()`))
	if ran := eval[bool](t, tb, `window.inlineRan === true`); ran {
		t.Error("an inline script ran: the Content-Security-Policy does not forbid it")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !slices.ContainsFunc(tb.reported(), isCSP) {
		if time.Now().After(deadline) {
			t.Fatalf("a blocked inline script was not reported as a CSP violation; the tab saw %q", tb.reported())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
