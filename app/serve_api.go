package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/popfind/popfind/docs"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/probe"
	"github.com/popfind/popfind/providers"
	"github.com/popfind/popfind/schema"
)

// The JSON API: the same library and the same JSON as the command. The
// pages call the same helpers (lookup, check, providerList) and render
// their views.

// httpError is a request the server cannot serve as asked: its status and
// a message in the request's language.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// apiErrorJSON is the body of every API error that is not a lookup's own
// result.
type apiErrorJSON struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// apiError answers with status and a JSON error object.
func (s *server) apiError(w http.ResponseWriter, status int, msg string) {
	writeAPI(w, status, apiErrorJSON{Error: msg, Status: status})
}

// fail answers an API request with err: its own status when it is an
// *httpError, 500 otherwise.
func (s *server) fail(w http.ResponseWriter, err error) {
	var he *httpError
	if errors.As(err, &he) {
		s.apiError(w, he.status, he.msg)
		return
	}
	s.apiError(w, http.StatusInternalServerError, err.Error())
}

// writeAPI writes v as JSON with status, through the command's JSON
// writer: one object and a newline.
func writeAPI(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Add("Vary", "Accept-Language")
	w.WriteHeader(status)
	writeJSON(w, v)
}

// lookupResult is one lookup the server made.
type lookupResult struct {
	// out is the command's outcome: the input, the library's Result (nil
	// for an input that could not be read), its error.
	out *outcome
	// view is exactly the object popfind --json prints for it, in the
	// language asked for.
	view *jsonResult
	// status is the API's status for it: 200 found, 404 not found, 400 an
	// invalid address, 502 no source could look, 504 time ran out first.
	status int
	// maxAge is how long a client may keep it; zero for not at all.
	maxAge time.Duration
}

// lookup looks address up for protocols, a list as --protocol takes it
// (empty: the server's --protocol), and words the result in lang. JSON
// results show a bare domain's login names with the placeholders
// %EMAILADDRESS% and %EMAILLOCALPART%, as --json does; a page's (forJSON
// false) in words. The access log gets the domain. The error, an
// *httpError, is for a bad protocol list; an invalid address is a result
// with status 400.
func (s *server) lookup(r *http.Request, address, protocols string, lang i18n.Lang, forJSON bool) (*lookupResult, error) {
	ps := s.opts.protocols
	if strings.TrimSpace(protocols) != "" {
		var err error
		if ps, err = lookup.ParseProtocols(protocols); err != nil {
			return nil, &httpError{http.StatusBadRequest, lang.Sprintf(i18n.APIProtocol, strconv.Quote(protocols))}
		}
	}
	f, err := s.finder(ps)
	if err != nil {
		return nil, err
	}
	o := *s.opts
	o.lang, o.json, o.protocols = lang, forJSON, ps
	b := &batch{opts: &o, finder: f}
	out := b.process(r.Context(), &slot{in: item{text: strings.TrimSpace(address)}})
	if !out.invalid() {
		noteDomain(r, out.res.Address.Domain)
		markRefused(out.res)
	}
	res := &lookupResult{out: out, view: view(out, lang, false), status: lookupStatus(out)}
	if res.status == http.StatusOK && !out.invalid() {
		// As long as the Finder keeps it, which is no longer than the
		// TTLs it rests on; a minute at most, so that a desk sees a
		// changed answer soon.
		if left := time.Until(out.res.Expires()); left > 0 {
			res.maxAge = min(left.Truncate(time.Second), foundMaxAge)
		}
	}
	return res, nil
}

// lookupStatus is the API's status for a lookup's outcome.
func lookupStatus(o *outcome) int {
	switch {
	case o.invalid():
		return http.StatusBadRequest
	case o.res.Found:
		return http.StatusOK
	case errors.Is(o.res.Err, lookup.ErrNetwork):
		return http.StatusBadGateway
	case errors.As(o.res.Err, new(*lookup.InterruptedError)):
		return http.StatusGatewayTimeout
	}
	return http.StatusNotFound
}

// cacheFor sets Cache-Control for an answer a client may keep for d: kept
// by the browser alone (it names the address), or not at all.
func cacheFor(w http.ResponseWriter, d time.Duration) {
	if d <= 0 {
		w.Header().Set("Cache-Control", "no-store")
		return
	}
	w.Header().Set("Cache-Control", "private, max-age="+strconv.Itoa(int(d.Seconds())))
}

// apiLookup is GET /api/v1/lookup?address=…&protocol=…&lang=….
func (s *server) apiLookup(w http.ResponseWriter, r *http.Request) {
	lang := s.language(r)
	q := r.URL.Query()
	address := q.Get("address")
	if strings.TrimSpace(address) == "" {
		s.apiError(w, http.StatusBadRequest, lang.Sprintf(i18n.APIMissing, "address"))
		return
	}
	res, err := s.lookup(r, address, q.Get("protocol"), lang, true)
	if err != nil {
		s.fail(w, err)
		return
	}
	cacheFor(w, res.maxAge)
	writeAPI(w, res.status, res.view)
}

// check checks a server as popfind verify does, for the API and the verify
// page: host, and protocol (default pop3), port and mode (ssl, starttls or
// plain) as the query gives them; the port and the mode default as verify
// picks them. Only the mail ports of webPorts may be checked. The error is
// an *httpError: 400 for a bad request, 502 when the server cannot reach
// the network at all.
func (s *server) check(r *http.Request, host, protocol, port, mode string, lang i18n.Lang) (*verifyReport, error) {
	bad := func(msg string) (*verifyReport, error) {
		return nil, &httpError{http.StatusBadRequest, msg}
	}
	host = strings.TrimSpace(host)
	if host == "" {
		return bad(lang.Sprintf(i18n.APIMissing, "host"))
	}
	if strings.TrimSpace(protocol) == "" {
		protocol = "pop3"
	}
	proto, err := verifyProtocol(protocol)
	if err != nil {
		return bad(lang.Sprintf(i18n.APIVerifyProtocol, strconv.Quote(protocol)))
	}
	var ssl, starttls, plain bool
	switch strings.ToLower(strings.TrimSpace(mode)) {
	case "":
	case "ssl", "tls", "ssl/tls":
		ssl = true
	case "starttls":
		starttls = true
	case "plain", "none":
		plain = true
	default:
		return bad(lang.Sprintf(i18n.APIMode, strconv.Quote(mode)))
	}
	target := host
	if port = strings.TrimSpace(port); port != "" {
		target = net.JoinHostPort(strings.Trim(host, "[]"), port)
	}
	h, p, st, err := parseTarget(target, proto, ssl, starttls, plain)
	var ue *usageErr
	if errors.As(err, &ue) {
		return bad(lang.Sprintf(ue.key, ue.args...))
	}
	if err != nil {
		return bad(err.Error())
	}
	if !webPorts[p] {
		return bad(lang.Sprintf(i18n.APIPort, strconv.Itoa(p)))
	}
	info(r).host = h
	f, err := s.finder(s.opts.protocols)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.timeout)
	defer cancel()
	rep, err := f.Check(ctx, proto, h, p, st)
	if err != nil {
		return nil, &httpError{http.StatusBadGateway, err.Error()}
	}
	var refused *refusedError
	if errors.As(rep.Err, &refused) {
		// Not a network failure: the rule of this server, said plainly.
		rep.Kind = kindRefusedForSafety
		rep.Problem = i18n.M(i18n.FailRefusedSafety, refused.Addr)
		rep.Hint = i18n.M(i18n.HintRefusedSafety)
	}
	return &verifyReport{r: rep}, nil
}

// kindRefusedForSafety is the kind of a check that popfind serve did not
// make because the server's address is not a public one.
const kindRefusedForSafety probe.Kind = "refused_for_safety"

// apiVerify is GET /api/v1/verify?host=…&protocol=…&port=…&mode=…: the
// verify --json object, with status 200 whether the server passed or not
// (ok says which).
func (s *server) apiVerify(w http.ResponseWriter, r *http.Request) {
	lang := s.language(r)
	q := r.URL.Query()
	rep, err := s.check(r, q.Get("host"), q.Get("protocol"), q.Get("port"), q.Get("mode"), lang)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeAPI(w, http.StatusOK, rep.json(lang))
}

// providerList is the built-in table's providers that filter matches (all
// for an empty filter), in region when one is given, as popfind providers
// lists them. The error is an *httpError for an unknown region.
func (s *server) providerList(filter, region string, lang i18n.Lang) ([]*providers.Provider, error) {
	table := providers.Builtin()
	list := table.Filter(strings.TrimSpace(filter))
	if region = strings.TrimSpace(region); region != "" {
		code, ok := table.NormalizeRegion(region)
		if !ok {
			return nil, &httpError{http.StatusBadRequest, lang.Sprintf(i18n.APIRegion, strconv.Quote(region), strings.Join(table.Regions(), ", "))}
		}
		list = providers.InRegion(list, code)
	}
	return list, nil
}

// apiProviders is GET /api/v1/providers?filter=…&region=…: an array of the
// objects popfind providers --json prints, one a line; empty when nothing
// matches.
func (s *server) apiProviders(w http.ResponseWriter, r *http.Request) {
	lang := s.language(r)
	q := r.URL.Query()
	list, err := s.providerList(q.Get("filter"), q.Get("region"), lang)
	if err != nil {
		s.fail(w, err)
		return
	}
	out := make([]providerJSON, len(list))
	for i, p := range list {
		out[i] = providerView(p, lang)
	}
	// The table is part of the binary: it changes only with it.
	w.Header().Set("Cache-Control", "max-age=3600")
	writeAPI(w, http.StatusOK, out)
}

// healthz is GET /healthz, for load balancers: 200 while the server
// answers. It needs no authentication and says nothing else.
func (s *server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// apiOpenAPI is GET /api/v1/openapi.json: docs/openapi.json, embedded.
func (s *server) apiOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	w.Write(docs.OpenAPI)
}

// apiSchema is GET /api/v1/result.schema.json, the schema the OpenAPI
// description refers to for results and checks.
func (s *server) apiSchema(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/schema+json")
	w.Header().Set("Cache-Control", "max-age=3600")
	w.Write(schema.Result)
}

// apiPaths are the API's endpoints, for telling a wrong method (405) from
// a wrong path (404).
var apiPaths = map[string]bool{"/api/v1/lookup": true, "/api/v1/verify": true, "/api/v1/providers": true, "/api/v1/export": true,
	"/api/v1/openapi.json": true, "/api/v1/result.schema.json": true, "/api/v1/check": true, "/api/v1/check.schema.json": true}

// apiNotFound answers every other request under /api/ in JSON.
func (s *server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	lang := s.language(r)
	if apiPaths[r.URL.Path] {
		w.Header().Set("Allow", "GET, HEAD")
		s.apiError(w, http.StatusMethodNotAllowed, lang.Sprintf(i18n.APIMethod, r.Method))
		return
	}
	s.apiError(w, http.StatusNotFound, lang.Sprintf(i18n.APINotFound))
}
