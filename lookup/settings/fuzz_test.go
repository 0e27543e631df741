package settings

import (
	"errors"
	"strings"
	"testing"
)

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"someone@gmail.com", "用户@例子.测试", `"a@b"@example.org`, "a@[192.0.2.1]",
		"a@xn--zz.example", "a@-x.example", "a@" + strings.Repeat("x.", 200) + "com", "\xff@x", "@", "a@b@c",
		"zhang。san＠qq。com", `"a＠b"＠例子｡测试`, "gmail.com", "ＱＱ．ＣＯＭ", "localhost"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkOrDomain(t, s)
		a, err := ParseAddress(s)
		if err != nil {
			if a != (Address{}) {
				t.Fatalf("error %v with a non-zero address", err)
			}
			if !strings.Contains(err.Error(), "invalid address") {
				t.Fatalf("error %q does not say what it is", err)
			}
			return
		}
		// A valid address's domain is canonical: lowercase LDH labels that
		// parse again to themselves.
		if a.Domain != strings.ToLower(a.Domain) || len(a.Domain) > 253 || a.Local == "" {
			t.Fatalf("ParseAddress(%q) = %+v", s, a)
		}
		b, err := ParseAddress("x@" + a.Domain)
		if err != nil || b.Domain != a.Domain {
			t.Fatalf("domain %q does not parse back: %v, %q", a.Domain, err, b.Domain)
		}
		// What was read is what a person would type: it parses again to
		// itself, full-width punctuation and all already read.
		c, err := ParseAddress(a.Local + "@" + a.UnicodeDomain)
		if err != nil || c.Local != a.Local || c.Domain != a.Domain {
			t.Fatalf("%q read as %+v does not parse back: %v, %+v", s, a, err, c)
		}
	})
}

// checkOrDomain checks ParseAddressOrDomain(s): an address as ParseAddress
// reads it, or a bare domain whose address stands for the domain alone.
func checkOrDomain(t *testing.T, s string) {
	a, err := ParseAddressOrDomain(s)
	p, perr := ParseAddress(s)
	switch {
	case perr == nil:
		if err != nil || a != p {
			t.Fatalf("ParseAddressOrDomain(%q) = %+v, %v; ParseAddress gave %+v", s, a, err, p)
		}
	case err != nil:
		if a != (Address{}) || !errors.Is(err, ErrInvalidAddress) {
			t.Fatalf("ParseAddressOrDomain(%q) = %+v, %v", s, a, err)
		}
	default:
		if !a.DomainOnly() || !strings.Contains(a.Domain, ".") || a.Domain != strings.ToLower(a.Domain) || len(a.Domain) > 253 {
			t.Fatalf("ParseAddressOrDomain(%q) = %+v; want a domain alone", s, a)
		}
		if b, err := ParseAddress("x@" + a.Domain); err != nil || b.Domain != a.Domain {
			t.Fatalf("domain %q does not parse back: %v, %q", a.Domain, err, b.Domain)
		}
	}
}
