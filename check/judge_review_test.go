package check

import (
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// Review: a source that was not asked (--sources srv, say) is not evidence
// that nothing is published there. judge reports autoconfig_missing for an
// autoconfig URL it never fetched, because f.source returns nil for a
// skipped source and the "skipped" case of the switch can never match.
func TestReviewSkippedAutoconfigIsNotMissing(t *testing.T) {
	t.Parallel()
	f := published(popSSL, smtpSSL)
	for _, name := range []string{lookup.SourceAutoconfig, lookup.SourceWellKnown, lookup.SourceAutoconfigHTTP} {
		s := f.source(name)
		s.pub.Status, s.pub.Servers = StatusSkipped, nil
	}
	srv := f.source(lookup.SourceSRV)
	srv.pub.Status, srv.pub.Servers = StatusFound, []settings.Server{popSSL, smtpSSL}
	for _, fd := range judge(f, time.Now()) {
		if fd.Code == CodeAutoconfigMissing {
			t.Errorf("autoconfig was not asked, yet: %s", i18n.English.Format(fd.Message))
		}
	}
}

// Review: the Chinese ispdb_stale message swaps the protocol and the
// server: it reads "为 old.example.com:995 SSL 列出 POP3" ("lists POP3 for
// old.example.com"), where the English says the database names the server
// for POP3.
func TestReviewISPDBStaleChineseOrder(t *testing.T) {
	t.Parallel()
	f := published(popSSL, smtpSSL)
	isp := f.source(lookup.SourceISPDB)
	old := popSSL
	old.Host = "old.example.com"
	isp.pub.Status, isp.pub.Servers = StatusFound, []settings.Server{old, smtpSSL}
	for _, fd := range judge(f, time.Now()) {
		if fd.Code != CodeISPDBStale {
			continue
		}
		zh := i18n.Chinese.Format(fd.Message)
		if !strings.Contains(zh, "为 POP3 列出 old.example.com:995 SSL") {
			t.Errorf("Chinese ispdb_stale puts the server where the protocol goes:\n%s", zh)
		}
		return
	}
	t.Fatal("no ispdb_stale finding")
}

// Review: the usual stale ISPDB entry names a server that was switched
// off. probeAll checks every server ISPDB names, so that one fact (the
// entry is outdated) gives ispdb_stale (warn) and also server_unreachable
// (fail, source ispdb): exit 1 for a third-party database entry, and the
// world's stale domain only avoids it because its "old" server is kept
// alive (checkworld puts old-pop.stale.test among the live mail names).
func TestReviewStaleISPDBDeadServer(t *testing.T) {
	t.Parallel()
	f := published(popSSL, smtpSSL)
	isp := f.source(lookup.SourceISPDB)
	old := popSSL
	old.Host = "old.example.com"
	isp.pub.Status, isp.pub.Servers = StatusFound, []settings.Server{old, smtpSSL}
	f.servers = []ServerCheck{
		{Server: old, Sources: []string{lookup.SourceISPDB},
			Report: &probe.Report{Kind: probe.KindRefused, Problem: i18n.M(i18n.FailDeadline)}},
	}
	got := codes(judge(f, time.Now()))
	if !same(got, []string{CodeISPDBStale}) {
		t.Errorf("findings %v, want only %s: one outdated entry, one finding, no failure", got, CodeISPDBStale)
	}
}

// Review: MX inference "never disagrees" and does not count as publishing
// (judge.go), yet the servers it infers are checked live and their
// failures become fail findings with source "mx": the domain is failed
// for a server it never published.
func TestReviewMXInferredServerIsNotPublished(t *testing.T) {
	t.Parallel()
	f := published(popSSL, smtpSSL)
	mx := f.source(lookup.SourceMX)
	guessed := settings.Server{Protocol: settings.IMAP, Host: "imap.hoster.example", Port: 993, SocketType: settings.SSL}
	mx.pub.Status, mx.pub.Servers = StatusFound, []settings.Server{guessed}
	f.servers = []ServerCheck{
		{Server: guessed, Sources: []string{lookup.SourceMX},
			Report: &probe.Report{Kind: probe.KindRefused, Problem: i18n.M(i18n.FailDeadline)}},
	}
	for _, fd := range judge(f, time.Now()) {
		if fd.Severity == Fail {
			t.Errorf("%s %s for a server only MX inference names: %s", fd.Severity, fd.Code, i18n.English.Format(fd.Message))
		}
	}
}

// Review: the autoconfig file offered for pasting copies a plain server
// as it is: the fix for autoconfig_http_only re-publishes the plaintext
// POP3 server that the same report fails as plaintext.
func TestReviewPasteXMLKeepsPlaintext(t *testing.T) {
	t.Parallel()
	f := published()
	ac := f.source(lookup.SourceAutoconfig)
	ac.pub.Status, ac.pub.Servers = StatusMissing, nil
	plain := f.source(lookup.SourceAutoconfigHTTP)
	plain.pub.Status, plain.pub.Servers = StatusFound, []settings.Server{popPlain, smtpSSL}
	for _, fd := range judge(f, time.Now()) {
		if fd.PasteKind == "xml" && strings.Contains(fd.Paste, "<socketType>plain</socketType>") {
			t.Errorf("%s: the file to paste publishes a plain server:\n%s", fd.Code, fd.Paste)
		}
	}
}

// Review: when SRV is the first source that names a server, the
// sources_disagree paste is the SRV record the domain already has: it
// fixes nothing, while the outlier (Autodiscover here) gets no fix.
func TestReviewDisagreePasteIsExistingRecord(t *testing.T) {
	t.Parallel()
	f := published(smtpSSL)
	a := settings.Server{Protocol: settings.IMAP, Host: "imap.example.com", Port: 993, SocketType: settings.SSL}
	b := settings.Server{Protocol: settings.IMAP, Host: "mail.example.com", Port: 993, SocketType: settings.SSL}
	srv := f.source(lookup.SourceSRV)
	srv.pub.Status, srv.pub.Servers = StatusFound, []settings.Server{a}
	existing := "_imaps._tcp.example.com. 3600 IN SRV 0 1 993 imap.example.com."
	srv.pub.Records = []string{existing}
	ad := f.source(lookup.SourceAutodiscover)
	ad.pub.Status, ad.pub.Servers = StatusFound, []settings.Server{b}
	for _, fd := range judge(f, time.Now()) {
		if fd.Code == CodeSourcesDisagree && fd.Paste == existing {
			t.Errorf("the paste is the record SRV already publishes: %q", fd.Paste)
		}
	}
}
