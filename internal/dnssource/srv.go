package dnssource

import (
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/lookup/settings"
)

// maxSRV bounds how many SRV records of one answer are considered.
const maxSRV = 64

// SRVSource reads RFC 6186 SRV records for each protocol it is asked for:
// _pop3s before _pop3, _imaps before _imap, _submissions before
// _submission, implicit TLS first as RFC 8314 prefers.
type SRVSource struct {
	Resolver *resolver.Resolver
	// Protocols are the protocols to look for; nil means POP3 alone.
	Protocols []settings.Protocol
	// Rand returns a random number in [0, n) for the weighted choice of RFC
	// 2782; nil means math/rand.
	Rand func(n int) int
}

var _ settings.Source = (*SRVSource)(nil)

type srvAnswer struct {
	name    string
	records []*dns.SRV
	ad      bool
	ttl     time.Duration // how long the response holds; zero: unknown
	err     error
}

// services are the SRV services of each protocol, implicit TLS first.
var services = map[settings.Protocol][2]string{
	settings.POP3: {"_pop3s", "_pop3"},
	settings.IMAP: {"_imaps", "_imap"},
	settings.SMTP: {"_submissions", "_submission"},
}

// srvNames returns the two SRV names of protocol p for domain.
func srvNames(p settings.Protocol, domain string) [2]string {
	s := services[p]
	return [2]string{s[0] + "._tcp." + domain, s[1] + "._tcp." + domain}
}

func (s *SRVSource) protocols() []settings.Protocol {
	if len(s.Protocols) == 0 {
		return []settings.Protocol{settings.POP3}
	}
	return s.Protocols
}

// Questions returns the DNS questions the source asks for addr: every SRV
// name of every protocol.
func (s *SRVSource) Questions(addr settings.Address) []resolver.Question {
	var qs []resolver.Question
	for _, p := range s.protocols() {
		for _, name := range srvNames(p, addr.Domain) {
			qs = append(qs, resolver.Question{Name: name, Type: dns.TypeSRV})
		}
	}
	return qs
}

// Lookup asks for every SRV name of every protocol at once: a lookup of
// three protocols costs one round trip, like a lookup of one.
func (s *SRVSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	protos := s.protocols()
	qs := s.Questions(addr)
	// Every name at once, on one socket, in this goroutine.
	ms, errs := s.Resolver.QueryAll(ctx, qs)
	results := make([][2]srvAnswer, len(protos))
	// Questions lists each protocol's two names in turn.
	for k, q := range qs {
		r := &results[k/2][k%2]
		if errs[k] != nil {
			*r = srvAnswer{name: q.Name, err: errs[k]}
		} else {
			*r = parseSRV(ms[k], q.Name)
		}
	}
	return s.answer(addr, protos, results)
}

// answer turns each protocol's two SRV answers into servers, implicit TLS
// before STARTTLS, each in RFC 2782 order. What concerns one protocol alone
// (its source name, a target of ".", a failed query) goes in its part. The
// answer, or the absence, holds as long as every response it rests on: the
// smallest of their TTLs.
func (s *SRVSource) answer(addr settings.Address, protos []settings.Protocol, results [][2]srvAnswer) (*settings.Answer, error) {
	ans := &settings.Answer{DNSSEC: true}
	for _, rs := range results {
		for _, r := range rs {
			if r.err == nil {
				ans.TTL = minTTL(ans.TTL, r.ttl)
			}
		}
	}
	var errs []error
	allFailed := true
	settled := false
	for k, p := range protos {
		part, got, failed := s.protocol(addr, p, results[k])
		ans.Servers = append(ans.Servers, got...)
		if len(got) > 0 && ans.SourceURL == "" {
			ans.SourceURL = part.SourceURL
		}
		if len(got) > 0 || part.NotOffered != nil {
			settled = true
		}
		if len(failed) == 0 || len(got) > 0 {
			allFailed = false
		}
		errs = append(errs, failed...)
		ans.Parts = setPart(ans.Parts, p, part)
		for _, r := range results[k] {
			if r.err == nil {
				ans.DNSSEC = ans.DNSSEC && r.ad
			}
		}
	}
	switch {
	case settled:
		return ans, nil
	case allFailed:
		return nil, errors.Join(errs...)
	case len(errs) == 0 && len(protos) == 1:
		n := srvNames(protos[0], addr.Domain)
		return nil, &settings.Missing{Reason: i18n.M(i18n.NFNoSRV, n[0], n[1]), TTL: ans.TTL}
	}
	// No protocol has records, or some failed and the others have none:
	// each part says which names it asked for, or what failed.
	return ans, nil
}

func setPart(parts map[settings.Protocol]*settings.Part, p settings.Protocol, part *settings.Part) map[settings.Protocol]*settings.Part {
	if parts == nil {
		parts = map[settings.Protocol]*settings.Part{}
	}
	parts[p] = part
	return parts
}

// protocol reads one protocol's two SRV answers: its servers, its part of
// the answer, and the failures that left it without an answer.
func (s *SRVSource) protocol(addr settings.Address, p settings.Protocol, results [2]srvAnswer) (*settings.Part, []settings.Server, []error) {
	socket := [2]settings.SocketType{settings.SSL, settings.STARTTLS}
	part := &settings.Part{}
	var servers []settings.Server
	var errs []error
	var refused []string
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
			if part.SourceURL == "" {
				part.SourceURL = r.name
			}
			servers = append(servers, settings.Server{
				Protocol: p, Host: target, Port: int(rec.Port), SocketType: socket[i],
				Username: settings.PlaceholderAddress, Auth: []string{"password-cleartext"},
			})
			if !inDomain(target, addr.Domain) && !outside[target] {
				outside[target] = true
				part.Warnings = append(part.Warnings, i18n.M(i18n.WarnSRVOutside, target, addr.Domain))
			}
		}
	}
	names := srvNames(p, addr.Domain)
	switch {
	case len(servers) > 0:
		// A failure next to an answer is not swallowed: the better record
		// may exist and be unreachable just now.
		for _, r := range results {
			if r.err != nil {
				part.Failed = append(part.Failed, r.err)
				part.Warnings = append(part.Warnings, i18n.M(i18n.WarnSRVFailed, r.name, dnsReason(r.err), part.SourceURL))
			}
		}
		return part, servers, nil
	case len(errs) > 0:
		part.Failed = errs
		return part, nil, errs
	case len(refused) > 0:
		msg := i18n.M(i18n.NoPOPSRV, strings.Join(refused, ", "), p.Label())
		part.NotOffered = &msg
		part.SourceURL = refused[0]
	default:
		msg := i18n.M(i18n.NFNoSRV, names[0], names[1])
		part.Missing = &msg
	}
	return part, nil, nil
}

// dnsReason says briefly why a DNS query failed.
func dnsReason(err error) string {
	var de *resolver.DNSError
	if errors.As(err, &de) {
		if de.Rcode >= 0 && de.Err != resolver.ErrNoHost {
			return dns.RcodeToString[de.Rcode]
		}
		if de.Err != nil {
			return de.Err.Error()
		}
	}
	return err.Error()
}

// parseSRV takes the SRV records for name out of a response, at most maxSRV.
func parseSRV(m *dns.Msg, name string) srvAnswer {
	r := srvAnswer{name: name, ad: m.AuthenticatedData, ttl: ttlOf(m)}
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

// ttlOf is how long the response m holds, as resolver.TTL says, but at
// least a second, the unit of TTLs: zero would mean no bound at all. Zero
// when m says nothing of it.
func ttlOf(m *dns.Msg) time.Duration {
	ttl, ok := resolver.TTL(m)
	if !ok {
		return 0
	}
	return max(ttl, time.Second)
}

// minTTL is the smaller of two TTLs, where zero means none is known.
func minTTL(a, b time.Duration) time.Duration {
	switch {
	case a <= 0:
		return b
	case b <= 0:
		return a
	}
	return min(a, b)
}

// inDomain reports whether host is domain or one of its subdomains.
func inDomain(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}
