package app

import (
	"container/list"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// clientLimits is a token bucket per client address, kept for the clients
// seen most recently: a bounded number of buckets, the least recently used
// dropped first, so that a flood of addresses costs a bounded amount of
// memory. A client whose bucket was dropped starts afresh, with a full
// burst. IPv6 clients are counted by their /64, which one host can fill
// with addresses of its own.
type clientLimits struct {
	every rate.Limit
	burst int
	max   int // buckets kept

	mu    sync.Mutex
	lru   *list.List // of *clientBucket, most recent first
	byKey map[netip.Addr]*list.Element
}

type clientBucket struct {
	key netip.Addr
	lim *rate.Limiter
}

// maxClients bounds the buckets a server keeps.
const maxClients = 10000

// newClientLimits allows each client perMinute requests a minute, in
// bursts of up to burst; nil, which allows everything, when perMinute is 0.
func newClientLimits(perMinute, burst, keep int) *clientLimits {
	if perMinute <= 0 {
		return nil
	}
	return &clientLimits{every: rate.Limit(float64(perMinute) / 60), burst: burst, max: keep,
		lru: list.New(), byKey: map[netip.Addr]*list.Element{}}
}

// allow takes a token of client's bucket. When there is none it returns
// false and how long until there is one.
func (l *clientLimits) allow(client netip.Addr, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	lim := l.bucket(client)
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Minute
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// limited reports, without taking a token, whether client's bucket is
// empty, and how long until it is not: a cheap test made before costly
// work (a bcrypt check) that a client past its limit must not cause.
func (l *clientLimits) limited(client netip.Addr, now time.Time) (bool, time.Duration) {
	if l == nil {
		return false, 0
	}
	tokens := l.bucket(client).TokensAt(now)
	if tokens >= 1 {
		return false, 0
	}
	return true, time.Duration((1 - tokens) / float64(l.every) * float64(time.Second))
}

// bucket returns client's bucket, made when there is none.
func (l *clientLimits) bucket(client netip.Addr) *rate.Limiter {
	key := client.Unmap().WithZone("")
	if key.Is6() {
		if p, err := key.Prefix(64); err == nil {
			key = p.Addr()
		}
	}
	l.mu.Lock()
	e, ok := l.byKey[key]
	if ok {
		l.lru.MoveToFront(e)
	} else {
		e = l.lru.PushFront(&clientBucket{key: key, lim: rate.NewLimiter(l.every, l.burst)})
		l.byKey[key] = e
		for l.lru.Len() > l.max {
			old := l.lru.Back()
			l.lru.Remove(old)
			delete(l.byKey, old.Value.(*clientBucket).key)
		}
	}
	lim := e.Value.(*clientBucket).lim
	l.mu.Unlock()
	return lim
}

// retryAfter is the Retry-After value for a wait of d: whole seconds,
// rounded up, at least 1.
func retryAfter(d time.Duration) string {
	s := int(math.Ceil(d.Seconds()))
	return strconv.Itoa(max(s, 1))
}

// clientAddr is the address of the client that sent r: the connection's
// peer, or, when the peer is one of the trusted proxies, the address the
// proxies name in X-Forwarded-For, read from the right: the first one that
// is not itself a trusted proxy. Anything left of it was written by the
// client and proves nothing.
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.IPv6Unspecified()
	}
	ip := ap.Addr().Unmap().WithZone("")
	if !inPrefixes(ip, trusted) {
		return ip
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h == "" {
			continue
		}
		a, err := netip.ParseAddr(h)
		if err != nil {
			// Some proxies write the client's port too.
			ap, perr := netip.ParseAddrPort(h)
			if perr != nil {
				// A hop that is no address: the proxies wrote
				// nothing usable past here.
				return ip
			}
			a = ap.Addr()
		}
		ip = a.Unmap().WithZone("")
		if !inPrefixes(ip, trusted) {
			return ip
		}
	}
	return ip
}

func inPrefixes(ip netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// parsePrefix reads a --trust-proxy value: a CIDR range, or one address.
func parsePrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}
