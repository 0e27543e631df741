package lookup

import (
	"container/list"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/popfind/popfind/lookup/settings"
)

// Bounds of a Finder's cache.
const (
	// maxKeep is the longest a verdict is kept: HTTP documents and the
	// built-in table can change, and are read again after it.
	maxKeep = 10 * time.Minute
	// defaultCacheSize bounds the entries of a Config without CacheSize.
	defaultCacheSize = 4096
	// cacheBytes bounds the memory the entries hold, as approxSize counts
	// it.
	cacheBytes = 32 << 20
)

// memo looks each domain up once per Finder at a time, and keeps what it
// found for a while.
//
// Sharing: concurrent lookups of one domain share a single engine run, and
// its verdict is kept in a bounded LRU cache, placeholders and all, so that
// each address gets it filled in for itself. But a verdict that rests on a
// request that carried an address (an autoconfig URL with ?emailaddress=,
// an Autodiscover login name) is never given to another address: that
// address is looked up on its own, and the verdict is kept for its address
// alone. A domain that answered so is remembered, so that its next
// addresses go straight to lookups of their own.
//
// Keeping: a verdict is kept no longer than the smallest TTL of the DNS
// records it rests on, and never longer than maxKeep. A lookup that was
// interrupted, that stopped sources early, or in which a source whose answer
// could have mattered failed, is not kept at all: the next lookup tries
// again.
//
// Deadlines: each caller waits until its own context ends, and then gets
// what the shared run had found by then. The run itself goes on while any
// caller waits, until the latest of their deadlines; when the last caller
// gives up, it is cancelled.
type memo struct {
	engine *engine
	// size bounds the number of entries; zero means defaultCacheSize.
	size int

	mu      sync.Mutex
	lru     *list.List // of *memoEntry, most recent first
	byKey   map[string]*list.Element
	bytes   int // approxSize of every entry
	flights map[string]*flight
	// gens counts calls of forget per domain: a run that began before one
	// is not kept.
	gens map[string]int
}

type memoEntry struct {
	key     string
	v       *verdict // nil for a domain that answers each address apart
	expires time.Time
	size    int
}

// flight is one engine run that callers share.
type flight struct {
	done     chan struct{}
	v        *verdict
	prog     progress
	waiters  int
	deadline time.Time // zero: none
	timer    *time.Timer
	cancel   context.CancelCauseFunc
	ctx      context.Context // the run's
	// until is deadline as Unix nanoseconds, zero for none, for the run's
	// context to read without the memo's lock.
	until atomic.Int64
}

// flightContext is a shared run's context. It ends when the last caller
// gives up, or at the latest of its callers' deadlines, which a caller who
// joins later can push back; Deadline reports that one, so that every step
// of the run (a DNS query, a connection) sees the time the run really has.
type flightContext struct {
	context.Context
	fl *flight
}

func (c flightContext) Deadline() (time.Time, bool) {
	if n := c.fl.until.Load(); n != 0 {
		return time.Unix(0, n), true
	}
	return time.Time{}, false
}

// setDeadline sets the run's deadline. m.mu is held.
func (fl *flight) setDeadline(d time.Time) {
	fl.deadline = d
	if d.IsZero() {
		fl.until.Store(0)
	} else {
		fl.until.Store(d.UnixNano())
	}
}

// addressKey is the cache key of a verdict for addr alone.
func addressKey(addr Address) string { return addr.Domain + "\x00" + addr.String() }

// find returns the result for addr, from the cache when it can.
func (m *memo) find(ctx context.Context, addr Address) *Result {
	// The caller's deadline, worked out once: a run of its own after a
	// shared one has what is left of it, not a fresh Timeout.
	if d, ok := ctx.Deadline(); ok {
		ctx = context.WithValue(ctx, budgetKey{}, time.Until(d))
	} else if m.engine.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, m.engine.timeout)
		defer cancel()
		ctx = context.WithValue(ctx, budgetKey{}, m.engine.timeout)
	}
	akey := addressKey(addr)
	if v, ok := m.get(akey); ok && v != nil {
		return v.result(addr)
	}
	if settings.Address(addr).DomainOnly() {
		// A domain alone is asked of fewer sources (none that needs a real
		// address), so what it finds is never the domain's answer for its
		// addresses: it is kept for itself.
		return m.share(ctx, akey, addr).result(addr)
	}
	v, kept := m.get(addr.Domain)
	switch {
	case kept && v == nil:
		// The domain answers each address apart.
		return m.share(ctx, akey, addr).result(addr)
	case kept:
		return v.result(addr)
	}
	v = m.share(ctx, addr.Domain, addr)
	if b := v.boundTo(); b != "" && b != addr.String() {
		// The shared run was made for another address of the domain, and
		// its answer is that address's alone.
		v = m.share(ctx, akey, addr)
	}
	return v.result(addr)
}

// share runs the engine for addr under key, or joins the run already under
// way, and returns its verdict, or what it had when ctx ended.
func (m *memo) share(ctx context.Context, key string, addr Address) *verdict {
	deadline, _ := ctx.Deadline()
	budget := time.Duration(0)
	if !deadline.IsZero() {
		budget = time.Until(deadline)
		if d, ok := ctx.Value(budgetKey{}).(time.Duration); ok {
			budget = d
		}
	}
	m.mu.Lock()
	if m.flights == nil {
		m.flights = map[string]*flight{}
	}
	fl := m.flights[key]
	if fl == nil || fl.ctx.Err() != nil {
		// None under way, or one whose time is up and which is only
		// finishing: a run of its own.
		fl = &flight{done: make(chan struct{})}
		fl.setDeadline(deadline)
		var fctx context.Context
		fctx, fl.cancel = context.WithCancelCause(context.WithoutCancel(ctx))
		fl.ctx = flightContext{fctx, fl}
		if !deadline.IsZero() {
			fl.timer = time.AfterFunc(time.Until(deadline), func() { fl.cancel(context.DeadlineExceeded) })
		}
		m.flights[key] = fl
		go m.fly(fl.ctx, key, addr, fl, m.gens[addr.Domain], budget)
	} else {
		// A caller with more time keeps the run going for longer; one
		// without a deadline, for as long as it waits.
		switch {
		case fl.deadline.IsZero():
		case deadline.IsZero():
			fl.setDeadline(deadline)
			fl.timer.Stop()
		case deadline.After(fl.deadline):
			fl.setDeadline(deadline)
			fl.timer.Reset(time.Until(deadline))
		}
	}
	fl.waiters++
	m.mu.Unlock()

	select {
	case <-fl.done:
		return fl.v
	case <-ctx.Done():
	}
	m.mu.Lock()
	fl.waiters--
	last := fl.waiters == 0
	m.mu.Unlock()
	why := cause(ctx)
	if last {
		fl.cancel(why)
	}
	return m.engine.snapshot(&fl.prog, addr, why, budget)
}

// fly runs the engine for a flight, and keeps its verdict when it may.
func (m *memo) fly(ctx context.Context, key string, addr Address, fl *flight, gen int, budget time.Duration) {
	v := m.engine.search(ctx, addr, &fl.prog, budget)
	if fl.timer != nil {
		fl.timer.Stop()
	}
	fl.cancel(nil)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.flights[key] == fl {
		delete(m.flights, key)
	}
	fl.v = v
	close(fl.done)
	if gen != m.gens[addr.Domain] {
		// Forgotten while it ran.
		return
	}
	ttl, ok := v.keep()
	if !ok {
		return
	}
	expires := v.at.Add(ttl)
	b := v.boundTo()
	switch {
	case b == "":
		m.put(key, v, expires)
	case key == addr.Domain && b == addr.String():
		// Kept for its address alone, and the domain marked as one that
		// answers each address apart.
		m.put(addressKey(addr), v, expires)
		m.put(key, nil, expires)
	case key == addressKey(addr):
		m.put(key, v, expires)
	}
}

// get returns the verdict kept under key, and whether there is one (a nil
// verdict marks a domain that answers each address apart).
func (m *memo) get(key string) (*verdict, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.byKey[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*memoEntry)
	if !time.Now().Before(e.expires) {
		m.remove(el)
		return nil, false
	}
	m.lru.MoveToFront(el)
	return e.v, true
}

// put keeps v under key until expires, and evicts the least recently used
// entries beyond the bounds. m.mu is held.
func (m *memo) put(key string, v *verdict, expires time.Time) {
	if m.byKey == nil {
		m.byKey = map[string]*list.Element{}
		m.lru = list.New()
	}
	if el, ok := m.byKey[key]; ok {
		m.remove(el)
	}
	e := &memoEntry{key: key, v: v, expires: expires, size: len(key) + 64 + v.approxSize()}
	m.byKey[key] = m.lru.PushFront(e)
	m.bytes += e.size
	size := m.size
	if size <= 0 {
		size = defaultCacheSize
	}
	for m.lru.Len() > size || m.bytes > cacheBytes && m.lru.Len() > 1 {
		m.remove(m.lru.Back())
	}
}

// remove drops one entry. m.mu is held.
func (m *memo) remove(el *list.Element) {
	e := el.Value.(*memoEntry)
	m.lru.Remove(el)
	delete(m.byKey, e.key)
	m.bytes -= e.size
}

// forget drops everything kept for domain, an A-label domain in lower case,
// and keeps nothing from runs under way.
func (m *memo) forget(domain string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gens == nil {
		m.gens = map[string]int{}
	}
	m.gens[domain]++
	// Runs under way are not joined any more: the next caller starts anew.
	for k := range m.flights {
		if k == domain || strings.HasPrefix(k, domain+"\x00") {
			delete(m.flights, k)
		}
	}
	if m.lru == nil {
		return
	}
	for el := m.lru.Front(); el != nil; {
		next := el.Next()
		if k := el.Value.(*memoEntry).key; k == domain || strings.HasPrefix(k, domain+"\x00") {
			m.remove(el)
		}
		el = next
	}
}

// len returns the number of entries kept, and their approxSize.
func (m *memo) len() (entries, bytes int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lru == nil {
		return 0, 0
	}
	return m.lru.Len(), m.bytes
}

// keep says whether v may be kept, and for how long: not when the lookup
// was interrupted or stopped a source early, or when a source it waited for
// failed; otherwise no longer than the smallest TTL it rests on, and never
// longer than maxKeep.
func (v *verdict) keep() (time.Duration, bool) {
	if v.expired != nil {
		return 0, false
	}
	ttl := maxKeep
	for _, f := range v.findings {
		if f.early > 0 {
			return 0, false
		}
		// The attempts that could have changed the answer: those before
		// the chosen one, and it.
		n := len(f.attempts)
		if f.chosen >= 0 {
			n = f.chosen + 1
		}
		for _, a := range f.attempts[:n] {
			switch {
			case a.outcome == OutcomeError, a.outcome == OutcomeStoppedEarly:
				return 0, false
			case a.outcome == OutcomeFound && a.err != nil:
				// Found while a part of the source failed (a SERVFAIL
				// on _pop3s beside _pop3's answer): the answer may be
				// the lesser one.
				return 0, false
			}
			if a.answer != nil && a.answer.TTL > 0 {
				ttl = min(ttl, a.answer.TTL)
			}
			var miss *settings.Missing
			if errors.As(a.err, &miss) && miss.TTL > 0 {
				ttl = min(ttl, miss.TTL)
			}
		}
	}
	return ttl, true
}

// boundTo returns the address v was made for alone, when a source answered
// a request that carried it; otherwise "".
func (v *verdict) boundTo() string {
	for _, f := range v.findings {
		for i := range f.attempts {
			if b := f.attempts[i].boundTo(); b != "" {
				return b
			}
		}
	}
	return ""
}

// boundTo returns the address a source learned a's answer or error for
// alone, or "".
func (a *attempt) boundTo() string {
	if a == nil {
		return ""
	}
	if a.answer != nil && a.answer.OnlyFor != "" {
		return a.answer.OnlyFor
	}
	var b *settings.AddressBoundError
	if errors.As(a.err, &b) {
		return b.Address
	}
	return ""
}

// approxSize is roughly how many bytes v holds, for bounding the cache.
func (v *verdict) approxSize() int {
	if v == nil {
		return 0
	}
	n := 64
	for _, f := range v.findings {
		n += 128 + 64*len(f.warnings)
		for _, a := range f.attempts {
			n += 96
			if a.err != nil {
				n += 64 + len(a.err.Error())
			}
			if ans := a.answer; ans != nil {
				n += 160 + len(ans.SourceURL) + 64*(len(ans.Notes)+len(ans.Warnings))
				for _, d := range ans.Docs {
					n += 16 + len(d)
				}
				for _, s := range ans.Servers {
					n += 128 + len(s.Host) + len(s.Username) + 24*len(s.Auth)
				}
			}
		}
	}
	return n
}

// budgetKey marks, in a context, the time its caller had in all, for
// saying so when it runs out.
type budgetKey struct{}
