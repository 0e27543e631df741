// Package autoconfig reads Thunderbird's autoconfig format
// (config-v1.1.xml, draft-ietf-mailmaint-autoconfig) and fetches it from a
// domain, its .well-known path and the ISP database.
package autoconfig

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/safetext"
	"github.com/popfind/popfind/lookup/settings"
)

// Config is what popfind reads of an autoconfig file: the provider, and its
// POP3, IMAP and SMTP sections.
type Config struct {
	ID        string
	Name      string
	ShortName string
	// Domains are the emailProvider's valid domain elements, with
	// %EMAILDOMAIN% filled for the address.
	Domains []string
	// Servers are the valid POP3, IMAP and SMTP sections in document
	// order; each protocol's first is its answer and the rest are
	// alternatives. Usernames keep their placeholders; host names are
	// filled for the address.
	Servers []settings.Server
	// Skipped says, by protocol, why each invalid section was left out,
	// as messages whose first two arguments are the protocol's label and
	// the section's number (from 1, among the protocol's sections).
	Skipped map[settings.Protocol][]i18n.Msg
	// SkippedServers holds, by protocol in the order of Skipped, each
	// invalid section as far as it could be read, and its correction
	// where the rule it breaks has one obvious fix.
	SkippedServers map[settings.Protocol][]SkippedServer
	Docs           []string
	Instructions   []Instruction
}

// SkippedServer is an invalid server section.
type SkippedServer struct {
	// Section is the section's number, from 1, among its protocol's
	// sections (valid or not).
	Section int
	// Reason is why it was left out, as in Config.Skipped.
	Reason i18n.Msg
	// Corrected, when set, is the section as its author plainly meant
	// it: a socketType spelt "TLS", "ssl" or "tls" read as SSL, and
	// "starttls" as STARTTLS, the rest of the section unchanged and
	// valid. It is nil when the section breaks another rule, or when
	// what it meant is not plain.
	Corrected *settings.Server
}

// Instruction is an enable element: where to go and what to do there before
// a client can connect.
type Instruction struct {
	URL  string
	Text string
}

// incomingAuth maps the authentication values Thunderbird accepts for an
// incoming server to their current spelling (two older spellings are still
// found in the wild). none, client-IP-address, smtp-after-pop and
// TLS-client-cert are not ways to log in to a POP3 or IMAP server.
var incomingAuth = map[string]string{
	"password-cleartext": "password-cleartext",
	"plain":              "password-cleartext",
	"password-encrypted": "password-encrypted",
	"secure":             "password-encrypted",
	"GSSAPI":             "GSSAPI",
	"NTLM":               "NTLM",
	"OAuth2":             "OAuth2",
}

// outgoingAuth is incomingAuth for an SMTP server, which Thunderbird also
// lets send without logging in: none (an open relay for the provider's
// network), client-IP-address (the sender's address is trusted) and
// smtp-after-pop (a POP login shortly before opens the door).
var outgoingAuth = withAuth(incomingAuth, "none", "client-IP-address", "smtp-after-pop")

// withAuth returns auth with the values more added, each spelt as itself.
func withAuth(auth map[string]string, more ...string) map[string]string {
	out := maps.Clone(auth)
	for _, m := range more {
		out[m] = m
	}
	return out
}

// sections lists the elements popfind reads: which element, of which type,
// and the protocol it gives.
var sections = []struct {
	element, typ string
	protocol     settings.Protocol
}{
	{"incomingServer", "pop3", settings.POP3},
	{"incomingServer", "imap", settings.IMAP},
	{"outgoingServer", "smtp", settings.SMTP},
}

// Caps on the text an autoconfig file can put in front of a user.
const (
	maxUsername = 255
	maxName     = 200
	maxNote     = 1000
	maxURL      = 2048
)

// Parse reads an autoconfig document for addr, following Thunderbird's
// readFromXML rules: the first of a repeated field counts, a field that
// holds elements makes its section invalid, and the emailProvider must have
// a valid id and at least one valid domain. A document without a valid
// POP3 section is not an error: Config.Servers is then empty.
//
// Host names keep placeholders that differ between addresses of the domain
// (%EMAILLOCALPART%), so that the answer can be cached for the domain;
// lookup.Result.For fills them. Every text is cleaned with safetext.
func Parse(data []byte, addr settings.Address) (*Config, error) {
	if !utf8.Valid(data) && !bytes.HasPrefix(data, []byte("<?xml")) {
		return nil, parseError(nil, i18n.ACDocNotUTF8)
	}
	return ParseReader(bytes.NewReader(data), addr)
}

// ParseReader is Parse reading the document from r as it arrives, so that a
// document refused early (too deeply nested, say) is never read whole.
// Text that is not valid in its declared encoding is refused.
func ParseReader(r io.Reader, addr settings.Address) (*Config, error) {
	root, err := parseTree(r, "clientConfig")
	if err != nil {
		return nil, err
	}
	p := root.first("emailProvider")
	if p == nil {
		return nil, parseError(nil, i18n.ACDocNoElement, "emailProvider")
	}
	id, _ := p.attr("id")
	id = strings.ToLower(strings.TrimSpace(id))
	if kind, quoted := hostProblem(id); kind > 0 {
		return nil, parseError(nil, hostKey(kind, [3]string{i18n.ACDocBadIDEmpty, i18n.ACDocBadIDLong, i18n.ACDocBadID}), quoted)
	}
	c := &Config{ID: id}
	c.Name = text(p, "displayName", maxName)
	c.ShortName = text(p, "displayShortName", maxName)
	if c.Name == "" {
		c.Name = c.ID
	}
	var domainErr error
	for _, d := range p.all("domain") {
		v, err := d.value()
		var nt *notTextError
		if errors.As(err, &nt) {
			domainErr = parseError(nil, i18n.ACDocBadDomNotTxt, nt.name)
			continue
		}
		// Providers publish <domain>%EMAILDOMAIN%</domain>: the
		// domain being looked up. The other placeholders name no
		// domain, and one filled from the local part would make the
		// document valid for some addresses of the domain only.
		v = strings.ReplaceAll(v, settings.PlaceholderDomain, addr.Domain)
		v = strings.TrimSuffix(strings.ToLower(v), ".")
		if kind, quoted := hostProblem(v); kind > 0 {
			domainErr = parseError(nil, hostKey(kind, [3]string{i18n.ACDocBadDomEmpty, i18n.ACDocBadDomLong, i18n.ACDocBadDom}), quoted)
			continue
		}
		c.Domains = append(c.Domains, v)
	}
	if len(c.Domains) == 0 {
		if domainErr != nil {
			return nil, domainErr
		}
		return nil, parseError(nil, i18n.ACDocNoDomain)
	}
	for _, sec := range sections {
		n := 0
		for _, in := range p.all(sec.element) {
			if t, _ := in.attr("type"); t != sec.typ {
				continue
			}
			n++
			srv, err := section(in, sec.protocol, addr, false)
			if err != nil {
				if c.Skipped == nil {
					c.Skipped = map[settings.Protocol][]i18n.Msg{}
					c.SkippedServers = map[settings.Protocol][]SkippedServer{}
				}
				why := skipMsg(err, sec.protocol, n)
				c.Skipped[sec.protocol] = append(c.Skipped[sec.protocol], why)
				sk := SkippedServer{Section: n, Reason: why}
				var r *skipReason
				if errors.As(err, &r) && r.key == i18n.ACSkipNoSocketType {
					if fixed, err := section(in, sec.protocol, addr, true); err == nil {
						sk.Corrected = &fixed
					}
				}
				c.SkippedServers[sec.protocol] = append(c.SkippedServers[sec.protocol], sk)
				continue
			}
			c.Servers = append(c.Servers, srv)
		}
	}
	for _, d := range p.all("documentation") {
		if u, ok := d.attr("url"); ok {
			if u, ok := webURL(u); ok {
				c.Docs = append(c.Docs, u)
			}
		}
	}
	for _, e := range append(p.all("enable"), root.all("enable")...) {
		in := Instruction{}
		if u, ok := e.attr("visiturl"); ok {
			in.URL, _ = webURL(u)
		}
		if first := e.first("instruction"); first != nil {
			if v, err := first.value(); err == nil {
				in.Text = safetext.Line(v, maxNote)
			}
		}
		if in.URL != "" || in.Text != "" {
			c.Instructions = append(c.Instructions, in)
		}
	}
	return c, nil
}

// text returns the cleaned text of n's first child named name, or "".
func text(n *node, name string, max int) string {
	v, _, err := n.field(name)
	if err != nil {
		return ""
	}
	return safetext.Line(v, max)
}

// webURL accepts an http or https URL with a host, at most maxURL bytes,
// that holds nothing a terminal would act on.
func webURL(raw string) (string, bool) {
	u := strings.TrimSpace(raw)
	if len(u) > maxURL || safetext.Unsafe(u) || !isWebURL(u) {
		return "", false
	}
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return "", false
	}
	return u, true
}

func isWebURL(u string) bool {
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
}

// section checks one server section the way Thunderbird does and converts
// it to a server of protocol proto. With lenient set, a socketType that
// Thunderbird does not know but whose meaning is plain (misspeltSocketType)
// counts as that meaning: what the section would be, corrected.
func section(n *node, proto settings.Protocol, addr settings.Address, lenient bool) (settings.Server, error) {
	srv := settings.Server{Protocol: proto}
	for _, f := range []string{"hostname", "port", "socketType", "username", "authentication"} {
		for _, c := range n.all(f) {
			if _, err := c.value(); err != nil {
				var nt *notTextError
				if errors.As(err, &nt) {
					return srv, skip(i18n.ACSkipNotText, nt.name)
				}
				return srv, err
			}
		}
	}
	hostname, ok, _ := n.field("hostname")
	if !ok {
		return srv, skip(i18n.ACSkipNoHostname)
	}
	host, err := hostTemplate(hostname, addr)
	if err != nil {
		return srv, err
	}
	srv.Host = host
	portText, ok, _ := n.field("port")
	if !ok {
		return srv, skip(i18n.ACSkipNoPort)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 {
		return srv, skip(i18n.ACSkipBadPort, strconv.QuoteToASCII(safetext.Line(portText, 20)))
	}
	srv.Port = port
	var types []string
	for _, st := range n.all("socketType") {
		v, _ := st.value()
		if t, ok := settings.ParseSocketType(v); ok {
			srv.SocketType = t
			break // Thunderbird takes the first it supports
		}
		types = append(types, safetext.Line(v, 20))
	}
	if srv.SocketType == "" && lenient {
		// The first whose meaning is plain, as Thunderbird would have
		// taken the first it knows.
		for _, st := range n.all("socketType") {
			v, _ := st.value()
			if t, ok := misspeltSocketType(v); ok {
				srv.SocketType = t
				break
			}
		}
	}
	switch {
	case srv.SocketType == "" && len(types) == 0:
		return srv, skip(i18n.ACSkipMissingSocket)
	case srv.SocketType == "":
		return srv, skip(i18n.ACSkipNoSocketType, quotedList(types))
	}
	user, ok, _ := n.field("username")
	if !ok && proto != settings.SMTP {
		// An outgoing server may have none: it is then the incoming
		// server's login, or no login at all.
		return srv, skip(i18n.ACSkipNoUsername)
	}
	if safetext.Unsafe(user) {
		return srv, skip(i18n.ACSkipUnsafeUsername)
	}
	if utf8.RuneCountInString(user) > maxUsername {
		return srv, skip(i18n.ACSkipLongUsername, strconv.Itoa(maxUsername))
	}
	srv.Username = user
	srv.Auth = []string{}
	var auths []string
	known := incomingAuth
	if proto == settings.SMTP {
		known = outgoingAuth
	}
	for _, a := range n.all("authentication") {
		v, _ := a.value()
		if m, ok := known[v]; ok {
			if !slices.Contains(srv.Auth, m) {
				srv.Auth = append(srv.Auth, m)
			}
		} else {
			auths = append(auths, safetext.Line(v, 30))
		}
	}
	if len(srv.Auth) == 0 {
		key := i18n.ACSkipNoAuthIn
		if proto == settings.SMTP {
			key = i18n.ACSkipNoAuthOut
		}
		if len(auths) == 0 {
			return srv, skip(i18n.ACSkipMissingAuth)
		}
		return srv, skip(key, quotedList(auths))
	}
	if p := n.first("pop3"); p != nil && proto == settings.POP3 {
		if v, ok, err := p.field("leaveMessagesOnServer"); ok && err == nil {
			if b, ok := parseBool(v); ok {
				srv.LeaveMessagesOnServer = &b
			}
		}
		if v, ok, err := p.field("daysToLeaveMessagesOnServer"); ok && err == nil {
			if d, err := strconv.Atoi(v); err == nil && d >= 0 {
				srv.DaysToLeaveMessagesOnServer = &d
			}
		}
		if v, ok, err := p.field("downloadOnBiff"); ok && err == nil {
			if b, ok := parseBool(v); ok {
				srv.DownloadOnBiff = &b
			}
		}
	}
	return srv, nil
}

// hostTemplate checks a hostname field as Thunderbird does once the
// placeholders are filled for addr. The placeholders that depend on the
// local part stay in the returned host, to be filled for each address.
func hostTemplate(raw string, addr settings.Address) (string, error) {
	perAddress := strings.Contains(raw, settings.PlaceholderLocal) || strings.Contains(raw, settings.PlaceholderAddress)
	if perAddress {
		// A host that follows the address is checked with a neutral local
		// part: the document is the domain's, and whether one address's
		// local part fits in a host name says nothing of another's. Each
		// address's host is checked again once filled for it.
		addr.Local = "x"
	}
	filled := strings.TrimSuffix(strings.ToLower(settings.Expand(raw, addr)), ".")
	if kind, quoted := hostProblem(filled); kind > 0 {
		return "", skip(hostKey(kind, [3]string{i18n.ACSkipEmptyHost, i18n.ACSkipLongHost, i18n.ACSkipBadHost}), quoted)
	}
	if !perAddress {
		return filled, nil
	}
	// Keep the per-address placeholders; fill the rest now.
	t := strings.NewReplacer(settings.PlaceholderDomain, addr.Domain, settings.PlaceholderName, "").Replace(raw)
	return strings.TrimSuffix(t, "."), nil
}

// misspeltSocketType reads a socketType Thunderbird does not know, but
// whose meaning is plain: "TLS" (any case) and "ssl" mean implicit TLS,
// SSL; "starttls", STARTTLS. Anything else has no plain meaning.
func misspeltSocketType(v string) (settings.SocketType, bool) {
	switch v = strings.TrimSpace(v); {
	case strings.EqualFold(v, "TLS"), strings.EqualFold(v, "SSL"):
		return settings.SSL, true
	case strings.EqualFold(v, "STARTTLS"):
		return settings.STARTTLS, true
	}
	return "", false
}

// quotedList is values, each cleaned and between quotation marks, joined
// with ", ": a list argument, which each language words with its own
// separator.
func quotedList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = "“" + v + "”"
	}
	return strings.Join(q, ", ")
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "1":
		return true, true
	case "false", "no", "0":
		return false, true
	}
	return false, false
}

// Answer converts c into a lookup answer from sourceURL. A protocol without
// a valid section has its part say so.
func (c *Config) Answer(sourceURL string) *settings.Answer {
	a := &settings.Answer{SourceURL: sourceURL, Servers: c.Servers, Docs: c.Docs}
	configReasons.markMissing(a, sourceURL, c.Skipped)
	if c.ID != "" || c.Name != "" {
		a.Provider = &settings.Provider{ID: c.ID, Name: c.Name}
	}
	for _, in := range c.Instructions {
		switch {
		case in.Text != "" && in.URL != "":
			a.Notes = append(a.Notes, i18n.M(i18n.NoteEnableInstruct, in.Text, in.URL))
		case in.Text != "":
			a.Notes = append(a.Notes, i18n.Text(in.Text))
		default:
			a.Notes = append(a.Notes, i18n.M(i18n.NoteEnablePOP))
			a.Docs = append(a.Docs, in.URL)
		}
	}
	return a
}
