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

func (r *Resolver) cached(k Question) (*dns.Msg, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.cache[k]
	if !ok {
		return nil, false
	}
	if time.Now().After(e.expires) {
		delete(r.cache, k)
		return nil, false
	}
	return e.msg, true
}

func (r *Resolver) store(k Question, m *dns.Msg) {
	ttl := answerTTL(m)
	if ttl <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cache == nil {
		r.cache = map[Question]cacheEntry{}
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
	r.cache[k] = cacheEntry{msg: m, expires: time.Now().Add(ttl)}
}

// answerTTL is how long m may be cached: the smallest TTL of its answer
// records, or for a negative answer the SOA's negative TTL (RFC 2308).
func answerTTL(m *dns.Msg) time.Duration {
	least := uint32(0)
	first := true
	for _, rr := range m.Answer {
		if t := rr.Header().Ttl; first || t < least {
			least, first = t, false
		}
	}
	if first {
		for _, rr := range m.Ns {
			if soa, ok := rr.(*dns.SOA); ok {
				least = min(soa.Minttl, soa.Hdr.Ttl)
				first = false
			}
		}
	}
	if first {
		return negTTL
	}
	return min(time.Duration(least)*time.Second, maxTTL)
}
