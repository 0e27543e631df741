package export

import (
	"strconv"
	"strings"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

var autoconfigFormat = Format{
	Name: "autoconfig", MIME: "application/xml", Ext: ".xml", Help: i18n.ExportHelpAutoconfig,
	Encode: Autoconfig,
}

// Autoconfig writes the account as the Thunderbird autoconfig file
// (config-v1.1.xml) that a domain's owner publishes at
// https://autoconfig.<domain>/mail/config-v1.1.xml: every protocol found,
// each with its alternatives, in preference order, the incoming protocol's
// servers first, so that Thunderbird's first incomingServer is the chosen
// one. A login name that is the address or its local part is written as
// %EMAILADDRESS% or %EMAILLOCALPART%, so that the file serves every
// address of the domain. The provider's id and domain are the address's
// domain in its A-label (ASCII) form, as the format requires. A server
// whose sources gave no way to log in gets password-cleartext, which is
// what every such source means. Thunderbird needs an incoming and an
// outgoing server: without either, the error is ErrNoIncoming or
// ErrNoOutgoing.
func Autoconfig(a *Account, _ Options) ([]byte, []i18n.Msg, error) {
	switch {
	case a == nil || a.Incoming == nil:
		return nil, nil, ErrNoIncoming
	case a.Outgoing == nil:
		// Thunderbird refuses a file without an outgoing server.
		return nil, nil, ErrNoOutgoing
	}
	w := &xmlWriter{}
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.open("clientConfig", "version", "1.1")
	domain := a.Address.Domain
	w.open("emailProvider", "id", domain)
	w.elem("domain", domain)
	name, short := a.Address.UnicodeDomain, a.Address.UnicodeDomain
	if short == "" {
		name, short = domain, domain
	}
	if p := a.Provider; p != nil && strings.TrimSpace(p.Name) != "" {
		name, short = p.Name, p.Name
	}
	w.elem("displayName", name)
	w.elem("displayShortName", short)
	for _, p := range a.order() {
		for _, s := range a.Servers[p] {
			autoconfigServer(w, a.Address, s)
		}
	}
	for _, d := range a.docs() {
		w.empty("documentation", "url", d)
	}
	w.close("emailProvider")
	w.close("clientConfig")
	return w.b.Bytes(), nil, nil
}

// autoconfigServer writes one incomingServer or outgoingServer section.
func autoconfigServer(w *xmlWriter, addr lookup.Address, s lookup.Server) {
	element := "incomingServer"
	if s.Protocol == lookup.SMTP {
		element = "outgoingServer"
	}
	w.open(element, "type", string(s.Protocol))
	w.elem("hostname", s.Host)
	w.elem("port", strconv.Itoa(s.Port))
	w.elem("socketType", string(s.SocketType))
	user := loginTemplate(s.Username, addr)
	if user == "" && s.Protocol != lookup.SMTP {
		// Thunderbird refuses an incoming server without a login name;
		// a source that gave none means the address.
		user = settings.PlaceholderAddress
	}
	if user != "" {
		w.elem("username", user)
	}
	for _, m := range authOrDefault(s.Auth) {
		w.elem("authentication", m)
	}
	if s.Protocol == lookup.POP3 && (s.LeaveMessagesOnServer != nil || s.DaysToLeaveMessagesOnServer != nil || s.DownloadOnBiff != nil) {
		w.open("pop3")
		if v := s.LeaveMessagesOnServer; v != nil {
			w.elem("leaveMessagesOnServer", strconv.FormatBool(*v))
		}
		if v := s.DaysToLeaveMessagesOnServer; v != nil {
			w.elem("daysToLeaveMessagesOnServer", strconv.Itoa(*v))
		}
		if v := s.DownloadOnBiff; v != nil {
			w.elem("downloadOnBiff", strconv.FormatBool(*v))
		}
		w.close("pop3")
	}
	w.close(element)
}

// loginTemplate writes a login name as the placeholders that make it: the
// address (with its domain in Unicode or A-label form), or its local part.
// Any other login name is written as it is.
func loginTemplate(user string, addr lookup.Address) string {
	switch {
	case user == "":
		return ""
	case user == addr.String():
		return settings.PlaceholderAddress
	case user == addr.Local+"@"+addr.Domain:
		return settings.PlaceholderLocal + "@" + settings.PlaceholderDomain
	case user == addr.Local:
		return settings.PlaceholderLocal
	}
	return user
}

// authOrDefault is a server's ways to log in, password-cleartext when its
// source named none (SRV records and guesses cannot).
func authOrDefault(auth []string) []string {
	if len(auth) == 0 {
		return []string{"password-cleartext"}
	}
	return auth
}

// order is the protocols to write: the incoming server's first, then the
// other protocols asked for in the order asked, SMTP last.
func (a *Account) order() []lookup.Protocol {
	var out []lookup.Protocol
	if a.Incoming != nil {
		out = append(out, a.Incoming.Protocol)
	}
	for _, p := range a.Protocols {
		if p != lookup.SMTP && (a.Incoming == nil || p != a.Incoming.Protocol) {
			out = append(out, p)
		}
	}
	for _, p := range a.Protocols {
		if p == lookup.SMTP {
			out = append(out, p)
		}
	}
	return out
}

// docs are the help pages of every protocol's answer, each once, in the
// order of the protocols.
func (a *Account) docs() []string {
	var out []string
	if a.Result == nil {
		return nil
	}
	for _, r := range a.Result.All() {
		if r.Answer == nil {
			continue
		}
		for _, d := range r.Answer.Docs {
			if (strings.HasPrefix(d, "https://") || strings.HasPrefix(d, "http://")) && !contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
