package app

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/providers"
)

// netEnv holds what every lookup of a run shares: the provider table, and
// for network sources one resolver and one HTTP client.
type netEnv struct {
	table *providers.Table
}

func newNetEnv(o *options) (*netEnv, error) {
	return &netEnv{table: providers.Builtin()}, nil
}

func (e *netEnv) close() {}

// finder assembles the sources that o enables, in precedence order.
func (e *netEnv) finder(o *options) *lookup.Finder {
	f := &lookup.Finder{Timeout: o.timeout, WaitAll: o.all}
	for _, name := range lookup.Precedence {
		var s lookup.Source
		switch {
		case !o.sources[name]:
			s = lookup.Skip(name, "not selected by --sources")
		case name == lookup.SourceBuiltin:
			s = &providers.Source{Table: e.table}
		default:
			s = lookup.Skip(name, "not available in this version")
		}
		if name == lookup.SourceGuess {
			f.Fallback = s
		} else {
			f.Sources = append(f.Sources, s)
		}
	}
	return f
}

func (e *netEnv) verifier(o *options) func(context.Context, lookup.Server) *verifyReport {
	return nil
}

// normalizeDNS checks a --dns value and adds the default port.
func normalizeDNS(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.Trim(s, "[]"), "53"
	}
	if host == "" {
		return "", fmt.Errorf("--dns %q: no host", s)
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
