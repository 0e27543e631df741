// Package flight runs one call per key at a time and shares its result with
// every caller that asks for the same key while it runs.
//
// Unlike golang.org/x/sync/singleflight, one caller giving up never spoils
// the result for the others: a caller whose context ends stops waiting at
// once, and the others keep theirs. Do and Run get there in two ways. Do
// runs the call in a goroutine of its own, on a context that is cancelled
// only when the last caller still waiting gives up. Run runs it in the first
// caller's goroutine, on that caller's context, and when that caller gives
// up before the call ends, one of the callers still waiting runs it again.
// Do suits long calls whose work is worth keeping; Run suits short ones made
// by many callers at once, such as DNS queries, where a goroutine per call
// costs more than the rare repeat. RunAll and RunEach are Run for several
// keys at once, and RunEach hands each result to the callers waiting as
// soon as it is known. A Group is used with Do or with the Run family only.
package flight

import (
	"context"
	"sync"
)

// Group is a set of calls in flight, keyed by K. The zero value is ready to
// use; a Group must not be copied after first use.
type Group[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*call[V]
}

type call[V any] struct {
	done    chan struct{}
	val     V
	err     error
	waiters int
	cancel  context.CancelFunc
	// abandoned is set, before done is closed, when the caller running a
	// Run call gave up before it ended: val and err are not an answer, and
	// the callers still waiting run the call again.
	abandoned bool
	// settled is set, with val, err and abandoned, when a Run call has its
	// result; hooks then run, once each: they tell the callers waiting
	// that are busy with calls of their own.
	settled bool
	hooks   []func()
}

// Do returns the result of fn for key, starting fn when no call for key is
// in flight and joining the running call otherwise. When ctx ends before the
// call does, Do returns ctx.Err() at once; the call goes on for the callers
// still waiting and is cancelled when none is left. An answer that is ready
// when ctx ends is returned rather than dropped.
func (g *Group[K, V]) Do(ctx context.Context, key K, fn func(context.Context) (V, error)) (V, error) {
	c := g.join(ctx, key, fn)
	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		select {
		case <-c.done:
			return c.val, c.err
		default:
		}
		g.leave(key, c)
		var zero V
		return zero, ctx.Err()
	}
}

func (g *Group[K, V]) join(ctx context.Context, key K, fn func(context.Context) (V, error)) *call[V] {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.calls[key]; ok {
		c.waiters++
		return c
	}
	if g.calls == nil {
		g.calls = map[K]*call[V]{}
	}
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c := &call[V]{done: make(chan struct{}), waiters: 1, cancel: cancel}
	g.calls[key] = c
	go func() {
		defer cancel()
		v, err := fn(cctx)
		g.mu.Lock()
		c.val, c.err = v, err
		if g.calls[key] == c {
			delete(g.calls, key)
		}
		g.mu.Unlock()
		close(c.done)
	}()
	return c
}

// leave drops one waiter from c and cancels the call when none is left. A
// later caller then starts a fresh call instead of joining a cancelled one.
func (g *Group[K, V]) leave(key K, c *call[V]) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c.waiters--
	if c.waiters == 0 && c.cancel != nil {
		c.cancel()
		if g.calls[key] == c {
			delete(g.calls, key)
		}
	}
}

// Run returns the result of fn for key, like Do, but runs fn in the calling
// goroutine when no call for key is in flight, on the caller's own context.
// Callers that join a running call wait for it; when ctx ends first, Run
// returns ctx.Err() at once and the call goes on. When the caller running fn
// gives up (its context ends and fn fails), its failure is not passed on:
// the callers still waiting start over, and one of them runs fn again. A
// result that fn returned is shared even if the caller's context ended.
func (g *Group[K, V]) Run(ctx context.Context, key K, fn func(context.Context) (V, error)) (V, error) {
	vals, errs := g.RunAll(ctx, []K{key}, func(ctx context.Context, _ []K) ([]V, []error) {
		v, err := fn(ctx)
		return []V{v}, []error{err}
	})
	return vals[0], errs[0]
}

// RunAll is Run for several keys at once: one call of fn, in the calling
// goroutine, computes the keys that no other caller is computing, and the
// results of the others are awaited. fn gets the keys it is to compute and
// returns a value and an error for each, in their order. RunAll returns a
// value and an error for every key of keys, in order; when ctx ends, the
// keys still awaited fail with ctx.Err().
func (g *Group[K, V]) RunAll(ctx context.Context, keys []K, fn func(context.Context, []K) ([]V, []error)) ([]V, []error) {
	return g.RunEach(ctx, keys, func(ctx context.Context, keys []K, _ func(int, V, error)) ([]V, []error) {
		return fn(ctx, keys)
	}, nil)
}

// RunEach is RunAll that hands each result over as soon as it is known,
// rather than when the slowest key is done.
//
// fn may call settle(j, v, err) as soon as the result of its j-th key is
// known, before it returns: the callers waiting for that key get it at
// once, and what fn returns for the key later is ignored. A failure settled
// while ctx has ended is the caller giving up, as when fn returns it.
//
// ready, when not nil, hears of every key of keys once, as soon as its
// result is known, with the value and error that RunEach returns for it,
// and always before RunEach returns: a key the caller computes when fn
// settles it (or returns), in the calling goroutine, and a key another
// caller computes when that caller settles it, in that caller's goroutine,
// even while the calling goroutine still runs fn. Calls of ready are never
// concurrent. ready must return quickly and must not wait for a call of g:
// it may be running in the goroutine that computes it.
func (g *Group[K, V]) RunEach(ctx context.Context, keys []K, fn func(ctx context.Context, keys []K, settle func(j int, v V, err error)) ([]V, []error), ready func(i int, v V, err error)) ([]V, []error) {
	b := &batch[V]{ready: ready, vals: make([]V, len(keys)), errs: make([]error, len(keys)), told: make([]bool, len(keys))}
	// After a panic, the callers this one joined must not call ready.
	defer b.close()
	pending := make([]int, len(keys))
	for i := range keys {
		pending[i] = i
	}
	var zero V
	for len(pending) > 0 {
		var lead, wait []int
		var leadCalls, waitCalls []*call[V]
		for _, i := range pending {
			var watch func(c *call[V]) func()
			if ready != nil {
				// The caller computing the key tells this one's ready as
				// soon as it has the result, unless it gave up.
				watch = func(c *call[V]) func() {
					return func() {
						if !c.abandoned {
							b.tell(i, c.val, c.err)
						}
					}
				}
			}
			if c, first := g.enter(keys[i], watch); first {
				lead, leadCalls = append(lead, i), append(leadCalls, c)
			} else {
				wait, waitCalls = append(wait, i), append(waitCalls, c)
			}
		}
		if len(lead) > 0 {
			g.lead(ctx, keys, lead, leadCalls, b, fn)
		}
		pending = pending[:0]
		for j, i := range wait {
			c := waitCalls[j]
			select {
			case <-c.done:
			case <-ctx.Done():
				select {
				case <-c.done:
				default:
					// Stop waiting for this call and the ones after it.
					g.mu.Lock()
					for _, c := range waitCalls[j:] {
						c.waiters--
					}
					g.mu.Unlock()
					// A key whose result ready has heard of keeps it.
					for _, i := range wait[j:] {
						b.tell(i, zero, ctx.Err())
					}
					return b.close()
				}
			}
			switch {
			case !c.abandoned:
				b.tell(i, c.val, c.err)
			case ctx.Err() != nil:
				b.tell(i, zero, ctx.Err())
			default:
				pending = append(pending, i)
			}
		}
	}
	return b.close()
}

// batch is the results of one RunEach, and the ready that hears of them.
type batch[V any] struct {
	mu     sync.Mutex
	ready  func(i int, v V, err error)
	vals   []V
	errs   []error
	told   []bool // the result of key i is in vals and errs
	closed bool
}

// tell records the result of key i and passes it to ready, unless the key
// has one already or RunEach has returned.
func (b *batch[V]) tell(i int, v V, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed || b.told[i] {
		return
	}
	b.told[i] = true
	b.vals[i], b.errs[i] = v, err
	if b.ready != nil {
		b.ready(i, v, err)
	}
}

// close ends the batch, after which tell does nothing, and returns its
// results.
func (b *batch[V]) close() ([]V, []error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return b.vals, b.errs
}

// enter joins the call in flight for key, or registers a new one that the
// caller is to run (first is true). When the caller joins a call and watch
// is not nil, the function watch returns runs when the call is settled.
func (g *Group[K, V]) enter(key K, watch func(*call[V]) func()) (c *call[V], first bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.calls[key]; ok {
		c.waiters++
		if watch != nil {
			c.hooks = append(c.hooks, watch(c))
		}
		return c, false
	}
	if g.calls == nil {
		g.calls = map[K]*call[V]{}
	}
	c = &call[V]{done: make(chan struct{}), waiters: 1}
	g.calls[key] = c
	return c, true
}

// settle gives the Run call c for key its result, unless it has one, hands
// it to the callers waiting, and runs their hooks. abandoned means the
// result is no answer, and the callers waiting run the call again. It
// reports whether c had no result before.
func (g *Group[K, V]) settle(key K, c *call[V], v V, err error, abandoned bool) bool {
	g.mu.Lock()
	if c.settled {
		g.mu.Unlock()
		return false
	}
	c.settled = true
	c.val, c.err, c.abandoned = v, err, abandoned
	if g.calls[key] == c {
		delete(g.calls, key)
	}
	hooks := c.hooks
	c.hooks = nil
	g.mu.Unlock()
	close(c.done)
	for _, h := range hooks {
		h()
	}
	return true
}

// lead runs fn for the keys at the indexes lead, whose calls the caller
// registered, records the results in b, and hands them to the callers
// waiting, each as soon as fn settles it, or tells those to start over
// where the caller gave up.
func (g *Group[K, V]) lead(ctx context.Context, keys []K, lead []int, calls []*call[V], b *batch[V], fn func(context.Context, []K, func(int, V, error)) ([]V, []error)) {
	finished := false
	var vs []V
	var es []error
	defer func() {
		for j, c := range calls {
			i := lead[j]
			if !finished {
				// A panic: that is no answer for the others.
				var zero V
				g.settle(keys[i], c, zero, nil, true)
				continue
			}
			// The caller's own context ended the call: that is no answer
			// for the others either.
			if g.settle(keys[i], c, vs[j], es[j], es[j] != nil && ctx.Err() != nil) {
				b.tell(i, vs[j], es[j])
			}
		}
	}()
	sub := make([]K, len(lead))
	for j, i := range lead {
		sub[j] = keys[i]
	}
	settle := func(j int, v V, err error) {
		i := lead[j]
		if g.settle(keys[i], calls[j], v, err, err != nil && ctx.Err() != nil) {
			b.tell(i, v, err)
		}
	}
	vs, es = fn(ctx, sub, settle)
	finished = true
}
