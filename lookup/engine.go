package lookup

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/race"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/lookup/settings"
)

// entry is one source as the engine runs it.
type entry struct {
	name    string
	src     settings.Source
	offline bool // answers from memory: consulted before the network
	plain   bool // fetches over plain HTTP by design
	// narrow, for the fallback, returns the source looking for the given
	// protocols alone.
	narrow func([]Protocol) settings.Source
}

// engine runs sources for an address. It schedules them (offline ones
// first, then the network ones at once, each held until its first DNS
// answers are in) and records what they say; what that means is decided by
// rules.decide (decide.go), and the result is put together by assemble
// (assemble.go).
type engine struct {
	// protocols are what a lookup finds servers for; the first one's
	// answer decides the result.
	protocols []Protocol
	// sources are consulted at once; their order is their precedence.
	sources []entry
	// fallback, when set, runs for a protocol only after every source has
	// come up empty for it (last-resort guessing, which touches hosts
	// nobody advertised).
	fallback *entry
	// timeout bounds a lookup whose context has no deadline; zero means no
	// bound beyond the context.
	timeout time.Duration
	// waitAll waits for every source instead of answering as soon as the
	// answer is known, so that all of them can be compared.
	waitAll bool
	// grace is Config.Grace.
	grace time.Duration
	// prefetch, when set, asks DNS questions together and caches their
	// answers, calling done for each question as it is answered or fails:
	// the resolver's Prefetch.
	prefetch func(ctx context.Context, qs []resolver.Question, done func(i int))
}

// asker is a source that says which DNS questions it asks first. A lookup
// asks every source's first questions together, on one socket, and starts
// each source once its answers are in the cache: the sources do not each
// wait in a goroutine of their own for one round trip, which is most of
// what a wide batch holds in memory.
type asker interface {
	Questions(settings.Address) []resolver.Question
}

// errNotNeeded is the reason of every source an answer did not need: one
// value, never changed, shared by every result.
var errNotNeeded = settings.Skip(i18n.SkipNotNeeded)

// protos returns the protocols to find; an engine built without them finds
// POP3.
func (e *engine) protos() []Protocol {
	if len(e.protocols) == 0 {
		return []Protocol{POP3}
	}
	return e.protocols
}

// rules returns what the engine's decisions depend on.
func (e *engine) rules() *rules {
	r := &rules{protos: e.protos(), fallback: e.fallback != nil, waitAll: e.waitAll, grace: e.grace}
	for _, s := range e.sources {
		r.offline = append(r.offline, s.offline)
		r.plain = append(r.plain, s.plain)
	}
	return r
}

// newSituation returns the situation of a lookup that has just begun.
func (e *engine) newSituation() situation {
	n := len(e.protos())
	return situation{attempts: make([]*attempt, len(e.sources)), guesses: make([]*attempt, n), guessing: make([]bool, n)}
}

// progress is a lookup in flight, as far as it has got: what a caller who
// stops waiting for it is given. It is safe for concurrent use.
type progress struct {
	mu sync.Mutex
	s  situation
	ok bool
}

func (p *progress) set(s situation) {
	if p == nil {
		return
	}
	s.attempts = slices.Clone(s.attempts)
	s.guesses = slices.Clone(s.guesses)
	s.guessing = slices.Clone(s.guessing)
	p.mu.Lock()
	p.s, p.ok = s, true
	p.mu.Unlock()
}

// snapshot returns what the lookup had when called, as a verdict for addr
// of a lookup that stopped for cause. The lookup may have been made for
// another address of the domain: what it learned for that address alone is
// left out, as if its source had not finished.
func (e *engine) snapshot(p *progress, addr Address, cause error, budget time.Duration) *verdict {
	p.mu.Lock()
	s, ok := p.s, p.ok
	p.mu.Unlock()
	if !ok {
		s = e.newSituation()
	}
	s.attempts = slices.Clone(s.attempts)
	s.guesses = slices.Clone(s.guesses)
	for _, as := range [][]*attempt{s.attempts, s.guesses} {
		for i, a := range as {
			if b := a.boundTo(); b != "" && b != addr.String() {
				as[i] = nil
			}
		}
	}
	s.final = true
	s.budget = budget
	r := e.rules()
	return e.assemble(addr, s, r.decide(s), cause, 0)
}

// find looks addr up for every protocol of e.protos(), within ctx's
// deadline, or e.timeout when ctx has none. Every source runs once for all
// protocols, and each protocol is decided on its own (see rules.decide).
// When ctx ends, the answers in hand are returned, with a warning for each
// source that did not finish. Placeholders are left in the result, for
// verdict.result to fill. prog, when set, is kept up to date.
func (e *engine) find(ctx context.Context, addr Address, prog *progress) *verdict {
	var budget time.Duration
	if d, ok := ctx.Deadline(); ok {
		budget = time.Until(d)
	} else if e.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.timeout)
		defer cancel()
		budget = e.timeout
	}
	return e.search(ctx, addr, prog, budget)
}

// search is find within ctx alone; budget is the time it has, for saying
// so when it runs out.
func (e *engine) search(ctx context.Context, addr Address, prog *progress, budget time.Duration) *verdict {
	start := time.Now()
	r := e.rules()
	s := e.newSituation()
	s.budget = budget

	// Offline sources first: when they settle every protocol, no network
	// source is started at all.
	for i, src := range e.sources {
		if src.offline {
			a := run(ctx, src, addr, start)
			s.attempts[i] = &a
		}
	}
	s.now = time.Since(start)
	prog.set(s)
	if r.decide(s).done {
		return e.assemble(addr, s, r.decide(s), nil, 0)
	}
	s.raced = true

	// The network sources, then a guess per protocol, held until decide
	// asks for it.
	var fns []func(context.Context) (attempt, error)
	var index []int // fns[k] runs e.sources[index[k]], or guesses protocol -1-index[k]
	for i, src := range e.sources {
		if s.attempts[i] == nil {
			index = append(index, i)
			fns = append(fns, func(ctx context.Context) (attempt, error) { return run(ctx, src, addr, start), nil })
		}
	}
	firstGuess := len(fns)
	if e.fallback != nil {
		for k, p := range r.protos {
			src := e.fallback.src
			if e.fallback.narrow != nil {
				src = e.fallback.narrow([]Protocol{p})
			}
			g := entry{name: e.fallback.name, src: src}
			index = append(index, -1-k)
			fns = append(fns, func(ctx context.Context) (attempt, error) { return run(ctx, g, addr, start), nil })
		}
	}
	// Every alternative is released at most once by each of the prefetch
	// and decide: the channel never blocks its senders.
	release := make(chan int, 2*len(fns))
	prefetched, stopPrefetch := e.prefetchFor(ctx, addr, index[:firstGuess], release)
	released := make([]bool, len(fns))
	held := func(k int) bool {
		if k >= firstGuess {
			return !released[k]
		}
		return prefetched != nil && prefetched(k)
	}

	collect := func(results []race.Result[attempt]) {
		for k, res := range results {
			if a := finished(res); a != nil {
				if i := index[k]; i >= 0 {
					s.attempts[i] = a
				} else {
					s.guesses[-1-i] = a
				}
			}
		}
		s.now = time.Since(start)
	}
	stop := make(chan struct{})
	var timer *time.Timer
	judge := func(results []race.Result[attempt]) bool {
		collect(results)
		pl := r.decide(s)
		for _, k := range pl.guess {
			s.guessing[k] = true
			released[firstGuess+k] = true
			release <- firstGuess + k
		}
		prog.set(s)
		if pl.graceEnd > 0 && timer == nil && !pl.done {
			timer = time.AfterFunc(pl.graceEnd-s.now, func() { close(stop) })
		}
		return pl.done
	}
	results, expired := race.Run(ctx, fns, judge, race.Options[attempt]{Stop: stop, Held: held, Release: release})
	stopPrefetch()
	if timer != nil {
		timer.Stop()
	}
	if expired != nil {
		expired = cause(ctx)
	}
	collect(results)
	pl := r.decide(s)
	early := time.Duration(0)
	if !pl.done {
		// Stopped: by the deadline, the caller, or the end of the grace
		// period. What has not finished never will.
		s.final = true
		if expired == nil {
			early = pl.grace
		}
		pl = r.decide(s)
	}
	prog.set(s)
	return e.assemble(addr, s, pl, expired, early)
}

// cause is why ctx ended: context.DeadlineExceeded for a deadline, also one
// set as the cause of a cancellation (a shared lookup's), and otherwise
// context.Canceled.
func cause(ctx context.Context) error {
	if err := context.Cause(ctx); errors.Is(err, context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return ctx.Err()
}

// finished returns the attempt of an alternative that finished, or nil for
// one that did not: never started, or still running when the lookup
// stopped, which it reports by ending with its context's error and no
// answer.
func finished(res race.Result[attempt]) *attempt {
	if !res.Done {
		return nil
	}
	a := res.Val
	if a.answer == nil && (errors.Is(a.err, context.Canceled) || errors.Is(a.err, context.DeadlineExceeded)) {
		return nil
	}
	return &a
}

// prefetchFor asks the first DNS questions of the sources index names (the
// askers among them) together, in one goroutine, and sends on release the
// position in index of each source whose answers are all in the cache. held
// reports whether a source waits for that (nil when none does); stop
// cancels the questions still open and waits for the goroutine.
func (e *engine) prefetchFor(ctx context.Context, addr Address, index []int, release chan<- int) (held func(int) bool, stop func()) {
	stop = func() {}
	if e.prefetch == nil {
		return nil, stop
	}
	var qs []resolver.Question
	at := map[resolver.Question]int{}    // a question's index in qs
	owners := map[int][]int{}            // question index -> alternatives
	remaining := make([]int, len(index)) // open questions per alternative
	for k, i := range index {
		a, ok := e.sources[i].src.(asker)
		if !ok {
			continue
		}
		for _, q := range a.Questions(settings.Address(addr)) {
			q.Name = strings.ToLower(strings.TrimSuffix(q.Name, "."))
			n, seen := at[q]
			if !seen {
				n = len(qs)
				at[q] = n
				qs = append(qs, q)
			}
			if !slices.Contains(owners[n], k) {
				owners[n] = append(owners[n], k)
				remaining[k]++
			}
		}
	}
	if len(qs) == 0 {
		return nil, stop
	}
	// A source that asks nothing is never held.
	open := slices.Clone(remaining)
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var mu sync.Mutex
	go func() {
		defer close(done)
		e.prefetch(pctx, qs, func(n int) {
			mu.Lock()
			defer mu.Unlock()
			for _, k := range owners[n] {
				if remaining[k]--; remaining[k] == 0 {
					release <- k
				}
			}
		})
		// Whatever is still held once the questions are over goes on
		// without its answers.
		mu.Lock()
		defer mu.Unlock()
		for k, n := range remaining {
			if n > 0 {
				remaining[k] = 0
				release <- k
			}
		}
	}()
	return func(k int) bool { return open[k] > 0 }, func() {
		cancel()
		<-done
	}
}

// run consults one source and times it from since, the start of the
// lookup. The attempt holds what the source said of every protocol; only
// narrows it to one.
func run(ctx context.Context, s entry, addr Address, since time.Time) attempt {
	ans, err := s.src.Lookup(ctx, settings.Address(addr))
	a := attempt{source: s.name, dur: time.Since(since), err: err}
	switch {
	case errors.Is(err, settings.ErrSkipped):
		a.outcome = OutcomeSkipped
	case errors.Is(err, settings.ErrNotFound):
		a.outcome = OutcomeNotFound
	case err != nil:
		a.outcome = OutcomeError
	case ans == nil || len(ans.Servers) == 0 && len(ans.Parts) == 0:
		a.outcome = OutcomeNotFound
		a.err = settings.NotFound(i18n.NFEmptyAnswer)
	case len(ans.Servers) == 0:
		a.outcome = OutcomeNotFound
		a.answer = ans
	default:
		a.outcome = OutcomeFound
		a.answer = ans
		if len(ans.Failed) > 0 {
			a.err = errors.Join(ans.Failed...)
		}
	}
	return a
}
