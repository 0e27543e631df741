package check_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/check"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/checkworld"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
)

// Review: the world again, for the review's cases.
func TestReviewWorld(t *testing.T) {
	t.Parallel()
	w := checkworld.New(t)
	c := checker(t, w)

	// A domain that does not exist (a typo, say) gets two warnings and an
	// info, exit 0: "autoconfig missing", "no submission", "autodiscover
	// host missing". Nothing tells the admin the domain itself has no
	// records at all; the report reads as a healthy-but-incomplete domain.
	t.Run("nonexistent domain", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		r, err := c.Check(ctx, "no-such-domain.test")
		if err != nil {
			t.Fatal(err)
		}
		if r.Err == nil && r.Count(check.Fail) == 0 {
			t.Errorf("a domain that does not exist passes (exit 0) with:%s", describe(r))
		}
	})

	// A domain whose own DNS is broken (every name of it SERVFAILs: a lame
	// delegation, a broken DNSSEC signature) while the resolver and the
	// ISP database work: clients can find nothing, yet the report is two
	// warnings and exit 0 ("nothing is published"), and the same domain
	// with --no-ispdb gets Report.Err instead (exit 4): the outcome hangs
	// on whether an unrelated source answered.
	t.Run("domain DNS broken", func(t *testing.T) {
		t.Parallel()
		d := "broken.test"
		for _, n := range []string{d, "autoconfig." + d, "autodiscover." + d, "_autodiscover._tcp." + d,
			"_pop3s._tcp." + d, "_pop3._tcp." + d, "_imaps._tcp." + d, "_imap._tcp." + d,
			"_submissions._tcp." + d, "_submission._tcp." + d} {
			w.DNS.ServFail(n)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		r, err := c.Check(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range r.Sources {
			t.Logf("%s %s", s.Source, s.Status)
		}
		if r.Err == nil && r.Count(check.Fail) == 0 {
			t.Errorf("a domain whose DNS fails passes (exit 0) with:%s", describe(r))
		}
	})

	// --sources srv: the check never fetched the autoconfig file, yet
	// reports it missing.
	t.Run("sources restricted", func(t *testing.T) {
		t.Parallel()
		cfg := w.Config()
		cfg.Sources = []string{lookup.SourceSRV}
		c, err := check.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		r := run(t, c, w.Clean)
		for _, f := range r.Findings {
			if f.Code == check.CodeAutoconfigMissing {
				t.Errorf("autoconfig not asked, reported missing: %s", i18n.English.Format(f.Message))
			}
		}
	})

	// The Chinese report carries the parser's English sentence inside a
	// Chinese one, as it once did: "（POP3 section 1: no known socketType in ["TLS"]）".
	t.Run("chinese invalid reason", func(t *testing.T) {
		t.Parallel()
		r := run(t, c, w.Domains[check.CodeAutoconfigInvalid])
		for _, f := range r.Findings {
			zh := i18n.Chinese.Format(f.Message)
			for _, en := range []string{"section", "no known", "HTTP 404 Not Found"} {
				if strings.Contains(zh, en) {
					t.Errorf("English %q in the Chinese message: %s", en, zh)
				}
			}
		}
	})
}

// Review: a hostile domain whose SRV records name 32 hosts that accept and
// never greet holds the check for ceil(32/8) = 4 timeouts in the probing
// phase alone (6 timeouts with 48 targets, 70 s at the default 10 s). The
// check should end within about Timeout × phases (gather + probe).
func TestReviewManyHangingServersBounded(t *testing.T) {
	t.Parallel()
	dns := testnet.NewDNS(t)
	ip := testnet.IP()
	(&testnet.POP3{Silent: true}).Listen(t, ip, 995)
	var names []string
	for i := range 32 {
		n := fmt.Sprintf("m%d.many.test", i)
		names = append(names, n)
		dns.Add(t, fmt.Sprintf("_pop3s._tcp.many.test. 60 IN SRV 0 1 995 %s.", n))
	}
	dns.Host(t, ip, names...)
	// Two phases take 2 × timeout; the old scheme took ceil(32/8) = 4
	// timeouts in the probing phase alone. The bound leaves 1.5 timeouts
	// of slack for a loaded machine and still fails the old scheme.
	const timeout = 2 * time.Second
	c, err := check.New(lookup.Config{DNS: dns.Addr, Timeout: timeout, Dial: testnet.Dial, NoISPDB: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	r, err := c.Check(context.Background(), "many.test")
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*timeout+3*timeout/2 {
		t.Errorf("check took %s with Timeout %s (%d servers checked): not bounded by Timeout × phases", d.Round(100*time.Millisecond), timeout, len(r.Servers))
	}
	if len(r.Servers) != 32 {
		t.Errorf("%d servers checked, want 32", len(r.Servers))
	}
	for _, s := range r.Servers {
		if s.Report == nil || s.Report.Cancelled() {
			t.Errorf("%s was never tried", s.Server.Host)
		}
	}
}
