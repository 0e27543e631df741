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

// pasteXML is the autoconfig file, as export --format autoconfig writes it,
// of what the domain's best sources publish, with only the servers a
// client may use: TLS or STARTTLS, with a valid host name and port. It is
// empty when they do not name both an incoming and an outgoing server.
// gaps are the protocols checked whose published servers were all left
// out, so that the file names none: the fix then says to add one.
func pasteXML(f *facts) (xml string, gaps []settings.Protocol) {
	d, err := settings.DomainAddress(f.domain)
	if err != nil {
		return "", nil
	}
	acct := &export.Account{Address: lookup.Address(d), Servers: map[lookup.Protocol][]lookup.Server{}}
	for _, p := range []settings.Protocol{settings.POP3, settings.IMAP, settings.SMTP} {
		if !f.checks(p) {
			continue
		}
		named := false
		for _, name := range pasteOrder {
			s := f.source(name)
			if s == nil || s.pub.Status != StatusFound && s.pub.Status != StatusInvalid {
				continue
			}
			var servers []lookup.Server
			for _, sv := range s.pub.Servers {
				if sv.Protocol != p {
					continue
				}
				named = true
				if !usable(sv) {
					continue
				}
				if sv.Username == "" {
					sv.Username = settings.PlaceholderAddress
				}
				servers = append(servers, lookup.Server(sv))
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
			gaps = append(gaps, p)
		}
	}
	data, _, err := export.Autoconfig(acct, export.Options{})
	if err != nil {
		return "", nil
	}
	return string(data), gaps
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
