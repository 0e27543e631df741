package settings

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAddressValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, local, domain, uni string
	}{
		{"someone@gmail.com", "someone", "gmail.com", "gmail.com"},
		{"  Some.One+tag@Example.COM  ", "Some.One+tag", "example.com", "example.com"},
		{"a@example.com.", "a", "example.com", "example.com"},
		{"用户@例子.测试", "用户", "xn--fsqu00a.xn--0zwm56d", "例子.测试"},
		{"x@Bücher.Example", "x", "xn--bcher-kva.example", "bücher.example"},
		{"x@xn--bcher-kva.example", "x", "xn--bcher-kva.example", "bücher.example"},
		{`"john@doe"@example.org`, `"john@doe"`, "example.org", "example.org"},
		{"Some One <someone@Example.com>", "someone", "example.com", "example.com"},
		{`"One, Some" <some.one@example.org>`, "some.one", "example.org", "example.org"},
		{"张三 <zhangsan@163.com>", "zhangsan", "163.com", "163.com"},
		{`"a b"@example.org`, `"a b"`, "example.org", "example.org"},
		{"x@a-b.c0", "x", "a-b.c0", "a-b.c0"},
		{"x@" + strings.Repeat("a", 63) + ".com", "x", strings.Repeat("a", 63) + ".com", strings.Repeat("a", 63) + ".com"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			a, err := ParseAddress(tt.in)
			if err != nil {
				t.Fatalf("ParseAddress(%q): %v", tt.in, err)
			}
			if a.Local != tt.local || a.Domain != tt.domain || a.UnicodeDomain != tt.uni {
				t.Errorf("ParseAddress(%q) = local %q domain %q unicode %q; want %q %q %q",
					tt.in, a.Local, a.Domain, a.UnicodeDomain, tt.local, tt.domain, tt.uni)
			}
			if a.Raw != tt.in {
				t.Errorf("Raw = %q, want the input %q", a.Raw, tt.in)
			}
		})
	}
}

func TestParseAddressInvalid(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 64)
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "empty"},
		{"blank", "   ", "empty"},
		{"no at", "someone.gmail.com", "no @"},
		{"two at", "a@b@example.com", "more than one @"},
		{"empty local", "@example.com", "empty local part"},
		{"empty domain", "a@", "empty domain"},
		{"ip literal", "a@[192.0.2.1]", "IP address literal"},
		{"ipv6 literal", "a@[IPv6:2001:db8::1]", "IP address literal"},
		{"dotted quad", "a@192.0.2.1", "all digits"},
		{"empty label", "a@example..com", "empty label"},
		{"leading dot", "a@.example.com", "empty label"},
		{"two trailing dots", "a@example.com..", "empty label"},
		{"label too long", "a@" + long + ".com", "longer than 63"},
		{"domain too long", "a@" + strings.Repeat(strings.Repeat("b", 60)+".", 5) + "com", "longer than 253"},
		{"leading hyphen", "a@-example.com", "hyphen"},
		{"trailing hyphen", "a@example-.com", "hyphen"},
		{"underscore", "a@ex_ample.com", "only letters, digits and hyphens"},
		{"space in domain", "a@exa mple.com", "only letters, digits and hyphens"},
		{"slash in domain", "a@example.com/x", "only letters, digits and hyphens"},
		{"port in domain", "a@example.com:995", "only letters, digits and hyphens"},
		{"control char", "a\x00@example.com", "control character"},
		{"invalid utf8", "a\xff@example.com", "UTF-8"},
		{"unterminated quote", `"abc@example.com`, "unterminated quote"},
		{"partly quoted", `a"b"@example.com`, "quoted as a whole"},
		{"double dot local", "a..b@example.com", "doubled dot"},
		{"space in local", "a b@example.com", "space"},
		{"comma in local", "a,b@example.com", "allowed only inside quotes"},
		{"local too long", strings.Repeat("x", 65) + "@example.com", "local part longer"},
		{"bad punycode", "a@xn--zz.example", "internationalized"},
		{"too long input", strings.Repeat("x", 600) + "@example.com", "longer than 512"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseAddress(tt.in)
			if err == nil {
				t.Fatalf("ParseAddress(%q) succeeded; want an error containing %q", tt.in, tt.want)
			}
			if !errors.Is(err, ErrInvalidAddress) {
				t.Errorf("error %v does not match ErrInvalidAddress", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseAddress(%q) error = %q; want it to mention %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestExpand(t *testing.T) {
	t.Parallel()
	a, err := ParseAddress("john.doe@Example.org")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		"%EMAILADDRESS%":                 "john.doe@example.org",
		"%EMAILLOCALPART%":               "john.doe",
		"%EMAILLOCALPART%.%EMAILDOMAIN%": "john.doe.example.org",
		"mail.%EMAILDOMAIN%":             "mail.example.org",
		"%REALNAME%x":                    "x",
		"plain":                          "plain",
		"%UNKNOWN%":                      "%UNKNOWN%",
	}
	for in, want := range tests {
		if got := Expand(in, a); got != want {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestExpandOnePass: text put in by a placeholder is never expanded again.
func TestExpandOnePass(t *testing.T) {
	t.Parallel()
	addr := Address{Local: "a%EMAILDOMAIN%b", Domain: "xn--fsqu00a.example", UnicodeDomain: "例子.example"}
	for in, want := range map[string]string{
		"%EMAILADDRESS%":                     "a%EMAILDOMAIN%b@例子.example",
		"%EMAILLOCALPART%.pop.%EMAILDOMAIN%": "a%EMAILDOMAIN%b.pop.xn--fsqu00a.example",
		"100%":                               "100%",
		"%REALNAME%x%":                       "x%",
	} {
		if got := Expand(in, addr); got != want {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParseAddressFullWidth: the full-width ＠ and full stops a Chinese or
// Japanese input method types are read as @ and "." outside quotes, in the
// local part and the domain alike; inside quotes they stay as typed.
func TestParseAddressFullWidth(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in, local, domain, uni string
	}{
		{"zhangsan＠qq.com", "zhangsan", "qq.com", "qq.com"},
		{"zhangsan＠qq。com", "zhangsan", "qq.com", "qq.com"},
		{"zhang。san＠163．com", "zhang.san", "163.com", "163.com"},
		{"user＠example｡org", "user", "example.org", "example.org"},
		{"用户＠例子。测试", "用户", "xn--fsqu00a.xn--0zwm56d", "例子.测试"},
		{"ｕｓｅｒ＠ＱＱ。ＣＯＭ", "user", "qq.com", "qq.com"}, // full-width letters are ASCII ones, in the local part too
		{"张三 <zhangsan＠qq。com>", "zhangsan", "qq.com", "qq.com"},
		{`"a＠b。c"@example.com`, `"a＠b。c"`, "example.com", "example.com"},
		{"someone@example.com。", "someone", "example.com", "example.com"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			a, err := ParseAddress(tt.in)
			if err != nil {
				t.Fatalf("ParseAddress(%q): %v", tt.in, err)
			}
			if a.Local != tt.local || a.Domain != tt.domain || a.UnicodeDomain != tt.uni || a.Raw != tt.in {
				t.Errorf("ParseAddress(%q) = %+v; want local %q domain %q unicode %q", tt.in, a, tt.local, tt.domain, tt.uni)
			}
		})
	}
	for in, want := range map[string]string{
		"a＠b@example.com": "more than one @",
		"a＠＠example.com":  "more than one @",
		"a＠example。。com":  "empty label",
	} {
		if _, err := ParseAddress(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseAddress(%q) = %v; want an error that says %q", in, err, want)
		}
	}
	if h, err := ParseHost("pop。qq。com"); err != nil || h != "pop.qq.com" {
		t.Errorf(`ParseHost("pop。qq。com") = %q, %v; want "pop.qq.com"`, h, err)
	}
}

// TestParseAddressOrDomain: a bare domain is the address that stands for
// the domain's every address; anything else parses as ParseAddress does.
func TestParseAddressOrDomain(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in, domain, uni string
	}{
		{"gmail.com", "gmail.com", "gmail.com"},
		{" Company.Example. ", "company.example", "company.example"},
		{"例子。测试", "xn--fsqu00a.xn--0zwm56d", "例子.测试"},
		{"ＱＱ．ＣＯＭ", "qq.com", "qq.com"},
	} {
		a, err := ParseAddressOrDomain(tt.in)
		if err != nil {
			t.Errorf("ParseAddressOrDomain(%q): %v", tt.in, err)
			continue
		}
		if !a.DomainOnly() || a.Local != PlaceholderLocal || a.Domain != tt.domain || a.UnicodeDomain != tt.uni || a.Raw != tt.in {
			t.Errorf("ParseAddressOrDomain(%q) = %+v; want the domain %q (%q) alone", tt.in, a, tt.domain, tt.uni)
		}
		if got := Expand("%EMAILLOCALPART%/%EMAILADDRESS%", a); got != PlaceholderLocal+"/"+PlaceholderLocal+"@"+tt.uni {
			t.Errorf("Expand for %q = %q: the placeholders must show where the address goes", tt.in, got)
		}
	}
	a, err := ParseAddressOrDomain("someone@gmail.com")
	if err != nil || a.DomainOnly() || a.Local != "someone" {
		t.Errorf(`ParseAddressOrDomain("someone@gmail.com") = %+v, %v`, a, err)
	}
	// Not a domain either: the address's own error.
	for in, want := range map[string]string{
		"someone":           "no @",
		"localhost.":        "no @",
		"exa_mple.com":      "no @",
		"Some One <x.com>":  "no @",
		"a@b@example.com":   "more than one @",
		"a@ex_ample.com":    "only letters, digits and hyphens",
		"192.0.2.1":         "no @",
		"[192.0.2.1]":       "no @",
		"\xffexample.com":   "UTF-8",
		"@example.com":      "empty local part",
		"example.com/x":     "no @",
		"pop3://qq.com:995": "no @",
	} {
		_, err := ParseAddressOrDomain(in)
		if err == nil || !errors.Is(err, ErrInvalidAddress) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseAddressOrDomain(%q) = %v; want an invalid address that says %q", in, err, want)
		}
	}
}

// TestAddressErrorLine: an error for a line of a batch names the line.
func TestAddressErrorLine(t *testing.T) {
	t.Parallel()
	_, err := ParseAddress("nobody")
	var ae *AddressError
	if !errors.As(err, &ae) {
		t.Fatalf("%v is not an *AddressError", err)
	}
	ae.Line = 7
	if got, want := err.Error(), `line 7: invalid address "nobody": no @`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// An address typed in full-width mode is the ASCII one: the login name a
// server knows.
func TestFullWidthLocalPart(t *testing.T) {
	t.Parallel()
	a, err := ParseAddress("ｓｏｍｅｏｎｅ＿１＠ｑｑ｡ｃｏｍ")
	if err != nil || a.Local != "someone_1" || a.Domain != "qq.com" || a.String() != "someone_1@qq.com" {
		t.Errorf("got %+v, %v; want someone_1@qq.com", a, err)
	}
	// Inside quotes, as typed.
	if a, err := ParseAddress(`"ａ b"@qq.com`); err != nil || a.Local != `"ａ b"` {
		t.Errorf("quoted: got %+v, %v", a, err)
	}
}
