package probe

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzGreetingAndCapa feeds arbitrary server output to the line reader and
// the CAPA parser.
func FuzzGreetingAndCapa(f *testing.F) {
	f.Add([]byte("+OK Dovecot ready.\r\n"))
	f.Add([]byte("+OK\r\nTOP\r\nUSER\r\nSASL PLAIN LOGIN XOAUTH2\r\nSTLS\r\n..stuffed\r\n.\r\n"))
	f.Add([]byte("-ERR go away\r\n"))
	f.Add([]byte(strings.Repeat("+OK ", 1000)))
	f.Add([]byte("\xff\xfe\x00\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		line, err := readLine(bufio.NewReader(bytes.NewReader(data)))
		if err == nil && len(line) > maxLine {
			t.Fatalf("line of %d bytes", len(line))
		}
		if p := printable(line, 100); !utf8.ValidString(p) || strings.ContainsAny(p, "\r\n\x00\x1b") {
			t.Fatalf("printable(%q) = %q", line, p)
		}
		c, err := ParseCapa(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(c.Lines) > maxCapaLine || len(c.SASL) > 32 {
			t.Fatalf("%d lines, %d SASL", len(c.Lines), len(c.SASL))
		}
	})
}
