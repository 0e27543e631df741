package probe_test

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

type lab struct {
	dns    *testnet.DNS
	ca     *testnet.CA
	prober *probe.Prober
}

func newLab(t *testing.T) *lab {
	t.Helper()
	l := &lab{dns: testnet.NewDNS(t), ca: testnet.NewCA(t)}
	r := &resolver.Resolver{Servers: []string{l.dns.Addr}, Dial: testnet.Dial}
	l.prober = &probe.Prober{Dial: r.DialContext, RootCAs: l.ca.Pool()}
	return l
}

// serve starts srv on a fresh loopback address under name and returns the
// port.
func (l *lab) serve(t *testing.T, srv *testnet.POP3, name string) int {
	t.Helper()
	ip := testnet.IP()
	l.dns.Host(t, ip, name)
	return srv.Listen(t, ip, 0)
}

func (l *lab) cert(t *testing.T, days int, names ...string) *tls.Certificate {
	c := l.ca.Leaf(t, time.Now().Add(time.Duration(days)*24*time.Hour), names...)
	return &c
}

func check(t *testing.T, l *lab, host string, port int, mode settings.SocketType, timeout time.Duration) *probe.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return l.prober.Check(ctx, settings.POP3, host, port, mode)
}

func TestCheckPasses(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	good := l.cert(t, 90, "pop.good.example")
	ssl := &testnet.POP3{TLS: true, Cert: good}
	ip := testnet.IP()
	l.dns.Host(t, ip, "pop.good.example")
	sslPort := ssl.Listen(t, ip, 0)
	r := check(t, l, "pop.good.example", sslPort, settings.SSL, 5*time.Second)
	if !r.OK {
		t.Fatalf("SSL check failed: %s: %v", i18n.English.Format(r.Problem), r.Err)
	}
	if r.TLSInfo == nil || !r.TLSInfo.Verified || r.TLSInfo.DaysLeft < 88 || r.TLSInfo.DNSNames[0] != "pop.good.example" {
		t.Errorf("TLS info %+v", r.TLSInfo)
	}
	if !strings.HasPrefix(r.Greeting, "+OK") || strings.Join(r.Capa.SASL, ",") != "PLAIN,XOAUTH2" || r.Capa.STLS {
		t.Errorf("greeting %q capa %+v", r.Greeting, r.Capa)
	}
	if got := strings.Join(ssl.Received(), ","); got != "CAPA,QUIT" {
		t.Errorf("the server received %q; a check sends CAPA and QUIT only, never USER or PASS", got)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings %v", r.Warnings)
	}

	stls := &testnet.POP3{STLS: true, Cert: good}
	stlsPort := stls.Listen(t, ip, 0)
	r = check(t, l, "pop.good.example", stlsPort, settings.STARTTLS, 5*time.Second)
	if !r.OK || !r.TLSInfo.Verified {
		t.Fatalf("STARTTLS check failed: %s", i18n.English.Format(r.Problem))
	}
	if got := strings.Join(stls.Received(), ","); got != "CAPA,STLS,CAPA,QUIT" {
		t.Errorf("the server received %q", got)
	}

	plain := &testnet.POP3{NoCapa: true}
	plainPort := plain.Listen(t, ip, 0)
	r = check(t, l, "pop.good.example", plainPort, settings.Plain, 5*time.Second)
	if !r.OK || r.CapaKnown || len(r.Warnings) != 1 || r.Warnings[0].Key != i18n.WarnPlainVerify {
		t.Errorf("plain: ok=%v capaKnown=%v warnings=%v; want a pass with the plain-text warning", r.OK, r.CapaKnown, r.Warnings)
	}

	soon := &testnet.POP3{TLS: true, Cert: l.cert(t, 5, "pop.soon.example")}
	soonPort := l.serve(t, soon, "pop.soon.example")
	r = check(t, l, "pop.soon.example", soonPort, settings.SSL, 5*time.Second)
	if !r.OK || len(r.Warnings) != 1 || r.Warnings[0].Key != i18n.WarnCertExpiring {
		t.Errorf("expiring soon: ok=%v warnings=%v; want a pass with a warning", r.OK, r.Warnings)
	}
}

func TestCheckFailures(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	other := testnet.NewCA(t)
	otherLeaf := other.Leaf(t, time.Now().Add(24*time.Hour), "pop.private.example")
	tests := []struct {
		name    string
		srv     *testnet.POP3
		host    string
		mode    settings.SocketType
		timeout time.Duration
		kind    probe.Kind
		want    string // in the problem text
	}{
		{"expired", &testnet.POP3{TLS: true, Cert: l.cert(t, -3, "pop.expired.example")}, "pop.expired.example", settings.SSL, 5 * time.Second, probe.KindCertExpired, "expired on " + time.Now().Add(-3*24*time.Hour).UTC().Format("2006-01-02")},
		{"name mismatch", &testnet.POP3{TLS: true, Cert: l.cert(t, 30, "mail.hoster.example", "www.hoster.example")}, "pop.customer.example", settings.SSL, 5 * time.Second, probe.KindCertName, "covers: mail.hoster.example, www.hoster.example"},
		{"unknown authority", &testnet.POP3{TLS: true, Cert: &otherLeaf}, "pop.private.example", settings.SSL, 5 * time.Second, probe.KindCertAuthority, "unknown authority"},
		{"ssl on a plain port", &testnet.POP3{}, "pop.plainport.example", settings.SSL, 5 * time.Second, probe.KindTLS, "did not answer in TLS"},
		{"no stls", &testnet.POP3{}, "pop.nostls.example", settings.STARTTLS, 5 * time.Second, probe.KindNoSTLS, "does not offer STLS"},
		{"garbage greeting", &testnet.POP3{Greeting: "220 smtp.example ESMTP ready"}, "smtp.example", settings.Plain, 5 * time.Second, probe.KindNotPOP3, `"220 smtp.example ESMTP ready"`},
		{"silent", &testnet.POP3{Silent: true}, "pop.silent.example", settings.Plain, time.Second, probe.KindNoGreeting, "accepted the connection but sent no greeting"},
		{"drip", &testnet.POP3{Drip: true, DripEvery: 300 * time.Millisecond}, "pop.drip.example", settings.Plain, time.Second, probe.KindTimeout, "did not finish its greeting within 1"},
		{"endless greeting", &testnet.POP3{Endless: true}, "pop.endless.example", settings.Plain, 5 * time.Second, probe.KindNotPOP3, "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			port := l.serve(t, tt.srv, tt.host)
			start := time.Now()
			r := check(t, l, tt.host, port, tt.mode, tt.timeout)
			if el := time.Since(start); el > tt.timeout+time.Second {
				t.Errorf("took %v; the deadline was %v", el, tt.timeout)
			}
			if r.OK || r.Kind != tt.kind {
				t.Fatalf("ok=%v kind=%q (%s); want kind %q", r.OK, r.Kind, i18n.English.Format(r.Problem), tt.kind)
			}
			if p := i18n.English.Format(r.Problem); !strings.Contains(p, tt.want) {
				t.Errorf("problem %q should contain %q", p, tt.want)
			}
			if h := i18n.English.Format(r.Hint); h == "" || h == r.Hint.Key {
				t.Errorf("no hint for %s", tt.kind)
			}
			for _, cmd := range tt.srv.Received() {
				if strings.HasPrefix(strings.ToUpper(cmd), "USER") || strings.HasPrefix(strings.ToUpper(cmd), "PASS") {
					t.Errorf("credentials sent: %q", cmd)
				}
			}
		})
	}
}

func TestCheckRefusedAndDNS(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ip := testnet.IP()
	ln := testnet.Listen(t, ip, 0)
	port := ln.Addr().(interface{ String() string }).String()
	ln.Close()
	l.dns.Host(t, ip, "pop.closed.example")
	p := 0
	for _, c := range port[strings.LastIndexByte(port, ':')+1:] {
		p = p*10 + int(c-'0')
	}
	r := check(t, l, "pop.closed.example", p, settings.SSL, 5*time.Second)
	if r.Kind != probe.KindRefused || !strings.Contains(i18n.English.Format(r.Problem), "refused") {
		t.Errorf("closed port: kind %q problem %q", r.Kind, i18n.English.Format(r.Problem))
	}
	r = check(t, l, "pop.nowhere.example", 995, settings.SSL, 5*time.Second)
	if r.Kind != probe.KindDNS || !strings.Contains(i18n.English.Format(r.Problem), "pop.nowhere.example") {
		t.Errorf("unknown name: kind %q problem %q", r.Kind, i18n.English.Format(r.Problem))
	}
	// DNS failures are DNS problems, never a closed port.
	l.dns.ServFail("pop.servfail.example")
	l.dns.Add(t, "pop.loop.example. 60 IN CNAME pop.loop.example.")
	for host, want := range map[string]string{
		"pop.servfail.example": "could not answer for pop.servfail.example (SERVFAIL)",
		"pop.loop.example":     "more than 8 aliases",
	} {
		r := check(t, l, host, 995, settings.SSL, 5*time.Second)
		if p := i18n.English.Format(r.Problem); r.Kind != probe.KindDNS || !strings.Contains(p, want) {
			t.Errorf("%s: kind %q problem %q; want kind dns, %q", host, r.Kind, p, want)
		}
	}
	dead := &probe.Prober{Dial: (&resolver.Resolver{Servers: []string{deadDNS(t)}}).DialContext}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	r = dead.Check(ctx, settings.POP3, "pop.example.org", 995, settings.SSL)
	if p := i18n.English.Format(r.Problem); r.Kind != probe.KindDNS || !strings.Contains(p, "no DNS server answered") {
		t.Errorf("dead DNS server: kind %q problem %q; want a DNS problem, not the port", r.Kind, p)
	}
}

// deadDNS returns the address of a UDP port where nothing listens.
func deadDNS(t *testing.T) string {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

func TestCheckSTLSRefusedAndLongCapa(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	port := l.serve(t, &testnet.POP3{RefuseSTLS: true}, "pop.refuse.example")
	r := check(t, l, "pop.refuse.example", port, settings.STARTTLS, 5*time.Second)
	if r.Kind != probe.KindSTLSRefused || !strings.Contains(i18n.English.Format(r.Problem), "lists STLS but refused it") {
		t.Errorf("refused STLS: kind %q problem %q", r.Kind, i18n.English.Format(r.Problem))
	}
	port = l.serve(t, &testnet.POP3{ExtraCapa: 200}, "pop.capa.example")
	r = check(t, l, "pop.capa.example", port, settings.Plain, 5*time.Second)
	if !strings.Contains(i18n.English.Format(r.Problem), "longer than 128 lines") {
		t.Errorf("long CAPA: kind %q problem %q", r.Kind, i18n.English.Format(r.Problem))
	}
}

func TestParseCapa(t *testing.T) {
	t.Parallel()
	c, err := probe.ParseCapa(strings.NewReader("+OK\r\nUSER\r\nSASL plain XOAUTH2\r\nSTLS\r\nEXPIRE 30\r\nLOGIN-DELAY 900\r\n.\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.STLS || strings.Join(c.SASL, ",") != "PLAIN,XOAUTH2" || len(c.Lines) != 5 {
		t.Errorf("capa %+v", c)
	}
	if _, err := probe.ParseCapa(strings.NewReader("-ERR no\r\n")); err == nil {
		t.Error("-ERR parsed as capabilities")
	}
	if _, err := probe.ParseCapa(strings.NewReader("+OK\r\nUSER\r\n")); err == nil {
		t.Error("an unterminated list parsed")
	}
	if _, err := probe.ParseCapa(strings.NewReader("+OK\r\n" + strings.Repeat("X\r\n", 1000) + ".\r\n")); err == nil {
		t.Error("a 1000-line CAPA was accepted")
	}
}
