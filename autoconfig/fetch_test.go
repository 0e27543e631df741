package autoconfig_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

// world is a small Internet on loopback: a DNS server, a CA, and a client
// whose every lookup and connection goes through that DNS server.
type world struct {
	dns     *testnet.DNS
	ca      *testnet.CA
	fetcher *autoconfig.Fetcher
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{dns: testnet.NewDNS(t), ca: testnet.NewCA(t)}
	r := &resolver.Resolver{Servers: []string{w.dns.Addr}, Dial: testnet.Dial}
	tr := &http.Transport{DialContext: r.DialContext, TLSClientConfig: &tls.Config{RootCAs: w.ca.Pool()}}
	t.Cleanup(tr.CloseIdleConnections)
	w.fetcher = &autoconfig.Fetcher{Client: &http.Client{Transport: tr}}
	return w
}

// serveHTTPS serves h as names (all resolving to one new loopback address).
func (w *world) serveHTTPS(t *testing.T, h http.Handler, names ...string) {
	t.Helper()
	ip := testnet.IP()
	w.ca.ServeHTTPS(t, ip, h, names...)
	w.dns.Host(t, ip, names...)
}

func (w *world) serveHTTP(t *testing.T, h http.Handler, names ...string) {
	t.Helper()
	ip := testnet.IP()
	testnet.ServeHTTP(t, ip, h)
	w.dns.Host(t, ip, names...)
}

// finder returns a library Finder that looks in the world, with sources.
func (w *world) finder(t *testing.T, cfg lookup.Config) *lookup.Finder {
	t.Helper()
	cfg.DNS, cfg.RootCAs, cfg.Dial = w.dns.Addr, w.ca.Pool(), testnet.Dial
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	f, err := lookup.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

func configXML(host string) string {
	return fmt.Sprintf(`<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="test">
<domain>test</domain><displayName>Test %s</displayName>
<incomingServer type="pop3"><hostname>%s</hostname><port>995</port><socketType>SSL</socketType>
<username>%%EMAILADDRESS%%</username><authentication>password-cleartext</authentication></incomingServer>
</emailProvider></clientConfig>`, host, host)
}

func xmlHandler(body string) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/xml; charset=utf-8")
		fmt.Fprint(rw, body)
	})
}

func TestEachPlaceAlone(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	mux := func(path, host string) http.Handler {
		m := http.NewServeMux()
		m.Handle(path, xmlHandler(configXML(host)))
		return m
	}
	w.serveHTTPS(t, mux("/v1.1/ispdb-only.example", "pop.ispdb-only.example"), "ispdb.test")
	ispdb := "https://ispdb.test/v1.1/"
	w.serveHTTPS(t, mux("/mail/config-v1.1.xml", "pop.ac-only.example"), "autoconfig.ac-only.example")
	w.serveHTTPS(t, mux("/.well-known/autoconfig/mail/config-v1.1.xml", "pop.wk-only.example"), "wk-only.example")
	w.serveHTTP(t, mux("/mail/config-v1.1.xml", "pop.http-only.example"), "autoconfig.http-only.example")
	tests := []struct {
		email, source, url, host string
	}{
		{"me@ac-only.example", "autoconfig", "https://autoconfig.ac-only.example/mail/config-v1.1.xml?emailaddress=me%40ac-only.example", "pop.ac-only.example"},
		{"me@wk-only.example", "well-known", "https://wk-only.example/.well-known/autoconfig/mail/config-v1.1.xml", "pop.wk-only.example"},
		{"me@ispdb-only.example", "ispdb", "https://ispdb.test/v1.1/ispdb-only.example", "pop.ispdb-only.example"},
		{"me@http-only.example", "autoconfig-http", "http://autoconfig.http-only.example/mail/config-v1.1.xml", "pop.http-only.example"},
	}
	for _, tt := range tests {
		t.Run(tt.source, func(t *testing.T) {
			f := w.finder(t, lookup.Config{Sources: []string{"autoconfig", "ispdb"}, ISPDB: ispdb})
			res := f.Find(context.Background(), tt.email)
			if !res.Found || res.Source != tt.source || res.Answer.SourceURL != tt.url || res.Server().Host != tt.host {
				t.Fatalf("got found=%v source=%s url=%s; want %s %s (attempts %+v)", res.Found, res.Source, res.Answer.SourceURL, tt.source, tt.url, res.Attempts)
			}
			insecure := tt.source == "autoconfig-http"
			if res.Answer.PlainHTTP() != insecure {
				t.Errorf("PlainHTTP() = %v", res.Answer.PlainHTTP())
			}
			if insecure && (len(res.Answer.Warnings) == 0 || !strings.Contains(i18n.English.Format(res.Answer.Warnings[0]), "plain HTTP")) {
				t.Errorf("plain-HTTP answer without its warning: %v", res.Answer.Warnings)
			}
		})
	}
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.serveHTTPS(t, xmlHandler(configXML("pop.from-ispdb.example")), "ispdb.test")
	both := http.NewServeMux()
	both.Handle("/mail/config-v1.1.xml", xmlHandler(configXML("pop.from-autoconfig.example")))
	w.serveHTTPS(t, both, "autoconfig.many.example")
	wk := http.NewServeMux()
	wk.Handle("/.well-known/autoconfig/mail/config-v1.1.xml", xmlHandler(configXML("pop.from-wellknown.example")))
	w.serveHTTPS(t, wk, "many.example", "wk2.example")

	f := w.finder(t, lookup.Config{Sources: []string{"autoconfig", "ispdb"}, ISPDB: "https://ispdb.test/v1.1/", WaitAll: true})
	res := f.Find(context.Background(), "me@many.example")
	if res.Source != "autoconfig" || res.Server().Host != "pop.from-autoconfig.example" {
		t.Errorf("source %s host %s; autoconfig beats the others", res.Source, res.Server().Host)
	}
	found := 0
	for _, a := range res.Attempts {
		if a.Outcome == lookup.OutcomeFound {
			found++
		}
	}
	if found != 3 {
		t.Errorf("%d sources found an answer; want autoconfig, well-known and ispdb", found)
	}
	// Without the autoconfig host, well-known beats the ISPDB.
	res = f.Find(context.Background(), "me@wk2.example")
	if res.Source != "well-known" {
		t.Errorf("source %s, want well-known", res.Source)
	}
}

func TestRedirectToHTTPIsPlainHTTP(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.serveHTTP(t, xmlHandler(configXML("pop.redirected.example")), "plain.redirect.example")
	w.serveHTTPS(t, http.RedirectHandler("http://plain.redirect.example/config.xml", http.StatusFound), "autoconfig.redirect.example")
	s := &autoconfig.DomainSource{Fetcher: w.fetcher}
	a, err := s.Lookup(context.Background(), testnet.Addr(t, "me@redirect.example"))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Insecure || a.SourceURL != "http://plain.redirect.example/config.xml" {
		t.Errorf("Insecure=%v SourceURL=%s; an HTTPS fetch that lands on http:// counts as plain HTTP", a.Insecure, a.SourceURL)
	}
}

func TestFetchFailures(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	mux := http.NewServeMux()
	mux.Handle("/html/", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html")
		fmt.Fprint(rw, "<html><body>parked</body></html>")
	}))
	mux.Handle("/missing/", http.NotFoundHandler())
	mux.Handle("/error/", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { http.Error(rw, "oops", 500) }))
	mux.Handle("/loop/", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, r.URL.Path+"x", http.StatusFound)
	}))
	mux.Handle("/bad-xml/", xmlHandler("<clientConfig><emailProvider>"))
	w.serveHTTPS(t, mux, "fail.example")
	tests := []struct {
		path     string
		notFound bool
		want     string
	}{
		{"/missing/x", true, "HTTP 404"},
		{"/html/x", false, `content type "text/html" is not XML`},
		{"/error/x", false, "HTTP 500"},
		{"/loop/x", false, "more than 5 redirects"},
		{"/bad-xml/x", false, "parse: line"},
	}
	for _, tt := range tests {
		u := "https://fail.example" + tt.path
		_, err := w.fetcher.Config(context.Background(), u, testnet.Addr(t, "x@fail.example"))
		if err == nil {
			t.Errorf("%s: no error", tt.path)
			continue
		}
		if errors.Is(err, settings.ErrNotFound) != tt.notFound {
			t.Errorf("%s: errors.Is(ErrNotFound) = %v, want %v (%v)", tt.path, !tt.notFound, tt.notFound, err)
		}
		if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "https://fail.example") {
			t.Errorf("%s: error %q should name the URL and %q", tt.path, err, tt.want)
		}
	}
	// A certificate for another name is a TLS error that names the URL.
	ip := testnet.IP()
	w.ca.ServeHTTPS(t, ip, xmlHandler(configXML("x")), "other-name.example")
	w.dns.Host(t, ip, "wrong-cert.example")
	_, err := w.fetcher.Get(context.Background(), "https://wrong-cert.example/")
	if err == nil || !strings.Contains(err.Error(), "certificate") || !strings.Contains(err.Error(), "https://wrong-cert.example/") {
		t.Errorf("wrong certificate: %v", err)
	}
}

// TestBodyLimits is not parallel: it measures the process's allocation,
// which other tests running at once would add to.
func TestBodyLimits(t *testing.T) {
	w := newWorld(t)
	mux := http.NewServeMux()
	chunk := strings.Repeat("<x>aaaaaaaa</x>", 1<<10)
	written := make(chan int, 1)
	mux.Handle("/huge", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/xml")
		sent := 0
		defer func() { written <- sent }()
		for sent < 20<<20 {
			n, err := rw.Write([]byte(chunk))
			sent += n
			if err != nil {
				return
			}
		}
	}))
	mux.Handle("/drip", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/xml")
		testnet.Drip(rw, r, []byte("<"))
	}))
	w.serveHTTPS(t, mux, "limits.example")

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := w.fetcher.Get(context.Background(), "https://limits.example/huge")
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("20 MB body: %v; want it refused", err)
	}
	// The fetch stops reading at the cap: the server gets rid of little more
	// than that plus what the sockets buffer, never the whole 20 MB.
	w.fetcher.Client.Transport.(*http.Transport).CloseIdleConnections()
	if n := <-written; n > 10<<20 {
		t.Errorf("the server wrote %d MiB before the client hung up; want the fetch to stop near 1 MiB", n>>20)
	}
	// Client and in-process server together: the client's share is the
	// capped buffer; 24 MiB would mean the whole body was held.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("a 20 MB body cost %d MiB of allocation", grew>>20)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = w.fetcher.Get(ctx, "https://limits.example/drip")
	if err == nil || time.Since(start) > 3*time.Second {
		t.Errorf("dripping body: err %v after %v; want an error by the deadline", err, time.Since(start))
	}
}

func TestHostedUsesAutoconfigThenISPDB(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.serveHTTPS(t, xmlHandler(configXML("pop.hoster.example")), "autoconfig.hoster.example")
	isp := http.NewServeMux()
	isp.Handle("/v1.1/ispdb-hoster.example", xmlHandler(configXML("pop.ispdb-hoster.example")))
	w.serveHTTPS(t, isp, "ispdb.test")
	h := &autoconfig.Hosted{Fetcher: w.fetcher, ISPDB: "https://ispdb.test/v1.1/"}
	a, err := h.Lookup(context.Background(), "hoster.example", testnet.Addr(t, "x@customer.example"))
	if err != nil || a.Servers[0].Host != "pop.hoster.example" {
		t.Fatalf("hoster.example: %+v %v", a, err)
	}
	a, err = h.Lookup(context.Background(), "ispdb-hoster.example", testnet.Addr(t, "x@customer.example"))
	if err != nil || a.Servers[0].Host != "pop.ispdb-hoster.example" {
		t.Fatalf("ispdb-hoster.example: %+v %v", a, err)
	}
	if _, err := h.Lookup(context.Background(), "nobody.example", testnet.Addr(t, "x@customer.example")); !errors.Is(err, settings.ErrNotFound) {
		t.Errorf("nobody.example: %v, want not found", err)
	}
}

// A small error body is read to its end, so the connection carries the next
// request instead of costing it a new TLS handshake; a body that trickles
// is not waited for.
func TestFetchReusesConnection(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	mux := http.NewServeMux()
	mux.Handle("/missing/", http.NotFoundHandler())
	mux.Handle("/trickle/", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.WriteHeader(http.StatusNotFound)
		testnet.Drip(rw, r, []byte("x"))
	}))
	w.serveHTTPS(t, mux, "keep.example")
	r := &resolver.Resolver{Servers: []string{w.dns.Addr}, Dial: testnet.Dial}
	var dials atomic.Int32
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return r.DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{RootCAs: w.ca.Pool()},
	}
	defer tr.CloseIdleConnections()
	f := &autoconfig.Fetcher{Client: &http.Client{Transport: tr}, LookupIP: r.LookupIP}
	for i := range 3 {
		if _, err := f.Get(context.Background(), fmt.Sprintf("https://keep.example/missing/%d", i)); !errors.Is(err, settings.ErrNotFound) {
			t.Fatalf("fetch %d: %v", i, err)
		}
		if _, err := f.Post(context.Background(), "https://keep.example/missing/post", "text/xml", []byte("<x/>"), nil); !errors.Is(err, settings.ErrNotFound) {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("%d connections for 6 requests answered 404; want 1", n)
	}
	start := time.Now()
	if _, err := f.Get(context.Background(), "https://keep.example/trickle/"); !errors.Is(err, settings.ErrNotFound) {
		t.Fatalf("trickle: %v", err)
	}
	if el := time.Since(start); el > 900*time.Millisecond {
		t.Errorf("a trickling 404 body held the fetch for %v", el)
	}
}
