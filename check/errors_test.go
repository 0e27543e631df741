package check_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/popfind/popfind/check"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

func TestInvalidDomain(t *testing.T) {
	t.Parallel()
	// A DNS server that would never answer: none of these may ask it.
	c, err := check.New(lookup.Config{DNS: "127.0.0.1:1", Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, d := range []string{"", "localhost", "not a domain", "exa mple.com", "[127.0.0.1]", "a..b"} {
		r, err := c.Check(context.Background(), d)
		if !errors.Is(err, settings.ErrInvalidAddress) || r != nil {
			t.Errorf("Check(%q) = %v, %v; want an error matching ErrInvalidAddress", d, r, err)
		}
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	for _, cfg := range []lookup.Config{
		{DNS: "not-an-ip"},
		{Timeout: -time.Second},
		{ISPDB: "ftp://example.com/"},
		{Protocols: []settings.Protocol{"nntp"}},
		{Protocols: []settings.Protocol{}},
		{Sources: []string{"nope"}},
	} {
		if _, err := check.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

// deadDNS returns the address of a DNS server that does not answer: a UDP
// socket nobody reads.
func deadDNS(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc.LocalAddr().String()
}

// With DNS down, nothing could be looked at: Report.Err, no findings.
func TestDNSDown(t *testing.T) {
	t.Parallel()
	for name, addr := range map[string]string{"silent": deadDNS(t), "refused": "127.0.0.1:1"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := check.New(lookup.Config{DNS: addr, Timeout: 2 * time.Second, Dial: testnet.Dial})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			start := time.Now()
			r, err := c.Check(context.Background(), "example.com")
			if err != nil {
				t.Fatal(err)
			}
			var ue *check.UnreachableError
			if !errors.As(r.Err, &ue) || len(r.Findings) != 0 {
				t.Errorf("err %v, findings %+v; want an UnreachableError and no findings", r.Err, r.Findings)
			}
			// The sources' own timeouts are the DNS server's: the
			// caller's time did not run out.
			if r.TimedOut {
				t.Error("TimedOut set: the caller's context did not end")
			}
			if d := time.Since(start); d > 8*time.Second {
				t.Errorf("took %s", d)
			}
			if len(r.Sources) == 0 {
				t.Error("no sources reported")
			}
		})
	}
}

// A cancelled check returns promptly, with the cancellation as Err.
func TestCancel(t *testing.T) {
	t.Parallel()
	c, err := check.New(lookup.Config{DNS: deadDNS(t), Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	r, err := c.Check(ctx, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("returned %s after the cancellation", d)
	}
	if !errors.Is(r.Err, context.Canceled) || len(r.Findings) != 0 || !r.TimedOut {
		t.Errorf("err %v, timed out %v, findings %d", r.Err, r.TimedOut, len(r.Findings))
	}
}

// The probing phase, too, ends with ctx: a server that never greets does
// not hold the check.
func TestCancelWhileProbing(t *testing.T) {
	t.Parallel()
	dns := testnet.NewDNS(t)
	ip := testnet.IP()
	dns.Host(t, ip, "mail.slow.test")
	dns.Add(t, "_pop3s._tcp.slow.test. 60 IN SRV 0 1 995 mail.slow.test.")
	(&testnet.POP3{Silent: true}).Listen(t, ip, 995)
	c, err := check.New(lookup.Config{DNS: dns.Addr, Timeout: time.Minute, Dial: testnet.Dial, NoISPDB: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	r, err := c.Check(ctx, "slow.test")
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	if r.Err == nil || !r.TimedOut {
		t.Errorf("err %v, timed out %v; findings %+v", r.Err, r.TimedOut, r.Findings)
	}
}
