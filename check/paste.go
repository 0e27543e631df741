package check

import (
	"fmt"
	"strings"

	"github.com/popfind/popfind/export"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

// srvLine is the SRV record, in zone-file form, that publishes s for
// domain at priority 0; empty for a plain server, which has no SRV
// service.
func srvLine(domain string, s settings.Server) string { return srvLineAt(domain, s, 0) }

// srvLineAt is srvLine at priority prio: clients try the lowest first.
func srvLineAt(domain string, s settings.Server, prio int) string {
	svc := services[s.Protocol]
	name := ""
	switch s.SocketType {
	case settings.SSL:
		name = svc[0]
	case settings.STARTTLS:
		name = svc[1]
	default:
		return ""
	}
	return fmt.Sprintf("%s._tcp.%s. 3600 IN SRV %d 1 %d %s.", name, domain, prio, s.Port, normHost(s.Host))
}

// pasteOrder is where the autoconfig file to paste takes each protocol's
// servers from: the first of these sources that names servers of it.
var pasteOrder = []string{
	lookup.SourceAutoconfig, lookup.SourceWellKnown, lookup.SourceSRV, lookup.SourceAutodiscover,
	lookup.SourceAutoconfigHTTP, lookup.SourceISPDB, lookup.SourceBuiltin,
}

// gap is a protocol the file to paste names no server of, and why.
type gap struct {
	proto settings.Protocol
	// invalid: the sections published for it are invalid, with no plain
	// correction; otherwise none published uses TLS.
	invalid bool
}

// pasteXML is the autoconfig file, as export --format autoconfig writes it,
// of what the domain's best sources publish, with only the servers a
// client may use: TLS or STARTTLS, with a valid host name and port. An
// invalid section whose fix is plain (socketType "TLS" for SSL) is in it,
// corrected, where it stood. It is empty when they do not name both an
// incoming and an outgoing server. gaps are the protocols checked whose
// published servers were all left out, so that the file names none: the
// fix then says to add one.
func pasteXML(f *facts) (xml string, gaps []gap) {
	d, err := settings.DomainAddress(f.domain)
	if err != nil {
		return "", nil
	}
	acct := &export.Account{Address: lookup.Address(d), Servers: map[lookup.Protocol][]lookup.Server{}}
	for _, p := range []settings.Protocol{settings.POP3, settings.IMAP, settings.SMTP} {
		if !f.checks(p) {
			continue
		}
		named, invalid := false, false
		for _, name := range pasteOrder {
			s := f.source(name)
			if s == nil || s.pub.Status != StatusFound && s.pub.Status != StatusInvalid {
				continue
			}
			published := withCorrections(s, p)
			if len(s.sections[p]) > 0 {
				named = true
			}
			var servers []lookup.Server
			for _, sv := range published {
				named = true
				if sv == nil {
					invalid = true
					continue
				}
				if !usable(*sv) {
					continue
				}
				c := *sv
				if c.Username == "" {
					c.Username = settings.PlaceholderAddress
				}
				servers = append(servers, lookup.Server(c))
			}
			if len(servers) == 0 {
				continue
			}
			acct.Protocols = append(acct.Protocols, p)
			acct.Servers[p] = servers
			s0 := servers[0]
			switch {
			case p == settings.SMTP:
				acct.Outgoing = &s0
			case acct.Incoming == nil:
				acct.Incoming = &s0
			}
			break
		}
		if named && len(acct.Servers[p]) == 0 {
			gaps = append(gaps, gap{proto: p, invalid: invalid})
		}
	}
	data, _, err := export.Autoconfig(acct, export.Options{})
	if err != nil {
		return "", nil
	}
	return string(data), gaps
}

// withCorrections is what s publishes for p, in document order, its
// invalid sections in their places: corrected where the fix is plain, nil
// where it is not.
func withCorrections(s *source, p settings.Protocol) []*settings.Server {
	var valid []settings.Server
	for _, sv := range s.pub.Servers {
		if sv.Protocol == p {
			valid = append(valid, sv)
		}
	}
	bad := map[int]*settings.Server{}
	for _, sk := range s.sections[p] {
		bad[sk.Section] = sk.Corrected
	}
	var out []*settings.Server
	for n := 1; len(valid) > 0 || len(bad) > 0; n++ {
		if c, ok := bad[n]; ok {
			out = append(out, c)
			delete(bad, n)
			continue
		}
		if len(valid) == 0 {
			// Numbers past the valid sections: the invalid ones left,
			// in order.
			continue
		}
		out = append(out, &valid[0])
		valid = valid[1:]
	}
	return out
}

// usable reports whether a client may be told to use s: TLS or STARTTLS,
// a valid host name (per-address placeholders filled with a neutral local
// part) and a port.
func usable(s settings.Server) bool {
	if s.SocketType != settings.SSL && s.SocketType != settings.STARTTLS {
		return false
	}
	if s.Port < 1 || s.Port > 65535 {
		return false
	}
	host := strings.NewReplacer(settings.PlaceholderLocal, "x", settings.PlaceholderAddress, "x").Replace(s.Host)
	return settings.ValidHost(normHost(host)) == nil
}
