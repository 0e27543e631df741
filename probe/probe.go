// Package probe talks to POP3, IMAP and SMTP servers without logging in:
// it connects, checks TLS and the certificate, reads the greeting and the
// capabilities, upgrades with STARTTLS where asked, and says goodbye.
// --verify and last-resort guessing share it. It never sends a user name, a
// password, AUTH or MAIL FROM.
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
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/lookup/settings"
)

// Prober checks mail servers. Its fields are its dependencies; the zero
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
	// MinTLS is the oldest TLS version the prober negotiates
	// (tls.VersionTLS10, say); zero means TLS 1.2. A domain check lowers it
	// to see, and report, a server that offers nothing newer: the report's
	// TLSInfo.Version says what was negotiated. A lookup keeps the default,
	// since a mail client would refuse such a server.
	MinTLS uint16
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
	KindNotIMAP       Kind = "not_imap"
	KindNotSMTP       Kind = "not_smtp"
	KindNoSTLS        Kind = "no_stls"
	KindSTLSRefused   Kind = "stls_refused"
	KindNoGreeting    Kind = "no_greeting"
	KindClosed        Kind = "closed"
	KindNetwork       Kind = "network"
	// KindCancelled is a check its caller stopped (Ctrl-C): it says
	// nothing about the server.
	KindCancelled Kind = "cancelled"
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
	// MatchedName is the certificate's name that covers the host checked
	// (a wildcard such as *.example.com, say), cleaned; empty when none
	// does.
	MatchedName string
	NotAfter    time.Time
	DaysLeft    int
	Verified    bool
}

// Report is the outcome of one check.
type Report struct {
	OK bool
	// Protocol is the protocol the check spoke.
	Protocol   settings.Protocol
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
	// BeforeTLS, for a STARTTLS or plain check, holds the capabilities the
	// server listed before TLS: what it offers anyone on the path (a
	// password login without LOGINDISABLED, say). Nil for implicit TLS, and
	// when the server did not list them.
	BeforeTLS *Capabilities
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
// (err is the caller's context error) before it finished: cancelled, or
// out of time.
func Interrupted(proto settings.Protocol, host string, port int, mode settings.SocketType, err error) *Report {
	tls, starttls := dialectFor(proto).ports()
	f := cancelled()
	if errors.Is(err, context.DeadlineExceeded) {
		f = failure{KindTimeout, i18n.M(i18n.FailDeadline), i18n.M(i18n.HintTimeout, tls, starttls)}
	}
	r := &Report{Protocol: dialectFor(proto).proto, Host: host, Port: port, SocketType: mode}
	r.fail(f, err)
	return r
}

// Cancelled reports whether the check was stopped by its caller before it
// reached a verdict: its failure says nothing about the server.
func (r *Report) Cancelled() bool { return r.Kind == KindCancelled }

// ExpiryWarning is how close to its end a certificate gets a warning.
const ExpiryWarning = 14 * 24 * time.Hour

// Check connects to host:port in mode, speaking proto, and reports what it
// found. It never logs in: it reads the greeting, asks for the
// capabilities, upgrades with STARTTLS when mode says so, and says goodbye.
// Every step is bounded by ctx.
func (p *Prober) Check(ctx context.Context, proto settings.Protocol, host string, port int, mode settings.SocketType) *Report {
	d := dialectFor(proto)
	start := time.Now()
	r := &Report{Protocol: d.proto, Host: host, Port: port, SocketType: mode}
	defer func() {
		r.Total = time.Since(start)
		// However the failure showed itself (a refused write, a closed
		// connection), a check its caller stopped has no diagnosis.
		if !r.OK && errors.Is(ctx.Err(), context.Canceled) {
			r.fail(cancelled(), ctx.Err())
		}
	}()
	target := net.JoinHostPort(host, strconv.Itoa(port))

	// 1. TCP.
	dial := p.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	t0 := time.Now()
	raw, err := dial(ctx, "tcp", target)
	r.Connect = time.Since(t0)
	if err != nil && ctx.Err() == nil && (errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED)) {
		// The connection was made, then reset before the dial returned:
		// a server that dropped the client at once, as one that closes.
		r.step(i18n.M(i18n.StepConnect, target), true, r.Connect)
		f := failure{KindClosed, i18n.M(i18n.FailClosedGreeting), i18n.M(i18n.HintClosed, d.proto.Label())}
		if mode == settings.SSL {
			r.step(i18n.M(i18n.StepTLS, "TLS"), false, 0)
			tls, starttls := d.ports()
			f = failure{KindClosed, i18n.M(i18n.FailClosedHandshake), i18n.M(i18n.HintTLS, tls, starttls)}
		} else {
			r.step(i18n.M(i18n.StepGreeting, d.proto.Label()), false, 0)
		}
		r.fail(f, err)
		return r
	}
	r.step(i18n.M(i18n.StepConnect, target), err == nil, r.Connect)
	if err != nil {
		r.fail(d.classifyDial(err, target, time.Since(start)), err)
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
		tc, ok := p.handshake(ctx, d, r, raw, host, "")
		if !ok {
			return r
		}
		conn = tc
	}
	br := bufio.NewReaderSize(conn, 4096)

	// 3. The greeting.
	t0 = time.Now()
	greeting, ok, refused, err := d.greeting(br)
	label := d.proto.Label()
	if err != nil && !errors.Is(err, errBadReply) {
		r.step(i18n.M(i18n.StepGreeting, label), false, time.Since(t0))
		f := d.classifyIO(err, target, time.Since(start), "")
		if f.kind == KindTimeout && greeting == "" {
			// The connection (and TLS) worked: a firewall is not to blame,
			// whatever listens there just does not speak first.
			tls, starttls := d.ports()
			f = failure{KindNoGreeting, i18n.M(i18n.FailNoGreeting, target, round(time.Since(t0))), i18n.M(i18n.HintNoGreeting, tls, starttls)}
		}
		r.fail(f, err)
		return r
	}
	r.Greeting = printable(greeting, 200)
	if refused {
		r.step(i18n.M(i18n.StepGreeting, label), false, time.Since(t0))
		r.fail(failure{KindClosed, i18n.M(i18n.FailClosed, strconv.Quote(printable(greeting, 100))), i18n.M(i18n.HintClosed, label)},
			fmt.Errorf("the server turned the connection away: %q", printable(greeting, 100)))
		return r
	}
	if !ok {
		r.step(i18n.M(i18n.StepGreeting, label), false, time.Since(t0))
		r.fail(failure{d.wrongKind(), i18n.M(i18n.FailWrongProtocol, label, strconv.Quote(printable(greeting, 100))), i18n.M(i18n.HintWrongProtocol, label)},
			fmt.Errorf("greeting %q is not a %s greeting", printable(greeting, 100), label))
		return r
	}
	r.step(i18n.M(i18n.StepGreeting, label), true, time.Since(t0))

	// 4. Capabilities, and for STARTTLS the upgrade and a second look,
	// since a server may change them once the connection is secure (RFC
	// 2595, RFC 3207 requires a new EHLO).
	if !p.capa(d, r, conn, br, target, start) {
		return r
	}
	if mode != settings.SSL && r.CapaKnown {
		before := r.Capa
		before.Lines = slices.Clone(before.Lines)
		before.SASL = slices.Clone(before.SASL)
		r.BeforeTLS = &before
	}
	if mode == settings.STARTTLS {
		tlsPort, _ := d.ports()
		if !r.Capa.STLS {
			r.step(i18n.M(i18n.StepSTLS, d.stlsCmd), false, 0)
			r.fail(failure{KindNoSTLS, i18n.M(i18n.FailNoSTLS, d.stlsCmd), i18n.M(i18n.HintNoSTLS, tlsPort)}, fmt.Errorf("%s does not list %s", d.capaCmd, d.stlsCmd))
			return r
		}
		t0 = time.Now()
		line, ok, err := d.starttls(conn, br)
		if err != nil {
			r.step(i18n.M(i18n.StepSTLS, d.stlsCmd), false, time.Since(t0))
			r.fail(d.classifyIO(err, target, time.Since(start), d.stlsCmd), err)
			return r
		}
		if !ok {
			// Advertised, then refused: not the same as not offered.
			r.step(i18n.M(i18n.StepSTLS, d.stlsCmd), false, time.Since(t0))
			answer := printable(line, 100)
			r.fail(failure{KindSTLSRefused, i18n.M(i18n.FailSTLSRefused, d.stlsCmd, strconv.Quote(answer)), i18n.M(i18n.HintSTLSRefused, tlsPort)},
				fmt.Errorf("%s answered %q", d.stlsCmd, answer))
			return r
		}
		r.step(i18n.M(i18n.StepSTLS, d.stlsCmd), true, time.Since(t0))
		if br.Buffered() > 0 {
			// Bytes after the answer and before the handshake would be
			// injected plain text (CVE-2011-0411 style): refuse them.
			tls, starttls := d.ports()
			r.fail(failure{KindTLS, i18n.M(i18n.FailTLS, "data after the "+d.stlsCmd+" answer"), i18n.M(i18n.HintTLS, tls, starttls)},
				fmt.Errorf("plain text after the %s answer", d.stlsCmd))
			return r
		}
		tc, ok := p.handshake(ctx, d, r, raw, host, d.stlsCmd)
		if !ok {
			return r
		}
		conn = tc
		br = bufio.NewReaderSize(conn, 4096)
		if !p.capa(d, r, conn, br, target, start) {
			return r
		}
		// Servers stop listing STARTTLS once it is done (RFC 2595 §4).
		r.Capa.STLS = true
	}
	if mode == settings.Plain {
		r.Warnings = append(r.Warnings, i18n.M(i18n.WarnPlainVerify))
	}
	if d.proto == settings.SMTP && mode != settings.Plain && len(r.Capa.SASL) == 0 {
		// A submission server takes mail from people who log in; one that
		// offers no AUTH even over TLS takes it from nobody (a relay, or
		// port 25's server).
		r.Warnings = append(r.Warnings, i18n.M(i18n.WarnNoAuth))
	}

	// 5. Goodbye, politely; its answer does not change the verdict.
	t0 = time.Now()
	err = d.quit(conn, br)
	r.step(i18n.M(i18n.StepQuit, d.quitCmd), err == nil, time.Since(t0))
	r.OK = true
	return r
}

// wrongKind is the failure kind of a server that does not speak d.
func (d *dialect) wrongKind() Kind {
	switch d.proto {
	case settings.IMAP:
		return KindNotIMAP
	case settings.SMTP:
		return KindNotSMTP
	}
	return KindNotPOP3
}

func (r *Report) step(name i18n.Msg, ok bool, d time.Duration) {
	r.Steps = append(r.Steps, Step{Name: name, OK: ok, Duration: d})
}

// capa asks for the capabilities and records them. A server that refuses
// the command (an RFC 1939 POP3 server) passes, with capabilities unknown.
func (p *Prober) capa(d *dialect, r *Report, conn net.Conn, br *bufio.Reader, target string, start time.Time) bool {
	t0 := time.Now()
	c, known, err := d.capa(conn, br)
	if err == nil {
		r.Capa, r.CapaKnown = c, known
	}
	r.step(i18n.M(i18n.StepCAPA, d.capaCmd), err == nil, time.Since(t0))
	if err != nil {
		r.fail(d.classifyIO(err, target, time.Since(start), d.capaCmd), err)
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
// that a failed check still reports what the certificate says. after is
// the STARTTLS command that the server accepted, or empty for implicit TLS.
func (p *Prober) handshake(ctx context.Context, d *dialect, r *Report, raw net.Conn, host, after string) (*tls.Conn, bool) {
	t0 := time.Now()
	tc := tls.Client(raw, &tls.Config{
		ServerName:   host,
		MinVersion:   p.minTLS(),
		CipherSuites: p.cipherSuites(),
		// Verification happens below, with the same rules, after the
		// handshake: it keeps the certificate for the report.
		InsecureSkipVerify: true, //nolint:gosec // verified in verifyCert
	})
	err := tc.HandshakeContext(ctx)
	r.TLS = time.Since(t0)
	name := "TLS"
	if err != nil {
		r.step(i18n.M(i18n.StepTLS, name), false, r.TLS)
		tlsPort, starttls := d.ports()
		target := net.JoinHostPort(host, strconv.Itoa(r.Port))
		f := failure{KindTLS, i18n.M(i18n.FailTLS, tlsReason(err)), i18n.M(i18n.HintTLS, tlsPort, starttls)}
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
			f = cancelled()
		case (ctx.Err() != nil || resolver.IsTimeout(err)) && after == "":
			// The connection was made: no firewall dropped it. Whatever
			// accepted it neither speaks TLS nor greets in plain text.
			f = failure{KindNoGreeting, i18n.M(i18n.FailNoHandshake, target, round(time.Since(t0))), i18n.M(i18n.HintNoHandshake, d.proto.Label(), tlsPort, starttls)}
		case ctx.Err() != nil || resolver.IsTimeout(err):
			f = failure{KindTLS, i18n.M(i18n.FailSTLSNoHandshake, after, round(time.Since(t0))), i18n.M(i18n.HintSTLSRefused, tlsPort)}
		case closedByPeer(err):
			f = failure{KindClosed, i18n.M(i18n.FailClosedHandshake), i18n.M(i18n.HintTLS, tlsPort, starttls)}
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
	info.MatchedName = matchedName(leaf, host)
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

// cipherSuites are the TLS 1.0–1.2 cipher suites to offer: Go's default
// (nil) for a prober that wants TLS 1.2 at least, and every suite Go
// has, insecure ones included, for one that negotiates older versions,
// so that a very old server completes the handshake and its version is
// seen, and reported, as such.
func (p *Prober) cipherSuites() []uint16 {
	if p.minTLS() >= tls.VersionTLS12 {
		return nil
	}
	var ids []uint16
	for _, c := range tls.CipherSuites() {
		ids = append(ids, c.ID)
	}
	for _, c := range tls.InsecureCipherSuites() {
		ids = append(ids, c.ID)
	}
	return ids
}

// minTLS is the oldest TLS version to negotiate.
func (p *Prober) minTLS() uint16 {
	if p.MinTLS == 0 {
		return tls.VersionTLS12
	}
	return p.MinTLS
}

// PlainLogin reports whether c, a server's capabilities before TLS, offer
// a password login in the clear, and the capability that shows it: POP3's
// USER or a SASL PLAIN or LOGIN, IMAP without LOGINDISABLED (or with
// AUTH=PLAIN or AUTH=LOGIN), an SMTP AUTH of any mechanism. Nothing is
// ever sent to find out.
func PlainLogin(proto settings.Protocol, c Capabilities) (offered bool, evidence string) {
	for _, m := range c.SASL {
		if proto == settings.SMTP || m == "PLAIN" || m == "LOGIN" {
			return true, authWord(proto) + m
		}
	}
	switch proto {
	case settings.POP3:
		for _, l := range c.Lines {
			if f := strings.Fields(l); len(f) > 0 && strings.EqualFold(f[0], "USER") {
				return true, "USER"
			}
		}
	case settings.IMAP:
		if !c.LoginDisabled {
			return true, "LOGIN (no LOGINDISABLED)"
		}
	}
	return false, ""
}

func authWord(proto settings.Protocol) string {
	switch proto {
	case settings.IMAP:
		return "AUTH="
	case settings.SMTP:
		return "AUTH "
	}
	return "SASL "
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

// matchedName returns the name of c that covers host, by Go's own rules
// (a wildcard covers one label; an IP address matches an IP name), cleaned
// for the report; empty when none does.
func matchedName(c *x509.Certificate, host string) string {
	if ip := net.ParseIP(host); ip != nil {
		for _, a := range c.IPAddresses {
			if a.Equal(ip) {
				return a.String()
			}
		}
		return ""
	}
	for _, n := range c.DNSNames {
		if (&x509.Certificate{DNSNames: []string{n}}).VerifyHostname(host) == nil {
			return printable(n, 253)
		}
	}
	return ""
}
