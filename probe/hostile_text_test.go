package probe_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
)

// unsafe reports the characters no report may carry.
func unsafe(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
	})
}

// TestHostileCertificateText: a certificate's subject, issuer and names are
// the server's to write; escape sequences and bidirectional overrides in
// them never reach the report, and the name list is capped.
func TestHostileCertificateText(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	names := []string{"pop.other.example", "\x1b]0;pwned\x07.example", "\x1b[2J.example"}
	for i := range 300 {
		names = append(names, "n"+strings.Repeat("x", i%50)+".example")
	}
	cert := l.ca.Issue(t, &x509.Certificate{
		Subject:  pkix.Name{CommonName: "evil\u202egro.example\x1b[31m", Organization: []string{"\u009b2J Org"}},
		DNSNames: names,
		NotAfter: time.Now().Add(24 * time.Hour),
	})
	port := l.serve(t, &testnet.POP3{TLS: true, Cert: &cert}, "pop.victim.example")
	r := check(t, l, "pop.victim.example", port, settings.SSL, 5*time.Second)
	if r.OK || r.TLSInfo == nil {
		t.Fatalf("ok=%v tls=%v; want a name mismatch with the certificate's details", r.OK, r.TLSInfo)
	}
	texts := append([]string{r.TLSInfo.Subject, r.TLSInfo.Issuer, i18n.English.Format(r.Problem)}, r.TLSInfo.DNSNames...)
	for _, s := range texts {
		if unsafe(s) {
			t.Errorf("unsafe text in the report: %q", s)
		}
	}
	if len(r.TLSInfo.DNSNames) > 100 {
		t.Errorf("%d names kept; want a capped list", len(r.TLSInfo.DNSNames))
	}
	if p := i18n.English.Format(r.Problem); utf8.RuneCountInString(p) > 400 || !strings.Contains(p, "and 298 more") {
		t.Errorf("problem text of %d characters: %.200q; want the first names and how many more", utf8.RuneCountInString(p), p)
	}
}

// TestHostileGreetingText: a greeting and CAPA lines with escape sequences,
// C1 controls and bidirectional overrides come out clean.
func TestHostileGreetingText(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	port := l.serve(t, &testnet.POP3{Greeting: "+OK \x1b]0;owned\x07 \u202egnp.exe \u009b2J" + strings.Repeat("z", 600)}, "pop.greet.example")
	r := check(t, l, "pop.greet.example", port, settings.Plain, 5*time.Second)
	if !r.OK {
		t.Fatalf("check failed: %s", i18n.English.Format(r.Problem))
	}
	if unsafe(r.Greeting) || !strings.Contains(r.Greeting, "gnp.exe") || utf8.RuneCountInString(r.Greeting) > 201 {
		t.Errorf("greeting %q", r.Greeting)
	}
	for _, line := range r.Capa.Lines {
		if unsafe(line) {
			t.Errorf("CAPA line %q", line)
		}
	}
}
