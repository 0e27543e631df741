package testnet

import (
	"bufio"
	"crypto/tls"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// IMAP is a small in-process IMAP server for tests: it answers CAPABILITY,
// STARTTLS, NOOP and LOGOUT, and can misbehave in the ways real servers do.
// The live checks against a real server use Dovecot (probe's tests).
type IMAP struct {
	// Cert is served on implicit TLS (TLS true) or after STARTTLS.
	Cert *tls.Certificate
	// TLS makes the listener speak TLS from the first byte (993 style).
	TLS bool
	// STARTTLS advertises and accepts STARTTLS (needs Cert).
	STARTTLS bool
	// Greeting is sent first; empty means "* OK IMAP test server ready".
	Greeting string
	// ExtraCapa adds that many untagged lines to the CAPABILITY answer.
	ExtraCapa int
	// LoginBeforeTLS leaves LOGINDISABLED out before TLS: the server takes
	// a password in the clear.
	LoginBeforeTLS bool
	// AuthPlainBeforeTLS advertises AUTH=PLAIN before TLS even with
	// LOGINDISABLED: LOGIN is refused, but AUTHENTICATE PLAIN still takes
	// a password in the clear. Without it (and without LoginBeforeTLS)
	// the server behaves as Dovecot with disable_plaintext_auth: no
	// password mechanism before TLS.
	AuthPlainBeforeTLS bool
	// MaxTLS caps the TLS version, as POP3.MaxTLS does.
	MaxTLS uint16

	mu       sync.Mutex
	commands []string
	wg       sync.WaitGroup
}

// Received returns the command lines the server got, tags removed.
func (m *IMAP) Received() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.commands...)
}

// Listen serves m on a new port of ip (see testnet.Listen) and returns its
// port.
func (m *IMAP) Listen(t testing.TB, ip string, port int) int {
	t.Helper()
	l := Listen(t, ip, port)
	if m.TLS {
		l = tls.NewListener(l, tlsConfig(*m.Cert, m.MaxTLS))
	}
	serveSessions(t, l, &m.wg, m.session)
	return l.Addr().(*net.TCPAddr).Port
}

func (m *IMAP) session(c net.Conn) {
	c.SetDeadline(time.Now().Add(30 * time.Second))
	greeting := m.Greeting
	if greeting == "" {
		greeting = "* OK IMAP test server ready"
	}
	if _, err := c.Write([]byte(greeting + "\r\n")); err != nil {
		return
	}
	var conn net.Conn = c
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		fields := strings.Fields(strings.TrimRight(line, "\r\n"))
		if len(fields) < 2 {
			conn.Write([]byte("* BAD no tag or command\r\n"))
			continue
		}
		tag, cmd := fields[0], strings.ToUpper(fields[1])
		m.mu.Lock()
		m.commands = append(m.commands, strings.Join(fields[1:], " "))
		m.mu.Unlock()
		switch cmd {
		case "CAPABILITY":
			capa := "* CAPABILITY IMAP4rev1 IMAP4rev2 ID IDLE"
			_, secure := conn.(*tls.Conn)
			if secure || m.LoginBeforeTLS || m.AuthPlainBeforeTLS {
				capa += " AUTH=PLAIN"
			}
			if !secure {
				if m.STARTTLS {
					capa += " STARTTLS"
				}
				if !m.LoginBeforeTLS {
					capa += " LOGINDISABLED"
				}
			}
			out := capa + "\r\n" + strings.Repeat("* CAPABILITY X-EXTRA\r\n", m.ExtraCapa)
			conn.Write([]byte(out + tag + " OK CAPABILITY completed\r\n"))
		case "STARTTLS":
			if !m.STARTTLS {
				conn.Write([]byte(tag + " BAD STARTTLS not offered\r\n"))
				continue
			}
			conn.Write([]byte(tag + " OK begin TLS\r\n"))
			tc := tls.Server(c, tlsConfig(*m.Cert, m.MaxTLS))
			if err := tc.Handshake(); err != nil {
				return
			}
			conn = tc
			r = bufio.NewReader(tc)
		case "NOOP":
			conn.Write([]byte(tag + " OK NOOP completed\r\n"))
		case "LOGOUT":
			conn.Write([]byte("* BYE logging out\r\n" + tag + " OK LOGOUT completed\r\n"))
			return
		default:
			conn.Write([]byte(tag + " NO not in a test\r\n"))
		}
	}
}
