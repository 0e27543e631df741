package check

import (
	"crypto/tls"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// ownSources are the sources the domain publishes itself, best first.
var ownSources = []string{
	lookup.SourceAutoconfig, lookup.SourceWellKnown, lookup.SourceSRV,
	lookup.SourceAutodiscover, lookup.SourceAutoconfigHTTP,
}

// compared are the sources whose preferred servers must agree: the
// domain's own and popfind's table. ISPDB has its own finding; MX
// inference never disagrees.
var compared = append(append([]string(nil), ownSources...), lookup.SourceBuiltin)

// publishing are the sources that count as publishing a server: all but
// MX inference.
var publishing = append(append([]string(nil), compared...), lookup.SourceISPDB)

// judge turns the facts into findings, worst first, each fact once. It is
// a pure function of the facts and the time.
func judge(f *facts, now time.Time) []Finding {
	d := f.domain
	// shown is the domain as messages that name it say it: an IDN's
	// A-label with its Unicode form beside it. Records and URLs keep the
	// A-label alone.
	shown := f.shownDomain()
	if f.domainNX {
		// Nothing else is worth saying of a domain that does not exist.
		return []Finding{{Severity: Fail, Code: CodeDomainNotFound,
			Message: i18n.M(i18n.CheckDomainNotFound, shown),
			Fix:     i18n.M(i18n.CheckDomainNotFoundFix, shown)}}
	}
	var out []Finding
	add := func(fd Finding) { out = append(out, fd) }
	acURL := "https://autoconfig." + d + "/mail/config-v1.1.xml"
	xml, gaps := pasteXML(f)
	withXML := func(fd Finding, u string) Finding {
		if xml == "" {
			return fd
		}
		fd.Paste, fd.PasteKind, fd.PasteURL = xml, PasteXML, u
		var plain, invalid []string
		for _, g := range gaps {
			if g.invalid {
				invalid = append(invalid, g.proto.Label())
			} else {
				plain = append(plain, g.proto.Label())
			}
		}
		if len(plain) > 0 {
			fd.Fix = i18n.M(i18n.CheckPasteGap, i18n.Nest(fd.Fix), strings.Join(plain, ", "))
		}
		if len(invalid) > 0 {
			fd.Fix = i18n.M(i18n.CheckPasteGapInvalid, i18n.Nest(fd.Fix), strings.Join(invalid, ", "))
		}
		return fd
	}

	// DNS that fails for the domain's names.
	if len(f.dnsFailed) > 0 {
		var names []string
		for n := range f.dnsFailed {
			names = append(names, n)
		}
		sort.Strings(names)
		var parts []string
		for i, n := range names {
			if i == maxDNSNames {
				parts = append(parts, "+"+strconv.Itoa(len(names)-i))
				break
			}
			parts = append(parts, n+" "+f.dnsFailed[n])
		}
		add(Finding{Severity: Fail, Code: CodeDNSFailure,
			Message: i18n.M(i18n.CheckDNSFailure, shown, strings.Join(parts, ", ")),
			Fix:     i18n.M(i18n.CheckDNSFailureFix, shown)})
	}

	// The autoconfig file: missing, over HTTP only, invalid, redirected.
	ac, wk, plain := f.source(lookup.SourceAutoconfig), f.source(lookup.SourceWellKnown), f.source(lookup.SourceAutoconfigHTTP)
	published := func(s *source) bool {
		return s != nil && (s.pub.Status == StatusFound || s.pub.Status == StatusInvalid)
	}
	secure := func(s *source) bool { return published(s) && !s.pub.Insecure }
	switch {
	case ac == nil:
		// Not asked: nothing to say of it.
	case secure(ac):
	case published(ac):
		// Fetched from the HTTPS URL, through plain HTTP on the way.
		add(withXML(Finding{Severity: Fail, Code: CodeAutoconfigHTTPOnly, Source: ac.pub.Source,
			Message: i18n.M(i18n.CheckAutoconfigInsecureHop, acURL, ac.pub.FinalURL),
			Fix:     i18n.M(i18n.CheckAutoconfigHTTPOnlyFix, acURL)}, acURL))
	case ac.refused:
		// Not looked at: whether it is there, and over HTTPS, is unknown;
		// refused_for_safety says it.
	case published(plain) && !secure(wk) || published(wk) && !secure(wk):
		s := plain
		if !published(plain) {
			s = wk
		}
		add(withXML(Finding{Severity: Fail, Code: CodeAutoconfigHTTPOnly, Source: s.pub.Source,
			Message: i18n.M(i18n.CheckAutoconfigHTTPOnly, s.pub.URL),
			Fix:     i18n.M(i18n.CheckAutoconfigHTTPOnlyFix, acURL)}, acURL))
	case ac.pub.Status == StatusFailed && f.serverFailure(ac.err):
		// dns_failure says it.
	case ac.pub.Status == StatusFailed:
		// A timeout, a refusal, a bad certificate: something is there,
		// or may be, and clients cannot read it.
		why := ""
		if ac.pub.Reason != nil {
			why = i18n.Nest(*ac.pub.Reason)
		}
		add(withXML(Finding{Severity: Warn, Code: CodeAutoconfigMissing, Source: lookup.SourceAutoconfig,
			Message: i18n.M(i18n.CheckAutoconfigUnfetchable, acURL, why),
			Fix:     i18n.M(i18n.CheckAutoconfigMissingFix, acURL)}, acURL))
	default:
		why := ""
		var status *autoconfig.StatusError
		switch {
		case errors.As(ac.err, &status) && status.URL == acURL:
			// The URL is said once.
			why = i18n.Nest(i18n.M(i18n.CheckAnsweredHTTP, strings.TrimSpace(strconv.Itoa(status.Code)+" "+http.StatusText(status.Code))))
		case ac.pub.Reason != nil:
			why = i18n.Nest(*ac.pub.Reason)
		}
		add(withXML(Finding{Severity: Warn, Code: CodeAutoconfigMissing, Source: lookup.SourceAutoconfig,
			Message: i18n.M(i18n.CheckAutoconfigMissing, acURL, why),
			Fix:     i18n.M(i18n.CheckAutoconfigMissingFix, acURL)}, acURL))
	}
	redirected := map[string]*source{}
	for _, s := range []*source{ac, wk, plain} {
		if s == nil {
			continue
		}
		where := s.pub.URL
		if s.invalid.Key != "" {
			add(withXML(Finding{Severity: Fail, Code: CodeAutoconfigInvalid, Source: s.pub.Source,
				Message: i18n.M(i18n.CheckAutoconfigInvalid, where, i18n.Nest(s.invalid)),
				Fix:     i18n.M(i18n.CheckAutoconfigInvalidFix, where)}, where))
		}
		for _, p := range f.protocols {
			if why := s.skipped[p]; len(why) > 0 {
				var nested []string
				for _, w := range why {
					nested = append(nested, i18n.Nest(w))
				}
				add(withXML(Finding{Severity: Fail, Code: CodeAutoconfigInvalid, Protocol: p, Source: s.pub.Source,
					Message: i18n.M(i18n.CheckAutoconfigInvalidPart, where, strings.Join(nested, "; ")),
					Fix:     i18n.M(i18n.CheckAutoconfigInvalidFix, where)}, where))
			}
		}
		if !s.offDomain {
			continue
		}
		// The same redirect reached from the HTTPS and the HTTP URL is
		// one finding.
		if first := redirected[s.pub.FinalURL]; first != nil {
			for i := range out {
				if out[i].Code == CodeAutoconfigRedirect && out[i].Source == first.pub.Source {
					out[i].Source = ""
					out[i].Message = i18n.M(i18n.CheckRedirectOffdomainBoth, first.pub.URL, where, s.pub.FinalURL)
				}
			}
			continue
		}
		redirected[s.pub.FinalURL] = s
		add(Finding{Severity: Warn, Code: CodeAutoconfigRedirect, Source: s.pub.Source,
			Message: i18n.M(i18n.CheckRedirectOffdomain, where, s.pub.FinalURL),
			Fix:     i18n.M(i18n.CheckRedirectOffdomainFix, where)})
	}

	// Which servers' live checks count: those the domain names itself,
	// and those ISPDB names for a protocol the domain names nothing of.
	ownHas := map[settings.Protocol]bool{}
	for _, name := range ownSources {
		if s := f.source(name); published(s) {
			for _, sv := range s.pub.Servers {
				ownHas[sv.Protocol] = true
			}
		}
	}
	counted := func(sc ServerCheck) bool {
		for _, name := range sc.Sources {
			if contains(ownSources, name) || name == lookup.SourceISPDB && !ownHas[sc.Server.Protocol] {
				return true
			}
		}
		return false
	}
	// The failures of servers only a stale ISPDB entry names, said in
	// ispdb_stale.
	staleDead := map[string]i18n.Msg{}
	for _, sc := range f.servers {
		if r := sc.Report; sc.Checked() && !r.OK && !counted(sc) && contains(sc.Sources, lookup.SourceISPDB) {
			staleDead[key(sc.Server)] = r.Problem
		}
	}

	// Per protocol: agreement, the ISP database, what is published.
	for _, p := range f.protocols {
		if fd, ok := disagree(f, p, acURL, xml); ok {
			add(fd)
		}
		if isp := f.source(lookup.SourceISPDB); isp != nil && isp.pub.Status == StatusFound {
			if ispSrv, ok := preferred(isp, p); ok {
				// Compared with the best of the domain's own sources that
				// names a server of p, and with it alone.
				for _, name := range ownSources {
					s := f.source(name)
					if s == nil || s.pub.Status != StatusFound {
						continue
					}
					own, ok := preferred(s, p)
					if !ok {
						continue
					}
					if key(own) != key(ispSrv) {
						msg := i18n.M(i18n.CheckISPDBStale, isp.pub.URL, describe(ispSrv), p.Label(), describe(own))
						if why, dead := staleDead[key(ispSrv)]; dead {
							msg = i18n.M(i18n.CheckISPDBStaleDead, isp.pub.URL, describe(ispSrv), p.Label(), describe(own), i18n.Nest(why))
						}
						add(Finding{Severity: Warn, Code: CodeISPDBStale, Protocol: p, Source: lookup.SourceISPDB,
							Message: msg,
							Fix:     i18n.M(i18n.CheckISPDBStaleFix, shown),
							Compare: []Published{only(isp.pub, p), only(s.pub, p)}})
					}
					break
				}
			}
		}
		// What is published at all, by any source but MX inference.
		var all []settings.Server
		bySource := map[string][]string{}
		for _, name := range publishing {
			s := f.source(name)
			if s == nil || s.pub.Status != StatusFound {
				continue
			}
			for _, sv := range s.pub.Servers {
				if sv.Protocol != p {
					continue
				}
				k := key(sv)
				if len(bySource[k]) == 0 {
					all = append(all, sv)
				}
				if !contains(bySource[k], name) {
					bySource[k] = append(bySource[k], name)
				}
			}
		}
		var hasSSL, hasSTARTTLS bool
		var firstSTARTTLS settings.Server
		for _, sv := range all {
			switch sv.SocketType {
			case settings.SSL:
				hasSSL = true
			case settings.STARTTLS:
				if !hasSTARTTLS {
					firstSTARTTLS = sv
				}
				hasSTARTTLS = true
			case settings.Plain:
				tlsPort := p.DefaultPort(settings.SSL)
				fd := Finding{Severity: Fail, Code: CodePlaintext, Protocol: p, Server: hostPort(sv),
					Message: i18n.M(i18n.CheckPlaintext, p.Label(), hostPort(sv), strings.Join(bySource[key(sv)], ", ")),
					Fix:     i18n.M(i18n.CheckPlaintextFix, p.Label(), strconv.Itoa(tlsPort))}
				if len(bySource[key(sv)]) == 1 {
					fd.Source = bySource[key(sv)][0]
				}
				ssl := sv
				ssl.Port, ssl.SocketType = tlsPort, settings.SSL
				fd.Paste, fd.PasteKind = srvLine(d, ssl), PasteDNS
				add(fd)
			}
		}
		if hasSTARTTLS && !hasSSL {
			tlsPort := p.DefaultPort(settings.SSL)
			ssl := firstSTARTTLS
			ssl.Port, ssl.SocketType = tlsPort, settings.SSL
			by := bySource[key(firstSTARTTLS)]
			fd := Finding{Severity: Info, Code: CodeSTARTTLSOnly, Protocol: p, Server: hostPort(firstSTARTTLS),
				Message: i18n.M(i18n.CheckSTARTTLSOnly, p.Label(), hostPort(firstSTARTTLS), strings.Join(by, ", "), strconv.Itoa(tlsPort)),
				Fix:     i18n.M(i18n.CheckSTARTTLSOnlyFix, p.Label(), strconv.Itoa(tlsPort)),
				// Implicit TLS first, as the fix says: the lower priority
				// is the one clients try first (RFC 2782).
				Paste: srvLineAt(d, ssl, 0) + "\n" + srvLineAt(d, firstSTARTTLS, 10), PasteKind: PasteDNS}
			if len(by) == 1 {
				fd.Source = by[0]
			}
			add(fd)
		}
		if p == settings.SMTP && len(all) == 0 && !f.dnsHidden(p) && !f.refusedOwn() {
			key := i18n.CheckNoSubmission
			if f.partial {
				key = i18n.CheckNoSubmissionAsked
			}
			add(Finding{Severity: Warn, Code: CodeNoSubmission, Protocol: p,
				Message: i18n.M(key, shown),
				Fix:     i18n.M(i18n.CheckNoSubmissionFix, d)})
		}
	}

	// SRV records.
	quiet := map[string]bool{} // hosts whose DNS finding says it all
	for n := range f.dnsFailed {
		quiet[n] = true
	}
	for _, r := range f.srv {
		switch {
		case r.noAddress:
			quiet[r.target] = true
			add(Finding{Severity: Fail, Code: CodeSRVTargetUnresolved, Protocol: r.proto, Source: lookup.SourceSRV,
				Server:  r.target + ":" + strconv.Itoa(r.port),
				Message: i18n.M(i18n.CheckSRVUnresolved, r.line, r.target),
				Fix:     i18n.M(i18n.CheckSRVUnresolvedFix, r.target)})
		case !inDomain(r.target, d) && !r.ad:
			add(Finding{Severity: Warn, Code: CodeSRVForeignTarget, Protocol: r.proto, Source: lookup.SourceSRV,
				Server:  r.target + ":" + strconv.Itoa(r.port),
				Message: i18n.M(i18n.CheckSRVForeign, r.line, r.target, shown),
				Fix:     i18n.M(i18n.CheckSRVForeignFix, shown)})
		}
	}

	// Autodiscover's host.
	if s := f.source(lookup.SourceAutodiscover); s != nil && f.ad.known {
		switch {
		case !f.ad.exists:
			add(Finding{Severity: Info, Code: CodeAutodiscoverHTTPOnly, Source: lookup.SourceAutodiscover,
				Message: i18n.M(i18n.CheckAutodiscoverNoHost, f.ad.host),
				Fix:     i18n.M(i18n.CheckAutodiscoverHTTPOnlyFx, f.ad.host)})
		case !f.ad.https && f.ad.http:
			add(Finding{Severity: Info, Code: CodeAutodiscoverHTTPOnly, Source: lookup.SourceAutodiscover,
				Message: i18n.M(i18n.CheckAutodiscoverHTTPOnly, f.ad.host),
				Fix:     i18n.M(i18n.CheckAutodiscoverHTTPOnlyFx, f.ad.host)})
		}
	}

	// The live checks, of the servers that count.
	for _, sc := range f.servers {
		if counted(sc) {
			out = append(out, liveFindings(sc, quiet, now)...)
		}
	}
	if fd, ok := refusals(f); ok {
		add(fd)
	}
	if f.named > len(f.servers) && len(f.servers) > 0 {
		add(Finding{Severity: Info, Code: CodeServersNotChecked,
			Message: i18n.M(i18n.CheckServersNotChecked, strconv.Itoa(f.named), strconv.Itoa(len(f.servers)), strconv.Itoa(f.named-len(f.servers))),
			Fix:     i18n.M(i18n.CheckServersNotCheckedFix)})
	}
	sortFindings(out, f.protocols)
	return out
}

// shownDomain is the domain as a message that names it says it: its
// A-label, and for an IDN its Unicode form beside it
// ("xn--fsqu00a.xn--0zwm56d (例子.测试)").
func (f *facts) shownDomain() string {
	if f.unicode == "" || f.unicode == f.domain {
		return f.domain
	}
	return f.domain + " (" + f.unicode + ")"
}

// maxDNSNames bounds the names a dns_failure finding lists.
const maxDNSNames = 8

// dnsHidden reports whether a DNS server's failure hid what some of the
// domain's own sources publish for p (a whole source, or p's SRV names):
// what they would have said is unknown.
func (f *facts) dnsHidden(p settings.Protocol) bool {
	for _, svc := range services[p] {
		if _, ok := f.dnsFailed[svc+"._tcp."+f.domain]; ok {
			return true
		}
	}
	for _, name := range ownSources {
		if s := f.source(name); s != nil && s.pub.Status == StatusFailed && f.serverFailure(s.err) {
			return true
		}
	}
	return false
}

// refusedOwn reports whether a connection of one of the domain's own
// sources was refused for safety: what it would have said is unknown.
func (f *facts) refusedOwn() bool {
	for _, name := range ownSources {
		if s := f.source(name); s != nil && s.refused {
			return true
		}
	}
	return false
}

// refusals is the refused_for_safety finding: the sources and servers
// whose connections were refused for safety, which were not looked at,
// if any. It is one finding however many there are, and only informs:
// a refusal says nothing of the domain.
func refusals(f *facts) (Finding, bool) {
	var sources, servers []string
	for _, s := range f.sources {
		if s != nil && s.refused && s.pub.Status != StatusSkipped {
			sources = append(sources, s.pub.Source)
		}
	}
	for _, sc := range f.servers {
		if r := sc.Report; r != nil && r.Kind == KindRefusedForSafety {
			servers = append(servers, sc.Server.Protocol.Label()+" "+hostPort(sc.Server))
		}
	}
	var msg i18n.Msg
	switch {
	case len(sources) > 0 && len(servers) > 0:
		msg = i18n.M(i18n.CheckRefusedSafetyBoth, strings.Join(sources, ", "), strings.Join(servers, ", "))
	case len(sources) > 0:
		msg = i18n.M(i18n.CheckRefusedSafetySources, strings.Join(sources, ", "))
	case len(servers) > 0:
		msg = i18n.M(i18n.CheckRefusedSafetyServers, strings.Join(servers, ", "))
	default:
		return Finding{}, false
	}
	return Finding{Severity: Info, Code: CodeRefusedForSafety, Message: msg, Fix: i18n.M(i18n.CheckRefusedSafetyFix)}, true
}

// autoconfigKind are the sources that publish an autoconfig file.
var autoconfigKind = []string{lookup.SourceAutoconfig, lookup.SourceWellKnown, lookup.SourceAutoconfigHTTP}

// disagree is the sources_disagree finding of protocol p, if the sources
// that publish servers of it name different preferred servers. Its paste
// fixes the outliers: the autoconfig file, when an autoconfig source is
// one; the SRV record of the best source's server, when SRV is one; never
// a record the domain already has.
//
// When popfind's built-in table is an outlier, the fix says it is
// popfind's to correct, not the admin's.
func disagree(f *facts, p settings.Protocol, acURL, xml string) (fd Finding, ok bool) {
	d := f.domain
	var entries []Published
	keys := map[string]bool{}
	var best settings.Server
	bestSource := ""
	var outliers []string
	for _, name := range compared {
		s := f.source(name)
		if s == nil || s.pub.Status != StatusFound {
			continue
		}
		sv, ok := preferred(s, p)
		if !ok {
			continue
		}
		keys[key(sv)] = true
		entries = append(entries, only(s.pub, p))
		if bestSource == "" {
			best, bestSource = sv, name
		} else if key(sv) != key(best) {
			outliers = append(outliers, name)
		}
	}
	if len(keys) < 2 {
		return Finding{}, false
	}
	var seen []string
	for _, e := range entries {
		seen = append(seen, e.Source+" "+describe(e.Servers[0]))
	}
	fd = Finding{Severity: Warn, Code: CodeSourcesDisagree, Protocol: p,
		Message: i18n.M(i18n.CheckSourcesDisagree, p.Label(), strings.Join(seen, "; ")),
		Fix:     i18n.M(i18n.CheckSourcesDisagreeFixNone, p.Label(), bestSource),
		Compare: entries}
	if contains(outliers, lookup.SourceBuiltin) {
		// popfind's own table is not the admin's to change.
		if len(outliers) == 1 {
			fd.Fix = i18n.M(i18n.CheckSourcesDisagreeFixBuiltin, p.Label(), bestSource)
			return fd, true
		}
		defer func() { fd.Fix = i18n.M(i18n.CheckSourcesDisagreeBuiltinToo, i18n.Nest(fd.Fix)) }()
	}
	for _, name := range outliers {
		switch {
		case contains(autoconfigKind, name) && xml != "" && usable(best):
			u := acURL
			if name == lookup.SourceWellKnown {
				u = f.source(name).pub.URL
			}
			fd.Paste, fd.PasteKind, fd.PasteURL = xml, PasteXML, u
			fd.Fix = i18n.M(i18n.CheckSourcesDisagreeFixXML, p.Label(), bestSource, u)
		case name == lookup.SourceSRV:
			line := srvLine(d, best)
			if line == "" || f.hasRecord(line) {
				continue
			}
			fd.Paste, fd.PasteKind = line, PasteDNS
			fd.Fix = i18n.M(i18n.CheckSourcesDisagreeFix, p.Label(), bestSource)
			if old := f.sameOwner(line); len(old) > 0 {
				// Added beside the records of the same service, the
				// record would share the clients with them (RFC 2782):
				// they go, it comes.
				var b strings.Builder
				b.WriteString("; remove:\n")
				for _, r := range old {
					b.WriteString("; " + r + "\n")
				}
				b.WriteString("; add:\n" + line)
				fd.Paste, fd.PasteKind = b.String(), PasteDNSReplace
				fd.Fix = i18n.M(i18n.CheckSourcesDisagreeFixReplace, p.Label(), bestSource)
			}
		default:
			continue
		}
		break
	}
	return fd, true
}

// hasRecord reports whether the domain's SRV records already name line's
// target and port for line's service, whatever their priority, weight and
// TTL.
func (f *facts) hasRecord(line string) bool {
	want, err := dns.NewRR(line)
	if err != nil {
		return false
	}
	w, ok := want.(*dns.SRV)
	s := f.source(lookup.SourceSRV)
	if !ok || s == nil {
		return false
	}
	for _, rec := range s.pub.Records {
		rr, err := dns.NewRR(rec)
		if r, ok := rr.(*dns.SRV); err == nil && ok && r.Port == w.Port &&
			strings.EqualFold(r.Hdr.Name, w.Hdr.Name) && strings.EqualFold(r.Target, w.Target) {
			return true
		}
	}
	return false
}

// sameOwner returns the domain's SRV records, as published, whose owner
// name is line's: the records of the same service.
func (f *facts) sameOwner(line string) []string {
	want, err := dns.NewRR(line)
	s := f.source(lookup.SourceSRV)
	if err != nil || s == nil {
		return nil
	}
	var out []string
	for _, rec := range s.pub.Records {
		rr, err := dns.NewRR(rec)
		if err == nil && rr != nil && strings.EqualFold(rr.Header().Name, want.Header().Name) {
			out = append(out, strings.Join(strings.Fields(rec), " "))
		}
	}
	return out
}

// liveFindings are the findings of one server's check: a failed check's
// one reason, or what a working server does wrong (an old TLS version, a
// password login before TLS, a certificate close to its end), each once.
// A plain server's check adds nothing: plaintext says it.
func liveFindings(sc ServerCheck, quiet map[string]bool, now time.Time) []Finding {
	r, sv := sc.Report, sc.Server
	if !sc.Checked() {
		return nil
	}
	p := sv.Protocol
	hp := hostPort(sv)
	fd := Finding{Protocol: p, Server: hp}
	if len(sc.Sources) == 1 {
		fd.Source = sc.Sources[0]
	}
	by := strings.Join(sc.Sources, ", ")
	if !r.OK {
		switch r.Kind {
		case probe.KindCertExpired, probe.KindCertName, probe.KindCertAuthority, probe.KindCert:
			fd.Severity, fd.Code = Fail, CodeCertInvalid
			fd.Message = i18n.M(i18n.CheckCertInvalid, hp, i18n.Nest(r.Problem))
			fd.Fix = i18n.M(i18n.CheckCertInvalidFix, sv.Host)
		case probe.KindNotPOP3, probe.KindNotIMAP, probe.KindNotSMTP:
			fd.Severity, fd.Code = Fail, CodeWrongProtocol
			fd.Message = i18n.M(i18n.CheckWrongProtocol, hp, by, i18n.Nest(aServer(p)), p.Label(), greeting(r))
			fd.Fix = i18n.M(i18n.CheckWrongProtocolFix, p.Label(), hp)
		case probe.KindRefused:
			fd.Severity, fd.Code = Fail, CodeServerUnreachable
			fd.Message = i18n.M(i18n.CheckServerRefused, p.Label(), hp, by)
			fd.Fix = i18n.M(i18n.CheckServerUnreachableFix, p.Label(), hp)
		default:
			if r.Kind == probe.KindDNS && quiet[normHost(sv.Host)] {
				return nil // srv_target_unresolved or dns_failure says it
			}
			fd.Severity, fd.Code = Fail, CodeServerUnreachable
			fd.Message = i18n.M(i18n.CheckServerUnreachable, p.Label(), hp, by, i18n.Nest(r.Problem))
			fd.Fix = i18n.M(i18n.CheckServerUnreachableFix, p.Label(), hp)
		}
		return []Finding{fd}
	}
	var out []Finding
	if t := r.TLSInfo; t != nil && oldTLS(t.Version) {
		f := fd
		f.Severity, f.Code = Fail, CodeTLSOld
		f.Message = i18n.M(i18n.CheckTLSOld, hp, cleanText(t.Version, 20))
		f.Fix = i18n.M(i18n.CheckTLSOldFix, sv.Host)
		out = append(out, f)
	}
	if sv.SocketType == settings.STARTTLS && sc.PlainAuth {
		f := fd
		f.Severity, f.Code = Fail, CodeAuthBeforeTLS
		f.Message = i18n.M(i18n.CheckAuthBeforeTLS, p.Label(), hp, cleanText(sc.AuthEvidence, 100))
		f.Fix = i18n.M(i18n.CheckAuthBeforeTLSFix, sv.Host)
		out = append(out, f)
	}
	if t := r.TLSInfo; t != nil && t.Verified && t.NotAfter.Sub(now) < probe.ExpiryWarning {
		f := fd
		f.Severity, f.Code = Warn, CodeCertExpiring
		date := t.NotAfter.UTC().Format("2006-01-02")
		switch {
		case t.DaysLeft <= 0:
			f.Message = i18n.M(i18n.CheckCertExpiringToday, hp, date)
		case t.DaysLeft == 1:
			f.Message = i18n.M(i18n.CheckCertExpiringOneDay, hp, date)
		default:
			f.Message = i18n.M(i18n.CheckCertExpiring, hp, strconv.Itoa(t.DaysLeft), date)
		}
		f.Fix = i18n.M(i18n.CheckCertExpiringFix, sv.Host)
		out = append(out, f)
	}
	return out
}

// aServer is "a POP3 server", "an IMAP server", "an SMTP server", as the
// reader's language says it.
func aServer(p settings.Protocol) i18n.Msg {
	switch p {
	case settings.IMAP:
		return i18n.M(i18n.CheckAServerIMAP)
	case settings.SMTP:
		return i18n.M(i18n.CheckAServerSMTP)
	}
	return i18n.M(i18n.CheckAServerPOP3)
}

// greeting is what a server that speaks another protocol said first, as
// its check's problem quotes it, unquoted and cleaned.
func greeting(r *probe.Report) string {
	g := r.Greeting
	if len(r.Problem.Args) > 1 {
		g = r.Problem.Args[len(r.Problem.Args)-1]
		if u, err := strconv.Unquote(g); err == nil {
			g = u
		}
	}
	return cleanText(g, 100)
}

// oldTLS reports whether a negotiated version, as tls.VersionName names
// it, is older than TLS 1.2.
func oldTLS(v string) bool {
	switch v {
	// Go's client never negotiates SSL 3.0, so TLS 1.0 and 1.1 are all
	// there is to see.
	case tls.VersionName(tls.VersionTLS10), tls.VersionName(tls.VersionTLS11):
		return true
	}
	return false
}

// source returns the named source, nil when it was not asked.
func (f *facts) source(name string) *source {
	for _, s := range f.sources {
		if s != nil && s.pub.Source == name {
			if s.pub.Status == StatusSkipped {
				return nil
			}
			return s
		}
	}
	return nil
}

// preferred returns the source's first server of p.
func preferred(s *source, p settings.Protocol) (settings.Server, bool) {
	for _, sv := range s.pub.Servers {
		if sv.Protocol == p {
			return sv, true
		}
	}
	return settings.Server{}, false
}

// only returns pub with the servers of p alone.
func only(pub Published, p settings.Protocol) Published {
	var servers []settings.Server
	for _, sv := range pub.Servers {
		if sv.Protocol == p {
			servers = append(servers, sv)
		}
	}
	pub.Servers = servers
	pub.Records = nil
	return pub
}

// describe says host:port and socket type, the socket type as the rest of
// the report words it (SSL/TLS, STARTTLS, plain), in the reader's
// language.
func describe(s settings.Server) string {
	word := i18n.M(i18n.SSLNone)
	switch s.SocketType {
	case settings.SSL:
		word = i18n.M(i18n.SSLTLS)
	case settings.STARTTLS:
		word = i18n.M(i18n.SSLStartTLS)
	case settings.Plain:
		word = i18n.M(i18n.CheckUIPlainSocket)
	}
	return hostPort(s) + " " + i18n.Nest(word)
}

// sortFindings orders findings worst first, then by protocol (the domain
// as a whole first) and code, then by server and source.
func sortFindings(fs []Finding, protocols []settings.Protocol) {
	codeIndex := map[string]int{}
	for i, c := range Codes() {
		codeIndex[c] = i
	}
	pi := func(p settings.Protocol) int {
		for i, q := range protocols {
			if p == q {
				return i
			}
		}
		return -1
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		if pi(a.Protocol) != pi(b.Protocol) {
			return pi(a.Protocol) < pi(b.Protocol)
		}
		if codeIndex[a.Code] != codeIndex[b.Code] {
			return codeIndex[a.Code] < codeIndex[b.Code]
		}
		if a.Server != b.Server {
			return a.Server < b.Server
		}
		return a.Source < b.Source
	})
}
