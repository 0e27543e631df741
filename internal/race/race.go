// Package race runs alternatives at once and stops as soon as the outcome
// is known, in the style of the standard library's dialParallel: results
// are judged in order of preference, the winner is known once everything
// preferred to it has finished, and the rest are cancelled and waited for,
// so that no work outlives the race.
//
// Its one rule about deadlines: a result that is in hand is never dropped.
// An alternative that finishes while the others are being cancelled keeps
// its result, and the caller sees it.
package race

import (
	"context"
	"sync"
	"time"
)

// Result is what one alternative returned. Done is false for an
// alternative that had not finished when the race was decided and did not
// finish while it was being cancelled; Val and Err are then zero.
type Result[T any] struct {
	Val  T
	Err  error
	Done bool
}

// Options change how a race starts its alternatives.
type Options[T any] struct {
	// Stagger, when positive, starts the alternatives one after another,
	// the next one Stagger after the one before, or at once when Failed
	// says the one before failed. Zero starts them all at once.
	Stagger time.Duration
	Failed  func(T, error) bool
	// Stop, when closed, ends the race as decided: the alternatives still
	// running are cancelled, and Run returns with what is in hand.
	Stop <-chan struct{}
	// Held, when set, holds back each alternative i for which Held(i) is
	// true: it starts when i arrives on Release, and every one still held
	// starts when Release is closed. An alternative held when the race is
	// decided never starts.
	Held    func(i int) bool
	Release <-chan int
}

// Run starts fns and waits until decided, called with every result so far
// in the order of fns, says the outcome is known, or until every
// alternative has finished, or until ctx ends. It then cancels the
// alternatives still running and waits for them. It returns every result,
// in the order of fns, and ctx's error when ctx ended before the outcome
// was known.
func Run[T any](ctx context.Context, fns []func(context.Context) (T, error), decided func([]Result[T]) bool, opt Options[T]) ([]Result[T], error) {
	results := make([]Result[T], len(fns))
	if len(fns) == 0 || decided != nil && decided(results) {
		return results, nil
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type finished struct {
		i   int
		val T
		err error
	}
	// Buffered for every alternative, so that none blocks on sending after
	// the race is decided.
	done := make(chan finished, len(fns))
	var wg sync.WaitGroup
	started := make([]bool, len(fns))
	startAt := func(i int) {
		if i < 0 || i >= len(fns) || started[i] {
			return
		}
		started[i] = true
		fn := fns[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := fn(rctx)
			done <- finished{i, v, err}
		}()
	}
	held := func(i int) bool { return opt.Held != nil && opt.Held(i) }
	// start starts the next alternative in order that is neither started
	// nor held.
	next := 0
	start := func() {
		for next < len(fns) && (started[next] || held(next)) {
			next++
		}
		startAt(next)
	}
	var tick <-chan time.Time
	if opt.Stagger > 0 {
		t := time.NewTicker(opt.Stagger)
		defer t.Stop()
		tick = t.C
		start()
	} else {
		for i := range fns {
			if !held(i) {
				startAt(i)
			}
		}
	}
	release := opt.Release
	if opt.Held == nil {
		release = nil
	}
	var ctxErr error
	for pending := len(fns); pending > 0; {
		select {
		case f := <-done:
			results[f.i] = Result[T]{Val: f.val, Err: f.err, Done: true}
			pending--
			if opt.Failed != nil && opt.Failed(f.val, f.err) {
				start()
			}
			if decided != nil && decided(results) {
				pending = 0
			}
		case <-tick:
			start()
		case i, ok := <-release:
			if !ok {
				release = nil
				for i := range fns {
					if held(i) {
						startAt(i)
					}
				}
				continue
			}
			startAt(i)
		case <-opt.Stop:
			pending = 0
		case <-ctx.Done():
			ctxErr = ctx.Err()
			pending = 0
		}
	}
	cancel()
	wg.Wait()
	close(done)
	// What finished while the rest were cancelled is in hand: keep it.
	for f := range done {
		results[f.i] = Result[T]{Val: f.val, Err: f.err, Done: true}
	}
	return results, ctxErr
}

// First returns the first result, in the order of fns, that has no error,
// as soon as every alternative before it has failed; the rest are then
// cancelled. When every alternative fails, it returns their errors in
// order, or ctx's error with the errors it has when ctx ends first.
func First[T any](ctx context.Context, fns []func(context.Context) (T, error)) (T, []error, error) {
	results, ctxErr := Run(ctx, fns, firstDecided[T], Options[T]{})
	var errs []error
	for _, r := range results {
		if r.Done && r.Err == nil {
			return r.Val, nil, nil
		}
		if r.Done {
			errs = append(errs, r.Err)
		}
	}
	var zero T
	return zero, errs, ctxErr
}

// firstDecided: the first success in order is known once everything before
// it has failed.
func firstDecided[T any](results []Result[T]) bool {
	for _, r := range results {
		if !r.Done {
			return false
		}
		if r.Err == nil {
			return true
		}
	}
	return true
}
