package dnssource

import (
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/lookup/settings"
)

// maxSRV bounds how many SRV records of one answer are considered.
const maxSRV = 64

// SRVSource reads RFC 6186 SRV records: _pop3s._tcp (implicit TLS) before
// _pop3._tcp (settings.STARTTLS), as RFC 8314 prefers.
type SRVSource struct {
	Resolver *resolver.Resolver
	// Rand returns a random number in [0, n) for the weighted choice of RFC
	// 2782; nil means math/rand.
	Rand func(n int) int
}

var _ settings.Source = (*SRVSource)(nil)

type srvAnswer struct {
	name    string
	records []*dns.SRV
	ad      bool
	err     error
}

// Lookup asks for both SRV names at once.
func (s *SRVSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	names := srvNames(addr.Domain)
	// Both at once: _pop3 in a goroutine, _pop3s in this one.
	var results [2]srvAnswer
	done := make(chan struct{})
	go func() {
		results[1] = s.query(ctx, names[1])
		close(done)
	}()
	results[0] = s.query(ctx, names[0])
	<-done
	return s.answer(addr, results)
}

func srvNames(domain string) [2]string {
	return [2]string{"_pop3s._tcp." + domain, "_pop3._tcp." + domain}
}

// answer turns the two SRV answers into servers: _pop3s (settings.SSL) before _pop3
// (settings.STARTTLS), each in RFC 2782 order.
func (s *SRVSource) answer(addr settings.Address, results [2]srvAnswer) (*settings.Answer, error) {
	socket := [2]settings.SocketType{settings.SSL, settings.STARTTLS}
	ans := &settings.Answer{DNSSEC: true}
	var errs []error
	refused := []string{}
	outside := map[string]bool{}
	for i, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		if len(r.records) == 1 && r.records[0].Target == "." {
			refused = append(refused, r.name)
			continue
		}
		for _, rec := range s.order(r.records) {
			target := strings.ToLower(strings.TrimSuffix(rec.Target, "."))
			if rec.Port == 0 || settings.ValidHost(target) != nil {
				continue
			}
			if ans.SourceURL == "" {
				ans.SourceURL = r.name
			}
			ans.Servers = append(ans.Servers, settings.Server{
				Protocol: "pop3", Host: target, Port: int(rec.Port), SocketType: socket[i],
				Username: settings.PlaceholderAddress, Auth: []string{"password-cleartext"},
			})
			if !inDomain(target, addr.Domain) && !outside[target] {
				outside[target] = true
				ans.Warnings = append(ans.Warnings, i18n.M(i18n.WarnSRVOutside, target, addr.Domain))
			}
		}
		ans.DNSSEC = ans.DNSSEC && r.ad
	}
	if len(ans.Servers) > 0 {
		// A failure next to an answer is not swallowed: the better record
		// may exist and be unreachable just now.
		for _, r := range results {
			if r.err != nil {
				ans.Failed = append(ans.Failed, r.err)
				ans.Warnings = append(ans.Warnings, i18n.M(i18n.WarnSRVFailed, r.name, dnsReason(r.err), ans.SourceURL))
			}
		}
		return ans, nil
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(refused) > 0 {
		msg := i18n.M(i18n.NoPOPSRV, strings.Join(refused, ", "))
		return &settings.Answer{NotOffered: &msg, SourceURL: refused[0], DNSSEC: results[0].ad && results[1].ad}, nil
	}
	names := srvNames(addr.Domain)
	return nil, settings.NotFound(i18n.NFNoSRV, names[0], names[1])
}

// dnsReason says briefly why a DNS query failed.
func dnsReason(err error) string {
	var de *resolver.DNSError
	if errors.As(err, &de) {
		if de.Rcode >= 0 {
			return dns.RcodeToString[de.Rcode]
		}
		if de.Err != nil {
			return de.Err.Error()
		}
	}
	return err.Error()
}

func (s *SRVSource) query(ctx context.Context, name string) srvAnswer {
	m, err := s.Resolver.Query(ctx, name, dns.TypeSRV)
	if err != nil {
		return srvAnswer{name: name, err: err}
	}
	return parseSRV(m, name)
}

// parseSRV takes the SRV records for name out of a response, at most maxSRV.
func parseSRV(m *dns.Msg, name string) srvAnswer {
	r := srvAnswer{name: name, ad: m.AuthenticatedData}
	rrs, _ := resolver.Owned(m, name, dns.TypeSRV)
	for _, rr := range rrs {
		if srv, ok := rr.(*dns.SRV); ok {
			r.records = append(r.records, srv)
			if len(r.records) == maxSRV {
				break
			}
		}
	}
	return r
}

// order sorts records as RFC 2782 says: lowest priority first, and within
// one priority a weighted random order.
func (s *SRVSource) order(records []*dns.SRV) []*dns.SRV {
	byPrio := map[uint16][]*dns.SRV{}
	var prios []int
	for _, r := range records {
		if _, ok := byPrio[r.Priority]; !ok {
			prios = append(prios, int(r.Priority))
		}
		byPrio[r.Priority] = append(byPrio[r.Priority], r)
	}
	sort.Ints(prios)
	randn := s.Rand
	if randn == nil {
		randn = rand.IntN
	}
	var out []*dns.SRV
	for _, p := range prios {
		out = append(out, weighted(byPrio[uint16(p)], randn)...)
	}
	return out
}

// weighted orders one priority's records by RFC 2782's selection: records
// of weight 0 first, then repeatedly pick by a running sum of weights.
func weighted(group []*dns.SRV, randn func(int) int) []*dns.SRV {
	rest := append([]*dns.SRV(nil), group...)
	sort.SliceStable(rest, func(i, j int) bool { return rest[i].Weight == 0 && rest[j].Weight != 0 })
	var out []*dns.SRV
	for len(rest) > 0 {
		total := 0
		for _, r := range rest {
			total += int(r.Weight)
		}
		pick := 0
		if total > 0 {
			n := randn(total + 1)
			sum := 0
			for i, r := range rest {
				sum += int(r.Weight)
				if sum >= n {
					pick = i
					break
				}
			}
		}
		out = append(out, rest[pick])
		rest = append(rest[:pick], rest[pick+1:]...)
	}
	return out
}

// inDomain reports whether host is domain or one of its subdomains.
func inDomain(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}
