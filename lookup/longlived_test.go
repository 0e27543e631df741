package lookup

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
)

// The tests of a Finder kept for days: what it shares, what it keeps and
// for how long, and what a caller's deadline means.

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	n atomic.Int32
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// An autoconfig server that answers each address apart (it writes the
// address itself into <username>) never has one address's answer served to
// another, from the cache or from a shared lookup; and a batch at the domain
// still costs one TLS handshake.
func TestPerAddressAnswersStayWithTheirAddress(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	ca := testnet.NewCA(t)
	ip := testnet.IP()
	d.Host(t, ip, "autoconfig.peraddr.example")
	var requests atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		who := r.URL.Query().Get("emailaddress")
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="peraddr.example">
<domain>peraddr.example</domain>
<incomingServer type="pop3"><hostname>pop.peraddr.example</hostname><port>995</port><socketType>SSL</socketType><username>%s</username><authentication>password-cleartext</authentication></incomingServer>
</emailProvider></clientConfig>`, who)
	})
	l := &countingListener{Listener: testnet.Listen(t, ip, 443)}
	srv := &http.Server{Handler: h, TLSConfig: &tls.Config{Certificates: []tls.Certificate{ca.Leaf(t, time.Now().Add(time.Hour), "autoconfig.peraddr.example")}}}
	go srv.ServeTLS(l, "", "")
	t.Cleanup(func() { srv.Close() })

	f, err := New(Config{DNS: d.Addr, RootCAs: ca.Pool(), Dial: testnet.Dial, Sources: []string{SourceAutoconfig}, Protocols: []Protocol{POP3}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	check := func(local string) {
		res := f.Find(context.Background(), local+"@peraddr.example")
		if s := res.Server(); s == nil || s.Username != local+"@peraddr.example" || !strings.Contains(res.Answer.SourceURL, local) {
			t.Errorf("%s: server %+v from %s; want its own login name and URL", local, s, res.Answer.SourceURL)
		}
	}
	check("alice")
	check("bob")
	check("alice")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			check(fmt.Sprintf("user%d", i))
		}()
	}
	wg.Wait()
	// alice's answer is kept for alice: she costs one request, the others
	// one each.
	if got := requests.Load(); got != 10 {
		t.Errorf("%d requests; want 10, one per address", got)
	}
	if got := l.n.Load(); got > 2 {
		t.Errorf("%d TLS connections for one domain; want the connection reused", got)
	}
}

// outageDNS is a DNS server that knows the POP3 SRV record of every domain,
// and answers SERVFAIL to everything while down is set.
type outageDNS struct {
	addr    string
	down    atomic.Bool
	queries atomic.Int64
	ttl     uint32
}

func newOutageDNS(t testing.TB, ttl uint32) *outageDNS {
	t.Helper()
	o := &outageDNS{ttl: ttl}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o.addr = pc.LocalAddr().String()
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(o.serve)}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.ActivateAndServe()
	}()
	<-started
	t.Cleanup(func() {
		srv.Shutdown()
		<-done
	})
	return o
}

func (o *outageDNS) serve(w dns.ResponseWriter, req *dns.Msg) {
	o.queries.Add(1)
	m := new(dns.Msg)
	m.SetReply(req)
	q := req.Question[0]
	switch name := strings.ToLower(q.Name); {
	case o.down.Load():
		m.Rcode = dns.RcodeServerFailure
	case q.Qtype == dns.TypeSRV && strings.HasPrefix(name, "_pop3s._tcp."):
		host := "pop." + strings.TrimPrefix(name, "_pop3s._tcp.")
		m.Answer = append(m.Answer, &dns.SRV{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: o.ttl}, Port: 995, Target: host})
	default:
		m.Rcode = dns.RcodeNameError
		m.Ns = append(m.Ns, &dns.SOA{Hdr: dns.RR_Header{Name: "example.", Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: o.ttl},
			Ns: "ns.example.", Mbox: "h.example.", Serial: 1, Refresh: 60, Retry: 60, Expire: 60, Minttl: o.ttl})
	}
	w.WriteMsg(m)
}

func srvFinder(t testing.TB, dnsAddr string) *Finder {
	t.Helper()
	f, err := New(Config{DNS: dnsAddr, Sources: []string{SourceSRV}, Protocols: []Protocol{POP3}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

// A lookup that failed is not kept: once the DNS server answers again, so
// does the Finder.
func TestFailuresAreNotKept(t *testing.T) {
	t.Parallel()
	o := newOutageDNS(t, 300)
	f := srvFinder(t, o.addr)
	o.down.Store(true)
	if res := f.Find(context.Background(), "me@outage.example"); res.Found || !errors.Is(res.Err, ErrNetwork) {
		t.Fatalf("during the outage: found=%v err=%v; want a network failure", res.Found, res.Err)
	}
	o.down.Store(false)
	if res := f.Find(context.Background(), "you@outage.example"); !res.Found || res.Server().Host != "pop.outage.example" {
		t.Fatalf("after the outage: found=%v err=%v; the failure was kept", res.Found, res.Err)
	}
}

// A kept answer expires with the smallest TTL it rests on, and Forget drops
// it at once.
func TestKeptNoLongerThanTTL(t *testing.T) {
	t.Parallel()
	o := newOutageDNS(t, 1)
	f := srvFinder(t, o.addr)
	find := func() {
		t.Helper()
		if res := f.Find(context.Background(), "me@ttl.example"); !res.Found {
			t.Fatalf("not found: %v", res.Err)
		}
	}
	find()
	n := o.queries.Load()
	find()
	if o.queries.Load() != n {
		t.Fatalf("the second lookup asked DNS again; want it kept")
	}
	time.Sleep(1100 * time.Millisecond)
	find()
	if o.queries.Load() == n {
		t.Fatalf("a lookup after the TTL of 1s was answered from the cache")
	}
}

// Forget drops what is kept for one domain, in any spelling, and nothing
// else; a lookup under way when it is called is not kept.
func TestForget(t *testing.T) {
	t.Parallel()
	src := &countingSource{name: "srv", host: "pop.forget.example"}
	m := &memo{engine: &engine{sources: entries(src), timeout: 5 * time.Second}}
	f := &Finder{memo: m}
	ctx := context.Background()
	for _, d := range []string{"a.example", "xn--bcher-kva.example"} {
		m.findIn(ctx, testnet.Addr(t, "me@"+d))
	}
	f.Forget("A.Example.")
	f.Forget("bücher.example")
	m.findIn(ctx, testnet.Addr(t, "me@a.example"))
	m.findIn(ctx, testnet.Addr(t, "you@xn--bcher-kva.example"))
	if got := src.calls.Load(); got != 4 {
		t.Errorf("%d lookups; want 4: both domains asked again after Forget", got)
	}
	m.findIn(ctx, testnet.Addr(t, "me@a.example"))
	if got := src.calls.Load(); got != 4 {
		t.Errorf("%d lookups; want the answer kept again after Forget", got)
	}
	slow := &countingSource{name: "srv", delay: 100 * time.Millisecond, host: "pop.forget.example"}
	m = &memo{engine: &engine{sources: entries(slow), timeout: 5 * time.Second}}
	f = &Finder{memo: m}
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.findIn(ctx, testnet.Addr(t, "me@slow.example"))
	}()
	for slow.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	f.Forget("slow.example")
	<-done
	m.findIn(ctx, testnet.Addr(t, "me@slow.example"))
	if got := slow.calls.Load(); got != 2 {
		t.Errorf("%d lookups; a lookup under way during Forget was kept", got)
	}
}

// Nothing is kept beyond 10 minutes, whatever the TTL, and the cache holds
// no more entries than its size.
func TestCacheBounds(t *testing.T) {
	t.Parallel()
	src := &countingSource{name: "srv", host: "pop.bounded.example"}
	m := &memo{engine: &engine{sources: entries(src), timeout: 5 * time.Second}, size: 3}
	for i := range 10 {
		m.findIn(context.Background(), testnet.Addr(t, fmt.Sprintf("me@d%d.example", i)))
	}
	if n, _ := m.len(); n != 3 {
		t.Errorf("%d entries kept; want 3", n)
	}
	m.mu.Lock()
	for el := m.lru.Front(); el != nil; el = el.Next() {
		if e := el.Value.(*memoEntry); time.Until(e.expires) > maxKeep {
			t.Errorf("%s kept until %s; want at most %s", e.key, e.expires, maxKeep)
		}
	}
	m.mu.Unlock()
}

// A result is a value: changing one changes nothing that the cache, the
// built-in table or another caller sees.
func TestResultsAreValues(t *testing.T) {
	t.Parallel()
	fresh := func() *Finder {
		f, err := New(Config{Sources: []string{SourceBuiltin}, Protocols: []Protocol{POP3, SMTP}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(f.Close)
		return f
	}
	want := fresh().Find(context.Background(), "x@gmail.com")
	f := fresh()
	for _, addr := range []string{"x@gmail.com", "x@googlemail.com"} {
		r := f.Find(context.Background(), addr)
		for _, p := range r.All() {
			a := p.Answer
			if a == nil {
				t.Fatalf("%s %s: no answer", addr, p.Protocol)
			}
			a.Servers[0].Host = "evil.example"
			if len(a.Servers[0].Auth) > 0 {
				a.Servers[0].Auth[0] = "evil"
			}
			a.Servers = append(a.Servers[:0], Server{Host: "evil2.example"})
			if len(a.Notes) > 0 {
				a.Notes[0].Key = "evil"
				if len(a.Notes[0].Args) > 0 {
					a.Notes[0].Args[0] = "evil"
				}
			}
			if len(a.Docs) > 0 {
				a.Docs[0] = "https://evil.example/"
			}
			if a.Provider != nil {
				a.Provider.Name = "Evil"
			}
			for i := range p.Attempts {
				if at := p.Attempts[i].Answer; at != nil && len(at.Servers) > 0 {
					at.Servers[0].Port = 1
				}
			}
			p.Warnings = append(p.Warnings, settings.NotFound("x").(*settings.Missing).Reason)
		}
	}
	for _, f := range []*Finder{f, fresh()} {
		got := f.Find(context.Background(), "x@gmail.com")
		for _, p := range []Protocol{POP3, SMTP} {
			if !reflect.DeepEqual(got.Get(p).Answer, want.Get(p).Answer) || !reflect.DeepEqual(got.Get(p).Warnings, want.Get(p).Warnings) {
				t.Errorf("%s after changing earlier results: %+v; want %+v", p, got.Get(p).Answer, want.Get(p).Answer)
			}
		}
	}
}

// An answer over plain HTTP never wins by waiting: it does not start the
// grace period, so a slower secure source still answers.
func TestPlainHTTPNeverWinsByWaiting(t *testing.T) {
	t.Parallel()
	secure := &countingSource{name: "autoconfig", delay: 300 * time.Millisecond, host: "secure.example"}
	plain := &fixedSource{name: "autoconfig-http", answer: func(settings.Address) *settings.Answer {
		return &settings.Answer{Insecure: true, Servers: []settings.Server{{Protocol: POP3, Host: "attacker.example", Port: 995, SocketType: SSL}}}
	}}
	srcs := entries(secure, plain)
	srcs[1].plain = true
	e := &engine{sources: srcs, timeout: 5 * time.Second, grace: 100 * time.Millisecond}
	res := e.lookup(context.Background(), testnet.Addr(t, "me@race.example"))
	if !res.Found || res.Server().Host != "secure.example" || res.Early() != 0 {
		t.Fatalf("got %s from %s (early %s); want the secure answer, waited for", hostOf(res), res.Source, res.Early())
	}
}

// Guessing runs inside the one grace period, not in a second one after it.
func TestOneGracePeriod(t *testing.T) {
	t.Parallel()
	// One grace period ends at about 1 s; a second one, begun when mx
	// answered, would end at about 1.8 s. The bound between leaves a busy
	// machine half a second.
	const grace = time.Second
	srv := &accountSource{name: "srv", delay: 10 * time.Millisecond, protocols: []Protocol{POP3}}
	mx := &accountSource{name: "mx", delay: 800 * time.Millisecond}
	guess := &countingSource{name: "guess", block: true}
	e := &engine{protocols: []Protocol{POP3, SMTP}, sources: entries(srv, mx), fallback: ent(guess), timeout: 10 * time.Second, grace: grace}
	start := time.Now()
	res := e.lookup(context.Background(), testnet.Addr(t, "me@grace.example"))
	took := time.Since(start)
	if !res.Found || res.Source != "srv" {
		t.Fatalf("POP3 from %s: %v", res.Source, res.Err)
	}
	if took > grace+grace/2 {
		t.Errorf("took %s; the grace period of %s began when POP3 was found, guessing included", took, grace)
	}
	if got := outcomes(res.Get(SMTP)); got != "srv=not_found mx=not_found guess=stopped_early" {
		t.Errorf("SMTP attempts %s", got)
	}
}

// A caller's context deadline keeps the answer in hand, with every
// attempt; the Finder's Timeout is only the default.
func TestCallerDeadlineKeepsTheAnswer(t *testing.T) {
	t.Parallel()
	hang := &countingSource{name: "autoconfig", block: true}
	srv := &countingSource{name: "srv", delay: 20 * time.Millisecond, host: "pop.kept.example"}
	m := &memo{engine: &engine{sources: entries(hang, srv), timeout: 10 * time.Second, grace: -1}}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	res := m.findIn(ctx, testnet.Addr(t, "me@kept.example"))
	if !res.Found || res.Server().Host != "pop.kept.example" || len(res.Attempts) != 2 {
		t.Fatalf("found=%v err=%v attempts %s; want the answer in hand", res.Found, res.Err, outcomes(res))
	}
	if got := outcomes(res); got != "autoconfig=error srv=found" {
		t.Errorf("attempts %s", got)
	}

	// A context with more time than Timeout is the one deadline.
	slow := &countingSource{name: "srv", delay: 400 * time.Millisecond, host: "pop.slow.example"}
	m = &memo{engine: &engine{sources: entries(slow), timeout: 100 * time.Millisecond}}
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if res := m.findIn(ctx, testnet.Addr(t, "me@slow.example")); !res.Found {
		t.Errorf("err %v; the context allowed 5s", res.Err)
	}
}

// An interrupted lookup is not "not found", and says that time ran out, with
// how long it had; it is not a network failure.
func TestInterruptedIsNotNotFound(t *testing.T) {
	t.Parallel()
	e := &engine{sources: entries(&countingSource{name: "srv", block: true}), timeout: 50 * time.Millisecond}
	res := e.lookup(context.Background(), testnet.Addr(t, "me@late.example"))
	if errors.Is(res.Err, ErrNotFound) || errors.Is(res.Err, ErrNetwork) || !errors.Is(res.Err, context.DeadlineExceeded) {
		t.Errorf("err %v: ErrNotFound %v, ErrNetwork %v; want only DeadlineExceeded", res.Err,
			errors.Is(res.Err, ErrNotFound), errors.Is(res.Err, ErrNetwork))
	}
	if msg := res.Err.Error(); !strings.Contains(msg, "time ran out") || !strings.Contains(msg, "50ms") {
		t.Errorf("message %q; want it to say that the 50ms ran out", msg)
	}
	e = &engine{sources: entries(&countingSource{name: "srv"}), timeout: time.Second}
	if res := e.lookup(context.Background(), testnet.Addr(t, "me@late.example")); !errors.Is(res.Err, ErrNotFound) {
		t.Errorf("err %v; a finished search that found nothing is ErrNotFound", res.Err)
	}
}

// When the lookup's own deadline ends it before DNS answered, the reason is
// the time, not the network.
func TestDeadlineBeforeDNSIsNotNetwork(t *testing.T) {
	t.Parallel()
	// A DNS server that never answers.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	f, err := New(Config{DNS: pc.LocalAddr().String(), Timeout: 300 * time.Millisecond, Protocols: []Protocol{POP3}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res := f.Find(context.Background(), "me@silent.example")
	if res.Found || errors.Is(res.Err, ErrNetwork) || !strings.Contains(res.Err.Error(), "time ran out") || !strings.Contains(res.Err.Error(), "300ms") {
		t.Errorf("err %v; want time running out after 300ms named, not the network", res.Err)
	}
}

// Check is bounded by Config.Timeout when its context has none, and is safe
// to call while the Finder is counted and closed.
func TestCheckBoundedAndConcurrent(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var conns sync.WaitGroup
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() { // never greets
				defer conns.Done()
				defer c.Close()
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				c.Read(make([]byte, 1))
			}()
		}
	}()
	f, err := New(Config{DNS: "127.0.0.1:9", Sources: []string{}, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	host, portS, _ := net.SplitHostPort(l.Addr().String())
	var port int
	fmt.Sscan(portS, &port)
	var wg sync.WaitGroup
	start := time.Now()
	for range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if r, err := f.Check(context.Background(), POP3, host, port, STARTTLS); err != nil || r.OK {
				t.Errorf("check of a silent server: %v %+v", err, r)
			}
		}()
		go func() {
			defer wg.Done()
			f.dnsQueries()
			f.Close()
		}()
	}
	wg.Wait()
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("checks took %s; Timeout is 300ms", took)
	}
	l.Close()
	f.Close()
	conns.Wait()
}

// The result has every protocol asked for, even for an invalid address;
// DefaultProtocols cannot be changed by its callers.
func TestEvenResults(t *testing.T) {
	t.Parallel()
	f, err := New(Config{Protocols: []Protocol{POP3, IMAP, SMTP}, Sources: []string{SourceBuiltin}})
	if err != nil {
		t.Fatal(err)
	}
	res := f.Find(context.Background(), "not an address")
	for _, p := range []Protocol{POP3, IMAP, SMTP} {
		if r := res.Get(p); r == nil || !errors.Is(r.Err, ErrInvalidAddress) || r.Address.Raw != "not an address" {
			t.Errorf("%s: %+v; want an invalid-address result", p, r)
		}
	}
	if r := Find(context.Background(), "also bad"); r.Get(SMTP) == nil {
		t.Error("lookup.Find of a bad address has no SMTP result")
	}
	d := DefaultProtocols()
	d[0] = IMAP
	if DefaultProtocols()[0] != POP3 {
		t.Error("DefaultProtocols changed by a caller")
	}
}

// One Finder held through a DNS outage and back: answers resume, failures
// did not stick, and memory stays flat over 100,000 lookups of distinct
// domains.
func TestFinderForADay(t *testing.T) {
	t.Parallel()
	o := newOutageDNS(t, 300)
	f := srvFinder(t, o.addr)
	lookups := func(from, to int, want bool) {
		t.Helper()
		var failed atomic.Int32
		var wg sync.WaitGroup
		next := atomic.Int64{}
		next.Store(int64(from))
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= to {
						return
					}
					res := f.Find(context.Background(), fmt.Sprintf("u%d@d%d.example", i, i))
					if res.Found != want {
						failed.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		if n := failed.Load(); n > 0 {
			t.Fatalf("lookups %d to %d: %d with found != %v", from, to, n, want)
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	lookups(0, 200, true)
	o.down.Store(true)
	lookups(200, 400, false)
	o.down.Store(false)
	lookups(200, 400, true) // the same domains, after the outage
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	lookups(400, 20_000, true)
	base := heap()
	lookups(20_000, n, true)
	if grown := int64(heap()) - int64(base); grown > 16<<20 {
		t.Errorf("the heap grew by %d MiB over %d more lookups; want it flat", grown>>20, n-20_000)
	}
	if entries, bytes := f.memo.len(); entries > defaultCacheSize || bytes > cacheBytes {
		t.Errorf("%d entries, %d bytes kept; want at most %d and %d", entries, bytes, defaultCacheSize, cacheBytes)
	}
}

// A caller who stops waiting for another address's lookup of the domain
// gets what it had found, but never what it learned for that address alone.
func TestSnapshotKeepsOtherAddressesOut(t *testing.T) {
	t.Parallel()
	hang := &countingSource{name: "autoconfig", block: true}
	mine := &fixedSource{name: "autodiscover", answer: func(addr settings.Address) *settings.Answer {
		return &settings.Answer{OnlyFor: addr.String(), Servers: []settings.Server{{Protocol: POP3, Host: "pop.corp.example",
			Port: 995, SocketType: SSL, Username: "CORP\\" + addr.Local}}}
	}}
	m := &memo{engine: &engine{sources: entries(hang, mine), timeout: 10 * time.Second, grace: -1}}
	actx, cancelA := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancelA()
	alice := make(chan *Result, 1)
	go func() { alice <- m.findIn(actx, testnet.Addr(t, "alice@corp.example")) }()
	for mine.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	bctx, cancelB := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancelB()
	bob := m.findIn(bctx, testnet.Addr(t, "bob@corp.example"))
	if s := bob.Server(); s != nil && s.Username != "CORP\\bob" {
		t.Errorf("bob got %+v, alice's login name", s)
	}
	for _, a := range bob.Attempts {
		if a.Answer != nil && len(a.Answer.Servers) > 0 && a.Answer.Servers[0].Username == "CORP\\alice" {
			t.Errorf("bob's attempt %s holds alice's answer", a.Source)
		}
	}
	cancelA()
	if r := <-alice; r.Server() == nil || r.Server().Username != "CORP\\alice" {
		t.Errorf("alice got %+v", r.Server())
	}

	// The snapshot itself leaves alice's answer out for bob.
	var p progress
	s := m.engine.newSituation()
	s.raced = true
	s.attempts[1] = &attempt{source: "autodiscover", outcome: OutcomeFound,
		answer: mine.answer(testnet.Addr(t, "alice@corp.example"))}
	p.set(s)
	if v := m.engine.snapshot(&p, Address(testnet.Addr(t, "bob@corp.example")), context.DeadlineExceeded, time.Second); v.findings[0].chosen >= 0 || v.boundTo() != "" {
		t.Errorf("bob's snapshot holds alice's answer")
	}
	if v := m.engine.snapshot(&p, Address(testnet.Addr(t, "alice@corp.example")), context.DeadlineExceeded, time.Second); v.findings[0].chosen != 1 {
		t.Errorf("alice's snapshot lost her answer")
	}
}

// A shared lookup runs until the latest deadline of the callers waiting for
// it, and its sources see that deadline; a caller with less time gets what
// was found by its own.
func TestSharedLookupTakesTheLatestDeadline(t *testing.T) {
	t.Parallel()
	src := &countingSource{name: "srv", delay: 500 * time.Millisecond, host: "pop.shared.example"}
	m := &memo{engine: &engine{sources: entries(src), timeout: 10 * time.Second}}
	actx, cancelA := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancelA()
	first := make(chan *Result, 1)
	go func() { first <- m.findIn(actx, testnet.Addr(t, "a@shared.example")) }()
	for src.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	long := time.Now().Add(3 * time.Second)
	bctx, cancelB := context.WithDeadline(context.Background(), long)
	defer cancelB()
	second := m.findIn(bctx, testnet.Addr(t, "b@shared.example"))
	if !second.Found {
		t.Errorf("the caller with 3s: %v; the shared lookup should have run on for it", second.Err)
	}
	if r := <-first; r.Found || !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Errorf("the caller with 200ms: found=%v err=%v; want its deadline", r.Found, r.Err)
	}
	if src.calls.Load() != 1 {
		t.Errorf("%d lookups; want one shared", src.calls.Load())
	}
	// Every step of the run, however deep its context, sees the deadline
	// as it is pushed back.
	fl := &flight{}
	t1 := time.Now().Add(time.Second)
	fl.setDeadline(t1)
	child, cancel := context.WithCancel(flightContext{context.Background(), fl})
	defer cancel()
	if d, ok := child.Deadline(); !ok || !d.Equal(time.Unix(0, t1.UnixNano())) {
		t.Errorf("deadline %v %v; want %v", d, ok, t1)
	}
	fl.setDeadline(long)
	if d, _ := child.Deadline(); !d.Equal(time.Unix(0, long.UnixNano())) {
		t.Errorf("deadline %v after it was pushed back to %v", d, long)
	}
}

// One hanging host is one warning: the deadline's warning names every
// source it caught, once per protocol.
func TestOneTimeoutWarning(t *testing.T) {
	t.Parallel()
	a := &countingSource{name: "autoconfig", block: true}
	b := &countingSource{name: "autoconfig-http", block: true}
	e := &engine{protocols: []Protocol{POP3, SMTP}, sources: entries(a, b), fallback: ent(&countingSource{name: "guess"}), timeout: 50 * time.Millisecond}
	res := e.lookup(context.Background(), testnet.Addr(t, "me@hang.example"))
	for _, r := range res.All() {
		var n int
		for _, w := range r.Warnings {
			if w.Key == i18n.WarnSourceTimeout {
				n++
				if got := i18n.English.Format(w); got != "did not finish before the deadline: autoconfig, autoconfig-http" {
					t.Errorf("%s: warning %q", r.Protocol, got)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s: %d deadline warnings; want one", r.Protocol, n)
		}
	}
}

// Result.Expires says how long the answer may be kept: until the smallest
// TTL it rests on, and not at all for a failed lookup.
func TestResultExpires(t *testing.T) {
	t.Parallel()
	o := newOutageDNS(t, 30)
	f := srvFinder(t, o.addr)
	res := f.Find(context.Background(), "me@expires.example")
	if left := time.Until(res.Expires()); !res.Found || left <= 0 || left > 30*time.Second {
		t.Errorf("found=%v expires in %s; want within the TTL of 30s", res.Found, left)
	}
	if res.Get(POP3).Expires() != res.Expires() {
		t.Error("the protocols of one lookup expire apart")
	}
	o.down.Store(true)
	if res := f.Find(context.Background(), "me@expires2.example"); !res.Expires().IsZero() {
		t.Errorf("a failed lookup expires at %s; want zero, never kept", res.Expires())
	}
}
