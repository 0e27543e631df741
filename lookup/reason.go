package lookup

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"

	"github.com/miekg/dns"
	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/lookup/settings"
)

// Reason words the usual failures of a source as catalogue messages: a source's own
// reason, a deadline, DNS, HTTP, TLS and connection failures. Anything else
// keeps its own (English) text. A connection refused for safety
// (autoconfig.ErrRefusedForSafety) is said as such before anything else:
// what it would have reached was not looked at.
func Reason(err error) (i18n.Msg, bool) {
	if errors.Is(err, autoconfig.ErrRedirectRefused) {
		return i18n.M(i18n.ReasonRedirectRefused), true
	}
	if errors.Is(err, autoconfig.ErrRefusedForSafety) {
		return i18n.M(i18n.ReasonRefusedSafety), true
	}
	if m, ok := settings.Reason(err); ok {
		return m, true
	}
	var (
		unfinished *UnfinishedError
		dnsErr     *resolver.DNSError
		status     *autoconfig.StatusError
		urlErr     *url.Error
		opErr      *net.OpError
		certErr    *tls.CertificateVerificationError
		hostErr    x509.HostnameError
		authErr    x509.UnknownAuthorityError
		invalid    x509.CertificateInvalidError
	)
	host := ""
	if errors.As(err, &urlErr) {
		if u, perr := url.Parse(urlErr.URL); perr == nil {
			host = u.Hostname()
		}
	} else if first, _, ok := strings.Cut(err.Error(), ": "); ok && strings.Contains(first, "://") {
		// "http://host/path: dial tcp …": a fetch names its URL first.
		if u, perr := url.Parse(first); perr == nil {
			host = u.Hostname()
		}
	}
	switch {
	case errors.As(err, new(*StoppedEarlyError)):
		return i18n.M(i18n.ReasonStoppedEarly), true
	case errors.As(err, &unfinished) && errors.Is(err, context.Canceled):
		return i18n.M(i18n.ReasonCancelled), true
	case errors.As(err, &unfinished):
		return i18n.M(i18n.ReasonUnfinished), true
	case errors.Is(err, resolver.ErrCNAMELoop) && errors.As(err, &dnsErr):
		return i18n.M(i18n.ReasonCNAMELoop, strings.TrimSuffix(dnsErr.Name, ".")), true
	case errors.As(err, &dnsErr) && errors.Is(err, context.DeadlineExceeded):
		// The lookup's time ran out while DNS was asked: the time, not
		// the network.
		return i18n.M(i18n.ReasonUnfinished), true
	case errors.As(err, &dnsErr) && errors.Is(err, settings.ErrNotFound) && dnsErr.Rcode == dns.RcodeSuccess:
		return i18n.M(i18n.ReasonDNSNoAddress, strings.TrimSuffix(dnsErr.Name, ".")), true
	case errors.As(err, &dnsErr) && errors.Is(err, settings.ErrNotFound):
		return i18n.M(i18n.ReasonDNSNoHost, strings.TrimSuffix(dnsErr.Name, ".")), true
	case errors.As(err, &dnsErr) && dnsErr.Rcode >= 0:
		return i18n.M(i18n.ReasonDNSServer, strings.TrimSuffix(dnsErr.Name, "."), dns.RcodeToString[dnsErr.Rcode]), true
	case errors.As(err, &dnsErr):
		return i18n.M(i18n.ReasonDNSUnreachable, strings.TrimSuffix(dnsErr.Name, ".")), true
	case errors.As(err, &status):
		return i18n.M(i18n.ReasonHTTPStatus, status.URL, strings.TrimSpace(strconv.Itoa(status.Code)+" "+http.StatusText(status.Code))), true
	case errors.As(err, &certErr), errors.As(err, &hostErr), errors.As(err, &authErr), errors.As(err, &invalid):
		return i18n.M(i18n.ReasonCert, orUnknown(host)), true
	case errors.Is(err, syscall.ECONNREFUSED):
		return i18n.M(i18n.ReasonRefused, orUnknown(host)), true
	case resolver.IsTimeout(err):
		return i18n.M(i18n.ReasonTimeout, orUnknown(host)), true
	case errors.As(err, &opErr):
		return i18n.M(i18n.ReasonUnreachable, orUnknown(host)), true
	}
	return i18n.Msg{}, false
}

func orUnknown(host string) string {
	if host == "" {
		return "?"
	}
	return host
}
