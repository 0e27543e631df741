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
// costs more than the rare repeat. A Group is used with one of them only.
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
	vals := make([]V, len(keys))
	errs := make([]error, len(keys))
	pending := make([]int, len(keys))
	for i := range keys {
		pending[i] = i
	}
	for len(pending) > 0 {
		var lead, wait []int
		var leadCalls, waitCalls []*call[V]
		for _, i := range pending {
			if c, first := g.enter(keys[i]); first {
				lead, leadCalls = append(lead, i), append(leadCalls, c)
			} else {
				wait, waitCalls = append(wait, i), append(waitCalls, c)
			}
		}
		if len(lead) > 0 {
			g.lead(ctx, keys, lead, leadCalls, vals, errs, fn)
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
					for _, i := range wait[j:] {
						errs[i] = ctx.Err()
					}
					return vals, errs
				}
			}
			switch {
			case !c.abandoned:
				vals[i], errs[i] = c.val, c.err
			case ctx.Err() != nil:
				errs[i] = ctx.Err()
			default:
				pending = append(pending, i)
			}
		}
	}
	return vals, errs
}

// enter joins the call in flight for key, or registers a new one that the
// caller is to run (first is true).
func (g *Group[K, V]) enter(key K) (c *call[V], first bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.calls[key]; ok {
		c.waiters++
		return c, false
	}
	if g.calls == nil {
		g.calls = map[K]*call[V]{}
	}
	c = &call[V]{done: make(chan struct{}), waiters: 1}
	g.calls[key] = c
	return c, true
}

// lead runs fn for the keys at the indexes lead, whose calls the caller
// registered, stores the results at those indexes, and hands them to the
// callers waiting, or tells those to start over where the caller gave up.
func (g *Group[K, V]) lead(ctx context.Context, keys []K, lead []int, calls []*call[V], vals []V, errs []error, fn func(context.Context, []K) ([]V, []error)) {
	finished := false
	defer func() {
		g.mu.Lock()
		for j, c := range calls {
			i := lead[j]
			if g.calls[keys[i]] == c {
				delete(g.calls, keys[i])
			}
			// A panic, or the caller's own context ended the call: that is
			// no answer for the others.
			c.abandoned = !finished || errs[i] != nil && ctx.Err() != nil
			c.val, c.err = vals[i], errs[i]
		}
		g.mu.Unlock()
		for _, c := range calls {
			close(c.done)
		}
	}()
	sub := make([]K, len(lead))
	for j, i := range lead {
		sub[j] = keys[i]
	}
	vs, es := fn(ctx, sub)
	for j, i := range lead {
		vals[i], errs[i] = vs[j], es[j]
	}
	finished = true
}
