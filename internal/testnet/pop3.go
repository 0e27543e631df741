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

// POP3 is a small in-process POP3 server for tests. It answers CAPA, STLS
// and QUIT, and can misbehave in the ways real servers do.
type POP3 struct {
	// Cert is served on implicit TLS (TLS true) or after STLS.
	Cert *tls.Certificate
	// TLS makes the listener speak TLS from the first byte (port 995 style).
	TLS bool
	// STLS advertises and accepts STLS (needs Cert).
	STLS bool
	// Greeting is sent first; empty means "+OK POP3 test server ready".
	Greeting string
	// Silent makes the server accept and never say anything: with TLS,
	// it does not answer the TLS handshake either.
	Silent bool
	// Reset sends the greeting and then resets the connection (a TCP RST,
	// as a server that drops a client at once does).
	Reset bool
	// Drip sends the greeting one byte per DripEvery.
	Drip      bool
	DripEvery time.Duration
	// Endless sends a greeting line that never ends.
	Endless bool
	// NoCapa answers CAPA with -ERR, as RFC 1939 servers do.
	NoCapa bool
	// RefuseSTLS lists STLS in CAPA and then answers it with -ERR.
	RefuseSTLS bool
	// ExtraCapa adds that many lines to the CAPA answer.
	ExtraCapa int
	// NoPlainBeforeTLS lists neither USER nor SASL before TLS, as Dovecot
	// with disable_plaintext_auth does.
	NoPlainBeforeTLS bool
	// MaxTLS caps the TLS version (tls.VersionTLS11, say) and lets TLS 1.0
	// in, for a server that is out of date; zero means Go's defaults.
	MaxTLS uint16
	// Ciphers, when set, are the only TLS 1.0–1.2 cipher suites the
	// server accepts (old, insecure ones, for a server out of date).
	Ciphers []uint16

	mu       sync.Mutex
	Commands []string // every command line received
	wg       sync.WaitGroup
}

// Serve serves p on l until the test ends.
func (p *POP3) Serve(t testing.TB, l net.Listener) {
	t.Helper()
	if p.TLS && !p.Silent {
		c := tlsConfig(*p.Cert, p.MaxTLS)
		c.CipherSuites = p.Ciphers
		l = tls.NewListener(l, c)
	}
	serveSessions(t, l, &p.wg, p.session)
}

// Listen serves p on a new port of ip and returns its port.
func (p *POP3) Listen(t testing.TB, ip string, port int) int {
	t.Helper()
	l := Listen(t, ip, port)
	p.Serve(t, l)
	return l.Addr().(*net.TCPAddr).Port
}

// Received returns the command lines the server got.
func (p *POP3) Received() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.Commands...)
}

func (p *POP3) session(c net.Conn) {
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if p.Silent {
		buf := make([]byte, 64)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	}
	greeting := p.Greeting
	if greeting == "" {
		greeting = "+OK POP3 test server ready"
	}
	switch {
	case p.Endless:
		chunk := []byte(strings.Repeat("+OK endless ", 100))
		for {
			if _, err := c.Write(chunk); err != nil {
				return
			}
		}
	case p.Drip:
		every := p.DripEvery
		if every == 0 {
			every = time.Second
		}
		for _, b := range []byte(greeting + "\r\n") {
			if _, err := c.Write([]byte{b}); err != nil {
				return
			}
			time.Sleep(every)
		}
	default:
		if _, err := c.Write([]byte(greeting + "\r\n")); err != nil {
			return
		}
	}
	if p.Reset {
		Reset(c)
		return
	}
	r := bufio.NewReader(c)
	var conn net.Conn = c
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		p.mu.Lock()
		p.Commands = append(p.Commands, line)
		p.mu.Unlock()
		cmd := strings.ToUpper(strings.Fields(line + " x")[0])
		switch cmd {
		case "CAPA":
			if p.NoCapa {
				conn.Write([]byte("-ERR unknown command\r\n"))
				continue
			}
			capa := "+OK capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\nSASL PLAIN XOAUTH2\r\nPIPELINING\r\n"
			if _, secure := conn.(*tls.Conn); p.NoPlainBeforeTLS && !secure {
				capa = "+OK capability list follows\r\nTOP\r\nUIDL\r\nPIPELINING\r\n"
			}
			if p.STLS || p.RefuseSTLS {
				if _, ok := conn.(*tls.Conn); !ok {
					capa += "STLS\r\n"
				}
			}
			capa += strings.Repeat("X-EXTRA capability\r\n", p.ExtraCapa)
			conn.Write([]byte(capa + ".\r\n"))
		case "STLS":
			if !p.STLS || p.RefuseSTLS {
				conn.Write([]byte("-ERR no STLS here\r\n"))
				continue
			}
			conn.Write([]byte("+OK begin TLS\r\n"))
			cfg := tlsConfig(*p.Cert, p.MaxTLS)
			cfg.CipherSuites = p.Ciphers
			tc := tls.Server(c, cfg)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn = tc
			r = bufio.NewReader(tc)
		case "QUIT":
			conn.Write([]byte("+OK bye\r\n"))
			return
		default:
			conn.Write([]byte("-ERR not here\r\n"))
		}
	}
}

// tlsConfig serves cert, with TLS versions up to max when max is set.
func tlsConfig(cert tls.Certificate, max uint16) *tls.Config {
	c := &tls.Config{Certificates: []tls.Certificate{cert}}
	if max != 0 {
		c.MinVersion, c.MaxVersion = tls.VersionTLS10, max
	}
	return c
}
