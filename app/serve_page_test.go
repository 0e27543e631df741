package app

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
)

// The pages, read as a browser reads them: parsed HTML, checked by the
// DOM contract the browser tests rely on, without JavaScript.

// parsePage parses a page's body.
func parsePage(t testing.TB, body []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not HTML: %v", err)
	}
	return doc
}

// all returns the elements under n that match, in document order.
func all(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

// sel matches a simple selector: tag, #id, .class and [attr=value] parts,
// as "section.protocol[data-protocol=pop3]" or "#result".
func sel(s string) func(*html.Node) bool {
	re := regexp.MustCompile(`^([a-z0-9]*)((?:[#.][\w-]+|\[[\w-]+(?:=[^\]]*)?\])*)$`)
	m := re.FindStringSubmatch(s)
	if m == nil {
		panic("bad selector " + s)
	}
	tag := m[1]
	parts := regexp.MustCompile(`[#.][\w-]+|\[[^\]]+\]`).FindAllString(m[2], -1)
	return func(n *html.Node) bool {
		if tag != "" && n.Data != tag {
			return false
		}
		for _, p := range parts {
			switch p[0] {
			case '#':
				if attr(n, "id") != p[1:] {
					return false
				}
			case '.':
				if !slices.Contains(strings.Fields(attr(n, "class")), p[1:]) {
					return false
				}
			case '[':
				name, value, hasValue := strings.Cut(p[1:len(p)-1], "=")
				if !hasAttr(n, name) || hasValue && attr(n, name) != value {
					return false
				}
			}
		}
		return true
	}
}

// find returns the elements under n that the selectors match, each
// selector applied under the elements of the one before: "section.protocol",
// ".host" finds the hosts of the protocol sections.
func find(n *html.Node, selectors ...string) []*html.Node {
	at := []*html.Node{n}
	for _, s := range selectors {
		var next []*html.Node
		for _, a := range at {
			for _, d := range all(a, sel(s)) {
				if d != a && !slices.Contains(next, d) {
					next = append(next, d)
				}
			}
		}
		at = next
	}
	return at
}

// one returns the one element the selectors match, failing otherwise.
func one(t testing.TB, n *html.Node, selectors ...string) *html.Node {
	t.Helper()
	got := find(n, selectors...)
	if len(got) != 1 {
		t.Fatalf("%d elements match %q, want 1", len(got), selectors)
	}
	return got[0]
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, name string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == name })
}

// textOf is the text under n, as textContent has it.
func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// squash is s with its runs of white space made one space.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkInert fails when the page holds anything the Content-Security-Policy
// would have to stop, or that a stranger's text could have put there: a
// script other than /static/popfind.js, inline script or style, a style
// attribute, an event handler, a link that is not https or this site's
// own, data: or javascript: URLs, frames.
func checkInert(t testing.TB, doc *html.Node) {
	t.Helper()
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "script":
			if attr(n, "src") != "/static/popfind.js" || strings.TrimSpace(textOf(n)) != "" {
				t.Errorf("a script other than /static/popfind.js: src %q, text %q", attr(n, "src"), textOf(n))
			}
		case "style", "iframe", "frame", "object", "embed", "base":
			t.Errorf("a <%s> element", n.Data)
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			if key == "style" || strings.HasPrefix(key, "on") {
				t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
			}
			switch key {
			case "href", "src", "action", "formaction", "srcset", "poster":
				v := strings.ToLower(strings.TrimSpace(a.Val))
				local := strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//")
				if !local && !strings.HasPrefix(v, "https://") {
					t.Errorf("<%s %s=%q>: neither this site's nor https", n.Data, a.Key, a.Val)
				}
			}
		}
	}
}

// checkPage checks what every page has: its status, HTML, the language,
// the switch to the other language, the stylesheet and the script, and
// nothing inert-breaking.
func checkPage(t testing.TB, resp *http.Response, body []byte, status int, lang string) *html.Node {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	doc := parsePage(t, body)
	checkInert(t, doc)
	htmlLang := map[string]string{"en": "en", "zh": "zh-CN"}[lang]
	if got := attr(one(t, doc, "html"), "lang"); got != htmlLang {
		t.Errorf("<html lang=%q>, want %q", got, htmlLang)
	}
	for _, l := range []string{"en", "zh"} {
		a := one(t, doc, "a#lang-"+l)
		u, err := url.Parse(attr(a, "href"))
		if err != nil || u.Query().Get("lang") != l || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
			t.Errorf("a#lang-%s href %q", l, attr(a, "href"))
		}
	}
	one(t, doc, `link[rel=stylesheet][href=/static/popfind.css]`)
	if s := one(t, doc, "script"); !hasAttr(s, "defer") {
		t.Error("the script is not deferred")
	}
	text := textOf(one(t, doc, "main"))
	if lang == "zh" && !regexp.MustCompile(`\p{Han}`).MatchString(text) {
		t.Errorf("no Chinese on a Chinese page: %.300s", squash(text))
	}
	if lang == "en" && regexp.MustCompile(`\p{Han}{2}`).MatchString(strings.NewReplacer("中文", "", "授权码", "", "客户端专用密码", "").Replace(string(body))) {
		t.Errorf("Chinese on an English page: %.300s", squash(text))
	}
	if m := regexp.MustCompile(`\b(page|hdr|lbl)\.[a-z_]+\b`).FindString(text); m != "" {
		t.Errorf("a catalogue key shown as it is: %s", m)
	}
	return doc
}

// TestPagesRender: every page in both languages, with the status of what
// it shows: the lookup page's is the lookup's (200, 404, 400, 502, 504).
func TestPagesRender(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.dns.Hang("_pop3s._tcp.hang.example.")
	offline := newTestServe(t, nil, nil)
	slow := newTestServe(t, w, func(o *options, _ *serveConfig) {
		o.timeout = 500 * time.Millisecond
		o.sources, _ = parseSources("srv")
	})
	dead := newTestServe(t, w, func(o *options, _ *serveConfig) {
		o.dns, o.timeout = "127.0.0.1:1", 5*time.Second
		o.sources, _ = parseSources("srv,mx")
	})
	tests := []struct {
		name   string
		ts     *testServe
		path   string
		status int
		want   map[string]string // by language, in the main text
	}{
		{"index", offline, "/", 200, map[string]string{"en": "Find settings", "zh": "查找设置"}},
		{"found", offline, "/lookup?address=someone%40gmail.com", 200, map[string]string{"en": "Settings for someone@gmail.com", "zh": "someone@gmail.com 的设置"}},
		{"bare domain", offline, "/lookup?address=qq.com", 200, map[string]string{"en": "pop.qq.com", "zh": "授权码"}},
		{"one protocol", offline, "/lookup?address=a%40163.com&protocol=imap", 200, map[string]string{"en": "imap.163.com", "zh": "imap.163.com"}},
		{"not found", offline, "/lookup?address=someone%40nothing.example", 404, map[string]string{"en": "no POP3 server found", "zh": "未找到 POP3 服务器"}},
		{"invalid", offline, "/lookup?address=someone", 400, map[string]string{"en": `invalid address "someone"`, "zh": `"someone"`}},
		{"bad protocol", offline, "/lookup?address=a%40gmail.com&protocol=pop4", 400, map[string]string{"en": "unknown protocol", "zh": "未知协议"}},
		{"no network", dead, "/lookup?address=someone%40nowhere.example", 502, map[string]string{"en": "the lookup could not be made", "zh": "POP3"}},
		{"time ran out", slow, "/lookup?address=someone%40hang.example&protocol=pop3", 504, map[string]string{"en": "time ran out", "zh": "POP3"}},
		{"providers", offline, "/providers", 200, map[string]string{"en": "pop.gmail.com:995", "zh": "服务商速查表"}},
		{"providers filtered", offline, "/providers?filter=163&region=cn", 200, map[string]string{"en": "NetEase 163 Mail", "zh": "网易"}},
		{"providers none", offline, "/providers?filter=no-such-provider", 200, map[string]string{"en": `no built-in provider matches "no-such-provider"`, "zh": "没有与"}},
		{"providers bad region", offline, "/providers?region=zz", 400, map[string]string{"en": `region="zz" names no region`, "zh": "不是表中的地区"}},
		{"verify form", offline, "/verify", 200, map[string]string{"en": "Check a mail server", "zh": "检查邮件服务器"}},
		{"verify bad port", offline, "/verify?host=pop.example.org&port=25", 400, map[string]string{"en": "port 25 is not a mail port", "zh": "端口 25 不是邮件端口"}},
		{"verify bad mode", offline, "/verify?host=pop.example.org&mode=ssh", 400, map[string]string{"en": "mode must be ssl, starttls or plain", "zh": "mode 必须是"}},
	}
	for _, tt := range tests {
		for _, lang := range []string{"en", "zh"} {
			t.Run(tt.name+"/"+lang, func(t *testing.T) {
				t.Parallel()
				// The language by ?lang= and by Accept-Language alike.
				path := tt.path + map[bool]string{true: "&", false: "?"}[strings.Contains(tt.path, "?")] + "lang=" + lang
				for _, get := range []func() (*http.Response, []byte){
					func() (*http.Response, []byte) { return tt.ts.get(t, path) },
					func() (*http.Response, []byte) {
						return tt.ts.get(t, tt.path, "Accept-Language", map[string]string{"en": "en-US,en;q=0.9", "zh": "zh-CN,zh;q=0.9"}[lang])
					},
				} {
					resp, body := get()
					doc := checkPage(t, resp, body, tt.status, lang)
					if text := squash(textOf(one(t, doc, "main"))); !strings.Contains(text, tt.want[lang]) {
						t.Errorf("the page does not say %q: %.600s", tt.want[lang], text)
					}
				}
			})
		}
	}
}

// TestPageLookupContract: the result page of a found address has what the
// browser tests and a desk rely on: the form, each protocol's host, port,
// SSL, username and source with its trust cue, a check link per server,
// the check button, the checks' places, "how this was found" closed, and
// the copy block with every protocol's settings.
func TestPageLookupContract(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, nil)

	resp, body := srv.get(t, "/")
	doc := checkPage(t, resp, body, 200, "en")
	form := one(t, doc, "form#lookup-form")
	if attr(form, "action") != "/lookup" || attr(form, "method") != "get" {
		t.Errorf("the form: action %q method %q", attr(form, "action"), attr(form, "method"))
	}
	in := one(t, form, "input#address")
	if attr(in, "name") != "address" || !hasAttr(in, "autofocus") || !hasAttr(in, "required") {
		t.Errorf("the input: %v", in.Attr)
	}

	resp, body = srv.get(t, "/lookup?address=someone%40gmail.com")
	if _, ok := maxAge(resp.Header.Get("Cache-Control")); !ok {
		t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	doc = checkPage(t, resp, body, 200, "en")
	if v := attr(one(t, doc, "form#lookup-form", "input#address"), "value"); v != "someone@gmail.com" {
		t.Errorf("the form on the result holds %q", v)
	}
	result := one(t, doc, "#result")
	want := map[string][4]string{
		"pop3": {"pop.gmail.com", "995", "SSL/TLS", "someone@gmail.com"},
		"imap": {"imap.gmail.com", "993", "SSL/TLS", "someone@gmail.com"},
		"smtp": {"smtp.gmail.com", "465", "SSL/TLS", "someone@gmail.com"},
	}
	sections := find(result, "section.protocol")
	if len(sections) != 3 {
		t.Fatalf("%d protocol sections", len(sections))
	}
	for i, p := range []string{"pop3", "imap", "smtp"} {
		s := sections[i]
		if attr(s, "data-protocol") != p {
			t.Errorf("section %d is %q, want %s", i, attr(s, "data-protocol"), p)
		}
		for j, class := range []string{".host", ".port", ".ssl", ".username"} {
			if got := squash(textOf(find(s, class)[0])); got != want[p][j] {
				t.Errorf("%s %s: %q, want %q", p, class, got, want[p][j])
			}
		}
		src := find(s, ".source")[0]
		if attr(src, "data-source") != "builtin" || !strings.Contains(attr(src, "class"), "trust-high") || !strings.Contains(textOf(src), "built-in table") {
			t.Errorf("%s source: %v %q", p, src.Attr, textOf(src))
		}
		if len(find(s, ".check-result")) == 0 {
			t.Errorf("%s has no .check-result", p)
		}
		link := find(s, "a.check-link")[0]
		u, _ := url.Parse(attr(link, "href"))
		q := u.Query()
		if u.Path != "/verify" || q.Get("host") != want[p][0] || q.Get("port") != want[p][1] || q.Get("protocol") != p || q.Get("mode") != "ssl" {
			t.Errorf("%s check link %q", p, attr(link, "href"))
		}
	}
	// Gmail's other SMTP server is shown and checked too.
	alt := one(t, result, "section.protocol[data-protocol=smtp]", "ul.alternatives", "li.server")
	if attr(alt, "data-port") != "587" || attr(alt, "data-mode") != "starttls" || len(find(alt, ".check-result")) != 1 {
		t.Errorf("the alternative: %v", alt.Attr)
	}
	if b := one(t, doc, "button#check-all"); attr(b, "type") != "button" {
		t.Errorf("#check-all: %v", b.Attr)
	}
	if d := one(t, doc, "details#how-found"); hasAttr(d, "open") || !strings.Contains(textOf(d), "builtin") || !strings.Contains(textOf(d), "not selected by --sources") {
		t.Errorf("details#how-found: %v %.300s", d.Attr, squash(textOf(d)))
	}
	one(t, doc, "button#copy")
	ticket := textOf(one(t, doc, "pre#ticket"))
	for _, p := range []string{"POP3", "IMAP", "SMTP"} {
		_, block, _ := strings.Cut(ticket, "\n"+p+"\n")
		block, _, _ = strings.Cut(block, "\n\n")
		s := want[strings.ToLower(p)]
		for _, line := range []string{"Host: " + s[0], "Port: " + s[1], "SSL: " + s[2], "Username: " + s[3], "Source: built-in table (builtin)"} {
			if !strings.Contains(block+"\n", "  "+line+"\n") {
				t.Errorf("the ticket's %s lacks %q:\n%s", p, line, ticket)
			}
		}
	}
	for _, s := range []string{"Mail settings for someone@gmail.com", "Provider: Gmail", "Notes:", "POP is off until you turn it on", "https://support.google.com/"} {
		if !strings.Contains(ticket, s) {
			t.Errorf("the ticket lacks %q:\n%s", s, ticket)
		}
	}
	// Help pages are links.
	if len(find(doc, "section.docs", `a[href=https://support.google.com/mail/answer/7104828]`)) != 1 {
		t.Error("the help page is not a link")
	}

	// In Chinese, the ticket is Chinese, with full-width colons.
	_, body = srv.get(t, "/lookup?address=a%40qq.com&lang=zh")
	ticket = textOf(one(t, parsePage(t, body), "pre#ticket"))
	for _, s := range []string{"a@qq.com 的邮箱设置", "服务商：QQ邮箱", "  服务器：pop.qq.com\n", "  端口：995\n", "  加密：SSL/TLS\n", "  用户名：a@qq.com\n", "来源：内置表（builtin）", "授权码"} {
		if !strings.Contains(ticket, s) {
			t.Errorf("the Chinese ticket lacks %q:\n%s", s, ticket)
		}
	}

	// A not-found lookup is not kept; an empty address goes back to the
	// form, in the language asked for.
	if resp, _ := srv.get(t, "/lookup?address=someone%40nothing.example"); resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("not found: Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	client := *srv.ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Get(srv.ts.URL + "/lookup?address=+&lang=zh")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/?lang=zh" {
		t.Errorf("no address: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestPageWithoutJavaScript: everything the script does in place has a
// plain form or link: the forms are GET forms to the pages, the buttons
// that need the script are hidden until it shows them, and a server's
// check link opens its report.
func TestPageWithoutJavaScript(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	ip := testnet.IP()
	cert := w.ca.Leaf(t, time.Now().Add(90*24*time.Hour), "pop.nojs.example")
	(&testnet.POP3{Cert: &cert, TLS: true}).Listen(t, ip, 995)
	w.dns.Host(t, ip, "pop.nojs.example")
	w.dns.Add(t, "_pop3s._tcp.nojs.example. 300 IN SRV 0 0 995 pop.nojs.example.")
	srv := newTestServe(t, w, nil)

	_, body := srv.get(t, "/lookup?address=someone%40nojs.example&protocol=pop3&lang=zh")
	doc := parsePage(t, body)
	for _, id := range []string{"button#check-all", "button#copy"} {
		if !hasAttr(one(t, doc, id), "hidden") {
			t.Errorf("%s is shown without the script that makes it work", id)
		}
	}
	// The page's forms and links carry on the language it was asked in.
	if attr(one(t, doc, "form#lookup-form", "input[name=lang]"), "value") != "zh" {
		t.Error("the form does not carry ?lang=zh on")
	}
	src := one(t, doc, "section.protocol[data-protocol=pop3]", ".source")
	if attr(src, "data-source") != "srv" || !strings.Contains(attr(src, "class"), "trust-good") || !strings.Contains(textOf(src), "DNS 记录") {
		t.Errorf("the SRV answer's source: %v %q", src.Attr, textOf(src))
	}
	link := attr(one(t, doc, "section.protocol[data-protocol=pop3]", "a.check-link"), "href")
	resp, body := srv.get(t, link)
	doc = checkPage(t, resp, body, 200, "zh")
	report := one(t, doc, "section#report")
	if !strings.Contains(attr(report, "class"), "ok") {
		t.Errorf("the report of %s: %.500s", link, squash(textOf(report)))
	}
	text := squash(textOf(report))
	for _, s := range []string{"✓", "POP3 服务器检查通过", "pop.nojs.example:995"} {
		if !strings.Contains(text, s) {
			t.Errorf("the report lacks %q: %s", s, text)
		}
	}
	form := one(t, doc, "form#verify-form")
	for _, f := range []string{"input#host", "select#protocol", "select#port", "select#mode"} {
		one(t, form, f)
	}
	if attr(form, "method") != "get" || attr(form, "action") != "/verify" {
		t.Errorf("the check form: %v", form.Attr)
	}
	if attr(one(t, form, "select#port", "option[selected]"), "value") != "995" {
		t.Error("the check form does not show the port checked")
	}

	// A failed check says why and what to do, in plain words.
	resp, body = srv.get(t, "/verify?host=pop.nojs.example&port=110&protocol=pop3")
	doc = checkPage(t, resp, body, 200, "en")
	report = one(t, doc, "section#report")
	text = squash(textOf(report))
	if !strings.Contains(attr(report, "class"), "fail") || !strings.Contains(text, "✗") || !strings.Contains(text, "The POP3 server failed the check: ") || len(find(report, "p.hint")) != 1 {
		t.Errorf("a failed check: %s", text)
	}

	// The provider table's form.
	_, body = srv.get(t, "/providers?region=cn&filter=qq")
	doc = parsePage(t, body)
	form = one(t, doc, "form#providers-form")
	if attr(form, "method") != "get" || attr(form, "action") != "/providers" || attr(one(t, form, "input#filter"), "value") != "qq" ||
		attr(one(t, form, "select#region", "option[selected]"), "value") != "cn" {
		t.Errorf("the provider form does not hold the filter and region asked for")
	}
	rows := find(doc, "table#providers", "tbody", "tr")
	if len(rows) == 0 {
		t.Fatal("no provider rows")
	}
	name := one(t, rows[0], "th", "a")
	if !strings.HasPrefix(attr(name, "href"), "/lookup?address=") {
		t.Errorf("a provider's name links to %q", attr(name, "href"))
	}
}

// TestPageHostile: text from the network (a provider name, a username, a
// note, links) and from the reader (a display name) is shown as text,
// never as markup; only https links are links.
func TestPageHostile(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	config := `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="evil">
<domain>evil.example</domain>
<displayName>&lt;script&gt;alert("name")&lt;/script&gt; Evil' "Mail"</displayName>
<incomingServer type="pop3"><hostname>pop.evil.example</hostname><port>995</port><socketType>SSL</socketType>
<username>"&gt;&lt;script&gt;alert(1)&lt;/script&gt;%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.evil.example</hostname><port>2525</port><socketType>STARTTLS</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
<enable visiturl="javascript:alert('visit')"><instruction>Turn on &lt;script&gt;alert(2)&lt;/script&gt; "POP" &amp; go to javascript:alert(3) or http://plain.evil.example/x or https://help.evil.example/pop?a=1&amp;b=2.</instruction></enable>
<enable visiturl="http://plain.evil.example/enable"><instruction>&lt;img src=x onerror=alert(4)&gt;</instruction></enable>
<documentation url="javascript:alert(5)"><descr>x</descr></documentation>
<documentation url="http://plain.evil.example/docs"><descr>x</descr></documentation>
<documentation url="https://docs.evil.example/&quot;&gt;&lt;script&gt;alert(6)&lt;/script&gt;"><descr>x</descr></documentation>
</emailProvider></clientConfig>`
	w.https(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/xml")
		rw.Write([]byte(config))
	}), "autoconfig.evil.example")
	srv := newTestServe(t, w, nil)

	input := `"<script>alert('who')</script>" <me@evil.example>`
	resp, body := srv.get(t, "/lookup?protocol=pop3,smtp&address="+url.QueryEscape(input))
	doc := checkPage(t, resp, body, 200, "en")
	for _, s := range [][]byte{[]byte("<script>alert"), []byte("<img src=x"), []byte(`href="javascript`), []byte(`href="http:`)} {
		if bytes.Contains(body, s) {
			t.Errorf("the page holds %s", s)
		}
	}
	text := textOf(one(t, doc, "main"))
	for _, s := range []string{
		`Settings for "<script>alert('who')</script>" <me@evil.example>`,
		`<script>alert("name")</script> Evil' "Mail"`,
		`"><script>alert(1)</script>me`,
		`Turn on <script>alert(2)</script> "POP" & go to javascript:alert(3) or http://plain.evil.example/x`,
		`<img src=x onerror=alert(4)>: http://plain.evil.example/enable`,
		`http://plain.evil.example/docs`,
	} {
		if !strings.Contains(text, s) {
			t.Errorf("the page does not show %q as text", s)
		}
	}
	if strings.Contains(text, "alert(5)") {
		t.Error("a javascript: documentation URL is shown")
	}
	// The https links are links, and end where the URL ends.
	var links []string
	for _, a := range find(doc, "#result", "a") {
		if h := attr(a, "href"); strings.HasPrefix(h, "https://") {
			links = append(links, h)
			if strings.ContainsAny(h, `<>"'`) {
				t.Errorf("a link to %q", h)
			}
		}
	}
	for _, prefix := range []string{"https://autoconfig.evil.example/mail/config-v1.1.xml", "https://help.evil.example/pop?a=1&b=2", "https://docs.evil.example/"} {
		if !slices.ContainsFunc(links, func(l string) bool { return strings.HasPrefix(l, prefix) }) {
			t.Errorf("no link to %s among %q", prefix, links)
		}
	}
	if !slices.Contains(links, "https://help.evil.example/pop?a=1&b=2") {
		t.Errorf("the instruction's link is not whole: %q", links)
	}
	// SMTP on port 2525 has no check link: the web checks mail ports only.
	smtp := one(t, doc, "section.protocol[data-protocol=smtp]")
	if len(find(smtp, "a.check-link")) != 0 || hasAttr(one(t, smtp, "div.server"), "data-checkable") || !strings.Contains(textOf(smtp), "port 2525 is not a mail port") {
		t.Errorf("SMTP on 2525: %s", squash(textOf(smtp)))
	}
	ticket := textOf(one(t, doc, "pre#ticket"))
	if !strings.Contains(ticket, `  Username: "><script>alert(1)</script>me`) {
		t.Errorf("the ticket:\n%s", ticket)
	}

	// The language switch of an error page never leads off the site.
	resp, body = srv.get(t, "//evil.example/x?address="+strings.Repeat("a", maxQuery))
	doc = checkPage(t, resp, body, http.StatusRequestURITooLong, "en")
	if h := attr(one(t, doc, "a#lang-zh"), "href"); !strings.HasPrefix(h, "/?") {
		t.Errorf("the language switch of %s leads to %q", "//evil.example/x", h)
	}
}

// TestPageTemplates: every catalogue key a template names exists, and
// every page's template parses.
func TestPageTemplates(t *testing.T) {
	t.Parallel()
	if len(pageTemplates()) != len(pageNames) {
		t.Fatalf("%d templates for %d pages", len(pageTemplates()), len(pageNames))
	}
	keys := map[string]bool{}
	for _, k := range i18n.Keys(i18n.English) {
		keys[k] = true
	}
	keyRE := regexp.MustCompile(`\.(?:T|Capital) "([^"]+)"`)
	n := 0
	fs.WalkDir(webFS, "web/templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(webFS, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllSubmatch(data, -1) {
			n++
			if !keys[string(m[1])] {
				t.Errorf("%s names the key %q, which the catalogue lacks", p, m[1])
			}
		}
		if bytes.Contains(data, []byte("style=")) || bytes.Contains(data, []byte("<script>")) {
			t.Errorf("%s has inline style or script", p)
		}
		return nil
	})
	if n < 50 {
		t.Errorf("only %d keys found in the templates", n)
	}
}

// TestPageStatic: the page's script, stylesheet and icon are served.
func TestPageStatic(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, nil)
	for file, ctype := range map[string]string{"popfind.js": "text/javascript", "popfind.css": "text/css", "favicon.svg": "image/svg+xml"} {
		resp, body := srv.get(t, "/static/"+file)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), ctype) || len(body) == 0 {
			t.Errorf("%s: %d %q", file, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	_, js := srv.get(t, "/static/popfind.js")
	for _, s := range []string{"innerHTML", "eval(", "document.write", "outerHTML", "insertAdjacentHTML"} {
		if bytes.Contains(js, []byte(s)) {
			t.Errorf("popfind.js uses %s", s)
		}
	}
	_, css := srv.get(t, "/static/popfind.css")
	for _, s := range []string{"@media print", "@media (max-width", "url(", "@import"} {
		if got := bytes.Contains(css, []byte(s)); got != strings.HasPrefix(s, "@media") {
			t.Errorf("popfind.css: %s %v", s, got)
		}
	}
}

// TestLinkify: only https URLs become links; the punctuation after one is
// not part of it.
func TestLinkify(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"see https://a.example/x.", "see [https://a.example/x]."},
		{"http://a.example/x and https://b.example/?q=1&r=2, then", "http://a.example/x and [https://b.example/?q=1&r=2], then"},
		{"javascript:alert(1) https://c.example", "javascript:alert(1) [https://c.example]"},
		{"请打开 https://d.example/设置。然后", "请打开 [https://d.example/设置]。然后"},
		{"（https://e.example/p）", "（[https://e.example/p]）"},
		{"发布在 https://g.example/a.xml：请检查！https://h.example/？", "发布在 [https://g.example/a.xml]：请检查！[https://h.example/]？"},
		{"《https://i.example/》「https://j.example/」", "《[https://i.example/]》「[https://j.example/]」"},
		{"HTTPS://F.EXAMPLE/", "[HTTPS://F.EXAMPLE/]"},
		{"https:// nothing", "https:// nothing"},
		{"no link", "no link"},
	} {
		var b strings.Builder
		for _, p := range linkify(tt.in) {
			if p.Href != "" {
				if p.Href != p.Text {
					t.Errorf("%q: link %q shows %q", tt.in, p.Href, p.Text)
				}
				b.WriteString("[" + p.Text + "]")
			} else {
				b.WriteString(p.Text)
			}
		}
		if b.String() != tt.want {
			t.Errorf("linkify(%q) = %q, want %q", tt.in, b.String(), tt.want)
		}
	}
}
