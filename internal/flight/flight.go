// Package flight runs one call per key at a time and shares its result with
// every caller that asks for the same key while it runs.
//
// Unlike golang.org/x/sync/singleflight, the shared call does not run on the
// first caller's context: it runs on a context of its own, which keeps the
// first caller's values but is cancelled only when the last caller still
// waiting for it gives up. A caller whose context ends stops waiting at once;
// the others keep theirs.
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
	if c.waiters == 0 {
		c.cancel()
		if g.calls[key] == c {
			delete(g.calls, key)
		}
	}
}
