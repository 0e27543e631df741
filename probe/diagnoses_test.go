package probe_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// Each test here holds a diagnosis to what happened on the wire: what the
// server did decides the words, not which error the client's next step
// happened to meet.

// rawServer serves handle on a new loopback port under name, through
// testnet.ServeRaw, and returns the port.
func rawServer(t *testing.T, l *lab, name string, handle func(net.Conn)) int {
	t.Helper()
	ip := testnet.IP()
	l.dns.Host(t, ip, name)
	ln := testnet.Listen(t, ip, 0)
	testnet.ServeRaw(t, ln, handle)
	return ln.Addr().(*net.TCPAddr).Port
}

// silent reads whatever the client sends and never answers.
func silent(c net.Conn) {
	buf := make([]byte, 512)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

func problem(r *probe.Report) string { return i18n.English.Format(r.Problem) }
func hint(r *probe.Report) string    { return i18n.English.Format(r.Hint) }

// TestSilentTLSPort: a port that accepts the connection and then says
// nothing, neither a TLS handshake nor a greeting, is described as that.
// The connection was made, so no firewall dropped the packets.
func TestSilentTLSPort(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	pop := l.serve(t, &testnet.POP3{TLS: true, Silent: true}, "pop.silent-tls.example")
	other := rawServer(t, l, "mail.silent-tls.example", silent)
	for _, tt := range []struct {
		proto settings.Protocol
		host  string
		port  int
	}{
		{settings.POP3, "pop.silent-tls.example", pop},
		{settings.IMAP, "mail.silent-tls.example", other},
		{settings.SMTP, "mail.silent-tls.example", other},
	} {
		t.Run(tt.proto.Label(), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			r := l.prober.Check(ctx, tt.proto, tt.host, tt.port, settings.SSL)
			if r.OK || r.Kind != probe.KindNoGreeting {
				t.Fatalf("ok=%v kind %s: %s; want kind %s", r.OK, r.Kind, problem(r), probe.KindNoGreeting)
			}
			if len(r.Steps) != 2 || !r.Steps[0].OK || r.Steps[1].OK {
				t.Errorf("steps %+v; want connect ✓, TLS ✗", r.Steps)
			}
			want := "connected to " + tt.host + ":"
			if p := problem(r); !strings.HasPrefix(p, want) || !strings.Contains(p, "but no TLS handshake or greeting came within 1s") {
				t.Errorf("problem %q; want %q… but no TLS handshake or greeting", p, want)
			}
			if h := hint(r); strings.Contains(problem(r)+h, "drops the packets") || !strings.Contains(h, "other than "+tt.proto.Label()) {
				t.Errorf("problem %q, hint %q", problem(r), h)
			}
			if zh := i18n.Chinese.Format(r.Problem); !strings.Contains(zh, "1 秒内既没有 TLS 握手，也没有欢迎信息") {
				t.Errorf("Chinese problem %q", zh)
			}
		})
	}
}

// TestSilentAfterSTARTTLS: a server that accepts STARTTLS and then never
// answers the handshake has a broken TLS setup; no firewall is involved.
func TestSilentAfterSTARTTLS(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	port := rawServer(t, l, "pop.stls-silent.example", func(c net.Conn) {
		c.Write([]byte("+OK ready\r\n"))
		br := bufio.NewReader(c)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			switch strings.TrimSpace(line) {
			case "CAPA":
				c.Write([]byte("+OK\r\nSTLS\r\n.\r\n"))
			case "STLS":
				c.Write([]byte("+OK begin TLS\r\n"))
				silent(c)
				return
			}
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	r := l.prober.Check(ctx, settings.POP3, "pop.stls-silent.example", port, settings.STARTTLS)
	if r.OK || r.Kind != probe.KindTLS || !strings.Contains(problem(r), "accepted STLS but did not complete the TLS handshake within 1s") {
		t.Errorf("ok=%v kind %s: %s", r.OK, r.Kind, problem(r))
	}
	if strings.Contains(problem(r)+hint(r), "firewall") {
		t.Errorf("blames a firewall: %s / %s", problem(r), hint(r))
	}
}

// TestStalledGreeting: a greeting that starts and never finishes is a slow
// server, not a firewall.
func TestStalledGreeting(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	port := rawServer(t, l, "smtp.stalled.example", func(c net.Conn) {
		c.Write([]byte("220-smtp.stalled.example\r\n220-still"))
		silent(c)
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	r := l.prober.Check(ctx, settings.SMTP, "smtp.stalled.example", port, settings.Plain)
	if r.OK || r.Kind != probe.KindTimeout || !strings.Contains(problem(r), "accepted the connection but did not finish its greeting within 1s") {
		t.Errorf("ok=%v kind %s: %s", r.OK, r.Kind, problem(r))
	}
	if strings.Contains(problem(r)+hint(r), "firewall") || !strings.Contains(hint(r), "--timeout") {
		t.Errorf("problem %q hint %q", problem(r), hint(r))
	}
}

// TestResetAfterGreeting: a server that resets the connection right after
// its greeting closed it, as much as one that closes it cleanly, however
// the reset meets the client's next step (a read that gets ECONNRESET, a
// write that gets EPIPE). Many rounds, since the timing decides which.
func TestResetAfterGreeting(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	plain := l.serve(t, &testnet.POP3{Reset: true}, "pop.reset.example")
	ip := testnet.IP()
	l.dns.Host(t, ip, "pops.reset.example")
	tlsPort := (&testnet.POP3{TLS: true, Reset: true, Cert: l.cert(t, 30, "pops.reset.example")}).Listen(t, ip, 0)
	imap := rawServer(t, l, "imap.reset.example", func(c net.Conn) {
		c.Write([]byte("* OK ready\r\n"))
		testnet.Reset(c)
	})
	smtp := rawServer(t, l, "smtp.reset.example", func(c net.Conn) {
		c.Write([]byte("220 smtp.reset.example ESMTP\r\n"))
		testnet.Reset(c)
	})
	// Sometimes after a pause, so that the client has sent its next command
	// before the reset comes.
	late := rawServer(t, l, "late.reset.example", func(c net.Conn) {
		c.Write([]byte("+OK ready\r\n"))
		time.Sleep(20 * time.Millisecond)
		testnet.Reset(c)
	})
	cases := []struct {
		proto settings.Protocol
		host  string
		port  int
		mode  settings.SocketType
	}{
		{settings.POP3, "pop.reset.example", plain, settings.Plain},
		{settings.POP3, "pops.reset.example", tlsPort, settings.SSL},
		{settings.IMAP, "imap.reset.example", imap, settings.Plain},
		{settings.SMTP, "smtp.reset.example", smtp, settings.Plain},
		{settings.POP3, "late.reset.example", late, settings.Plain},
	}
	for _, tt := range cases {
		t.Run(tt.host, func(t *testing.T) {
			t.Parallel()
			kinds := map[probe.Kind]int{}
			for range 40 {
				r := checkAs(t, l, tt.proto, tt.host, tt.port, tt.mode)
				kinds[r.Kind]++
				if r.Kind != probe.KindClosed {
					t.Errorf("kind %s: %s (%v); want closed", r.Kind, problem(r), r.Err)
					break
				}
				if p := problem(r); !strings.HasPrefix(p, "the server closed the connection") {
					t.Errorf("problem %q", p)
				}
			}
			t.Logf("kinds %v", kinds)
		})
	}
}

// TestEndlessSMTPGreeting: an SMTP greeting of continuation lines that
// never ends is a greeting problem. EHLO was never sent, so the capability
// list is not to blame.
func TestEndlessSMTPGreeting(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	var mu sync.Mutex
	var got []string
	port := rawServer(t, l, "smtp.endless.example", func(c net.Conn) {
		go func() {
			br := bufio.NewReader(c)
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				mu.Lock()
				got = append(got, strings.TrimSpace(line))
				mu.Unlock()
			}
		}()
		for {
			if _, err := c.Write([]byte("220-still greeting you\r\n")); err != nil {
				return
			}
		}
	})
	r := checkAs(t, l, settings.SMTP, "smtp.endless.example", port, settings.Plain)
	if r.OK || r.Kind != probe.KindNotSMTP {
		t.Fatalf("ok=%v kind %s: %s", r.OK, r.Kind, problem(r))
	}
	if p := problem(r); p != "the server's SMTP greeting did not end after 128 lines" {
		t.Errorf("problem %q", p)
	}
	if zh := i18n.Chinese.Format(r.Problem); zh != "服务器的 SMTP 欢迎信息超过 128 行仍未结束" {
		t.Errorf("Chinese problem %q", zh)
	}
	if last := r.Steps[len(r.Steps)-1]; last.OK || !strings.Contains(i18n.English.Format(last.Name), "greeting") {
		t.Errorf("the failed step is %q", i18n.English.Format(last.Name))
	}
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for _, line := range got {
		if strings.HasPrefix(strings.ToUpper(line), "EHLO") {
			t.Errorf("EHLO sent to a server still greeting: %q", got)
		}
	}

	// A greeting line that never ends is a greeting problem as well.
	port = l.serve(t, &testnet.POP3{Endless: true}, "pop.endless.example")
	r = checkAs(t, l, settings.POP3, "pop.endless.example", port, settings.Plain)
	if p := problem(r); r.Kind != probe.KindNotPOP3 || p != "the server's POP3 greeting has a line longer than 1024 bytes" {
		t.Errorf("endless line: kind %s problem %q", r.Kind, p)
	}
}

// TestSubmissionWithoutAUTH: an SMTP server that offers no AUTH even after
// TLS works, but nobody can log in to send through it: a pass with a
// warning. The check itself never logs in.
func TestSubmissionWithoutAUTH(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ip := testnet.IP()
	l.dns.Host(t, ip, "smtp.relay.example")
	cert := l.cert(t, 90, "smtp.relay.example")
	relays := []*testnet.SMTP{{Cert: cert, NoAuth: true}, {Cert: cert, TLS: true, NoAuth: true}}
	ports := []int{relays[0].Listen(t, ip, 0), relays[1].Listen(t, ip, 0)}
	good := &testnet.SMTP{Cert: cert}
	goodPort := good.Listen(t, ip, 0)
	for i, mode := range []settings.SocketType{settings.STARTTLS, settings.SSL} {
		r := checkAs(t, l, settings.SMTP, "smtp.relay.example", ports[i], mode)
		if !r.OK || len(r.Capa.SASL) != 0 {
			t.Fatalf("%s: ok=%v %s; SASL %v", mode, r.OK, problem(r), r.Capa.SASL)
		}
		if len(r.Warnings) != 1 || r.Warnings[0].Key != i18n.WarnNoAuth {
			t.Errorf("%s: warnings %v; want the no-AUTH warning", mode, r.Warnings)
		} else if w := i18n.English.Format(r.Warnings[0]); !strings.Contains(w, "nobody can log in to send") {
			t.Errorf("%s: warning %q", mode, w)
		}
		if a := relays[i].Abuses(); len(a) > 0 {
			t.Errorf("%s: the server saw %v", mode, a)
		}
	}
	r := checkAs(t, l, settings.SMTP, "smtp.relay.example", goodPort, settings.STARTTLS)
	if !r.OK || len(r.Warnings) != 0 {
		t.Errorf("a submission server with AUTH: ok=%v warnings %v", r.OK, r.Warnings)
	}
}

// TestMatchedCertificateName: the report names the certificate's name that
// covers the host, a wildcard included.
func TestMatchedCertificateName(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ip := testnet.IP()
	l.dns.Host(t, ip, "pop.wild.example", "pop.exact.example")
	wild := (&testnet.POP3{TLS: true, Cert: l.cert(t, 30, "www.wild.example", "*.wild.example", "pop.exact.example")}).Listen(t, ip, 0)
	for host, want := range map[string]string{"pop.wild.example": "*.wild.example", "pop.exact.example": "pop.exact.example"} {
		r := checkAs(t, l, settings.POP3, host, wild, settings.SSL)
		if !r.OK || r.TLSInfo == nil || r.TLSInfo.MatchedName != want {
			t.Errorf("%s: ok=%v TLS %+v; want the matched name %s", host, r.OK, r.TLSInfo, want)
		}
	}
	// The name is the server's to write: cleaned, like the rest.
	l.dns.Host(t, ip, "pop.other.example")
	r := checkAs(t, l, settings.POP3, "pop.other.example", wild, settings.SSL)
	if r.OK || r.Kind != probe.KindCertName || r.TLSInfo.MatchedName != "" {
		t.Errorf("mismatch: ok=%v kind %s matched %q", r.OK, r.Kind, r.TLSInfo.MatchedName)
	}
}

// resolverTellsNoData reports whether the resolver says which of NXDOMAIN
// and NODATA left a name without addresses (DNSError.Rcode).
func resolverTellsNoData(t *testing.T, l *lab, name string) bool {
	r := &resolver.Resolver{Servers: []string{l.dns.Addr}, Dial: testnet.Dial}
	_, err := r.LookupIP(context.Background(), name)
	var de *resolver.DNSError
	return errors.As(err, &de) && de.Rcode >= 0
}

// TestNoSuchNameAndNoAddress: a name that does not exist (NXDOMAIN) and a
// name that exists without an address (NODATA: a mail domain with only MX
// records, say) are different mistakes, told apart.
func TestNoSuchNameAndNoAddress(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	l.dns.Add(t, "maildomain.example. 60 IN MX 10 mx.maildomain.example.")
	if !resolverTellsNoData(t, l, "maildomain.example") {
		t.Skip("the resolver does not yet say NXDOMAIN from NODATA (DNSError.Rcode is -1 for both)")
	}
	r := check(t, l, "maildomain.example", 995, settings.SSL, 5*time.Second)
	if r.Kind != probe.KindDNS || problem(r) != "the host name maildomain.example exists but has no address (A/AAAA) records" {
		t.Errorf("NODATA: kind %s problem %q", r.Kind, problem(r))
	}
	if h := hint(r); !strings.Contains(h, "not the mail domain") {
		t.Errorf("NODATA hint %q", h)
	}
	r = check(t, l, "pop.nxdomain.example", 995, settings.SSL, 5*time.Second)
	if r.Kind != probe.KindDNS || problem(r) != "the host name pop.nxdomain.example does not exist in DNS" {
		t.Errorf("NXDOMAIN: kind %s problem %q", r.Kind, problem(r))
	}
	if zh := i18n.Chinese.Format(r.Problem); zh != "DNS 中不存在主机名 pop.nxdomain.example" {
		t.Errorf("NXDOMAIN in Chinese: %q", zh)
	}
}

// TestCancelledCheck: a check its caller stops says so, and nothing about
// the server: whichever step it was in, it is no timeout, no closed
// connection, no network error.
func TestCancelledCheck(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	plain := l.serve(t, &testnet.POP3{Silent: true}, "pop.cancel.example")
	ip := testnet.IP()
	l.dns.Host(t, ip, "pops.cancel.example")
	tlsPort := (&testnet.POP3{TLS: true, Silent: true}).Listen(t, ip, 0)
	for _, tt := range []struct {
		host string
		port int
		mode settings.SocketType
	}{{"pop.cancel.example", plain, settings.Plain}, {"pops.cancel.example", tlsPort, settings.SSL}} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		r := l.prober.Check(ctx, settings.POP3, tt.host, tt.port, tt.mode)
		if r.OK || !r.Cancelled() || r.Kind != probe.KindCancelled || !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%s: ok=%v kind %s: %s (%v); want cancelled", tt.mode, r.OK, r.Kind, problem(r), r.Err)
		}
	}
	r := probe.Interrupted(settings.POP3, "pop.cancel.example", 995, settings.SSL, context.Canceled)
	if !r.Cancelled() {
		t.Errorf("Interrupted(context.Canceled) is kind %s", r.Kind)
	}
}
