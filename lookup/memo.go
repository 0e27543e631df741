package lookup

import (
	"container/list"
	"context"
	"sync"

	"github.com/popfind/popfind/internal/flight"
)

// memo looks each domain up once per Finder: concurrent lookups of one domain
// share a single Find, and finished results are kept in a bounded LRU cache.
// What is cached is what the domain said, placeholders and all; Result.For
// fills them for each address. An answer that a source gave for one address
// only (an Autodiscover login name that is neither the address nor its local
// part) is never served to another: that address is looked up afresh.
//
// The shared Find runs on a context that ends when the last caller waiting
// for it gives up, not the first, so one address's cancelled context never
// spoils the answer for another address of the same domain.
type memo struct {
	engine *engine
	// size bounds the number of domains kept; zero means 4096.
	size int

	flights flight.Group[string, *Result]
	mu      sync.Mutex
	lru     *list.List // of *memoEntry, most recent first
	byKey   map[string]*list.Element
}

type memoEntry struct {
	domain string
	res    *Result
}

// find returns the result for addr, from the cache when its domain has been
// looked up already. When ctx ends first, the result says so.
func (m *memo) find(ctx context.Context, addr Address) *Result {
	if r, ok := m.get(addr.Domain); ok && r.servesAddress(addr) {
		return r.For(addr)
	}
	r, err := m.flights.Do(ctx, addr.Domain, func(fctx context.Context) (*Result, error) {
		if r, ok := m.get(addr.Domain); ok && r.servesAddress(addr) {
			return r, nil
		}
		r := m.engine.find(fctx, addr)
		// A lookup that every caller gave up on is not an answer for the
		// domain; don't keep it.
		if fctx.Err() == nil {
			m.put(addr.Domain, r)
		}
		return r, nil
	})
	if err != nil {
		return m.engine.interrupted(addr, err)
	}
	if !r.servesAddress(addr) {
		// Another address of the domain got an answer meant for it alone.
		r, err = m.flights.Do(ctx, "\x00"+addr.String(), func(fctx context.Context) (*Result, error) {
			return m.engine.find(fctx, addr), nil
		})
		if err != nil {
			return m.engine.interrupted(addr, err)
		}
	}
	return r.For(addr)
}

// interrupted is the result of a lookup whose caller's context ended before
// the shared lookup did.
func (e *engine) interrupted(addr Address, err error) *Result {
	var all []*Result
	for _, p := range e.protos() {
		all = append(all, &Result{Address: addr, Protocol: p, Err: &InterruptedError{Protocol: p, Cause: err}})
	}
	all[0].Others = all[1:]
	return all[0]
}

func (m *memo) get(domain string) (*Result, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byKey == nil {
		return nil, false
	}
	el, ok := m.byKey[domain]
	if !ok {
		return nil, false
	}
	m.lru.MoveToFront(el)
	return el.Value.(*memoEntry).res, true
}

func (m *memo) put(domain string, r *Result) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byKey == nil {
		m.byKey = map[string]*list.Element{}
		m.lru = list.New()
	}
	if el, ok := m.byKey[domain]; ok {
		el.Value.(*memoEntry).res = r
		m.lru.MoveToFront(el)
		return
	}
	m.byKey[domain] = m.lru.PushFront(&memoEntry{domain, r})
	size := m.size
	if size <= 0 {
		size = 4096
	}
	for m.lru.Len() > size {
		old := m.lru.Back()
		m.lru.Remove(old)
		delete(m.byKey, old.Value.(*memoEntry).domain)
	}
}
