package app

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/popfind/popfind/export"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/providers"
)

// The pages of popfind serve: server-rendered html/template pages that
// work without JavaScript (plain GET forms and links), improved by
// web/static/popfind.js (checks and copy in place). Everything a page
// shows comes from the helpers the API uses (server.lookup, server.check,
// server.providerList) and the command's views; everything it loads comes
// from web/static, under the Content-Security-Policy of serve.go: no
// inline script or style, nothing from other sites.
//
// The DOM the browser tests rely on: form#lookup-form with input#address
// on / and on the result page; #result holding one
// section.protocol[data-protocol] per protocol, whose server has .host,
// .port, .ssl, .username and .source, and whose checks show in
// .check-result; button#check-all; details#how-found; pre#ticket and
// button#copy; a#lang-en and a#lang-zh on every page.

// webFS holds the pages' files: web/templates and web/static, which is
// served at /static/.
//
//go:embed web
var webFS embed.FS

// pageNames are the pages, each web/templates/NAME.html over layout.html.
var pageNames = []string{"index", "lookup", "providers", "verify", "error"}

// pageTemplates are the pages' templates, parsed on first use: a command
// that serves no page does not pay for them at start.
var pageTemplates = sync.OnceValue(func() map[string]*template.Template {
	m := map[string]*template.Template{}
	for _, name := range pageNames {
		m[name] = template.Must(template.New(name).ParseFS(webFS, "web/templates/layout.html", "web/templates/"+name+".html"))
	}
	return m
})

// pagePaths are the paths of the pages, which the language switch may link
// back to; anything else links to /.
var pagePaths = map[string]bool{"/": true, "/lookup": true, "/providers": true, "/verify": true}

// pageParams are the query parameters of the pages, which the language
// switch keeps.
var pageParams = []string{"address", "protocol", "filter", "region", "host", "port", "mode"}

// page is what every page's template gets: the language, the links of the
// language switch and the page's own view. Its methods are the templates'
// words: {{.T "page.title"}}.
type page struct {
	// Name is the page's template, web/templates/NAME.html.
	Name  string
	Lang  i18n.Lang
	Title string
	// langParam is the language the request named with ?lang=, which the
	// page's links and forms carry on; "" when it named none, so that a
	// permalink keeps the reader's own language.
	langParam string
	// LangEN and LangZH are this page in English and in Chinese.
	LangEN, LangZH string

	// Address is the lookup form's value.
	Address string
	// Error is why the request was not served as asked.
	Error string
	// Status is the page's HTTP status.
	Status    int
	Lookup    *lookupPage
	Providers *providersPage
	Verify    *verifyPage
}

// T is the catalogue's message key in the page's language.
func (p *page) T(key string, args ...string) string { return p.Lang.Sprintf(key, args...) }

// HTMLLang is the page's lang attribute.
func (p *page) HTMLLang() string {
	if p.Lang == i18n.Chinese {
		return "zh-CN"
	}
	return "en"
}

// IsZH reports whether the page is in Chinese.
func (p *page) IsZH() bool { return p.Lang == i18n.Chinese }

// LangParam is the language the page's forms carry on, or "".
func (p *page) LangParam() string { return p.langParam }

// Colon is ": ", or "：" in Chinese.
func (p *page) Colon() string { return p.Lang.Colon() }

// Capital is the message key with its first letter made a capital: the
// catalogue's labels of the command are in lower case ("hint").
func (p *page) Capital(key string, args ...string) string { return capital(p.T(key, args...)) }

// Href is a link to path with the query kv (name, value pairs), and the
// language when the request named one.
func (p *page) Href(path string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if p.langParam != "" {
		q.Set("lang", p.langParam)
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// newPage starts the page name for r: its language and the language
// switch.
func (s *server) newPage(r *http.Request, name string) *page {
	lang := s.language(r)
	p := &page{Name: name, Lang: lang, Title: "popfind", Status: http.StatusOK}
	q := r.URL.Query()
	if l, ok := i18n.Parse(q.Get("lang")); ok {
		p.langParam = string(l)
	}
	at := r.URL.Path
	if !pagePaths[at] {
		at = "/"
	}
	sw := url.Values{}
	for _, k := range pageParams {
		if v := q.Get(k); v != "" {
			sw.Set(k, v)
		}
	}
	sw.Set("lang", "en")
	p.LangEN = at + "?" + sw.Encode()
	sw.Set("lang", "zh")
	p.LangZH = at + "?" + sw.Encode()
	return p
}

// render writes p with its status. The page is made whole before anything
// is sent, so that a template's failure is a 500, not half a page.
func (s *server) render(w http.ResponseWriter, p *page) {
	var b bytes.Buffer
	if err := pageTemplates()[p.Name].ExecuteTemplate(&b, "layout", p); err != nil {
		s.log.Error("page", "page", p.Name, "err", err.Error())
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Add("Vary", "Accept-Language")
	w.WriteHeader(p.Status)
	w.Write(b.Bytes())
}

// pageIndex is GET /: the lookup form.
func (s *server) pageIndex(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "index")
	p.Title = "popfind · " + p.T(i18n.PageTitle)
	s.render(w, p)
}

// pageLookup is GET /lookup?address=…&protocol=…: a lookup's result, by
// default of POP3, IMAP and SMTP. Its status is the API's: 200 found, 404
// not found, 400 an invalid address, 502 no source could look, 504 time
// ran out.
func (s *server) pageLookup(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "lookup")
	q := r.URL.Query()
	p.Address = q.Get("address")
	if strings.TrimSpace(p.Address) == "" {
		http.Redirect(w, r, p.Href("/"), http.StatusSeeOther)
		return
	}
	protocols := q.Get("protocol")
	if strings.TrimSpace(protocols) == "" {
		protocols = "pop3,imap,smtp"
	}
	res, err := s.lookup(r, p.Address, protocols, p.Lang, false)
	if err != nil {
		s.pageError(w, r, statusOf(err), err.Error())
		return
	}
	p.Lookup = lookupView(p, res)
	p.Lookup.Export = exportView(p, res, protocols)
	p.Status = res.status
	p.Title = strings.TrimSpace(p.Address) + " · popfind"
	cacheFor(w, res.maxAge)
	s.render(w, p)
}

// pageProviders is GET /providers?filter=…&region=…: the quick reference,
// as popfind providers shows it.
func (s *server) pageProviders(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "providers")
	p.Title = p.T(i18n.PageProvidersTitle) + " · popfind"
	q := r.URL.Query()
	v := &providersPage{Filter: q.Get("filter"), Region: strings.TrimSpace(q.Get("region")), Regions: providers.Builtin().Regions()}
	p.Providers = v
	list, err := s.providerList(v.Filter, v.Region, p.Lang)
	if err != nil {
		p.Status, p.Error = statusOf(err), err.Error()
		s.render(w, p)
		return
	}
	for _, pr := range list {
		row := providerRow{Name: displayName(pr, p.Lang), Region: pr.Region,
			POP3: endpointText(pr, lookup.POP3, p.Lang), IMAP: endpointText(pr, lookup.IMAP, p.Lang), SMTP: endpointText(pr, lookup.SMTP, p.Lang),
			Login: orDash(loginText(pr, p.Lang)), TurnOn: orDash(turnOnText(pr, p.Lang))}
		if d := pr.DomainsFor(v.Filter); len(d) > 0 {
			row.Domain = d[0]
		}
		v.Rows = append(v.Rows, row)
	}
	v.Count = p.T(i18n.PageProviderCount, strconv.Itoa(len(list)))
	if len(list) == 0 {
		v.Empty = p.T(i18n.MsgNoProvider, strconv.Quote(v.Filter))
		if v.Region != "" {
			code, _ := providers.Builtin().NormalizeRegion(v.Region)
			v.Empty = p.T(i18n.MsgNoProviderRegion, code, strconv.Quote(v.Filter))
		}
	}
	s.render(w, p)
}

// pageVerify is GET /verify?host=…&protocol=…&port=…&mode=…: the check
// form and, with a host, its report. A bad request shows the form again
// with the reason, and the status of the API (400).
func (s *server) pageVerify(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "verify")
	p.Title = p.T(i18n.PageVerifyTitle) + " · popfind"
	q := r.URL.Query()
	v := &verifyPage{Host: q.Get("host"), Protocol: q.Get("protocol"), Port: q.Get("port"), Mode: strings.ToLower(q.Get("mode"))}
	p.Verify = v
	if strings.TrimSpace(v.Host) == "" {
		s.render(w, p)
		return
	}
	rep, err := s.check(r, v.Host, v.Protocol, v.Port, v.Mode, p.Lang)
	if err != nil {
		p.Status, p.Error = statusOf(err), err.Error()
		s.render(w, p)
		return
	}
	v.Report = reportView(p, rep.json(p.Lang))
	s.render(w, p)
}

// pageError answers a page request with an error page: status and msg,
// in the request's language, with the lookup form.
func (s *server) pageError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p := s.newPage(r, "error")
	p.Status, p.Error = status, msg
	p.Address = r.URL.Query().Get("address")
	p.Title = p.T(i18n.PageErrorTitle, strconv.Itoa(status)) + " · popfind"
	s.render(w, p)
}

// statusOf is the status of an error of the helpers: an *httpError's
// own, 500 for anything else.
func statusOf(err error) int {
	if he, ok := err.(*httpError); ok {
		return he.status
	}
	return http.StatusInternalServerError
}

// lookupPage is the result page's view of a lookup.
type lookupPage struct {
	// Error is why nothing was looked up: an invalid address. A
	// protocol's own error is in its section.
	Error     string
	Provider  string
	Protocols []*protocolPage
	Notes     []richText
	Warnings  []richText
	Docs      []richText
	DNSSEC    bool
	// HowFound is what every source said, a table per protocol, or one
	// for several protocols when their sources said the same.
	HowFound []attemptGroup
	// Checkable says whether any server shown can be checked from here.
	Checkable bool
	// Ticket is the plain text of the copy block.
	Ticket string
	// Export offers the files made from the answer; nil for none.
	Export *exportPage
}

// protocolPage is one protocol of a result.
type protocolPage struct {
	ID, Label    string
	Error        string
	Server       *serverPage
	Alternatives []*serverPage
	Source       *sourcePage
	Attempts     []attemptPage
}

// serverPage is one server shown, with what its check needs.
type serverPage struct {
	Protocol string
	Host     string
	// Shown is the host as people read it: an IDN with its Unicode form.
	Shown    string
	Port     int
	SSL      string
	Mode     string
	Username string
	// Check is the link to its check page, "" when its port is not one a
	// check from the web may go to; NoCheck then says why.
	Check   string
	NoCheck string
	// Passed and Failed are the verdicts the script shows.
	Passed, Failed string
}

// Endpoint is "host:port SSL" for a list.
func (s *serverPage) Endpoint() string { return s.Shown + ":" + strconv.Itoa(s.Port) + " " + s.SSL }

// sourcePage is where a protocol's answer came from, with a trust cue.
type sourcePage struct {
	Name  string
	Label string
	Why   string
	// Trust is high, good, low or risk: the cue's class.
	Trust string
	// URL is where the answer was read, a link only when it is https.
	URL richText
}

// attemptPage is one source's row of "how this was found".
type attemptPage struct {
	Source, Outcome, Class, Time, Reason string
}

// attemptGroup is the rows of protocols whose sources said the same.
type attemptGroup struct {
	Labels   string
	Attempts []attemptPage
}

// sameSay reports whether two protocols' sources said the same things,
// their times aside.
func sameSay(a, b []attemptPage) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Source != b[i].Source || a[i].Class != b[i].Class || a[i].Reason != b[i].Reason {
			return false
		}
	}
	return true
}

// sourceTrust maps a source to its trust cue: label, explanation, class.
var sourceTrust = map[string][3]string{
	lookup.SourceBuiltin:        {i18n.PageTrustBuiltin, i18n.PageWhyBuiltin, "high"},
	lookup.SourceAutoconfig:     {i18n.PageTrustDomain, i18n.PageWhyDomain, "high"},
	lookup.SourceWellKnown:      {i18n.PageTrustDomain, i18n.PageWhyDomain, "high"},
	lookup.SourceAutodiscover:   {i18n.PageTrustDomain, i18n.PageWhyAutodiscover, "high"},
	lookup.SourceISPDB:          {i18n.PageTrustISPDB, i18n.PageWhyISPDB, "good"},
	lookup.SourceSRV:            {i18n.PageTrustDNS, i18n.PageWhyDNS, "good"},
	lookup.SourceMX:             {i18n.PageTrustMX, i18n.PageWhyMX, "low"},
	lookup.SourceGuess:          {i18n.PageTrustGuess, i18n.PageWhyGuess, "low"},
	lookup.SourceAutoconfigHTTP: {i18n.PageTrustHTTP, i18n.PageWhyHTTP, "risk"},
}

// sourceView is the trust cue of source, whose answer was read at at.
func sourceView(source, at string, lang i18n.Lang) *sourcePage {
	sp := &sourcePage{Name: source, Label: source, Trust: "low", URL: linkify(at)}
	if t, ok := sourceTrust[source]; ok {
		sp.Label, sp.Why, sp.Trust = lang.Sprintf(t[0]), lang.Sprintf(t[1]), t[2]
	}
	// An answer fetched over plain HTTP is plain HTTP, whatever its
	// source's name.
	if strings.HasPrefix(at, "http://") {
		t := sourceTrust[lookup.SourceAutoconfigHTTP]
		sp.Label, sp.Why, sp.Trust = lang.Sprintf(t[0]), lang.Sprintf(t[1]), t[2]
	}
	return sp
}

// socketMode is the verify mode of a socket type.
func socketMode(st lookup.SocketType) string {
	switch st {
	case lookup.SSL:
		return "ssl"
	case lookup.STARTTLS:
		return "starttls"
	}
	return "plain"
}

// serverOnPage is the page's view of a server.
func serverOnPage(p *page, s *jsonServer) *serverPage {
	label := lookup.Protocol(s.Protocol).Label()
	sp := &serverPage{Protocol: s.Protocol, Host: s.Host, Shown: displayHost(s.Host), Port: s.Port,
		SSL: sslText(s.SocketType, p.Lang), Mode: socketMode(s.SocketType), Username: s.Username,
		Passed: p.Capital(i18n.LblVerifyOK, label), Failed: p.Capital(i18n.LblVerifyNo, label)}
	if webPorts[s.Port] {
		sp.Check = p.Href("/verify", "host", s.Host, "protocol", s.Protocol, "port", strconv.Itoa(s.Port), "mode", sp.Mode)
	} else {
		sp.NoCheck = p.T(i18n.APIPort, strconv.Itoa(s.Port))
	}
	return sp
}

// lookupView is the result page's view of res.
func lookupView(p *page, res *lookupResult) *lookupPage {
	j, lang := res.view, p.Lang
	v := &lookupPage{DNSSEC: j.DNSSEC}
	if j.Provider != nil {
		v.Provider = j.Provider.Name
	}
	if len(j.Protocols) == 0 {
		// An invalid address: nothing was looked up.
		v.Error = j.Error
	}
	for _, name := range j.Protocols {
		pv := j.Servers[name]
		pp := &protocolPage{ID: name, Label: lookup.Protocol(name).Label()}
		if pv.Server != nil {
			pp.Server = serverOnPage(p, pv.Server)
			pp.Source = sourceView(pv.Source, pv.SourceURL, lang)
			v.Checkable = v.Checkable || pp.Server.Check != ""
			for i := range pv.Alternatives {
				alt := serverOnPage(p, &pv.Alternatives[i])
				pp.Alternatives = append(pp.Alternatives, alt)
				v.Checkable = v.Checkable || alt.Check != ""
			}
		} else {
			pp.Error = pv.Error
			if pp.Error == "" {
				pp.Error = lang.Sprintf(i18n.LblNotFound, pp.Label)
			}
		}
		if pv.res != nil {
			for _, at := range pv.res.Attempts {
				row := attemptPage{Source: at.Source, Outcome: outcomeLabel(string(at.Outcome), lang), Class: string(at.Outcome),
					Reason: attemptReason(at.Err, lang)}
				if at.Outcome != lookup.OutcomeSkipped {
					row.Time = lang.Sprintf(i18n.LblMillis, strconv.FormatInt(at.Duration.Milliseconds(), 10))
				}
				pp.Attempts = append(pp.Attempts, row)
			}
		}
		v.Protocols = append(v.Protocols, pp)
		if n := len(v.HowFound); n > 0 && sameSay(v.HowFound[n-1].Attempts, pp.Attempts) {
			v.HowFound[n-1].Labels += lang.ListSep() + pp.Label
		} else {
			v.HowFound = append(v.HowFound, attemptGroup{Labels: pp.Label, Attempts: pp.Attempts})
		}
	}
	if !res.out.invalid() {
		for _, n := range resultNotes(res.out, j, lang) {
			v.Notes = append(v.Notes, linkify(n))
		}
	}
	// A protocol's section says already that it has no server.
	shown := map[string]bool{}
	for _, pp := range v.Protocols {
		shown[pp.Error] = true
	}
	for _, w := range j.Warnings {
		if !shown[w] {
			v.Warnings = append(v.Warnings, linkify(w))
		}
	}
	for _, d := range j.Docs {
		v.Docs = append(v.Docs, linkify(d))
	}
	v.Ticket = ticket(p, res, v)
	return v
}

// resultNotes are the notes of a result as the command shows them: what
// becomes of mail on a POP3 server, the provider's notes, and the classic
// POP surprise where nothing else says it.
func resultNotes(o *outcome, j *jsonResult, lang i18n.Lang) []string {
	var notes []string
	if pop := j.Servers[string(lookup.POP3)]; pop != nil && pop.Server != nil && pop.Server.LeaveMessagesOnServer != nil {
		s := pop.Server
		switch {
		case !*s.LeaveMessagesOnServer:
			notes = append(notes, lang.Sprintf(i18n.NoteDeleteOnServer))
		case s.DaysToLeaveMessagesOnServer != nil:
			notes = append(notes, lang.Sprintf(i18n.NoteLeaveOnServerFor, strconv.Itoa(*s.DaysToLeaveMessagesOnServer)))
		default:
			notes = append(notes, lang.Sprintf(i18n.NoteLeaveOnServer))
		}
	}
	notes = append(notes, j.Notes...)
	if popCopyNote(o.res) {
		notes = append(notes, lang.Sprintf(i18n.LblPOPCopy))
	}
	return notes
}

// ticket is the plain text a desk pastes into a ticket: export.Ticket, the
// text export format, for a lookup that was made; the address and why it
// is not one otherwise.
func ticket(p *page, res *lookupResult, v *lookupPage) string {
	if !res.out.invalid() {
		return export.Ticket(res.out.res, p.Lang)
	}
	return p.T(i18n.PageTicketHead, strings.TrimSpace(p.Address)) + "\n" + v.Error + "\n"
}

// providersPage is the provider table's view.
type providersPage struct {
	Filter, Region string
	Regions        []string
	Rows           []providerRow
	Count          string
	// Empty says that nothing matches.
	Empty string
}

// providerRow is one provider of the quick reference.
type providerRow struct {
	Name, Domain, Region, POP3, IMAP, SMTP, Login, TurnOn string
}

// verifyPage is the check page's view: the form's values and the report.
type verifyPage struct {
	Host, Protocol, Port, Mode string
	Report                     *reportPage
}

// Protocols, Ports and Modes are the choices of the check form.
func (v *verifyPage) Protocols() []string { return []string{"pop3", "imap", "smtp"} }
func (v *verifyPage) Ports() []string     { return []string{"995", "110", "993", "143", "465", "587"} }
func (v *verifyPage) Modes() []string     { return []string{"ssl", "starttls", "plain"} }

// ModeLabel is a mode as the page words it.
func (p *page) ModeLabel(mode string) string {
	switch mode {
	case "ssl":
		return sslText(lookup.SSL, p.Lang)
	case "starttls":
		return sslText(lookup.STARTTLS, p.Lang)
	}
	return sslText(lookup.Plain, p.Lang)
}

// ProtocolLabel is a protocol's name as people write it.
func (p *page) ProtocolLabel(proto string) string { return lookup.Protocol(proto).Label() }

// reportPage is a check's report as the page shows it.
type reportPage struct {
	*verifyJSON
	Heading string
	Verdict string
	Steps   []stepPage
	Expires string
	// CapaName is the command that lists the capabilities: CAPA,
	// CAPABILITY or EHLO.
	CapaName string
}

type stepPage struct {
	Text, Time string
	OK         bool
}

// reportView is the page's view of a check's report j.
func reportView(p *page, j *verifyJSON) *reportPage {
	label := lookup.Protocol(j.Protocol).Label()
	v := &reportPage{verifyJSON: j, CapaName: capaName(lookup.Protocol(j.Protocol)),
		Heading: p.T(i18n.LblVerify) + " " + label + " " + displayHost(j.Host) + ":" + strconv.Itoa(j.Port) + p.Lang.Paren(sslText(j.SocketType, p.Lang))}
	if j.OK {
		v.Verdict = p.Capital(i18n.LblVerifyOK, label)
	} else {
		v.Verdict = p.Capital(i18n.LblVerifyNo, label) + p.Colon() + j.Error
	}
	for _, s := range j.Steps {
		v.Steps = append(v.Steps, stepPage{Text: s.Step, OK: s.OK, Time: p.T(i18n.LblMillis, strconv.FormatInt(s.MS, 10))})
	}
	if t := j.TLS; t != nil && t.CertNotAfter != "" {
		v.Expires = t.CertNotAfter[:min(10, len(t.CertNotAfter))] + p.Lang.Paren(p.T(i18n.LblDays, strconv.Itoa(t.DaysLeft)))
	}
	return v
}

// richText is text with its https links: a page shows those as links and
// anything else, http: and javascript: alike, as text.
type richText []textPart

type textPart struct {
	Text string
	// Href is the part's link, set only for an https URL.
	Href string
}

func (t richText) String() string {
	var b strings.Builder
	for _, p := range t {
		b.WriteString(p.Text)
	}
	return b.String()
}

// urlRE finds URLs in text; the punctuation that may end a sentence
// after one is not part of it.
var urlRE = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s<>"'“”‘’（）()，。；、：！？【】《》「」]+`)

// linkify splits s into text and https links.
func linkify(s string) richText {
	var out richText
	last := 0
	for _, m := range urlRE.FindAllStringIndex(s, -1) {
		start, end := m[0], m[1]
		end = start + len(strings.TrimRight(s[start:end], ".,;:!?"))
		u := s[start:end]
		if !strings.HasPrefix(strings.ToLower(u), "https://") {
			continue
		}
		if pu, err := url.Parse(u); err != nil || pu.Host == "" {
			continue
		}
		if start > last {
			out = append(out, textPart{Text: s[last:start]})
		}
		out = append(out, textPart{Text: u, Href: u})
		last = end
	}
	if last < len(s) {
		out = append(out, textPart{Text: s[last:]})
	}
	return out
}

// capital makes s's first letter a capital.
func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// static serves web/static at /static/: files only, no listings, each
// with an ETag of its content, so that a browser asks again cheaply and
// never keeps a file of an older binary.
func (s *server) static() http.Handler {
	sub, err := fs.Sub(webFS, "web/static")
	if err != nil {
		panic(err)
	}
	etags := map[string]string{}
	fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := sub.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		io.Copy(h, f)
		etags[p] = `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
		return nil
	})
	files := http.FileServerFS(sub)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tag, ok := etags[path.Clean(r.URL.Path)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	}))
}
