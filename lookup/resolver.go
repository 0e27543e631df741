package lookup

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// Resolver sends every DNS query popfind makes — SRV, MX, and the A/AAAA
// lookups behind HTTPS fetches and TCP connections — to one set of servers.
// It asks each question once: concurrent identical questions share one
// query, and answers are cached for their TTL. It is safe for concurrent use.
type Resolver struct {
	// Servers are the DNS servers to ask, as host:port, in order.
	Servers []string
	// QueryTimeout bounds one query to one server; the caller's context
	// bounds the whole lookup. Zero means 3 seconds.
	QueryTimeout time.Duration
	// MaxCache bounds the number of cached answers; zero means 10000.
	MaxCache int

	mu    sync.Mutex
	cache map[cacheKey]cacheEntry
	calls map[cacheKey]*call
	// queries counts the queries sent, for tests and benchmarks.
	queries int64
}

type cacheKey struct {
	name  string
	qtype uint16
}

type cacheEntry struct {
	msg     *dns.Msg
	expires time.Time
}

// DNSError is a DNS failure: the server said SERVFAIL or REFUSED, or could
// not be reached.
type DNSError struct {
	Name  string
	Type  string
	Rcode int // -1 when no answer came back
	Err   error
}

func (e *DNSError) Error() string {
	if e.Rcode >= 0 {
		return fmt.Sprintf("dns: %s %s: server answered %s", e.Name, e.Type, dns.RcodeToString[e.Rcode])
	}
	return fmt.Sprintf("dns: %s %s: %v", e.Name, e.Type, e.Err)
}

func (e *DNSError) Unwrap() error { return e.Err }

// Is makes a name without addresses match ErrNotFound: NXDOMAIN and NODATA
// mean "nothing there", not "something broke".
func (e *DNSError) Is(target error) bool { return target == ErrNotFound && e.Err == ErrNoHost }

// ErrNoHost means a host name has no address records.
var ErrNoHost = errors.New("no such host")

// SystemResolver returns a resolver that asks the servers in
// /etc/resolv.conf.
func SystemResolver() (*Resolver, error) {
	conf, err := dns.ClientConfigFromFile("/etc/resolv.conf")
	if err != nil {
		return nil, fmt.Errorf("read /etc/resolv.conf: %w", err)
	}
	r := &Resolver{}
	for _, s := range conf.Servers {
		r.Servers = append(r.Servers, net.JoinHostPort(s, conf.Port))
	}
	if len(r.Servers) == 0 {
		return nil, errors.New("/etc/resolv.conf names no nameserver")
	}
	return r, nil
}

// Queries returns the number of queries sent to servers so far.
func (r *Resolver) Queries() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.queries
}

// maxTTL caps how long an answer is cached; negTTL is used for negative
// answers without an SOA.
const (
	maxTTL = time.Hour
	negTTL = time.Minute
)

// Query asks for name's records of type qtype. It returns the response for
// NOERROR and NXDOMAIN answers; SERVFAIL, REFUSED and network failures are a
// *DNSError.
func (r *Resolver) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	name = dns.Fqdn(strings.ToLower(name))
	if _, ok := dns.IsDomainName(name); !ok {
		return nil, &DNSError{Name: name, Type: dns.TypeToString[qtype], Rcode: -1, Err: errors.New("not a valid domain name")}
	}
	key := cacheKey{name, qtype}
	if m, ok := r.cached(key); ok {
		return m, nil
	}
	c := r.join(key)
	select {
	case <-c.done:
		return c.msg, c.err
	case <-ctx.Done():
		select {
		case <-c.done: // the answer came at the same moment: use it
			return c.msg, c.err
		default:
		}
		r.leave(key, c)
		return nil, &DNSError{Name: name, Type: dns.TypeToString[qtype], Rcode: -1, Err: ctx.Err()}
	}
}

// call is one query in flight, shared by every caller asking the same
// question. It runs on its own clock, and is cancelled when the last caller
// waiting for it gives up, so that no work outlives its callers.
type call struct {
	done    chan struct{}
	msg     *dns.Msg
	err     error
	waiters int
	cancel  context.CancelFunc
}

// join returns the call for key, starting it when none is in flight.
func (r *Resolver) join(key cacheKey) *call {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.calls[key]; ok {
		c.waiters++
		return c
	}
	// A call for key may have finished since the caller looked in the cache.
	if e, ok := r.cache[key]; ok && time.Now().Before(e.expires) {
		c := &call{done: make(chan struct{}), msg: e.msg, cancel: func() {}}
		close(c.done)
		return c
	}
	if r.calls == nil {
		r.calls = map[cacheKey]*call{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.queryTimeout()*time.Duration(max(1, len(r.Servers))))
	c := &call{done: make(chan struct{}), waiters: 1, cancel: cancel}
	r.calls[key] = c
	go func() {
		defer cancel()
		m, err := r.exchange(ctx, key.name, key.qtype)
		if err == nil {
			r.store(key, m)
		}
		r.mu.Lock()
		c.msg, c.err = m, err
		if r.calls[key] == c {
			delete(r.calls, key)
		}
		r.mu.Unlock()
		close(c.done)
	}()
	return c
}

// leave drops one waiter from c and cancels it when none is left.
func (r *Resolver) leave(key cacheKey, c *call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c.waiters--
	if c.waiters == 0 {
		c.cancel()
		if r.calls[key] == c {
			delete(r.calls, key)
		}
	}
}

func (r *Resolver) queryTimeout() time.Duration {
	if r.QueryTimeout > 0 {
		return r.QueryTimeout
	}
	return 3 * time.Second
}

// exchange sends the query to each server in turn until one answers.
func (r *Resolver) exchange(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	q.RecursionDesired = true
	// Ask for the AD bit (RFC 6840 §5.7) so a validating resolver says when
	// it checked the answer, and allow answers larger than 512 octets.
	q.AuthenticatedData = true
	q.SetEdns0(1232, false)
	typ := dns.TypeToString[qtype]
	if len(r.Servers) == 0 {
		return nil, &DNSError{Name: name, Type: typ, Rcode: -1, Err: errors.New("no DNS server configured")}
	}
	var last error
	for _, server := range r.Servers {
		m, err := r.exchangeOne(ctx, q, server)
		if err != nil {
			last = &DNSError{Name: name, Type: typ, Rcode: -1, Err: err}
			if ctx.Err() != nil {
				break
			}
			continue
		}
		switch m.Rcode {
		case dns.RcodeSuccess, dns.RcodeNameError:
			return m, nil
		}
		last = &DNSError{Name: name, Type: typ, Rcode: m.Rcode}
	}
	return nil, last
}

// udpTries are the timeouts of the two UDP tries to one server: a lost
// datagram costs one short wait (a third of the query's time, at most a
// second), not the whole query.
func (r *Resolver) udpTries() []time.Duration {
	qt := r.queryTimeout()
	first := min(time.Second, qt/3)
	return []time.Duration{first, qt - first}
}

// exchangeOne asks one server over UDP, retrying once when no answer comes,
// and again over TCP when the UDP answer was truncated.
func (r *Resolver) exchangeOne(ctx context.Context, q *dns.Msg, server string) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, r.queryTimeout())
	defer cancel()
	var m *dns.Msg
	var err error
	for _, wait := range r.udpTries() {
		r.count()
		udp := &dns.Client{Net: "udp", UDPSize: 1232, Timeout: wait}
		tctx, tcancel := context.WithTimeout(ctx, wait)
		m, err = exchangeConn(tctx, udp, q, server)
		tcancel()
		if err == nil || ctx.Err() != nil || !isTimeout(err) {
			break
		}
	}
	if err == nil && !m.Truncated {
		return m, nil
	}
	if err != nil && (m == nil || !m.Truncated) {
		return nil, err
	}
	r.count()
	tcp := &dns.Client{Net: "tcp", Timeout: r.queryTimeout()}
	return exchangeConn(ctx, tcp, q, server)
}

// exchangeConn is dns.Client.ExchangeContext that also stops waiting when
// ctx is cancelled, not only when its deadline passes.
func exchangeConn(ctx context.Context, c *dns.Client, q *dns.Msg, server string) (*dns.Msg, error) {
	conn, err := c.DialContext(ctx, server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	m, _, err := c.ExchangeWithConnContext(ctx, q, conn)
	if err != nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return m, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded)
}

func (r *Resolver) count() {
	r.mu.Lock()
	r.queries++
	r.mu.Unlock()
}

func (r *Resolver) cached(k cacheKey) (*dns.Msg, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.cache[k]
	if !ok {
		return nil, false
	}
	if time.Now().After(e.expires) {
		delete(r.cache, k)
		return nil, false
	}
	return e.msg, true
}

func (r *Resolver) store(k cacheKey, m *dns.Msg) {
	ttl := answerTTL(m)
	if ttl <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cache == nil {
		r.cache = map[cacheKey]cacheEntry{}
	}
	limit := r.MaxCache
	if limit <= 0 {
		limit = 10000
	}
	for victim := range r.cache {
		if len(r.cache) < limit {
			break
		}
		delete(r.cache, victim)
	}
	r.cache[k] = cacheEntry{msg: m, expires: time.Now().Add(ttl)}
}

// answerTTL is how long m may be cached: the smallest TTL of its answer
// records, or for a negative answer the SOA's negative TTL (RFC 2308).
func answerTTL(m *dns.Msg) time.Duration {
	min := uint32(0)
	first := true
	for _, rr := range m.Answer {
		if t := rr.Header().Ttl; first || t < min {
			min, first = t, false
		}
	}
	if first {
		for _, rr := range m.Ns {
			if soa, ok := rr.(*dns.SOA); ok {
				min = soa.Minttl
				if soa.Hdr.Ttl < min {
					min = soa.Hdr.Ttl
				}
				first = false
			}
		}
	}
	if first {
		return negTTL
	}
	ttl := time.Duration(min) * time.Second
	return minDuration(ttl, maxTTL)
}

func minDuration(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}

// maxCNAME bounds how many aliases LookupIP follows.
const maxCNAME = 8

// LookupIP returns the addresses of host, asking for A and AAAA records at
// once and following CNAME chains a bounded number of steps.
func (r *Resolver) LookupIP(ctx context.Context, host string) ([]net.IP, error) {
	host = strings.TrimSuffix(host, ".")
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
		return []net.IP{ip}, nil
	}
	if strings.EqualFold(host, "localhost") {
		return []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, nil
	}
	type res struct {
		ips []net.IP
		err error
	}
	var a, aaaa res
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.ips, a.err = r.lookupType(ctx, host, dns.TypeA) }()
	go func() { defer wg.Done(); aaaa.ips, aaaa.err = r.lookupType(ctx, host, dns.TypeAAAA) }()
	wg.Wait()
	ips := append(a.ips, aaaa.ips...)
	if len(ips) > 0 {
		return ips, nil
	}
	if a.err != nil {
		return nil, a.err
	}
	if aaaa.err != nil {
		return nil, aaaa.err
	}
	return nil, &DNSError{Name: host, Type: "A/AAAA", Rcode: -1, Err: ErrNoHost}
}

func (r *Resolver) lookupType(ctx context.Context, host string, qtype uint16) ([]net.IP, error) {
	name := dns.Fqdn(strings.ToLower(host))
	for range maxCNAME {
		m, err := r.Query(ctx, name, qtype)
		if err != nil {
			return nil, err
		}
		var ips []net.IP
		var alias string
		for _, rr := range m.Answer {
			switch v := rr.(type) {
			case *dns.A:
				ips = append(ips, v.A)
			case *dns.AAAA:
				ips = append(ips, v.AAAA)
			case *dns.CNAME:
				if strings.EqualFold(v.Hdr.Name, name) {
					alias = v.Target
				}
			}
		}
		if len(ips) > 0 || alias == "" {
			return ips, nil
		}
		name = strings.ToLower(alias)
	}
	return nil, &DNSError{Name: host, Type: dns.TypeToString[qtype], Rcode: -1, Err: fmt.Errorf("more than %d CNAME steps", maxCNAME)}
}

// DialContext connects to address (host:port), resolving host through r and
// trying its addresses in turn. It is meant for http.Transport.DialContext
// and for the POP3 probes, so that no connection bypasses the resolver.
func (r *Resolver) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	ips, err := r.LookupIP(ctx, host)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	var last error
	for _, ip := range ips {
		if (network == "tcp4" && ip.To4() == nil) || (network == "tcp6" && ip.To4() != nil) {
			continue
		}
		c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	if last == nil {
		last = fmt.Errorf("dial %s: no usable address", address)
	}
	return nil, last
}
