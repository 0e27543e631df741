package lookup

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
)

// countingSource is a source for Finder tests: it answers after a delay, or
// blocks until its context ends.
type countingSource struct {
	name    string
	delay   time.Duration
	block   bool
	host    string // empty: not found
	fail    error
	offline bool
	calls   atomic.Int32
	ended   atomic.Bool // its context ended before it returned
}

func (s *countingSource) Name() string  { return s.name }
func (s *countingSource) Offline() bool { return s.offline }
func (s *countingSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	s.calls.Add(1)
	if s.block {
		<-ctx.Done()
		s.ended.Store(true)
		return nil, ctx.Err()
	}
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		s.ended.Store(true)
		return nil, ctx.Err()
	}
	if s.fail != nil {
		return nil, s.fail
	}
	if s.host == "" {
		return nil, &settings.Missing{Reason: i18n.Text("nothing at " + s.name)}
	}
	return &settings.Answer{Servers: []settings.Server{{Protocol: "pop3", Host: s.host, Port: 995, SocketType: SSL, Username: settings.PlaceholderAddress}}}, nil
}

func outcomes(r *Result) string {
	var s []string
	for _, a := range r.Attempts {
		s = append(s, a.Source+"="+string(a.Outcome))
	}
	return strings.Join(s, " ")
}

// Not parallel: it counts the process's goroutines, which parallel tests
// would change under it.
func TestFinderPrecedenceAndEarlyAnswer(t *testing.T) {
	high := &countingSource{name: "autoconfig", delay: 50 * time.Millisecond}
	mid := &countingSource{name: "srv", delay: 10 * time.Millisecond, host: "srv.example"}
	low := &countingSource{name: "mx", block: true}
	guess := &countingSource{name: "guess", host: "guessed.example"}
	f := &engine{sources: entries(high, mid, low), fallback: ent(guess), timeout: 5 * time.Second}
	before := runtime.NumGoroutine()
	start := time.Now()
	res := f.lookup(context.Background(), testnet.Addr(t, "me@example.org"))
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("took %v: the answer should come once autoconfig finished, without waiting for mx", el)
	}
	if !res.Found || res.Source != "srv" || res.Server().Host != "srv.example" {
		t.Fatalf("got %s from %s; want srv.example from srv", res.Server().Host, res.Source)
	}
	if got, want := outcomes(res), "autoconfig=not_found srv=found mx=skipped guess=skipped"; got != want {
		t.Errorf("attempts %s, want %s", got, want)
	}
	if !low.ended.Load() {
		t.Error("the blocked source was not cancelled")
	}
	if guess.calls.Load() != 0 {
		t.Error("guessing ran although a source answered")
	}
	if res.Server().Username != "me@example.org" {
		t.Error("the username was not filled")
	}
	waitGoroutines(t, before)
}

func TestFinderDeadlineKeepsBestSoFar(t *testing.T) {
	t.Parallel()
	hang := &countingSource{name: "autoconfig", block: true}
	srv := &countingSource{name: "srv", delay: 5 * time.Millisecond, host: "srv.example"}
	f := &engine{sources: entries(hang, srv), timeout: 300 * time.Millisecond}
	start := time.Now()
	res := f.lookup(context.Background(), testnet.Addr(t, "me@example.org"))
	el := time.Since(start)
	if el < 250*time.Millisecond || el > 2*time.Second {
		t.Errorf("returned after %v; want about the 300ms deadline", el)
	}
	if !res.Found || res.Server().Host != "srv.example" {
		t.Fatalf("want the srv answer found before the deadline, got %+v", res)
	}
	if got := outcomes(res); got != "autoconfig=error srv=found" {
		t.Errorf("attempts %s", got)
	}
	if len(res.Warnings) != 1 {
		t.Errorf("warnings %v; want one for the unfinished source", res.Warnings)
	}
}

func TestFinderFallbackOnlyWhenEmpty(t *testing.T) {
	t.Parallel()
	a := &countingSource{name: "autoconfig", fail: errors.New("boom")}
	b := &countingSource{name: "srv"}
	guess := &countingSource{name: "guess", host: "pop.example.org"}
	f := &engine{sources: entries(a, b), fallback: ent(guess), timeout: time.Second}
	res := f.lookup(context.Background(), testnet.Addr(t, "x@example.org"))
	if !res.Found || res.Source != "guess" {
		t.Fatalf("want the guess, got %+v", res)
	}
	if got := outcomes(res); got != "autoconfig=error srv=not_found guess=found" {
		t.Errorf("attempts %s", got)
	}
}

func TestFinderOfflineFirst(t *testing.T) {
	t.Parallel()
	builtin := &countingSource{name: "builtin", host: "pop.gmail.com", offline: true}
	net := &countingSource{name: "autoconfig", host: "other.example"}
	f := &engine{sources: entries(builtin, net)}
	res := f.lookup(context.Background(), testnet.Addr(t, "x@gmail.com"))
	if res.Source != "builtin" || net.calls.Load() != 0 {
		t.Errorf("source %s, network calls %d; the offline answer must come without starting network sources", res.Source, net.calls.Load())
	}
	// With WaitAll (--all) every source runs, for comparison.
	net2 := &countingSource{name: "autoconfig", host: "other.example"}
	f = &engine{sources: entries(builtin, net2), waitAll: true}
	res = f.lookup(context.Background(), testnet.Addr(t, "x@gmail.com"))
	if res.Source != "builtin" || net2.calls.Load() != 1 || res.Attempts[1].Outcome != OutcomeFound {
		t.Errorf("WaitAll: source %s, calls %d, attempts %s", res.Source, net2.calls.Load(), outcomes(res))
	}
}

func TestFinderInsecureLast(t *testing.T) {
	t.Parallel()
	insecure := &insecureSource{}
	mx := &countingSource{name: "mx", delay: 20 * time.Millisecond, host: "mx-derived.example"}
	f := &engine{sources: entries(insecure, mx), timeout: time.Second}
	res := f.lookup(context.Background(), testnet.Addr(t, "x@example.org"))
	if res.Source != "mx" {
		t.Errorf("source %s; an answer over plain HTTP must lose to any other", res.Source)
	}
	f = &engine{sources: entries(insecure, &countingSource{name: "mx"}), timeout: time.Second}
	res = f.lookup(context.Background(), testnet.Addr(t, "x@example.org"))
	if res.Source != SourceAutoconfigHTTP || !res.Found || !res.Answer.PlainHTTP() || res.Attempts[0].Source != "autoconfig" {
		t.Errorf("source %s found %v; alone, the plain-HTTP answer is used, labelled as plain HTTP", res.Source, res.Found)
	}
}

type insecureSource struct{}

func (insecureSource) Name() string { return "autoconfig" }
func (insecureSource) Lookup(context.Context, settings.Address) (*settings.Answer, error) {
	return &settings.Answer{Insecure: true, Servers: []settings.Server{{Protocol: POP3, Host: "http.example", Port: 995, SocketType: SSL}}}, nil
}

// waitGoroutines fails when goroutines started during a test outlive it.
func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before+2 {
		if time.Now().After(deadline) {
			t.Errorf("%d goroutines, %d before: work was left running", runtime.NumGoroutine(), before)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// named is a test source that knows its name.
type named interface {
	settings.Source
	Name() string
}

// entries turns test sources into the engine's entries, in order.
func entries(srcs ...named) []entry {
	var out []entry
	for _, s := range srcs {
		out = append(out, *ent(s))
	}
	return out
}

func ent(s named) *entry {
	e := &entry{name: s.Name(), src: s}
	if o, ok := s.(settings.Offline); ok {
		e.offline = o.Offline()
	}
	return e
}

// lookup is what a Finder does with the engine's result, without the
// cache.
func (e *engine) lookup(ctx context.Context, addr settings.Address) *Result {
	return e.find(ctx, Address(addr), nil).result(Address(addr))
}

// findIn is memo.find for a test address.
func (m *memo) findIn(ctx context.Context, addr settings.Address) *Result {
	return m.find(ctx, Address(addr))
}

type notOfferedSource struct{}

func (notOfferedSource) Name() string { return "srv" }
func (notOfferedSource) Lookup(context.Context, settings.Address) (*settings.Answer, error) {
	m := i18n.M(i18n.NoPOPSRV, "_pop3s._tcp.nopop.example", "POP3")
	return &settings.Answer{Parts: map[Protocol]*settings.Part{POP3: {NotOffered: &m}}}, nil
}

// A domain's word that it offers no POP3 ends the lookup: no guessing.
func TestFinderNotOfferedStopsGuessing(t *testing.T) {
	t.Parallel()
	guess := &countingSource{name: "guess", host: "guessed.example"}
	f := &engine{sources: entries(notOfferedSource{}), fallback: ent(guess), timeout: 2 * time.Second}
	res := f.lookup(context.Background(), testnet.Addr(t, "x@nopop.example"))
	if res.Found || !errors.Is(res.Err, ErrNotFound) || guess.calls.Load() != 0 {
		t.Errorf("Found=%v Err=%v guess calls=%d; want not found, a reason, no guessing", res.Found, res.Err, guess.calls.Load())
	}
	var no *settings.NotOffered
	if !errors.As(res.Err, &no) || no.Source != "srv" {
		t.Errorf("err %v; want the source's word", res.Err)
	}
}
