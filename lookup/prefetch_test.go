package lookup

import (
	"context"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
)

// The sources' first DNS questions go out together, on one socket, each
// once: the sources find the answers in the cache instead of each waiting
// for its own.
func TestSourcesAskTogether(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3s._tcp.together.example. 60 IN SRV 0 0 995 pop.together.example.")
	d.SetDelay(30 * time.Millisecond)
	f, err := New(Config{DNS: d.Addr, Protocols: []Protocol{POP3}, NoISPDB: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res := f.Find(context.Background(), "me@together.example")
	if !res.Found || res.Source != SourceSRV {
		t.Fatalf("found=%v source=%s: %v", res.Found, res.Source, res.Err)
	}
	for name, want := range map[string]int{
		"autoconfig.together.example":         2, // A, AAAA: autoconfig, autoconfig-http
		"together.example":                    3, // A, AAAA: well-known, Autodiscover; MX
		"autodiscover.together.example":       2,
		"_autodiscover._tcp.together.example": 1,
		"_pop3s._tcp.together.example":        1,
		"_pop3._tcp.together.example":         1,
	} {
		if got := d.QueriesFor(name); got != want {
			t.Errorf("%d queries for %s; want %d", got, name, want)
		}
	}
	if ports := d.ClientPorts(); len(ports) != 1 {
		t.Errorf("the queries came from %d sockets (%v); want one", len(ports), ports)
	}
}

// A source waits for its own questions only: a question that never gets an
// answer holds back the source that asked it, not the others.
func TestHeldSourceHoldsOnlyItself(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3s._tcp.held.example. 60 IN SRV 0 0 995 pop.held.example.")
	d.Hang("autoconfig.held.example")
	f, err := New(Config{DNS: d.Addr, Protocols: []Protocol{POP3}, NoISPDB: true, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	res := f.Find(context.Background(), "me@held.example")
	el := time.Since(start)
	if !res.Found || res.Source != SourceSRV {
		t.Fatalf("found=%v source=%s: %v", res.Found, res.Source, res.Err)
	}
	// autoconfig, of higher precedence, never got its address: the SRV
	// answer waits the grace period for it (1 s here), not the timeout.
	if res.Early() == 0 || el > 3*time.Second {
		t.Errorf("answered after %v, early=%v; want the grace period after the SRV answer", el, res.Early())
	}
	for _, a := range res.Attempts {
		if a.Source == SourceSRV && a.Duration > 500*time.Millisecond {
			t.Errorf("SRV answered after %v: it waited for another source's question", a.Duration)
		}
	}
}
