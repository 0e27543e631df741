package app

import (
	"bytes"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/popfind/popfind/i18n"
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
		{checkPath("someone@example.org"), "en", "check takes a domain, not an address: popfind check example.org"},
		{checkPath("someone@example.org"), "zh", "check 接受的是域名，而不是邮箱地址"},
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
		if got := textOf(one(t, doc, "p.error")); !strings.Contains(got, "popfind check example.org") {
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

// TestServeCheckCost: a check counts as checkCost requests of the
// client's rate, so that two checks take a burst of ten, and the third is
// refused with 429 and Retry-After; the form alone costs nothing.
func TestServeCheckCost(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, func(_ *options, cfg *serveConfig) { cfg.rate = 1 })
	for i := 0; i < 5; i++ {
		if resp, _ := srv.get(t, "/check"); resp.StatusCode != 200 {
			t.Fatalf("the form: %d", resp.StatusCode)
		}
	}
	for i, want := range []int{400, 400, 429} {
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
