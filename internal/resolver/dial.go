package resolver

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// ErrCNAMELoop is the error of a DNSError for a name whose CNAME chain is
// longer than maxCNAME steps.
var ErrCNAMELoop = fmt.Errorf("more than %d CNAME steps", maxCNAME)

// maxCNAME bounds how many aliases LookupIP follows.
const maxCNAME = 8

// resolutionDelay is how long LookupIP waits for the addresses of one family
// once it has those of the other (RFC 8305 §3).
const resolutionDelay = 50 * time.Millisecond

// LookupIP returns the addresses of host, asking for A and AAAA records at
// once, on one socket, and following CNAME chains a bounded number of steps.
// Once one family has addresses, it waits resolutionDelay (50 ms, as RFC
// 8305 §3 suggests) for the other and then returns what it has: a server
// or middlebox that drops AAAA queries costs 50 ms, not the deadline.
func (r *Resolver) LookupIP(ctx context.Context, host string) ([]net.IP, error) {
	host = strings.TrimSuffix(host, ".")
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
		return []net.IP{ip}, nil
	}
	if strings.EqualFold(host, "localhost") {
		return []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, nil
	}
	// A and AAAA at once, in this goroutine, and each CNAME chain the
	// answers leave unfinished, both chains a step at a time.
	type chase struct {
		name  string
		qtype uint16
		steps int
		ips   []net.IP
		err   error
		done  bool
		// nx is set when the chain ended in a name that does not exist
		// (NXDOMAIN), not in a name without records of its type (NODATA).
		nx bool
	}
	name := dns.Fqdn(strings.ToLower(host))
	cs := []*chase{{name: name, qtype: dns.TypeA}, {name: name, qtype: dns.TypeAAAA}}
	// The first answer with addresses starts the resolution delay, which
	// ends the queries of the other family that are still open.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var mu sync.Mutex
	var delay *time.Timer
	defer func() {
		mu.Lock()
		if delay != nil {
			delay.Stop()
		}
		mu.Unlock()
	}()
	for {
		var qs []Question
		var open []*chase
		for _, c := range cs {
			if !c.done {
				qs, open = append(qs, Question{c.name, c.qtype}), append(open, c)
			}
		}
		if len(qs) == 0 {
			break
		}
		ms, errs := r.queryAll(ctx, qs, func(k int, m *dns.Msg, err error) {
			if err != nil {
				return
			}
			if rrs, _, _ := owned(m, open[k].name, open[k].qtype); len(rrs) == 0 {
				return
			}
			// queryAll may call this from another goroutine.
			mu.Lock()
			if delay == nil {
				delay = time.AfterFunc(resolutionDelay, stop)
			}
			mu.Unlock()
		})
		for k, c := range open {
			if errs[k] != nil {
				c.err, c.done = errs[k], true
				continue
			}
			rrs, alias, n := owned(ms[k], c.name, c.qtype)
			c.steps += n
			if c.steps > maxCNAME {
				c.err, c.done = &DNSError{Name: host, Type: dns.TypeToString[c.qtype], Rcode: -1, Err: ErrCNAMELoop}, true
				continue
			}
			for _, rr := range rrs {
				switch v := rr.(type) {
				case *dns.A:
					c.ips = append(c.ips, v.A)
				case *dns.AAAA:
					c.ips = append(c.ips, v.AAAA)
				}
			}
			c.done = len(c.ips) > 0 || alias == ""
			c.nx = c.done && len(c.ips) == 0 && ms[k].Rcode == dns.RcodeNameError
			c.name = alias
		}
	}
	a, aaaa := cs[0], cs[1]
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
	// Rcode says which "nothing" it was: NXDOMAIN when the name does not
	// exist, NOERROR when it exists without addresses (NODATA).
	rcode := dns.RcodeSuccess
	if a.nx && aaaa.nx {
		rcode = dns.RcodeNameError
	}
	return nil, &DNSError{Name: host, Type: "A/AAAA", Rcode: rcode, Err: ErrNoHost}
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

// HostQuestions returns the questions LookupIP asks first for host: its A
// and AAAA records, or none for an address or localhost.
func HostQuestions(host string) []Question {
	host = strings.TrimSuffix(host, ".")
	if net.ParseIP(strings.Trim(host, "[]")) != nil || strings.EqualFold(host, "localhost") || host == "" {
		return nil
	}
	return []Question{{host, dns.TypeA}, {host, dns.TypeAAAA}}
}
