package app

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestServeCheckBrowser is a domain's admin at the check page in a real
// browser, with JavaScript off (the page needs none) and at a phone's
// width: from the home page's link to the form, the report of
// desk.example (every desk server listed and checked), a server's own
// check page, and the report again in Chinese; no page may log an error,
// break the Content-Security-Policy or scroll sideways.
func TestServeCheckBrowser(t *testing.T) {
	t.Parallel()
	w := newDeskWorld(t)
	srv := w.serve(t)
	b := startBrowser(t)
	tb := b.tab(t, srv.ts.URL)
	if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	tb.open(t, "/")
	tb.load(t, chromedp.Click(chromedp.CSS("a#check-domain")))
	if focused := value(t, tb, chromedp.Location()); !strings.HasSuffix(focused, "/check") {
		t.Errorf("the home page's link went to %s", focused)
	}
	tb.load(t, chromedp.SendKeys(chromedp.ID("domain"), deskDomain+"\r"))
	loc := value(t, tb, chromedp.Location())
	if u, err := url.Parse(loc); err != nil || u.Path != "/check" || u.Query().Get("domain") != deskDomain {
		t.Errorf("the form went to %s", loc)
	}
	verdict := value(t, tb, chromedp.Text(chromedp.ID("verdict")))
	if !strings.HasPrefix(verdict, deskDomain+": ") {
		t.Errorf("verdict %q", verdict)
	}
	servers := value(t, tb, chromedp.Text(chromedp.CSS("table#check-servers")))
	for _, s := range deskServers {
		if !strings.Contains(servers, s.host+":"+s.port) {
			t.Errorf("the servers table lacks %s:%s:\n%s", s.host, s.port, servers)
		}
	}
	if n := eval[int](t, tb, `document.querySelectorAll('table#check-sources tbody tr').length`); n == 0 {
		t.Error("no sources table")
	}
	// Each server links to its own check, which passes.
	tb.load(t, chromedp.Click(chromedp.CSS(`table#check-servers a[href^="/verify"]`)))
	if ok := eval[bool](t, tb, `!!document.querySelector('#report.ok')`); !ok {
		t.Errorf("the server's check page shows no pass:\n%s", value(t, tb, chromedp.Text(chromedp.CSS("main"))))
	}
	// In Chinese, at a phone's width.
	if _, err := chromedp.Call(tb.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: 375, Height: 812, DeviceScaleFactor: 2, Mobile: true,
	}); err != nil {
		t.Fatal(err)
	}
	tb.open(t, "/check?domain="+deskDomain)
	noSidewaysScroll(t, tb, "the check page")
	tb.load(t, chromedp.Click(chromedp.CSS("a#lang-zh")))
	if lang := eval[string](t, tb, `document.documentElement.lang`); lang != "zh-CN" {
		t.Errorf(`after a#lang-zh, <html lang=%q>`, lang)
	}
	if v := value(t, tb, chromedp.Text(chromedp.ID("verdict"))); !strings.HasPrefix(v, deskDomain+"：") || !hanRE.MatchString(v) {
		t.Errorf("Chinese verdict %q", v)
	}
	noSidewaysScroll(t, tb, "the check page in Chinese")
	tb.clean(t)
}
