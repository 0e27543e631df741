package settings

import (
	"fmt"
	"slices"
	"strings"
)

// Protocol names a mail protocol a server speaks, as the JSON output and
// Thunderbird's autoconfig format spell it.
type Protocol string

// The protocols popfind finds servers for.
const (
	POP3 Protocol = "pop3" // RFC 1939: download mail
	IMAP Protocol = "imap" // RFC 9051: keep mail on the server, for several devices
	SMTP Protocol = "smtp" // RFC 6409 message submission: send mail
)

// AllProtocols lists the protocols in their usual order.
var AllProtocols = []Protocol{POP3, IMAP, SMTP}

// DefaultProtocols is what a lookup asks for when told nothing: the POP3
// account and the server to send its mail through.
var DefaultProtocols = []Protocol{POP3, SMTP}

// Label is the protocol's usual name, for people: POP3, IMAP, SMTP.
func (p Protocol) Label() string { return strings.ToUpper(string(p)) }

// NamedIn reports whether text names p by its label as a whole word
// ("POP3: …", not "POP3S").
func (p Protocol) NamedIn(text string) bool {
	label := p.Label()
	for i := 0; ; {
		k := strings.Index(text[i:], label)
		if k < 0 {
			return false
		}
		k += i
		end := k + len(label)
		if (k == 0 || !isWordByte(text[k-1])) && (end == len(text) || !isWordByte(text[end])) {
			return true
		}
		i = end
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// Valid reports whether p is one of AllProtocols.
func (p Protocol) Valid() bool { return slices.Contains(AllProtocols, p) }

// DefaultPort is the IANA port for p over st: 995/110 for POP3, 993/143 for
// IMAP, and 465/587 for SMTP submission (RFC 8314, RFC 6409).
func (p Protocol) DefaultPort(st SocketType) int {
	tls := st == SSL
	switch p {
	case IMAP:
		if tls {
			return 993
		}
		return 143
	case SMTP:
		if tls {
			return 465
		}
		return 587
	}
	if tls {
		return 995
	}
	return 110
}

// UnknownProtocolError names a protocol popfind does not know.
type UnknownProtocolError struct{ Name string }

func (e *UnknownProtocolError) Error() string {
	return fmt.Sprintf("unknown protocol %q; known protocols: pop3, imap, smtp", e.Name)
}

// ParseProtocols reads a comma-separated list such as "pop3,smtp": each
// name once, in the order given. "pop" is accepted for pop3 and
// "submission" for smtp. An empty list is an error.
func ParseProtocols(s string) ([]Protocol, error) {
	var out []Protocol
	for _, f := range strings.Split(s, ",") {
		name := strings.ToLower(strings.TrimSpace(f))
		if name == "" {
			continue
		}
		p := Protocol(name)
		switch name {
		case "pop", "pop3s", "pops":
			p = POP3
		case "imaps":
			p = IMAP
		case "submission", "submissions", "smtps":
			p = SMTP
		}
		if !p.Valid() {
			return nil, &UnknownProtocolError{Name: name}
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, &UnknownProtocolError{Name: s}
	}
	return out, nil
}
