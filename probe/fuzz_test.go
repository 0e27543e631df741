package probe

import (
	"bufio"
	"bytes"
	"net"
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

// sink is a connection that accepts every command and says nothing: the
// replies come from the fuzzer's reader.
type sink struct{ net.Conn }

func (sink) Write(p []byte) (int, error) { return len(p), nil }
func (sink) LocalAddr() net.Addr         { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// FuzzServerReplies feeds arbitrary server output to every protocol's
// greeting, capability and STARTTLS readers: IMAP's tagged responses and
// SMTP's multi-line replies are bounded like POP3's CAPA, and nothing
// uncleaned reaches the capabilities.
func FuzzServerReplies(f *testing.F) {
	f.Add([]byte("* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN LOGINDISABLED\r\np1 OK done\r\n"))
	f.Add([]byte("220-smtp.example ESMTP\r\n220 ready\r\n250-smtp.example\r\n250-SIZE 35882577\r\n250-AUTH=LOGIN PLAIN\r\n250 STARTTLS\r\n"))
	f.Add([]byte("220 x\r\n250-a\r\n251 b\r\n"))
	f.Add([]byte(strings.Repeat("* CAPABILITY X\r\n", 200)))
	f.Add([]byte(strings.Repeat("250-X\r\n", 200)))
	f.Add([]byte("* BYE\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range []*dialect{pop3Dialect, imapDialect, smtpDialect} {
			br := bufio.NewReader(bytes.NewReader(data))
			if _, _, _, err := d.greeting(br); err != nil {
				continue
			}
			c, _, err := d.capa(sink{}, br)
			if err != nil {
				continue
			}
			if len(c.Lines) > maxCapaLine || len(c.SASL) > 32 || c.Size < 0 {
				t.Fatalf("%s: %d lines, %d SASL, size %d", d.proto, len(c.Lines), len(c.SASL), c.Size)
			}
			for _, l := range append(c.Lines, c.SASL...) {
				if !utf8.ValidString(l) || strings.ContainsAny(l, "\r\n\x00\x1b\u202e") {
					t.Fatalf("%s: capability %q not cleaned", d.proto, l)
				}
			}
			d.starttls(sink{}, br)
		}
	})
}
