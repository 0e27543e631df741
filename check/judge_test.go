package check

import (
	"context"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// codes returns the findings' codes, in order.
func codes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func same(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// published is a domain whose autoconfig file names servers; the rest of
// its sources have nothing.
func published(servers ...settings.Server) *facts {
	f := &facts{domain: "example.com", protocols: settings.AllProtocols}
	for _, name := range order {
		s := &source{pub: Published{Source: name, Status: StatusMissing}}
		if name == lookup.SourceAutoconfig {
			s.pub.Status, s.pub.Servers = StatusFound, servers
		}
		f.sources = append(f.sources, s)
	}
	f.ad = adFacts{host: "autodiscover.example.com", known: true, exists: true, https: true}
	return f
}

var (
	popSSL   = settings.Server{Protocol: settings.POP3, Host: "mail.example.com", Port: 995, SocketType: settings.SSL}
	popPlain = settings.Server{Protocol: settings.POP3, Host: "mail.example.com", Port: 110, SocketType: settings.Plain}
	popSTLS  = settings.Server{Protocol: settings.POP3, Host: "mail.example.com", Port: 110, SocketType: settings.STARTTLS}
	smtpSSL  = settings.Server{Protocol: settings.SMTP, Host: "smtp.example.com", Port: 465, SocketType: settings.SSL}
)

func okReport(s settings.Server, notAfter time.Time, version string) *probe.Report {
	return &probe.Report{OK: true, Protocol: s.Protocol, Host: s.Host, Port: s.Port, SocketType: s.SocketType,
		TLSInfo: &probe.TLSInfo{Version: version, Verified: true, NotAfter: notAfter, DaysLeft: int(time.Until(notAfter).Hours() / 24)}}
}

// Each fact is one finding: the table says which facts give which.
func TestJudgeDedupe(t *testing.T) {
	t.Parallel()
	now := time.Now()
	later := now.Add(90 * 24 * time.Hour)
	tests := []struct {
		name    string
		servers []settings.Server
		checks  []ServerCheck
		srv     []srvRecord
		want    []string
	}{
		{"clean", []settings.Server{popSSL, smtpSSL}, []ServerCheck{
			{Server: popSSL, Sources: []string{"autoconfig"}, Report: okReport(popSSL, later, "TLS 1.3")},
		}, nil, nil},
		{"expired is invalid, not expiring", []settings.Server{popSSL, smtpSSL}, []ServerCheck{
			{Server: popSSL, Sources: []string{"autoconfig"}, Report: &probe.Report{Kind: probe.KindCertExpired, Problem: i18n.M(i18n.FailCertExpired, "2020-01-01")}},
		}, nil, []string{CodeCertInvalid}},
		{"plain server: plaintext, not auth before TLS", []settings.Server{popPlain, smtpSSL}, []ServerCheck{
			{Server: popPlain, Sources: []string{"autoconfig"}, Report: &probe.Report{OK: true}, PlainAuth: true, PlainAuthKnown: true},
		}, nil, []string{CodePlaintext}},
		{"STARTTLS with a login before TLS, expiring, old", []settings.Server{popSTLS, smtpSSL}, []ServerCheck{
			{Server: popSTLS, Sources: []string{"autoconfig"}, Report: okReport(popSTLS, now.Add(3*24*time.Hour), "TLS 1.1"), PlainAuth: true, PlainAuthKnown: true},
		}, nil, []string{CodeTLSOld, CodeAuthBeforeTLS, CodeCertExpiring, CodeSTARTTLSOnly}},
		{"unresolved SRV target is not also unreachable", []settings.Server{smtpSSL}, []ServerCheck{
			{Server: settings.Server{Protocol: settings.POP3, Host: "gone.example.com", Port: 995, SocketType: settings.SSL},
				Sources: []string{"srv"}, Report: &probe.Report{Kind: probe.KindDNS}},
		}, []srvRecord{{proto: settings.POP3, target: "gone.example.com", port: 995, tls: true, noAddress: true,
			line: "_pop3s._tcp.example.com. 3600 IN SRV 0 1 995 gone.example.com."}}, []string{CodeSRVTargetUnresolved}},
		{"unresolved foreign SRV target: unresolved only", []settings.Server{smtpSSL}, nil,
			[]srvRecord{{proto: settings.POP3, target: "gone.example.net", port: 995, tls: true, noAddress: true}}, []string{CodeSRVTargetUnresolved}},
		{"foreign SRV target with DNSSEC", []settings.Server{smtpSSL}, nil,
			[]srvRecord{{proto: settings.POP3, target: "mail.example.net", port: 995, tls: true, ad: true}}, nil},
		{"foreign SRV target without DNSSEC", []settings.Server{smtpSSL}, nil,
			[]srvRecord{{proto: settings.POP3, target: "mail.example.net", port: 995, tls: true}}, []string{CodeSRVForeignTarget}},
		{"SRV target under the domain", []settings.Server{smtpSSL}, nil,
			[]srvRecord{{proto: settings.POP3, target: "pop.EXAMPLE.com", port: 995, tls: true}}, nil},
		{"cancelled checks say nothing", []settings.Server{popSSL, smtpSSL}, []ServerCheck{
			{Server: popSSL, Report: probe.Interrupted(settings.POP3, popSSL.Host, 995, settings.SSL, errCancelled)},
		}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := published(tt.servers...)
			f.servers, f.srv = tt.checks, tt.srv
			if got := codes(judge(f, now)); !same(got, tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
			}
		})
	}
}

var errCancelled = contextCanceled()

// An autoconfig file over HTTP only is one finding, not also "missing";
// an ISPDB entry that differs is ispdb_stale, not also sources_disagree.
func TestJudgeSubsumes(t *testing.T) {
	t.Parallel()
	f := published(popSSL, smtpSSL)
	ac := f.source(lookup.SourceAutoconfig)
	ac.pub.Status, ac.pub.Servers = StatusMissing, nil
	plain := f.source(lookup.SourceAutoconfigHTTP)
	plain.pub.Status, plain.pub.Servers = StatusFound, []settings.Server{popSSL, smtpSSL}
	isp := f.source(lookup.SourceISPDB)
	old := popSSL
	old.Host = "old.example.com"
	isp.pub.Status, isp.pub.Servers = StatusFound, []settings.Server{old, smtpSSL}
	got := judge(f, time.Now())
	if want := []string{CodeAutoconfigHTTPOnly, CodeISPDBStale}; !same(codes(got), want) {
		t.Fatalf("findings %v, want %v", codes(got), want)
	}
	if got[0].PasteKind != "xml" || got[1].Compare[0].Source != lookup.SourceISPDB || got[1].Compare[0].Servers[0].Host != "old.example.com" {
		t.Errorf("findings %+v", got)
	}
	// MX inference naming another server disagrees with nobody.
	f = published(popSSL, smtpSSL)
	mx := f.source(lookup.SourceMX)
	mx.pub.Status, mx.pub.Servers = StatusFound, []settings.Server{old}
	if got := codes(judge(f, time.Now())); len(got) != 0 {
		t.Errorf("MX: findings %v", got)
	}
}

// Findings come worst first.
func TestSortFindings(t *testing.T) {
	t.Parallel()
	fs := []Finding{
		{Severity: Info, Code: CodeSTARTTLSOnly, Protocol: settings.POP3},
		{Severity: Warn, Code: CodeCertExpiring, Protocol: settings.IMAP},
		{Severity: Fail, Code: CodeTLSOld, Protocol: settings.SMTP},
		{Severity: Warn, Code: CodeAutoconfigMissing},
		{Severity: Fail, Code: CodeCertInvalid, Protocol: settings.POP3},
	}
	sortFindings(fs, settings.AllProtocols)
	want := []string{CodeCertInvalid, CodeTLSOld, CodeAutoconfigMissing, CodeCertExpiring, CodeSTARTTLSOnly}
	if got := codes(fs); !same(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func contextCanceled() error { return context.Canceled }

// The autoconfig file's own findings, from the facts alone.
func TestJudgeAutoconfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(f *facts)
		want  []string
	}{
		{"whole document invalid", func(f *facts) {
			ac := f.source(lookup.SourceAutoconfig)
			ac.pub.Status, ac.pub.Servers, ac.invalid = StatusInvalid, nil, i18n.M(i18n.ACDocNoElement, "emailProvider")
			srv := f.source(lookup.SourceSRV)
			srv.pub.Status, srv.pub.Servers = StatusFound, []settings.Server{popSSL, smtpSSL}
		}, []string{CodeAutoconfigInvalid}},
		{"HTTPS redirected through HTTP", func(f *facts) {
			ac := f.source(lookup.SourceAutoconfig)
			ac.pub.Insecure, ac.pub.FinalURL = true, "http://autoconfig.example.com/mail/config-v1.1.xml"
		}, []string{CodeAutoconfigHTTPOnly}},
		{"off-domain redirect", func(f *facts) {
			ac := f.source(lookup.SourceAutoconfig)
			ac.offDomain, ac.pub.FinalURL = true, "https://elsewhere.example.net/config.xml"
		}, []string{CodeAutoconfigRedirect}},
		{"no autodiscover host", func(f *facts) { f.ad.exists, f.ad.https = false, false }, []string{CodeAutodiscoverHTTPOnly}},
		{"autodiscover unknown", func(f *facts) { f.ad = adFacts{} }, nil},
		{"autodiscover over HTTP", func(f *facts) { f.ad.https, f.ad.http = false, true }, []string{CodeAutodiscoverHTTPOnly}},
		{"autodiscover down", func(f *facts) { f.ad.https = false }, nil},
		{"nothing anywhere", func(f *facts) {
			ac := f.source(lookup.SourceAutoconfig)
			ac.pub.Status, ac.pub.Servers = StatusFailed, nil
		}, []string{CodeAutoconfigMissing, CodeNoSubmission}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := published(popSSL, smtpSSL)
			tt.setup(f)
			got := judge(f, time.Now())
			if !same(codes(got), tt.want) {
				t.Errorf("findings %v, want %v", codes(got), tt.want)
			}
			for _, fd := range got {
				if fd.Code == CodeAutoconfigMissing && fd.Paste != "" {
					t.Errorf("a file to paste with no server known:\n%s", fd.Paste)
				}
			}
		})
	}
}
