package dnssource

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/publicsuffix"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/lookup/settings"
)

// Hosting knows which providers host other domains' mail, by the names of
// their mail exchangers. The built-in table implements it. (A provider's own
// domains are not enough: a domain whose MX is a consumer service's, such as
// mx1.qq.com, does not get that service's mailbox settings.)
type Hosting interface {
	ForMX(host string) (*settings.Answer, bool)
}

// DomainConfig looks up the published settings of the domain that hosts
// another domain's mail (its autoconfig file and the ISP database).
type DomainConfig interface {
	Lookup(ctx context.Context, domain string, addr settings.Address) (*settings.Answer, error)
}

// MXSource finds the settings of domains whose mail is hosted elsewhere: by
// the built-in table's MX patterns first, then, as
// draft-ietf-mailmaint-autoconfig §3 describes, by the published
// configuration of the MX host's parent domain and registrable domain.
type MXSource struct {
	Resolver *resolver.Resolver
	Hosting  Hosting
	// Configs may be nil, when no network configuration source is enabled.
	Configs DomainConfig
}

var _ settings.Source = (*MXSource)(nil)

// maxMX bounds how many preferred MX hosts are examined.
const maxMX = 8

// Questions returns the DNS question the source asks first for addr: the
// domain's MX records.
func (s *MXSource) Questions(addr settings.Address) []resolver.Question {
	return []resolver.Question{{Name: addr.Domain, Type: dns.TypeMX}}
}

// Lookup asks for the domain's MX records and maps the preferred hosts.
// Its answer, or absence, holds no longer than the MX response, nor than
// what it found through the MX hosts.
func (s *MXSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	hosts, ttl, err := s.preferred(ctx, addr.Domain)
	if err != nil {
		return nil, err
	}
	for _, h := range hosts {
		if a, ok := s.Hosting.ForMX(h); ok {
			return inferred(a, h, ttl), nil
		}
	}
	// No pattern matched: derive the hosting domain from each MX host.
	var tried []string
	seen := map[string]bool{addr.Domain: true}
	var errs []error
	for _, h := range hosts {
		for _, d := range derive(h) {
			if seen[d] {
				continue
			}
			seen[d] = true
			tried = append(tried, d)
			if s.Configs == nil {
				continue
			}
			a, err := s.Configs.Lookup(ctx, d, addr)
			if err == nil {
				return inferred(a, h, ttl), nil
			}
			var miss *settings.Missing
			switch {
			case errors.As(err, &miss):
				ttl = minTTL(ttl, miss.TTL)
			case !errors.Is(err, settings.ErrNotFound):
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("mx: %w", errors.Join(errs...))
	}
	return nil, &settings.Missing{Reason: i18n.M(i18n.NFMXUnknown, strings.Join(hosts, ", "), orNone(tried)), TTL: ttl}
}

func orNone(list []string) string {
	if len(list) == 0 {
		return i18n.Nest(i18n.M(i18n.WordNoDerivedDomain))
	}
	return strings.Join(list, ", ")
}

// inferred marks a copy of a as inferred from the MX host, holding no
// longer than ttl, the MX response's.
func inferred(a *settings.Answer, host string, ttl time.Duration) *settings.Answer {
	out := *a
	out.TTL = minTTL(a.TTL, ttl)
	out.SourceURL = host
	out.Warnings = append(append([]i18n.Msg(nil), a.Warnings...), i18n.M(i18n.WarnMXInferred, host))
	return &out
}

// preferred returns the MX hosts with the lowest preference value, and how
// long the response holds.
func (s *MXSource) preferred(ctx context.Context, domain string) ([]string, time.Duration, error) {
	m, err := s.Resolver.Query(ctx, domain, dns.TypeMX)
	if err != nil {
		return nil, 0, err
	}
	ttl := ttlOf(m)
	hosts := preferredMX(m, domain)
	if len(hosts) == 0 {
		return nil, 0, &settings.Missing{Reason: i18n.M(i18n.NFNoMX, domain), TTL: ttl}
	}
	return hosts, ttl, nil
}

// preferredMX takes the most preferred exchangers out of a response, at
// most maxMX, leaving out a null MX (RFC 7505) and malformed names.
func preferredMX(m *dns.Msg, domain string) []string {
	best := -1
	var hosts []string
	rrs, _ := resolver.Owned(m, domain, dns.TypeMX)
	for _, rr := range rrs {
		mx, ok := rr.(*dns.MX)
		if !ok {
			continue
		}
		host := strings.ToLower(strings.TrimSuffix(mx.Mx, "."))
		if settings.ValidHost(host) != nil {
			continue
		}
		switch {
		case best < 0 || int(mx.Preference) < best:
			best = int(mx.Preference)
			hosts = []string{host}
		case int(mx.Preference) == best && len(hosts) < maxMX:
			hosts = append(hosts, host)
		}
	}
	return hosts
}

// derive returns the MX host minus its first label, then its registrable
// domain, leaving out public suffixes.
func derive(host string) []string {
	var out []string
	if i := strings.IndexByte(host, '.'); i > 0 {
		parent := host[i+1:]
		if reg, err := publicsuffix.EffectiveTLDPlusOne(parent); err == nil && len(reg) <= len(parent) {
			out = append(out, parent)
		}
	}
	if reg, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil && (len(out) == 0 || reg != out[0]) {
		out = append(out, reg)
	}
	return out
}
