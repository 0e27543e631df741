package lookup

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
)

// Defects an independent review found in a Finder kept for days, each
// reproduced here.

// An answer found while a part of its source failed (SERVFAIL on _pop3s
// beside _pop3's answer) is not kept: once the failure passes, the next
// lookup gets the better answer.
func TestPartialFailureNotKept(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3._tcp.pf.example. 300 IN SRV 0 1 110 pop.pf.example.",
		"_pop3s._tcp.pf.example. 300 IN SRV 0 1 995 pop.pf.example.")
	var down atomic.Bool
	down.Store(true)
	d.Tamper("_pop3s._tcp.pf.example", func(m *dns.Msg) {
		if down.Load() {
			m.Answer = nil
			m.Rcode = dns.RcodeServerFailure
		}
	})
	f, err := New(Config{DNS: d.Addr, Sources: []string{SourceSRV}, Protocols: []Protocol{POP3}, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if r := f.Find(context.Background(), "a@pf.example"); r.Server() == nil || r.Server().Port != 110 {
		t.Fatalf("during the SERVFAIL: %+v; want the _pop3 answer", r.Server())
	}
	down.Store(false)
	if r := f.Find(context.Background(), "b@pf.example"); r.Server() == nil || r.Server().SocketType != SSL {
		t.Errorf("after the SERVFAIL: %+v; the answer degraded by it was kept", r.Server())
	}
}

// A Result's errors are its own too.
func TestErrorsAreValues(t *testing.T) {
	t.Parallel()
	src := &countingSource{name: "srv"}
	m := &memo{engine: &engine{sources: entries(src), timeout: 5 * time.Second}}
	r1 := m.findIn(context.Background(), testnet.Addr(t, "a@nf.example"))
	var nf *NotFoundError
	if !errors.As(r1.Err, &nf) {
		t.Fatalf("err %T %v", r1.Err, r1.Err)
	}
	nf.Protocol, nf.Errs = SMTP, nil
	var miss *settings.Missing
	if errors.As(r1.Attempts[0].Err, &miss) {
		miss.Reason.Key = "changed"
	}
	r2 := m.findIn(context.Background(), testnet.Addr(t, "b@nf.example"))
	if src.calls.Load() != 1 {
		t.Fatalf("%d lookups; want the answer kept", src.calls.Load())
	}
	if r2.Err.Error() != "no POP3 server found" || len(r2.Err.(*NotFoundError).Errs) == 0 {
		t.Errorf("another caller's result changed: %v", r2.Err)
	}
	if errors.As(r2.Attempts[0].Err, &miss) && miss.Reason.Key == "changed" {
		t.Error("another caller's attempt changed")
	}
}

// boundSource answers each address apart, after a delay.
type boundSource struct {
	name  string
	delay time.Duration
}

func (s *boundSource) Name() string { return s.name }
func (s *boundSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &settings.Answer{OnlyFor: addr.String(), Servers: []settings.Server{{Protocol: POP3, Host: "pop.b.example", Port: 995, SocketType: SSL, Username: addr.String()}}}, nil
}

// A caller who joins another address's run, and then needs a run of its
// own, has one deadline in all: what is left of it, not a fresh one; and
// when it runs out, the message names the time the caller had.
func TestJoinThenOwnRunKeepsTheDeadline(t *testing.T) {
	t.Parallel()
	src := &boundSource{name: "autoconfig", delay: 700 * time.Millisecond}
	m := &memo{engine: &engine{sources: entries(src), timeout: time.Second}}
	go m.findIn(context.Background(), testnet.Addr(t, "alice@b.example"))
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	r := m.findIn(context.Background(), testnet.Addr(t, "bob@b.example"))
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Errorf("bob's lookup took %s with Timeout 1s", took)
	}
	var ie *InterruptedError
	if !errors.As(r.Err, &ie) || ie.Timeout != time.Second {
		t.Errorf("bob: %v; want time ran out after the 1s he had", r.Err)
	}
}

// A document the domain shares whose host name follows the local part is
// not judged by the first address looked up.
func TestFirstLocalPartDoesNotDecide(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	ca := testnet.NewCA(t)
	ip := testnet.IP()
	d.Host(t, ip, "lp.example")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="lp.example">
<domain>lp.example</domain>
<incomingServer type="pop3"><hostname>%EMAILLOCALPART%.pop.lp.example</hostname><port>995</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
</emailProvider></clientConfig>`)
	})
	srv := &http.Server{Handler: h, TLSConfig: &tls.Config{Certificates: []tls.Certificate{ca.Leaf(t, time.Now().Add(time.Hour), "lp.example")}}}
	go srv.ServeTLS(testnet.Listen(t, ip, 443), "", "")
	t.Cleanup(func() { srv.Close() })
	f, err := New(Config{DNS: d.Addr, RootCAs: ca.Pool(), Dial: testnet.Dial, Sources: []string{SourceAutoconfig}, Protocols: []Protocol{POP3}, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if r := f.Find(context.Background(), "a+b@lp.example"); r.Found {
		t.Errorf("a+b: found %+v; a+b.pop.lp.example is no host name", r.Server())
	}
	if r := f.Find(context.Background(), "bob@lp.example"); !r.Found || r.Server().Host != "bob.pop.lp.example" {
		t.Errorf("bob: found=%v %+v %v; want bob.pop.lp.example", r.Found, r.Server(), r.Err)
	}
}

// The commonest domain (no autoconfig host, POP3 by SRV): the kept answer
// never names the first address, not even in an attempt's error.
func TestFirstAddressNotInKeptAttempts(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3s._tcp.leak.example. 300 IN SRV 0 1 995 pop.leak.example.")
	f, err := New(Config{DNS: d.Addr, NoISPDB: true, Protocols: []Protocol{POP3, SMTP}, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Find(context.Background(), "alice.secret@leak.example")
	r := f.Find(context.Background(), "bob@leak.example")
	if !r.Found {
		t.Fatalf("bob: %v", r.Err)
	}
	for _, p := range r.All() {
		for _, a := range p.Attempts {
			if a.Err != nil && strings.Contains(a.Err.Error(), "alice") {
				t.Errorf("bob's %s attempt %s: %v", p.Protocol, a.Source, a.Err)
			}
			if a.Answer != nil && strings.Contains(a.Answer.SourceURL, "alice") {
				t.Errorf("bob's %s attempt %s: %v", p.Protocol, a.Source, a.Answer.SourceURL)
			}
		}
	}
}

// A Finder that New did not make says so; it does not panic.
func TestZeroFinder(t *testing.T) {
	t.Parallel()
	var f Finder
	r := f.Find(context.Background(), "a@example.com")
	if r.Err == nil || r.Get(SMTP) == nil {
		t.Errorf("zero Finder: %+v", r)
	}
	f.Forget("example.com")
	f.Close()
}
