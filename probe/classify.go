package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/miekg/dns"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/lookup/settings"
)

type failure struct {
	kind    Kind
	problem i18n.Msg
	hint    i18n.Msg
}

func (r *Report) fail(f failure, err error) {
	r.OK = false
	r.Kind, r.Problem, r.Hint, r.Err = f.kind, f.problem, f.hint, err
}

// verifyCert checks the chain against the roots and the name against host,
// naming what is wrong the way a support desk needs it.
func (p *Prober) verifyCert(certs []*x509.Certificate, host string, now time.Time) (failure, error) {
	leaf := certs[0]
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: p.RootCAs, Intermediates: inter, CurrentTime: now, DNSName: host})
	if err == nil {
		return failure{}, nil
	}
	var inv x509.CertificateInvalidError
	var hn x509.HostnameError
	var ua x509.UnknownAuthorityError
	switch {
	case errors.As(err, &inv) && inv.Reason == x509.Expired:
		return failure{KindCertExpired, i18n.M(i18n.FailCertExpired, leaf.NotAfter.UTC().Format("2006-01-02 15:04 MST")), i18n.M(i18n.HintCertExpired)}, err
	case errors.As(err, &hn):
		names := certNames(leaf)
		if len(names) == 0 {
			names = []string{"(none)"}
		}
		if total := len(leaf.DNSNames) + len(leaf.IPAddresses); total > maxNamesShown {
			// A certificate for hundreds of names: the first few say enough.
			return failure{KindCertName, i18n.M(i18n.FailCertNameMore, host, strings.Join(names[:maxNamesShown], ", "),
				strconv.Itoa(total-maxNamesShown)), i18n.M(i18n.HintCertName)}, err
		}
		return failure{KindCertName, i18n.M(i18n.FailCertName, host, strings.Join(names, ", ")), i18n.M(i18n.HintCertName)}, err
	case errors.As(err, &ua):
		return failure{KindCertAuthority, i18n.M(i18n.FailCertAuthority, printable(leaf.Issuer.String(), maxCertText)), i18n.M(i18n.HintCertAuthority)}, err
	}
	return failure{KindCert, i18n.M(i18n.FailCert, printable(err.Error(), maxCertText)), i18n.M(i18n.HintCertAuthority)}, err
}

func tlsReason(err error) string {
	var re tls.RecordHeaderError
	if errors.As(err, &re) {
		return "the server did not answer in TLS (is this a plain-text port?)"
	}
	return err.Error()
}

func round(d time.Duration) string {
	return d.Round(100 * time.Millisecond).String()
}

// classifyDial names a connection failure.
func (d *dialect) classifyDial(err error, target string, elapsed time.Duration) failure {
	tls, starttls := d.ports()
	var de *resolver.DNSError
	var ne *net.DNSError
	host, _, _ := net.SplitHostPort(target)
	switch {
	case errors.Is(err, resolver.ErrCNAMELoop):
		return failure{KindDNS, i18n.M(i18n.FailCNAMELoop, host), i18n.M(i18n.HintDNSServer)}
	case errors.As(err, &de) && errors.Is(err, settings.ErrNotFound):
		// NXDOMAIN and NODATA are different mistakes: a name nobody
		// registered, and a name that exists but names no server (a mail
		// domain given where its server's name belongs, say).
		switch de.Rcode {
		case dns.RcodeNameError:
			return failure{KindDNS, i18n.M(i18n.FailDNSNoName, host), i18n.M(i18n.HintDNS)}
		case dns.RcodeSuccess:
			return failure{KindDNS, i18n.M(i18n.FailDNSNoAddress, host), i18n.M(i18n.HintDNSNoAddress)}
		}
		return failure{KindDNS, i18n.M(i18n.FailDNS, host), i18n.M(i18n.HintDNS)}
	case errors.As(err, &ne) && ne.IsNotFound:
		return failure{KindDNS, i18n.M(i18n.FailDNS, host), i18n.M(i18n.HintDNS)}
	case errors.As(err, &ne):
		// The system resolver (a Prober without Dial) could not ask.
		return failure{KindDNS, i18n.M(i18n.FailDNSUnreachable, host), i18n.M(i18n.HintDNSUnreachable)}
	case errors.As(err, &de) && de.Rcode >= 0:
		return failure{KindDNS, i18n.M(i18n.FailDNSServer, host, dns.RcodeToString[de.Rcode]), i18n.M(i18n.HintDNSServer)}
	case errors.As(err, &de) && !errors.Is(err, context.Canceled):
		// The DNS server never answered, or refused the connection: a DNS
		// problem, not the mail port's.
		return failure{KindDNS, i18n.M(i18n.FailDNSUnreachable, host), i18n.M(i18n.HintDNSUnreachable)}
	case errors.Is(err, syscall.ECONNREFUSED):
		return failure{KindRefused, i18n.M(i18n.FailRefused, target), i18n.M(i18n.HintRefused)}
	case errors.Is(err, context.Canceled):
		return cancelled()
	case resolver.IsTimeout(err):
		return failure{KindTimeout, i18n.M(i18n.FailTimeout, target, round(elapsed)), i18n.M(i18n.HintTimeout, tls, starttls)}
	}
	return failure{KindNetwork, i18n.M(i18n.FailNetwork, err.Error()), i18n.M(i18n.HintTimeout, tls, starttls)}
}

// classifyIO names a failure while talking to the server, once connected:
// reading its greeting (cmd empty) or the answer to cmd. Whatever happens
// now, the network let the connection through: a timeout is a server that
// stopped answering, not a firewall, and a reset is a server that closed
// the connection, as much as a clean close is.
func (d *dialect) classifyIO(err error, target string, elapsed time.Duration, cmd string) failure {
	tls, starttls := d.ports()
	label := d.proto.Label()
	switch {
	case errors.Is(err, context.Canceled):
		return cancelled()
	case resolver.IsTimeout(err) && cmd == "":
		return failure{KindTimeout, i18n.M(i18n.FailStalledGreeting, target, round(elapsed)), i18n.M(i18n.HintStalled)}
	case resolver.IsTimeout(err):
		return failure{KindTimeout, i18n.M(i18n.FailStalledAnswer, target, cmd, round(elapsed)), i18n.M(i18n.HintStalled)}
	case errors.Is(err, errCapaTooLong) && cmd == "":
		// Only SMTP greetings have several lines: one that never ends is
		// a greeting problem; EHLO was never sent.
		return failure{d.wrongKind(), i18n.M(i18n.FailGreetingTooLong, label, strconv.Itoa(maxCapaLine)), i18n.M(i18n.HintWrongProtocol, label)}
	case errors.Is(err, errLineTooLong) && cmd == "":
		return failure{d.wrongKind(), i18n.M(i18n.FailGreetingLineTooLong, label, strconv.Itoa(maxLine)), i18n.M(i18n.HintWrongProtocol, label)}
	case errors.Is(err, errCapaTooLong):
		return failure{d.wrongKind(), i18n.M(i18n.FailCapaTooLong, d.capaCmd, strconv.Itoa(maxCapaLine)), i18n.M(i18n.HintWrongProtocol, label)}
	case errors.Is(err, errLineTooLong), errors.Is(err, errBadReply):
		return failure{d.wrongKind(), i18n.M(i18n.FailWrongProtocol, label, err.Error()), i18n.M(i18n.HintWrongProtocol, label)}
	case closedByPeer(err) && cmd == "":
		return failure{KindClosed, i18n.M(i18n.FailClosedGreeting), i18n.M(i18n.HintClosed, label)}
	case closedByPeer(err):
		return failure{KindClosed, i18n.M(i18n.FailClosedAnswer, cmd), i18n.M(i18n.HintClosed, label)}
	}
	return failure{KindNetwork, i18n.M(i18n.FailNetwork, printable(err.Error(), 200)), i18n.M(i18n.HintTimeout, tls, starttls)}
}

// closedByPeer reports whether err says that the server ended the
// connection: a clean close (EOF), a reset (RST), or a write to a
// connection the server already reset or closed (EPIPE), whichever the
// timing of the server's close and the client's next step gives.
func closedByPeer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE)
}

// cancelled is the failure of a check its caller stopped: not a diagnosis
// of the server, and popfind does not show it as one.
func cancelled() failure {
	return failure{KindCancelled, i18n.M(i18n.FailCancelled), i18n.Msg{}}
}

// maxNamesShown is how many of a certificate's names a problem lists.
const maxNamesShown = 5
