package lookup

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
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

// String returns the address in the form used in placeholders and login
// names: the local part as given and the lowercase domain, in Unicode form
// for an international domain, as its owner would type it.
func (a Address) String() string { return a.Local + "@" + a.UnicodeDomain }

// AddressError says why an address is invalid.
type AddressError struct {
	Input  string
	Reason string
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("invalid address %q: %s", e.Input, e.Reason)
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
// once converted to its A-label form.
func ParseAddress(s string) (Address, error) {
	fail := func(format string, args ...any) (Address, error) {
		return Address{}, &AddressError{Input: s, Reason: fmt.Sprintf(format, args...)}
	}
	in := strings.TrimSpace(s)
	switch {
	case in == "":
		return fail("empty")
	case len(in) > maxInput:
		return fail("longer than %d octets", maxInput)
	case !utf8.ValidString(in):
		return fail("not valid UTF-8")
	}
	at := -1
	quoted, escaped := false, false
	for i, r := range in {
		switch {
		case r < 0x20 || r == 0x7f:
			return fail("contains a control character")
		case escaped:
			escaped = false
		case quoted && r == '\\':
			escaped = true
		case r == '"':
			quoted = !quoted
		case r == '@' && !quoted:
			if at >= 0 {
				return fail("more than one @ outside quotes")
			}
			at = i
		}
	}
	if quoted {
		return fail("unterminated quote in the local part")
	}
	if at < 0 {
		return fail("no @")
	}
	local, domain := in[:at], in[at+1:]
	if local == "" {
		return fail("empty local part")
	}
	if err := checkLocal(local); err != "" {
		return fail("%s", err)
	}
	if domain == "" {
		return fail("empty domain")
	}
	if strings.HasPrefix(domain, "[") {
		return fail("IP address literals such as %s are not supported: POP3 settings are looked up by domain name", domain)
	}
	ascii, reason := checkDomain(domain)
	if reason != "" {
		return fail("domain %q: %s", domain, reason)
	}
	uni, err := idnaProfile.ToUnicode(ascii)
	if err != nil {
		uni = ascii
	}
	return Address{Raw: s, Local: local, Domain: ascii, UnicodeDomain: uni}, nil
}

// checkLocal returns why local is not a valid local part, or "".
func checkLocal(local string) string {
	if len(local) > maxLocal {
		return fmt.Sprintf("local part longer than %d octets", maxLocal)
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
					return "a quoted local part must be quoted as a whole"
				}
			}
		}
		if len(local) < 3 {
			return "empty quoted local part"
		}
		return ""
	}
	if strings.Contains(local, `"`) {
		return "a quoted local part must be quoted as a whole"
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return "local part has a leading, trailing or doubled dot"
	}
	for _, r := range local {
		if r == '.' || r >= 0x80 || r < 0x80 && (isAlnum(byte(r)) || strings.ContainsRune(atextSymbols, r)) {
			continue
		}
		if r == ' ' {
			return "local part contains a space (quote it if it is really part of the address)"
		}
		return fmt.Sprintf("local part contains %q, which is allowed only inside quotes", r)
	}
	return ""
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// checkDomain converts domain to lowercase A-label form and checks it label
// by label. It returns the converted name, or a reason it is invalid.
func checkDomain(domain string) (string, string) {
	domain = strings.TrimSuffix(domain, ".")
	if domain == "" || strings.HasSuffix(domain, ".") {
		return "", "empty label"
	}
	labels := strings.Split(domain, ".")
	out := make([]string, len(labels))
	for i, label := range labels {
		if label == "" {
			return "", "empty label"
		}
		a := strings.ToLower(label)
		if !isASCII(label) {
			var err error
			a, err = idnaProfile.ToASCII(label)
			if err != nil {
				return "", fmt.Sprintf("label %q cannot be converted to IDNA: %v", label, idnaReason(err))
			}
		}
		if reason := checkLabel(a); reason != "" {
			return "", fmt.Sprintf("label %q: %s", label, reason)
		}
		out[i] = a
	}
	ascii := strings.Join(out, ".")
	if len(ascii) > maxDomain {
		return "", fmt.Sprintf("longer than %d octets in A-label form", maxDomain)
	}
	// A final pass catches what is invalid only as a whole: bad Punycode in an
	// xn-- label, or a bidirectional-text rule that spans labels.
	if _, err := idnaProfile.ToUnicode(ascii); err != nil {
		return "", fmt.Sprintf("not a valid internationalized name: %v", idnaReason(err))
	}
	if isAllDigits(out[len(out)-1]) {
		return "", "the top-level label is all digits, which looks like an IP address"
	}
	return ascii, ""
}

func checkLabel(a string) string {
	if len(a) > maxLabel {
		return fmt.Sprintf("longer than %d octets", maxLabel)
	}
	if strings.HasPrefix(a, "-") || strings.HasSuffix(a, "-") {
		return "starts or ends with a hyphen"
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		if !isAlnum(c) && c != '-' {
			return fmt.Sprintf("contains %q; only letters, digits and hyphens are allowed", rune(c))
		}
	}
	return ""
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
