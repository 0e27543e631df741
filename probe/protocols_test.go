package probe_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

func checkAs(t *testing.T, l *lab, proto settings.Protocol, host string, port int, mode settings.SocketType) *probe.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return l.prober.Check(ctx, proto, host, port, mode)
}

// listenRaw serves handle on a new loopback port under name: a server that
// says whatever a test needs.
func listenRaw(t *testing.T, l *lab, name string, handle func(net.Conn)) int {
	t.Helper()
	ip := testnet.IP()
	l.dns.Host(t, ip, name)
	ln := testnet.Listen(t, ip, 0)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				handle(c)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// SMTP submission, against go-smtp: implicit TLS and STARTTLS pass, EHLO's
// extensions are read (AUTH, SIZE, STARTTLS before the upgrade), and the
// server never sees AUTH, MAIL FROM, RCPT TO or DATA.
func TestCheckSMTP(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ip := testnet.IP()
	l.dns.Host(t, ip, "smtp.good.example")
	cert := l.cert(t, 90, "smtp.good.example")
	ssl := &testnet.SMTP{TLS: true, Cert: cert, Domain: "smtp.good.example", MaxMessageBytes: 35 << 20}
	sslPort := ssl.Listen(t, ip, 0)
	sub := &testnet.SMTP{Cert: cert, Domain: "smtp.good.example"}
	subPort := sub.Listen(t, ip, 0)

	r := checkAs(t, l, settings.SMTP, "smtp.good.example", sslPort, settings.SSL)
	if !r.OK {
		t.Fatalf("465: %s: %v", i18n.English.Format(r.Problem), r.Err)
	}
	if r.Protocol != settings.SMTP || !strings.HasPrefix(r.Greeting, "220 smtp.good.example") {
		t.Errorf("protocol %s greeting %q", r.Protocol, r.Greeting)
	}
	if r.Capa.Size != 35<<20 || strings.Join(r.Capa.SASL, ",") != "PLAIN" || r.Capa.STLS {
		t.Errorf("capabilities %+v; want SIZE, AUTH PLAIN and no STARTTLS inside TLS", r.Capa)
	}
	var steps []string
	for _, s := range r.Steps {
		steps = append(steps, i18n.English.Format(s.Name))
	}
	if got := strings.Join(steps, " | "); !strings.Contains(got, "SMTP greeting | capabilities (EHLO) | QUIT") {
		t.Errorf("steps %s", got)
	}

	r = checkAs(t, l, settings.SMTP, "smtp.good.example", subPort, settings.STARTTLS)
	if !r.OK || r.TLSInfo == nil || !r.TLSInfo.Verified || !r.Capa.STLS {
		t.Fatalf("587: ok=%v %s: %v (TLS %+v)", r.OK, i18n.English.Format(r.Problem), r.Err, r.TLSInfo)
	}
	for _, s := range []*testnet.SMTP{ssl, sub} {
		if a := s.Abuses(); len(a) > 0 {
			t.Errorf("the server saw %v; a check never logs in or sends", a)
		}
	}

	// Plain text on a STARTTLS port whose server offers no STARTTLS.
	bare := &testnet.SMTP{Domain: "smtp.good.example"}
	barePort := bare.Listen(t, ip, 0)
	r = checkAs(t, l, settings.SMTP, "smtp.good.example", barePort, settings.STARTTLS)
	if r.OK || r.Kind != probe.KindNoSTLS || !strings.Contains(i18n.English.Format(r.Problem), "does not offer STARTTLS") || !strings.Contains(i18n.English.Format(r.Hint), "port 465") {
		t.Errorf("no STARTTLS: ok=%v kind %s: %s / %s", r.OK, r.Kind, i18n.English.Format(r.Problem), i18n.English.Format(r.Hint))
	}
}

// IMAP, against the in-process server: tagged commands, CAPABILITY with
// AUTH= and LOGINDISABLED, STARTTLS and LOGOUT, and nothing else.
func TestCheckIMAP(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ip := testnet.IP()
	l.dns.Host(t, ip, "imap.good.example")
	cert := l.cert(t, 90, "imap.good.example")
	ssl := &testnet.IMAP{TLS: true, Cert: cert}
	sslPort := ssl.Listen(t, ip, 0)
	stls := &testnet.IMAP{STARTTLS: true, Cert: cert}
	stlsPort := stls.Listen(t, ip, 0)

	r := checkAs(t, l, settings.IMAP, "imap.good.example", sslPort, settings.SSL)
	if !r.OK || strings.Join(r.Capa.SASL, ",") != "PLAIN" || r.Capa.LoginDisabled {
		t.Fatalf("993: ok=%v %s; capa %+v", r.OK, i18n.English.Format(r.Problem), r.Capa)
	}
	if got := strings.Join(ssl.Received(), ","); got != "CAPABILITY,LOGOUT" {
		t.Errorf("the server received %q", got)
	}
	r = checkAs(t, l, settings.IMAP, "imap.good.example", stlsPort, settings.STARTTLS)
	if !r.OK || !r.Capa.STLS || r.Capa.LoginDisabled {
		t.Fatalf("143: ok=%v %s; capa %+v (LOGINDISABLED is gone after STARTTLS)", r.OK, i18n.English.Format(r.Problem), r.Capa)
	}
	if got := strings.Join(stls.Received(), ","); got != "CAPABILITY,STARTTLS,CAPABILITY,LOGOUT" {
		t.Errorf("the server received %q; a check never sends LOGIN or AUTHENTICATE", got)
	}
}

// The failure classes of POP3 hold for IMAP and SMTP, worded for each.
func TestCheckOtherProtocolsFail(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	pop := l.serve(t, &testnet.POP3{}, "pop.wrong.example")
	long := listenRaw(t, l, "long.wrong.example", func(c net.Conn) {
		c.Write([]byte(strings.Repeat("220-hello\r\n", 1000)))
	})
	bye := listenRaw(t, l, "bye.wrong.example", func(c net.Conn) {
		c.Write([]byte("* BYE too many connections\r\n"))
	})
	busy := listenRaw(t, l, "busy.wrong.example", func(c net.Conn) {
		c.Write([]byte("554 5.7.1 your address is listed\r\n"))
	})
	refuse := listenRaw(t, l, "refuse.wrong.example", func(c net.Conn) {
		c.Write([]byte("220 ready\r\n"))
		buf := make([]byte, 512)
		n, _ := c.Read(buf) // EHLO
		if strings.HasPrefix(string(buf[:n]), "EHLO [") {
			c.Write([]byte("250-refuse.wrong.example\r\n250 STARTTLS\r\n"))
		}
		c.Read(buf) // STARTTLS
		c.Write([]byte("454 4.7.0 TLS not available\r\n"))
	})
	ip := testnet.IP()
	l.dns.Host(t, ip, "capa.wrong.example")
	imapLong := (&testnet.IMAP{ExtraCapa: 500}).Listen(t, ip, 0)
	for _, tt := range []struct {
		name  string
		proto settings.Protocol
		host  string
		port  int
		mode  settings.SocketType
		kind  probe.Kind
		want  string
	}{
		{"POP3 server asked for IMAP", settings.IMAP, "pop.wrong.example", pop, settings.Plain, probe.KindNotIMAP, "does not speak IMAP"},
		{"POP3 server asked for SMTP", settings.SMTP, "pop.wrong.example", pop, settings.Plain, probe.KindNotSMTP, "does not speak SMTP"},
		{"endless IMAP capabilities", settings.IMAP, "capa.wrong.example", imapLong, settings.Plain, probe.KindNotIMAP, "capability list (CAPABILITY) is longer than 128 lines"},
		{"endless SMTP greeting", settings.SMTP, "long.wrong.example", long, settings.Plain, probe.KindNotSMTP, "SMTP greeting did not end after 128 lines"},
		{"nothing listening", settings.SMTP, "pop.wrong.example", 1, settings.SSL, probe.KindRefused, "refused"},
		{"IMAP BYE", settings.IMAP, "bye.wrong.example", bye, settings.Plain, probe.KindClosed, "too many connections"},
		{"SMTP 554", settings.SMTP, "busy.wrong.example", busy, settings.Plain, probe.KindClosed, "listed"},
		{"STARTTLS refused", settings.SMTP, "refuse.wrong.example", refuse, settings.STARTTLS, probe.KindSTLSRefused, "lists STARTTLS but refused it"},
	} {
		r := checkAs(t, l, tt.proto, tt.host, tt.port, tt.mode)
		if r.OK || r.Kind != tt.kind || !strings.Contains(i18n.English.Format(r.Problem), tt.want) {
			t.Errorf("%s: ok=%v kind %s problem %q; want %s mentioning %q", tt.name, r.OK, r.Kind, i18n.English.Format(r.Problem), tt.kind, tt.want)
		}
	}
}
