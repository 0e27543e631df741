package check

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/dnssource"
	"github.com/popfind/popfind/internal/netkit"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/internal/safetext"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
	"github.com/popfind/popfind/providers"
)

// facts is everything a check gathered: what each source published, the
// SRV records behind the srv source, whether Autodiscover's host answers,
// and the live check of every server. judge turns them into findings.
type facts struct {
	domain    string
	protocols []settings.Protocol
	// sources are in precedence order (lookup.SourceNames, without guess).
	sources []*source
	srv     []srvRecord
	ad      adFacts
	servers []ServerCheck
}

// source is what one source gave, with the details judge needs beyond
// Published.
type source struct {
	pub Published
	err error
	// invalid says why a whole document was refused; skipped, per
	// protocol, why sections were left out.
	invalid string
	skipped map[settings.Protocol][]string
	// offDomain is set when a fetch was redirected out of the domain.
	offDomain bool
}

// srvRecord is one SRV record of a mail service of the domain.
type srvRecord struct {
	proto   settings.Protocol
	service string // _imaps, ...
	line    string // zone-file form, cleaned
	target  string // lower case, no trailing dot
	port    int
	tls     bool
	ad      bool
	// noAddress: the target has no address records (NXDOMAIN or NODATA).
	noAddress bool
}

// adFacts is what the Autodiscover host said.
type adFacts struct {
	host string
	// known is false when its existence could not be determined.
	known, exists, https, http bool
}

type gatherer struct {
	c      *Checker
	kit    *netkit.Kit
	prober *probe.Prober
	addr   settings.Address
}

// order is the precedence of the sources a check asks.
var order = []string{
	lookup.SourceBuiltin, lookup.SourceAutoconfig, lookup.SourceWellKnown, lookup.SourceISPDB,
	lookup.SourceSRV, lookup.SourceAutodiscover, lookup.SourceMX, lookup.SourceAutoconfigHTTP,
}

// gather asks every source at once and waits for each to finish, within
// ctx and the Checker's Timeout.
func (g *gatherer) gather(ctx context.Context) *facts {
	d := g.addr.Domain
	f := &facts{domain: d, protocols: g.c.protocols}
	f.sources = make([]*source, len(order))
	var wg sync.WaitGroup
	run := func(i int, fn func(ctx context.Context) *source) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(ctx, g.c.cfg.Timeout)
			defer cancel()
			f.sources[i] = fn(ctx)
		}()
	}
	for i, name := range order {
		name := name
		if !g.c.enabled[name] || name == lookup.SourceISPDB && g.c.cfg.ISPDB == "" {
			f.sources[i] = &source{pub: Published{Source: name, Status: StatusSkipped}}
			continue
		}
		switch name {
		case lookup.SourceBuiltin:
			run(i, func(ctx context.Context) *source {
				a, err := (&providers.Source{Table: g.c.table}).Lookup(ctx, g.addr)
				return fromAnswer(name, "", a, err)
			})
		case lookup.SourceAutoconfig:
			run(i, func(ctx context.Context) *source {
				return g.document(ctx, name, "https://autoconfig."+d+"/mail/config-v1.1.xml")
			})
		case lookup.SourceWellKnown:
			run(i, func(ctx context.Context) *source {
				return g.document(ctx, name, "https://"+d+"/.well-known/autoconfig/mail/config-v1.1.xml")
			})
		case lookup.SourceAutoconfigHTTP:
			run(i, func(ctx context.Context) *source {
				return g.document(ctx, name, "http://autoconfig."+d+"/mail/config-v1.1.xml")
			})
		case lookup.SourceISPDB:
			run(i, func(ctx context.Context) *source { return g.document(ctx, name, g.c.cfg.ISPDB+d) })
		case lookup.SourceSRV:
			run(i, func(ctx context.Context) *source {
				s, recs := g.srv(ctx)
				f.srv = recs
				return s
			})
		case lookup.SourceAutodiscover:
			run(i, func(ctx context.Context) *source {
				var wg2 sync.WaitGroup
				wg2.Add(1)
				go func() {
					defer wg2.Done()
					f.ad = g.autodiscoverHost(ctx)
				}()
				// A request names a mailbox; postmaster exists at every
				// domain (RFC 5321 §4.5.1).
				s := &source{pub: Published{Source: name, URL: "https://autodiscover." + d + "/autodiscover/autodiscover.xml"}}
				if a, err := settings.ParseAddress("postmaster@" + d); err != nil {
					s.fail(err)
				} else {
					src := &autoconfig.AutodiscoverSource{Fetcher: g.kit.Fetcher, Resolver: g.kit.Resolver}
					ans, err := src.Lookup(ctx, a)
					s = fromAnswer(name, s.pub.URL, ans, err)
				}
				wg2.Wait()
				return s
			})
		case lookup.SourceMX:
			run(i, func(ctx context.Context) *source {
				src := &dnssource.MXSource{Resolver: g.kit.Resolver, Hosting: g.c.table}
				a, err := src.Lookup(ctx, g.addr)
				return fromAnswer(name, "MX "+d, a, err)
			})
		}
	}
	wg.Wait()
	return f
}

// fromAnswer makes a source of a settings.Source's answer.
func fromAnswer(name, where string, a *settings.Answer, err error) *source {
	s := &source{pub: Published{Source: name, URL: where}}
	if err != nil {
		s.fail(err)
		return s
	}
	if a.SourceURL != "" {
		s.pub.URL = cleanText(a.SourceURL, 300)
	}
	s.pub.Insecure = a.Insecure
	s.pub.DNSSEC = a.DNSSEC
	s.found(a.Servers)
	return s
}

// Bounds on what one check takes from the network: servers kept per
// source, and distinct servers checked live.
const (
	maxServers = 32
	maxTargets = 48
)

// found records servers, at most maxServers of them, or the absence of
// any.
func (s *source) found(servers []settings.Server) {
	s.pub.Servers = append([]settings.Server(nil), servers[:min(len(servers), maxServers)]...)
	if len(servers) > 0 {
		s.pub.Status = StatusFound
		return
	}
	s.pub.Status = StatusMissing
	m := i18n.M(i18n.CheckNothingPublished)
	s.pub.Reason = &m
}

// fail records why a source gave nothing: nothing there (missing), or it
// could not be asked (failed).
func (s *source) fail(err error) {
	s.err = err
	s.pub.Status = StatusFailed
	if errors.Is(err, settings.ErrNotFound) {
		s.pub.Status = StatusMissing
	}
	if m, ok := lookup.Reason(err); ok {
		s.pub.Reason = &m
		return
	}
	m := i18n.Text(cleanText(err.Error(), 300))
	s.pub.Reason = &m
}

// document fetches an autoconfig-style document and parses it as mail
// clients do.
func (g *gatherer) document(ctx context.Context, name, u string) *source {
	s := &source{pub: Published{Source: name, URL: u}}
	doc, err := g.kit.Fetcher.Get(ctx, u)
	if err != nil {
		s.fail(err)
		return s
	}
	if doc.URL != u {
		s.pub.FinalURL = cleanText(doc.URL, 300)
		if fu, err := url.Parse(doc.URL); err == nil && !inDomain(fu.Hostname(), g.addr.Domain) {
			s.offDomain = true
		}
	}
	s.pub.Insecure = doc.Insecure
	cfg, err := autoconfig.Parse(doc.Body, g.addr)
	if err != nil {
		s.pub.Status = StatusInvalid
		s.invalid = cleanText(err.Error(), 300)
		m := i18n.Text(s.invalid)
		s.pub.Reason = &m
		return s
	}
	s.skipped = map[settings.Protocol][]string{}
	for p, why := range cfg.Skipped {
		for _, w := range why {
			s.skipped[p] = append(s.skipped[p], cleanText(w, 300))
		}
	}
	s.found(cfg.Servers)
	if len(cfg.Servers) == 0 && len(cfg.Skipped) > 0 {
		s.pub.Status = StatusInvalid
	}
	return s
}

// services are the SRV services of each protocol, implicit TLS first.
var services = map[settings.Protocol][2]string{
	settings.POP3: {"_pop3s", "_pop3"},
	settings.IMAP: {"_imaps", "_imap"},
	settings.SMTP: {"_submissions", "_submission"},
}

// srv reads the SRV records of every protocol checked, raw: the AD bit,
// the records and whether each target has an address.
func (g *gatherer) srv(ctx context.Context) (*source, []srvRecord) {
	d := g.addr.Domain
	var qs []resolver.Question
	var names []string
	for _, p := range g.c.protocols {
		for _, svc := range services[p] {
			qs = append(qs, resolver.Question{Name: svc + "._tcp." + d, Type: dns.TypeSRV})
			names = append(names, svc+"._tcp."+d)
		}
	}
	s := &source{pub: Published{Source: lookup.SourceSRV, URL: strings.Join(names, ", "), DNSSEC: true}}
	ms, errs := g.kit.Resolver.QueryAll(ctx, qs)
	var recs []srvRecord
	var failed []error
	answered := false
	for k, q := range qs {
		if errs[k] != nil {
			failed = append(failed, errs[k])
			continue
		}
		answered = true
		p := g.c.protocols[k/2]
		ad := ms[k].AuthenticatedData
		rrs, _ := resolver.Owned(ms[k], q.Name, dns.TypeSRV)
		var group []*dns.SRV
		for _, rr := range rrs {
			if r, ok := rr.(*dns.SRV); ok && len(group) < 64 {
				group = append(group, r)
			}
		}
		if len(group) > 0 {
			s.pub.DNSSEC = s.pub.DNSSEC && ad
		}
		sort.SliceStable(group, func(i, j int) bool {
			if group[i].Priority != group[j].Priority {
				return group[i].Priority < group[j].Priority
			}
			return group[i].Weight > group[j].Weight
		})
		for _, r := range group {
			s.pub.Records = append(s.pub.Records, cleanText(r.String(), 300))
			if r.Target == "." {
				continue // not offered (RFC 2782)
			}
			recs = append(recs, srvRecord{
				proto: p, service: services[p][k%2], line: cleanText(r.String(), 300),
				target: cleanText(strings.ToLower(strings.TrimSuffix(r.Target, ".")), 253),
				port:   int(r.Port), tls: k%2 == 0, ad: ad,
			})
		}
	}
	var servers []settings.Server
	// Implicit TLS first within each protocol, as the questions are ordered.
	for _, r := range recs {
		st := settings.STARTTLS
		if r.tls {
			st = settings.SSL
		}
		if settings.ValidHost(r.target) != nil || r.port < 1 {
			continue
		}
		servers = append(servers, settings.Server{Protocol: r.proto, Host: r.target, Port: r.port, SocketType: st})
	}
	// Whether each target has an address, every target at once.
	var wg sync.WaitGroup
	for i := range recs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := g.kit.Resolver.LookupIP(ctx, recs[i].target)
			recs[i].noAddress = err != nil && errors.Is(err, settings.ErrNotFound)
		}()
	}
	wg.Wait()
	if !answered {
		s.fail(errors.Join(failed...))
		s.pub.DNSSEC = false
		return s, nil
	}
	s.found(servers)
	if len(servers) == 0 {
		s.pub.DNSSEC = false
	}
	return s, recs
}

// autodiscoverHost says whether autodiscover.<domain> exists, and whether
// it answers HTTPS, or plain HTTP only. Any HTTP answer counts: what
// matters is that Outlook's HTTPS request reaches the domain's own server.
func (g *gatherer) autodiscoverHost(ctx context.Context) adFacts {
	host := "autodiscover." + g.addr.Domain
	a := adFacts{host: host}
	if _, err := g.kit.Resolver.LookupIP(ctx, host); err != nil {
		if errors.Is(err, settings.ErrNotFound) {
			a.known = true
		}
		return a
	}
	a.known, a.exists = true, true
	client := &http.Client{Transport: g.kit.Transport, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	answers := func(u string) bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return false
		}
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	}
	a.https = answers("https://" + host + "/autodiscover/autodiscover.xml")
	if !a.https {
		a.http = answers("http://" + host + "/autodiscover/autodiscover.xml")
	}
	return a
}

// unreachable returns Report.Err's error when every network source failed
// to be asked: no network source answered, even with "nothing here".
func (f *facts) unreachable() error {
	var errs []error
	for _, s := range f.sources {
		if s.pub.Source == lookup.SourceBuiltin {
			continue
		}
		switch s.pub.Status {
		case StatusFound, StatusMissing, StatusInvalid:
			return nil
		case StatusFailed:
			errs = append(errs, s.err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &UnreachableError{Errs: errs}
}

// target is one distinct server to check.
type target struct {
	srv     settings.Server
	sources []string
}

// probeAll checks every distinct server any source named, at most
// MaxConcurrentChecks at once, each within the Checker's Timeout.
func (g *gatherer) probeAll(ctx context.Context, f *facts) []ServerCheck {
	var targets []*target
	index := map[string]*target{}
	for _, s := range f.sources {
		for _, sv := range s.pub.Servers {
			if !f.checks(sv.Protocol) {
				continue
			}
			k := key(sv)
			t := index[k]
			if t == nil && len(targets) == maxTargets {
				continue
			}
			if t == nil {
				t = &target{srv: sv}
				t.srv.Host = normHost(sv.Host)
				index[k] = t
				targets = append(targets, t)
			}
			if !contains(t.sources, s.pub.Source) {
				t.sources = append(t.sources, s.pub.Source)
			}
		}
	}
	out := make([]ServerCheck, len(targets))
	sem := make(chan struct{}, MaxConcurrentChecks)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = ServerCheck{Server: t.srv, Sources: t.sources,
					Report: probe.Interrupted(t.srv.Protocol, t.srv.Host, t.srv.Port, t.srv.SocketType, ctx.Err())}
				return
			}
			defer func() { <-sem }()
			cctx, cancel := context.WithTimeout(ctx, g.c.cfg.Timeout)
			defer cancel()
			r := g.prober.Check(cctx, t.srv.Protocol, t.srv.Host, t.srv.Port, t.srv.SocketType)
			sc := ServerCheck{Server: t.srv, Sources: t.sources, Report: r}
			if r.BeforeTLS != nil {
				sc.PlainAuthKnown = true
				sc.PlainAuth, sc.AuthEvidence = probe.PlainLogin(t.srv.Protocol, *r.BeforeTLS)
			}
			out[i] = sc
		}()
	}
	wg.Wait()
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Server, out[j].Server
		if pa, pb := protoIndex(a.Protocol), protoIndex(b.Protocol); pa != pb {
			return pa < pb
		}
		if a.Host != b.Host {
			return a.Host < b.Host
		}
		if a.Port != b.Port {
			return a.Port < b.Port
		}
		return a.SocketType < b.SocketType
	})
	return out
}

// checks reports whether p is one of the protocols checked.
func (f *facts) checks(p settings.Protocol) bool { return contains(f.protocols, p) }

// key identifies a server for comparing and deduplicating: protocol, host
// (any case, no trailing dot), port and socket type.
func key(s settings.Server) string {
	return string(s.Protocol) + " " + normHost(s.Host) + " " + strconv.Itoa(s.Port) + " " + string(s.SocketType)
}

func normHost(h string) string { return strings.ToLower(strings.TrimSuffix(h, ".")) }

// inDomain reports whether host is domain or a name under it.
func inDomain(host, domain string) bool {
	host, domain = normHost(host), normHost(domain)
	return host == domain || strings.HasSuffix(host, "."+domain)
}

func protoIndex(p settings.Protocol) int {
	for i, q := range settings.AllProtocols {
		if p == q {
			return i
		}
	}
	return -1
}

func contains[T comparable](list []T, x T) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// cleanText bounds and cleans text that came from the network.
func cleanText(s string, max int) string { return safetext.Line(s, max) }

// hostPort is host:port for messages.
func hostPort(s settings.Server) string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }
