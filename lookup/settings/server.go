// Package settings holds the types that popfind's sources share: an email
// address, a mail server and how to log in to it, and what a source
// answers. Package lookup, which runs the sources, names each of them, so a
// caller of the library needs lookup alone.
package settings

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/popfind/popfind/i18n"
)

// SocketType says how a client secures its connection to a server.
type SocketType string

// The socket types, spelled as Thunderbird's autoconfig format spells them.
const (
	SSL      SocketType = "SSL"      // implicit TLS from the first byte (RFC 8314)
	STARTTLS SocketType = "STARTTLS" // plain connection upgraded with the STLS command
	Plain    SocketType = "plain"    // no encryption at all
)

// ParseSocketType accepts the autoconfig spellings of a socket type.
func ParseSocketType(s string) (SocketType, bool) {
	switch s {
	case string(SSL), string(STARTTLS), string(Plain):
		return SocketType(s), true
	}
	return "", false
}

// DefaultPort is the IANA port for POP3 over st; Protocol.DefaultPort
// gives it for every protocol.
func (st SocketType) DefaultPort() int { return POP3.DefaultPort(st) }

// Server is one mail server and how to log in to it.
type Server struct {
	// Protocol is what the server speaks: POP3, IMAP or SMTP (message
	// submission).
	Protocol Protocol
	// Host is a host name (or IPv4 address) that passed ValidHost.
	Host       string
	Port       int
	SocketType SocketType
	// Username is the login name. Sources may leave placeholders such as
	// %EMAILADDRESS% in it; Result.For fills them for one address.
	Username string
	// Auth lists the ways to log in, as autoconfig spells them:
	// password-cleartext, password-encrypted, OAuth2, GSSAPI, NTLM; an SMTP
	// server can also say none, client-IP-address or smtp-after-pop.
	Auth []string
	// LeaveMessagesOnServer and DaysToLeaveMessagesOnServer come from the
	// autoconfig pop3 element, when the provider says.
	LeaveMessagesOnServer       *bool
	DaysToLeaveMessagesOnServer *int
	DownloadOnBiff              *bool
}

// Same reports whether s and o name the same endpoint with the same security.
func (s Server) Same(o Server) bool {
	return s.Protocol == o.Protocol && strings.EqualFold(s.Host, o.Host) && s.Port == o.Port && s.SocketType == o.SocketType
}

// Provider names who runs a mail service.
type Provider struct {
	ID   string
	Name string
	// NameZH is the name Chinese-speaking users know, when there is one.
	NameZH string
}

// Answer is what a source found for a domain: servers of one or more
// protocols. Only gives the part of it for one protocol.
type Answer struct {
	// Servers lists servers, the preferred one of each protocol first
	// among that protocol's.
	Servers []Server
	// Parts holds what the source said of one protocol alone: that the
	// domain does not offer it, why no server of it was found, where that
	// protocol's answer came from, its warnings and failures.
	Parts map[Protocol]*Part
	// SourceURL is the URL, DNS name or MX host the answer came from.
	SourceURL string
	// Provider names who runs the service, when the source knows.
	Provider *Provider
	// Warnings are what a user should be warned about (settings inferred
	// from MX, an answer fetched through a redirect to another domain).
	Warnings []i18n.Msg
	// Notes are the provider's hints: enable POP first, an app password or
	// 授权码 is needed. A note about one protocol is kept for that
	// protocol alone (see Only).
	Notes []i18n.Msg
	// Docs are URLs of the provider's own help pages.
	Docs []string
	// DNSSEC is true when a validating resolver vouched for the answer.
	DNSSEC bool
	// Failed holds the errors of the parts of a source that failed while
	// another part answered. The attempt reports them, and the source adds
	// a warning.
	Failed []error
	// OnlyFor, when set, is the address this answer was given for alone: it
	// holds a value (an Autodiscover login name) that another address of
	// the domain cannot use. A lookup never serves such an answer, from its
	// cache, to another address.
	OnlyFor string
	// Insecure is true when the answer travelled over plain HTTP, where
	// anyone on the path can alter it. A lookup uses such an answer only
	// when no other source found a server.
	Insecure bool
	// TTL, when positive, is how long the answer may be kept: the smallest
	// TTL of the DNS records it rests on, counted from when the source
	// answered. Zero means the source knows of no such bound (an HTTP
	// document, the built-in table); a lookup then keeps it for its own
	// longest time.
	TTL time.Duration
}

// Part is what a source said of one protocol, beyond its servers.
type Part struct {
	// NotOffered, when set, is the source's authoritative word that the
	// domain does not offer the protocol at all (an SRV target of ".", a
	// provider without POP3). The lookup then reports the protocol as not
	// found and does not guess it.
	NotOffered *i18n.Msg
	// Missing says why the source has no server of the protocol although it
	// answered (every IMAP section of an autoconfig file invalid, say).
	Missing *i18n.Msg
	// SourceURL, when set, replaces the answer's for this protocol (the SRV
	// name its records came from).
	SourceURL string
	// Warnings and Failed are added to the answer's for this protocol. A
	// protocol with failures and no server was not looked up: its attempt
	// is an error, not "not found".
	Warnings []i18n.Msg
	Failed   []error
}

// Part returns a's part for p, adding an empty one when there is none.
func (a *Answer) Part(p Protocol) *Part {
	if a.Parts == nil {
		a.Parts = map[Protocol]*Part{}
	}
	if a.Parts[p] == nil {
		a.Parts[p] = &Part{}
	}
	return a.Parts[p]
}

// Offers reports whether a has a server for p, or says that p is not
// offered: whether it settles p.
func (a *Answer) Offers(p Protocol) bool {
	if a == nil {
		return false
	}
	if a.NotOfferedFor(p) != nil {
		return true
	}
	for _, s := range a.Servers {
		if s.Protocol == p {
			return true
		}
	}
	return false
}

// NotOfferedFor returns the reason a gives for not offering p, or nil.
func (a *Answer) NotOfferedFor(p Protocol) *i18n.Msg {
	if a == nil || a.Parts[p] == nil {
		return nil
	}
	return a.Parts[p].NotOffered
}

// Only returns the part of a for protocol p: its servers of p, its part for
// p folded in, and the notes that are not about another protocol. The
// result shares nothing mutable with a; its Parts holds p's alone.
func (a *Answer) Only(p Protocol) *Answer {
	if a == nil {
		return nil
	}
	out := *a
	out.Servers = nil
	for _, s := range a.Servers {
		if s.Protocol == p {
			s.Auth = slices.Clone(s.Auth)
			out.Servers = append(out.Servers, s)
		}
	}
	out.Notes = nil
	for _, n := range a.Notes {
		if np, ok := noteProtocol[n.Key]; !ok || np == p {
			out.Notes = append(out.Notes, n)
		}
	}
	out.Warnings = slices.Clone(a.Warnings)
	out.Docs = slices.Clone(a.Docs)
	out.Failed = slices.Clone(a.Failed)
	out.Parts = nil
	if part := a.Parts[p]; part != nil {
		cp := *part
		out.Parts = map[Protocol]*Part{p: &cp}
		if part.SourceURL != "" {
			out.SourceURL = part.SourceURL
		}
		out.Warnings = append(out.Warnings, part.Warnings...)
		out.Failed = append(out.Failed, part.Failed...)
	}
	return &out
}

// noteProtocol names the notes that concern one protocol only; the others
// concern the whole account.
var noteProtocol = map[string]Protocol{
	i18n.NoteEnablePOP:        POP3,
	i18n.NoteWorkspaceAdmin:   POP3,
	i18n.NoteLeaveOnServer:    POP3,
	i18n.NoteLeaveOnServerFor: POP3,
	i18n.NoteDeleteOnServer:   POP3,
	i18n.NoteGmailPOP:         POP3,
	i18n.NoteOutlookPOP:       POP3,
	i18n.NoteYandexPOP:        POP3,
	i18n.NoteZohoPOP:          POP3,
	i18n.NoteEnableIMAP:       IMAP,
	i18n.NoteEnableSMTP:       SMTP,
}

// notePOPRetention names the notes that say what happens to a message on
// the server once a POP client has downloaded it.
var notePOPRetention = map[string]bool{
	i18n.NoteLeaveOnServer:    true,
	i18n.NoteLeaveOnServerFor: true,
	i18n.NoteDeleteOnServer:   true,
	i18n.NoteGmailPOP:         true,
	i18n.NoteOutlookPOP:       true,
	i18n.NoteYandexPOP:        true,
	i18n.NoteZohoPOP:          true,
}

// SaysPOPRetention reports whether note n says what happens to a message
// on the server once a POP client has downloaded it: where a provider's
// notes say it, a general word on POP would only repeat or contradict them.
func SaysPOPRetention(n i18n.Msg) bool { return notePOPRetention[n.Key] }

// Placeholders understood in host names and user names, as Thunderbird's
// autoconfig format defines them.
const (
	PlaceholderAddress = "%EMAILADDRESS%"
	PlaceholderLocal   = "%EMAILLOCALPART%"
	PlaceholderDomain  = "%EMAILDOMAIN%"
	PlaceholderName    = "%REALNAME%"
)

// Expand fills the placeholders in s for addr. popfind never knows a real
// name, so %REALNAME% becomes empty.
func Expand(s string, addr Address) string {
	if !strings.Contains(s, "%") {
		return s
	}
	// One pass, like strings.Replacer, so that a local part that itself
	// holds placeholder text is never expanded again.
	var b strings.Builder
	b.Grow(len(s) + len(addr.Local) + len(addr.UnicodeDomain))
	for len(s) > 0 {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i:]
		switch {
		case strings.HasPrefix(s, PlaceholderAddress):
			b.WriteString(addr.Local)
			b.WriteByte('@')
			b.WriteString(addr.UnicodeDomain)
			s = s[len(PlaceholderAddress):]
		case strings.HasPrefix(s, PlaceholderLocal):
			b.WriteString(addr.Local)
			s = s[len(PlaceholderLocal):]
		case strings.HasPrefix(s, PlaceholderDomain):
			b.WriteString(addr.Domain)
			s = s[len(PlaceholderDomain):]
		case strings.HasPrefix(s, PlaceholderName):
			s = s[len(PlaceholderName):]
		default:
			b.WriteByte('%')
			s = s[1:]
		}
	}
	return b.String()
}

// ValidHost accepts a host name, or an IPv4 address, that is safe to show
// and to connect to: dot-separated labels of at most 63 letters, digits,
// hyphens and underscores, at most 253 octets in all, lower case, with no
// trailing dot. Every host name that comes from the network passes it before
// it reaches output or a connection.
func ValidHost(host string) error {
	if host == "" {
		return errors.New("empty hostname")
	}
	if len(host) > 253 {
		return errors.New("hostname longer than 253 octets")
	}
	bad := fmt.Errorf("hostname %s is not a valid host name", strconv.QuoteToASCII(cut(host, 80)))
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return bad
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return bad
			}
		}
	}
	return nil
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
