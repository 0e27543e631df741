package testnet

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP is a real SMTP submission server for tests, built on
// github.com/emersion/go-smtp: implicit TLS (port 465 style) or STARTTLS
// (587 style), with AUTH PLAIN advertised and SIZE. It records any attempt
// to log in or to send, which popfind must never make.
type SMTP struct {
	// Cert is served on implicit TLS (TLS true) or after STARTTLS.
	Cert *tls.Certificate
	// TLS makes the listener speak TLS from the first byte.
	TLS bool
	// Domain is the name in the greeting; empty means "smtp.test".
	Domain string
	// MaxMessageBytes is advertised as SIZE; zero means 25 MiB.
	MaxMessageBytes int64
	// NoAuth offers no AUTH at all, even over TLS, as a relay (port 25's
	// server) does.
	NoAuth bool

	mu     sync.Mutex
	abuses []string
}

// Abuses returns what a client did that popfind must never do: AUTH, MAIL
// FROM, RCPT TO, DATA.
func (s *SMTP) Abuses() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.abuses...)
}

func (s *SMTP) abuse(what string) error {
	s.mu.Lock()
	s.abuses = append(s.abuses, what)
	s.mu.Unlock()
	return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "not in a test"}
}

// Listen serves s on a new port of ip (see testnet.Listen) and returns its
// port.
func (s *SMTP) Listen(t testing.TB, ip string, port int) int {
	t.Helper()
	l := Listen(t, ip, port)
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		if s.NoAuth {
			return &relaySession{smtpSession{s}}, nil
		}
		return &smtpSession{s}, nil
	}))
	srv.Domain = s.Domain
	if srv.Domain == "" {
		srv.Domain = "smtp.test"
	}
	srv.MaxMessageBytes = s.MaxMessageBytes
	if srv.MaxMessageBytes == 0 {
		srv.MaxMessageBytes = 25 << 20
	}
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if s.Cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*s.Cert}}
	}
	if s.TLS {
		l = tls.NewListener(l, srv.TLSConfig)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(l)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return l.Addr().(*net.TCPAddr).Port
}

type smtpSession struct{ s *SMTP }

func (x *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (x *smtpSession) Auth(string) (sasl.Server, error) {
	return nil, x.s.abuse("AUTH")
}
func (x *smtpSession) Mail(string, *smtp.MailOptions) error { return x.s.abuse("MAIL FROM") }
func (x *smtpSession) Rcpt(string, *smtp.RcptOptions) error { return x.s.abuse("RCPT TO") }
func (x *smtpSession) Data(io.Reader) error                 { return x.s.abuse("DATA") }
func (x *smtpSession) Reset()                               {}
func (x *smtpSession) Logout() error                        { return nil }

var _ smtp.AuthSession = (*smtpSession)(nil)

// relaySession is a session without AuthSession's methods: go-smtp then
// lists no AUTH in its EHLO answer.
type relaySession struct{ x smtpSession }

func (r *relaySession) Mail(from string, o *smtp.MailOptions) error { return r.x.Mail(from, o) }
func (r *relaySession) Rcpt(to string, o *smtp.RcptOptions) error   { return r.x.Rcpt(to, o) }
func (r *relaySession) Data(d io.Reader) error                      { return r.x.Data(d) }
func (r *relaySession) Reset()                                      {}
func (r *relaySession) Logout() error                               { return nil }
