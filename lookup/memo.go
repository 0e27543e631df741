package lookup

import (
	"container/list"
	"context"
	"sync"

	"golang.org/x/sync/singleflight"
)

// Memo looks each domain up once per run: concurrent lookups of one domain
// share a single Find, and finished results are kept in a bounded LRU cache.
// Addresses of one domain then differ only where placeholders use the local
// part, which Result.For fills.
type Memo struct {
	Finder *Finder
	// Size bounds the number of domains kept; zero means 4096.
	Size int

	group singleflight.Group
	mu    sync.Mutex
	lru   *list.List // of *memoEntry, most recent first
	byKey map[string]*list.Element
}

type memoEntry struct {
	domain string
	res    *Result
}

// Find returns the result for addr, from the cache when its domain has been
// looked up already.
func (m *Memo) Find(ctx context.Context, addr Address) *Result {
	if r, ok := m.get(addr.Domain); ok {
		return r.For(addr)
	}
	v, _, _ := m.group.Do(addr.Domain, func() (any, error) {
		if r, ok := m.get(addr.Domain); ok {
			return r, nil
		}
		r := m.Finder.Find(ctx, addr)
		// A lookup cut short by the caller (not by its own deadline) is not
		// an answer for the domain; don't keep it.
		if ctx.Err() == nil {
			m.put(addr.Domain, r)
		}
		return r, nil
	})
	return v.(*Result).For(addr)
}

func (m *Memo) get(domain string) (*Result, bool) {
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

func (m *Memo) put(domain string, r *Result) {
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
	size := m.Size
	if size <= 0 {
		size = 4096
	}
	for m.lru.Len() > size {
		old := m.lru.Back()
		m.lru.Remove(old)
		delete(m.byKey, old.Value.(*memoEntry).domain)
	}
}
