package autoconfig

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/miekg/dns"
	"golang.org/x/net/publicsuffix"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/internal/safetext"
	"github.com/popfind/popfind/lookup/settings"
)

// MaxAutodiscoverHops bounds the redirects one Autodiscover lookup follows:
// HTTP redirects, RedirectAddr and RedirectUrl answers together.
const MaxAutodiscoverHops = 10

// AutodiscoverSource asks Exchange's POX Autodiscover for POP3 settings. It
// never sends credentials: an endpoint that wants a login is "not found".
type AutodiscoverSource struct {
	Fetcher *Fetcher
	// Resolver finds the _autodiscover._tcp SRV record.
	Resolver *resolver.Resolver
}

var _ settings.Source = (*AutodiscoverSource)(nil)

// Lookup asks the three standard endpoints at once and uses the first, in
// order, that answers.
func (s *AutodiscoverSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	if addr.DomainOnly() {
		// A request names the mailbox, and a domain alone has none.
		return nil, settings.Skip(i18n.SkipNeedsAddress)
	}
	d := addr.Domain
	follow := func(endpoint func(context.Context) (string, error)) func(context.Context) (*settings.Answer, error) {
		return func(ctx context.Context) (*settings.Answer, error) {
			u, err := endpoint(ctx)
			if err != nil {
				return nil, err
			}
			return s.follow(ctx, u, addr)
		}
	}
	fixed := func(u string) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { return u, nil }
	}
	return firstInOrder(ctx, i18n.NFAutodiscoverNone, d, []func(context.Context) (*settings.Answer, error){
		follow(fixed("https://autodiscover." + d + "/autodiscover/autodiscover.xml")),
		follow(fixed("https://" + d + "/autodiscover/autodiscover.xml")),
		follow(func(ctx context.Context) (string, error) { return s.srvEndpoint(ctx, d) }),
	})
}

// Questions returns the DNS questions the source asks first for addr: the
// addresses of its two fixed endpoints' hosts and the SRV record.
func (s *AutodiscoverSource) Questions(addr settings.Address) []resolver.Question {
	if addr.DomainOnly() {
		return nil
	}
	d := addr.Domain
	qs := append(resolver.HostQuestions("autodiscover."+d), resolver.HostQuestions(d)...)
	if s.Resolver != nil {
		qs = append(qs, resolver.Question{Name: "_autodiscover._tcp." + d, Type: dns.TypeSRV})
	}
	return qs
}

// srvEndpoint returns the endpoint named by _autodiscover._tcp.<domain>.
func (s *AutodiscoverSource) srvEndpoint(ctx context.Context, domain string) (string, error) {
	if s.Resolver == nil {
		return "", settings.NotFound(i18n.NFNoRecord, "_autodiscover._tcp."+domain)
	}
	name := "_autodiscover._tcp." + domain
	m, err := s.Resolver.Query(ctx, name, dns.TypeSRV)
	if err != nil {
		return "", err
	}
	var best *dns.SRV
	rrs, _ := resolver.Owned(m, name, dns.TypeSRV)
	for _, rr := range rrs {
		if srv, ok := rr.(*dns.SRV); ok && srv.Target != "." && (best == nil || srv.Priority < best.Priority) {
			best = srv
		}
	}
	if best == nil {
		return "", settings.NotFound(i18n.NFNoRecord, name)
	}
	host := strings.ToLower(strings.TrimSuffix(best.Target, "."))
	if best.Port != 0 && best.Port != 443 {
		host = fmt.Sprintf("%s:%d", host, best.Port)
	}
	return "https://" + host + "/autodiscover/autodiscover.xml", nil
}

// follow POSTs to u and follows HTTP redirects, RedirectUrl and RedirectAddr
// answers, at most MaxAutodiscoverHops in all, HTTPS only.
func (s *AutodiscoverSource) follow(ctx context.Context, u string, addr settings.Address) (*settings.Answer, error) {
	// One guard for every hop: each is a request of its own, and a hop
	// that left a public host keeps the next ones out of the intranet.
	ctx, _ = guarded(ctx)
	var warnings []i18n.Msg
	startHost := hostOf(u)
	email := addr
	for hop := 0; ; hop++ {
		if hop > MaxAutodiscoverHops {
			return nil, fmt.Errorf("autodiscover: more than %d redirects from %s", MaxAutodiscoverHops, startHost)
		}
		if !strings.HasPrefix(u, "https://") {
			return nil, fmt.Errorf("autodiscover: refusing to follow a redirect to %s: HTTPS only", strconv.QuoteToASCII(safetext.Line(u, 200)))
		}
		ad, location, err := s.post(ctx, u, addr, email)
		if err != nil {
			return nil, err
		}
		if location != "" {
			next, err := resolveRef(u, location)
			if err != nil {
				return nil, err
			}
			if err := s.Fetcher.checkRedirect(ctx, hostOf(u), hostOf(next)); err != nil {
				return nil, fmt.Errorf("autodiscover %s: %w", u, err)
			}
			warnings = redirectWarning(warnings, u, next)
			u = next
			continue
		}
		switch {
		case ad.RedirectURL != "":
			if err := s.Fetcher.checkRedirect(ctx, hostOf(u), hostOf(ad.RedirectURL)); err != nil {
				return nil, fmt.Errorf("autodiscover %s: %w", u, err)
			}
			warnings = redirectWarning(warnings, u, ad.RedirectURL)
			u = ad.RedirectURL
			continue
		case ad.RedirectAddr != "":
			next, err := settings.ParseAddress(ad.RedirectAddr)
			if err != nil {
				return nil, fmt.Errorf("%s: RedirectAddr: %w", u, err)
			}
			nu := "https://autodiscover." + next.Domain + "/autodiscover/autodiscover.xml"
			if err := s.Fetcher.checkRedirect(ctx, hostOf(u), hostOf(nu)); err != nil {
				return nil, fmt.Errorf("autodiscover %s: %w", u, err)
			}
			warnings = redirectWarning(warnings, u, nu)
			email, u = next, nu
			continue
		}
		// The request carried the address, and Exchange answers each
		// mailbox apart: what it said holds for this address alone.
		if len(ad.Servers) == 0 {
			return nil, settings.BoundTo(addr.String(), adReasons.notFound(u, ad.Skipped))
		}
		a := &settings.Answer{Servers: ad.Servers, SourceURL: u, Warnings: warnings, OnlyFor: addr.String()}
		adReasons.markMissing(a, u, ad.Skipped)
		return a, nil
	}
}

// post sends the Autodiscover request for asked to u. It returns the
// parsed answer for addr, or the target of an HTTP redirect.
func (s *AutodiscoverSource) post(ctx context.Context, u string, addr, asked settings.Address) (*Autodiscover, string, error) {
	var ad *Autodiscover
	loc, err := s.Fetcher.Post(ctx, u, "text/xml; charset=utf-8", autodiscoverRequest(asked.String()), func(r io.Reader) (err error) {
		ad, err = parseAutodiscover(r, addr, asked)
		return err
	})
	var se *StatusError
	if errors.As(err, &se) && (se.Code == http.StatusUnauthorized || se.Code == http.StatusForbidden) {
		return nil, "", settings.BoundTo(addr.String(), settings.NotFound(i18n.NFLoginWanted, u, strconv.Itoa(se.Code)))
	}
	return ad, loc, err
}

func resolveRef(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("autodiscover: bad redirect %q: %w", ref, err)
	}
	return b.ResolveReference(r).String(), nil
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return strings.ToLower(p.Hostname())
}

// redirectWarning adds a warning when a redirect leaves the registrable
// domain it came from.
func redirectWarning(ws []i18n.Msg, from, to string) []i18n.Msg {
	return domainChange(ws, i18n.WarnRedirectDomain, from, to)
}

// domainChange adds the warning key when a redirect from one URL to
// another leaves the registrable domain.
func domainChange(ws []i18n.Msg, key, from, to string) []i18n.Msg {
	fh, th := hostOf(from), hostOf(to)
	if site(fh) == site(th) {
		return ws
	}
	return append(ws, i18n.M(key, fh, th))
}

// site is what a redirect stays within without a warning: a host name's
// registrable domain, or the host itself when it has none (an IP address,
// a public suffix, a single label).
func site(host string) string {
	host = strings.TrimSuffix(host, ".")
	if _, err := netip.ParseAddr(host); err == nil {
		return host
	}
	if s, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return s
	}
	return host
}
