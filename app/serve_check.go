package app

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/popfind/popfind/check"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/probe"
	"github.com/popfind/popfind/schema"
)

// The domain check of popfind serve: GET /api/v1/check?domain=… (the
// check --json object) and the page GET /check?domain=…. A check asks
// every source and connects to every server it names, so it costs a
// client checkCost requests of its rate (a request refused at once, for a
// domain that is not one, costs one), and at most maxChecks run at once
// (each also holds a place among the lookups in flight). Its connections
// go through the server's dial, and so through the guard of public
// addresses, and reach the mail ports of webPorts only, besides the ports
// its fetches use (checkDial).

const (
	// checkCost is how many of a client's requests a domain check counts
	// as.
	checkCost = 5
	// maxChecks bounds the domain checks in flight.
	maxChecks = 8
	// checkSlack is how long a check may run beyond its two phases of
	// --timeout each (checkLimit).
	checkSlack = 5 * time.Second
)

// checkLimit is how long the desk lets a domain check run: its sources,
// then its servers, each get timeout, and a little more for the rest.
// The server's WriteTimeout is longer still.
func checkLimit(timeout time.Duration) time.Duration { return 2*timeout + checkSlack }

// takeN takes n tokens of client's bucket, as allow takes one, and returns
// a function that gives them back (for a request refused before any work
// was done). It must be called at once: tokens are given back only as far
// as no later request has used them.
func (l *clientLimits) takeN(client netip.Addr, now time.Time, n int) (ok bool, wait time.Duration, refund func()) {
	if l == nil {
		return true, 0, func() {}
	}
	r := l.bucket(client).ReserveN(now, n)
	if !r.OK() {
		return false, time.Minute, nil
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d, nil
	}
	return true, 0, func() { r.CancelAt(now) }
}

// costlyCheck wraps a domain check: checkCost tokens of the client's rate
// (429 with Retry-After when there are not enough), a place among the
// checks and one among the lookups in flight (503 when there is none,
// and the tokens are given back). A request the handler will refuse with
// 400 without checking anything (checkRequest) costs one token and no
// place.
func (s *server) costlyCheck(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := s.language(r)
		q := r.URL.Query()
		_, bad := checkRequest(q.Get("domain"), q.Get("protocol"), lang, false)
		cost := min(checkCost, rateBurst)
		if bad != nil {
			cost = 1
		}
		ok, wait, refund := s.limits.takeN(info(r).client, time.Now(), cost)
		if !ok {
			w.Header().Set("Retry-After", retryAfter(wait))
			s.reject(w, r, http.StatusTooManyRequests, lang.Sprintf(i18n.APIRate, retryAfter(wait)))
			return
		}
		if bad != nil {
			// The handler answers 400 without looking at anything.
			h(w, r)
			return
		}
		select {
		case s.checks <- struct{}{}:
			defer func() { <-s.checks }()
		default:
			refund()
			w.Header().Set("Retry-After", "5")
			s.reject(w, r, http.StatusServiceUnavailable, lang.Sprintf(i18n.CheckUIPageBusy))
			return
		}
		select {
		case s.inflight <- struct{}{}:
			defer func() { <-s.inflight }()
		default:
			refund()
			w.Header().Set("Retry-After", "1")
			s.reject(w, r, http.StatusServiceUnavailable, lang.Sprintf(i18n.APIBusy))
			return
		}
		h(w, r)
	})
}

// checkRequest reads a check's domain and protocol list, as the query
// gives them, without touching the network. The error is a 400 *httpError
// worded in lang: for a page when forPage is set, for the API otherwise
// (neither is a command line).
func checkRequest(domain, protocols string, lang i18n.Lang, forPage bool) (*checkInputs, error) {
	in := &checkInputs{}
	if strings.TrimSpace(protocols) != "" {
		ps, err := lookup.ParseProtocols(protocols)
		if err != nil {
			return nil, &httpError{http.StatusBadRequest, lang.Sprintf(i18n.APIProtocol, strconv.Quote(protocols))}
		}
		in.protocols = ps
	}
	d, err := checkInput(domain)
	var ue *usageErr
	switch {
	case errors.As(err, &ue) && ue.key == i18n.CheckUIUsageAddress && forPage:
		return nil, &httpError{http.StatusBadRequest, lang.Sprintf(i18n.CheckUIPageAddress, ue.args...)}
	case errors.As(err, &ue) && ue.key == i18n.CheckUIUsageAddress:
		return nil, &httpError{http.StatusBadRequest, lang.Sprintf(i18n.CheckUIAPIAddress, ue.args...)}
	case errors.As(err, &ue):
		return nil, &httpError{http.StatusBadRequest, lang.Sprintf(ue.key, ue.args...)}
	case err != nil:
		return nil, &httpError{http.StatusBadRequest, err.Error()}
	}
	in.domain = d
	return in, nil
}

// checkInputs are a check request's inputs, read.
type checkInputs struct {
	domain    string
	protocols []lookup.Protocol // nil: POP3, IMAP and SMTP
}

// fetchPorts are the ports a domain check's fetches connect to besides
// the mail ports: HTTPS and HTTP, and the ISP database's port when its
// URL names one.
func fetchPorts(ispdb string) map[int]bool {
	ports := map[int]bool{80: true, 443: true}
	if u, err := url.Parse(ispdb); err == nil && u.Port() != "" {
		if p, err := strconv.Atoi(u.Port()); err == nil {
			ports[p] = true
		}
	}
	return ports
}

// checkDial is the dial of a domain check from the desk: next (nil for a
// net.Dialer) for the mail ports of webPorts and the ports of fetch, and
// a *notMailPortError for any other port, before any packet leaves.
//
// The dial sees every connection of a check as one IP:PORT, with no way
// to tell an HTTPS fetch from a server's check: a server published on port
// 443 or 80 is dialled as the fetches are. Those ports add nothing a
// domain cannot already make the desk reach (autoconfig.<domain> may
// resolve to any public address), and markNotMailPorts reports such a
// server as not checked all the same.
func checkDial(next dialFunc, fetch map[int]bool) dialFunc {
	if next == nil {
		next = (&net.Dialer{}).DialContext
	}
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		_, ps, err := net.SplitHostPort(address)
		port, perr := strconv.Atoi(ps)
		if err != nil || perr != nil || !webPorts[port] && !fetch[port] {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &notMailPortError{Addr: address}}
		}
		return next(ctx, network, address)
	}
}

// notMailPortError is the error of a connection a domain check from the
// desk did not make: its port is neither a mail port nor one of its
// fetches'.
type notMailPortError struct{ Addr string }

func (e *notMailPortError) Error() string {
	return "refused: " + strconv.Quote(e.Addr) + " is not a mail port, and popfind serve checks servers on the mail ports 110, 995, 143, 993, 465 and 587 only"
}

// kindNotMailPort is the kind of a server's check that the desk did not
// make because the server's port is no mail port.
const kindNotMailPort probe.Kind = "not_mail_port"

// liveCodes are the findings of a server's live check, which a server not
// checked cannot have.
var liveCodes = map[string]bool{
	check.CodeServerUnreachable: true, check.CodeWrongProtocol: true, check.CodeCertInvalid: true,
	check.CodeCertExpiring: true, check.CodeTLSOld: true, check.CodeAuthBeforeTLS: true,
}

// markNotMailPorts makes each server of rep on a port other than the mail
// ports not checked (its report says why), and drops the findings of its
// live check: the desk checks mail ports only, and what checkDial
// refused, or what answered on port 80 or 443, says nothing of a mail
// server. Findings about what was published (plaintext, say) stay.
func markNotMailPorts(rep *check.Report) {
	skipped := map[string]bool{}
	for i := range rep.Servers {
		sc := &rep.Servers[i]
		srv := sc.Server
		if webPorts[srv.Port] {
			continue
		}
		skipped[net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port))] = true
		sc.Report = &probe.Report{Protocol: srv.Protocol, Host: srv.Host, Port: srv.Port, SocketType: srv.SocketType,
			Kind: kindNotMailPort, Problem: i18n.M(i18n.CheckUINotMailPort), Err: &notMailPortError{Addr: net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port))}}
		sc.PlainAuth, sc.PlainAuthKnown, sc.AuthEvidence = false, false, ""
	}
	if len(skipped) == 0 {
		return
	}
	rep.Findings = slices.DeleteFunc(rep.Findings, func(f check.Finding) bool {
		return liveCodes[f.Code] && skipped[f.Server]
	})
}

// domainCheck checks domain for protocols, a list as --protocol takes it
// (empty: POP3, IMAP and SMTP), within checkLimit, connecting to the mail
// ports only (checkDial, markNotMailPorts). The error is an *httpError:
// 400 for a bad protocol list or a domain that is not one (worded for a
// page when forPage is set, for the API otherwise), 500 for anything
// else. A report whose Err is set is a report: the caller answers
// checkStatus.
func (s *server) domainCheck(r *http.Request, domain, protocols string, lang i18n.Lang, forPage bool) (*check.Report, error) {
	in, err := checkRequest(domain, protocols, lang, forPage)
	if err != nil {
		return nil, err
	}
	o := *s.opts
	o.protocols = in.protocols
	o.dial = checkDial(o.dial, fetchPorts(o.ispdb))
	ch, err := newChecker(&o)
	if err != nil {
		return nil, &httpError{http.StatusInternalServerError, err.Error()}
	}
	defer ch.Close()
	ctx, cancel := context.WithTimeout(r.Context(), checkLimit(s.opts.timeout))
	defer cancel()
	rep, err := runCheck(ctx, ch, in.domain)
	var ue *usageErr
	switch {
	case errors.As(err, &ue):
		return nil, &httpError{http.StatusBadRequest, lang.Sprintf(ue.key, ue.args...)}
	case err != nil:
		return nil, &httpError{http.StatusInternalServerError, err.Error()}
	}
	noteDomain(r, rep.Domain)
	markNotMailPorts(rep)
	return rep, nil
}

// checkStatus is the API's status for a report: 200 whatever the findings
// (counts says how many failures), 504 when the check ran out of time
// before it was done, 502 when nothing could be looked at.
func checkStatus(rep *check.Report) int {
	switch {
	case checkTimedOut(rep):
		return http.StatusGatewayTimeout
	case rep.Err != nil:
		return http.StatusBadGateway
	}
	return http.StatusOK
}

// apiCheck is GET /api/v1/check?domain=…&protocol=…&lang=…: the object
// popfind check --json prints.
func (s *server) apiCheck(w http.ResponseWriter, r *http.Request) {
	lang := s.language(r)
	q := r.URL.Query()
	domain := q.Get("domain")
	if strings.TrimSpace(domain) == "" {
		s.apiError(w, http.StatusBadRequest, lang.Sprintf(i18n.APIMissing, "domain"))
		return
	}
	rep, err := s.domainCheck(r, domain, q.Get("protocol"), lang, false)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeAPI(w, checkStatus(rep), checkView(rep, lang))
}

// apiCheckSchema is GET /api/v1/check.schema.json.
func (s *server) apiCheckSchema(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/schema+json")
	w.Header().Set("Cache-Control", "max-age=3600")
	w.Write(schema.Check)
}

// checkTemplate is the check page's template, over layout.html.
var checkTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("check").Funcs(template.FuncMap{"wbr": breakPoints}).
		ParseFS(webFS, "web/templates/layout.html", "web/templates/check.html"))
})

// breakPoints is s as HTML, with a line break allowed (<wbr>) before each
// dot and after each slash of a long word (a host name or a URL), so that
// a narrow screen breaks it there and never mid-name. Words of Chinese
// text, which breaks between its characters, are left alone.
func breakPoints(s string) template.HTML {
	var b strings.Builder
	for i, word := range strings.Split(s, " ") {
		if i > 0 {
			b.WriteByte(' ')
		}
		if utf8.RuneCountInString(word) <= breakAbove || strings.ContainsFunc(word, func(r rune) bool { return r >= 0x2E80 }) {
			b.WriteString(template.HTMLEscapeString(word))
			continue
		}
		start := 0
		for j := 1; j < len(word); j++ {
			// Before a dot, after a slash, as URLs are broken in print.
			if word[j] == '.' || word[j-1] == '/' && word[j] != '/' {
				b.WriteString(template.HTMLEscapeString(word[start:j]) + "<wbr>")
				start = j
			}
		}
		b.WriteString(template.HTMLEscapeString(word[start:]))
	}
	return template.HTML(b.String())
}

// breakAbove is how long a word must be for breakPoints to break it.
const breakAbove = 16

// checkPageData is what the check page's template gets: the page, and
// the check's view.
type checkPageData struct {
	*page
	Check *domainCheckPage
}

// domainCheckPage is the check page's view: the form's values and the report.
type domainCheckPage struct {
	Domain, Protocol string
	Report           *checkReportPage
}

// Protocols are the choices of the form's protocol list.
func (v *domainCheckPage) Protocols() []string {
	return []string{"pop3,imap,smtp", "pop3,smtp", "imap,smtp", "pop3", "imap", "smtp"}
}

// ProtocolsLabel is a protocol list as people read it.
func (p *page) ProtocolsLabel(list string) string {
	var labels []string
	for _, x := range strings.Split(list, ",") {
		labels = append(labels, lookup.Protocol(x).Label())
	}
	return strings.Join(labels, p.Lang.ListSep())
}

// checkReportPage is a check's report as the page shows it.
type checkReportPage struct {
	Heading string
	Verdict string
	// Class is fail, warn or ok: the verdict's colour.
	Class    string
	Checked  string
	Error    string
	Findings []findingPage
	Sources  []publishedPage
	Servers  []serverCheckPage
}

type findingPage struct {
	Severity, Label, Code, About string
	Message, Fix                 richText
	Compare                      []string
	PasteLabel                   richText
	Paste                        string
}

type publishedPage struct {
	Source, Status, Class string
	Servers               []string
	Notes                 []richText
}

type serverCheckPage struct {
	Server, Sources, Result, Problem string
	// Class is ok, warn or fail (serverResult).
	Class string
	// Verify is the link to the server's own check page.
	Verify string
}

// checkReportView is the page's view of rep.
func checkReportView(p *page, rep *check.Report) *checkReportPage {
	lang := p.Lang
	v := &checkReportPage{Heading: p.T(i18n.CheckUIPageFor, checkDomain(rep)), Verdict: verdict(rep, lang), Class: "ok"}
	switch {
	case rep.Count(check.Fail) > 0:
		v.Class = "fail"
	case rep.Count(check.Warn) > 0:
		v.Class = "warn"
	}
	var labels []string
	for _, pr := range rep.Protocols {
		labels = append(labels, pr.Label())
	}
	v.Checked = strings.Join(labels, lang.ListSep())
	if rep.Err != nil {
		v.Error = checkErrMessage(rep, lang)
		v.Class = "fail"
	}
	for _, f := range rep.Findings {
		fp := findingPage{Severity: string(f.Severity), Code: f.Code, Message: linkify(lang.Format(f.Message)), Fix: linkify(lang.Format(f.Fix)), Paste: f.Paste}
		fp.Label = map[check.Severity]string{check.Fail: p.T(i18n.CheckUISevFail), check.Warn: p.T(i18n.CheckUISevWarn)}[f.Severity]
		if fp.Label == "" {
			fp.Label = p.T(i18n.CheckUISevInfo)
		}
		fp.About = strings.Join(findingAbout(f), " · ")
		for _, c := range f.Compare {
			fp.Compare = append(fp.Compare, c.Source+p.Colon()+compareSaid(f, c, lang))
		}
		if f.Paste != "" {
			fp.PasteLabel = linkify(pasteLabel(f, checkDomain(rep), lang))
		}
		v.Findings = append(v.Findings, fp)
	}
	for _, pub := range rep.Sources {
		pp := publishedPage{Source: pub.Source, Status: statusText(pub, lang), Class: string(pub.Status)}
		for _, s := range pub.Servers {
			if len(rep.Protocols) == 0 || slices.Contains(rep.Protocols, s.Protocol) {
				pp.Servers = append(pp.Servers, serverLine(s.Protocol, s.Host, s.Port, s.SocketType, lang))
			}
		}
		if pub.FinalURL != "" && pub.FinalURL != pub.URL {
			pp.Notes = append(pp.Notes, linkify(lang.Sprintf(i18n.CheckUIFinalURL, pub.FinalURL)))
		}
		if pub.Reason != nil {
			pp.Notes = append(pp.Notes, linkify(lang.Format(*pub.Reason)))
		}
		v.Sources = append(v.Sources, pp)
	}
	for _, sc := range rep.Servers {
		srv := sc.Server
		sp := serverCheckPage{Server: serverLine(srv.Protocol, srv.Host, srv.Port, srv.SocketType, lang),
			Sources: strings.Join(sc.Sources, lang.ListSep())}
		sp.Result, sp.Class = serverResult(sc, lang)
		if sc.Report != nil && !sc.Report.OK {
			sp.Problem = lang.Format(sc.Report.Problem)
		}
		if webPorts[srv.Port] {
			sp.Verify = p.Href("/verify", "host", srv.Host, "protocol", string(srv.Protocol), "port", strconv.Itoa(srv.Port), "mode", socketMode(srv.SocketType))
		}
		v.Servers = append(v.Servers, sp)
	}
	return v
}

// pageCheck is GET /check?domain=…&protocol=…: the form and, with a
// domain, its report. A domain that is not one shows the form again with
// the reason and status 400; a check that could look at nothing has
// status 502.
func (s *server) pageCheck(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "check")
	p.Title = p.T(i18n.CheckUIPageTitle) + " · popfind"
	q := r.URL.Query()
	v := &domainCheckPage{Domain: q.Get("domain"), Protocol: q.Get("protocol")}
	// The language switch links back to this page, with its query.
	sw := url.Values{}
	for _, k := range []string{"domain", "protocol"} {
		if x := q.Get(k); x != "" {
			sw.Set(k, x)
		}
	}
	sw.Set("lang", "en")
	p.LangEN = "/check?" + sw.Encode()
	sw.Set("lang", "zh")
	p.LangZH = "/check?" + sw.Encode()
	if strings.TrimSpace(v.Domain) != "" {
		rep, err := s.domainCheck(r, v.Domain, v.Protocol, p.Lang, true)
		if err != nil {
			p.Status, p.Error = statusOf(err), err.Error()
		} else {
			v.Report = checkReportView(p, rep)
			p.Status = checkStatus(rep)
			p.Title = checkDomain(rep) + " · " + p.T(i18n.CheckUIPageNav) + " · popfind"
		}
	}
	var b bytes.Buffer
	if err := checkTemplate().ExecuteTemplate(&b, "layout", &checkPageData{page: p, Check: v}); err != nil {
		s.log.Error("page", "page", "check", "err", err.Error())
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Add("Vary", "Accept-Language")
	w.WriteHeader(p.Status)
	w.Write(b.Bytes())
}

// pageCheckForm is GET /check: the form alone costs nothing; with a
// domain, the check goes through costlyCheck.
func (s *server) pageCheckForm(w http.ResponseWriter, r *http.Request) {
	if strings.TrimSpace(r.URL.Query().Get("domain")) == "" {
		s.pageCheck(w, r)
		return
	}
	s.costlyCheck(s.pageCheck).ServeHTTP(w, r)
}
