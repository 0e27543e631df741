package lookup

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/netkit"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
	"github.com/popfind/popfind/providers"
)

// Defaults of a Config's zero fields.
const (
	DefaultTimeout = 10 * time.Second
	DefaultISPDB   = "https://autoconfig.thunderbird.net/v1.1/"
)

// DefaultProtocols returns what a Config without Protocols looks for: POP3,
// and SMTP to send through. The slice is the caller's own.
func DefaultProtocols() []Protocol { return slices.Clone(settings.DefaultProtocols) }

// Config says how a Finder looks. Its zero value looks everywhere, with
// the system's DNS servers and a 10-second deadline per address.
type Config struct {
	// DNS is the DNS server every query goes to, as IP or IP:PORT (port 53
	// by default; an IPv6 address with a port in brackets). SRV and MX
	// queries and the address lookups behind HTTPS fetches and POP3
	// connections all go there. Empty means the servers in
	// /etc/resolv.conf.
	DNS string
	// Timeout bounds the lookup of one address, every source included, and
	// a Check, when the caller's context has no deadline: a context's
	// deadline, sooner or later, is the one that counts. Zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Protocols are what a lookup finds servers for, the one whose answer
	// decides the result first. Nil means DefaultProtocols(): POP3, and
	// SMTP to send through.
	Protocols []Protocol
	// Sources names the sources to consult, from SourceNames. Nil means
	// all of them; an empty list means none, for a Finder used only to
	// Check servers.
	Sources []string
	// ISPDB is the base URL of Thunderbird's ISP database. Empty means
	// DefaultISPDB.
	ISPDB string
	// NoISPDB turns the ISP database off.
	NoISPDB bool
	// WaitAll makes a lookup wait for every source, so that their answers
	// can be compared (Result.Candidates), instead of answering as soon as
	// the best answer is known.
	WaitAll bool
	// Grace bounds how long an answer in hand waits for sources of higher
	// precedence that are still running, before it is given with a warning
	// (Result.Early). Zero means twice the time the fastest network source
	// took, at least 1 s and at most 3 s; a negative value waits for them
	// until Timeout.
	Grace time.Duration
	// RootCAs replaces the system's trusted roots for HTTPS and for Check.
	// Nil means the system's, which honour SSL_CERT_FILE and SSL_CERT_DIR.
	RootCAs *x509.CertPool
	// CacheSize bounds the number of answers a Finder keeps (one per
	// domain, or per address for a domain that answers each address
	// apart). Zero means 4096. Whatever the size, an answer is kept no
	// longer than the TTLs of the DNS records it rests on and never longer
	// than 10 minutes, the cache holds no more than about 32 MiB, and
	// failed or interrupted lookups are not kept.
	CacheSize int
	// Dial opens the TCP connections of HTTPS fetches and POP3 checks, to
	// one address (IP:PORT) at a time, after the Finder has resolved the
	// name. Nil means a net.Dialer. It can route connections through a
	// proxy, or, in tests, to servers on other ports.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// Finder looks up the mail servers of addresses. It is meant to be kept,
// for a batch or for days in a server: it shares one resolver, one HTTP
// client and one cache between lookups. Concurrent lookups of one domain
// share one run of the sources, and a domain's answer is kept for a while
// (see Config.CacheSize), except where it rests on a request that carried
// the address itself: such an answer is never given to another address. It
// is safe for concurrent use; call Close when done with it.
type Finder struct {
	cfg    Config
	table  *providers.Table
	memo   *memo
	engine *engine

	netOnce sync.Once
	net     *network
	netErr  error
	// netReady is set once net is made, for the methods that must not make
	// it.
	netReady atomic.Pointer[network]
}

// network is what every network source of a Finder shares.
type network struct {
	table     *providers.Table
	resolver  *resolver.Resolver
	transport *http.Transport
	fetcher   *autoconfig.Fetcher
	prober    *probe.Prober
	ispdb     string
	// protocols are the ones the Finder looks for.
	protocols []Protocol
}

// New returns a Finder configured by cfg. It fails for an unknown source
// name, an invalid DNS server or ISP database URL, or, when a network
// source is enabled and cfg.DNS is empty, an unreadable /etc/resolv.conf.
func New(cfg Config) (*Finder, error) {
	cfg, err := cfg.Network()
	if err != nil {
		return nil, err
	}
	if cfg.Protocols == nil {
		cfg.Protocols = DefaultProtocols()
	}
	if len(cfg.Protocols) == 0 {
		return nil, errors.New("lookup: no protocol to look for")
	}
	seen := map[Protocol]bool{}
	for _, p := range cfg.Protocols {
		if !p.Valid() {
			return nil, &settings.UnknownProtocolError{Name: string(p)}
		}
		if seen[p] {
			return nil, fmt.Errorf("lookup: protocol %s given twice", p)
		}
		seen[p] = true
	}
	cfg.Protocols = slices.Clone(cfg.Protocols)
	enabled, err := enabledSources(cfg.Sources)
	if err != nil {
		return nil, err
	}
	f := &Finder{cfg: cfg, table: providers.Builtin()}
	f.engine = &engine{protocols: cfg.Protocols, timeout: cfg.Timeout, waitAll: cfg.WaitAll, grace: cfg.Grace}
	offline := &network{table: f.table, ispdb: cfg.ISPDB, protocols: cfg.Protocols}
	for _, d := range sourceTable() {
		e := entry{name: d.name, offline: d.offline, plain: d.plain}
		switch {
		case !enabled[d.name]:
			e.src, e.offline = skipped{i18n.SkipNotSelected}, true
		case d.offline:
			e.src = d.make(offline, enabled)
		default:
			n, err := f.network()
			if err != nil {
				return nil, err
			}
			e.src = d.make(n, enabled)
			f.engine.prefetch = n.resolver.Prefetch
			if d.narrow != nil {
				e.narrow = func(ps []Protocol) settings.Source { return d.narrow(n, ps) }
			}
		}
		if e.narrow == nil {
			src := e.src
			e.narrow = func([]Protocol) settings.Source { return src }
		}
		if d.fallback {
			f.engine.fallback = &e
		} else {
			f.engine.sources = append(f.engine.sources, e)
		}
	}
	if cfg.CacheSize < 0 {
		return nil, fmt.Errorf("lookup: negative cache size %d", cfg.CacheSize)
	}
	f.memo = &memo{engine: f.engine, size: cfg.CacheSize}
	return f, nil
}

// Network returns cfg with the defaults of its network settings filled in
// and those settings checked, as New reads them: Timeout (zero means
// DefaultTimeout), DNS (as IP:PORT) and ISPDB (DefaultISPDB unless NoISPDB;
// an http or https URL ending in a slash). A check.Checker reads them the
// same way.
func (cfg Config) Network() (Config, error) {
	if cfg.Timeout < 0 {
		return cfg, fmt.Errorf("lookup: negative timeout %s", cfg.Timeout)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.DNS != "" {
		s, err := dnsServer(cfg.DNS)
		if err != nil {
			return cfg, err
		}
		cfg.DNS = s
	}
	switch {
	case cfg.NoISPDB:
		cfg.ISPDB = ""
	case cfg.ISPDB == "":
		cfg.ISPDB = DefaultISPDB
	default:
		u, err := url.Parse(cfg.ISPDB)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return cfg, fmt.Errorf("lookup: ISP database %q: want an http:// or https:// URL", cfg.ISPDB)
		}
		if !strings.HasSuffix(cfg.ISPDB, "/") {
			cfg.ISPDB += "/"
		}
	}
	return cfg, nil
}

// network returns the Finder's resolver, HTTP client and prober, making them
// on first use.
func (f *Finder) network() (*network, error) {
	f.netOnce.Do(func() {
		k, err := netkit.New(netkit.Config{DNS: f.cfg.DNS, RootCAs: f.cfg.RootCAs, Dial: f.cfg.Dial})
		if err != nil {
			f.netErr = fmt.Errorf("lookup: %w", err)
			return
		}
		n := &network{table: f.table, ispdb: f.cfg.ISPDB, protocols: f.cfg.Protocols,
			resolver: k.Resolver, transport: k.Transport, fetcher: k.Fetcher, prober: k.Prober}
		f.net = n
		f.netReady.Store(n)
	})
	return f.net, f.netErr
}

// Find looks up the mail servers of address, for the Finder's protocols.
// It never returns nil, and the result has an entry for every protocol
// asked for (Result.Get): an invalid address comes back with Err set to an
// *AddressError, and no network traffic. Placeholders in host and user
// names are filled for the address.
//
// ctx bounds the lookup: when it ends, by its deadline or by cancellation,
// the result holds what was found by then, with every source's attempt.
// Config.Timeout bounds it when ctx has no deadline.
func (f *Finder) Find(ctx context.Context, address string) *Result {
	if f.memo == nil {
		return failed(Address{Raw: address}, nil, errNoFinder)
	}
	addr, err := ParseAddress(address)
	if err != nil {
		return failed(Address{Raw: address}, f.cfg.Protocols, err)
	}
	return f.FindAddress(ctx, addr)
}

// failed is the result of a lookup that could not begin, for every
// protocol.
func failed(addr Address, protocols []Protocol, err error) *Result {
	if len(protocols) == 0 {
		protocols = DefaultProtocols()
	}
	all := make([]*Result, len(protocols))
	for i, p := range protocols {
		all[i] = &Result{Address: addr, Protocol: p, Err: err, chosen: -1}
	}
	all[0].Others = all[1:]
	return all[0]
}

// FindAddress is Find for an address already parsed.
func (f *Finder) FindAddress(ctx context.Context, addr Address) *Result {
	if f.memo == nil {
		return failed(addr, nil, errNoFinder)
	}
	return f.memo.find(ctx, addr)
}

// errNoFinder is the error of a Finder that New did not make.
var errNoFinder = errors.New("lookup: a Finder must be made by New")

// Forget drops what the Finder keeps for domain (given in Unicode or
// A-label form, in any case), so that its next lookup asks the sources
// again. Lookups under way when it is called are not kept either.
func (f *Finder) Forget(domain string) {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
	if a, err := ParseAddress("postmaster@" + d); err == nil {
		d = a.Domain
	}
	if f.memo != nil {
		f.memo.forget(d)
	}
}

// Check connects to a POP3, IMAP or SMTP server and checks it: TLS and the
// certificate, the greeting, the capabilities and STARTTLS. It never logs
// in. It goes through the Finder's DNS server and trusted roots, and is
// bounded by ctx, or by Config.Timeout when ctx has no deadline. The error
// is for a Finder that cannot reach the network at all (no resolver); a
// failed check is a Report with OK false.
func (f *Finder) Check(ctx context.Context, proto Protocol, host string, port int, mode SocketType) (*probe.Report, error) {
	n, err := f.network()
	if err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.cfg.Timeout)
		defer cancel()
	}
	return n.prober.Check(ctx, proto, host, port, mode), nil
}

// dnsQueries returns how many DNS queries the Finder has sent, for tests.
func (f *Finder) dnsQueries() int64 {
	if n := f.netReady.Load(); n != nil {
		return n.resolver.Queries()
	}
	return 0
}

// Close releases the Finder's idle connections and sockets. The Finder
// stays usable.
func (f *Finder) Close() {
	if n := f.netReady.Load(); n != nil {
		n.transport.CloseIdleConnections()
		n.resolver.Close()
	}
}

// Find looks up address with a Finder of the default Config: every source,
// the system's DNS servers, a 10-second deadline.
func Find(ctx context.Context, address string) *Result {
	f, err := New(Config{})
	if err != nil {
		addr, perr := ParseAddress(address)
		if perr != nil {
			addr, err = Address{Raw: address}, perr
		}
		return failed(addr, nil, err)
	}
	defer f.Close()
	return f.Find(ctx, address)
}

// dnsServer checks a DNS server given as IP or IP:PORT and returns it as
// IP:PORT.
func dnsServer(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		// No port: a bare address, or an IPv6 address in brackets, whole.
		host, port = s, "53"
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			host = s[1 : len(s)-1]
		}
		if strings.ContainsAny(host, "[]") {
			return "", fmt.Errorf("lookup: DNS server %q: want an IP address, with an optional port", s)
		}
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return "", fmt.Errorf("lookup: DNS server %q: want an IP address, with an optional port", s)
	}
	p, err := net.LookupPort("udp", port)
	if err != nil || p < 1 || p > 65535 {
		return "", fmt.Errorf("lookup: DNS server %q: invalid port %q", s, port)
	}
	return net.JoinHostPort(ip.String(), port), nil
}

var _ settings.Source = skipped{}
