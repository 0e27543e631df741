package settings

import (
	"strings"
	"testing"
)

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"someone@gmail.com", "用户@例子.测试", `"a@b"@example.org`, "a@[192.0.2.1]",
		"a@xn--zz.example", "a@-x.example", "a@" + strings.Repeat("x.", 200) + "com", "\xff@x", "@", "a@b@c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
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
	})
}
