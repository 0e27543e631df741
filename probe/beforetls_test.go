package probe_test

import (
	"context"
	"crypto/tls"
	"slices"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// A server that offers TLS 1.1 at most fails a lookup's check, and passes
// a prober that allows it, with the version in the report.
func TestMinTLS(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	srv := &testnet.POP3{TLS: true, Cert: l.cert(t, 90, "old.example"), MaxTLS: tls.VersionTLS11}
	port := l.serve(t, srv, "old.example")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if r := l.prober.Check(ctx, settings.POP3, "old.example", port, settings.SSL); r.OK || r.Kind != probe.KindTLS {
		t.Errorf("default prober: ok=%v kind=%q; want a TLS failure", r.OK, r.Kind)
	}
	old := *l.prober
	old.MinTLS = tls.VersionTLS10
	r := old.Check(ctx, settings.POP3, "old.example", port, settings.SSL)
	if !r.OK || r.TLSInfo == nil || r.TLSInfo.Version != "TLS 1.1" || !r.TLSInfo.Verified {
		t.Fatalf("ok=%v TLS %+v err %v; want TLS 1.1, verified", r.OK, r.TLSInfo, r.Err)
	}
	if !r.CapaKnown || len(r.Capa.SASL) == 0 {
		t.Errorf("the rest of the check is missing: %+v", r.Capa)
	}
}

// A server out of date enough to offer only insecure cipher suites (3DES,
// RC4) at TLS 1.0 completes the handshake with a prober that allows old
// versions, so that its version is reported.
func TestMinTLSInsecureCiphers(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	var ciphers []uint16
	for _, c := range tls.InsecureCipherSuites() {
		if slices.Contains(c.SupportedVersions, tls.VersionTLS10) {
			ciphers = append(ciphers, c.ID)
		}
	}
	srv := &testnet.POP3{TLS: true, Cert: l.cert(t, 90, "ancient.example"), MaxTLS: tls.VersionTLS10, Ciphers: ciphers}
	port := l.serve(t, srv, "ancient.example")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	old := *l.prober
	old.MinTLS = tls.VersionTLS10
	r := old.Check(ctx, settings.POP3, "ancient.example", port, settings.SSL)
	if !r.OK || r.TLSInfo == nil || r.TLSInfo.Version != "TLS 1.0" {
		t.Fatalf("ok=%v kind %q TLS %+v err %v; want TLS 1.0", r.OK, r.Kind, r.TLSInfo, r.Err)
	}
}

func TestBeforeTLS(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	cert := l.cert(t, 90, "pop.example", "strict.pop.example", "imap.example")
	loose := &testnet.POP3{STLS: true, Cert: cert}
	strict := &testnet.POP3{STLS: true, Cert: cert, NoPlainBeforeTLS: true}
	loosePort, strictPort := l.serve(t, loose, "pop.example"), l.serve(t, strict, "strict.pop.example")
	imapIP := testnet.IP()
	l.dns.Host(t, imapIP, "imap.example")
	imapLoose := (&testnet.IMAP{STARTTLS: true, Cert: cert, LoginBeforeTLS: true}).Listen(t, imapIP, 0)
	imapStrict := (&testnet.IMAP{STARTTLS: true, Cert: cert}).Listen(t, imapIP, 0)
	imapAuthPlain := (&testnet.IMAP{STARTTLS: true, Cert: cert, AuthPlainBeforeTLS: true}).Listen(t, imapIP, 0)
	for _, tt := range []struct {
		name  string
		proto settings.Protocol
		host  string
		port  int
		plain bool
		why   string
	}{
		{"POP3 USER before STLS", settings.POP3, "pop.example", loosePort, true, "SASL PLAIN"},
		{"POP3 nothing before STLS", settings.POP3, "strict.pop.example", strictPort, false, ""},
		{"IMAP without LOGINDISABLED", settings.IMAP, "imap.example", imapLoose, true, "AUTH=PLAIN"},
		{"IMAP with LOGINDISABLED, as Dovecot", settings.IMAP, "imap.example", imapStrict, false, ""},
		{"IMAP with LOGINDISABLED and AUTH=PLAIN", settings.IMAP, "imap.example", imapAuthPlain, true, "AUTH=PLAIN"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			r := l.prober.Check(ctx, tt.proto, tt.host, tt.port, settings.STARTTLS)
			if !r.OK || r.BeforeTLS == nil {
				t.Fatalf("ok=%v before TLS %+v: %v", r.OK, r.BeforeTLS, r.Err)
			}
			plain, why := probe.PlainLogin(tt.proto, *r.BeforeTLS)
			if plain != tt.plain || why != tt.why {
				t.Errorf("PlainLogin = %v, %q; want %v, %q", plain, why, tt.plain, tt.why)
			}
		})
	}
}

func TestPlainLogin(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		proto settings.Protocol
		c     probe.Capabilities
		want  string
	}{
		{settings.POP3, probe.Capabilities{Lines: []string{"TOP", "USER"}}, "USER"},
		{settings.POP3, probe.Capabilities{Lines: []string{"TOP", "STLS"}, STLS: true}, ""},
		{settings.POP3, probe.Capabilities{SASL: []string{"XOAUTH2"}}, ""},
		{settings.IMAP, probe.Capabilities{LoginDisabled: true}, ""},
		{settings.IMAP, probe.Capabilities{}, "LOGIN (no LOGINDISABLED)"},
		{settings.IMAP, probe.Capabilities{LoginDisabled: true, SASL: []string{"LOGIN"}}, "AUTH=LOGIN"},
		{settings.SMTP, probe.Capabilities{SASL: []string{"CRAM-MD5"}}, "AUTH CRAM-MD5"},
		{settings.SMTP, probe.Capabilities{STLS: true}, ""},
	} {
		plain, why := probe.PlainLogin(tt.proto, tt.c)
		if plain != (tt.want != "") || why != tt.want {
			t.Errorf("PlainLogin(%s, %+v) = %v, %q; want %q", tt.proto, tt.c, plain, why, tt.want)
		}
	}
}
