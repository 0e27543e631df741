package resolver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// exchange asks the servers in turn until each question has an answer.
// Each round asks every server that has not failed outright the questions
// still open, all at once, waiting twice as long as the round before, so a
// lost datagram is retried and a slow server gets time, until ctx ends: the
// query gives up when the caller sending it does, and another caller
// waiting for the same answer then sends it again. A question still open
// then fails with ctx's error, or, when ctx ended for errGaveUp (the
// resolver's own bound, not the caller's), as no server answered it: with
// ErrNoAnswer, or a server's own failure when one said its word.
//
// settled, when not nil, hears of each question as soon as it is settled,
// before the others: question i's index and its reply, or its failure once
// no server is left to ask. It may hear of one twice.
func (r *Resolver) exchange(ctx context.Context, qs []Question, wait time.Duration, settled func(i int, m *dns.Msg, err error)) ([]*dns.Msg, []error) {
	msgs := make([]*dns.Msg, len(qs))
	errs := make([]error, len(qs))
	if len(r.Servers) == 0 {
		for i, q := range qs {
			errs[i] = &DNSError{Name: q.Name, Type: dns.TypeToString[q.Type], Rcode: -1, Err: errors.New("no DNS server configured")}
		}
		return msgs, errs
	}
	queries := make([]*dns.Msg, len(qs))
	for i, q := range qs {
		m := new(dns.Msg)
		m.SetQuestion(q.Name, q.Type)
		m.RecursionDesired = true
		// Ask for the AD bit (RFC 6840 §5.7) so a validating resolver says
		// when it checked the answer, and allow answers larger than 512
		// octets.
		m.AuthenticatedData = true
		m.SetEdns0(1232, false)
		queries[i] = m
	}
	// failed[i][s] is server s's last word on question i when asking it
	// again won't help; last[i] the latest failure of question i.
	failed := make([][]error, len(qs))
	for i := range failed {
		failed[i] = make([]error, len(r.Servers))
	}
	last := make([]error, len(qs))
	open := make([]bool, len(qs))
	for i := range open {
		open[i] = true
	}
	for {
		if ctx.Err() != nil {
			// Nothing is sent once the query has ended.
			for i, q := range qs {
				if open[i] {
					errs[i], open[i] = gaveUp(ctx, q, failed[i]), false
				}
			}
			return msgs, errs
		}
		asked := false
		for s, server := range r.Servers {
			var ask []int
			for i := range qs {
				if open[i] && failed[i][s] == nil {
					ask = append(ask, i)
				}
			}
			if len(ask) == 0 {
				continue
			}
			asked = true
			sub := make([]*dns.Msg, len(ask))
			for x, i := range ask {
				sub[x] = queries[i]
			}
			var heard func(x int, m *dns.Msg)
			if settled != nil {
				heard = func(x int, m *dns.Msg) { settled(ask[x], m, nil) }
			}
			got, gotErr := r.exchangeOne(ctx, sub, server, wait, heard)
			ctxErr := ended(ctx)
			for x, i := range ask {
				q, m, err := qs[i], got[x], gotErr[x]
				typ := dns.TypeToString[q.Type]
				switch {
				case err == nil && final(m):
					msgs[i], open[i] = m, false
					if settled != nil {
						settled(i, m, nil)
					}
				case err == nil:
					// SERVFAIL, REFUSED: this server has said its word.
					failed[i][s] = &DNSError{Name: q.Name, Type: typ, Rcode: m.Rcode}
					last[i] = failed[i][s]
				case ctxErr != nil:
					errs[i], open[i] = gaveUp(ctx, q, failed[i]), false
				case IsTimeout(err):
					last[i] = &DNSError{Name: q.Name, Type: typ, Rcode: -1, Err: err}
				default:
					// Connection refused and the like: asking again won't help.
					failed[i][s] = &DNSError{Name: q.Name, Type: typ, Rcode: -1, Err: err}
					last[i] = failed[i][s]
				}
				if open[i] && !slices.Contains(failed[i], nil) {
					// Every server has said its word on this question:
					// it need not wait for the others.
					errs[i], open[i] = last[i], false
					if settled != nil {
						settled(i, nil, errs[i])
					}
				}
			}
		}
		if !asked {
			// Every question is settled: a question no server is left to
			// ask was closed with its last failure in the round that
			// refused it.
			return msgs, errs
		}
		wait *= 2
	}
}

// ended returns ctx's error once ctx has ended, or its deadline has passed:
// a socket's deadline, set to ctx's, can pass before ctx's own timer fires,
// and then ctx is about to end.
func ended(ctx context.Context) error {
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		<-ctx.Done()
	}
	return ctx.Err()
}

// gaveUp is the failure of question q, still open when ctx ended. The
// caller's own deadline or cancellation is reported as such (see
// callerErr); when the resolver's own bound ended the query (errGaveUp)
// while the caller still had time, no server answered in time: that is
// ErrNoAnswer, or the word of a server that said one, failed[s] being
// server s's.
func gaveUp(ctx context.Context, q Question, failed []error) error {
	typ := dns.TypeToString[q.Type]
	if context.Cause(ctx) != errGaveUp {
		return &DNSError{Name: q.Name, Type: typ, Rcode: -1, Err: callerErr(ctx)}
	}
	for _, f := range slices.Backward(failed) {
		if f != nil {
			return f
		}
	}
	return &DNSError{Name: q.Name, Type: typ, Rcode: -1, Err: ErrNoAnswer}
}

// callerErr is the error of a caller's context that has ended:
// context.DeadlineExceeded for a deadline, and also for a cancellation whose
// cause is one (a context shared by callers, which ends when the last of
// their deadlines passes, ends so); context.Canceled otherwise.
func callerErr(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return ctx.Err()
}

// final reports whether m is an answer to keep: NOERROR or NXDOMAIN.
func final(m *dns.Msg) bool {
	return m.Rcode == dns.RcodeSuccess || m.Rcode == dns.RcodeNameError
}

// exchangeOne asks one server every query of qs over UDP, at once and on
// one socket, waiting at most wait, and again over TCP each query whose UDP
// answer was truncated. heard, when not nil, hears of each final UDP
// answer as it arrives.
func (r *Resolver) exchangeOne(ctx context.Context, qs []*dns.Msg, server string, wait time.Duration, heard func(i int, m *dns.Msg)) ([]*dns.Msg, []error) {
	r.count(len(qs))
	r.freshIDs(qs)
	tctx, cancel := context.WithTimeout(ctx, wait)
	msgs, errs := r.exchangeUDP(tctx, qs, server, heard)
	cancel()
	for i, m := range msgs {
		if errs[i] != nil || !m.Truncated {
			continue
		}
		r.count(1)
		qs[i].Id = r.id()
		msgs[i], errs[i] = exchangeConn(ctx, "tcp", qs[i], server)
	}
	return msgs, errs
}

// freshIDs gives every query of a try an ID of its own, new and random.
func (r *Resolver) freshIDs(qs []*dns.Msg) {
	used := make(map[uint16]bool, len(qs))
	for _, q := range qs {
		q.Id = r.id()
		for used[q.Id] {
			q.Id = r.id()
		}
		used[q.Id] = true
	}
}

// id returns a new, random query ID.
func (r *Resolver) id() uint16 {
	if r.newID != nil {
		return r.newID()
	}
	return dns.Id()
}

// Bounds on the reuse of UDP sockets: a socket keeps its random source port
// for at most maxSocketUses queries (each with its own random ID), and at
// most maxIdleSockets wait for reuse per server. Reuse saves the socket,
// connect and close system calls of most queries in a batch.
//
// A socket is reused only when nothing came to it while it was idle: a
// datagram queued then would be read before the next query's real reply,
// so that a forger who sent a socket's worth of guesses while it waited
// would not have to race the server. Such a socket is closed instead, and
// so is one that got a stray datagram during its exchange: someone who is
// not the server knows its port.
const (
	maxSocketUses  = 32
	maxIdleSockets = 64
)

// udpSocket is a UDP socket connected to one server.
type udpSocket struct {
	conn net.Conn
	uses int
}

// exchangeUDP sends qs over UDP on a socket from the pool when one is
// idle, and reads the replies. A socket goes back to the pool only after a
// clean exchange: one that timed out may still receive a late reply, and
// one that received a stray datagram has been found, so it is closed.
func (r *Resolver) exchangeUDP(ctx context.Context, qs []*dns.Msg, server string, heard func(i int, m *dns.Msg)) ([]*dns.Msg, []error) {
	s, err := r.udpSocket(ctx, server)
	if err != nil {
		errs := make([]error, len(qs))
		for i := range errs {
			errs[i] = err
		}
		return make([]*dns.Msg, len(qs)), errs
	}
	s.uses += len(qs)
	msgs, errs, stray := exchangeDatagrams(ctx, s.conn, qs, heard)
	if stray || slices.ContainsFunc(errs, func(err error) bool { return err != nil }) || ctx.Err() != nil {
		// The caller's cancellation may have reached the socket's deadline.
		s.conn.Close()
		return msgs, errs
	}
	r.release(server, s)
	return msgs, errs
}

// udpSocket returns an idle socket connected to server that nothing came to
// while it was idle, or a new one.
func (r *Resolver) udpSocket(ctx context.Context, server string) (*udpSocket, error) {
	for {
		r.mu.Lock()
		idle := r.idle[server]
		if len(idle) == 0 {
			r.mu.Unlock()
			break
		}
		s := idle[len(idle)-1]
		r.idle[server] = idle[:len(idle)-1]
		r.mu.Unlock()
		if !unread(s.conn) {
			return s, nil
		}
		s.conn.Close()
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "udp", server)
	if err != nil {
		return nil, err
	}
	return &udpSocket{conn: c}, nil
}

// release returns s to the pool, or closes it when it has served enough
// queries, the pool is full, or the system cannot tell unread (so that
// reuse would not be safe).
func (r *Resolver) release(server string, s *udpSocket) {
	s.conn.SetDeadline(time.Time{})
	r.mu.Lock()
	defer r.mu.Unlock()
	if !canPeek || s.uses >= maxSocketUses || len(r.idle[server]) >= maxIdleSockets {
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
	return exchangeOn(ctx, raw, q)
}

// exchangeOn sends q on the stream raw and reads its reply, until ctx ends.
func exchangeOn(ctx context.Context, raw net.Conn, q *dns.Msg) (*dns.Msg, error) {
	stop := deadlines(ctx, raw)
	defer stop()
	conn := &dns.Conn{Conn: raw}
	if err := conn.WriteMsg(q); err != nil {
		return nil, ctxErr(ctx, err)
	}
	// A TCP reply is at most 64 KiB; dns.Conn reads its length first.
	buf := make([]byte, dns.MaxMsgSize)
	n, err := conn.Read(buf)
	if err != nil {
		return nil, ctxErr(ctx, err)
	}
	m := new(dns.Msg)
	if err := m.Unpack(buf[:n]); err != nil {
		return nil, err
	}
	// A stream has no second chance: a reply to anything else is wrong.
	if err := checkReply(q, m); err != nil {
		return nil, err
	}
	return m, nil
}

// exchangeDatagrams sends every query of qs on the UDP socket raw and reads
// until each has its reply or ctx ends; the queries without a reply then
// fail with the read's error. Datagrams that do not parse or that answer no
// query of qs are ignored, as anyone can send those, but stray reports
// them. heard, when not nil, hears of each final, untruncated reply as it
// arrives.
func exchangeDatagrams(ctx context.Context, raw net.Conn, qs []*dns.Msg, heard func(i int, m *dns.Msg)) (msgs []*dns.Msg, errs []error, stray bool) {
	msgs = make([]*dns.Msg, len(qs))
	errs = make([]error, len(qs))
	stop := deadlines(ctx, raw)
	defer stop()
	conn := &dns.Conn{Conn: raw, UDPSize: 1232}
	for i, q := range qs {
		if err := conn.WriteMsg(q); err != nil {
			for ; i < len(qs); i++ {
				errs[i] = ctxErr(ctx, err)
			}
			break
		}
	}
	open := 0
	for i := range qs {
		if errs[i] == nil {
			open++
		}
	}
	// A reply is at most what the query's EDNS0 allows, or 4096 bytes from
	// a server that ignores it; a longer datagram is cut and then ignored
	// as unreadable.
	buf := make([]byte, 4096)
	for open > 0 {
		n, err := conn.Read(buf)
		if err != nil {
			for i := range qs {
				if msgs[i] == nil && errs[i] == nil {
					errs[i] = ctxErr(ctx, err)
				}
			}
			break
		}
		m := new(dns.Msg)
		if m.Unpack(buf[:n]) != nil {
			stray = true
			continue
		}
		matched := false
		for i, q := range qs {
			if msgs[i] == nil && errs[i] == nil && checkReply(q, m) == nil {
				msgs[i] = m
				open--
				matched = true
				if heard != nil && !m.Truncated && final(m) {
					heard(i, m)
				}
				break
			}
		}
		stray = stray || !matched
	}
	return msgs, errs, stray
}

// deadlines sets raw's deadline to ctx's (none when ctx has none, also on a
// reused socket), and cuts raw's reads and writes short when ctx ends
// before that, until stop is called.
func deadlines(ctx context.Context, raw net.Conn) (stop func() bool) {
	dl, _ := ctx.Deadline()
	raw.SetDeadline(dl)
	return context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
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

func (r *Resolver) count(n int) {
	r.mu.Lock()
	r.queries += int64(n)
	r.mu.Unlock()
}
