package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/internal/flight"
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
		fetcher = &autoconfig.Fetcher{Client: e.client, LookupIP: e.resolver.LookupIP}
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
// server is checked once per run, however many addresses use it: addresses
// that need the same server at once share one check, which runs until the
// last of them stops waiting, and the finished report is kept.
func (e *netEnv) verifier(o *options) func(context.Context, lookup.Server) *verifyReport {
	if !o.verify {
		return nil
	}
	p := e.prober()
	var group flight.Group[string, *verifyReport]
	var mu sync.Mutex
	done := map[string]*verifyReport{}
	cached := func(key string) (*verifyReport, bool) {
		mu.Lock()
		defer mu.Unlock()
		r, ok := done[key]
		return r, ok
	}
	return func(ctx context.Context, s lookup.Server) *verifyReport {
		key := fmt.Sprintf("%s:%d/%s", s.Host, s.Port, s.SocketType)
		if r, ok := cached(key); ok {
			return r
		}
		rep, err := group.Do(ctx, key, func(ctx context.Context) (*verifyReport, error) {
			if r, ok := cached(key); ok {
				return r, nil
			}
			cctx, cancel := context.WithTimeout(ctx, o.timeout)
			defer cancel()
			rep := &verifyReport{r: p.Check(cctx, s.Host, s.Port, s.SocketType)}
			if ctx.Err() == nil {
				mu.Lock()
				done[key] = rep
				mu.Unlock()
			}
			return rep, nil
		})
		if err != nil {
			return &verifyReport{r: probe.Interrupted(s.Host, s.Port, s.SocketType, err)}
		}
		return rep
	}
}

// normalizeDNS checks a --dns value and returns it as IP:PORT: an IP
// address, or a host name that the system resolves (popfind's own resolver
// needs a server to ask first), with the port 53 unless one is given.
func normalizeDNS(ctx context.Context, s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.Trim(s, "[]"), "53"
		if strings.Contains(host, ":") && net.ParseIP(host) == nil {
			return "", fmt.Errorf("--dns %q: want HOST[:PORT] (an IPv6 address with a port goes in brackets: [::1]:53)", s)
		}
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return "", fmt.Errorf("--dns %q: port %q is not a number from 1 to 65535", s, port)
	}
	if ip := net.ParseIP(host); ip != nil {
		return net.JoinHostPort(ip.String(), port), nil
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if lookup.ValidHost(name) != nil || strings.Trim(name, "0123456789.") == "" {
		return "", fmt.Errorf("--dns %q: %q is neither an IP address nor a host name", s, host)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, name)
	if err != nil || len(addrs) == 0 {
		return "", fmt.Errorf("--dns %q: the host name %s does not resolve", s, name)
	}
	return net.JoinHostPort(addrs[0], port), nil
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
