package resolver_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/popfind/popfind/internal/dnssource"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
)

func TestResolverHangingServer(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Hang("_pop3s._tcp.slow.example")
	d.Hang("_pop3._tcp.slow.example")
	s := &dnssource.SRVSource{Resolver: &resolver.Resolver{Servers: []string{d.Addr}}}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Lookup(ctx, testnet.Addr(t, "x@slow.example"))
	if err == nil || errors.Is(err, settings.ErrNotFound) {
		t.Errorf("err = %v; want a timeout error", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("returned after %v; the deadline was 300ms", el)
	}
}

func TestResolverTruncatedRetriesOverTCP(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Truncate("_pop3s._tcp.big.example")
	d.Add(t, "_pop3s._tcp.big.example. 60 IN SRV 0 0 995 pop.big.example.")
	s := &dnssource.SRVSource{Resolver: newResolver(d)}
	a, err := s.Lookup(context.Background(), testnet.Addr(t, "x@big.example"))
	if err != nil {
		t.Fatal(err)
	}
	if testnet.Hosts(a) != "pop.big.example:995/SSL" {
		t.Errorf("servers = %s", testnet.Hosts(a))
	}
	// A slow machine may retry over UDP before the truncated answer comes
	// back; the truncated answer then leads to exactly one TCP query.
	udp := d.QueriesFor("_pop3s._tcp.big.example") - d.TCPQueriesFor("_pop3s._tcp.big.example")
	if tcp := d.TCPQueriesFor("_pop3s._tcp.big.example"); udp < 1 || tcp != 1 {
		t.Errorf("%d UDP and %d TCP queries for the truncated name; want UDP, then one over TCP", udp, tcp)
	}
}

func TestResolverRetriesLostDatagram(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3s._tcp.flaky.example. 60 IN SRV 0 0 995 pop.flaky.example.")
	d.DropFirst("_pop3s._tcp.flaky.example")
	s := &dnssource.SRVSource{Resolver: newResolver(d)}
	a, err := s.Lookup(context.Background(), testnet.Addr(t, "x@flaky.example"))
	if err != nil {
		t.Fatal(err)
	}
	if testnet.Hosts(a) != "pop.flaky.example:995/SSL" {
		t.Errorf("servers %s", testnet.Hosts(a))
	}
	if n := d.QueriesFor("_pop3s._tcp.flaky.example"); n != 2 {
		t.Errorf("%d queries; want the lost one and its retry", n)
	}
}

// A DNS query retries until the lookup's deadline, not for a fixed 3 s.
func TestDNSRetriesUntilDeadline(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3s._tcp.lossy.example. 60 IN SRV 0 0 995 pop.lossy.example.")
	d.DropN("_pop3s._tcp.lossy.example", 2) // the answer comes to the third try, at about 3 s
	r := &resolver.Resolver{Servers: []string{d.Addr}}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	if _, err := r.Query(ctx, "_pop3s._tcp.lossy.example", dns.TypeSRV); err != nil {
		t.Fatalf("%v; the query should keep trying until the deadline", err)
	}
	if n := d.QueriesFor("_pop3s._tcp.lossy.example"); n != 3 {
		t.Errorf("%d queries, want 3", n)
	}
	// And it gives up with the deadline.
	d.Hang("_pop3s._tcp.dead.example")
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := r.Query(ctx, "_pop3s._tcp.dead.example", dns.TypeSRV)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v; want the deadline", err)
	}
}

// Replies to another question, datagrams that do not parse, and records
// for other owners are not answers.
func TestResolverChecksReplies(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t,
		"_pop3s._tcp.junk.example. 60 IN SRV 0 0 995 pop.junk.example.",
		"_pop3s._tcp.other.example. 60 IN SRV 0 0 995 pop.other.example.",
		"pop.owner.example. 60 IN A 127.0.0.1",
		"pop.alias.example. 60 IN CNAME real.alias.example.",
		"real.alias.example. 60 IN A 127.0.0.2",
	)
	r := &resolver.Resolver{Servers: []string{d.Addr}, QueryTimeout: 400 * time.Millisecond}
	ctx := context.Background()

	// Garbage and a reply to another question come first: they are
	// ignored, and the real reply is used.
	d.GarbageFirst("_pop3s._tcp.junk.example")
	m, err := r.Query(ctx, "_pop3s._tcp.junk.example", dns.TypeSRV)
	if err != nil || len(m.Answer) != 1 {
		t.Fatalf("got %v, %v; want the real reply after the junk", m, err)
	}

	// A server that answers another question never answers this one.
	d.Tamper("_pop3s._tcp.other.example", func(m *dns.Msg) { m.Question[0].Name = "_pop3s._tcp.evil.example." })
	if m, err := r.Query(ctx, "_pop3s._tcp.other.example", dns.TypeSRV); err == nil {
		t.Fatalf("accepted a reply to another question: %v", m)
	}

	// Records whose owner is not the name asked are ignored.
	d.Tamper("pop.owner.example", func(m *dns.Msg) {
		if len(m.Answer) > 0 {
			m.Answer[0].Header().Name = "www.bank.example."
		}
	})
	if ips, err := r.LookupIP(ctx, "pop.owner.example"); err == nil || len(ips) > 0 {
		t.Errorf("used %v, records of another owner", ips)
	}

	// A CNAME chain inside the reply is followed.
	ips, err := r.LookupIP(ctx, "pop.alias.example")
	if err != nil || len(ips) != 1 || !ips[0].Equal(net.ParseIP("127.0.0.2")) {
		t.Errorf("alias: %v, %v", ips, err)
	}
}

// DialContext splits the time left between a host's addresses, as
// net.Dialer does: an address that never answers gets its share, not all.
func TestDialSplitsDeadline(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	d.Add(t, "pop.split.example. 60 IN A 127.0.0.2", "pop.split.example. 60 IN A 127.0.0.1")
	var mu sync.Mutex
	shares := map[string]time.Duration{}
	r := &resolver.Resolver{Servers: []string{d.Addr}, Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dl, _ := ctx.Deadline()
		mu.Lock()
		shares[addr] = time.Until(dl)
		mu.Unlock()
		if strings.HasPrefix(addr, "127.0.0.2:") {
			<-ctx.Done() // a black hole
			return nil, ctx.Err()
		}
		var nd net.Dialer
		return nd.DialContext(ctx, network, l.Addr().String())
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	c, err := r.DialContext(ctx, "tcp", "pop.split.example:995")
	if err != nil {
		t.Fatalf("%v; the second address should get its turn", err)
	}
	c.Close()
	first := shares["127.0.0.2:995"]
	if first > 4*time.Second+100*time.Millisecond || first < 3*time.Second {
		t.Errorf("the first of two addresses had %v of 8 s; want about half", first)
	}
}

func newResolver(d *testnet.DNS) *resolver.Resolver {
	return &resolver.Resolver{Servers: []string{d.Addr}, QueryTimeout: 500 * time.Millisecond}
}

// TestSocketReuse: queries one after another share a UDP socket, but each
// socket serves a bounded number of them, so the source port changes.
func TestSocketReuse(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	r := &resolver.Resolver{Servers: []string{d.Addr}}
	defer r.Close()
	for i := range 80 {
		if _, err := r.Query(context.Background(), fmt.Sprintf("n%d.reuse.example", i), dns.TypeA); err != nil {
			t.Fatal(err)
		}
	}
	ports := d.ClientPorts()
	most := 0
	for _, n := range ports {
		most = max(most, n)
	}
	if len(ports) < 3 || len(ports) > 10 || most > 32 {
		t.Errorf("80 queries came from %d source ports, at most %d from one; want a few ports, none used more than 32 times", len(ports), most)
	}
}

// Callers asking the same question at once share one query; when the caller
// that sent it gives up, a caller still waiting asks again and gets the
// answer, not the other caller's cancellation.
func TestQuerySharedAndHandedOn(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "pop.shared.example. 60 IN A 192.0.2.7")
	d.SetDelay(150 * time.Millisecond)
	r := newResolver(d)

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ips, err := r.LookupIP(context.Background(), "pop.shared.example"); err != nil || len(ips) != 1 {
				t.Errorf("LookupIP: %v, %v", ips, err)
			}
		}()
	}
	wg.Wait()
	if q := d.QueriesFor("pop.shared.example"); q != 2 {
		t.Errorf("%d queries for 8 callers at once; want 2 (A and AAAA)", q)
	}

	// A fresh name, so that nothing is cached: the first caller gives up
	// after 50 ms, before the answer; the second, with no deadline, must
	// not inherit the first one's.
	d.Add(t, "pop.second.example. 60 IN A 192.0.2.8")
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	firstErr := make(chan error, 1)
	go func() {
		_, err := r.Query(short, "pop.second.example", dns.TypeA)
		firstErr <- err
	}()
	for d.QueriesFor("pop.second.example") == 0 {
		time.Sleep(time.Millisecond)
	}
	m, err := r.Query(context.Background(), "pop.second.example", dns.TypeA)
	if err != nil || len(m.Answer) != 1 {
		t.Fatalf("second caller: %v, %v", m, err)
	}
	if err := <-firstErr; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("first caller: %v, want its deadline", err)
	}
}

// LookupIP sends its A and AAAA queries together, from one socket, and
// takes each reply for its own question whatever order they come in.
func TestLookupIPOneSocket(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "dual.example. 60 IN A 192.0.2.9", "dual.example. 60 IN AAAA 2001:db8::9")
	r := newResolver(d)
	ips, err := r.LookupIP(context.Background(), "dual.example")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ips) != "[192.0.2.9 2001:db8::9]" {
		t.Errorf("LookupIP = %v", ips)
	}
	ports := d.ClientPorts()
	if len(ports) != 1 {
		t.Errorf("queries came from %d source ports (%v); want both from one", len(ports), ports)
	}
	for _, n := range ports {
		if n != 2 {
			t.Errorf("%d queries from the socket; want 2", n)
		}
	}
}

// Prefetch caches each answer the moment it arrives and says so for each
// question once, while another question of the same batch still waits; a
// question the server refuses is done as soon as it is refused.
func TestPrefetch(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "quick.example. 60 IN A 192.0.2.10")
	d.Hang("stuck.example")
	d.ServFail("broken.example")
	r := newResolver(d)
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	qs := []resolver.Question{
		{Name: "quick.example", Type: dns.TypeA},
		{Name: "stuck.example", Type: dns.TypeA},
		{Name: "QUICK.example.", Type: dns.TypeA},
		{Name: "broken.example", Type: dns.TypeA},
	}
	var mu sync.Mutex
	calls := map[int]int{}
	when := map[int]time.Duration{}
	start := time.Now()
	r.Prefetch(ctx, qs, func(i int) {
		mu.Lock()
		defer mu.Unlock()
		calls[i]++
		when[i] = time.Since(start)
		if i == 0 {
			// The answer is in the cache already: asking costs no query.
			if _, err := r.Query(context.Background(), "quick.example", dns.TypeA); err != nil {
				t.Errorf("Query after done: %v", err)
			}
		}
	})
	if fmt.Sprint(calls) != "map[0:1 1:1 2:1 3:1]" {
		t.Errorf("done calls %v; want each question once", calls)
	}
	for _, i := range []int{0, 2, 3} {
		if when[i] > 200*time.Millisecond {
			t.Errorf("question %d was done after %v; want at once, not when the batch ended", i, when[i])
		}
	}
	if q := d.QueriesFor("quick.example"); q != 1 {
		t.Errorf("%d queries for quick.example; want 1", q)
	}
}

// waitQueries waits until the server has received n queries for name.
func waitQueries(t *testing.T, d *testnet.DNS, name string, n int) {
	t.Helper()
	for start := time.Now(); d.QueriesFor(name) < n; time.Sleep(time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("the server never got a query for %s", name)
		}
	}
}

// A question that Prefetch joined, in flight for another caller, is done
// as soon as that caller's answer arrives, although the question Prefetch
// sent itself still waits: one hanging question holds back nothing else.
func TestPrefetchJoinedDoneWhenAnswered(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "joined.example. 60 IN A 192.0.2.20", "own.example. 60 IN A 192.0.2.21")
	releaseJoined := d.Hold("joined.example")
	releaseOwn := d.Hold("own.example")
	defer releaseOwn()
	r := &resolver.Resolver{Servers: []string{d.Addr}}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Another caller sends joined.example.
	other := make(chan error, 1)
	go func() {
		_, err := r.Query(ctx, "joined.example", dns.TypeA)
		other <- err
	}()
	waitQueries(t, d, "joined.example", 1)

	// The prefetch sends own.example and joins joined.example.
	done := make(chan int, 2)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		r.Prefetch(ctx, []resolver.Question{{Name: "own.example", Type: dns.TypeA}, {Name: "joined.example", Type: dns.TypeA}}, func(i int) { done <- i })
	}()
	waitQueries(t, d, "own.example", 1)

	releaseJoined()
	select {
	case i := <-done:
		if i != 1 {
			t.Fatalf("question %d done first; want the joined one, 1", i)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the joined question was not done when its answer came, while the prefetch's own question waited")
	}
	// Its answer is in the cache.
	before := d.QueriesFor("joined.example")
	if _, err := r.Query(ctx, "joined.example", dns.TypeA); err != nil || d.QueriesFor("joined.example") != before {
		t.Errorf("query after done: %v, and %d more queries; want the cached answer", err, d.QueriesFor("joined.example")-before)
	}
	if err := <-other; err != nil {
		t.Errorf("the other caller: %v", err)
	}
	releaseOwn()
	<-finished
	if i := <-done; i != 0 {
		t.Errorf("then question %d done; want 0", i)
	}
}

// QueryAll returns, each in its place, the answer to a question it joined,
// which came while its own question waited, and the answer to its own.
func TestQueryAllJoinedAndOwn(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "j.both.example. 60 IN A 192.0.2.30", "o.both.example. 60 IN A 192.0.2.31")
	releaseJoined := d.Hold("j.both.example")
	releaseOwn := d.Hold("o.both.example")
	defer releaseJoined()
	defer releaseOwn()
	r := &resolver.Resolver{Servers: []string{d.Addr}}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	other := make(chan error, 1)
	go func() {
		_, err := r.Query(ctx, "j.both.example", dns.TypeA)
		other <- err
	}()
	waitQueries(t, d, "j.both.example", 1)
	type result struct {
		ms   []*dns.Msg
		errs []error
	}
	got := make(chan result, 1)
	go func() {
		ms, errs := r.QueryAll(ctx, []resolver.Question{{Name: "o.both.example", Type: dns.TypeA}, {Name: "j.both.example", Type: dns.TypeA}})
		got <- result{ms, errs}
	}()
	waitQueries(t, d, "o.both.example", 1)
	releaseJoined()
	releaseOwn()
	res := <-got
	if err := <-other; err != nil {
		t.Errorf("the other caller: %v", err)
	}
	for i, want := range []string{"192.0.2.31", "192.0.2.30"} {
		if res.errs[i] != nil || len(res.ms[i].Answer) != 1 || res.ms[i].Answer[0].(*dns.A).A.String() != want {
			t.Errorf("question %d: %v, %v; want %s", i, res.ms[i], res.errs[i], want)
		}
	}
}

// A server or middlebox that drops AAAA queries costs LookupIP the
// resolution delay once the A records are in, not the caller's deadline;
// and the other way round.
func TestLookupIPDroppedFamily(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "v4.drop.example. 60 IN A 192.0.2.40", "v4.drop.example. 60 IN AAAA 2001:db8::40",
		"v6.drop.example. 60 IN A 192.0.2.41", "v6.drop.example. 60 IN AAAA 2001:db8::41")
	d.HangType("v4.drop.example", dns.TypeAAAA)
	d.HangType("v6.drop.example", dns.TypeA)
	r := &resolver.Resolver{Servers: []string{d.Addr}}
	defer r.Close()
	for host, want := range map[string]string{"v4.drop.example": "[192.0.2.40]", "v6.drop.example": "[2001:db8::41]"} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		start := time.Now()
		ips, err := r.LookupIP(ctx, host)
		el := time.Since(start)
		cancel()
		if err != nil || fmt.Sprint(ips) != want {
			t.Errorf("%s: %v, %v; want %s", host, ips, err, want)
		}
		if el > 2*time.Second {
			t.Errorf("%s: returned after %v; the unanswered family should cost about 50 ms, not the 10 s deadline", host, el)
		}
	}
}

// A failure is never cached: once a SERVFAIL burst or a lost answer is
// over, the next query gets the answer.
func TestFailuresNotCached(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "burst.example. 60 IN A 192.0.2.50", "lost.example. 60 IN A 192.0.2.51")
	d.ServFailN("burst.example", 1)
	r := newResolver(d)
	defer r.Close()
	ctx := context.Background()
	var de *resolver.DNSError
	if _, err := r.Query(ctx, "burst.example", dns.TypeA); !errors.As(err, &de) || de.Rcode != dns.RcodeServerFailure {
		t.Fatalf("first query: %v; want SERVFAIL", err)
	}
	if m, err := r.Query(ctx, "burst.example", dns.TypeA); err != nil || len(m.Answer) != 1 {
		t.Errorf("after the SERVFAIL: %v, %v; want the answer", m, err)
	}

	d.DropN("lost.example", 1<<20)
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := r.Query(short, "lost.example", dns.TypeA); err == nil {
		t.Fatal("an unanswered query succeeded")
	}
	d.DropN("lost.example", 0)
	if m, err := r.Query(ctx, "lost.example", dns.TypeA); err != nil || len(m.Answer) != 1 {
		t.Errorf("after the timeout: %v, %v; want the answer", m, err)
	}
}

// The caller's deadline ending a query is context.DeadlineExceeded; the
// resolver's own retries running out while the caller still has time is a
// network failure, ErrNoAnswer, and not the caller's deadline.
func TestDeadlineOrNoAnswer(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Hang("silent.example")
	r := &resolver.Resolver{Servers: []string{d.Addr}, QueryTimeout: 300 * time.Millisecond}
	defer r.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := r.Query(ctx, "silent.example", dns.TypeA)
	var de *resolver.DNSError
	if !errors.As(err, &de) || !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, resolver.ErrNoAnswer) {
		t.Errorf("caller's deadline: %v; want a DNSError matching context.DeadlineExceeded", err)
	}
	if _, err := r.LookupIP(ctx, "silent.example"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("LookupIP after the caller's deadline: %v; want context.DeadlineExceeded", err)
	}
	// A context shared by callers ends, when the last of their deadlines
	// passes, as a cancellation caused by the deadline: that is the
	// deadline too. (This resolver would wait a minute.)
	patient := &resolver.Resolver{Servers: []string{d.Addr}, QueryTimeout: time.Minute}
	defer patient.Close()
	shared, end := context.WithCancelCause(context.Background())
	defer end(nil)
	n := d.QueriesFor("silent.example")
	go func() {
		for d.QueriesFor("silent.example") == n {
			time.Sleep(time.Millisecond)
		}
		end(context.DeadlineExceeded)
	}()
	if _, err := patient.Query(shared, "silent.example", dns.TypeMX); !errors.As(err, &de) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("shared context ended by a deadline: %v; want a DNSError matching context.DeadlineExceeded", err)
	}

	// No deadline: the resolver gives up after QueryTimeout.
	_, err = r.Query(context.Background(), "silent.example", dns.TypeA)
	if !errors.As(err, &de) || de.Rcode != -1 || errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, resolver.ErrNoAnswer) {
		t.Errorf("resolver's own timeout: %v; want a DNSError with ErrNoAnswer, not the caller's deadline", err)
	}
	// Cancellation is the caller's too.
	cctx, ccancel := context.WithCancel(context.Background())
	defer ccancel()
	n = d.QueriesFor("silent.example")
	go func() {
		for d.QueriesFor("silent.example") == n {
			time.Sleep(time.Millisecond)
		}
		ccancel()
	}()
	_, err = patient.Query(cctx, "silent.example", dns.TypeSRV)
	if !errors.As(err, &de) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v; want a DNSError matching context.Canceled", err)
	}
}
