// Package safetext makes text from the network safe to show and to store.
//
// Every string that popfind takes from a server (XML fields, POP3 lines,
// certificate names, error texts) passes through Line before it reaches
// output. Line never lets a control character (C0, DEL, C1), a
// bidirectional override or isolate, or invalid UTF-8 through, and it caps
// the length, so that a hostile server can neither drive the terminal nor
// disguise text nor flood the output.
package safetext

import (
	"strings"
	"unicode/utf8"
)

// Ellipsis marks text that Line cut short.
const Ellipsis = "…"

// Line returns s as one line of at most max runes (max > 0): white space,
// line and paragraph separators become single spaces, other control
// characters and invalid UTF-8 become U+FFFD, bidirectional and other
// invisible formatting characters are removed, and the ends are trimmed.
// Text over max runes is cut and ends in an ellipsis.
func Line(s string, max int) string {
	var b strings.Builder
	b.Grow(min(len(s), 4*max+len(Ellipsis)))
	n := 0
	space := false
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				r = '\uFFFD'
			}
		}
		switch {
		case isSpace(r):
			space = b.Len() > 0
			continue
		case invisible(r):
			continue
		case isControl(r):
			r = '\uFFFD'
		}
		if space {
			if n == max {
				b.WriteString(Ellipsis)
				return b.String()
			}
			b.WriteByte(' ')
			n++
			space = false
		}
		if n == max {
			b.WriteString(Ellipsis)
			return b.String()
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// Unsafe reports whether s holds anything Line would change apart from
// trimming: a control or formatting character, invalid UTF-8, or a line
// break. Values that must be used exactly (a login name, a URL) are refused
// when Unsafe, rather than silently altered.
func Unsafe(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r != ' ' && (isSpace(r) || invisible(r) || isControl(r)) {
			return true
		}
	}
	return false
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x85, 0xA0, 0x2028, 0x2029:
		return true
	}
	return false
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f
}

// invisible reports the characters that change how text around them is
// shown without showing themselves: bidirectional marks, embeddings,
// overrides and isolates, zero-width characters, and the byte order mark.
func invisible(r rune) bool {
	switch {
	case r == 0x061C, r == 0x200E, r == 0x200F, // ALM, LRM, RLM
		r >= 0x202A && r <= 0x202E,                           // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069,                           // LRI, RLI, FSI, PDI
		r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF, // zero-width
		r >= 0xFFF9 && r <= 0xFFFB: // interlinear annotation
		return true
	}
	return false
}
