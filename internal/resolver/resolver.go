// Package resolver is popfind's stub resolver: every DNS query popfind
// makes goes through one Resolver, which shares, caches and checks them.
package resolver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/internal/flight"
	"github.com/popfind/popfind/lookup/settings"
)

// Resolver sends every DNS query popfind makes — SRV, MX, and the A/AAAA
// lookups behind HTTPS fetches and TCP connections — to one set of servers.
// It asks each question once: concurrent identical questions share one
// query, sent and awaited by the first caller's goroutine (no goroutine per
// query), whose answer reaches every caller as soon as it arrives; answers
// are cached for their TTL, and served with what is left of it (see TTL).
// Failures (SERVFAIL, REFUSED, timeouts) are never cached. It is safe for
// concurrent use.
//
// It checks replies as a stub resolver must: a reply must carry the query's
// ID and question, and only records owned by the name asked (or by the
// aliases its CNAME chain leads to) count. Datagrams that are not such a
// reply are ignored, and the query keeps waiting for the real one.
type Resolver struct {
	// Servers are the DNS servers to ask, as host:port, in order.
	Servers []string
	// QueryTimeout bounds a query whose caller set no deadline.
	// Otherwise a query retries, with growing waits, until that deadline, or
	// until the caller sending it gives up. Zero means 10 seconds.
	QueryTimeout time.Duration
	// MaxCache bounds the number of cached answers; zero means 10000.
	MaxCache int
	// Dial opens the connections of DialContext, one address at a time;
	// nil means a net.Dialer. Tests use it to stand in for slow networks.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)

	flights flight.Group[Question, *dns.Msg]
	mu      sync.Mutex
	cache   map[Question]*cacheEntry
	idle    map[string][]*udpSocket // UDP sockets to reuse, by server
	// queries counts the queries sent, for tests and benchmarks.
	queries int64
	// newID, when set, gives the queries their IDs instead of dns.Id, so
	// that tests know them.
	newID func() uint16
}

// Question is a name and a record type to ask for.
type Question struct {
	Name string
	Type uint16
}

// DNSError is a DNS failure: the server said SERVFAIL or REFUSED, or could
// not be reached. When no server answered, Rcode is -1 and Err says why:
// the caller's context error when its deadline or cancellation ended the
// query (context.DeadlineExceeded for a deadline, and for a cancellation
// whose cause is context.DeadlineExceeded, so that errors.Is holds), and
// ErrNoAnswer when the resolver's own tries ran out while the caller still
// had time, which means the network or the servers are down.
type DNSError struct {
	Name string
	Type string
	// Rcode is the answer's response code, -1 when no answer came back.
	// For a name without addresses (Err is ErrNoHost) it says which
	// "nothing": NXDOMAIN (the name does not exist) or NOERROR (it exists
	// without A or AAAA records, NODATA).
	Rcode int
	Err   error
}

func (e *DNSError) Error() string {
	switch {
	case e.Err == ErrNoHost && e.Rcode == dns.RcodeNameError:
		return fmt.Sprintf("dns: %s %s: no such host (NXDOMAIN)", e.Name, e.Type)
	case e.Err == ErrNoHost && e.Rcode == dns.RcodeSuccess:
		return fmt.Sprintf("dns: %s %s: no address records (NODATA)", e.Name, e.Type)
	}
	if e.Rcode >= 0 {
		return fmt.Sprintf("dns: %s %s: server answered %s", e.Name, e.Type, dns.RcodeToString[e.Rcode])
	}
	return fmt.Sprintf("dns: %s %s: %v", e.Name, e.Type, e.Err)
}

func (e *DNSError) Unwrap() error { return e.Err }

// Is makes a name without addresses match ErrNotFound: NXDOMAIN and NODATA
// mean "nothing there", not "something broke".
func (e *DNSError) Is(target error) bool { return target == settings.ErrNotFound && e.Err == ErrNoHost }

// ErrNoHost means a host name has no address records.
var ErrNoHost = errors.New("no such host")

// System returns a resolver that asks the servers in
// /etc/resolv.conf.
func System() (*Resolver, error) {
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

// Query asks for name's records of type qtype. It returns the response for
// NOERROR and NXDOMAIN answers; SERVFAIL, REFUSED and network failures are a
// *DNSError. Callers must not change the response: it may be shared.
func (r *Resolver) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	ms, errs := r.QueryAll(ctx, []Question{{name, qtype}})
	return ms[0], errs[0]
}

// QueryAll asks every question at once, in the calling goroutine: the
// questions that neither the cache nor another caller's query in flight
// answers go out together on one socket. It returns a response or an error
// for each question, in order, as Query does.
func (r *Resolver) QueryAll(ctx context.Context, qs []Question) ([]*dns.Msg, []error) {
	return r.queryAll(ctx, qs, nil)
}

// Prefetch is QueryAll for answers wanted in the cache: it caches each
// answer the moment it arrives and calls done with the index of each
// question as soon as its answer is in the cache or it has failed, each
// index once. A question that another caller's query in flight answers is
// done when that answer arrives, even while questions Prefetch sends itself
// still wait. It returns when every question is done or ctx ends.
//
// done may be called from the goroutine of that other caller, but never
// after Prefetch has returned and never twice at once. It must return
// quickly, and must not make a query that is not cached: the query could
// wait for the very goroutine that calls done.
func (r *Resolver) Prefetch(ctx context.Context, qs []Question, done func(i int)) {
	var mu sync.Mutex
	called := make([]bool, len(qs))
	once := func(i int) {
		mu.Lock()
		defer mu.Unlock()
		if !called[i] {
			called[i] = true
			done(i)
		}
	}
	r.queryAll(ctx, qs, func(i int, _ *dns.Msg, _ error) { once(i) })
	// The questions that ctx ended before they were asked.
	for i := range qs {
		once(i)
	}
}

// errGaveUp is the cause of a query's context when the resolver's own
// QueryTimeout, not the caller, ended it.
var errGaveUp = errors.New("query timeout")

// ErrNoAnswer is the error of a DNSError for a question that no server
// answered while its caller still had time: every try was lost or timed
// out, until QueryTimeout. A query that the caller's context ended has that
// context's error instead (context.DeadlineExceeded or context.Canceled).
var ErrNoAnswer = errors.New("no DNS server answered")

// queryAll is QueryAll; ready, when not nil, hears of each question as soon
// as it is settled, before queryAll returns: its response (in the cache,
// when it is one to keep), or its failure. It may be called from the
// goroutine of another caller whose query answers the question, never
// twice at once, and must return quickly.
func (r *Resolver) queryAll(ctx context.Context, qs []Question, ready func(i int, m *dns.Msg, err error)) ([]*dns.Msg, []error) {
	msgs := make([]*dns.Msg, len(qs))
	errs := make([]error, len(qs))
	var keys []Question
	var at []int
	for i, q := range qs {
		key := Question{dns.Fqdn(strings.ToLower(q.Name)), q.Type}
		if _, ok := dns.IsDomainName(key.Name); !ok {
			errs[i] = &DNSError{Name: key.Name, Type: dns.TypeToString[q.Type], Rcode: -1, Err: errors.New("not a valid domain name")}
			if ready != nil {
				ready(i, nil, errs[i])
			}
			continue
		}
		if m, ok := r.cached(key); ok {
			msgs[i] = m
			if ready != nil {
				ready(i, m, nil)
			}
			continue
		}
		keys, at = append(keys, key), append(at, i)
	}
	if len(keys) == 0 {
		return msgs, errs
	}
	limit := r.queryTimeout()
	if dl, ok := ctx.Deadline(); ok {
		limit = time.Until(dl)
	}
	// The first try waits a second, or a third of the time there is when
	// that is shorter: a lost datagram costs a short wait and leaves time
	// for the retries.
	first := max(min(time.Second, limit/3), 10*time.Millisecond)
	// When each answer arrived, to count its TTLs down by the time
	// queryAll returns it; set by settled, read after RunEach returns.
	arrived := make([]time.Time, len(keys))
	settled := func(j int, m *dns.Msg, err error) {
		arrived[j] = time.Now()
		if ready != nil {
			ready(at[j], m, err)
		}
	}
	vals, verrs := r.flights.RunEach(ctx, keys, func(ctx context.Context, keys []Question, settle func(int, *dns.Msg, error)) ([]*dns.Msg, []error) {
		ms := make([]*dns.Msg, len(keys))
		es := make([]error, len(keys))
		// A call for a key may have finished since the caller looked.
		var ask []Question
		var askAt []int
		for j, k := range keys {
			if m, ok := r.cached(k); ok {
				ms[j] = m
				settle(j, m, nil)
				continue
			}
			ask, askAt = append(ask, k), append(askAt, j)
		}
		if len(ask) == 0 {
			return ms, es
		}
		// Each answer is cached, and handed to the callers waiting for
		// it, the moment it arrives; exchange may hear of one twice.
		told := make([]bool, len(ask))
		heard := func(x int, m *dns.Msg, err error) {
			if told[x] {
				return
			}
			told[x] = true
			if err == nil {
				r.store(ask[x], m, time.Now())
			}
			settle(askAt[x], m, err)
		}
		ctx, cancel := context.WithTimeoutCause(ctx, limit, errGaveUp)
		defer cancel()
		got, failed := r.exchange(ctx, ask, first, heard)
		for x, j := range askAt {
			ms[j], es[j] = got[x], failed[x]
		}
		return ms, es
	}, settled)
	now := time.Now()
	for j, i := range at {
		m, err := vals[j], verrs[j]
		if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			m, err = nil, &DNSError{Name: keys[j].Name, Type: dns.TypeToString[keys[j].Type], Rcode: -1, Err: callerErr(ctx)}
		}
		if err == nil {
			m = aged(m, now.Sub(arrived[j]))
		}
		msgs[i], errs[i] = m, err
	}
	return msgs, errs
}

func (r *Resolver) queryTimeout() time.Duration {
	if r.QueryTimeout > 0 {
		return r.QueryTimeout
	}
	return 10 * time.Second
}
