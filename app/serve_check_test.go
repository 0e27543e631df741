package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/popfind/popfind/check"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// checkPath is the API path of a check of domain, with more query
// parameters as name, value pairs.
func checkPath(domain string, more ...string) string {
	q := url.Values{"domain": {domain}}
	for i := 0; i+1 < len(more); i += 2 {
		q.Set(more[i], more[i+1])
	}
	return "/api/v1/check?" + q.Encode()
}

// TestServeCheckRequests: the API's and the page's answers to requests
// that name no domain to check: a JSON error object (400) in the
// request's language, and the form again with the reason.
func TestServeCheckRequests(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, nil)
	for _, tt := range []struct {
		path, lang, want string
	}{
		{"/api/v1/check", "en", "the parameter domain is missing"},
		{checkPath("someone@example.org"), "en", "the parameter domain takes a domain, not an address: try domain=example.org"},
		{checkPath("someone@example.org"), "zh", "参数 domain 应为域名，而不是邮箱地址"},
		{checkPath("[127.0.0.1]"), "en", "check takes a domain name, not an IP address: 127.0.0.1"},
		{checkPath("  "), "en", "the parameter domain is missing"},
		{checkPath("example.org", "protocol", "pop4"), "en", `unknown protocol in protocol=\"pop4\"`},
	} {
		resp, body := srv.get(t, tt.path, "Accept-Language", tt.lang)
		if resp.StatusCode != 400 || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s: %d %s; want 400 and %s", tt.path, resp.StatusCode, body, tt.want)
		}
		if e := decode[apiErrorJSON](t, body); e.Status != 400 {
			t.Errorf("%s: error object %+v", tt.path, e)
		}
	}
	for _, lang := range []string{"en", "zh"} {
		l := i18n.Lang(lang)
		resp, body := srv.get(t, "/check?lang="+lang)
		doc := checkPage(t, resp, body, 200, lang)
		one(t, doc, "form#check-form", "input#domain")
		if got := textOf(one(t, doc, "h1")); got != l.Sprintf(i18n.CheckUIPageTitle) {
			t.Errorf("h1 %q", got)
		}
		if a := one(t, doc, "a#lang-"+map[string]string{"en": "zh", "zh": "en"}[lang]); !strings.HasPrefix(attr(a, "href"), "/check?") {
			t.Errorf("the language switch leaves the page: %q", attr(a, "href"))
		}
		resp, body = srv.get(t, "/check?domain=someone%40example.org&lang="+lang)
		doc = checkPage(t, resp, body, 400, lang)
		if got := textOf(one(t, doc, "p.error")); got != l.Sprintf(i18n.CheckUIPageAddress, "example.org") {
			t.Errorf("error %q", got)
		}
		if got := attr(one(t, doc, "input#domain"), "value"); got != "someone@example.org" {
			t.Errorf("the form lost the domain: %q", got)
		}
		// The home page links to the check.
		resp, body = srv.get(t, "/?lang="+lang)
		doc = checkPage(t, resp, body, 200, lang)
		if a := one(t, doc, "a#check-domain"); !strings.HasPrefix(attr(a, "href"), "/check") || textOf(a) != l.Sprintf(i18n.CheckUIPageHome) {
			t.Errorf("home page link %q %q", attr(a, "href"), textOf(a))
		}
	}
	resp, body := srv.get(t, "/api/v1/check.schema.json")
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"$id": "https://github.com/popfind/popfind/schema/check.schema.json"`)) {
		t.Errorf("check schema: %d %.100s", resp.StatusCode, body)
	}
}

// TestServeCheckCost: the form alone costs nothing; a check refused with
// 503 because too many are in flight gives back the checkCost tokens it
// took; a domain that is not one costs one token, so that the burst of
// ten takes ten of them, and the next is refused with 429 and
// Retry-After.
func TestServeCheckCost(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, func(_ *options, cfg *serveConfig) { cfg.rate = 1 })
	for i := 0; i < 5; i++ {
		if resp, _ := srv.get(t, "/check"); resp.StatusCode != 200 {
			t.Fatalf("the form: %d", resp.StatusCode)
		}
	}
	// With every place among the checks taken, a check is refused with
	// 503 and gives its tokens back.
	for range cap(srv.s.checks) {
		srv.s.checks <- struct{}{}
	}
	for i := range 5 {
		if resp, body := srv.get(t, checkPath("example.org")); resp.StatusCode != 503 {
			t.Fatalf("busy check %d: %d %s, want 503", i+1, resp.StatusCode, body)
		}
	}
	for range cap(srv.s.checks) {
		<-srv.s.checks
	}
	// A domain that is not one costs one token, not checkCost: the burst
	// of ten, which the busy checks left whole, takes ten.
	for i := range rateBurst + 1 {
		want := 400
		if i == rateBurst {
			want = 429
		}
		resp, body := srv.get(t, checkPath("a@example.org"))
		if resp.StatusCode != want {
			t.Fatalf("check %d: %d %s, want %d", i+1, resp.StatusCode, body, want)
		}
		if want == 429 && resp.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	}
	// A lookup still has the tokens the checks left.
	if resp, body := srv.get(t, lookupPath("a@gmail.com")); resp.StatusCode != 429 && resp.StatusCode != 200 {
		t.Errorf("lookup after the checks: %d %s", resp.StatusCode, body)
	}
}

// TestCheckPageView: the sample report on the page, in both languages:
// the verdict, a section per finding with its severity and code, each
// paste verbatim in a pre, the sources and servers tables, and links to
// each server's own check.
func TestCheckPageView(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, nil)
	r := sampleCheckReport()
	for _, lang := range []string{"en", "zh"} {
		req := httptest.NewRequest("GET", "/check?domain=example.org&lang="+lang, nil)
		p := srv.s.newPage(req, "check")
		v := &domainCheckPage{Domain: "example.org", Report: checkReportView(p, r)}
		var b bytes.Buffer
		if err := checkTemplate().ExecuteTemplate(&b, "layout", &checkPageData{page: p, Check: v}); err != nil {
			t.Fatal(err)
		}
		doc := parsePage(t, b.Bytes())
		checkInert(t, doc)
		if got := textOf(one(t, doc, "p#verdict")); got != verdict(r, i18n.Lang(lang)) || !strings.Contains(attr(one(t, doc, "p#verdict"), "class"), "verdict-fail") {
			t.Errorf("verdict %q", got)
		}
		sections := find(doc, "section.finding")
		if len(sections) != len(r.Findings) {
			t.Fatalf("%d findings shown, want %d", len(sections), len(r.Findings))
		}
		pastes := find(doc, "pre.paste")
		var want []string
		for i, f := range r.Findings {
			if attr(sections[i], "data-code") != f.Code || attr(sections[i], "data-severity") != string(f.Severity) {
				t.Errorf("finding %d: %s %s", i, attr(sections[i], "data-code"), attr(sections[i], "data-severity"))
			}
			if f.Paste != "" {
				want = append(want, f.Paste)
			}
		}
		if len(pastes) != len(want) {
			t.Fatalf("%d pastes, want %d", len(pastes), len(want))
		}
		for i, pre := range pastes {
			if textOf(pre) != want[i] {
				t.Errorf("paste %d is not verbatim:\n%s", i, textOf(pre))
			}
		}
		if n := len(find(doc, "table#check-sources", "tbody", "tr")); n != len(r.Sources) {
			t.Errorf("%d source rows", n)
		}
		links := find(doc, "table#check-servers", "a")
		if len(links) != len(r.Servers) || !strings.HasPrefix(attr(links[0], "href"), "/verify?") {
			t.Errorf("%d server links", len(links))
		}
		// The XML's URL is a link.
		if as := find(doc, "p.paste-label", "a"); len(as) != 1 || attr(as[0], "href") != "https://autoconfig.example.org/mail/config-v1.1.xml" {
			t.Error("the paste's URL is not a link")
		}
	}
}

// TestCheckDialMailPorts: the dial of a desk's domain check connects to
// the mail ports and the fetches' ports (80, 443, the ISP database's),
// and refuses any other port before dialling.
func TestCheckDialMailPorts(t *testing.T) {
	t.Parallel()
	var dialled []string
	next := func(_ context.Context, _, address string) (net.Conn, error) {
		dialled = append(dialled, address)
		return nil, errors.New("dialled")
	}
	dial := checkDial(next, fetchPorts("https://ispdb.example:8443/v1.1/"))
	for _, tt := range []struct {
		addr string
		ok   bool
	}{
		{"192.0.2.1:993", true}, {"192.0.2.1:587", true}, {"192.0.2.1:110", true},
		{"192.0.2.1:443", true}, {"192.0.2.1:80", true}, {"192.0.2.1:8443", true},
		{"192.0.2.1:22", false}, {"[2001:db8::1]:25", false}, {"192.0.2.1:6379", false}, {"nonsense", false},
	} {
		dialled = nil
		_, err := dial(context.Background(), "tcp", tt.addr)
		var nm *notMailPortError
		if got := len(dialled) == 1; got != tt.ok || errors.As(err, &nm) == tt.ok {
			t.Errorf("%s: dialled %v, error %v; want dialled %v", tt.addr, dialled, err, tt.ok)
		}
	}
}

// TestMarkNotMailPorts: a server published on a port other than the mail
// ports is listed as not checked, with the reason, and the findings of its
// live check go; those about what was published stay, and so do the
// servers on mail ports and their findings.
func TestMarkNotMailPorts(t *testing.T) {
	t.Parallel()
	r := sampleCheckReport()
	web := settings.Server{Protocol: settings.IMAP, Host: "www.example.org", Port: 443, SocketType: settings.SSL}
	r.Servers = append(r.Servers, check.ServerCheck{Server: web, Sources: []string{lookup.SourceSRV},
		Report: &probe.Report{Protocol: web.Protocol, Host: web.Host, Port: web.Port, SocketType: web.SocketType, Kind: probe.KindNotIMAP, Problem: i18n.Text("HTTP/1.1 400")}})
	r.Findings = append(r.Findings,
		check.Finding{Severity: check.Fail, Code: check.CodeWrongProtocol, Protocol: settings.IMAP, Server: "www.example.org:443"},
		check.Finding{Severity: check.Info, Code: check.CodeSTARTTLSOnly, Protocol: settings.IMAP, Server: "www.example.org:443"})
	before := len(r.Findings)
	markNotMailPorts(r)
	if len(r.Findings) != before-1 || slices.ContainsFunc(r.Findings, func(f check.Finding) bool { return f.Code == check.CodeWrongProtocol }) {
		t.Errorf("findings after: %+v", r.Findings)
	}
	if !slices.ContainsFunc(r.Findings, func(f check.Finding) bool { return f.Code == check.CodeServerUnreachable }) {
		t.Error("the finding of a server on a mail port went")
	}
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		last := r.Servers[len(r.Servers)-1]
		if result, class := serverResult(last, lang); class != "warn" || result != lang.Sprintf(i18n.CheckUINotChecked) {
			t.Errorf("%s: result %q %s", lang, result, class)
		}
		j := serverCheckView(last, lang)
		if j.Kind != string(kindNotMailPort) || j.Error != lang.Sprintf(i18n.CheckUINotMailPort) || j.OK {
			t.Errorf("%s: JSON %+v", lang, j.verifyJSON)
		}
	}
	if r.Servers[0].Report.Kind == kindNotMailPort {
		t.Error("a server on port 993 was marked")
	}
}

// TestServeCheckTimedOut: a check that ran out of time answers 504 and
// says so, on the page, in the API and on the command line, in both
// languages, with no placeholder left unfilled and no word of the network.
func TestServeCheckTimedOut(t *testing.T) {
	t.Parallel()
	r := &check.Report{Domain: "slow.example", Err: fmt.Errorf("check: %w", context.DeadlineExceeded), TimedOut: true}
	if got := checkStatus(r); got != http.StatusGatewayTimeout {
		t.Errorf("status %d", got)
	}
	if got := checkStatus(&check.Report{Domain: "x.example", Err: &check.UnreachableError{}}); got != http.StatusBadGateway {
		t.Errorf("unreachable: status %d", got)
	}
	// A DNS server that never answers: every source timed out on its
	// own, and the caller's time did not run out. Nothing could be
	// looked at (502), and the DNS server is to blame, not the time.
	silent := &check.Report{Domain: "x.example", Err: &check.UnreachableError{Errs: []error{
		fmt.Errorf("srv: %w", context.DeadlineExceeded), fmt.Errorf("autoconfig: %w", context.DeadlineExceeded)}}}
	if got := checkStatus(silent); got != http.StatusBadGateway {
		t.Errorf("silent DNS: status %d, want 502", got)
	}
	if j := checkView(silent, i18n.English); strings.Contains(j.Error, "time") || !strings.Contains(j.Error, "DNS") {
		t.Errorf("silent DNS: JSON error %q", j.Error)
	}
	if got := checkExit(r); got != ExitNetwork {
		t.Errorf("exit %d", got)
	}
	srv := newTestServe(t, nil, nil)
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		want := lang.Sprintf(i18n.CheckUITimedOut, "slow.example")
		if j := checkView(r, lang); j.Error != want {
			t.Errorf("%s: JSON error %q, want %q", lang, j.Error, want)
		}
		p := srv.s.newPage(httptest.NewRequest("GET", "/check?lang="+string(lang), nil), "check")
		if v := checkReportView(p, r); v.Error != want {
			t.Errorf("%s: page error %q", lang, v.Error)
		}
		var b bytes.Buffer
		writeCheckErr(&b, r, lang, screen{lang: lang, width: 80})
		if out := b.String(); strings.Contains(out, "?") || strings.Contains(out, "DNS") || !strings.Contains(out, "slow.example") {
			t.Errorf("%s: %q", lang, out)
		}
	}
	if !strings.Contains(i18n.English.Sprintf(i18n.CheckUITimedOut, "slow.example"), "ran out of time") {
		t.Error("the English says nothing of time")
	}
}

// TestBreakPoints: long host names and URLs may break before a dot and
// after a slash, nowhere else; short words and Chinese text are left
// alone, and the text is escaped.
func TestBreakPoints(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"several.test":                      "several.test",
		"_autodiscover._tcp.several.test x": "_autodiscover<wbr>._tcp<wbr>.several<wbr>.test x",
		"https://ispdb.world.test/v1.1/a":   "https://<wbr>ispdb<wbr>.world<wbr>.test/<wbr>v1<wbr>.1/<wbr>a",
		"<script>alert(1)</script>.example": "&lt;script&gt;alert(1)&lt;/<wbr>script&gt;<wbr>.example",
		"存在，但没有地址（A/AAAA）记录；没有":             "存在，但没有地址（A/AAAA）记录；没有",
	} {
		if got := string(breakPoints(in)); got != want {
			t.Errorf("breakPoints(%q) = %q, want %q", in, got, want)
		}
	}
}
