package settings

import (
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/popfind/popfind/i18n"
)

// Address is a parsed email address.
type Address struct {
	// Raw is the address as given.
	Raw string
	// Local is the local part, as given (quotes kept).
	Local string
	// Domain is the domain in lowercase IDNA A-label form, without a trailing dot.
	Domain string
	// UnicodeDomain is the domain in U-label form, for display.
	UnicodeDomain string
}

// DomainOnly reports whether a stands for every address of its domain (see
// DomainAddress): its local part is the placeholder %EMAILLOCALPART%. A
// source that would send the address somewhere (an autoconfig URL with
// ?emailaddress=, an Autodiscover request) must not send this one, which
// nobody owns.
func (a Address) DomainOnly() bool { return a.Local == PlaceholderLocal }

// String returns the address in the form used in placeholders and login
// names: the local part as given and the lowercase domain, in Unicode form
// for an international domain, as its owner would type it.
func (a Address) String() string { return a.Local + "@" + a.UnicodeDomain }

// AddressError says why an address is invalid. Why is a catalogue message,
// so that the reason can be shown in the reader's language.
type AddressError struct {
	Input string
	Why   i18n.Msg
	// Line, when not zero, is the line of the input (a batch read from
	// standard input) that the address came from.
	Line int
}

// Reason returns why the address is invalid, in English.
func (e *AddressError) Reason() string { return i18n.English.Format(e.Why) }

func (e *AddressError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: invalid address %q: %s", e.Line, e.Input, e.Reason())
	}
	return fmt.Sprintf("invalid address %q: %s", e.Input, e.Reason())
}

// ErrInvalidAddress is matched by every *AddressError through errors.Is.
var ErrInvalidAddress = errors.New("invalid address")

// Is makes errors.Is(err, ErrInvalidAddress) true.
func (e *AddressError) Is(target error) bool { return target == ErrInvalidAddress }

const (
	maxInput     = 512 // octets; a real address is at most 254
	maxLocal     = 64  // RFC 5321 §4.5.3.1.1
	maxLabel     = 63
	maxDomain    = 253
	atextSymbols = "!#$%&'*+-/=?^_`{|}~"
)

var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.ValidateLabels(true),
	idna.VerifyDNSLength(true),
	idna.Transitional(false),
)

// ParseAddress parses and checks an email address strictly: exactly one @
// outside quotes, a non-empty local part (international characters allowed,
// RFC 6531), and a domain whose every label is letters, digits and hyphens
// once converted to its A-label form. The full-width ＠ and full stops
// (。．｡) that a Chinese or Japanese input method types are read, outside
// quotes, as @ and ".", as IDNA reads full-width letters in the domain.
func ParseAddress(s string) (Address, error) {
	fail := func(key string, args ...string) (Address, error) {
		return Address{}, &AddressError{Input: s, Why: i18n.M(key, args...)}
	}
	in := strings.TrimSpace(s)
	switch {
	case in == "":
		return fail(i18n.AddrEmpty)
	case len(in) > maxInput:
		return fail(i18n.AddrTooLong, strconv.Itoa(maxInput))
	case !utf8.ValidString(in):
		return fail(i18n.AddrUTF8)
	}
	// "Some One <someone@example.com>", as pasted from a mail client: the
	// address inside the angle brackets, checked as strictly as any.
	if strings.HasSuffix(in, ">") && strings.Contains(in, "<") {
		if inner, ok := angleAddress(in); ok {
			in = inner
		}
	}
	in = halfWidth(in)
	at := -1
	quoted, escaped := false, false
	for i, r := range in {
		switch {
		case r < 0x20 || r == 0x7f:
			return fail(i18n.AddrControl)
		case escaped:
			escaped = false
		case quoted && r == '\\':
			escaped = true
		case r == '"':
			quoted = !quoted
		case r == '@' && !quoted:
			if at >= 0 {
				return fail(i18n.AddrTwoAt)
			}
			at = i
		}
	}
	if quoted {
		return fail(i18n.AddrUnterminated)
	}
	if at < 0 {
		return fail(i18n.AddrNoAt)
	}
	local, domain := in[:at], in[at+1:]
	if local == "" {
		return fail(i18n.AddrEmptyLocal)
	}
	if why := checkLocal(local); why != nil {
		return Address{}, &AddressError{Input: s, Why: *why}
	}
	if domain == "" {
		return fail(i18n.AddrEmptyDomain)
	}
	if strings.HasPrefix(domain, "[") {
		return fail(i18n.AddrIPLiteral, domain)
	}
	ascii, why := checkDomain(domain)
	if why != nil {
		return Address{}, &AddressError{Input: s, Why: *why}
	}
	uni, err := idnaProfile.ToUnicode(ascii)
	if err != nil {
		uni = ascii
	}
	return Address{Raw: s, Local: local, Domain: ascii, UnicodeDomain: uni}, nil
}

// ParseAddressOrDomain is ParseAddress, and also takes a bare domain of two
// labels or more ("gmail.com"), which it returns as DomainAddress does. A
// name without @ that is not a valid domain is an address without @.
func ParseAddressOrDomain(s string) (Address, error) {
	a, err := ParseAddress(s)
	var ae *AddressError
	if err == nil || !errors.As(err, &ae) || ae.Why.Key != i18n.AddrNoAt {
		return a, err
	}
	d, derr := DomainAddress(s)
	if derr != nil {
		return a, err
	}
	return d, nil
}

// DomainAddress returns the address that stands for every address of
// domain, to look up a domain when no address of it is known: its local
// part is the placeholder %EMAILLOCALPART%, so that a login name filled in
// for it (Expand) still shows where the address or its local part goes. The
// domain must have two labels or more; full-width full stops count as dots.
// The result's DomainOnly is true.
func DomainAddress(domain string) (Address, error) {
	in := strings.TrimSpace(domain)
	fail := func(why i18n.Msg) (Address, error) {
		return Address{}, &AddressError{Input: domain, Why: why}
	}
	switch {
	case in == "":
		return fail(i18n.M(i18n.AddrEmptyDomain))
	case len(in) > maxInput:
		return fail(i18n.M(i18n.AddrTooLong, strconv.Itoa(maxInput)))
	case !utf8.ValidString(in):
		return fail(i18n.M(i18n.AddrUTF8))
	case strings.HasPrefix(in, "["):
		return fail(i18n.M(i18n.AddrIPLiteral, in))
	}
	ascii, why := checkDomain(in)
	if why != nil {
		return fail(*why)
	}
	if !strings.Contains(ascii, ".") {
		return fail(i18n.M(i18n.AddrOneLabel, in))
	}
	uni, err := idnaProfile.ToUnicode(ascii)
	if err != nil {
		uni = ascii
	}
	return Address{Raw: domain, Local: PlaceholderLocal, Domain: ascii, UnicodeDomain: uni}, nil
}

// The full-width punctuation that input methods type for "@" and ".": the
// full-width commercial at, and the ideographic, full-width and halfwidth
// ideographic full stops, which UTS 46 maps to ".".
const (
	fullWidthAt  = '\uFF20'
	fullWidthAll = "\uFF20\u3002\uFF0E\uFF61"
)

func isFullStop(r rune) bool { return r == '\u3002' || r == '\uFF0E' || r == '\uFF61' }

// isFullWidthASCII reports whether r is the full-width form of a printable
// ASCII character (U+FF01 to U+FF5E), which an input method in full-width
// mode types for letters, digits and punctuation.
func isFullWidthASCII(r rune) bool { return r >= '\uFF01' && r <= '\uFF5E' }

// halfWidth returns in, valid UTF-8, with the full-width ＠ and full stops,
// and the full-width forms of ASCII characters, outside quotes replaced by
// their ASCII forms: a login name typed in full-width mode is the ASCII one
// the server knows, as IDNA reads full-width letters in the domain.
func halfWidth(in string) string {
	if !strings.ContainsAny(in, fullWidthAll) && !strings.ContainsFunc(in, isFullWidthASCII) {
		return in
	}
	var b strings.Builder
	quoted, escaped := false, false
	for _, r := range in {
		switch {
		case escaped:
			escaped = false
		case quoted && r == '\\':
			escaped = true
		case r == '"':
			quoted = !quoted
		case !quoted && r == fullWidthAt:
			r = '@'
		case !quoted && isFullStop(r):
			r = '.'
		case !quoted && isFullWidthASCII(r):
			r -= 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

// checkLocal returns why local is not a valid local part, or nil.
func checkLocal(local string) *i18n.Msg {
	bad := func(key string, args ...string) *i18n.Msg {
		m := i18n.M(key, args...)
		return &m
	}
	if len(local) > maxLocal {
		return bad(i18n.AddrLocalLong, strconv.Itoa(maxLocal))
	}
	if strings.HasPrefix(local, `"`) {
		// The caller has checked that quotes balance; the closing quote must
		// end the local part.
		escaped := false
		for i := 1; i < len(local); i++ {
			switch {
			case escaped:
				escaped = false
			case local[i] == '\\':
				escaped = true
			case local[i] == '"':
				if i != len(local)-1 {
					return bad(i18n.AddrQuotedWhole)
				}
			}
		}
		if len(local) < 3 {
			return bad(i18n.AddrQuotedEmpty)
		}
		return nil
	}
	if strings.Contains(local, `"`) {
		return bad(i18n.AddrQuotedWhole)
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return bad(i18n.AddrLocalDots)
	}
	for _, r := range local {
		if r == '.' || r >= 0x80 || r < 0x80 && (isAlnum(byte(r)) || strings.ContainsRune(atextSymbols, r)) {
			continue
		}
		if r == ' ' {
			return bad(i18n.AddrLocalSpace)
		}
		return bad(i18n.AddrLocalChar, strconv.QuoteRune(r))
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// checkDomain converts domain to lowercase A-label form and checks it label
// by label. It returns the converted name, or why it is invalid.
func checkDomain(domain string) (string, *i18n.Msg) {
	bad := func(key string, args ...string) (string, *i18n.Msg) {
		m := i18n.M(key, append([]string{strconv.Quote(domain)}, args...)...)
		return "", &m
	}
	domain = strings.TrimSuffix(strings.Map(func(r rune) rune {
		if isFullStop(r) {
			return '.'
		}
		return r
	}, domain), ".")
	if domain == "" || strings.HasSuffix(domain, ".") {
		return bad(i18n.AddrEmptyLabel)
	}
	labels := strings.Split(domain, ".")
	out := make([]string, len(labels))
	for i, label := range labels {
		if label == "" {
			return bad(i18n.AddrEmptyLabel)
		}
		a := strings.ToLower(label)
		if !isASCII(label) {
			var err error
			a, err = idnaProfile.ToASCII(label)
			if err != nil {
				return bad(i18n.AddrLabelIDNA, strconv.Quote(label), idnaReason(err))
			}
		}
		switch {
		case len(a) > maxLabel:
			return bad(i18n.AddrLabelLong, strconv.Quote(label), strconv.Itoa(maxLabel))
		case strings.HasPrefix(a, "-") || strings.HasSuffix(a, "-"):
			return bad(i18n.AddrLabelHyphen, strconv.Quote(label))
		}
		for j := 0; j < len(a); j++ {
			if c := a[j]; !isAlnum(c) && c != '-' {
				return bad(i18n.AddrLabelChar, strconv.Quote(label), strconv.QuoteRune(rune(c)))
			}
		}
		out[i] = a
	}
	ascii := strings.Join(out, ".")
	if len(ascii) > maxDomain {
		return bad(i18n.AddrDomainLong, strconv.Itoa(maxDomain))
	}
	// A final pass catches what is invalid only as a whole: bad Punycode in an
	// xn-- label, or a bidirectional-text rule that spans labels.
	if _, err := idnaProfile.ToUnicode(ascii); err != nil {
		return bad(i18n.AddrDomainIDNA, idnaReason(err))
	}
	if isAllDigits(out[len(out)-1]) {
		return bad(i18n.AddrTLDDigits)
	}
	return ascii, nil
}

// angleAddress returns the address of a "Name <address>" form, as net/mail
// reads it.
func angleAddress(s string) (string, bool) {
	a, err := mail.ParseAddress(s)
	if err == nil && strings.TrimSpace(a.Address) != "" {
		return strings.TrimSpace(a.Address), true
	}
	// net/mail is strict about the name part; take what is between the
	// last angle brackets all the same.
	i := strings.LastIndexByte(s, '<')
	inner := strings.TrimSpace(s[i+1 : len(s)-1])
	return inner, inner != "" && !strings.ContainsAny(inner, "<>")
}

// ParseHost checks a host name that a person typed, by the rules of an
// address's domain (IDNA 2008, LDH labels), and returns it in lowercase
// A-label form.
func ParseHost(s string) (string, error) {
	host, why := checkDomain(s)
	if why != nil {
		return "", fmt.Errorf("invalid host name: %s", i18n.English.Format(*why))
	}
	return host, nil
}

func idnaReason(err error) string {
	return strings.TrimPrefix(err.Error(), "idna: ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
