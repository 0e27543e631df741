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
	// narrow, for the fallback, returns the source looking for the given
	// protocols alone.
	narrow func([]Protocol) settings.Source
}

// engine runs sources for an address and picks the answer by precedence.
type engine struct {
	// protocols are what a lookup finds servers for; the first one's
	// answer decides the result.
	protocols []Protocol
	// sources are consulted at once; their order is their precedence.
	sources []entry
	// fallback, when set, runs only after every source has come up empty
	// (last-resort guessing, which touches hosts nobody advertised).
	fallback *entry
	// timeout bounds the lookup of one address; zero means no bound
	// beyond the caller's context.
	timeout time.Duration
	// waitAll waits for every source instead of answering as soon as the
	// answer is known, so that all of them can be compared.
	waitAll bool
	// grace bounds how long an answer in hand waits for sources of higher
	// precedence that are still running: zero means the adaptive rule of
	// graceFor, a negative value waits for them as long as the deadline
	// allows.
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

// Bounds of the adaptive grace period.
const (
	minGrace = time.Second
	maxGrace = 3 * time.Second
)

// graceFor is how long to wait for sources of higher precedence once an
// answer is in hand: twice what the fastest network source that finished
// took, so that a slow but working network still lets them answer, but at
// least a second and at most three, so that a dead host costs seconds, not
// the whole deadline.
func (e *engine) graceFor(attempts []*Attempt) time.Duration {
	if e.grace > 0 {
		return e.grace
	}
	fastest := time.Duration(-1)
	for i, a := range attempts {
		if a != nil && !e.sources[i].offline && (fastest < 0 || a.Duration < fastest) {
			fastest = a.Duration
		}
	}
	return min(max(2*fastest, minGrace), maxGrace)
}

// find looks addr up for every protocol of e.protos(). It never returns
// nil: the result describes the first protocol, and its Others the rest.
//
// Every source runs once for all protocols, and each protocol is decided on
// its own by precedence: its answer is known when a source has settled it
// and every source of higher precedence has finished. The lookup returns
// when every protocol is decided; once the first protocol has an answer in
// hand, the rest wait for at most the grace period. When the deadline
// passes, the best answers found so far are returned, with a warning for
// each source that did not finish. Placeholders are left in the result, for
// Result.For to fill.
func (e *engine) find(ctx context.Context, addr Address) *Result {
	if e.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.timeout)
		defer cancel()
	}
	attempts := make([]*Attempt, len(e.sources))

	// Offline sources first: when they settle every protocol, no network
	// source is started at all.
	for i, s := range e.sources {
		if s.offline {
			a := run(ctx, s, addr, time.Now())
			attempts[i] = &a
		}
	}
	if !e.waitAll && e.allDecided(attempts) {
		return e.finish(ctx, addr, attempts, nil, nil, 0)
	}

	var fns []func(context.Context) (Attempt, error)
	var index []int // fns[k] runs e.sources[index[k]]
	since := time.Now()
	for i, s := range e.sources {
		if attempts[i] == nil {
			index = append(index, i)
			fns = append(fns, func(ctx context.Context) (Attempt, error) { return run(ctx, s, addr, since), nil })
		}
	}
	held, release, stopPrefetch := e.prefetchFor(ctx, addr, index)
	view := func(results []race.Result[Attempt]) []*Attempt {
		all := append([]*Attempt(nil), attempts...)
		for k := range results {
			if results[k].Done {
				all[index[k]] = &results[k].Val
			}
		}
		return all
	}
	var judge func([]race.Result[Attempt]) bool
	stop := make(chan struct{})
	var timer *time.Timer
	var grace time.Duration
	if !e.waitAll {
		judge = func(results []race.Result[Attempt]) bool {
			all := view(results)
			if e.allDecided(all) {
				return true
			}
			// The first protocol's answer is in hand, and the lookup waits
			// only for sources of higher precedence or for the other
			// protocols: give them the grace period, then answer.
			if timer == nil && e.grace >= 0 && inHand(all, e.protos()[0]) {
				grace = e.graceFor(all)
				timer = time.AfterFunc(grace, func() { close(stop) })
			}
			return false
		}
	}
	results, expired := race.Run(ctx, fns, judge, race.Options[Attempt]{Stop: stop, Held: held, Release: release})
	stopPrefetch()
	early := time.Duration(0)
	if timer != nil && !timer.Stop() && expired == nil {
		// The grace period ran out: whatever was still running was
		// stopped early.
		early = grace
	}

	// A source that ended with a context error was still running when the
	// answer was known or time ran out: it is reported as such. Anything
	// else that finished, even while the rest were being cancelled, is in
	// hand and competes like any other answer.
	unfinished := make([]bool, len(e.sources))
	for k, r := range results {
		i := index[k]
		att := r.Val
		if !r.Done || att.Answer == nil && (errors.Is(att.Err, context.Canceled) || errors.Is(att.Err, context.DeadlineExceeded)) {
			unfinished[i] = true
			if !r.Done {
				att = Attempt{Source: e.sources[i].name}
			}
		}
		attempts[i] = &att
	}
	return e.finish(ctx, addr, attempts, unfinished, expired, early)
}

// prefetchFor asks the first DNS questions of the sources index names (the
// askers among them) together, in one goroutine, and returns what race.Run
// needs to hold each of those sources back until its answers are in the
// cache. stop cancels the questions still open and waits for the goroutine.
func (e *engine) prefetchFor(ctx context.Context, addr Address, index []int) (held func(int) bool, release <-chan int, stop func()) {
	stop = func() {}
	if e.prefetch == nil {
		return nil, nil, stop
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
		for _, q := range a.Questions(addr) {
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
		return nil, nil, stop
	}
	// A source that asks nothing is never held.
	open := slices.Clone(remaining)
	// Buffered for every alternative: each is sent once at most, and the
	// sender never waits.
	ch := make(chan int, len(index))
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
					ch <- k
				}
			}
		})
		close(ch)
	}()
	return func(k int) bool { return open[k] > 0 }, ch, func() {
		cancel()
		<-done
	}
}

// allDecided reports whether every protocol's answer is known.
func (e *engine) allDecided(attempts []*Attempt) bool {
	for _, p := range e.protos() {
		if !decided(attempts, p) {
			return false
		}
	}
	return true
}

// project returns what each attempt says of protocol p alone; a nil
// attempt (a source still running) stays nil.
func project(attempts []*Attempt, p Protocol) []*Attempt {
	out := make([]*Attempt, len(attempts))
	for i, a := range attempts {
		if a != nil {
			pa := a.only(p)
			out[i] = &pa
		}
	}
	return out
}

// only returns what a says of protocol p: found when its answer has a
// server of p, an error when the part of the source that looks for p
// failed, and otherwise not found, with the source's reason.
func (a *Attempt) only(p Protocol) Attempt {
	if a.Answer == nil {
		return *a
	}
	out := *a
	var failed []error
	if part := a.Answer.Parts[p]; part != nil {
		failed = part.Failed
	}
	ans := a.Answer.Only(p)
	out.Answer = ans
	switch {
	case len(ans.Servers) > 0:
		out.Outcome = OutcomeFound
		out.Err = nil
		if len(ans.Failed) > 0 {
			out.Err = errors.Join(ans.Failed...)
		}
	case ans.NotOfferedFor(p) != nil:
		out.Outcome = OutcomeNotFound
		out.Err = &settings.NotOffered{Source: a.Source, Protocol: p, Reason: *ans.NotOfferedFor(p)}
	case len(failed) > 0:
		out.Outcome = OutcomeError
		out.Answer = nil
		out.Err = errors.Join(failed...)
	default:
		out.Outcome = OutcomeNotFound
		out.Answer = nil
		if part := ans.Parts[p]; part != nil && part.Missing != nil {
			out.Err = &settings.Missing{Reason: *part.Missing}
		} else {
			where := ans.SourceURL
			if where == "" {
				where = a.Source
			}
			out.Err = settings.NotFound(i18n.NFNoProtocol, where, p.Label())
		}
	}
	return out
}

// decided reports whether protocol p's answer is known: a source has
// settled it and every source of higher precedence has finished. Answers
// that came over plain HTTP win only when every source has finished without
// a better one.
func decided(attempts []*Attempt, p Protocol) bool {
	insecure := false
	for _, a := range attempts {
		if a == nil {
			return false
		}
		if a.settlesFor(p) {
			if !a.Answer.Insecure {
				return true
			}
			insecure = true
		}
	}
	return insecure
}

// inHand reports whether a finished source has settled protocol p.
func inHand(attempts []*Attempt, p Protocol) bool {
	for _, a := range attempts {
		if a != nil && a.settlesFor(p) {
			return true
		}
	}
	return false
}

// settlesFor reports whether a, which holds what a source said of every
// protocol, settles p: what settles says of a.only(p), without narrowing.
func (a *Attempt) settlesFor(p Protocol) bool {
	return a.Answer != nil && a.Answer.Offers(p)
}

// settles reports whether a's answer, already narrowed to one protocol,
// ends that protocol's search: it found a server, or it said
// authoritatively that there is none.
func (a *Attempt) settles() bool {
	if a.Answer == nil {
		return false
	}
	if a.Outcome == OutcomeFound {
		return true
	}
	for _, part := range a.Answer.Parts {
		if part.NotOffered != nil {
			return true
		}
	}
	return false
}

// best returns the index of the best finished answer, or -1: the first
// settling answer by precedence, preferring any that did not come over
// plain HTTP.
func best(attempts []Attempt) int {
	insecure := -1
	for i := range attempts {
		if a := &attempts[i]; a.settles() {
			if !a.Answer.Insecure {
				return i
			}
			if insecure < 0 {
				insecure = i
			}
		}
	}
	return insecure
}

// finish turns the sources' attempts into a result per protocol, runs the
// fallback for the protocols no source found, and returns the first
// protocol's result with the others in its Others.
func (e *engine) finish(ctx context.Context, addr Address, attempts []*Attempt, unfinished []bool, expired error, early time.Duration) *Result {
	results := make([]*Result, len(e.protos()))
	var missing []Protocol
	for k, p := range e.protos() {
		res := &Result{Address: addr, Protocol: p, early: early}
		e.settle(res, project(attempts, p), unfinished, expired)
		results[k] = res
		if res.Answer == nil {
			missing = append(missing, p)
		}
	}
	if e.fallback != nil {
		e.runFallback(ctx, results, missing, attempts, expired, early)
	}
	for _, res := range results {
		if res.Answer != nil {
			continue
		}
		network := e.couldNotLook(res.Attempts) && !errors.Is(expired, context.Canceled)
		if expired != nil {
			res.Err = &InterruptedError{Protocol: res.Protocol, Cause: expired, Errs: attemptErrors(res.Attempts), Network: network}
		} else {
			res.Err = &NotFoundError{Protocol: res.Protocol, Errs: attemptErrors(res.Attempts), Network: network}
		}
	}
	top := results[0]
	top.Others = results[1:]
	return top
}

// settle fills res, the result of one protocol, from the sources' attempts
// narrowed to it, and chooses its answer.
func (e *engine) settle(res *Result, attempts []*Attempt, unfinished []bool, expired error) {
	answered := false
	for _, a := range attempts {
		if a != nil && a.settles() {
			answered = true
		}
	}
	var early []string
	for i, s := range e.sources {
		a := attempts[i]
		switch {
		case a == nil:
			a = &Attempt{Source: s.name, Outcome: OutcomeSkipped, Err: errNotNeeded}
		case unfinished != nil && unfinished[i] && expired != nil:
			*a = Attempt{Source: s.name, Outcome: OutcomeError, Duration: a.Duration, Err: &UnfinishedError{Source: s.name, Cause: expired}}
			if !errors.Is(expired, context.Canceled) {
				res.Warnings = append(res.Warnings, i18n.M(i18n.WarnSourceTimeout, s.name))
			}
		case unfinished != nil && unfinished[i] && res.early > 0 && (!answered || precedes(i, attempts)):
			*a = Attempt{Source: s.name, Outcome: OutcomeStoppedEarly, Duration: a.Duration,
				Err: &StoppedEarlyError{Source: s.name, Grace: res.early}}
			early = append(early, s.name)
		case unfinished != nil && unfinished[i]:
			*a = Attempt{Source: s.name, Outcome: OutcomeSkipped, Duration: a.Duration, Err: settings.Skip(i18n.SkipStopped)}
		}
		res.Attempts = append(res.Attempts, *a)
	}
	grace := res.early.Round(100 * time.Millisecond).String()
	switch {
	case len(early) > 0 && answered:
		res.Warnings = append(res.Warnings, i18n.M(i18n.WarnStoppedEarly, strings.Join(early, ", "), grace))
	case len(early) > 0:
		res.Warnings = append(res.Warnings, i18n.M(i18n.WarnProtocolUnfinished, res.Protocol.Label(), strings.Join(early, ", "), grace))
	}
	if len(early) == 0 || !answered {
		// Nothing this protocol's answer could have waited for was
		// stopped: it was not given early.
		res.early = 0
	}
	// The winner is chosen from what the attempts hold now: an answer that
	// was dropped above can never be chosen.
	if winner := best(res.Attempts); winner >= 0 {
		res.choose(res.Attempts[winner])
	}
}

// runFallback runs the fallback (guessing) for the protocols no source
// found, and records in every protocol's attempts what it did. Once the
// first protocol has its answer, the others get at most the grace period.
func (e *engine) runFallback(ctx context.Context, results []*Result, missing []Protocol, attempts []*Attempt, expired error, early time.Duration) {
	skip := func(res *Result, key string) {
		res.Attempts = append(res.Attempts, Attempt{Source: e.fallback.name, Outcome: OutcomeSkipped, Err: settings.Skip(key)})
	}
	for _, res := range results {
		switch {
		case res.Answer != nil && res.Answer.NotOfferedFor(res.Protocol) != nil:
			// The domain says it has no such server: guessing would
			// contradict it.
			skip(res, i18n.SkipNotOffered)
		case res.Answer != nil:
			skip(res, i18n.SkipAnswered)
		}
	}
	if len(missing) == 0 {
		return
	}
	firstFound := results[0].Answer != nil
	var fctx context.Context
	var bound time.Duration
	switch {
	case expired != nil || ctx.Err() != nil:
	case firstFound && early > 0:
		// The grace period has run out already.
	case firstFound && !e.waitAll && e.grace >= 0:
		bound = e.graceFor(attempts)
		var cancel context.CancelFunc
		fctx, cancel = context.WithTimeout(ctx, bound)
		defer cancel()
	default:
		fctx = ctx
	}
	for _, res := range results {
		if res.Answer != nil {
			continue
		}
		if fctx == nil {
			key := i18n.SkipNoTime
			if early > 0 {
				key = i18n.SkipGraceOver
			}
			skip(res, key)
		}
	}
	if fctx == nil {
		return
	}
	src := e.fallback.src
	if e.fallback.narrow != nil {
		src = e.fallback.narrow(missing)
	}
	fb := run(fctx, entry{name: e.fallback.name, src: src}, results[0].Address, time.Now())
	for _, res := range results {
		if res.Answer != nil {
			continue
		}
		a := fb.only(res.Protocol)
		if bound > 0 && !a.settles() && fctx.Err() != nil && ctx.Err() == nil {
			// The first protocol's answer does not wait for this one's
			// guessing any longer than the grace period.
			a = Attempt{Source: e.fallback.name, Outcome: OutcomeStoppedEarly, Duration: a.Duration,
				Err: &StoppedEarlyError{Source: e.fallback.name, Grace: bound}}
			res.Warnings = append(res.Warnings, i18n.M(i18n.WarnProtocolUnfinished, res.Protocol.Label(), e.fallback.name, bound.Round(100*time.Millisecond).String()))
		}
		res.Attempts = append(res.Attempts, a)
		if a.settles() {
			res.choose(a)
		}
	}
}

// couldNotLook reports whether the lookup could not be made: every network
// source that ran failed, and none could say that the domain has no server.
// (The offline table's "not here" says nothing about the domain.)
func (e *engine) couldNotLook(attempts []Attempt) bool {
	failed := 0
	for i, a := range attempts { // the sources in order, then the fallback
		switch {
		case i < len(e.sources) && e.sources[i].offline, a.Outcome == OutcomeSkipped:
		case a.Outcome == OutcomeError:
			failed++
		default:
			return false
		}
	}
	return failed > 0
}

func (r *Result) choose(a Attempt) {
	r.Source = a.Source
	r.Answer = a.Answer
	r.Found = len(a.Answer.Servers) > 0
	r.Err = nil
	if !r.Found {
		r.Err = &settings.NotOffered{Source: a.Source, Protocol: r.Protocol, Reason: *a.Answer.NotOfferedFor(r.Protocol)}
	}
}

// run consults one source and times it. The attempt holds what the source
// said of every protocol; project narrows it to one.
func run(ctx context.Context, s entry, addr Address, since time.Time) Attempt {
	ans, err := s.src.Lookup(ctx, addr)
	a := Attempt{Source: s.name, Duration: time.Since(since), Err: err}
	switch {
	case errors.Is(err, settings.ErrSkipped):
		a.Outcome = OutcomeSkipped
	case errors.Is(err, settings.ErrNotFound):
		a.Outcome = OutcomeNotFound
	case err != nil:
		a.Outcome = OutcomeError
	case ans == nil || len(ans.Servers) == 0 && len(ans.Parts) == 0:
		a.Outcome = OutcomeNotFound
		a.Err = settings.NotFound(i18n.NFEmptyAnswer)
	case len(ans.Servers) == 0:
		a.Outcome = OutcomeNotFound
		a.Answer = ans
	default:
		a.Outcome = OutcomeFound
		a.Answer = ans
		if len(ans.Failed) > 0 {
			a.Err = errors.Join(ans.Failed...)
		}
	}
	return a
}

// precedes reports whether source i comes before the first source that
// settled the answer: one of higher precedence that the answer did not
// wait for to the end.
func precedes(i int, attempts []*Attempt) bool {
	for j, a := range attempts {
		if a != nil && a.settles() {
			return i < j
		}
	}
	return false
}

func attemptErrors(attempts []Attempt) []error {
	var errs []error
	for _, a := range attempts {
		if a.Err != nil {
			errs = append(errs, a.Err)
		}
	}
	return errs
}
