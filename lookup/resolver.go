package lookup

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/internal/flight"
)

// Resolver sends every DNS query popfind makes — SRV, MX, and the A/AAAA
// lookups behind HTTPS fetches and TCP connections — to one set of servers.
// It asks each question once: concurrent identical questions share one
// query, and answers are cached for their TTL. It is safe for concurrent use.
//
// It checks replies as a stub resolver must: a reply must carry the query's
// ID and question, and only records owned by the name asked (or by the
// aliases its CNAME chain leads to) count. Datagrams that are not such a
// reply are ignored, and the query keeps waiting for the real one.
type Resolver struct {
	// Servers are the DNS servers to ask, as host:port, in order.
	Servers []string
	// QueryTimeout bounds a query whose first caller set no deadline.
	// Otherwise a query retries, with growing waits, until that deadline, or
	// until every caller waiting for it has given up. Zero means 10 seconds.
	QueryTimeout time.Duration
	// MaxCache bounds the number of cached answers; zero means 10000.
	MaxCache int
	// Dial opens the connections of DialContext, one address at a time;
	// nil means a net.Dialer. Tests use it to stand in for slow networks.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)

	flights flight.Group[cacheKey, *dns.Msg]
	mu      sync.Mutex
	cache   map[cacheKey]cacheEntry
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
	limit := r.queryTimeout()
	if dl, ok := ctx.Deadline(); ok {
		limit = time.Until(dl)
	}
	// The first try waits a second, or a third of the time there is when
	// that is shorter: a lost datagram costs a short wait and leaves time
	// for the retries.
	first := max(min(time.Second, limit/3), 10*time.Millisecond)
	m, err := r.flights.Do(ctx, key, func(ctx context.Context) (*dns.Msg, error) {
		// A call for key may have finished since the caller looked.
		if m, ok := r.cached(key); ok {
			return m, nil
		}
		ctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		m, err := r.exchange(ctx, name, qtype, first)
		if err == nil {
			r.store(key, m)
		}
		return m, err
	})
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil, &DNSError{Name: name, Type: dns.TypeToString[qtype], Rcode: -1, Err: ctx.Err()}
	}
	return m, err
}

func (r *Resolver) queryTimeout() time.Duration {
	if r.QueryTimeout > 0 {
		return r.QueryTimeout
	}
	return 10 * time.Second
}

// exchange asks the servers in turn until one answers. Each round asks every
// server that has not failed outright, waiting twice as long as the round
// before, so a lost datagram is retried and a slow server gets time, until
// ctx ends: the query gives up when its last caller does.
func (r *Resolver) exchange(ctx context.Context, name string, qtype uint16, wait time.Duration) (*dns.Msg, error) {
	typ := dns.TypeToString[qtype]
	if len(r.Servers) == 0 {
		return nil, &DNSError{Name: name, Type: typ, Rcode: -1, Err: errors.New("no DNS server configured")}
	}
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	q.RecursionDesired = true
	// Ask for the AD bit (RFC 6840 §5.7) so a validating resolver says when
	// it checked the answer, and allow answers larger than 512 octets.
	q.AuthenticatedData = true
	q.SetEdns0(1232, false)
	failed := make([]error, len(r.Servers))
	var last error
	for {
		asked := 0
		for i, server := range r.Servers {
			if failed[i] != nil {
				continue
			}
			asked++
			m, err := r.exchangeOne(ctx, q, server, wait)
			switch {
			case err == nil && (m.Rcode == dns.RcodeSuccess || m.Rcode == dns.RcodeNameError):
				return m, nil
			case err == nil:
				// SERVFAIL, REFUSED: this server has said its word.
				failed[i] = &DNSError{Name: name, Type: typ, Rcode: m.Rcode}
				last = failed[i]
			case ctx.Err() != nil:
				return nil, &DNSError{Name: name, Type: typ, Rcode: -1, Err: ctx.Err()}
			case isTimeout(err):
				last = &DNSError{Name: name, Type: typ, Rcode: -1, Err: err}
			default:
				// Connection refused and the like: asking again won't help.
				failed[i] = &DNSError{Name: name, Type: typ, Rcode: -1, Err: err}
				last = failed[i]
			}
		}
		if asked == 0 {
			return nil, last
		}
		wait *= 2
	}
}

// exchangeOne asks one server over UDP, waiting at most wait, and again over
// TCP when the UDP answer was truncated.
func (r *Resolver) exchangeOne(ctx context.Context, q *dns.Msg, server string, wait time.Duration) (*dns.Msg, error) {
	r.count()
	q.Id = dns.Id() // a fresh ID for every try
	tctx, cancel := context.WithTimeout(ctx, wait)
	m, err := exchangeConn(tctx, "udp", q, server)
	cancel()
	if err != nil || !m.Truncated {
		return m, err
	}
	r.count()
	q.Id = dns.Id()
	return exchangeConn(ctx, "tcp", q, server)
}

// exchangeConn sends q to server over network (a new socket each time, so
// the kernel picks a fresh random source port) and reads until the reply to
// q arrives or ctx ends. Over UDP, datagrams that do not parse or that
// answer another question are ignored: anyone can send those.
func exchangeConn(ctx context.Context, network string, q *dns.Msg, server string) (*dns.Msg, error) {
	var d net.Dialer
	raw, err := d.DialContext(ctx, network, server)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	if dl, ok := ctx.Deadline(); ok {
		raw.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	conn := &dns.Conn{Conn: raw, UDPSize: 1232}
	if err := conn.WriteMsg(q); err != nil {
		return nil, ctxErr(ctx, err)
	}
	// A UDP reply is at most what the query's EDNS0 allows, or 4096 bytes
	// from a server that ignores it (a longer datagram is cut and then
	// ignored as unreadable); a TCP reply at most 64 KiB.
	size := 4096
	if network != "udp" {
		size = dns.MaxMsgSize
	}
	buf := make([]byte, size)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return nil, ctxErr(ctx, err)
		}
		m := new(dns.Msg)
		err = m.Unpack(buf[:n])
		if err == nil {
			err = checkReply(q, m)
		}
		if err == nil {
			return m, nil
		}
		if network != "udp" {
			// A stream has no second chance: the reply is wrong.
			return nil, err
		}
	}
}

// checkReply accepts m only as the reply to q: same ID, a response, and the
// same single question.
func checkReply(q, m *dns.Msg) error {
	if m.Id != q.Id || !m.Response {
		return errors.New("reply with another ID")
	}
	if len(m.Question) != 1 {
		return fmt.Errorf("reply with %d questions", len(m.Question))
	}
	a, b := m.Question[0], q.Question[0]
	if a.Qtype != b.Qtype || a.Qclass != b.Qclass || !strings.EqualFold(a.Name, b.Name) {
		return fmt.Errorf("reply to another question (%s %s)", printableName(a.Name), dns.TypeToString[a.Qtype])
	}
	return nil
}

// printableName shows a name from a reply safely in an error.
func printableName(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strconv.QuoteToASCII(s)
}

func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
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
	least := uint32(0)
	first := true
	for _, rr := range m.Answer {
		if t := rr.Header().Ttl; first || t < least {
			least, first = t, false
		}
	}
	if first {
		for _, rr := range m.Ns {
			if soa, ok := rr.(*dns.SOA); ok {
				least = min(soa.Minttl, soa.Hdr.Ttl)
				first = false
			}
		}
	}
	if first {
		return negTTL
	}
	return min(time.Duration(least)*time.Second, maxTTL)
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
	steps := 0
	for steps <= maxCNAME {
		m, err := r.Query(ctx, name, qtype)
		if err != nil {
			return nil, err
		}
		rrs, alias, n := owned(m, name, qtype)
		steps += n
		if steps > maxCNAME {
			break
		}
		var ips []net.IP
		for _, rr := range rrs {
			switch v := rr.(type) {
			case *dns.A:
				ips = append(ips, v.A)
			case *dns.AAAA:
				ips = append(ips, v.AAAA)
			}
		}
		if len(ips) > 0 || alias == "" {
			return ips, nil
		}
		name = alias
	}
	return nil, &DNSError{Name: host, Type: dns.TypeToString[qtype], Rcode: -1, Err: fmt.Errorf("more than %d CNAME steps", maxCNAME)}
}

// Owned returns the records of type qtype in m's answer section that belong
// to name: owned by name itself or by the end of the CNAME chain that starts
// at name within m. Records for any other owner are ignored, as a stub
// resolver must ignore them. When the chain leaves m without records of
// qtype, alias is where it ends, to be asked next.
func Owned(m *dns.Msg, name string, qtype uint16) (rrs []dns.RR, alias string) {
	rrs, alias, _ = owned(m, name, qtype)
	return rrs, alias
}

// owned is Owned that also counts the CNAME steps it took inside m; past
// maxCNAME it stops with steps > maxCNAME and nothing found.
func owned(m *dns.Msg, name string, qtype uint16) (rrs []dns.RR, alias string, steps int) {
	owner := strings.ToLower(dns.Fqdn(name))
	for step := 0; ; step++ {
		next := ""
		for _, rr := range m.Answer {
			h := rr.Header()
			if !strings.EqualFold(h.Name, owner) {
				continue
			}
			switch {
			case h.Rrtype == qtype:
				rrs = append(rrs, rr)
			case h.Rrtype == dns.TypeCNAME && qtype != dns.TypeCNAME && next == "":
				next = strings.ToLower(dns.Fqdn(rr.(*dns.CNAME).Target))
			}
		}
		if len(rrs) > 0 || next == "" {
			return rrs, "", step
		}
		if step == maxCNAME {
			return nil, "", step + 1
		}
		owner = next
		alias = next
		// Follow the alias inside m when the server sent its records too.
		found := false
		for _, rr := range m.Answer {
			if strings.EqualFold(rr.Header().Name, owner) {
				found = true
				break
			}
		}
		if !found {
			return nil, alias, step + 1
		}
	}
}

// saneMinimum is the shortest time DialContext gives one address while
// time is left, as net.Dialer does.
const saneMinimum = 2 * time.Second

// DialContext connects to address (host:port), resolving host through r and
// trying its addresses in turn. Like net.Dialer, it splits the time left
// between the addresses still to try, so that one address that never
// answers cannot use up the whole deadline. It is meant for
// http.Transport.DialContext and for the POP3 probes, so that no connection
// bypasses the resolver.
func (r *Resolver) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	ips, err := r.LookupIP(ctx, host)
	if err != nil {
		return nil, err
	}
	var usable []net.IP
	for _, ip := range ips {
		if (network == "tcp4" && ip.To4() == nil) || (network == "tcp6" && ip.To4() != nil) {
			continue
		}
		usable = append(usable, ip)
	}
	dial := r.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	var last error
	for i, ip := range usable {
		dctx, cancel := partialDeadline(ctx, len(usable)-i)
		c, err := dial(dctx, network, net.JoinHostPort(ip.String(), port))
		cancel()
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

// partialDeadline gives one of the remaining addresses its share of the
// time left: an equal part, but at least saneMinimum when that much is left.
func partialDeadline(ctx context.Context, remaining int) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok || remaining <= 1 {
		return context.WithCancel(ctx)
	}
	left := time.Until(dl)
	share := left / time.Duration(remaining)
	if share < saneMinimum {
		share = min(left, saneMinimum)
	}
	return context.WithTimeout(ctx, share)
}
