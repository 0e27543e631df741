package lookup_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
)

// stubbornSource finishes its work (a slow parse, say) whatever its context
// says, and answers after delay.
type stubbornSource struct {
	name  string
	delay time.Duration
}

func (s *stubbornSource) Name() string { return s.name }
func (s *stubbornSource) Lookup(ctx context.Context, addr lookup.Address) (*lookup.Answer, error) {
	time.Sleep(s.delay)
	return &lookup.Answer{Servers: []lookup.Server{{Protocol: "pop3", Host: "pop." + addr.Domain, Port: 995,
		SocketType: lookup.SSL, Username: lookup.PlaceholderAddress}}}, nil
}

// checkInHand holds the rule of the deadline: an answer in hand is used or
// reported, never dropped and chosen.
func checkInHand(t *testing.T, res *lookup.Result) {
	t.Helper()
	if res.Found != (res.Server() != nil) {
		t.Fatalf("Found=%v with server %v", res.Found, res.Server())
	}
	for _, a := range res.Attempts {
		if a.Outcome == lookup.OutcomeFound && a.Answer == nil {
			t.Fatalf("attempt %s found without an answer", a.Source)
		}
		if a.Outcome == lookup.OutcomeFound && !res.Found {
			t.Fatalf("attempt %s found a server that was not used: %s", a.Source, outcomes(res))
		}
	}
	if res.Found {
		var chosen *lookup.Attempt
		for i := range res.Attempts {
			if res.Attempts[i].Source == res.Source {
				chosen = &res.Attempts[i]
			}
		}
		if chosen == nil || chosen.Outcome != lookup.OutcomeFound || chosen.Answer == nil {
			t.Fatalf("chose %s, whose attempt holds no answer: %s", res.Source, outcomes(res))
		}
	} else if res.Err == nil {
		t.Fatal("not found without a reason")
	}
}

// TestDeadlineSweep moves the deadline across the moment an answer arrives,
// in small steps: the answer is used when it is in hand, and a lookup never
// panics. Sources that ignore their context (a slow parse) and sources that
// honour it are both swept, alone and behind a source of higher precedence.
func TestDeadlineSweep(t *testing.T) {
	t.Parallel()
	const arrival = 20 * time.Millisecond
	for timeout := arrival - 5*time.Millisecond; timeout <= arrival+5*time.Millisecond; timeout += 250 * time.Microsecond {
		for _, sources := range [][]lookup.Source{
			{&stubbornSource{name: "autoconfig", delay: arrival}},
			{&countingSource{name: "autoconfig", block: true}, &stubbornSource{name: "srv", delay: arrival}},
			{&countingSource{name: "autoconfig", delay: arrival, host: "a.example"}, &countingSource{name: "srv", delay: arrival, host: "b.example"}},
		} {
			f := &lookup.Finder{Sources: sources, Timeout: timeout, Fallback: &countingSource{name: "guess"}}
			checkInHand(t, f.Find(context.Background(), testnet.Addr(t, "me@sweep.example")))
			m := &lookup.Memo{Finder: f}
			var wg sync.WaitGroup
			for _, local := range []string{"a", "b", "c"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					checkInHand(t, m.Find(context.Background(), testnet.Addr(t, local+"@sweep.example")))
				}()
			}
			wg.Wait()
		}
	}
}

// The shared lookup of a domain must not end when the first address that
// asked for it gives up: another address, whose context is alive, gets the
// answer.
func TestMemoOutlivesFirstCaller(t *testing.T) {
	t.Parallel()
	src := &countingSource{name: "srv", delay: 100 * time.Millisecond, host: "pop.shared.example"}
	m := &lookup.Memo{Finder: &lookup.Finder{Sources: []lookup.Source{src}, Timeout: 5 * time.Second}}
	first, cancel := context.WithCancel(context.Background())
	firstRes := make(chan *lookup.Result, 1)
	go func() { firstRes <- m.Find(first, testnet.Addr(t, "alice@shared.example")) }()
	for src.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	secondRes := make(chan *lookup.Result, 1)
	go func() { secondRes <- m.Find(context.Background(), testnet.Addr(t, "bob@shared.example")) }()
	time.Sleep(20 * time.Millisecond) // bob joins the lookup in flight
	cancel()
	r1 := <-firstRes
	if r1.Found || r1.Err == nil || !strings.Contains(r1.Err.Error(), "cancelled") {
		t.Errorf("alice: found=%v err=%v; want a cancelled lookup", r1.Found, r1.Err)
	}
	r2 := <-secondRes
	if !r2.Found || r2.Server().Host != "pop.shared.example" || r2.Server().Username != "bob@shared.example" {
		t.Fatalf("bob: found=%v err=%v attempts %s; want the answer", r2.Found, r2.Err, outcomes(r2))
	}
	if src.calls.Load() != 1 {
		t.Errorf("%d lookups; want one shared", src.calls.Load())
	}
}

// A cancelled lookup says so; it is not reported as a timeout.
func TestCancelledIsNotTimeout(t *testing.T) {
	t.Parallel()
	f := &lookup.Finder{Sources: []lookup.Source{&countingSource{name: "srv", block: true}}, Timeout: 5 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	res := f.Find(ctx, testnet.Addr(t, "me@cancel.example"))
	if res.Found || !errors.Is(res.Err, context.Canceled) || !strings.Contains(res.Err.Error(), "cancelled") {
		t.Fatalf("err %v; want a cancelled lookup", res.Err)
	}
	for _, a := range res.Attempts {
		if strings.Contains(a.Err.Error(), "deadline") || !strings.Contains(a.Err.Error(), "cancelled") {
			t.Errorf("attempt %s: %v; want cancelled, not deadline", a.Source, a.Err)
		}
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %v; a cancelled lookup has no deadline warnings", res.Warnings)
	}
	// The deadline, by contrast, is named as such.
	f.Timeout = 20 * time.Millisecond
	res = f.Find(context.Background(), testnet.Addr(t, "me@cancel.example"))
	if !errors.Is(res.Err, context.DeadlineExceeded) || !strings.Contains(res.Attempts[0].Err.Error(), "deadline") {
		t.Fatalf("err %v, attempt %v; want the deadline named", res.Err, res.Attempts[0].Err)
	}
}

// Placeholders are filled per address, also when the domain's result comes
// from the cache; an answer meant for one address alone is not served to
// another.
func TestMemoFillsPlaceholdersPerAddress(t *testing.T) {
	t.Parallel()
	tmpl := &fixedSource{name: "autoconfig", answer: func(addr lookup.Address) *lookup.Answer {
		return &lookup.Answer{Servers: []lookup.Server{{Protocol: "pop3", Host: "%EMAILLOCALPART%.pop.example.org",
			Port: 995, SocketType: lookup.SSL, Username: "%EMAILLOCALPART%"}}}
	}}
	m := &lookup.Memo{Finder: &lookup.Finder{Sources: []lookup.Source{tmpl}}}
	for _, local := range []string{"alice", "bob", "alice"} {
		r := m.Find(context.Background(), testnet.Addr(t, local+"@example.org"))
		if s := r.Server(); s == nil || s.Host != local+".pop.example.org" || s.Username != local {
			t.Errorf("%s got %+v", local, s)
		}
	}
	// A local part that cannot be part of a host name leaves no server.
	r := m.Find(context.Background(), testnet.Addr(t, "first+last@example.org"))
	if r.Found || r.Err == nil {
		t.Errorf("first+last: found %+v; the host %q is not a valid host name", r.Server(), "first+last.pop.example.org")
	}
	if tmpl.calls.Load() != 1 {
		t.Errorf("%d lookups; the domain's answer should be cached", tmpl.calls.Load())
	}

	literal := &fixedSource{name: "autodiscover", answer: func(addr lookup.Address) *lookup.Answer {
		return &lookup.Answer{OnlyFor: addr.String(), Servers: []lookup.Server{{Protocol: "pop3", Host: "pop.corp.example",
			Port: 995, SocketType: lookup.SSL, Username: "CORP\\" + strings.ToUpper(addr.Local)}}}
	}}
	m = &lookup.Memo{Finder: &lookup.Finder{Sources: []lookup.Source{literal}}}
	for _, local := range []string{"alice", "bob", "alice"} {
		r := m.Find(context.Background(), testnet.Addr(t, local+"@corp.example"))
		if s := r.Server(); s == nil || s.Username != "CORP\\"+strings.ToUpper(local) {
			t.Errorf("%s got %+v; want its own login name", local, s)
		}
	}
}

type fixedSource struct {
	name   string
	answer func(lookup.Address) *lookup.Answer
	calls  atomic.Int32
}

func (s *fixedSource) Name() string { return s.name }
func (s *fixedSource) Lookup(_ context.Context, addr lookup.Address) (*lookup.Answer, error) {
	s.calls.Add(1)
	return s.answer(addr), nil
}

// A DNS query retries until the lookup's deadline, not for a fixed 3 s.
func TestDNSRetriesUntilDeadline(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3s._tcp.lossy.example. 60 IN SRV 0 0 995 pop.lossy.example.")
	d.DropN("_pop3s._tcp.lossy.example", 2) // the answer comes to the third try, at about 3 s
	r := &lookup.Resolver{Servers: []string{d.Addr}}
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
	r := &lookup.Resolver{Servers: []string{d.Addr}, QueryTimeout: 400 * time.Millisecond}
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
	r := &lookup.Resolver{Servers: []string{d.Addr}, Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
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

// A SERVFAIL on _pop3s is not swallowed when _pop3 answers.
func TestSRVFailureBesideAnswer(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3._tcp.half.example. 60 IN SRV 0 0 110 pop.half.example.")
	d.ServFail("_pop3s._tcp.half.example")
	f := &lookup.Finder{Sources: []lookup.Source{&lookup.SRVSource{Resolver: newResolver(d)}}, Timeout: 5 * time.Second}
	res := f.Find(context.Background(), testnet.Addr(t, "me@half.example"))
	if !res.Found || res.Server().Port != 110 {
		t.Fatalf("found=%v %v", res.Found, res.Err)
	}
	a := res.Attempts[0]
	if a.Outcome != lookup.OutcomeFound || a.Err == nil || !strings.Contains(a.Err.Error(), "SERVFAIL") {
		t.Errorf("attempt %s: %v; want the SERVFAIL reported", a.Outcome, a.Err)
	}
	warned := false
	for _, w := range res.Answer.Warnings {
		if w.Key == i18n.WarnSRVFailed && strings.Contains(i18n.English.Format(w), "_pop3s._tcp.half.example") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("warnings %v; want one about _pop3s", res.Answer.Warnings)
	}
}
