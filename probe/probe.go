// Package probe talks to POP3 servers without logging in: it connects,
// checks TLS and the certificate, reads the greeting and the capabilities,
// and says QUIT. --verify and last-resort guessing share it. It never sends
// a user name or a password.
package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/lookup/settings"
)

// Prober checks POP3 servers. Its fields are its dependencies; the zero
// value dials with the system resolver and trusts the system roots.
type Prober struct {
	// Dial opens TCP connections; popfind passes its resolver's DialContext
	// so that --dns covers these too. Nil means a plain net.Dialer.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// RootCAs are the trusted roots; nil means the system's (Go honours
	// SSL_CERT_FILE and SSL_CERT_DIR).
	RootCAs *x509.CertPool
	// Now returns the time for certificate checks; nil means time.Now.
	Now func() time.Time
}

// Kind classifies a failed check.
type Kind string

// The failure kinds, as the JSON verify.kind field spells them.
const (
	KindRefused       Kind = "refused"
	KindTimeout       Kind = "timeout"
	KindDNS           Kind = "dns"
	KindCertExpired   Kind = "cert_expired"
	KindCertName      Kind = "cert_name"
	KindCertAuthority Kind = "cert_authority"
	KindCert          Kind = "cert"
	KindTLS           Kind = "tls_handshake"
	KindNotPOP3       Kind = "not_pop3"
	KindNoSTLS        Kind = "no_stls"
	KindSTLSRefused   Kind = "stls_refused"
	KindNoGreeting    Kind = "no_greeting"
	KindClosed        Kind = "closed"
	KindNetwork       Kind = "network"
)

// Step is one line of the check list.
type Step struct {
	Name     i18n.Msg
	OK       bool
	Duration time.Duration
}

// TLSInfo describes the negotiated TLS session and the server certificate.
type TLSInfo struct {
	Version  string
	Cipher   string
	Subject  string
	Issuer   string
	DNSNames []string // at most 100 of them
	// NameCount is how many names the certificate covers in all.
	NameCount int
	NotAfter  time.Time
	DaysLeft  int
	Verified  bool
}

// Report is the outcome of one check.
type Report struct {
	OK         bool
	Host       string
	Port       int
	SocketType settings.SocketType
	// Addr is the IP:port connected to.
	Addr    string
	Connect time.Duration
	TLS     time.Duration
	Total   time.Duration
	TLSInfo *TLSInfo
	// Greeting is the server's first line, made printable.
	Greeting string
	Capa     Capabilities
	// CapaKnown is false when the server refused CAPA (RFC 1939 servers).
	CapaKnown bool
	Steps     []Step
	// Kind, Problem and Hint are set when the check failed.
	Kind    Kind
	Problem i18n.Msg
	Hint    i18n.Msg
	Err     error
	// Warnings hold problems that do not fail the check: plain text, a
	// certificate close to expiry.
	Warnings []i18n.Msg
}

// Interrupted is the report of a check that its caller stopped waiting for
// (err is the caller's context error) before it finished.
func Interrupted(host string, port int, mode settings.SocketType, err error) *Report {
	r := &Report{Host: host, Port: port, SocketType: mode, Err: err, Kind: KindTimeout,
		Problem: i18n.M(i18n.FailNetwork, "the check was cancelled"), Hint: i18n.M(i18n.HintTimeout)}
	if errors.Is(err, context.DeadlineExceeded) {
		r.Problem = i18n.M(i18n.FailNetwork, "the check did not finish before the deadline")
	}
	return r
}

// ExpiryWarning is how close to its end a certificate gets a warning.
const ExpiryWarning = 14 * 24 * time.Hour

// Check connects to host:port in mode and reports what it found. It never
// logs in. Every step is bounded by ctx.
func (p *Prober) Check(ctx context.Context, host string, port int, mode settings.SocketType) *Report {
	start := time.Now()
	r := &Report{Host: host, Port: port, SocketType: mode}
	defer func() { r.Total = time.Since(start) }()
	target := net.JoinHostPort(host, strconv.Itoa(port))

	// 1. TCP.
	dial := p.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	t0 := time.Now()
	raw, err := dial(ctx, "tcp", target)
	r.Connect = time.Since(t0)
	r.step(i18n.M(i18n.StepConnect, target), err == nil, r.Connect)
	if err != nil {
		r.fail(classifyDial(err, target, time.Since(start)), err)
		return r
	}
	r.Addr = raw.RemoteAddr().String()
	var conn net.Conn = raw
	defer func() { conn.Close() }()
	// The deadline covers every read and write; cancellation closes the
	// connection so that nothing waits past it.
	if dl, ok := ctx.Deadline(); ok {
		raw.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	// 2. Implicit TLS comes first.
	if mode == settings.SSL {
		tc, ok := p.handshake(ctx, r, raw, host)
		if !ok {
			return r
		}
		conn = tc
	}
	br := bufio.NewReaderSize(conn, 4096)

	// 3. The greeting.
	t0 = time.Now()
	greeting, err := readLine(br)
	if err != nil {
		r.step(i18n.M(i18n.StepGreeting), false, time.Since(t0))
		f := p.classifyIO(err, target, time.Since(start), "no greeting")
		if f.kind == KindTimeout && greeting == "" {
			// The connection (and TLS) worked: a firewall is not to blame,
			// whatever listens there just does not speak first.
			f = failure{KindNoGreeting, i18n.M(i18n.FailNoGreeting, target, round(time.Since(t0))), i18n.M(i18n.HintNoGreeting)}
		}
		r.fail(f, err)
		return r
	}
	r.Greeting = printable(greeting, 200)
	if !strings.HasPrefix(greeting, "+OK") {
		r.step(i18n.M(i18n.StepGreeting), false, time.Since(t0))
		r.fail(failure{KindNotPOP3, i18n.M(i18n.FailNotPOP3, strconv.Quote(printable(greeting, 100))), i18n.M(i18n.HintNotPOP3)},
			fmt.Errorf("greeting %q is not +OK", printable(greeting, 100)))
		return r
	}
	r.step(i18n.M(i18n.StepGreeting), true, time.Since(t0))

	// 4. Capabilities, and for STARTTLS the upgrade and a second CAPA, since
	// a server may change them once the connection is secure (RFC 2595).
	if !p.capa(r, conn, br, target, start) {
		return r
	}
	if mode == settings.STARTTLS {
		if !r.Capa.STLS {
			r.step(i18n.M(i18n.StepSTLS), false, 0)
			r.fail(failure{KindNoSTLS, i18n.M(i18n.FailNoSTLS), i18n.M(i18n.HintNoSTLS)}, errors.New("CAPA does not list STLS"))
			return r
		}
		t0 = time.Now()
		line, err := command(conn, br, "STLS")
		if err != nil {
			r.step(i18n.M(i18n.StepSTLS), false, time.Since(t0))
			r.fail(p.classifyIO(err, target, time.Since(start), "no STLS answer"), err)
			return r
		}
		if !strings.HasPrefix(line, "+OK") {
			// Advertised, then refused: not the same as not offered.
			r.step(i18n.M(i18n.StepSTLS), false, time.Since(t0))
			answer := printable(line, 100)
			r.fail(failure{KindSTLSRefused, i18n.M(i18n.FailSTLSRefused, strconv.Quote(answer)), i18n.M(i18n.HintSTLSRefused)},
				fmt.Errorf("STLS answered %q", answer))
			return r
		}
		r.step(i18n.M(i18n.StepSTLS), true, time.Since(t0))
		if br.Buffered() > 0 {
			// Bytes after +OK and before the handshake would be injected
			// plain text (CVE-2011-0411 style): refuse them.
			r.fail(failure{KindTLS, i18n.M(i18n.FailTLS, "data after the STLS answer"), i18n.M(i18n.HintTLS)}, errors.New("plain text after STLS +OK"))
			return r
		}
		tc, ok := p.handshake(ctx, r, raw, host)
		if !ok {
			return r
		}
		conn = tc
		br = bufio.NewReaderSize(conn, 4096)
		if !p.capa(r, conn, br, target, start) {
			return r
		}
		// Servers stop listing STLS once it is done (RFC 2595 §4).
		r.Capa.STLS = true
	}
	if mode == settings.Plain {
		r.Warnings = append(r.Warnings, i18n.M(i18n.WarnPlainVerify))
	}

	// 5. QUIT, politely; its answer does not change the verdict.
	t0 = time.Now()
	_, err = command(conn, br, "QUIT")
	r.step(i18n.M(i18n.StepQuit), err == nil, time.Since(t0))
	r.OK = true
	return r
}

func (r *Report) step(name i18n.Msg, ok bool, d time.Duration) {
	r.Steps = append(r.Steps, Step{Name: name, OK: ok, Duration: d})
}

// capa sends CAPA and records the answer. A server that refuses CAPA (an
// RFC 1939 server) passes, with capabilities unknown.
func (p *Prober) capa(r *Report, conn net.Conn, br *bufio.Reader, target string, start time.Time) bool {
	t0 := time.Now()
	status, err := command(conn, br, "CAPA")
	if err == nil && strings.HasPrefix(status, "+OK") {
		var c Capabilities
		c, err = readCapa(br)
		if err == nil {
			r.Capa, r.CapaKnown = c, true
		}
	} else if err == nil {
		r.Capa, r.CapaKnown = Capabilities{}, false
	}
	r.step(i18n.M(i18n.StepCAPA), err == nil, time.Since(t0))
	if err != nil {
		r.fail(p.classifyIO(err, target, time.Since(start), "no CAPA answer"), err)
		return false
	}
	return true
}

// command sends one command and reads its status line.
func command(conn net.Conn, br *bufio.Reader, cmd string) (string, error) {
	if _, err := io.WriteString(conn, cmd+"\r\n"); err != nil {
		return "", err
	}
	return readLine(br)
}

// handshake runs the TLS handshake, then checks the certificate itself so
// that a failed check still reports what the certificate says.
func (p *Prober) handshake(ctx context.Context, r *Report, raw net.Conn, host string) (*tls.Conn, bool) {
	t0 := time.Now()
	tc := tls.Client(raw, &tls.Config{
		ServerName: host,
		MinVersion: tls.VersionTLS12,
		// Verification happens below, with the same rules, after the
		// handshake: it keeps the certificate for the report.
		InsecureSkipVerify: true, //nolint:gosec // verified in verifyCert
	})
	err := tc.HandshakeContext(ctx)
	r.TLS = time.Since(t0)
	name := "TLS"
	if err != nil {
		r.step(i18n.M(i18n.StepTLS, name), false, r.TLS)
		f := failure{KindTLS, i18n.M(i18n.FailTLS, tlsReason(err)), i18n.M(i18n.HintTLS)}
		if ctx.Err() != nil || resolver.IsTimeout(err) {
			f = failure{KindTimeout, i18n.M(i18n.FailTimeout, raw.RemoteAddr().String(), round(time.Since(t0))), i18n.M(i18n.HintTimeout)}
		}
		r.fail(f, err)
		return nil, false
	}
	st := tc.ConnectionState()
	name = tls.VersionName(st.Version)
	info := &TLSInfo{Version: name, Cipher: tls.CipherSuiteName(st.CipherSuite)}
	r.TLSInfo = info
	if len(st.PeerCertificates) == 0 {
		r.step(i18n.M(i18n.StepTLS, name), false, r.TLS)
		r.fail(failure{KindCert, i18n.M(i18n.FailCert, "no certificate"), i18n.M(i18n.HintCertAuthority)}, errors.New("no certificate"))
		return nil, false
	}
	leaf := st.PeerCertificates[0]
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	info.Subject = printable(leaf.Subject.String(), maxCertText)
	info.Issuer = printable(leaf.Issuer.String(), maxCertText)
	info.DNSNames = certNames(leaf)
	info.NameCount = len(leaf.DNSNames) + len(leaf.IPAddresses)
	info.NotAfter = leaf.NotAfter
	info.DaysLeft = int(leaf.NotAfter.Sub(now).Hours() / 24)
	if f, err := p.verifyCert(st.PeerCertificates, host, now); err != nil {
		r.step(i18n.M(i18n.StepTLS, name), false, r.TLS)
		r.fail(f, err)
		return nil, false
	}
	info.Verified = true
	r.step(i18n.M(i18n.StepTLS, name), true, r.TLS)
	if leaf.NotAfter.Sub(now) < ExpiryWarning {
		r.Warnings = append(r.Warnings, i18n.M(i18n.WarnCertExpiring, strconv.Itoa(info.DaysLeft), leaf.NotAfter.UTC().Format("2006-01-02")))
	}
	return tc, true
}

// Caps on what a certificate can put in a report.
const (
	maxCertText  = 200 // subject, issuer
	maxCertNames = 100 // names listed
)

// certNames lists the names a certificate is valid for, cleaned and capped:
// a certificate is the server's to write.
func certNames(c *x509.Certificate) []string {
	names := []string{}
	for _, n := range c.DNSNames {
		if len(names) == maxCertNames {
			return names
		}
		names = append(names, printable(n, 253))
	}
	for _, ip := range c.IPAddresses {
		if len(names) == maxCertNames {
			return names
		}
		names = append(names, ip.String())
	}
	return names
}
