package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/flight"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// verifier returns the --verify check of a chosen server, or nil. Each
// server is checked once per run, however many addresses use it: addresses
// that need the same server at once share one check, which runs until the
// last of them stops waiting, and the finished report is kept.
func verifier(f *lookup.Finder, o *options) func(context.Context, lookup.Server) *verifyReport {
	if !o.verify {
		return nil
	}
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
		key := fmt.Sprintf("%s %s:%d/%s", s.Protocol, s.Host, s.Port, s.SocketType)
		if r, ok := cached(key); ok {
			return r
		}
		rep, err := group.Do(ctx, key, func(ctx context.Context) (*verifyReport, error) {
			if r, ok := cached(key); ok {
				return r, nil
			}
			cctx, cancel := context.WithTimeout(ctx, o.timeout)
			defer cancel()
			r, err := f.Check(cctx, s.Protocol, s.Host, s.Port, s.SocketType)
			switch {
			case err != nil && cctx.Err() != nil:
				r = probe.Interrupted(s.Protocol, s.Host, s.Port, s.SocketType, cctx.Err())
			case err != nil:
				// No check could start: the network setup (the resolver)
				// failed, which says nothing of the server.
				r = &probe.Report{Protocol: s.Protocol, Host: s.Host, Port: s.Port, SocketType: s.SocketType, Err: err,
					Kind: probe.KindDNS, Problem: i18n.M(i18n.FailNetwork, err.Error()), Hint: i18n.M(i18n.HintDNSUnreachable)}
			case r.Kind == probe.KindDNS && errors.Is(r.Err, settings.ErrNotFound):
				// The name came from popfind's sources, not from the
				// user's typing: spelling is not what to check first.
				r.Hint = i18n.M(i18n.HintDNSFromSource)
			}
			rep := &verifyReport{r: r}
			if ctx.Err() == nil {
				mu.Lock()
				done[key] = rep
				mu.Unlock()
			}
			return rep, nil
		})
		if err != nil {
			return &verifyReport{r: probe.Interrupted(s.Protocol, s.Host, s.Port, s.SocketType, err)}
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
		// No port: a bare address or host name, or an IPv6 address in
		// brackets, whole. A lone or misplaced bracket is no address.
		host, port = s, "53"
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			host = s[1 : len(s)-1]
		}
		if strings.ContainsAny(host, "[]") || strings.Contains(host, ":") && net.ParseIP(host) == nil {
			return "", usageError(i18n.UsageDNSForm, strconv.Quote(s))
		}
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return "", usageError(i18n.UsageDNSPort, strconv.Quote(s), strconv.Quote(port))
	}
	if ip := net.ParseIP(host); ip != nil {
		return net.JoinHostPort(ip.String(), port), nil
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if settings.ValidHost(name) != nil || strings.Trim(name, "0123456789.") == "" {
		return "", usageError(i18n.UsageDNSHost, strconv.Quote(s), strconv.Quote(host))
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, name)
	if err != nil || len(addrs) == 0 {
		return "", usageError(i18n.UsageDNSResolve, strconv.Quote(s), name)
	}
	return net.JoinHostPort(addrs[0], port), nil
}
