package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
)

// dialLog is the tests' dial hook under the guard: it records every
// address that reached it, then dials as testnet.Dial does.
type dialLog struct {
	mu    sync.Mutex
	addrs []string
}

func (d *dialLog) dial(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	d.addrs = append(d.addrs, address)
	d.mu.Unlock()
	return testnet.Dial(ctx, network, address)
}

// reached reports whether a connection to ip got past the guard.
func (d *dialLog) reached(ip string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.ContainsFunc(d.addrs, func(a string) bool {
		ap, err := netip.ParseAddrPort(a)
		want, _ := netip.ParseAddr(ip)
		return err == nil && ap.Addr().Unmap() == want.Unmap()
	})
}

// guarded returns a server over w with the address rule on, as by default,
// letting through only the test servers at allow: they are on loopback
// like everything a test may reach, so the rule is exercised, not lifted.
func guarded(t *testing.T, w *world, d *dialLog, set func(o *options), allow ...string) *testServe {
	t.Helper()
	return newTestServe(t, w, func(o *options, cfg *serveConfig) {
		cfg.allowPrivate = false
		cfg.dial = d.dial
		for _, a := range allow {
			p, _ := parsePrefix(a)
			cfg.allow = append(cfg.allow, p)
		}
		if set != nil {
			set(o)
		}
	})
}

// specialAddresses are an address of each class popfind serve never
// connects to by default.
var specialAddresses = []struct{ class, ip string }{
	{"loopback", "127.0.0.1"},
	{"loopback, elsewhere in 127/8", "127.200.1.1"},
	{"loopback v6", "::1"},
	{"IPv4-mapped loopback", "::ffff:127.0.0.1"},
	{"private 10/8", "10.1.2.3"},
	{"private 172.16/12", "172.20.0.1"},
	{"private 192.168/16", "192.168.1.1"},
	{"unique local v6", "fd12:3456::1"},
	{"link-local (cloud metadata)", "169.254.169.254"},
	{"link-local v6", "fe80::1"},
	{"shared, CGNAT", "100.64.0.1"},
	{"multicast", "224.0.0.251"},
	{"multicast v6", "ff02::1"},
	{"unspecified", "0.0.0.0"},
	{"unspecified v6", "::"},
	{"this network", "0.1.2.3"},
	{"documentation", "192.0.2.10"},
	{"documentation v6", "2001:db8::1"},
	{"benchmarking", "198.18.0.1"},
	{"reserved", "240.0.0.1"},
	{"broadcast", "255.255.255.255"},
	{"NAT64 of loopback", "64:ff9b::7f00:1"},
}

// TestServeRefusesSpecialAddresses: a check of a host whose name resolves
// to an address of each special class, and of the address itself, is
// refused for safety at the dial, before the tests' dial hook; the report
// says so. A test server the rule lets through passes, so the rule is not
// refusing everything.
func TestServeRefusesSpecialAddresses(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ip := testnet.IP()
	cert := w.ca.Leaf(t, time.Now().Add(90*24*time.Hour), "pop.allowed.example")
	(&testnet.POP3{Cert: &cert, TLS: true}).Listen(t, ip, 995)
	w.dns.Host(t, ip, "pop.allowed.example")
	var d dialLog
	srv := guarded(t, w, &d, nil, ip)

	resp, body := srv.get(t, "/api/v1/verify?host=pop.allowed.example&port=995")
	if v := decode[verifyJSON](t, body); resp.StatusCode != 200 || !v.OK {
		t.Fatalf("the allowed test server: %d %s", resp.StatusCode, body)
	}
	_, verify := schemas()
	for i, c := range specialAddresses {
		name := fmt.Sprintf("c%d.ssrf.example", i)
		rr := "A"
		if strings.Contains(c.ip, ":") {
			rr = "AAAA"
		}
		w.dns.Add(t, fmt.Sprintf("%s. 60 IN %s %s", name, rr, c.ip))
		for _, host := range []string{name, c.ip} {
			t.Run(c.class+"/"+host, func(t *testing.T) {
				resp, body := srv.get(t, "/api/v1/verify?host="+host+"&port=995")
				if resp.StatusCode != 200 {
					t.Fatalf("status %d: %s", resp.StatusCode, body)
				}
				validate(t, verify, body)
				v := decode[verifyJSON](t, body)
				if v.OK || v.Kind != string(kindRefusedForSafety) || !strings.Contains(v.Error, "refused for safety") || !strings.Contains(v.Hint, "--allow-private") {
					t.Errorf("report %s", body)
				}
				if d.reached(c.ip) {
					t.Errorf("a connection to %s got past the guard", c.ip)
				}
			})
		}
	}
}

// TestServeRefusesInLookups: the rule holds for every connection of a
// lookup: an autoconfig host on a private address, a redirect from an
// allowed autoconfig server to a name that resolves to loopback, and a
// guessed host on loopback. Each source's attempt says it was refused for
// safety, never that nothing was found there.
func TestServeRefusesInLookups(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var d dialLog

	// An autoconfig host on a private network.
	w.dns.Host(t, "10.20.30.40", "autoconfig.private.example")

	// An allowed autoconfig server that redirects to an intranet host.
	front := testnet.IP()
	var redirected atomic.Int32
	w.ca.ServeHTTPS(t, front, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		redirected.Add(1)
		http.Redirect(rw, r, "https://intranet.example/mail/config-v1.1.xml", http.StatusFound)
	}), "autoconfig.redirect.example")
	w.dns.Host(t, front, "autoconfig.redirect.example")
	inner := testnet.IP()
	var reachedInner atomic.Int32
	w.ca.ServeHTTPS(t, inner, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		reachedInner.Add(1)
	}), "intranet.example")
	w.dns.Host(t, inner, "intranet.example")

	// A guessed POP3 host on loopback, with a real server there.
	guessIP := testnet.IP()
	pop := &testnet.POP3{}
	pop.Listen(t, guessIP, 110)
	w.dns.Host(t, guessIP, "pop.guess.example", "pop3.guess.example", "mail.guess.example")

	srv := guarded(t, w, &d, func(o *options) {
		o.protocols = []lookup.Protocol{lookup.POP3}
		o.timeout = 5 * time.Second
	}, front)

	for _, tt := range []struct {
		address, source string
	}{
		{"someone@private.example", "autoconfig"},
		{"someone@redirect.example", "autoconfig"},
		{"someone@guess.example", "guess"},
	} {
		t.Run(tt.address, func(t *testing.T) {
			_, body := srv.get(t, lookupPath(tt.address, "protocol", "pop3"))
			res := decode[jsonResult](t, body)
			if res.Found {
				t.Fatalf("found: %s", body)
			}
			i := slices.IndexFunc(res.Attempts, func(a jsonAttempt) bool { return a.Source == tt.source })
			if i < 0 {
				t.Fatalf("no %s attempt: %s", tt.source, body)
			}
			at := res.Attempts[i]
			if at.Outcome != string(lookup.OutcomeError) || !strings.Contains(at.Error, "refused for safety") {
				t.Errorf("%s attempt: %+v", tt.source, at)
			}
		})
	}
	if redirected.Load() == 0 {
		t.Error("the allowed autoconfig server was never asked")
	}
	if reachedInner.Load() != 0 || d.reached(inner) {
		t.Error("the redirect reached the intranet host")
	}
	if d.reached("10.20.30.40") || d.reached(guessIP) || len(pop.Received()) > 0 {
		t.Error("a refused connection got past the guard")
	}
}

// TestGuardControlHook: without a dial of the caller's own, the rule runs
// in net.Dialer's Control hook, on the address actually dialled: a
// loopback listener gets no connection, and an allowed one does.
func TestGuardControlHook(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan struct{}, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			c.Close()
		}
	}()
	ctx := context.Background()
	_, err = guardDial(nil, newGuardian(nil))(ctx, "tcp", l.Addr().String())
	var refused *refusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "refused for safety") || !refusedForSafety(err) {
		t.Fatalf("dial: %v", err)
	}
	p, _ := parsePrefix("127.0.0.1")
	c, err := guardDial(nil, newGuardian([]netip.Prefix{p}))(ctx, "tcp", l.Addr().String())
	if err != nil {
		t.Fatalf("allowed dial: %v", err)
	}
	c.Close()
	select {
	case <-accepted:
	case <-time.After(5 * time.Second):
		t.Fatal("the allowed dial did not connect")
	}
	select {
	case <-accepted:
		t.Error("the refused dial connected")
	case <-time.After(50 * time.Millisecond):
	}
}

// TestRefusedErrorText: a refusal names the address and the rule, and
// says how to lift it; a page says it in the reader's language.
func TestRefusedErrorText(t *testing.T) {
	t.Parallel()
	err := newGuardian(nil).Safe("tcp", "10.0.0.1:443", nil)
	e := &refusedError{Addr: "10.0.0.1:443", Err: err}
	want := `refused for safety: "10.0.0.1:443" is not a public address (denied by: 10.0.0.0/8); popfind serve connects only to public addresses unless started with --allow-private`
	if e.Error() != want {
		t.Errorf("got  %s\nwant %s", e.Error(), want)
	}
	wrapped := fmt.Errorf("no probe could reach them: %s", e.Error())
	if !refusedForSafety(wrapped) || refusedForSafety(errors.New("connection refused")) || refusedForSafety(nil) {
		t.Error("refusedForSafety")
	}
	if got := attemptReason(wrapped, "zh"); !strings.HasPrefix(got, "出于安全考虑已拒绝") {
		t.Errorf("Chinese: %s", got)
	}
}
