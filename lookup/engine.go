package lookup

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/race"
	"github.com/popfind/popfind/lookup/settings"
)

// entry is one source as the engine runs it.
type entry struct {
	name    string
	src     settings.Source
	offline bool // answers from memory: consulted before the network
}

// engine runs sources for an address and picks the answer by precedence.
type engine struct {
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

// find looks addr up. It never returns nil. The answer is returned as soon
// as a source has found one and every source of higher precedence has
// finished; the others are cancelled and waited for. When the deadline
// passes, the best answer found so far is returned, with a warning for each
// source that did not finish. Placeholders are left in the result, for
// Result.For to fill.
func (e *engine) find(ctx context.Context, addr Address) *Result {
	if e.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.timeout)
		defer cancel()
	}
	res := &Result{Address: addr}
	attempts := make([]*Attempt, len(e.sources))

	// Offline sources first: when one of them settles the answer, no network
	// source is started at all.
	for i, s := range e.sources {
		if s.offline {
			a := run(ctx, s, addr)
			attempts[i] = &a
		}
	}
	if !e.waitAll && decided(attempts) {
		return e.finish(ctx, res, attempts, nil, nil)
	}

	var fns []func(context.Context) (Attempt, error)
	var index []int // fns[k] runs e.sources[index[k]]
	for i, s := range e.sources {
		if attempts[i] == nil {
			index = append(index, i)
			fns = append(fns, func(ctx context.Context) (Attempt, error) { return run(ctx, s, addr), nil })
		}
	}
	view := func(results []race.Result[Attempt]) []*Attempt {
		all := append([]*Attempt(nil), attempts...)
		for k, r := range results {
			if r.Done {
				all[index[k]] = &r.Val
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
			if decided(all) {
				return true
			}
			// An answer in hand, waiting only for sources of higher
			// precedence: give them the grace period, then answer.
			if timer == nil && e.grace >= 0 && inHand(all) {
				grace = e.graceFor(all)
				timer = time.AfterFunc(grace, func() { close(stop) })
			}
			return false
		}
	}
	results, expired := race.Run(ctx, fns, judge, race.Options[Attempt]{Stop: stop})
	early := false
	if timer != nil && !timer.Stop() {
		// The grace period ran out: whatever was still running was
		// stopped early.
		early = true
	}

	// A source that ended with a context error was still running when the
	// answer was known or time ran out: it is reported as such. Anything
	// else that finished, even while the rest were being cancelled, is in
	// hand and competes like any other answer.
	unfinished := make([]bool, len(e.sources))
	if early && expired == nil {
		res.early = grace
	}
	for k, r := range results {
		i := index[k]
		att := r.Val
		if !r.Done || !att.settles() && (errors.Is(att.Err, context.Canceled) || errors.Is(att.Err, context.DeadlineExceeded)) {
			unfinished[i] = true
			if !r.Done {
				att = Attempt{Source: e.sources[i].name}
			}
		}
		attempts[i] = &att
	}
	return e.finish(ctx, res, attempts, unfinished, expired)
}

// decided reports whether the answer is known: a source has settled it and
// every source of higher precedence has finished. Answers that came over
// plain HTTP win only when every source has finished without a better one.
func decided(attempts []*Attempt) bool {
	insecure := false
	for _, a := range attempts {
		if a == nil {
			return false
		}
		if a.settles() {
			if !a.Answer.Insecure {
				return true
			}
			insecure = true
		}
	}
	return insecure
}

// inHand reports whether a finished source has settled the answer.
func inHand(attempts []*Attempt) bool {
	for _, a := range attempts {
		if a != nil && a.settles() {
			return true
		}
	}
	return false
}

// settles reports whether a's answer ends the lookup: it found a server, or
// it said authoritatively that there is none.
func (a *Attempt) settles() bool {
	return a.Answer != nil && (a.Outcome == OutcomeFound || a.Answer.NotOffered != nil)
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

func (e *engine) finish(ctx context.Context, res *Result, attempts []*Attempt, unfinished []bool, expired error) *Result {
	var early []string
	for i, s := range e.sources {
		a := attempts[i]
		switch {
		case a == nil:
			a = &Attempt{Source: s.name, Outcome: OutcomeSkipped, Err: settings.Skip(i18n.SkipNotNeeded)}
		case unfinished != nil && unfinished[i] && expired != nil:
			*a = Attempt{Source: s.name, Outcome: OutcomeError, Duration: a.Duration, Err: &UnfinishedError{Source: s.name, Cause: expired}}
			if !errors.Is(expired, context.Canceled) {
				res.Warnings = append(res.Warnings, i18n.M(i18n.WarnSourceTimeout, s.name))
			}
		case unfinished != nil && unfinished[i] && res.early > 0 && precedes(i, attempts):
			*a = Attempt{Source: s.name, Outcome: OutcomeStoppedEarly, Duration: a.Duration,
				Err: &StoppedEarlyError{Source: s.name, Grace: res.early}}
			early = append(early, s.name)
		case unfinished != nil && unfinished[i]:
			*a = Attempt{Source: s.name, Outcome: OutcomeSkipped, Duration: a.Duration, Err: settings.Skip(i18n.SkipStopped)}
		}
		res.Attempts = append(res.Attempts, *a)
	}
	if len(early) > 0 {
		res.Warnings = append(res.Warnings, i18n.M(i18n.WarnStoppedEarly, strings.Join(early, ", "), res.early.Round(100*time.Millisecond).String()))
	}
	// The winner is chosen from what the attempts hold now: an answer that
	// was dropped above can never be chosen.
	if winner := best(res.Attempts); winner >= 0 {
		res.choose(res.Attempts[winner])
		if e.fallback != nil {
			why := i18n.SkipAnswered
			if res.Answer.NotOffered != nil {
				// The domain says it has no POP3: guessing would contradict it.
				why = i18n.SkipNotOffered
			}
			res.Attempts = append(res.Attempts, Attempt{Source: e.fallback.name, Outcome: OutcomeSkipped, Err: settings.Skip(why)})
		}
		return res
	}
	if e.fallback != nil {
		fb := Attempt{Source: e.fallback.name, Outcome: OutcomeSkipped, Err: settings.Skip(i18n.SkipNoTime)}
		if expired == nil && ctx.Err() == nil {
			fb = run(ctx, *e.fallback, res.Address)
		}
		res.Attempts = append(res.Attempts, fb)
		if fb.settles() {
			res.choose(fb)
			return res
		}
	}
	network := e.couldNotLook(res.Attempts) && !errors.Is(expired, context.Canceled)
	if expired != nil {
		res.Err = &InterruptedError{Cause: expired, Errs: attemptErrors(res.Attempts), Network: network}
		return res
	}
	res.Err = &NotFoundError{Errs: attemptErrors(res.Attempts), Network: network}
	return res
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
	if !r.Found {
		r.Err = &settings.NotOffered{Source: a.Source, Reason: *a.Answer.NotOffered}
	}
}

// run consults one source and times it.
func run(ctx context.Context, s entry, addr Address) Attempt {
	start := time.Now()
	ans, err := s.src.Lookup(ctx, addr)
	a := Attempt{Source: s.name, Duration: time.Since(start), Err: err}
	switch {
	case errors.Is(err, settings.ErrSkipped):
		a.Outcome = OutcomeSkipped
	case errors.Is(err, settings.ErrNotFound):
		a.Outcome = OutcomeNotFound
	case err != nil:
		a.Outcome = OutcomeError
	case ans == nil || len(ans.Servers) == 0 && ans.NotOffered == nil:
		a.Outcome = OutcomeNotFound
		a.Err = settings.NotFound(i18n.NFEmptyAnswer)
	case len(ans.Servers) == 0:
		a.Outcome = OutcomeNotFound
		a.Answer = ans
		a.Err = &settings.NotOffered{Source: s.name, Reason: *ans.NotOffered}
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
