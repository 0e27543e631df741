package lookup

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/popfind/popfind/i18n"
)

// Finder runs sources for an address and picks the answer by precedence.
type Finder struct {
	// Sources are consulted at once; their order is their precedence, best
	// first.
	Sources []Source
	// Fallback, when set, runs only after every source in Sources has come
	// up empty (last-resort guessing, which touches hosts nobody advertised).
	Fallback Source
	// Timeout bounds the whole lookup of one address; zero means no bound
	// beyond the caller's context.
	Timeout time.Duration
	// WaitAll makes Find wait for every source instead of returning as soon
	// as the answer is known, so that all of them can be compared.
	WaitAll bool
}

type finished struct {
	i   int
	att Attempt
}

// Find looks addr up. It never returns nil. The answer is returned as soon
// as a source has found one and every source of higher precedence has
// finished; the others are cancelled and waited for. When the deadline
// passes, the best answer found so far is returned, with a warning for each
// source that did not finish. Placeholders in host and user names are
// filled for addr.
func (f *Finder) Find(ctx context.Context, addr Address) *Result {
	return f.find(ctx, addr).For(addr)
}

// find is Find without filling the placeholders: its result holds what the
// sources said for the domain, fit to cache.
func (f *Finder) find(ctx context.Context, addr Address) *Result {
	if f.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.Timeout)
		defer cancel()
	}
	res := &Result{Address: addr}
	n := len(f.Sources)
	attempts := make([]*Attempt, n)

	// Offline sources first: when one of them settles the answer, no network
	// source is started at all.
	for i, s := range f.Sources {
		if o, ok := s.(Offline); ok && o.Offline() {
			a := run(ctx, s, addr)
			attempts[i] = &a
		}
	}
	if !f.WaitAll {
		if _, ok := decided(attempts); ok {
			return f.finish(ctx, res, attempts, nil, nil)
		}
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan finished, n)
	var wg sync.WaitGroup
	started := make([]bool, n)
	for i, s := range f.Sources {
		if attempts[i] != nil {
			continue
		}
		started[i] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			done <- finished{i, run(runCtx, s, addr)}
		}()
	}
	pending := 0
	for _, st := range started {
		if st {
			pending++
		}
	}
	var expired error
wait:
	for pending > 0 {
		if !f.WaitAll {
			if _, ok := decided(attempts); ok {
				break
			}
		}
		select {
		case r := <-done:
			attempts[r.i] = &r.att
			pending--
		case <-ctx.Done():
			expired = ctx.Err()
			break wait
		}
	}
	cancel()
	wg.Wait()
	close(done)
	// Sources still running when the answer was known, or when time ran
	// out, are reported as such, not as the context error they ended with.
	// An answer that arrived in the meantime is in hand: it is kept, and
	// competes like any other.
	unfinished := make([]bool, n)
	for r := range done {
		att := r.att
		if !att.settles() && (errors.Is(att.Err, context.Canceled) || errors.Is(att.Err, context.DeadlineExceeded)) {
			unfinished[r.i] = true
		}
		attempts[r.i] = &att
	}
	for i := range attempts {
		if started[i] && attempts[i] == nil {
			unfinished[i] = true
		}
	}
	return f.finish(ctx, res, attempts, unfinished, expired)
}

// decided reports the index of the source whose answer wins, once every
// source of higher precedence has finished. Answers that came over plain
// HTTP win only when every source has finished without a better one.
func decided(attempts []*Attempt) (int, bool) {
	insecure := -1
	for i, a := range attempts {
		if a == nil {
			return 0, false
		}
		if a.settles() {
			if !a.Answer.Insecure {
				return i, true
			}
			if insecure < 0 {
				insecure = i
			}
		}
	}
	return insecure, insecure >= 0
}

// settles reports whether a's answer ends the lookup: it found a server, or
// it said authoritatively that there is none.
func (a *Attempt) settles() bool {
	return a.Answer != nil && (a.Outcome == OutcomeFound || a.Answer.NotOffered != nil)
}

// best returns the index of the best finished answer, or -1: the first
// settling answer by precedence, preferring any that did not come over
// plain HTTP.
func best(attempts []*Attempt) int {
	insecure := -1
	for i, a := range attempts {
		if a != nil && a.Answer != nil && a.settles() {
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

func (f *Finder) finish(ctx context.Context, res *Result, attempts []*Attempt, unfinished []bool, expired error) *Result {
	for i, s := range f.Sources {
		a := attempts[i]
		switch {
		case a == nil:
			a = &Attempt{Source: s.Name(), Outcome: OutcomeSkipped, Err: fmt.Errorf("%w: not needed, a source of higher precedence answered", ErrSkipped)}
		case unfinished != nil && unfinished[i] && errors.Is(expired, context.Canceled):
			a.Outcome = OutcomeError
			a.Err = fmt.Errorf("%s: cancelled before it finished", s.Name())
			a.Answer = nil
		case unfinished != nil && unfinished[i] && expired != nil:
			a.Outcome = OutcomeError
			a.Err = fmt.Errorf("%s: did not finish before the deadline", s.Name())
			a.Answer = nil
			res.Warnings = append(res.Warnings, i18n.M(i18n.WarnSourceTimeout, s.Name()))
		case unfinished != nil && unfinished[i]:
			a.Outcome = OutcomeSkipped
			a.Err = fmt.Errorf("%w: stopped, a source of higher precedence answered", ErrSkipped)
			a.Answer = nil
		}
		res.Attempts = append(res.Attempts, *a)
	}
	// The winner is chosen from what the attempts hold now: an answer that
	// was dropped above can never be chosen.
	if winner := bestAttempt(res.Attempts); winner >= 0 {
		res.choose(res.Attempts[winner])
		why := "another source answered"
		if res.Answer.NotOffered != nil {
			// The domain says it has no POP3: guessing would contradict it.
			why = "the domain says it offers no POP3"
		}
		if f.Fallback != nil {
			res.Attempts = append(res.Attempts, Attempt{Source: f.Fallback.Name(), Outcome: OutcomeSkipped,
				Err: fmt.Errorf("%w: %s", ErrSkipped, why)})
		}
		return res
	}
	if f.Fallback != nil {
		fb := f.runFallback(ctx, res.Address, expired)
		res.Attempts = append(res.Attempts, fb)
		if fb.Outcome == OutcomeFound && fb.Answer != nil {
			res.choose(fb)
			return res
		}
	}
	if expired != nil {
		res.Err = &InterruptedError{Cause: expired, Errs: attemptErrors(res.Attempts)}
		return res
	}
	res.Err = notFoundError(res.Attempts)
	return res
}

// bestAttempt is best for finished attempts.
func bestAttempt(attempts []Attempt) int {
	ptrs := make([]*Attempt, len(attempts))
	for i := range attempts {
		ptrs[i] = &attempts[i]
	}
	return best(ptrs)
}

// runFallback runs the fallback with what is left of the lookup's deadline.
func (f *Finder) runFallback(ctx context.Context, addr Address, expired error) Attempt {
	if expired != nil || ctx.Err() != nil {
		return Attempt{Source: f.Fallback.Name(), Outcome: OutcomeSkipped, Err: fmt.Errorf("%w: no time left before the deadline", ErrSkipped)}
	}
	return run(ctx, f.Fallback, addr)
}

func (r *Result) choose(a Attempt) {
	r.Source = a.Source
	r.Answer = a.Answer
	r.Found = len(a.Answer.Servers) > 0
	if !r.Found {
		r.Err = &NotOfferedError{Source: a.Source, Reason: *a.Answer.NotOffered}
	}
}

// run consults one source and times it.
func run(ctx context.Context, s Source, addr Address) Attempt {
	start := time.Now()
	ans, err := s.Lookup(ctx, addr)
	a := Attempt{Source: s.Name(), Duration: time.Since(start), Err: err}
	switch {
	case errors.Is(err, ErrSkipped):
		a.Outcome = OutcomeSkipped
	case errors.Is(err, ErrNotFound):
		a.Outcome = OutcomeNotFound
	case err != nil:
		a.Outcome = OutcomeError
	case ans == nil || len(ans.Servers) == 0 && ans.NotOffered == nil:
		a.Outcome = OutcomeNotFound
		a.Err = NotFound("no POP3 server in the answer")
	case len(ans.Servers) == 0:
		a.Outcome = OutcomeNotFound
		a.Answer = ans
		a.Err = &NotOfferedError{Source: s.Name(), Reason: *ans.NotOffered}
	default:
		a.Outcome = OutcomeFound
		a.Answer = ans
		if len(ans.Failed) > 0 {
			a.Err = errors.Join(ans.Failed...)
		}
	}
	return a
}

// NotOfferedError says that a source stated POP3 is not offered.
type NotOfferedError struct {
	Source string
	Reason i18n.Msg
}

func (e *NotOfferedError) Error() string {
	return fmt.Sprintf("%s: POP3 is not offered: %s", e.Source, i18n.English.Format(e.Reason))
}

// Is makes a NotOfferedError match ErrNotFound.
func (e *NotOfferedError) Is(target error) bool { return target == ErrNotFound }

// NotFoundError is returned when no source found a server. It keeps every
// source's error.
type NotFoundError struct {
	Errs []error
}

func (e *NotFoundError) Error() string { return "no POP3 server found" }

// Unwrap returns the sources' errors.
func (e *NotFoundError) Unwrap() []error { return e.Errs }

func notFoundError(attempts []Attempt) error {
	return &NotFoundError{Errs: attemptErrors(attempts)}
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

// InterruptedError says that a lookup ended before any source found a
// server because its deadline passed or its caller cancelled it. It keeps
// every source's error, and matches ErrNotFound: nothing was found.
type InterruptedError struct {
	Cause error // context.DeadlineExceeded or context.Canceled
	Errs  []error
}

func (e *InterruptedError) Error() string {
	if errors.Is(e.Cause, context.Canceled) {
		return "lookup cancelled"
	}
	return "no POP3 server found before the deadline"
}

// Unwrap returns the cause and the sources' errors.
func (e *InterruptedError) Unwrap() []error { return append([]error{e.Cause}, e.Errs...) }

// Is makes an InterruptedError match ErrNotFound.
func (e *InterruptedError) Is(target error) bool { return target == ErrNotFound }

// contextError turns the error of a context that ended into an
// InterruptedError, which says "cancelled" or "deadline" in words.
func contextError(err error) error {
	return &InterruptedError{Cause: err}
}
