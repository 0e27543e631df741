package resolver

import (
	"time"

	"github.com/miekg/dns"
)

// maxTTL caps how long an answer is cached; negTTL is used for negative
// answers without an SOA.
const (
	maxTTL = time.Hour
	negTTL = time.Minute
)

// cacheEntry is a cached response: msg as it arrived, at when it arrived,
// and the copy of it last served, whose TTLs are agedBy seconds less.
type cacheEntry struct {
	msg     *dns.Msg
	at      time.Time
	expires time.Time
	aged    *dns.Msg
	agedBy  uint32
}

// cached returns the cached response to k, with what is left of its TTLs.
// A response is never changed once cached: what has aged is a copy, which
// the hits of the same second share.
func (r *Resolver) cached(k Question) (*dns.Msg, bool) {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.cache[k]
	if !ok {
		return nil, false
	}
	if !now.Before(e.expires) {
		delete(r.cache, k)
		return nil, false
	}
	secs := ageSeconds(now.Sub(e.at))
	if secs == 0 {
		return e.msg, true
	}
	if e.aged == nil || e.agedBy != secs {
		e.aged, e.agedBy = age(e.msg, secs), secs
	}
	return e.aged, true
}

// store caches m, the response to k that arrived at, for as long as its
// TTLs allow.
func (r *Resolver) store(k Question, m *dns.Msg, at time.Time) {
	ttl := answerTTL(m)
	if ttl <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cache == nil {
		r.cache = map[Question]*cacheEntry{}
	}
	limit := r.MaxCache
	if limit <= 0 {
		limit = 10000
	}
	for victim := range r.cache {
		if len(r.cache) < limit {
			break
		}
		delete(r.cache, victim)
	}
	r.cache[k] = &cacheEntry{msg: m, at: at, expires: at.Add(ttl)}
}

// ageSeconds is d in whole seconds, the unit of TTLs.
func ageSeconds(d time.Duration) uint32 {
	if d < time.Second {
		return 0
	}
	return uint32(min(d/time.Second, 1<<31))
}

// aged returns m as it would be served d after it arrived: m itself within
// the first second, a copy with its TTLs counted down otherwise.
func aged(m *dns.Msg, d time.Duration) *dns.Msg {
	if m == nil {
		return nil
	}
	if secs := ageSeconds(d); secs > 0 {
		return age(m, secs)
	}
	return m
}

// age returns a copy of m whose TTLs are secs seconds less, but at least
// one second where they were not zero, as a cache serves them. The TTL of an
// SOA record, which sets the TTL of a negative answer, is first brought down
// to the SOA's minimum field (RFC 2308 §3), so that TTL(copy) counts down
// too. m itself is not changed.
func age(m *dns.Msg, secs uint32) *dns.Msg {
	c := m.Copy()
	for _, section := range [][]dns.RR{c.Answer, c.Ns, c.Extra} {
		for _, rr := range section {
			h := rr.Header()
			if h.Rrtype == dns.TypeOPT {
				// Its TTL field holds EDNS flags.
				continue
			}
			if soa, ok := rr.(*dns.SOA); ok {
				h.Ttl = min(h.Ttl, soa.Minttl)
			}
			switch {
			case h.Ttl > secs:
				h.Ttl -= secs
			case h.Ttl > 0:
				h.Ttl = 1
			}
		}
	}
	return c
}

// answerTTL is how long m may be cached: TTL(m), at most maxTTL, or negTTL
// for a response that says nothing of it.
func answerTTL(m *dns.Msg) time.Duration {
	ttl, ok := TTL(m)
	if !ok {
		return negTTL
	}
	return min(ttl, maxTTL)
}

// TTL returns how long the response m may be believed: the smallest TTL of
// its answer records, and when it has no record of the type asked for
// (NXDOMAIN, NODATA, or a CNAME chain that ends in nothing) its negative
// TTL too, the smaller of its SOA record's TTL and minimum field (RFC 2308
// §5). A response the Resolver serves from its cache, or hands over after
// it waited for others, carries what is left of its TTLs. ok is false when
// m says nothing of how long it holds: no answer record and no SOA.
func TTL(m *dns.Msg) (ttl time.Duration, ok bool) {
	var least uint32
	found := false
	negative := m.Rcode == dns.RcodeNameError
	if len(m.Question) == 1 {
		negative = negative || !hasType(m.Answer, m.Question[0].Qtype)
	}
	for _, rr := range m.Answer {
		if t := rr.Header().Ttl; !found || t < least {
			least, found = t, true
		}
	}
	if negative || !found {
		for _, rr := range m.Ns {
			if soa, ok := rr.(*dns.SOA); ok {
				if t := min(soa.Minttl, soa.Hdr.Ttl); !found || t < least {
					least, found = t, true
				}
			}
		}
	}
	if !found {
		return 0, false
	}
	return time.Duration(least) * time.Second, true
}

// hasType reports whether rrs hold a record of type qtype.
func hasType(rrs []dns.RR, qtype uint16) bool {
	for _, rr := range rrs {
		if rr.Header().Rrtype == qtype {
			return true
		}
	}
	return false
}
