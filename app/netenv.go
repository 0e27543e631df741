package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/probe"
	"github.com/popfind/popfind/providers"
)

// netEnv holds what every lookup of a run shares: the provider table, one
// resolver (which caches) and one HTTP client (which keeps connections
// alive). The network parts exist only when a network source is enabled.
type netEnv struct {
	rootCAs   *x509.CertPool
	table     *providers.Table
	resolver  *lookup.Resolver
	client    *http.Client
	transport *http.Transport
}

func needsNetwork(o *options) bool {
	for name, on := range o.sources {
		if on && name != lookup.SourceBuiltin {
			return true
		}
	}
	return o.verify
}

func newNetEnv(o *options) (*netEnv, error) {
	e := &netEnv{table: providers.Builtin(), rootCAs: o.rootCAs}
	if !needsNetwork(o) {
		return e, nil
	}
	if o.dns != "" {
		e.resolver = &lookup.Resolver{Servers: []string{o.dns}}
	} else {
		r, err := lookup.SystemResolver()
		if err != nil {
			return nil, fmt.Errorf("no DNS resolver: %w; pass --dns HOST[:PORT]", err)
		}
		e.resolver = r
	}
	e.transport = &http.Transport{
		// Every connection resolves its host through the run's resolver, and
		// no proxy is used: a proxy would resolve names behind --dns's back.
		Proxy:                  nil,
		DialContext:            e.resolver.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           256,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        30 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  0, // the lookup's deadline bounds it
		MaxResponseHeaderBytes: 64 << 10,
		TLSClientConfig:        &tls.Config{RootCAs: o.rootCAs, MinVersion: tls.VersionTLS12},
	}
	e.client = &http.Client{Transport: e.transport}
	return e, nil
}

func (e *netEnv) close() {
	if e.transport != nil {
		e.transport.CloseIdleConnections()
	}
}

// finder assembles the sources that o enables, in precedence order.
func (e *netEnv) finder(o *options) *lookup.Finder {
	f := &lookup.Finder{Timeout: o.timeout, WaitAll: o.all}
	var fetcher *autoconfig.Fetcher
	if e.client != nil {
		fetcher = &autoconfig.Fetcher{Client: e.client}
	}
	for _, name := range lookup.Precedence {
		var s lookup.Source
		switch {
		case !o.sources[name]:
			s = lookup.Skip(name, "not selected by --sources")
		case name == lookup.SourceBuiltin:
			s = &providers.Source{Table: e.table}
		case name == lookup.SourceISPDB && o.ispdb == "":
			s = lookup.Skip(name, "turned off by an empty --ispdb")
		case name == lookup.SourceAutoconfig, name == lookup.SourceWellKnown,
			name == lookup.SourceISPDB, name == lookup.SourceAutoconfigHTTP:
			s = &autoconfig.Source{Kind: name, Fetcher: fetcher, ISPDB: o.ispdb}
		case name == lookup.SourceSRV:
			s = &lookup.SRVSource{Resolver: e.resolver}
		case name == lookup.SourceMX:
			mx := &lookup.MXSource{Resolver: e.resolver, Hosting: e.table}
			if o.sources[lookup.SourceAutoconfig] || o.sources[lookup.SourceISPDB] {
				h := &autoconfig.Hosted{Fetcher: fetcher}
				if o.sources[lookup.SourceISPDB] {
					h.ISPDB = o.ispdb
				}
				mx.Configs = h
			}
			s = mx
		case name == lookup.SourceAutodiscover:
			s = &autoconfig.AutodiscoverSource{Fetcher: fetcher, Resolver: e.resolver}
		case name == lookup.SourceGuess:
			s = &probe.GuessSource{Prober: e.prober()}
		default:
			panic("popfind: no source named " + name)
		}
		if name == lookup.SourceGuess {
			f.Fallback = s
		} else {
			f.Sources = append(f.Sources, s)
		}
	}
	return f
}

// prober checks POP3 servers, connecting through the run's resolver.
func (e *netEnv) prober() *probe.Prober {
	return &probe.Prober{Dial: e.resolver.DialContext, RootCAs: e.rootCAs}
}

// verifier returns the --verify check of a chosen server, or nil. Each
// server is checked once per run, however many addresses use it.
func (e *netEnv) verifier(o *options) func(context.Context, lookup.Server) *verifyReport {
	if !o.verify {
		return nil
	}
	p := e.prober()
	type check struct {
		once sync.Once
		rep  *verifyReport
	}
	var mu sync.Mutex
	checks := map[string]*check{}
	return func(ctx context.Context, s lookup.Server) *verifyReport {
		key := fmt.Sprintf("%s:%d/%s", s.Host, s.Port, s.SocketType)
		mu.Lock()
		c, ok := checks[key]
		if !ok {
			c = &check{}
			checks[key] = c
		}
		mu.Unlock()
		c.once.Do(func() {
			ctx, cancel := context.WithTimeout(ctx, o.timeout)
			defer cancel()
			c.rep = &verifyReport{r: p.Check(ctx, s.Host, s.Port, s.SocketType)}
		})
		return c.rep
	}
}

// normalizeDNS checks a --dns value and adds the default port.
func normalizeDNS(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.Trim(s, "[]"), "53"
	}
	if host == "" || strings.ContainsAny(host, " /") {
		return "", fmt.Errorf("--dns %q: want HOST[:PORT]", s)
	}
	if p, err := net.LookupPort("udp", port); err != nil || p < 1 || p > 65535 {
		return "", fmt.Errorf("--dns %q: invalid port %q", s, port)
	}
	return net.JoinHostPort(host, port), nil
}

// normalizeISPDB checks an --ispdb base URL and makes it end in a slash.
func normalizeISPDB(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("--ispdb %q: want an http:// or https:// URL", s)
	}
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s, nil
}
