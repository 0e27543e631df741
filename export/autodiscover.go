package export

import (
	"slices"
	"strconv"
	"strings"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

var autodiscoverFormat = Format{
	Name: "autodiscover", MIME: "application/xml", Ext: ".xml", Help: i18n.ExportHelpAutodiscover,
	Encode: Autodiscover,
}

// Autodiscover writes the account as the response an Outlook client gets
// from a domain's POX Autodiscover service (responseschema 2006a): an
// email account, Action settings, and one Protocol block for each of POP3,
// IMAP and SMTP that was found, holding its chosen server. The format has
// no room for alternatives. Encryption says SSL, TLS (STARTTLS) or None;
// SPA is on for a server that logs in with NTLM; LoginName is the login
// name for this address, so the account must be one address's, with an
// incoming and an outgoing server (ErrDomainOnly, ErrNoIncoming,
// ErrNoOutgoing). A server that logs in some other way (OAuth2, a
// challenge-response password) gets a password, and a note that says so.
func Autodiscover(a *Account, _ Options) ([]byte, []i18n.Msg, error) {
	if err := oneAddress(a); err != nil {
		return nil, nil, err
	}
	w := &xmlWriter{}
	w.b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	w.open("Autodiscover", "xmlns", "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006")
	w.open("Response", "xmlns", "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a")
	w.open("Account")
	w.elem("AccountType", "email")
	w.elem("Action", "settings")
	var notes []i18n.Msg
	for _, p := range []lookup.Protocol{lookup.POP3, lookup.IMAP, lookup.SMTP} {
		if list := a.Servers[p]; len(list) > 0 {
			s := list[0]
			autodiscoverProtocol(w, a, s)
			if len(s.Auth) > 0 && !slices.Contains(s.Auth, "password-cleartext") && !slices.Contains(s.Auth, "NTLM") &&
				slices.ContainsFunc(s.Auth, loginAuth) {
				notes = append(notes, i18n.M(i18n.ExportAutodiscoverAuth, p.Label(), strings.Join(s.Auth, ", ")))
			}
		}
	}
	w.close("Account")
	w.close("Response")
	w.close("Autodiscover")
	return w.b.Bytes(), notes, nil
}

// autodiscoverProtocol writes one Protocol block, its elements in the
// schema's order.
func autodiscoverProtocol(w *xmlWriter, a *Account, s lookup.Server) {
	w.open("Protocol")
	w.elem("Type", s.Protocol.Label())
	w.elem("Server", s.Host)
	w.elem("Port", strconv.Itoa(s.Port))
	w.elem("DomainRequired", "off")
	user := s.Username
	if user == "" && s.Protocol != lookup.SMTP {
		user = a.Address.String()
	}
	if user != "" {
		w.elem("LoginName", user)
	}
	spa := "off"
	if slices.Contains(s.Auth, "NTLM") {
		spa = "on"
	}
	w.elem("SPA", spa)
	switch s.SocketType {
	case lookup.SSL:
		w.elem("SSL", "on")
		w.elem("Encryption", "SSL")
	case lookup.STARTTLS:
		w.elem("SSL", "on")
		w.elem("Encryption", "TLS")
	default:
		w.elem("SSL", "off")
		w.elem("Encryption", "None")
	}
	auth := "on"
	if s.Protocol == lookup.SMTP && len(s.Auth) > 0 && !slices.ContainsFunc(s.Auth, loginAuth) {
		auth = "off"
	}
	w.elem("AuthRequired", auth)
	if s.Protocol == lookup.SMTP {
		w.elem("UsePOPAuth", "off")
		w.elem("SMTPLast", "off")
	}
	w.close("Protocol")
}

// loginAuth reports whether m is a way of logging in, rather than a way of
// sending without (none, client-IP-address, smtp-after-pop).
func loginAuth(m string) bool {
	switch m {
	case "none", "client-IP-address", "smtp-after-pop":
		return false
	}
	return true
}
