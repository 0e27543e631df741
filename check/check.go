package check

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/netkit"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
	"github.com/popfind/popfind/providers"
)

// Checker checks domains. Its dependencies are its fields; New makes one.
// It is safe for concurrent use.
type Checker struct {
	cfg       lookup.Config
	protocols []settings.Protocol
	enabled   map[string]bool
	table     *providers.Table

	mu  sync.Mutex
	kit *netkit.Kit
	// prober is the kit's, allowed to negotiate TLS 1.0 and 1.1 so that a
	// server offering nothing newer is seen, and reported, as such.
	prober *probe.Prober
}

// MaxConcurrentChecks bounds how many servers a Check talks to at once.
// It is as large as the number of servers a Check checks at most, so
// that every server starts at once and the probing phase takes one
// Timeout however many of them hang.
const MaxConcurrentChecks = maxTargets

// New makes a Checker. cfg is read as for lookup.New: DNS, ISPDB/NoISPDB,
// RootCAs, Dial, Protocols (nil means POP3, IMAP and SMTP: an admin wants
// the whole picture) and Sources (from SourceNames: a check has no guess
// source); Timeout bounds each source and each
// server's check. WaitAll and Grace do not apply: a check always waits for
// every source.
func New(cfg lookup.Config) (*Checker, error) {
	cfg, err := cfg.Network()
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	c := &Checker{cfg: cfg, table: providers.Builtin()}
	c.protocols = cfg.Protocols
	if c.protocols == nil {
		c.protocols = append([]settings.Protocol(nil), settings.AllProtocols...)
	}
	if len(c.protocols) == 0 {
		return nil, errors.New("check: no protocol to check")
	}
	seen := map[settings.Protocol]bool{}
	for _, p := range c.protocols {
		if !p.Valid() {
			return nil, &settings.UnknownProtocolError{Name: string(p)}
		}
		if seen[p] {
			return nil, fmt.Errorf("check: protocol %s given twice", p)
		}
		seen[p] = true
	}
	c.enabled = map[string]bool{}
	known := SourceNames()
	if cfg.Sources == nil {
		for _, n := range known {
			c.enabled[n] = true
		}
	}
	for _, n := range cfg.Sources {
		n = strings.ToLower(strings.TrimSpace(n))
		ok := false
		for _, k := range known {
			if k == n {
				ok = true
			}
		}
		if !ok {
			return nil, &lookup.UnknownSourceError{Name: n}
		}
		c.enabled[n] = true
		if n == lookup.SourceAutoconfig {
			c.enabled[lookup.SourceWellKnown] = true
			c.enabled[lookup.SourceAutoconfigHTTP] = true
		}
	}
	return c, nil
}

// SourceNames returns the names of the sources a check can ask, best
// first: lookup.SourceNames without guess, which publishes nothing (it
// tries host names no one named).
func SourceNames() []string {
	var out []string
	for _, n := range lookup.SourceNames() {
		if n != lookup.SourceGuess {
			out = append(out, n)
		}
	}
	return out
}

// network returns the Checker's resolver, fetcher and prober, making them on
// first use.
func (c *Checker) network() (*netkit.Kit, *probe.Prober, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kit == nil {
		k, err := netkit.New(netkit.Config{DNS: c.cfg.DNS, RootCAs: c.cfg.RootCAs, Dial: c.cfg.Dial})
		if err != nil {
			return nil, nil, fmt.Errorf("check: %w", err)
		}
		p := *k.Prober
		p.MinTLS = tls.VersionTLS10
		c.kit, c.prober = k, &p
	}
	return c.kit, c.prober, nil
}

// Check gathers everything every source publishes for domain, waiting for
// every source (no grace period), checks every distinct server named
// (never a login), and reports findings worst first. domain may be given in
// Unicode or A-label form, or as an address of the domain. The error is for
// a domain that is not a domain (it matches settings.ErrInvalidAddress), or
// a Checker that cannot reach the network at all (no resolver).
//
// A check takes about two Timeouts at most: one to gather, one to check
// the servers. When nothing could be looked at (no DNS query got a NOERROR
// or NXDOMAIN answer, the root's NS records included, and no network
// source answered) the Report has Err set (an *UnreachableError) and no
// findings, as does a check whose ctx ended before it was done (TimedOut
// is then set too). Whether
// ISPDB is asked does not change this: a domain whose own names get
// SERVFAIL while the resolver answers for the root gets a dns_failure
// finding, and one whose name is NXDOMAIN gets domain_not_found alone.
func (c *Checker) Check(ctx context.Context, domain string) (*Report, error) {
	// A domain is read as a domain, so that what is wrong with it is said
	// of a domain; an address stands for its domain.
	d := domain
	if strings.Contains(domain, "@") {
		a, err := settings.ParseAddress(domain)
		if err != nil {
			return nil, err
		}
		d = a.Domain
	}
	addr, err := settings.DomainAddress(d)
	if err != nil {
		return nil, err
	}
	addr.Raw = domain
	kit, prober, err := c.network()
	if err != nil {
		return nil, err
	}
	g := &gatherer{c: c, kit: kit, prober: prober, addr: addr}
	f := g.gather(ctx)
	r := &Report{Domain: addr.Domain, UnicodeDomain: addr.UnicodeDomain, Protocols: append([]settings.Protocol(nil), c.protocols...)}
	for _, s := range f.sources {
		r.Sources = append(r.Sources, s.pub)
	}
	if err := ended(ctx); err != nil {
		r.Err, r.TimedOut = err, true
		return r, nil
	}
	if err := f.unreachable(); err != nil {
		r.Err = err
		return r, nil
	}
	f.servers = g.probeAll(ctx, f)
	r.Servers = f.servers
	if err := ended(ctx); err != nil {
		// What was seen after the caller stopped waiting says nothing
		// about the servers.
		r.Err, r.TimedOut = err, true
		return r, nil
	}
	r.Findings = judge(f, time.Now())
	return r, nil
}

// ended returns the error of a ctx that has ended, or whose deadline has
// passed (a check that timed out on it may return a moment before ctx
// says so).
func ended(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return fmt.Errorf("check: %w", context.DeadlineExceeded)
	}
	return nil
}

// Close releases idle connections and sockets. The Checker stays usable.
func (c *Checker) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kit != nil {
		c.kit.Close()
	}
}

// UnreachableError is Report.Err when no source could be asked: every
// network source failed for network reasons (DNS down, say), as opposed to
// answering that it had nothing. Its sources' errors may be timeouts of
// their own (a DNS server that never answers): that is not the caller's
// time running out, which Report.TimedOut says.
type UnreachableError struct {
	// Errs are the sources' errors.
	Errs []error
}

func (e *UnreachableError) Error() string {
	return "check: no source could be reached: " + errors.Join(e.Errs...).Error()
}

// Unwrap returns the sources' errors.
func (e *UnreachableError) Unwrap() []error { return e.Errs }

// Msg says what happened in the reader's language.
func (e *UnreachableError) Msg() i18n.Msg {
	return i18n.M(i18n.CheckNoNetwork, cleanText(errors.Join(e.Errs...).Error(), 300))
}
