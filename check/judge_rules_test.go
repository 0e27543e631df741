package check

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

var (
	imapSSL = settings.Server{Protocol: settings.IMAP, Host: "mail.example.com", Port: 993, SocketType: settings.SSL}
	down    = &probe.Report{Kind: probe.KindRefused, Problem: i18n.M(i18n.FailDeadline)}
)

// find returns the findings with code.
func find(fs []Finding, code string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

// The domain boundary is a label boundary, for redirects and SRV targets
// alike: evilexample.com is not under example.com.
func TestInDomainBoundary(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		u   string
		off bool
	}{
		{"https://autoconfig.example.com/mail/config-v1.1.xml", false},
		{"https://EXAMPLE.com./x", false},
		{"https://autoconfig.evilexample.com/mail/config-v1.1.xml", true},
		{"https://evilexample.com/x", true},
		{"https://example.com.evil.net/x", true},
	} {
		if got := offDomain(tt.u, "example.com"); got != tt.off {
			t.Errorf("offDomain(%q) = %v, want %v", tt.u, got, tt.off)
		}
	}
	for target, foreign := range map[string]bool{"mail.evilexample.com": true, "evilexample.com": true, "mail.example.com": false} {
		f := published(smtpSSL)
		f.srv = []srvRecord{{proto: settings.POP3, target: target, port: 995, tls: true}}
		if got := len(find(judge(f, time.Now()), CodeSRVForeignTarget)) == 1; got != foreign {
			t.Errorf("SRV target %s: foreign %v, want %v", target, got, foreign)
		}
	}
}

// Sources that differ only in the port, or only in the socket type,
// disagree.
func TestDisagreePortAndSocket(t *testing.T) {
	t.Parallel()
	for name, other := range map[string]settings.Server{
		"port":   {Protocol: settings.IMAP, Host: "mail.example.com", Port: 9993, SocketType: settings.SSL},
		"socket": {Protocol: settings.IMAP, Host: "mail.example.com", Port: 993, SocketType: settings.STARTTLS},
		"case":   {Protocol: settings.IMAP, Host: "MAIL.example.com.", Port: 993, SocketType: settings.SSL},
	} {
		f := published(imapSSL, smtpSSL)
		srv := f.source(lookup.SourceSRV)
		srv.pub.Status, srv.pub.Servers = StatusFound, []settings.Server{other}
		got := find(judge(f, time.Now()), CodeSourcesDisagree)
		if want := name != "case"; (len(got) == 1) != want {
			t.Errorf("%s: sources_disagree %v, want %v", name, len(got) == 1, want)
		}
	}
}

// The sources_disagree paste fixes the outliers, and is never a record
// the domain already has.
func TestDisagreePaste(t *testing.T) {
	t.Parallel()
	other := settings.Server{Protocol: settings.IMAP, Host: "imap.example.com", Port: 993, SocketType: settings.SSL}
	best := "_imaps._tcp.example.com. 3600 IN SRV 0 1 993 mail.example.com."
	t.Run("SRV outlier", func(t *testing.T) {
		t.Parallel()
		f := published(imapSSL, smtpSSL)
		srv := f.source(lookup.SourceSRV)
		srv.pub.Status, srv.pub.Servers = StatusFound, []settings.Server{other}
		srv.pub.Records = []string{"_imaps._tcp.example.com.\t3600\tIN\tSRV\t0 1 993 imap.example.com."}
		fd := find(judge(f, time.Now()), CodeSourcesDisagree)[0]
		// Added beside _imaps's record, the record would get half the
		// clients (RFC 2782): it replaces it.
		want := "; remove:\n; _imaps._tcp.example.com. 3600 IN SRV 0 1 993 imap.example.com.\n; add:\n" + best
		if fd.PasteKind != PasteDNSReplace || fd.Paste != want || fd.Fix.Key != i18n.CheckSourcesDisagreeFixReplace {
			t.Errorf("paste %s %q, fix %s, want %q", fd.PasteKind, fd.Paste, fd.Fix.Key, want)
		}
	})
	t.Run("SRV outlier, another service", func(t *testing.T) {
		t.Parallel()
		f := published(imapSSL, smtpSSL)
		srv := f.source(lookup.SourceSRV)
		starttls := settings.Server{Protocol: settings.IMAP, Host: "imap.example.com", Port: 143, SocketType: settings.STARTTLS}
		srv.pub.Status, srv.pub.Servers = StatusFound, []settings.Server{starttls}
		srv.pub.Records = []string{"_imap._tcp.example.com. 3600 IN SRV 0 1 143 imap.example.com."}
		fd := find(judge(f, time.Now()), CodeSourcesDisagree)[0]
		if fd.PasteKind != PasteDNS || fd.Paste != best {
			t.Errorf("paste %s %q, want %q", fd.PasteKind, fd.Paste, best)
		}
	})
	t.Run("SRV already has the record", func(t *testing.T) {
		t.Parallel()
		f := published(imapSSL, smtpSSL)
		srv := f.source(lookup.SourceSRV)
		srv.pub.Status, srv.pub.Servers = StatusFound, []settings.Server{other, imapSSL}
		srv.pub.Records = []string{"_imaps._tcp.example.com. 60 IN SRV 0 1 993 imap.example.com.",
			"_imaps._tcp.example.com. 60 IN SRV 10 1 993 MAIL.example.com."}
		fd := find(judge(f, time.Now()), CodeSourcesDisagree)[0]
		if fd.Paste != "" {
			t.Errorf("paste %q: a record the domain has", fd.Paste)
		}
	})
	t.Run("autoconfig outlier", func(t *testing.T) {
		t.Parallel()
		f := published()
		f.source(lookup.SourceAutoconfig).pub.Status = StatusMissing
		wk := f.source(lookup.SourceWellKnown)
		wk.pub.Status, wk.pub.Servers, wk.pub.URL = StatusFound, []settings.Server{imapSSL, smtpSSL}, "https://example.com/.well-known/autoconfig/mail/config-v1.1.xml"
		plain := f.source(lookup.SourceAutoconfigHTTP)
		plain.pub.Status, plain.pub.Servers = StatusFound, []settings.Server{other, smtpSSL}
		fd := find(judge(f, time.Now()), CodeSourcesDisagree)[0]
		if fd.PasteKind != "xml" || !strings.Contains(fd.Paste, "<hostname>mail.example.com</hostname>") || strings.Contains(fd.Paste, "imap.example.com") {
			t.Errorf("paste %s:\n%s", fd.PasteKind, fd.Paste)
		}
		if fd.PasteURL != "https://autoconfig.example.com/mail/config-v1.1.xml" {
			t.Errorf("paste URL %q", fd.PasteURL)
		}
	})
	t.Run("Autodiscover outlier", func(t *testing.T) {
		t.Parallel()
		f := published(imapSSL, smtpSSL)
		ad := f.source(lookup.SourceAutodiscover)
		ad.pub.Status, ad.pub.Servers = StatusFound, []settings.Server{other}
		fd := find(judge(f, time.Now()), CodeSourcesDisagree)[0]
		if fd.Paste != "" || fd.Fix.Key != i18n.CheckSourcesDisagreeFixNone {
			t.Errorf("paste %q, fix %s: nothing to paste fixes Autodiscover", fd.Paste, fd.Fix.Key)
		}
	})
}

// The file to paste names only servers a client may use, keeps the
// per-address placeholders, and says which protocols it leaves out.
func TestPasteXML(t *testing.T) {
	t.Parallel()
	perUser := settings.Server{Protocol: settings.IMAP, Host: "%EMAILLOCALPART%.imap.example.com", Port: 993,
		SocketType: settings.SSL, Username: "%EMAILLOCALPART%"}
	bad := settings.Server{Protocol: settings.IMAP, Host: "bad host", Port: 993, SocketType: settings.SSL}
	f := published(popPlain, bad, perUser, smtpSSL)
	xml, gaps := pasteXML(f)
	for _, want := range []string{"%EMAILLOCALPART%.imap.example.com", "<username>%EMAILLOCALPART%</username>", "<username>%EMAILADDRESS%</username>"} {
		if !strings.Contains(xml, want) {
			t.Errorf("no %q in:\n%s", want, xml)
		}
	}
	if strings.Contains(xml, "plain") || strings.Contains(xml, "bad host") || strings.Contains(xml, `type="pop3"`) {
		t.Errorf("a plain or invalid server in:\n%s", xml)
	}
	if len(gaps) != 1 || gaps[0] != (gap{proto: settings.POP3}) {
		t.Errorf("gaps %v, want POP3", gaps)
	}
	// The fix says so.
	f.source(lookup.SourceAutoconfig).pub.Insecure = true
	fd := find(judge(f, time.Now()), CodeAutoconfigHTTPOnly)[0]
	if fd.Fix.Key != i18n.CheckPasteGap || !strings.Contains(i18n.English.Format(fd.Fix), "no POP3 server") ||
		!strings.Contains(i18n.English.Format(fd.Fix), "Serve the file") {
		t.Errorf("fix %q", i18n.English.Format(fd.Fix))
	}
}

// A .well-known file that came over plain HTTP is autoconfig_http_only.
func TestWellKnownInsecure(t *testing.T) {
	t.Parallel()
	f := published()
	f.source(lookup.SourceAutoconfig).pub.Status = StatusMissing
	wk := f.source(lookup.SourceWellKnown)
	wk.pub.Status, wk.pub.Servers, wk.pub.Insecure = StatusFound, []settings.Server{popSSL, smtpSSL}, true
	wk.pub.URL = "https://example.com/.well-known/autoconfig/mail/config-v1.1.xml"
	got := judge(f, time.Now())
	if !same(codes(got), []string{CodeAutoconfigHTTPOnly}) || got[0].Source != lookup.SourceWellKnown {
		t.Errorf("findings %v (source %q)", codes(got), got[0].Source)
	}
	wk.pub.Insecure = false
	if got := codes(judge(f, time.Now())); !same(got, []string{CodeAutoconfigMissing}) {
		t.Errorf("secure .well-known: %v", got)
	}
}

// An autoconfig URL that could not be fetched is not "nothing there";
// one whose DNS failed is dns_failure's.
func TestAutoconfigUnfetchable(t *testing.T) {
	t.Parallel()
	f := published()
	f.source(lookup.SourceSRV).pub.Status, f.source(lookup.SourceSRV).pub.Servers = StatusFound, []settings.Server{popSSL, smtpSSL}
	ac := f.source(lookup.SourceAutoconfig)
	why := i18n.M(i18n.ReasonTimeout, "autoconfig.example.com")
	ac.pub.Status, ac.pub.Servers, ac.pub.Reason = StatusFailed, nil, &why
	got := find(judge(f, time.Now()), CodeAutoconfigMissing)
	if len(got) != 1 || got[0].Message.Key != i18n.CheckAutoconfigUnfetchable || got[0].Severity != Warn {
		t.Fatalf("findings %+v", got)
	}
	if zh := i18n.Chinese.Format(got[0].Message); strings.Contains(zh, "timed out") || !strings.Contains(zh, "autoconfig.example.com") {
		t.Errorf("Chinese: %s", zh)
	}
	ac.err = &resolver.DNSError{Name: "autoconfig.example.com.", Rcode: 2}
	f.dnsFailed = map[string]string{"autoconfig.example.com": "SERVFAIL"}
	if got := codes(judge(f, time.Now())); !same(got, []string{CodeDNSFailure}) {
		t.Errorf("DNS failure: %v", got)
	}
}

// The same off-domain redirect reached from the HTTPS and the HTTP URL is
// one finding; two different ones are two.
func TestRedirectOnce(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		second string
		want   int
	}{{"https://elsewhere.example.net/config.xml", 1}, {"https://other.example.net/config.xml", 2}} {
		f := published(popSSL, smtpSSL)
		ac, plain := f.source(lookup.SourceAutoconfig), f.source(lookup.SourceAutoconfigHTTP)
		ac.offDomain, ac.pub.FinalURL = true, "https://elsewhere.example.net/config.xml"
		plain.pub.Status, plain.pub.Servers = StatusFound, []settings.Server{popSSL, smtpSSL}
		plain.offDomain, plain.pub.FinalURL, plain.pub.URL = true, tt.second, "http://autoconfig.example.com/mail/config-v1.1.xml"
		got := find(judge(f, time.Now()), CodeAutoconfigRedirect)
		if len(got) != tt.want {
			t.Errorf("%s: %d findings, want %d", tt.second, len(got), tt.want)
		}
		if tt.want == 1 && !strings.Contains(i18n.English.Format(got[0].Message), "http://autoconfig.example.com") {
			t.Errorf("message %q names one URL", i18n.English.Format(got[0].Message))
		}
	}
}

// Only an expiring certificate that validates is cert_expiring.
func TestCertExpiringVerified(t *testing.T) {
	t.Parallel()
	now := time.Now()
	for _, verified := range []bool{true, false} {
		f := published(popSSL, smtpSSL)
		r := okReport(popSSL, now.Add(3*24*time.Hour), "TLS 1.3")
		r.TLSInfo.Verified = verified
		f.servers = []ServerCheck{{Server: popSSL, Sources: []string{lookup.SourceAutoconfig}, Report: r}}
		if got := len(find(judge(f, now), CodeCertExpiring)) == 1; got != verified {
			t.Errorf("verified %v: cert_expiring %v", verified, got)
		}
	}
}

// ISPDB is compared with the best of the domain's own sources that names
// the protocol, and with it alone.
func TestISPDBComparedWithBest(t *testing.T) {
	t.Parallel()
	other := popSSL
	other.Host = "pop.example.com"
	for _, tt := range []struct {
		name           string
		ac, srv, ispdb []settings.Server
		want           int
	}{
		{"matches the best, not the next", []settings.Server{popSSL, smtpSSL}, []settings.Server{other}, []settings.Server{popSSL}, 0},
		{"matches the next, not the best", []settings.Server{popSSL, smtpSSL}, []settings.Server{other}, []settings.Server{other}, 1},
		{"the best names no POP3", []settings.Server{smtpSSL}, []settings.Server{other}, []settings.Server{popSSL}, 1},
		{"the best names no POP3, the next matches", []settings.Server{smtpSSL}, []settings.Server{popSSL}, []settings.Server{popSSL}, 0},
	} {
		f := published(tt.ac...)
		srv := f.source(lookup.SourceSRV)
		srv.pub.Status, srv.pub.Servers = StatusFound, tt.srv
		isp := f.source(lookup.SourceISPDB)
		isp.pub.Status, isp.pub.Servers = StatusFound, tt.ispdb
		if got := len(find(judge(f, time.Now()), CodeISPDBStale)); got != tt.want {
			t.Errorf("%s: %d ispdb_stale, want %d", tt.name, got, tt.want)
		}
	}
}

// Whose servers' live failures count.
func TestLiveFindingsCount(t *testing.T) {
	t.Parallel()
	imapOther := settings.Server{Protocol: settings.IMAP, Host: "imap.isp.example", Port: 993, SocketType: settings.SSL}
	for _, tt := range []struct {
		name    string
		sources []string
		srv     settings.Server
		want    []string
	}{
		{"own", []string{lookup.SourceAutoconfig}, popSSL, []string{CodeServerUnreachable}},
		{"SRV", []string{lookup.SourceSRV}, popSSL, []string{CodeServerUnreachable}},
		{"built-in table only", []string{lookup.SourceBuiltin}, imapOther, nil},
		{"MX only", []string{lookup.SourceMX}, imapOther, nil},
		{"ISPDB for a protocol the domain publishes nothing of", []string{lookup.SourceISPDB}, imapOther, []string{CodeServerUnreachable}},
	} {
		f := published(popSSL, smtpSSL)
		f.servers = []ServerCheck{{Server: tt.srv, Sources: tt.sources, Report: down}}
		if got := codes(judge(f, time.Now())); !same(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// No DNS answer about a name is not "nothing published".
func TestDNSFailureJudged(t *testing.T) {
	t.Parallel()
	f := published(popSSL)
	srv := f.source(lookup.SourceSRV)
	srv.pub.Status = StatusFailed
	srv.err = &resolver.DNSError{Name: "_submissions._tcp.example.com.", Rcode: 2}
	f.dnsFailed = map[string]string{"_submissions._tcp.example.com": "SERVFAIL"}
	got := judge(f, time.Now())
	if !same(codes(got), []string{CodeDNSFailure}) || !strings.Contains(i18n.English.Format(got[0].Message), "_submissions._tcp.example.com SERVFAIL") {
		t.Errorf("findings %v: %s", codes(got), i18n.English.Format(got[0].Message))
	}
	// An SRV target that SERVFAILs has no "no address" finding, nor is it
	// unreachable.
	f = published(smtpSSL)
	gone := settings.Server{Protocol: settings.POP3, Host: "pop.example.com", Port: 995, SocketType: settings.SSL}
	f.srv = []srvRecord{{proto: settings.POP3, target: "pop.example.com", port: 995, tls: true,
		addrErr: &resolver.DNSError{Name: "pop.example.com", Rcode: 2}}}
	f.dnsFailed = map[string]string{"pop.example.com": "SERVFAIL"}
	f.servers = []ServerCheck{{Server: gone, Sources: []string{lookup.SourceSRV}, Report: &probe.Report{Kind: probe.KindDNS, Problem: i18n.M(i18n.FailDeadline)}}}
	if got := codes(judge(f, time.Now())); !same(got, []string{CodeDNSFailure}) {
		t.Errorf("SRV target SERVFAIL: %v", got)
	}
	// A domain that does not exist has that one finding.
	f = published()
	f.source(lookup.SourceAutoconfig).pub.Status = StatusMissing
	f.domainNX = true
	if got := codes(judge(f, time.Now())); !same(got, []string{CodeDomainNotFound}) {
		t.Errorf("NXDOMAIN: %v", got)
	}
}

// no_submission says which sources it looked at.
func TestNoSubmissionAsked(t *testing.T) {
	t.Parallel()
	for _, partial := range []bool{false, true} {
		f := published(popSSL)
		f.partial = partial
		got := find(judge(f, time.Now()), CodeNoSubmission)
		want := i18n.CheckNoSubmission
		if partial {
			want = i18n.CheckNoSubmissionAsked
		}
		if len(got) != 1 || got[0].Message.Key != want {
			t.Errorf("partial %v: %+v", partial, got)
		}
	}
	// Not asked is not missing: with every source but SRV skipped.
	f := published()
	for _, s := range f.sources {
		if s.pub.Source != lookup.SourceSRV {
			s.pub.Status = StatusSkipped
		}
	}
	srv := f.source(lookup.SourceSRV)
	srv.pub.Status, srv.pub.Servers = StatusFound, []settings.Server{popSSL, smtpSSL}
	f.ad = adFacts{}
	if got := codes(judge(f, time.Now())); len(got) != 0 {
		t.Errorf("SRV alone: %v", got)
	}
}

// More servers named than checked: a note says how many.
func TestServersNotChecked(t *testing.T) {
	t.Parallel()
	f := published()
	ac := f.source(lookup.SourceAutoconfig)
	ac.pub.Servers = nil
	for i := range maxTargets + 12 {
		ac.pub.Servers = append(ac.pub.Servers, settings.Server{Protocol: settings.IMAP, Host: fmt.Sprintf("m%d.example.com", i), Port: 993, SocketType: settings.SSL})
	}
	ac.pub.Servers = append(ac.pub.Servers, smtpSSL)
	targets, named := f.targets()
	if len(targets) != maxTargets || named != maxTargets+13 {
		t.Fatalf("%d targets of %d named", len(targets), named)
	}
	f.named = named
	for _, tg := range targets {
		f.servers = append(f.servers, ServerCheck{Server: tg.srv, Sources: tg.sources, Report: okReport(tg.srv, time.Now().Add(90*24*time.Hour), "TLS 1.3")})
	}
	got := find(judge(f, time.Now()), CodeServersNotChecked)
	if len(got) != 1 || got[0].Severity != Info || !strings.Contains(i18n.English.Format(got[0].Message), "61 distinct servers; only the first 48 were checked live, and 13 were not") {
		t.Errorf("findings %+v", got)
	}
}

// At most limit servers are checked at once, and every one is checked.
func TestProbeConcurrencyBound(t *testing.T) {
	t.Parallel()
	if MaxConcurrentChecks < maxTargets {
		t.Errorf("MaxConcurrentChecks %d < maxTargets %d: the probing phase would take more than one Timeout", MaxConcurrentChecks, maxTargets)
	}
	var targets []*target
	for i := range 20 {
		targets = append(targets, &target{srv: settings.Server{Protocol: settings.IMAP, Host: fmt.Sprintf("m%02d.example.com", i), Port: 993, SocketType: settings.SSL}})
	}
	var now, peak atomic.Int32
	var mu sync.Mutex
	seen := map[string]bool{}
	out := probeTargets(context.Background(), targets, 3, func(ctx context.Context, t *target) ServerCheck {
		n := now.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(10 * time.Millisecond)
		now.Add(-1)
		mu.Lock()
		seen[t.srv.Host] = true
		mu.Unlock()
		return ServerCheck{Server: t.srv, Report: &probe.Report{OK: true}}
	})
	if p := peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak %d servers at once, want at most 3 (and some concurrency)", p)
	}
	if len(seen) != 20 || len(out) != 20 || out[0].Server.Host != "m00.example.com" {
		t.Errorf("checked %d, out %d", len(seen), len(out))
	}
	// A target that the phase's end leaves unstarted is reported
	// interrupted, without a finding.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out = probeTargets(ctx, targets[:2], 1, func(ctx context.Context, t *target) ServerCheck {
		<-ctx.Done()
		return ServerCheck{Server: t.srv, Report: probe.Interrupted(t.srv.Protocol, t.srv.Host, t.srv.Port, t.srv.SocketType, ctx.Err())}
	})
	for _, sc := range out {
		if sc.Report == nil || !sc.Report.Cancelled() {
			t.Errorf("%+v", sc)
		}
	}
}

// TestPasteXMLCorrections: an invalid section with a plain fix is in the
// file corrected, where it stood; one without is a gap the fix names.
func TestPasteXMLCorrections(t *testing.T) {
	t.Parallel()
	fixed := settings.Server{Protocol: settings.POP3, Host: "pop.example.com", Port: 995, SocketType: settings.SSL,
		Username: "%EMAILADDRESS%"}
	f := published(smtpSSL)
	ac := f.source(lookup.SourceAutoconfig)
	ac.sections = map[settings.Protocol][]autoconfig.SkippedServer{
		settings.POP3: {{Section: 1, Reason: i18n.M(i18n.ACSkipNoSocketType, "POP3", "1", "“TLS”"), Corrected: &fixed}},
		settings.IMAP: {{Section: 1, Reason: i18n.M(i18n.ACSkipNoUsername, "IMAP", "1")}},
	}
	ac.skipped = map[settings.Protocol][]i18n.Msg{
		settings.POP3: {ac.sections[settings.POP3][0].Reason}, settings.IMAP: {ac.sections[settings.IMAP][0].Reason},
	}
	xml, gaps := pasteXML(f)
	if !strings.Contains(xml, `type="pop3"`) || !strings.Contains(xml, "<hostname>pop.example.com</hostname>") ||
		strings.Contains(xml, `type="imap"`) {
		t.Errorf("file:\n%s", xml)
	}
	if len(gaps) != 1 || gaps[0] != (gap{proto: settings.IMAP, invalid: true}) {
		t.Errorf("gaps %+v, want IMAP, invalid", gaps)
	}
	fds := find(judge(f, time.Now()), CodeAutoconfigInvalid)
	if len(fds) != 2 {
		t.Fatalf("%d autoconfig_invalid findings, want 2 (POP3, IMAP)", len(fds))
	}
	for _, fd := range fds {
		if fix := i18n.English.Format(fd.Fix); !strings.Contains(fix, "no IMAP server") {
			t.Errorf("fix %q names no gap", fix)
		}
	}
}

// TestIDNShown: a message that names the domain itself gives an IDN's
// Unicode form beside its A-label; records keep the A-label alone.
func TestIDNShown(t *testing.T) {
	t.Parallel()
	const a, u = "xn--fsqu00a.xn--0zwm56d", "例子.测试"
	nx := &facts{domain: a, unicode: u, protocols: settings.AllProtocols, domainNX: true}
	fd := judge(nx, time.Now())[0]
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		if msg := lang.Format(fd.Message); !strings.Contains(msg, a+" ("+u+")") {
			t.Errorf("%s: %q names the domain without its Unicode form", lang, msg)
		}
	}
	f := published(imapSSL)
	f.domain, f.unicode = a, u
	ns := find(judge(f, time.Now()), CodeNoSubmission)
	if len(ns) != 1 {
		t.Fatalf("no_submission: %+v", ns)
	}
	msg, fix := i18n.English.Format(ns[0].Message), i18n.English.Format(ns[0].Fix)
	if !strings.Contains(msg, a+" ("+u+")") || !strings.Contains(fix, "_submissions._tcp."+a) || strings.Contains(fix, u) {
		t.Errorf("message %q, fix %q", msg, fix)
	}
}

// cert_expiring counts days as people do: "less than a day", "one day",
// "N days", never "1 days" or "0 days".
func TestCertExpiringDays(t *testing.T) {
	t.Parallel()
	now := time.Now()
	for days, want := range map[int][2]string{
		0: {"in less than a day", "一天之内"},
		1: {"in one day", "1 天后"},
		5: {"in 5 days", "5 天后"},
	} {
		f := published(popSSL, smtpSSL)
		r := okReport(popSSL, now.Add(time.Duration(days)*24*time.Hour+time.Hour), "TLS 1.3")
		r.TLSInfo.DaysLeft = days
		f.servers = []ServerCheck{{Server: popSSL, Sources: []string{lookup.SourceAutoconfig}, Report: r}}
		got := find(judge(f, now), CodeCertExpiring)
		if len(got) != 1 {
			t.Fatalf("%d days: %d findings", days, len(got))
		}
		en, zh := i18n.English.Format(got[0].Message), i18n.Chinese.Format(got[0].Message)
		if !strings.Contains(en, want[0]) || !strings.Contains(zh, want[1]) || strings.Contains(en, " 1 days") || strings.Contains(en, " 0 days") {
			t.Errorf("%d days: %q / %q", days, en, zh)
		}
	}
}

// When popfind's built-in table is the source that differs, the fix does
// not send the admin to change it.
func TestDisagreeBuiltin(t *testing.T) {
	t.Parallel()
	other := settings.Server{Protocol: settings.IMAP, Host: "imap.example.com", Port: 993, SocketType: settings.SSL}
	f := published(imapSSL, smtpSSL)
	b := f.source(lookup.SourceBuiltin)
	b.pub.Status, b.pub.Servers = StatusFound, []settings.Server{other}
	fd := find(judge(f, time.Now()), CodeSourcesDisagree)[0]
	if fd.Fix.Key != i18n.CheckSourcesDisagreeFixBuiltin || fd.Paste != "" {
		t.Errorf("fix %s, paste %q", fd.Fix.Key, fd.Paste)
	}
	// With another outlier, that one's fix, and a word on the table.
	srv := f.source(lookup.SourceSRV)
	srv.pub.Status, srv.pub.Servers = StatusFound, []settings.Server{other}
	srv.pub.Records = []string{"_imaps._tcp.example.com. 3600 IN SRV 0 1 993 imap.example.com."}
	fd = find(judge(f, time.Now()), CodeSourcesDisagree)[0]
	fix := i18n.English.Format(fd.Fix)
	if fd.Fix.Key != i18n.CheckSourcesDisagreeBuiltinToo || fd.PasteKind != PasteDNSReplace || !strings.Contains(fix, "RFC 2782") {
		t.Errorf("fix %s %q, paste %s", fd.Fix.Key, fix, fd.PasteKind)
	}
}
