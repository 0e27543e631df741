package app

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/popfind/popfind/check"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/schema"
)

// The domain check of popfind serve: GET /api/v1/check?domain=… (the
// check --json object) and the page GET /check?domain=…. A check asks
// every source and connects to every server it names, so it costs a
// client checkCost requests of its rate, and at most maxChecks run at once
// (each also holds a place among the lookups in flight). Its connections
// go through the server's dial, and so through the guard of public
// addresses.

const (
	// checkCost is how many of a client's requests a domain check counts
	// as.
	checkCost = 5
	// maxChecks bounds the domain checks in flight.
	maxChecks = 8
	// checkSlack is how long a check may run beyond --timeout: its
	// sources, then its servers, each get --timeout, and the response
	// must be written before the server's WriteTimeout (timeout + 10s).
	checkSlack = 5 * time.Second
)

// allowN takes n tokens of client's bucket, as allow takes one.
func (l *clientLimits) allowN(client netip.Addr, now time.Time, n int) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	r := l.bucket(client).ReserveN(now, n)
	if !r.OK() {
		return false, time.Minute
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// costlyCheck wraps a domain check: checkCost tokens of the client's rate
// (429 with Retry-After when there are not enough), a place among the
// checks and one among the lookups in flight (503 when there is none).
func (s *server) costlyCheck(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := s.language(r)
		if ok, wait := s.limits.allowN(info(r).client, time.Now(), min(checkCost, rateBurst)); !ok {
			w.Header().Set("Retry-After", retryAfter(wait))
			s.reject(w, r, http.StatusTooManyRequests, lang.Sprintf(i18n.APIRate, retryAfter(wait)))
			return
		}
		select {
		case s.checks <- struct{}{}:
			defer func() { <-s.checks }()
		default:
			w.Header().Set("Retry-After", "5")
			s.reject(w, r, http.StatusServiceUnavailable, lang.Sprintf(i18n.CheckUIPageBusy))
			return
		}
		select {
		case s.inflight <- struct{}{}:
			defer func() { <-s.inflight }()
		default:
			w.Header().Set("Retry-After", "1")
			s.reject(w, r, http.StatusServiceUnavailable, lang.Sprintf(i18n.APIBusy))
			return
		}
		h(w, r)
	})
}

// domainCheck checks domain for protocols, a list as --protocol takes it
// (empty: POP3, IMAP and SMTP). The error is an *httpError: 400 for a bad
// protocol list or a domain that is not one (worded as the command words
// it), 500 for anything else. A report whose Err is set is a report: the
// caller answers 502.
func (s *server) domainCheck(r *http.Request, domain, protocols string, lang i18n.Lang) (*check.Report, error) {
	o := *s.opts
	o.protocols = nil
	if strings.TrimSpace(protocols) != "" {
		ps, err := lookup.ParseProtocols(protocols)
		if err != nil {
			return nil, &httpError{http.StatusBadRequest, lang.Sprintf(i18n.APIProtocol, strconv.Quote(protocols))}
		}
		o.protocols = ps
	}
	ch, err := newChecker(&o)
	if err != nil {
		return nil, &httpError{http.StatusInternalServerError, err.Error()}
	}
	defer ch.Close()
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.timeout+checkSlack)
	defer cancel()
	rep, err := runCheck(ctx, ch, domain)
	var ue *usageErr
	switch {
	case errors.As(err, &ue):
		return nil, &httpError{http.StatusBadRequest, lang.Sprintf(ue.key, ue.args...)}
	case err != nil:
		return nil, &httpError{http.StatusInternalServerError, err.Error()}
	}
	noteDomain(r, rep.Domain)
	for _, sc := range rep.Servers {
		var refused *refusedError
		if pr := sc.Report; pr != nil && errors.As(pr.Err, &refused) {
			// Not a network failure: the rule of this server, said plainly.
			pr.Kind = kindRefusedForSafety
			pr.Problem = i18n.M(i18n.FailRefusedSafety, refused.Addr)
			pr.Hint = i18n.M(i18n.HintRefusedSafety)
		}
	}
	return rep, nil
}

// checkStatus is the API's status for a report: 200 whatever the findings
// (counts says how many failures), 502 when nothing could be looked at.
func checkStatus(rep *check.Report) int {
	if rep.Err != nil {
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
	rep, err := s.domainCheck(r, domain, q.Get("protocol"), lang)
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
	return template.Must(template.New("check").ParseFS(webFS, "web/templates/layout.html", "web/templates/check.html"))
})

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
	OK                               bool
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
		v.Error = lang.Sprintf(i18n.CheckUINothing, checkDomain(rep), checkErrText(rep.Err, lang))
		v.Class = "fail"
	}
	for _, f := range rep.Findings {
		fp := findingPage{Severity: string(f.Severity), Code: f.Code, Message: linkify(lang.Format(f.Message)), Fix: linkify(lang.Format(f.Fix)), Paste: f.Paste}
		fp.Label = map[check.Severity]string{check.Fail: p.T(i18n.CheckUISevFail), check.Warn: p.T(i18n.CheckUISevWarn)}[f.Severity]
		if fp.Label == "" {
			fp.Label = p.T(i18n.CheckUISevInfo)
		}
		var about []string
		if f.Protocol != "" {
			about = append(about, f.Protocol.Label())
		}
		if f.Source != "" {
			about = append(about, f.Source)
		}
		if f.Server != "" {
			about = append(about, displayHost(f.Server))
		}
		fp.About = strings.Join(about, " · ")
		for _, c := range f.Compare {
			var said []string
			for _, s := range c.Servers {
				if f.Protocol == "" || s.Protocol == f.Protocol {
					said = append(said, serverLine(s.Protocol, s.Host, s.Port, s.SocketType, lang))
				}
			}
			if len(said) == 0 {
				said = append(said, statusText(c, lang))
			}
			fp.Compare = append(fp.Compare, c.Source+p.Colon()+strings.Join(said, lang.ClauseSep()))
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
			Sources: strings.Join(sc.Sources, lang.ListSep()), Result: p.T(i18n.CheckUIFailed)}
		if sc.Report != nil && sc.Report.OK {
			sp.OK, sp.Result = true, p.T(i18n.CheckUIPassed)
		} else if sc.Report != nil {
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
		rep, err := s.domainCheck(r, v.Domain, v.Protocol, p.Lang)
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
