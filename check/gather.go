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
	domain string
	// unicode is the domain in Unicode form, for messages that name the
	// domain itself; empty or equal to domain when it is ASCII.
	unicode   string
	protocols []settings.Protocol
	// sources are in precedence order (lookup.SourceNames, without guess).
	sources []*source
	srv     []srvRecord
	ad      adFacts
	servers []ServerCheck
	// domainNX is true when the domain name itself does not exist
	// (NXDOMAIN).
	domainNX bool
	// dnsFailed maps each name, of the domain or an SRV target of it,
	// whose DNS query failed at the server (SERVFAIL, REFUSED, ...) to
	// that answer's rcode.
	dnsFailed map[string]string
	// resolverWorks is true when some query got a NOERROR or NXDOMAIN
	// answer: the resolver itself answers.
	resolverWorks bool
	// partial is true when some source was not asked (--sources, ISPDB
	// off).
	partial bool
	// named is how many distinct servers the sources named, of which the
	// first maxTargets were checked.
	named int
}

// source is what one source gave, with the details judge needs beyond
// Published.
type source struct {
	pub Published
	err error
	// invalid says why a whole document was refused; skipped, per
	// protocol, why sections were left out.
	invalid i18n.Msg
	skipped map[settings.Protocol][]i18n.Msg
	// sections, per protocol, are the invalid sections as the parser
	// read them, with their corrections where the fix is plain.
	sections map[settings.Protocol][]autoconfig.SkippedServer
	// offDomain is set when a fetch was redirected out of the domain.
	offDomain bool
	// srvAnswered: some SRV question got an answer (srv source only).
	srvAnswered bool
	// refused: a connection of the source was refused for safety
	// (refusedForSafety): what it publishes is unknown, not missing.
	refused bool
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
	// addrErr is the target's address lookup's error, if any.
	addrErr error
}

// adFacts is what the Autodiscover host said.
type adFacts struct {
	host string
	// known is false when its existence could not be determined; err
	// then says why.
	known, exists, https, http bool
	err                        error
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
	f := &facts{domain: d, unicode: g.addr.UnicodeDomain, protocols: g.c.protocols}
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
			f.partial = true
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
	// Whether the domain exists, and whether the resolver answers at all
	// (the root's NS records): a domain whose names fail is told apart
	// from a resolver that fails every name.
	var domainMsg, rootMsg *dns.Msg
	var domainErr, rootErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		ctx, cancel := context.WithTimeout(ctx, g.c.cfg.Timeout)
		defer cancel()
		ms, errs := g.kit.Resolver.QueryAll(ctx, []resolver.Question{{Name: d + ".", Type: dns.TypeSOA}, {Name: ".", Type: dns.TypeNS}})
		domainMsg, rootMsg, domainErr, rootErr = ms[0], ms[1], errs[0], errs[1]
	}()
	wg.Wait()
	f.dnsFailed = map[string]string{}
	f.resolverWorks = domainErr == nil && domainMsg != nil || rootErr == nil && rootMsg != nil
	f.domainNX = domainErr == nil && domainMsg != nil && domainMsg.Rcode == dns.RcodeNameError
	f.noteDNS(domainErr)
	for _, s := range f.sources {
		f.noteDNS(s.err)
	}
	f.noteDNS(f.ad.err)
	for _, r := range f.srv {
		if r.addrErr != nil {
			f.noteDNS(r.addrErr)
		}
	}
	if src := f.source(lookup.SourceSRV); src != nil && src.srvAnswered {
		f.resolverWorks = true
	}
	return f
}

// noteDNS records err's name in dnsFailed when err is a DNS server's
// failure (SERVFAIL, REFUSED, ...) for a name of the domain, or for an
// SRV target.
func (f *facts) noteDNS(err error) {
	for _, de := range dnsErrors(err) {
		if de.Rcode <= 0 || de.Rcode == dns.RcodeNameError {
			continue
		}
		name := normHost(de.Name)
		if !inDomain(name, f.domain) && !f.srvTarget(name) {
			continue
		}
		f.dnsFailed[cleanText(name, 253)] = dns.RcodeToString[de.Rcode]
	}
}

// dnsErrors returns every *resolver.DNSError in err's tree.
func dnsErrors(err error) []*resolver.DNSError {
	if err == nil {
		return nil
	}
	var out []*resolver.DNSError
	if de, ok := err.(*resolver.DNSError); ok {
		out = append(out, de)
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		out = append(out, dnsErrors(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, dnsErrors(e)...)
		}
	}
	return out
}

// serverFailure reports whether err is, or holds, a DNS server's failure
// for a name in dnsFailed: dns_failure says it.
func (f *facts) serverFailure(err error) bool {
	for _, de := range dnsErrors(err) {
		if _, ok := f.dnsFailed[normHost(de.Name)]; ok {
			return true
		}
	}
	return false
}

// srvTarget reports whether name is the target of an SRV record.
func (f *facts) srvTarget(name string) bool {
	for _, r := range f.srv {
		if r.target == name {
			return true
		}
	}
	return false
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
// could not be asked (failed). A source one of whose connections was
// refused for safety failed, whatever else it found: it did not look
// everywhere, so it has not shown that nothing is there.
func (s *source) fail(err error) {
	s.err = err
	s.pub.Status = StatusFailed
	switch {
	case refusedForSafety(err):
		s.refused = true
	case errors.Is(err, settings.ErrNotFound):
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
		var status *autoconfig.StatusError
		if name == lookup.SourceISPDB && s.pub.Status == StatusMissing && !errors.As(err, &status) {
			// The database's own host is missing or refused: the
			// database was not asked. Missing is its answer that it has
			// no entry (HTTP 404).
			s.pub.Status = StatusFailed
		}
		return s
	}
	if doc.URL != u {
		s.pub.FinalURL = cleanText(doc.URL, 300)
		s.offDomain = offDomain(doc.URL, g.addr.Domain)
	}
	s.pub.Insecure = doc.Insecure
	cfg, err := autoconfig.Parse(doc.Body, g.addr)
	if err != nil {
		s.pub.Status = StatusInvalid
		s.invalid = autoconfig.ParseReason(err)
		m := s.invalid
		s.pub.Reason = &m
		return s
	}
	s.skipped = map[settings.Protocol][]i18n.Msg{}
	for p, why := range cfg.Skipped {
		s.skipped[p] = append(s.skipped[p], why...)
	}
	s.sections = cfg.SkippedServers
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
			recs[i].addrErr = err
		}()
	}
	wg.Wait()
	s.srvAnswered = answered
	if !answered || len(servers) == 0 && len(failed) > 0 {
		// Not "nothing published": some names could not be read.
		s.fail(errors.Join(failed...))
		s.pub.DNSSEC = false
		return s, recs
	}
	s.found(servers)
	s.err = errors.Join(failed...) // the names that failed, for dns_failure
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
		} else {
			a.err = err
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

// unreachable returns Report.Err's error when nothing could be looked at:
// no DNS query got a NOERROR or NXDOMAIN answer (the resolver is down, or
// fails every name), and no network source answered, even with "nothing
// here".
func (f *facts) unreachable() error {
	if f.resolverWorks {
		return nil
	}
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

// targets returns the distinct servers the sources name, of the protocols
// checked, at most maxTargets, and how many distinct servers they name in
// all.
func (f *facts) targets() ([]*target, int) {
	var targets []*target
	index := map[string]*target{}
	named := map[string]bool{}
	for _, s := range f.sources {
		for _, sv := range s.pub.Servers {
			if !f.checks(sv.Protocol) {
				continue
			}
			k := key(sv)
			named[k] = true
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
	return targets, len(named)
}

// probeAll checks every distinct server any source named, at most
// MaxConcurrentChecks at once, all within one Timeout: the probing phase
// as a whole ends with it, however many servers hang.
func (g *gatherer) probeAll(ctx context.Context, f *facts) []ServerCheck {
	targets, named := f.targets()
	f.named = named
	ctx, cancel := context.WithTimeout(ctx, g.c.cfg.Timeout)
	defer cancel()
	return probeTargets(ctx, targets, MaxConcurrentChecks, g.checkOne)
}

// checkOne checks one server live. A check whose connection was refused
// for safety is not a check: its report says so (KindRefusedForSafety).
func (g *gatherer) checkOne(ctx context.Context, t *target) ServerCheck {
	r := g.prober.Check(ctx, t.srv.Protocol, t.srv.Host, t.srv.Port, t.srv.SocketType)
	sc := ServerCheck{Server: t.srv, Sources: t.sources, Report: r}
	if !r.OK && refusedForSafety(r.Err) {
		r.Kind = KindRefusedForSafety
		r.Problem = i18n.M(i18n.FailRefusedSafety, hostPort(t.srv))
		r.Hint = i18n.M(i18n.HintRefusedSafety)
		return sc
	}
	if r.BeforeTLS != nil {
		sc.PlainAuthKnown = true
		sc.PlainAuth, sc.AuthEvidence = probe.PlainLogin(t.srv.Protocol, *r.BeforeTLS)
	}
	return sc
}

// probeTargets runs check for every target, at most limit at once, and
// returns the checks in a stable order. A target that ctx ends before it
// could start is reported as cancelled: not checked, no finding.
func probeTargets(ctx context.Context, targets []*target, limit int, check func(context.Context, *target) ServerCheck) []ServerCheck {
	out := make([]ServerCheck, len(targets))
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				// Never tried: its report says nothing about the server,
				// whether the phase or the caller ran out of time.
				out[i] = ServerCheck{Server: t.srv, Sources: t.sources,
					Report: probe.Interrupted(t.srv.Protocol, t.srv.Host, t.srv.Port, t.srv.SocketType, context.Canceled)}
				return
			}
			defer func() { <-sem }()
			out[i] = check(ctx, t)
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

// offDomain reports whether a document that came from u left domain.
func offDomain(u, domain string) bool {
	fu, err := url.Parse(u)
	return err == nil && !inDomain(fu.Hostname(), domain)
}

// inDomain reports whether host is domain or a name under it (a label
// boundary: evilexample.com is not under example.com).
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

// refusedForSafety reports whether err holds a refusal of a connection for
// safety: the fetch guard's, or the dial's of popfind serve.
func refusedForSafety(err error) bool {
	return err != nil && errors.Is(err, autoconfig.ErrRefusedForSafety)
}

// cleanText bounds and cleans text that came from the network.
func cleanText(s string, max int) string { return safetext.Line(s, max) }

// hostPort is host:port for messages.
func hostPort(s settings.Server) string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }
