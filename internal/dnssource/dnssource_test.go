package dnssource_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/dnssource"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/providers"
)

func newResolver(d *testnet.DNS) *resolver.Resolver {
	return &resolver.Resolver{Servers: []string{d.Addr}, QueryTimeout: 500 * time.Millisecond}
}

func TestSRVOrdering(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t,
		"_pop3s._tcp.example.org. 60 IN SRV 10 0 995 backup.example.org.",
		"_pop3s._tcp.example.org. 60 IN SRV 0 100 995 heavy.example.org.",
		"_pop3s._tcp.example.org. 60 IN SRV 0 1 995 light.example.org.",
		"_pop3._tcp.example.org. 60 IN SRV 0 0 110 starttls.example.org.",
	)
	// Rand always picking the smallest value favours the first record in the
	// running sum, after the weight-0 ones; always picking the largest
	// favours the last. Either way priority 0 comes before 10, and _pop3s
	// before _pop3.
	for _, tc := range []struct {
		name string
		rnd  func(int) int
		want string
	}{
		{"first", func(n int) int { return n - 1 }, "light.example.org:995/SSL heavy.example.org:995/SSL backup.example.org:995/SSL starttls.example.org:110/STARTTLS"},
		{"weighted", func(n int) int { return 2 }, "heavy.example.org:995/SSL light.example.org:995/SSL backup.example.org:995/SSL starttls.example.org:110/STARTTLS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &dnssource.SRVSource{Resolver: newResolver(d), Rand: tc.rnd}
			a, err := s.Lookup(context.Background(), testnet.Addr(t, "x@example.org"))
			if err != nil {
				t.Fatal(err)
			}
			if got := testnet.Hosts(a); got != tc.want {
				t.Errorf("order = %s\nwant      %s", got, tc.want)
			}
			if a.SourceURL != "_pop3s._tcp.example.org" {
				t.Errorf("SourceURL = %q", a.SourceURL)
			}
			if len(a.Warnings) != 0 {
				t.Errorf("unexpected warnings %v", a.Warnings)
			}
		})
	}
}

func TestSRVWeightDistribution(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t,
		"_pop3s._tcp.w.example. 60 IN SRV 0 90 995 a.w.example.",
		"_pop3s._tcp.w.example. 60 IN SRV 0 10 995 b.w.example.",
	)
	s := &dnssource.SRVSource{Resolver: newResolver(d)}
	first := map[string]int{}
	for range 400 {
		a, err := s.Lookup(context.Background(), testnet.Addr(t, "x@w.example"))
		if err != nil {
			t.Fatal(err)
		}
		first[a.Servers[0].Host]++
	}
	// With weights 90:10, a.w.example should come first about 360 times in
	// 400; 300 leaves a margin no fair run misses (p < 1e-9).
	if first["a.w.example"] < 300 || first["b.w.example"] == 0 {
		t.Errorf("first choices %v; want a.w.example about 90%% of the time and b.w.example sometimes", first)
	}
	if q := d.Queries(); q > 4 {
		t.Errorf("%d queries for 400 lookups; answers should be cached", q)
	}
}

func TestSRVTargetDot(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3s._tcp.nopop.example. 60 IN SRV 0 0 0 .", "_pop3._tcp.nopop.example. 60 IN SRV 0 0 0 .")
	s := &dnssource.SRVSource{Resolver: newResolver(d)}
	a, err := s.Lookup(context.Background(), testnet.Addr(t, "x@nopop.example"))
	if err != nil {
		t.Fatal(err)
	}
	if a.NotOfferedFor(settings.POP3) == nil || len(a.Servers) != 0 {
		t.Fatalf("want NotOffered and no servers, got %+v", a)
	}
	if got := i18n.English.Format(*a.NotOfferedFor(settings.POP3)); !strings.Contains(got, "POP3 is deliberately not offered") {
		t.Errorf("reason %q", got)
	}
}

func TestSRVServFailAndNXDomain(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.ServFail("_pop3s._tcp.broken.example")
	d.ServFail("_pop3._tcp.broken.example")
	s := &dnssource.SRVSource{Resolver: newResolver(d)}
	_, err := s.Lookup(context.Background(), testnet.Addr(t, "x@broken.example"))
	var de *resolver.DNSError
	if !errors.As(err, &de) || errors.Is(err, settings.ErrNotFound) || !strings.Contains(err.Error(), "SERVFAIL") {
		t.Errorf("SERVFAIL: err = %v; want a DNSError naming SERVFAIL, not 'not found'", err)
	}
	_, err = s.Lookup(context.Background(), testnet.Addr(t, "x@nothing.example"))
	if !errors.Is(err, settings.ErrNotFound) {
		t.Errorf("NXDOMAIN: err = %v; want not found", err)
	}
}

func TestSRVDNSSEC(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.SetAD(true)
	d.Add(t, "_pop3s._tcp.signed.example. 60 IN SRV 0 0 995 pop.signed.example.")
	s := &dnssource.SRVSource{Resolver: newResolver(d)}
	a, err := s.Lookup(context.Background(), testnet.Addr(t, "x@signed.example"))
	if err != nil {
		t.Fatal(err)
	}
	if !a.DNSSEC {
		t.Error("DNSSEC = false; the resolver set the AD bit")
	}
	d2 := testnet.NewDNS(t)
	d2.Add(t, "_pop3s._tcp.signed.example. 60 IN SRV 0 0 995 pop.signed.example.")
	a, err = (&dnssource.SRVSource{Resolver: newResolver(d2)}).Lookup(context.Background(), testnet.Addr(t, "x@signed.example"))
	if err != nil {
		t.Fatal(err)
	}
	if a.DNSSEC {
		t.Error("DNSSEC = true without the AD bit")
	}
}

func TestSRVInternationalDomain(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3s._tcp.xn--fsqu00a.xn--0zwm56d. 60 IN SRV 0 0 995 pop.xn--fsqu00a.xn--0zwm56d.")
	s := &dnssource.SRVSource{Resolver: newResolver(d)}
	a, err := s.Lookup(context.Background(), testnet.Addr(t, "用户@例子.测试"))
	if err != nil {
		t.Fatal(err)
	}
	if testnet.Hosts(a) != "pop.xn--fsqu00a.xn--0zwm56d:995/SSL" {
		t.Errorf("servers = %s", testnet.Hosts(a))
	}
}

func TestMXHostedProviders(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t,
		"google-hosted.example. 60 IN MX 1 aspmx.l.google.com.",
		"google-hosted.example. 60 IN MX 5 alt1.aspmx.l.google.com.",
		"ms-hosted.example. 60 IN MX 0 ms-hosted-example.mail.protection.outlook.com.",
		"tencent-hosted.example. 60 IN MX 5 mxbiz1.qq.com.",
		"tencent-hosted.example. 60 IN MX 10 mxbiz2.qq.com.",
		"qq-personal-mx.example. 60 IN MX 10 mx1.qq.com.",
		"nullmx.example. 60 IN MX 0 .",
	)
	s := &dnssource.MXSource{Resolver: newResolver(d), Hosting: providers.Builtin()}
	tests := map[string]string{
		"google-hosted.example":  "pop.gmail.com:995/SSL",
		"ms-hosted.example":      "outlook.office365.com:995/SSL",
		"tencent-hosted.example": "pop.exmail.qq.com:995/SSL",
	}
	for domain, want := range tests {
		a, err := s.Lookup(context.Background(), testnet.Addr(t, "x@"+domain))
		if err != nil {
			t.Errorf("%s: %v", domain, err)
			continue
		}
		if got := testnet.Hosts(a.Only(settings.POP3)); got != want {
			t.Errorf("%s: servers %s, want %s", domain, got, want)
		}
		if len(a.Warnings) == 0 || !strings.Contains(i18n.English.Format(a.Warnings[len(a.Warnings)-1]), "inferred") {
			t.Errorf("%s: warnings %v lack the inferred-from-MX warning", domain, a.Warnings)
		}
		if a.SourceURL == "" || !strings.Contains(a.SourceURL, ".") {
			t.Errorf("%s: SourceURL %q should name the MX host", domain, a.SourceURL)
		}
	}
	for _, domain := range []string{"qq-personal-mx.example", "nullmx.example", "nomx.example"} {
		if a, err := s.Lookup(context.Background(), testnet.Addr(t, "x@"+domain)); !errors.Is(err, settings.ErrNotFound) {
			t.Errorf("%s: got %v, %v; want not found (personal QQ Mail is never the answer for hosted domains)", domain, a, err)
		}
	}
}

// A SERVFAIL on _pop3s is not swallowed when _pop3 answers.
func TestSRVFailureBesideAnswer(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3._tcp.half.example. 60 IN SRV 0 0 110 pop.half.example.")
	d.ServFail("_pop3s._tcp.half.example")
	s := &dnssource.SRVSource{Resolver: newResolver(d)}
	a, err := s.Lookup(context.Background(), testnet.Addr(t, "me@half.example"))
	if err != nil || len(a.Servers) != 1 || a.Servers[0].Port != 110 {
		t.Fatalf("%+v, %v", a, err)
	}
	a = a.Only(settings.POP3)
	if len(a.Failed) != 1 || !strings.Contains(a.Failed[0].Error(), "SERVFAIL") {
		t.Errorf("failed parts %v; want the SERVFAIL reported", a.Failed)
	}
	warned := false
	for _, w := range a.Warnings {
		if w.Key == i18n.WarnSRVFailed && strings.Contains(i18n.English.Format(w), "_pop3s._tcp.half.example") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("warnings %v; want one about _pop3s", a.Warnings)
	}
}

func TestSRVOutsideDomainAndOnlyPOP3(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3._tcp.corp.example. 60 IN SRV 0 0 110 mail.hoster.example.")
	s := &dnssource.SRVSource{Resolver: newResolver(d)}
	a, err := s.Lookup(context.Background(), testnet.Addr(t, "x@corp.example"))
	if err != nil {
		t.Fatal(err)
	}
	if got := testnet.Hosts(a); got != "mail.hoster.example:110/STARTTLS" {
		t.Errorf("servers = %s", got)
	}
	a = a.Only(settings.POP3)
	if len(a.Warnings) != 1 {
		t.Fatalf("warnings = %v, want one", a.Warnings)
	}
	w := i18n.English.Format(a.Warnings[0])
	if !strings.Contains(w, "mail.hoster.example") || !strings.Contains(w, "corp.example") {
		t.Errorf("warning %q should name the target and the domain", w)
	}
}

// Every protocol is looked up at once and decided on its own: one query
// per SRV name, each protocol with its own source name, a "." target that
// refuses one protocol alone, and a failure that touches one protocol only.
func TestSRVEveryProtocol(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t,
		"_pop3s._tcp.all.example. 60 IN SRV 0 0 995 pop.all.example.",
		"_imap._tcp.all.example. 60 IN SRV 0 0 143 imap.all.example.",
		"_imaps._tcp.all.example. 60 IN SRV 0 0 993 imap.all.example.",
		"_submission._tcp.all.example. 60 IN SRV 0 0 587 smtp.all.example.",
		"_pop3s._tcp.mixed.example. 60 IN SRV 0 0 995 pop.mixed.example.",
		"_submissions._tcp.mixed.example. 60 IN SRV 0 0 0 .",
		"_submission._tcp.mixed.example. 60 IN SRV 0 0 0 .",
	)
	d.ServFail("_imaps._tcp.mixed.example")
	d.ServFail("_imap._tcp.mixed.example")
	all := []settings.Protocol{settings.POP3, settings.IMAP, settings.SMTP}
	s := &dnssource.SRVSource{Resolver: newResolver(d), Protocols: all}

	before := d.Queries()
	a, err := s.Lookup(context.Background(), testnet.Addr(t, "x@all.example"))
	if err != nil {
		t.Fatal(err)
	}
	if n := d.Queries() - before; n != 6 {
		t.Errorf("%d queries for three protocols; want 6, one per SRV name", n)
	}
	want := map[settings.Protocol]string{
		settings.POP3: "pop.all.example:995/SSL",
		settings.IMAP: "imap.all.example:993/SSL imap.all.example:143/STARTTLS",
		settings.SMTP: "smtp.all.example:587/STARTTLS",
	}
	for p, w := range want {
		if got := testnet.Hosts(a.Only(p)); got != w {
			t.Errorf("%s: %s, want %s", p, got, w)
		}
	}
	if got := a.Only(settings.SMTP).SourceURL; got != "_submission._tcp.all.example" {
		t.Errorf("SMTP source %q", got)
	}

	a, err = s.Lookup(context.Background(), testnet.Addr(t, "x@mixed.example"))
	if err != nil {
		t.Fatal(err)
	}
	if got := testnet.Hosts(a.Only(settings.POP3)); got != "pop.mixed.example:995/SSL" {
		t.Errorf("POP3: %s", got)
	}
	if m := a.NotOfferedFor(settings.SMTP); m == nil || !strings.Contains(i18n.English.Format(*m), "SMTP is deliberately not offered") {
		t.Errorf("SMTP: not offered = %v", m)
	}
	if a.NotOfferedFor(settings.POP3) != nil || a.NotOfferedFor(settings.IMAP) != nil {
		t.Error("the refusal of SMTP spilled over to another protocol")
	}
	imap := a.Parts[settings.IMAP]
	if imap == nil || len(imap.Failed) != 2 || len(a.Only(settings.IMAP).Servers) != 0 {
		t.Errorf("IMAP part %+v; want both SERVFAILs and no server", imap)
	}
	if len(a.Only(settings.POP3).Failed) != 0 {
		t.Error("IMAP's failures spilled over to POP3")
	}
}

// An SRV answer holds as long as the smallest TTL of the responses it rests
// on: its records, and the absences it reports (NXDOMAIN's negative TTL,
// the test server's SOA minimum of 30 s). An absence holds as long as its
// negative TTL.
func TestSRVTTL(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t,
		"_pop3s._tcp.ttl.example. 300 IN SRV 0 0 995 a.ttl.example.",
		"_pop3s._tcp.ttl.example. 45 IN SRV 0 0 995 b.ttl.example.",
		"_pop3._tcp.ttl.example. 120 IN SRV 0 0 110 c.ttl.example.",
		"_pop3s._tcp.half.ttl.example. 300 IN SRV 0 0 995 a.ttl.example.",
	)
	s := &dnssource.SRVSource{Resolver: newResolver(d)}
	for addr, want := range map[string]time.Duration{
		"x@ttl.example":      45 * time.Second,
		"x@half.ttl.example": 30 * time.Second, // _pop3 is NXDOMAIN
	} {
		a, err := s.Lookup(context.Background(), testnet.Addr(t, addr))
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		if a.TTL != want {
			t.Errorf("%s: TTL %v; want %v", addr, a.TTL, want)
		}
	}
	_, err := s.Lookup(context.Background(), testnet.Addr(t, "x@nosrv.example"))
	var miss *settings.Missing
	if !errors.As(err, &miss) || miss.TTL != 30*time.Second {
		t.Errorf("no SRV: %v; want not found with the negative TTL, 30s", err)
	}
}

// A second lookup served from the resolver's cache has what is left of
// the TTL, not all of it.
func TestSRVTTLCountsDown(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t, "_pop3s._tcp.age.example. 60 IN SRV 0 0 995 a.age.example.", "_pop3._tcp.age.example. 60 IN SRV 0 0 110 a.age.example.")
	s := &dnssource.SRVSource{Resolver: newResolver(d)}
	a, err := s.Lookup(context.Background(), testnet.Addr(t, "x@age.example"))
	if err != nil || a.TTL != time.Minute {
		t.Fatalf("%v, %v; want a TTL of 1m0s", a, err)
	}
	time.Sleep(1100 * time.Millisecond)
	before := d.Queries()
	a, err = s.Lookup(context.Background(), testnet.Addr(t, "x@age.example"))
	if err != nil || d.Queries() != before {
		t.Fatalf("%v, %d queries; want the cached answer", err, d.Queries()-before)
	}
	if a.TTL >= time.Minute || a.TTL < 30*time.Second {
		t.Errorf("TTL %v over a second after the answer came; want less than 1m0s", a.TTL)
	}
}

// An MX answer holds no longer than the MX records, nor than what the MX
// host's domain said; an absence, as long as the response that showed it.
func TestMXTTL(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	d.Add(t,
		"google-ttl.example. 300 IN MX 1 aspmx.l.google.com.",
		"google-ttl.example. 30 IN MX 5 alt1.aspmx.l.google.com.",
		"nullmx-ttl.example. 90 IN MX 0 .",
		"hosted-ttl.example. 300 IN MX 10 mx.hoster.example.",
		"missing-ttl.example. 300 IN MX 10 mx.nobody.example.",
	)
	configs := fakeConfigs{
		"hoster.example": {answer: &settings.Answer{Servers: []settings.Server{{Protocol: settings.POP3, Host: "pop.hoster.example", Port: 995, SocketType: settings.SSL}}, TTL: 10 * time.Second}},
		"nobody.example": {err: &settings.Missing{Reason: i18n.M(i18n.NFNoMX, "nobody.example"), TTL: 5 * time.Second}},
	}
	s := &dnssource.MXSource{Resolver: newResolver(d), Hosting: providers.Builtin(), Configs: configs}
	for domain, want := range map[string]time.Duration{"google-ttl.example": 30 * time.Second, "hosted-ttl.example": 10 * time.Second} {
		a, err := s.Lookup(context.Background(), testnet.Addr(t, "x@"+domain))
		if err != nil {
			t.Fatalf("%s: %v", domain, err)
		}
		if a.TTL != want {
			t.Errorf("%s: TTL %v; want %v", domain, a.TTL, want)
		}
	}
	for domain, want := range map[string]time.Duration{"nullmx-ttl.example": 90 * time.Second, "nomx-ttl.example": 30 * time.Second, "missing-ttl.example": 5 * time.Second} {
		_, err := s.Lookup(context.Background(), testnet.Addr(t, "x@"+domain))
		var miss *settings.Missing
		if !errors.As(err, &miss) || miss.TTL != want {
			t.Errorf("%s: %v; want not found with a TTL of %v", domain, err, want)
		}
	}
}

type fakeConfig struct {
	answer *settings.Answer
	err    error
}

// fakeConfigs answers DomainConfig lookups from a table.
type fakeConfigs map[string]fakeConfig

func (f fakeConfigs) Lookup(_ context.Context, domain string, _ settings.Address) (*settings.Answer, error) {
	c, ok := f[domain]
	if !ok {
		return nil, settings.NotFound(i18n.NFNoMX, domain)
	}
	return c.answer, c.err
}
