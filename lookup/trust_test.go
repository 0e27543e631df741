package lookup

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
)

// stubbornSource finishes its work (a slow parse, say) whatever its context
// says, and answers after delay.
type stubbornSource struct {
	name  string
	delay time.Duration
}

func (s *stubbornSource) Name() string { return s.name }
func (s *stubbornSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	time.Sleep(s.delay)
	return &settings.Answer{Servers: []settings.Server{{Protocol: "pop3", Host: "pop." + addr.Domain, Port: 995,
		SocketType: SSL, Username: settings.PlaceholderAddress}}}, nil
}

// checkInHand holds the rule of the deadline: an answer in hand is used or
// reported, never dropped and chosen.
func checkInHand(t *testing.T, res *Result) {
	t.Helper()
	if res.Found != (res.Server() != nil) {
		t.Fatalf("Found=%v with server %v", res.Found, res.Server())
	}
	for _, a := range res.Attempts {
		if a.Outcome == OutcomeFound && a.Answer == nil {
			t.Fatalf("attempt %s found without an answer", a.Source)
		}
		if a.Outcome == OutcomeFound && !res.Found {
			t.Fatalf("attempt %s found a server that was not used: %s", a.Source, outcomes(res))
		}
	}
	if res.Found {
		var chosen *Attempt
		for i := range res.Attempts {
			if res.Attempts[i].Source == res.Source {
				chosen = &res.Attempts[i]
			}
		}
		if chosen == nil || chosen.Outcome != OutcomeFound || chosen.Answer == nil {
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
		for _, sources := range [][]named{
			{&stubbornSource{name: "autoconfig", delay: arrival}},
			{&countingSource{name: "autoconfig", block: true}, &stubbornSource{name: "srv", delay: arrival}},
			{&countingSource{name: "autoconfig", delay: arrival, host: "a.example"}, &countingSource{name: "srv", delay: arrival, host: "b.example"}},
		} {
			f := &engine{sources: entries(sources...), timeout: timeout, fallback: ent(&countingSource{name: "guess"})}
			checkInHand(t, f.lookup(context.Background(), testnet.Addr(t, "me@sweep.example")))
			m := &memo{engine: f}
			var wg sync.WaitGroup
			for _, local := range []string{"a", "b", "c"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					checkInHand(t, m.findIn(context.Background(), testnet.Addr(t, local+"@sweep.example")))
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
	m := &memo{engine: &engine{sources: entries(src), timeout: 5 * time.Second}}
	first, cancel := context.WithCancel(context.Background())
	firstRes := make(chan *Result, 1)
	go func() { firstRes <- m.findIn(first, testnet.Addr(t, "alice@shared.example")) }()
	for src.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	secondRes := make(chan *Result, 1)
	go func() { secondRes <- m.findIn(context.Background(), testnet.Addr(t, "bob@shared.example")) }()
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
	f := &engine{sources: entries(&countingSource{name: "srv", block: true}), timeout: 5 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	res := f.lookup(ctx, testnet.Addr(t, "me@cancel.example"))
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
	f.timeout = 20 * time.Millisecond
	res = f.lookup(context.Background(), testnet.Addr(t, "me@cancel.example"))
	if !errors.Is(res.Err, context.DeadlineExceeded) || !strings.Contains(res.Attempts[0].Err.Error(), "deadline") {
		t.Fatalf("err %v, attempt %v; want the deadline named", res.Err, res.Attempts[0].Err)
	}
}

// Placeholders are filled per address, also when the domain's result comes
// from the cache; an answer meant for one address alone is not served to
// another.
func TestMemoFillsPlaceholdersPerAddress(t *testing.T) {
	t.Parallel()
	tmpl := &fixedSource{name: "autoconfig", answer: func(addr settings.Address) *settings.Answer {
		return &settings.Answer{Servers: []settings.Server{{Protocol: "pop3", Host: "%EMAILLOCALPART%.pop.example.org",
			Port: 995, SocketType: SSL, Username: "%EMAILLOCALPART%"}}}
	}}
	m := &memo{engine: &engine{sources: entries(tmpl)}}
	for _, local := range []string{"alice", "bob", "alice"} {
		r := m.findIn(context.Background(), testnet.Addr(t, local+"@example.org"))
		if s := r.Server(); s == nil || s.Host != local+".pop.example.org" || s.Username != local {
			t.Errorf("%s got %+v", local, s)
		}
	}
	// A local part that cannot be part of a host name leaves no server.
	r := m.findIn(context.Background(), testnet.Addr(t, "first+last@example.org"))
	if r.Found || r.Err == nil {
		t.Errorf("first+last: found %+v; the host %q is not a valid host name", r.Server(), "first+last.pop.example.org")
	}
	if tmpl.calls.Load() != 1 {
		t.Errorf("%d lookups; the domain's answer should be cached", tmpl.calls.Load())
	}

	literal := &fixedSource{name: "autodiscover", answer: func(addr settings.Address) *settings.Answer {
		return &settings.Answer{OnlyFor: addr.String(), Servers: []settings.Server{{Protocol: "pop3", Host: "pop.corp.example",
			Port: 995, SocketType: SSL, Username: "CORP\\" + strings.ToUpper(addr.Local)}}}
	}}
	m = &memo{engine: &engine{sources: entries(literal)}}
	for _, local := range []string{"alice", "bob", "alice"} {
		r := m.findIn(context.Background(), testnet.Addr(t, local+"@corp.example"))
		if s := r.Server(); s == nil || s.Username != "CORP\\"+strings.ToUpper(local) {
			t.Errorf("%s got %+v; want its own login name", local, s)
		}
	}
}

type fixedSource struct {
	name   string
	answer func(settings.Address) *settings.Answer
	calls  atomic.Int32
}

func (s *fixedSource) Name() string { return s.name }
func (s *fixedSource) Lookup(_ context.Context, addr settings.Address) (*settings.Answer, error) {
	s.calls.Add(1)
	return s.answer(addr), nil
}
