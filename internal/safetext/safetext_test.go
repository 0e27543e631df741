package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"  plain text ", "plain text"},
		{"a\r\n\tb", "a b"},
		{"\x1b]0;pwned\x07title", "\uFFFD]0;pwned\uFFFDtitle"},
		{"csi \x1b[2J", "csi \uFFFD[2J"},
		{"c1 \u009b31m", "c1 \uFFFD31m"},
		{"user\u202Egnp.exe", "usergnp.exe"},
		{"\u2066iso\u2069late", "isolate"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"网易邮箱", "网易邮箱"},
	} {
		if got := Line(c.in, 100); got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLineCaps(t *testing.T) {
	got := Line(strings.Repeat("x", 500000), 255)
	if utf8.RuneCountInString(got) != 256 || !strings.HasSuffix(got, Ellipsis) {
		t.Errorf("cut to %d runes, ends %q", utf8.RuneCountInString(got), got[len(got)-4:])
	}
	if got := Line("abc", 3); got != "abc" {
		t.Errorf("exact fit cut: %q", got)
	}
	if got := Line("ab cd", 2); got != "ab"+Ellipsis {
		t.Errorf("cut at a space: %q", got)
	}
}

func TestUnsafe(t *testing.T) {
	for s, want := range map[string]bool{
		"alice@example.com": false, "a b": false, "a\tb": true, "x\u202Ey": true,
		"\x1b[1m": true, "\u0085": true, "\xff": true, "张三": false,
	} {
		if got := Unsafe(s); got != want {
			t.Errorf("Unsafe(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzLine(f *testing.F) {
	f.Add("hello\x1b[31m\u202e", 10)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 1 || max > 1000 {
			return
		}
		out := Line(s, max)
		if !utf8.ValidString(out) || utf8.RuneCountInString(out) > max+1 {
			t.Fatalf("Line(%q, %d) = %q", s, max, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				t.Fatalf("Line(%q) kept %U", s, r)
			}
		}
	})
}
