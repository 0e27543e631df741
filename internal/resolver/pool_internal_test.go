package resolver

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/internal/testnet"
)

// A reply forged for the next question and sent, from the server's own
// address, to a socket that waits in the pool is not taken for that
// question's answer: the socket had something unread, so it is not reused.
// The query IDs are fixed here so that the forger's guess is right; a real
// forger gets one guess per datagram queued while the socket was idle.
func TestIdleSocketForgery(t *testing.T) {
	t.Parallel()
	if !canPeek {
		t.Skip("UDP sockets are not reused on this system")
	}
	d := testnet.NewDNS(t)
	d.Add(t, "first.pool.example. 60 IN A 192.0.2.1", "next.pool.example. 60 IN A 192.0.2.2")
	var mu sync.Mutex
	id := uint16(1000)
	r := &Resolver{Servers: []string{d.Addr}, newID: func() uint16 {
		mu.Lock()
		defer mu.Unlock()
		id++
		return id
	}}
	defer r.Close()
	ctx := context.Background()
	if _, err := r.Query(ctx, "first.pool.example", dns.TypeA); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	idle := append([]*udpSocket(nil), r.idle[d.Addr]...)
	r.mu.Unlock()
	if len(idle) != 1 {
		t.Fatalf("%d idle sockets after one query; want 1", len(idle))
	}
	conn := idle[0].conn

	forged := new(dns.Msg)
	forged.SetQuestion("next.pool.example.", dns.TypeA)
	forged.Id = id + 1 // the next query's
	forged.Response = true
	forged.RecursionAvailable = true
	rr, err := dns.NewRR("next.pool.example. 86400 IN A 203.0.113.66")
	if err != nil {
		t.Fatal(err)
	}
	forged.Answer = []dns.RR{rr}
	if err := d.Spoof(conn.LocalAddr(), forged); err != nil {
		t.Fatal(err)
	}
	// Loopback delivers at once; wait until the forgery is queued all
	// the same, so that the query below cannot come before it.
	for start := time.Now(); !unread(conn); {
		if time.Since(start) > 10*time.Second {
			t.Fatal("the forged datagram never reached the idle socket")
		}
		time.Sleep(time.Millisecond)
	}

	m, err := r.Query(ctx, "next.pool.example", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Answer) != 1 || !m.Answer[0].(*dns.A).A.Equal(net.ParseIP("192.0.2.2")) {
		t.Fatalf("answer %v; want the server's 192.0.2.2, not the forgery queued on the idle socket", m.Answer)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.idle[d.Addr] {
		if s == idle[0] {
			t.Error("the socket that received the forgery is back in the pool")
		}
	}
}

// Answers served from the cache carry what is left of their TTLs, counted
// down in whole seconds and never below one while cached, and the cached
// response itself is never changed.
func TestCacheCountsDownTTLs(t *testing.T) {
	t.Parallel()
	r := &Resolver{}
	m := new(dns.Msg)
	m.SetQuestion("ttl.example.", dns.TypeA)
	m.Response = true
	for _, s := range []string{"ttl.example. 30 IN A 192.0.2.1", "ttl.example. 300 IN A 192.0.2.2"} {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		m.Answer = append(m.Answer, rr)
	}
	m.SetEdns0(1232, true)
	k := Question{"ttl.example.", dns.TypeA}
	at := time.Now().Add(-12500 * time.Millisecond)
	r.store(k, m, at)

	// The age in whole seconds is 12, or more on a very slow machine.
	before := ageSeconds(time.Since(at))
	got, ok := r.cached(k)
	again, _ := r.cached(k)
	after := ageSeconds(time.Since(at))
	if !ok {
		t.Fatal("not cached")
	}
	if got == m {
		t.Fatal("an aged answer is the cached response itself")
	}
	if before == after && again != got {
		t.Error("two hits in the same second got two copies")
	}
	left := uint32(30) - got.Answer[0].Header().Ttl // the age it was served at
	if left < before || left > after {
		t.Fatalf("served with TTL %d at an age of %d to %d s", got.Answer[0].Header().Ttl, before, after)
	}
	if ttl, _ := TTL(got); ttl != time.Duration(30-left)*time.Second {
		t.Errorf("TTL after %d s = %v; want %ds", left, ttl, 30-left)
	}
	if b := got.Answer[1].Header().Ttl; b != 300-left {
		t.Errorf("second record's TTL %d after %d s; want %d", b, left, 300-left)
	}
	if m.Answer[0].Header().Ttl != 30 || m.Answer[1].Header().Ttl != 300 {
		t.Error("the cached response was changed")
	}
	if o := got.IsEdns0(); o == nil || !o.Do() {
		t.Error("the OPT record's flags, in its TTL field, were counted down")
	}

	// What is left while cached is at least a second.
	if c := age(m, 29); c.Answer[0].Header().Ttl != 1 || c.Answer[1].Header().Ttl != 271 {
		t.Errorf("after 29 s of 30: TTLs %d and %d; want 1 and 271", c.Answer[0].Header().Ttl, c.Answer[1].Header().Ttl)
	}
	// And past the TTL, nothing is served.
	r.store(k, m, time.Now().Add(-31*time.Second))
	if _, ok := r.cached(k); ok {
		t.Error("an answer past its TTL was served")
	}

	// A negative answer counts down the smaller of its SOA's TTL and
	// minimum.
	neg := new(dns.Msg)
	neg.SetQuestion("none.example.", dns.TypeA)
	neg.Response = true
	neg.Rcode = dns.RcodeNameError
	neg.Ns = []dns.RR{&dns.SOA{Hdr: dns.RR_Header{Name: "example.", Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 3600}, Ns: "ns.example.", Mbox: "h.example.", Minttl: 300}}
	nk := Question{"none.example.", dns.TypeA}
	r.store(nk, neg, time.Now().Add(-100*time.Second))
	got, ok = r.cached(nk)
	if ttl, _ := TTL(got); !ok || ttl > 200*time.Second || ttl < 190*time.Second {
		t.Errorf("negative answer after 100 s of 300: TTL %v; want 200s", ttl)
	}
}

// TTL takes the smallest TTL of the records a response rests on: its
// answer records, and for NXDOMAIN or NODATA its SOA's negative TTL.
func TestTTL(t *testing.T) {
	t.Parallel()
	msg := func(rcode int, answer, ns []string) *dns.Msg {
		m := new(dns.Msg)
		m.SetQuestion("x.example.", dns.TypeSRV)
		m.Rcode = rcode
		for _, s := range answer {
			rr, err := dns.NewRR(s)
			if err != nil {
				t.Fatal(err)
			}
			m.Answer = append(m.Answer, rr)
		}
		for _, s := range ns {
			rr, err := dns.NewRR(s)
			if err != nil {
				t.Fatal(err)
			}
			m.Ns = append(m.Ns, rr)
		}
		return m
	}
	soa := "example. 600 IN SOA ns.example. h.example. 1 60 60 60 120"
	for _, tc := range []struct {
		name string
		m    *dns.Msg
		want time.Duration
		ok   bool
	}{
		{"records", msg(dns.RcodeSuccess, []string{"x.example. 300 IN SRV 0 0 995 a.example.", "x.example. 30 IN SRV 0 0 995 b.example."}, nil), 30 * time.Second, true},
		{"nxdomain", msg(dns.RcodeNameError, nil, []string{soa}), 120 * time.Second, true},
		{"nodata", msg(dns.RcodeSuccess, nil, []string{soa}), 120 * time.Second, true},
		{"cname to nothing", msg(dns.RcodeSuccess, []string{"x.example. 3600 IN CNAME y.example."}, []string{soa}), 120 * time.Second, true},
		{"cname", msg(dns.RcodeSuccess, []string{"x.example. 20 IN CNAME y.example.", "y.example. 300 IN SRV 0 0 995 a.example."}, nil), 20 * time.Second, true},
		{"nothing", msg(dns.RcodeNameError, nil, nil), 0, false},
	} {
		if got, ok := TTL(tc.m); got != tc.want || ok != tc.ok {
			t.Errorf("%s: TTL = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
