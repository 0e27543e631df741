package resolver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

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
			case IsTimeout(err):
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
	m, err := r.exchangeUDP(tctx, q, server)
	cancel()
	if err != nil || !m.Truncated {
		return m, err
	}
	r.count()
	q.Id = dns.Id()
	return exchangeConn(ctx, "tcp", q, server)
}

// Bounds on the reuse of UDP sockets: a socket keeps its random source port
// for at most maxSocketUses queries (each with its own random ID), and at
// most maxIdleSockets wait for reuse per server. Reuse saves the socket,
// connect and close system calls of most queries in a batch.
const (
	maxSocketUses  = 32
	maxIdleSockets = 64
)

// udpSocket is a UDP socket connected to one server.
type udpSocket struct {
	conn net.Conn
	uses int
}

// exchangeUDP is exchangeConn over UDP, on a socket from the pool when one
// is idle. A socket goes back to the pool only after a clean exchange: one
// that timed out may still receive the late reply, so it is closed.
func (r *Resolver) exchangeUDP(ctx context.Context, q *dns.Msg, server string) (*dns.Msg, error) {
	s, err := r.udpSocket(ctx, server)
	if err != nil {
		return nil, err
	}
	s.uses++
	m, err := exchangeOn(ctx, s.conn, "udp", q)
	if err != nil || ctx.Err() != nil {
		// The caller's cancellation may have reached the socket's deadline.
		s.conn.Close()
		return m, err
	}
	r.release(server, s)
	return m, nil
}

func (r *Resolver) udpSocket(ctx context.Context, server string) (*udpSocket, error) {
	r.mu.Lock()
	if idle := r.idle[server]; len(idle) > 0 {
		s := idle[len(idle)-1]
		r.idle[server] = idle[:len(idle)-1]
		r.mu.Unlock()
		return s, nil
	}
	r.mu.Unlock()
	var d net.Dialer
	c, err := d.DialContext(ctx, "udp", server)
	if err != nil {
		return nil, err
	}
	return &udpSocket{conn: c}, nil
}

// release returns s to the pool, or closes it when it has served enough
// queries or the pool is full.
func (r *Resolver) release(server string, s *udpSocket) {
	s.conn.SetDeadline(time.Time{})
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.uses >= maxSocketUses || len(r.idle[server]) >= maxIdleSockets {
		s.conn.Close()
		return
	}
	if r.idle == nil {
		r.idle = map[string][]*udpSocket{}
	}
	r.idle[server] = append(r.idle[server], s)
}

// Close closes the idle sockets. The Resolver stays usable.
func (r *Resolver) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for server, idle := range r.idle {
		for _, s := range idle {
			s.conn.Close()
		}
		delete(r.idle, server)
	}
}

// exchangeConn sends q to server over network on a new connection.
func exchangeConn(ctx context.Context, network string, q *dns.Msg, server string) (*dns.Msg, error) {
	var d net.Dialer
	raw, err := d.DialContext(ctx, network, server)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	return exchangeOn(ctx, raw, network, q)
}

// exchangeOn sends q on raw and reads until the reply to q arrives or ctx
// ends. Over UDP, datagrams that do not parse or that answer another
// question are ignored: anyone can send those.
func exchangeOn(ctx context.Context, raw net.Conn, network string, q *dns.Msg) (*dns.Msg, error) {
	dl, _ := ctx.Deadline() // zero: no deadline, also on a reused socket
	raw.SetDeadline(dl)
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

// IsTimeout reports whether err is a network timeout or a passed deadline.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded)
}

func (r *Resolver) count() {
	r.mu.Lock()
	r.queries++
	r.mu.Unlock()
}
