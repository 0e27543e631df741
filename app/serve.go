package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"
	langtag "golang.org/x/text/language"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// popfind serve puts the library behind a web page and a JSON API for a
// support desk. Anyone who reaches it makes popfind connect to hosts chosen
// from what they typed, so by default it connects to public addresses only
// (serve_guard.go), limits each client's rate and the lookups in flight
// (serve_limit.go), and can ask for a password (serve_auth.go).

// Defaults and bounds of popfind serve.
const (
	defaultListen      = "127.0.0.1:8080"
	defaultRate        = 60 // lookups or checks a minute per client
	rateBurst          = 10
	defaultMaxInflight = 256
	// shutdownGrace is how long a stopped server waits for the requests
	// in flight.
	shutdownGrace = 10 * time.Second
	// maxHeaderBytes, maxQuery and maxBody bound a request: its header,
	// its query string and its body (no endpoint reads one).
	maxHeaderBytes = 16 << 10
	maxQuery       = 2048
	maxBody        = 16 << 10
	// foundMaxAge is the longest a client may keep a found answer: as
	// long as the Finder keeps it (Result.Expires, no longer than its DNS
	// records' TTLs), and a minute at most.
	foundMaxAge = time.Minute
)

// contentSecurityPolicy is the policy of every response: nothing from
// other sites, no inline script or style, no frames, forms only to this
// server.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// webPorts are the ports a check from the web may connect to: the mail
// ports, so that the page is no port scanner.
var webPorts = map[int]bool{110: true, 995: true, 143: true, 993: true, 465: true, 587: true}

// errServeStopped is what a server returns once a signal stopped it and
// the requests in flight are done: an exit with status 0.
var errServeStopped = errors.New("popfind serve stopped")

// serveConfig is what popfind serve's own flags say; the lookup flags are
// the command's options.
type serveConfig struct {
	listen  string
	logJSON bool
	// allowPrivate turns the address rule off; allow lets the listed
	// prefixes through it (tests, for their own servers).
	allowPrivate bool
	allow        []netip.Prefix
	// rate is lookups or checks a minute per client; 0 means no limit.
	rate        int
	maxInflight int
	trust       []netip.Prefix
	users       *users
	cert        *tls.Certificate
	// dial is the dial under the guard: nil for a net.Dialer (IO.Dial).
	dial dialFunc
}

func serveCommand(lang i18n.Lang) *cli.Command {
	t := lang.Sprintf
	return &cli.Command{
		Name:        "serve",
		Usage:       t(i18n.CmdServe),
		UsageText:   t(i18n.CmdServeUsage),
		Description: t(i18n.CmdServeDesc),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: defaultListen, Usage: t(i18n.FlagListen), EnvVars: []string{"POPFIND_LISTEN"}},
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: t(i18n.FlagLogFormat), EnvVars: []string{"POPFIND_LOG_FORMAT"}},
			&cli.StringFlag{Name: "auth-file", Usage: t(i18n.FlagAuthFile), EnvVars: []string{"POPFIND_AUTH_FILE"}},
			&cli.StringFlag{Name: "tls-cert", Usage: t(i18n.FlagTLSCert), EnvVars: []string{"POPFIND_TLS_CERT"}},
			&cli.StringFlag{Name: "tls-key", Usage: t(i18n.FlagTLSKey), EnvVars: []string{"POPFIND_TLS_KEY"}},
			&cli.BoolFlag{Name: "allow-private", Usage: t(i18n.FlagAllowPrivate), EnvVars: []string{"POPFIND_ALLOW_PRIVATE"}},
			&cli.IntFlag{Name: "rate", Value: defaultRate, Usage: t(i18n.FlagRate), EnvVars: []string{"POPFIND_RATE"}},
			&cli.IntFlag{Name: "max-inflight", Value: defaultMaxInflight, Usage: t(i18n.FlagMaxInflight), EnvVars: []string{"POPFIND_MAX_INFLIGHT"}},
			&cli.StringSliceFlag{Name: "trust-proxy", Usage: t(i18n.FlagTrustProxy), EnvVars: []string{"POPFIND_TRUST_PROXY"}},
			&cli.StringFlag{Name: "lang", Usage: t(i18n.FlagServeLang), EnvVars: []string{"POPFIND_LANG"}},
			timeoutFlag(t(i18n.FlagTimeout)),
			dnsFlag(lang),
			&cli.StringFlag{Name: "protocol", Value: "pop3,smtp", Usage: t(i18n.FlagServeProtocol), EnvVars: []string{"POPFIND_PROTOCOL"}},
			&cli.StringFlag{Name: "sources", Value: "all", Usage: t(i18n.FlagSources, lang.List(lookup.SourceNames())), EnvVars: []string{"POPFIND_SOURCES"}},
			&cli.BoolFlag{Name: "offline", Usage: t(i18n.FlagOffline), EnvVars: []string{"POPFIND_OFFLINE"}},
			&cli.StringFlag{Name: "ispdb", Value: lookup.DefaultISPDB, Usage: t(i18n.FlagISPDB), EnvVars: []string{"POPFIND_ISPDB"}},
			&cli.StringFlag{Name: "grace", Usage: t(i18n.FlagGrace), EnvVars: []string{"POPFIND_GRACE"}},
			&cli.BoolFlag{Name: "wait-all", Usage: t(i18n.FlagWaitAll), EnvVars: []string{"POPFIND_WAIT_ALL"}},
		},
		Action: serveAction,
	}
}

func serveAction(c *cli.Context) error {
	getenv := c.App.Metadata["getenv"].(func(string) string)
	opts, err := parseOptions(c, getenv)
	if err != nil {
		return err
	}
	cfg, err := parseServeFlags(c)
	if err != nil {
		return err
	}
	cfg.dial, _ = c.App.Metadata["dial"].(func(context.Context, string, string) (net.Conn, error))
	s, err := newServer(opts, cfg, c.App.ErrWriter)
	if err != nil {
		return err
	}
	defer s.close()
	l, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return usageError(i18n.UsageListen, strconv.Quote(cfg.listen), err.Error())
	}
	return s.serve(c.Context, l)
}

// parseServeFlags reads serve's own flags.
func parseServeFlags(c *cli.Context) (*serveConfig, error) {
	cfg := &serveConfig{
		listen:       strings.TrimSpace(c.String("listen")),
		allowPrivate: c.Bool("allow-private"),
		rate:         c.Int("rate"),
		maxInflight:  c.Int("max-inflight"),
	}
	if _, _, err := net.SplitHostPort(cfg.listen); err != nil {
		return nil, usageError(i18n.UsageListen, strconv.Quote(cfg.listen), err.Error())
	}
	switch f := strings.ToLower(strings.TrimSpace(c.String("log-format"))); f {
	case "text", "":
	case "json":
		cfg.logJSON = true
	default:
		return nil, usageError(i18n.UsageLogFormat, strconv.Quote(c.String("log-format")))
	}
	if cfg.rate < 0 {
		return nil, usageError(i18n.UsageRate, strconv.Itoa(cfg.rate))
	}
	if cfg.maxInflight < 1 {
		return nil, usageError(i18n.UsageMaxInflight, strconv.Itoa(cfg.maxInflight))
	}
	for _, v := range c.StringSlice("trust-proxy") {
		for _, s := range strings.Split(v, ",") {
			if strings.TrimSpace(s) == "" {
				continue
			}
			p, ok := parsePrefix(s)
			if !ok {
				return nil, usageError(i18n.UsageTrustProxy, strconv.Quote(s))
			}
			cfg.trust = append(cfg.trust, p)
		}
	}
	if name := c.String("auth-file"); name != "" {
		f, err := os.Open(name)
		if err != nil {
			return nil, usageError(i18n.UsageAuthFile, strconv.Quote(name), err.Error())
		}
		cfg.users, err = parseUsers(f)
		f.Close()
		if err != nil {
			return nil, usageError(i18n.UsageAuthFile, strconv.Quote(name), err.Error())
		}
	}
	certFile, keyFile := c.String("tls-cert"), c.String("tls-key")
	if (certFile == "") != (keyFile == "") {
		return nil, usageError(i18n.UsageTLSPair)
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, usageError(i18n.UsageTLSLoad, strconv.Quote(certFile), strconv.Quote(keyFile), err.Error())
		}
		cfg.cert = &cert
	}
	return cfg, nil
}

// server is popfind serve: the page and the API over one set of Finders.
// It is an http.Handler; serve runs it on a listener.
type server struct {
	// opts are the lookup options, as the command's: the default language
	// (opts.lang), protocols (opts.protocols, the API's default) and the
	// guarded dial (opts.dial). Handlers copy them, never change them.
	opts *options
	cfg  *serveConfig
	log  *slog.Logger
	// errw is where the URL and warnings go: standard error.
	errw io.Writer

	mux    *http.ServeMux
	limits *clientLimits // nil: no rate limit
	// authLimits counts wrong passwords per client, at the default rate
	// even when --rate 0 turns the rate limit off.
	authLimits *clientLimits
	inflight   chan struct{} // a token per lookup or check in flight
	checks     chan struct{} // a token per domain check in flight (serve_check.go)

	mu      sync.Mutex
	finders map[string]*lookup.Finder // by protocol list, "pop3,smtp"
}

// newServer makes the server of opts and cfg, logging to logw. It makes
// the Finder of the default protocols at once, so that a bad --dns or
// --sources is a usage error before anything listens.
func newServer(opts *options, cfg *serveConfig, logw io.Writer) (*server, error) {
	o := *opts
	o.json = true
	o.verify, o.progress, o.color, o.width = false, false, false, 0
	if !cfg.allowPrivate {
		o.dial = guardDial(cfg.dial, newGuardian(cfg.allow))
	} else {
		o.dial = cfg.dial
	}
	if o.protocols == nil {
		o.protocols = lookup.DefaultProtocols()
	}
	var h slog.Handler = slog.NewTextHandler(logw, nil)
	if cfg.logJSON {
		h = slog.NewJSONHandler(logw, nil)
	}
	s := &server{
		opts: &o, cfg: cfg, log: slog.New(h), errw: logw,
		limits:     newClientLimits(cfg.rate, rateBurst, maxClients),
		authLimits: newClientLimits(defaultRate, rateBurst, maxClients),
		inflight:   make(chan struct{}, cfg.maxInflight),
		checks:     make(chan struct{}, min(maxChecks, cfg.maxInflight)),
		finders:    map[string]*lookup.Finder{},
	}
	if _, err := s.finder(o.protocols); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// routes sets up the server's endpoints. Lookups and checks, the costly
// ones, go through the rate limit and the cap on work in flight.
func (s *server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /healthz", s.healthz)
	m.Handle("GET /api/v1/lookup", s.costly(s.apiLookup))
	m.Handle("GET /api/v1/verify", s.costly(s.apiVerify))
	m.Handle("GET /api/v1/export", s.costly(s.apiExport))
	m.Handle("GET /api/v1/check", s.costlyCheck(s.apiCheck))
	m.HandleFunc("GET /api/v1/check.schema.json", s.apiCheckSchema)
	m.HandleFunc("GET /api/v1/providers", s.apiProviders)
	m.HandleFunc("GET /api/v1/openapi.json", s.apiOpenAPI)
	m.HandleFunc("GET /api/v1/result.schema.json", s.apiSchema)
	m.HandleFunc("/api/", s.apiNotFound)
	m.HandleFunc("GET /{$}", s.pageIndex)
	m.Handle("GET /lookup", s.costly(s.pageLookup))
	m.HandleFunc("GET /providers", s.pageProviders)
	m.Handle("GET /verify", s.costly(s.pageVerify))
	m.HandleFunc("GET /check", s.pageCheckForm)
	m.Handle("GET /static/", s.static())
	// Any other page: the error page, with its language switch, not the
	// mux's bare text.
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.pageError(w, r, http.StatusNotFound, s.language(r).Sprintf(i18n.PageNoSuchPage))
	})
	s.mux = m
}

// finder returns the Finder for protocols, made on first use and kept.
// A Finder looks for one list of protocols, and each keeps its own cache:
// there are at most as many as there are orders of pop3, imap and smtp.
func (s *server) finder(protocols []lookup.Protocol) (*lookup.Finder, error) {
	names := make([]string, len(protocols))
	for i, p := range protocols {
		names[i] = string(p)
	}
	key := strings.Join(names, ",")
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.finders[key]; ok {
		return f, nil
	}
	o := *s.opts
	o.protocols = protocols
	f, err := newFinder(&o)
	if err != nil {
		return nil, err
	}
	s.finders[key] = f
	return f, nil
}

// close releases every Finder's connections.
func (s *server) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.finders {
		f.Close()
	}
}

// serve answers on l until ctx ends, then stops taking requests, gives
// those in flight up to shutdownGrace to finish, and returns
// errServeStopped. It prints the URL it serves on first.
func (s *server) serve(ctx context.Context, l net.Listener) error {
	// Requests run on a context of their own: a signal stops the server
	// taking new ones, not the lookups it is making. They stop when the
	// grace is over.
	base, stop := context.WithCancel(context.Background())
	defer stop()
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		// A lookup or a server's check takes up to --timeout, a domain
		// check up to checkLimit; the answer is written after.
		WriteTimeout:   checkLimit(s.opts.timeout) + 5*time.Second,
		IdleTimeout:    time.Minute,
		MaxHeaderBytes: maxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:    func(net.Listener) context.Context { return base },
	}
	scheme := "http"
	if s.cfg.cert != nil {
		scheme = "https"
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*s.cfg.cert}, MinVersion: tls.VersionTLS12}
	}
	lang := s.opts.lang
	addr := l.Addr().(*net.TCPAddr)
	// Listening on every address, the URL that works here is loopback's.
	at := addr.String()
	if addr.IP.IsUnspecified() {
		at = net.JoinHostPort("127.0.0.1", strconv.Itoa(addr.Port))
	}
	fmt.Fprintln(s.errw, "popfind"+lang.Colon()+lang.Sprintf(i18n.MsgServing, scheme+"://"+at+"/"))
	if !addr.IP.IsLoopback() && s.cfg.users == nil {
		fmt.Fprintln(s.errw, "popfind"+lang.Colon()+lang.Sprintf(i18n.LblWarning)+lang.Colon()+lang.Sprintf(i18n.WarnServeOpen, openAddr(s.cfg.listen, addr)))
	}
	served := make(chan error, 1)
	go func() {
		if s.cfg.cert != nil {
			served <- srv.ServeTLS(l, "", "")
			return
		}
		served <- srv.Serve(l)
	}()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	s.log.Info("stopping", "grace", shutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// The grace is over: what still runs is cut short.
		stop()
		srv.Close()
	}
	<-served
	return errServeStopped
}

// reqInfo is what the access log says of a request besides its method,
// path and status; the handlers fill it in.
type reqInfo struct {
	client netip.Addr
	user   string
	// domain is the domain looked up: never the address, whose local part
	// is personal data.
	domain string
	// host is the server checked.
	host string
}

type reqInfoKey struct{}

// info returns r's log entry, which the handlers may fill in.
func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// ServeHTTP answers a request: the headers every response has, the size
// limits, authentication, then the endpoint; and one line in the log.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ri := &reqInfo{client: clientAddr(r, s.cfg.trust)}
	r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, ri))
	sw := &statusWriter{ResponseWriter: w}
	defer func() { s.logRequest(r, ri, sw, time.Since(start)) }()
	h := sw.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	if r.Body != nil {
		r.Body = http.MaxBytesReader(sw, r.Body, maxBody)
	}
	if len(r.URL.RawQuery) > maxQuery {
		s.reject(sw, r, http.StatusRequestURITooLong, s.language(r).Sprintf(i18n.APIQueryTooLong, strconv.Itoa(maxQuery)))
		return
	}
	if s.cfg.users != nil && r.URL.Path != "/healthz" && !s.authorized(sw, r, ri) {
		return
	}
	s.mux.ServeHTTP(sw, r)
}

// authorized checks r's Basic authentication and answers 401 when it
// fails. A failed try takes a token of the client's rate, so that guessing
// passwords is as slow as the rate.
func (s *server) authorized(w http.ResponseWriter, r *http.Request, ri *reqInfo) bool {
	name, password, ok := r.BasicAuth()
	now := time.Now()
	lang := s.language(r)
	if ok {
		// A client past its limit of wrong guesses gets no bcrypt check:
		// each costs tens of milliseconds of CPU.
		if limited, wait := s.authLimits.limited(ri.client, now); limited {
			w.Header().Set("Retry-After", retryAfter(wait))
			s.reject(w, r, http.StatusTooManyRequests, lang.Sprintf(i18n.APIRate, retryAfter(wait)))
			return false
		}
	}
	if ok && s.cfg.users.check(name, password, now) {
		ri.user = name
		return true
	}
	if ok {
		if allowed, wait := s.authLimits.allow(ri.client, now); !allowed {
			w.Header().Set("Retry-After", retryAfter(wait))
			s.reject(w, r, http.StatusTooManyRequests, lang.Sprintf(i18n.APIRate, retryAfter(wait)))
			return false
		}
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="popfind", charset="UTF-8"`)
	s.reject(w, r, http.StatusUnauthorized, lang.Sprintf(i18n.APIAuth))
	return false
}

// costly wraps a lookup or a check: it takes a token of the client's rate
// (429 with Retry-After when there is none) and a place among the lookups
// in flight (503 when they are all taken).
func (s *server) costly(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := s.limits.allow(info(r).client, time.Now()); !ok {
			w.Header().Set("Retry-After", retryAfter(wait))
			s.reject(w, r, http.StatusTooManyRequests, s.language(r).Sprintf(i18n.APIRate, retryAfter(wait)))
			return
		}
		select {
		case s.inflight <- struct{}{}:
			defer func() { <-s.inflight }()
		default:
			w.Header().Set("Retry-After", "1")
			s.reject(w, r, http.StatusServiceUnavailable, s.language(r).Sprintf(i18n.APIBusy))
			return
		}
		h(w, r)
	})
}

// reject answers a request the server will not serve: a JSON error object
// under /api/, the page's error page elsewhere.
func (s *server) reject(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz" {
		s.apiError(w, status, msg)
		return
	}
	s.pageError(w, r, status, msg)
}

// logRequest writes the access log's line for r. The path is left out
// when it holds an @: an address belongs in the query, which is never
// logged, and a path that holds one anyway is not logged either.
func (s *server) logRequest(r *http.Request, ri *reqInfo, sw *statusWriter, d time.Duration) {
	path := r.URL.Path
	if strings.Contains(path, "@") || len(path) > 200 {
		path = "(withheld)"
	}
	status := sw.status
	if status == 0 {
		status = http.StatusOK
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method), slog.String("path", path), slog.Int("status", status),
		slog.Int64("bytes", sw.bytes), slog.Float64("ms", float64(d.Microseconds())/1000),
		slog.String("client", ri.client.String()),
	}
	if ri.user != "" {
		attrs = append(attrs, slog.String("user", ri.user))
	}
	if ri.domain != "" {
		attrs = append(attrs, slog.String("domain", ri.domain))
	}
	if ri.host != "" {
		attrs = append(attrs, slog.String("host", ri.host))
	}
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "request", attrs...)
}

// statusWriter notes the status and the size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// language is the language of a request's words: ?lang= when it names a
// language popfind speaks, then the first of Accept-Language that it
// speaks, then the server's --lang or locale.
func (s *server) language(r *http.Request) i18n.Lang {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	if l, ok := acceptLanguage(r.Header.Get("Accept-Language")); ok {
		return l
	}
	return s.opts.lang
}

// acceptLanguage picks the language popfind speaks that an
// Accept-Language header prefers.
func acceptLanguage(header string) (i18n.Lang, bool) {
	if header == "" || len(header) > 512 {
		return "", false
	}
	tags, q, err := langtag.ParseAcceptLanguage(header)
	if err != nil {
		return "", false
	}
	for i, t := range tags {
		if q[i] <= 0 {
			continue
		}
		if l, ok := i18n.Parse(t.String()); ok {
			return l, true
		}
	}
	return "", false
}

// noteDomain names in the access log the domain a request looked up.
func noteDomain(r *http.Request, domain string) { info(r).domain = domain }

// openAddr names where a server that listens beyond loopback can be
// reached: as --listen said it (0.0.0.0:8080, not the listener's [::]), with
// the port it got.
func openAddr(listen string, addr *net.TCPAddr) string {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return addr.String()
	}
	return net.JoinHostPort(host, strconv.Itoa(addr.Port))
}
