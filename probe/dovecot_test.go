package probe_test

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// dovecotPorts are where a test Dovecot listens; imap and imaps are zero
// when dovecot-imapd is not installed.
type dovecotPorts struct {
	pop3, pop3s, imap, imaps int
}

// startDovecot runs a real Dovecot POP3 and IMAP server on loopback with
// its own configuration (testnet.StartDovecot): a valid certificate by
// default, an expired one for SNI name expired.test and one for other names
// for SNI name mismatch.test. It returns the ports, and skips the test
// where Dovecot cannot run.
func startDovecot(t *testing.T, l *lab) (ip string, ports dovecotPorts) {
	t.Helper()
	d, err := testnet.StartDovecot(t, testnet.DovecotConfig{
		Cert: l.ca.Leaf(t, time.Now().Add(60*24*time.Hour),
			"pop.valid.test", "pop.guess.test", "imap.valid.test", "imap.guess.test"),
		SNI: map[string]tls.Certificate{
			"expired.test":  l.ca.Leaf(t, time.Now().Add(-24*time.Hour), "expired.test"),
			"mismatch.test": l.ca.Leaf(t, time.Now().Add(60*24*time.Hour), "elsewhere.example", "www.elsewhere.example"),
		},
	})
	if errors.Is(err, testnet.ErrNoDovecot) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	l.dns.Host(t, d.IP, "pop.valid.test", "expired.test", "mismatch.test", "pop.guess.test", "imap.valid.test", "imap.guess.test")
	return d.IP, dovecotPorts{d.POP3, d.POP3S, d.IMAP, d.IMAPS}
}

func TestDovecot(t *testing.T) {
	l := newLab(t)
	_, ports := startDovecot(t, l)
	pop3, pop3s := ports.pop3, ports.pop3s
	ok := []struct {
		name string
		port int
		mode settings.SocketType
		warn string
	}{
		{"SSL", pop3s, settings.SSL, ""},
		{"STARTTLS", pop3, settings.STARTTLS, ""},
		{"plain", pop3, settings.Plain, i18n.WarnPlainVerify},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, l, "pop.valid.test", tt.port, tt.mode, 10*time.Second)
			if !r.OK {
				t.Fatalf("check failed: %s (%v)", i18n.English.Format(r.Problem), r.Err)
			}
			if !strings.HasPrefix(r.Greeting, "+OK") || !strings.Contains(r.Greeting, "Dovecot") {
				t.Errorf("greeting %q", r.Greeting)
			}
			if !r.CapaKnown || len(r.Capa.Lines) == 0 {
				t.Errorf("capabilities %+v", r.Capa)
			}
			if tt.mode != settings.Plain {
				if r.TLSInfo == nil || !r.TLSInfo.Verified || r.TLSInfo.DNSNames[0] != "pop.valid.test" {
					t.Errorf("TLS %+v", r.TLSInfo)
				}
				// Over TLS, Dovecot offers password login.
				if !contains(r.Capa.SASL, "PLAIN") {
					t.Errorf("SASL %v, want PLAIN over TLS", r.Capa.SASL)
				}
			} else if !r.Capa.STLS {
				t.Errorf("plain port without STLS in CAPA: %+v", r.Capa)
			}
			// disable_plaintext_auth = yes: no USER and no SASL PLAIN before
			// STLS, which is what a domain check looks at.
			if tt.mode == settings.SSL {
				if r.BeforeTLS != nil {
					t.Errorf("implicit TLS with capabilities before TLS: %+v", r.BeforeTLS)
				}
			} else if r.BeforeTLS == nil {
				t.Error("no capabilities before TLS")
			} else if plain, why := probe.PlainLogin(settings.POP3, *r.BeforeTLS); plain {
				t.Errorf("Dovecot offers a password login before TLS (%s): %+v", why, r.BeforeTLS)
			}
			if (tt.warn == "") != (len(r.Warnings) == 0) {
				t.Errorf("warnings %v", r.Warnings)
			}
		})
	}
	fail := []struct {
		name, host string
		port       int
		mode       settings.SocketType
		kind       probe.Kind
		want       string
	}{
		{"expired via SNI", "expired.test", pop3s, settings.SSL, probe.KindCertExpired, "expired on"},
		{"expired after STLS", "expired.test", pop3, settings.STARTTLS, probe.KindCertExpired, "expired on"},
		{"other names", "mismatch.test", pop3s, settings.SSL, probe.KindCertName, "elsewhere.example, www.elsewhere.example"},
		{"SSL on the plain port", "pop.valid.test", pop3, settings.SSL, probe.KindTLS, "TLS"},
	}
	for _, tt := range fail {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, l, tt.host, tt.port, tt.mode, 10*time.Second)
			if r.OK || r.Kind != tt.kind || !strings.Contains(i18n.English.Format(r.Problem), tt.want) {
				t.Errorf("ok=%v kind=%q problem %q; want %q mentioning %q", r.OK, r.Kind, i18n.English.Format(r.Problem), tt.kind, tt.want)
			}
		})
	}
	t.Run("guess finds Dovecot", func(t *testing.T) {
		g := &probe.GuessSource{Prober: l.prober}
		a, err := g.Lookup(context.Background(), testnet.Addr(t, "someone@guess.test"))
		if err != nil {
			t.Fatal(err)
		}
		// The answer comes as soon as the best candidate is known; probes
		// still running then are not waited for.
		if got := testnet.Hosts(a); !strings.HasPrefix(got, "pop.guess.test:995/SSL") {
			t.Errorf("servers %s, want pop.guess.test:995/SSL first", got)
		}
	})
}

// TestDovecotIMAP checks the IMAP checks against Dovecot's IMAP server:
// the greeting, CAPABILITY (LOGINDISABLED before TLS), STARTTLS and the
// certificate failures, and guessing of imap.<domain>.
func TestDovecotIMAP(t *testing.T) {
	l := newLab(t)
	_, ports := startDovecot(t, l)
	if ports.imap == 0 {
		t.Skipf("dovecot-imapd is not installed (%s): apt-get install dovecot-imapd to run this test", testnet.DovecotIMAP)
	}
	imapCheck := func(t *testing.T, host string, port int, mode settings.SocketType) *probe.Report {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return l.prober.Check(ctx, settings.IMAP, host, port, mode)
	}
	for _, tt := range []struct {
		name string
		port int
		mode settings.SocketType
	}{
		{"SSL", ports.imaps, settings.SSL},
		{"STARTTLS", ports.imap, settings.STARTTLS},
		{"plain", ports.imap, settings.Plain},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := imapCheck(t, "imap.valid.test", tt.port, tt.mode)
			if !r.OK {
				t.Fatalf("check failed: %s (%v)", i18n.English.Format(r.Problem), r.Err)
			}
			if !strings.HasPrefix(r.Greeting, "* OK") || !strings.Contains(r.Greeting, "Dovecot") {
				t.Errorf("greeting %q", r.Greeting)
			}
			if !r.CapaKnown || !contains(r.Capa.Lines, "IMAP4rev1") {
				t.Errorf("capabilities %+v", r.Capa)
			}
			if tt.mode != settings.SSL {
				if r.BeforeTLS == nil || !r.BeforeTLS.LoginDisabled {
					t.Errorf("capabilities before TLS %+v; want LOGINDISABLED", r.BeforeTLS)
				} else if plain, why := probe.PlainLogin(settings.IMAP, *r.BeforeTLS); plain {
					t.Errorf("Dovecot offers a password login before TLS (%s)", why)
				}
			}
			if tt.mode == settings.Plain {
				// Dovecot refuses password login before TLS, and says so.
				if !r.Capa.LoginDisabled || !r.Capa.STLS {
					t.Errorf("plain capabilities %+v; want STARTTLS and LOGINDISABLED", r.Capa)
				}
			} else if r.Capa.LoginDisabled || !contains(r.Capa.SASL, "PLAIN") || r.TLSInfo == nil || !r.TLSInfo.Verified {
				t.Errorf("over TLS: capabilities %+v, TLS %+v", r.Capa, r.TLSInfo)
			}
		})
	}
	for _, tt := range []struct {
		name, host string
		port       int
		mode       settings.SocketType
		kind       probe.Kind
		want       string
	}{
		{"expired after STARTTLS", "expired.test", ports.imap, settings.STARTTLS, probe.KindCertExpired, "expired on"},
		{"other names", "mismatch.test", ports.imaps, settings.SSL, probe.KindCertName, "elsewhere.example"},
		{"SSL on the plain port", "imap.valid.test", ports.imap, settings.SSL, probe.KindTLS, "TLS"},
		{"POP3 spoken to IMAP", "imap.valid.test", ports.imaps, settings.SSL, probe.KindNotPOP3, "does not speak POP3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			proto := settings.IMAP
			if tt.kind == probe.KindNotPOP3 {
				proto = settings.POP3
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			r := l.prober.Check(ctx, proto, tt.host, tt.port, tt.mode)
			if r.OK || r.Kind != tt.kind || !strings.Contains(i18n.English.Format(r.Problem), tt.want) {
				t.Errorf("ok=%v kind=%q problem %q; want %q mentioning %q", r.OK, r.Kind, i18n.English.Format(r.Problem), tt.kind, tt.want)
			}
		})
	}
	t.Run("guess finds Dovecot's IMAP", func(t *testing.T) {
		g := &probe.GuessSource{Prober: l.prober, Protocols: []settings.Protocol{settings.IMAP}}
		a, err := g.Lookup(context.Background(), testnet.Addr(t, "someone@guess.test"))
		if err != nil {
			t.Fatal(err)
		}
		if got := testnet.Hosts(a); !strings.HasPrefix(got, "imap.guess.test:993/SSL") {
			t.Errorf("servers %s, want imap.guess.test:993/SSL first", got)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
