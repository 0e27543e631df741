package probe

import (
	"github.com/popfind/popfind/internal/safetext"

	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on what a POP3 server may send. RFC 2449 caps a response line at
// 512 octets; the generous bound allows for sloppy servers.
const (
	maxLine     = 1024
	maxCapaLine = 128 // lines in one CAPA answer
)

// errLineTooLong is a response line over maxLine.
var errLineTooLong = fmt.Errorf("response line longer than %d bytes", maxLine)

// errCapaTooLong marks a CAPA answer of more than maxCapaLine lines.
var errCapaTooLong = fmt.Errorf("CAPA answer longer than %d lines", maxCapaLine)

// readLine reads one CRLF- or LF-terminated line of at most maxLine bytes.
func readLine(r *bufio.Reader) (string, error) {
	var b []byte
	for {
		c, err := r.ReadByte()
		if err != nil {
			if err == io.EOF && len(b) > 0 {
				err = io.ErrUnexpectedEOF
			}
			// What arrived before the error, for the caller to judge.
			return string(b), err
		}
		if c == '\n' {
			return strings.TrimSuffix(string(b), "\r"), nil
		}
		if len(b) >= maxLine {
			return "", errLineTooLong
		}
		b = append(b, c)
	}
}

// Capabilities is what a server says it can do: a POP3 CAPA answer (RFC
// 2449), an IMAP CAPABILITY response, or an SMTP EHLO reply's extensions.
type Capabilities struct {
	// Lines are the capabilities as sent: CAPA lines, IMAP capability
	// atoms, EHLO extension lines.
	Lines []string
	// STLS is true when the server offers to upgrade to TLS (POP3 STLS,
	// IMAP and SMTP STARTTLS).
	STLS bool
	// SASL lists the authentication mechanisms offered (POP3 SASL, IMAP
	// AUTH=, SMTP AUTH).
	SASL []string
	// LoginDisabled is IMAP's LOGINDISABLED: no password login until TLS.
	LoginDisabled bool
	// Size is the largest message an SMTP server accepts (SIZE), in bytes;
	// zero when it does not say.
	Size int64
}

// readCapa reads a CAPA answer after its status line: capability lines up
// to the terminating ".".
func readCapa(r *bufio.Reader) (Capabilities, error) {
	var c Capabilities
	for {
		line, err := readLine(r)
		if err != nil {
			return c, err
		}
		if line == "." {
			return c, nil
		}
		if len(c.Lines) >= maxCapaLine {
			return c, errCapaTooLong
		}
		line = strings.TrimPrefix(line, ".") // dot-stuffing
		c.Lines = append(c.Lines, printable(line, 200))
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		switch strings.ToUpper(fields[0]) {
		case "STLS":
			c.STLS = true
		case "SASL":
			for _, m := range fields[1:] {
				if len(c.SASL) < 32 {
					c.SASL = append(c.SASL, printable(strings.ToUpper(m), 40))
				}
			}
		}
	}
}

// ParseCapa parses a whole CAPA answer, status line included. It is the
// entry point for fuzzing the reader.
func ParseCapa(r io.Reader) (Capabilities, error) {
	br := bufio.NewReader(r)
	status, err := readLine(br)
	if err != nil {
		return Capabilities{}, err
	}
	if !strings.HasPrefix(status, "+OK") {
		return Capabilities{}, errors.New("CAPA refused: " + printable(status, 100))
	}
	return readCapa(br)
}

// printable returns a line from the server cleaned by safetext and cut to
// at most n runes.
func printable(s string, n int) string { return safetext.Line(s, n) }
