package check_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/check"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
)

// dnsCheck checks domain against dns alone, ISPDB off.
func dnsCheck(t *testing.T, dns *testnet.DNS, domain string) *check.Report {
	t.Helper()
	c, err := check.New(lookup.Config{DNS: dns.Addr, Timeout: 2 * time.Second, Dial: testnet.Dial, NoISPDB: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := c.Check(ctx, domain)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func hasCode(r *check.Report, code string) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// Names that fail at the DNS server, with ISPDB off: dns_failure, never
// "nothing published", never Report.Err while the resolver answers; and
// Report.Err when the resolver fails every name, the root's included.
func TestDNSFailures(t *testing.T) {
	t.Parallel()
	dns := testnet.NewDNS(t)
	ip := testnet.IP()
	names := func(d string) []string {
		return []string{d, "autoconfig." + d, "autodiscover." + d, "_autodiscover._tcp." + d,
			"_pop3s._tcp." + d, "_pop3._tcp." + d, "_imaps._tcp." + d, "_imap._tcp." + d,
			"_submissions._tcp." + d, "_submission._tcp." + d}
	}
	for _, n := range names("broken.test") {
		dns.ServFail(n)
	}
	// An SRV target that SERVFAILs, and a submission SRV name that does.
	dns.Host(t, ip, "part.test", "mail.part.test")
	dns.Add(t, "_imaps._tcp.part.test. 60 IN SRV 0 1 993 mail.part.test.",
		"_pop3s._tcp.part.test. 60 IN SRV 0 1 995 pop.part.test.")
	dns.ServFail("pop.part.test")
	dns.ServFail("_submissions._tcp.part.test")
	// An SRV record whose target is "." offers nothing (RFC 2782).
	dns.Host(t, ip, "dot.test")
	dns.Add(t, "_pop3s._tcp.dot.test. 60 IN SRV 0 0 0 .")

	t.Run("whole domain", func(t *testing.T) {
		t.Parallel()
		r := dnsCheck(t, dns, "broken.test")
		if r.Err != nil || len(r.Findings) != 1 || r.Findings[0].Code != check.CodeDNSFailure {
			t.Fatalf("err %v, findings:%s", r.Err, describe(r))
		}
		for _, s := range r.Sources {
			if s.Reason != nil && s.Reason.Key == i18n.CheckNothingPublished {
				t.Errorf("%s: nothing published, where DNS failed", s.Source)
			}
		}
	})
	t.Run("some names", func(t *testing.T) {
		t.Parallel()
		r := dnsCheck(t, dns, "part.test")
		if r.Err != nil || !hasCode(r, check.CodeDNSFailure) {
			t.Fatalf("err %v, findings:%s", r.Err, describe(r))
		}
		msg := i18n.English.Format(r.Findings[0].Message)
		if !strings.Contains(msg, "pop.part.test SERVFAIL") || !strings.Contains(msg, "_submissions._tcp.part.test SERVFAIL") {
			t.Errorf("message %q", msg)
		}
		for _, code := range []string{check.CodeSRVTargetUnresolved, check.CodeNoSubmission} {
			if hasCode(r, code) {
				t.Errorf("%s for a name whose DNS failed:%s", code, describe(r))
			}
		}
		for _, f := range r.Findings {
			if f.Code == check.CodeServerUnreachable && strings.HasPrefix(f.Server, "pop.part.test") {
				t.Errorf("%s for a name whose DNS failed:%s", f.Code, describe(r))
			}
		}
	})
	t.Run("SRV target dot", func(t *testing.T) {
		t.Parallel()
		r := dnsCheck(t, dns, "dot.test")
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		for _, f := range r.Findings {
			if f.Source == lookup.SourceSRV || strings.HasPrefix(f.Code, "srv_") || f.Code == check.CodeServerUnreachable {
				t.Errorf("finding for a target of \".\":%s", describe(r))
			}
		}
		if len(r.Servers) != 0 {
			t.Errorf("servers checked: %+v", r.Servers)
		}
	})
	t.Run("resolver fails everything", func(t *testing.T) {
		t.Parallel()
		dead := testnet.NewDNS(t)
		dead.ServFail(".")
		for _, n := range names("broken.test") {
			dead.ServFail(n)
		}
		r := dnsCheck(t, dead, "broken.test")
		var ue *check.UnreachableError
		if !errors.As(r.Err, &ue) || len(r.Findings) != 0 {
			t.Errorf("err %v, findings:%s", r.Err, describe(r))
		}
	})
}
