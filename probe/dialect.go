package probe

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/popfind/popfind/lookup/settings"
)

// dialect is how one protocol says what a check needs: its greeting, its
// capability command, its STARTTLS command and its goodbye. None of them
// logs in; none sends a user name, a password, AUTH or MAIL FROM.
type dialect struct {
	proto settings.Protocol
	// capaCmd and stlsCmd name the capability and STARTTLS commands, for
	// the report's steps.
	capaCmd, stlsCmd, quitCmd string
	// greeting reads the server's greeting: its first line, and whether it
	// is this protocol's "ready". refused is set when the server speaks the
	// protocol but turns the client away (IMAP BYE, SMTP 554).
	greeting func(br *bufio.Reader) (first string, ok, refused bool, err error)
	// capa asks for the capabilities. known is false when the server
	// refused the command (an RFC 1939 POP3 server, an SMTP server without
	// EHLO): the check goes on with capabilities unknown.
	capa func(conn net.Conn, br *bufio.Reader) (c Capabilities, known bool, err error)
	// starttls asks to upgrade: ok when the server agreed, with its answer.
	starttls func(conn net.Conn, br *bufio.Reader) (answer string, ok bool, err error)
	// quit says goodbye; its answer does not matter.
	quit func(conn net.Conn, br *bufio.Reader) error
}

// dialectFor returns the dialect of p.
func dialectFor(p settings.Protocol) *dialect {
	switch p {
	case settings.IMAP:
		return imapDialect
	case settings.SMTP:
		return smtpDialect
	}
	return pop3Dialect
}

// ports returns the protocol's implicit-TLS and STARTTLS ports, for hints.
func (d *dialect) ports() (tls, starttls string) {
	return strconv.Itoa(d.proto.DefaultPort(settings.SSL)), strconv.Itoa(d.proto.DefaultPort(settings.STARTTLS))
}

var pop3Dialect = &dialect{
	proto: settings.POP3, capaCmd: "CAPA", stlsCmd: "STLS", quitCmd: "QUIT",
	greeting: func(br *bufio.Reader) (string, bool, bool, error) {
		line, err := readLine(br)
		return line, err == nil && strings.HasPrefix(line, "+OK"), false, err
	},
	capa: func(conn net.Conn, br *bufio.Reader) (Capabilities, bool, error) {
		status, err := command(conn, br, "CAPA")
		if err != nil {
			return Capabilities{}, false, err
		}
		if !strings.HasPrefix(status, "+OK") {
			return Capabilities{}, false, nil
		}
		c, err := readCapa(br)
		return c, err == nil, err
	},
	starttls: func(conn net.Conn, br *bufio.Reader) (string, bool, error) {
		line, err := command(conn, br, "STLS")
		return line, err == nil && strings.HasPrefix(line, "+OK"), err
	},
	quit: func(conn net.Conn, br *bufio.Reader) error {
		_, err := command(conn, br, "QUIT")
		return err
	},
}

// IMAP (RFC 9051, RFC 3501): an untagged "* OK" greeting, CAPABILITY,
// STARTTLS and LOGOUT, each command with its own tag.
var imapDialect = &dialect{
	proto: settings.IMAP, capaCmd: "CAPABILITY", stlsCmd: "STARTTLS", quitCmd: "LOGOUT",
	greeting: func(br *bufio.Reader) (string, bool, bool, error) {
		line, err := readLine(br)
		if err != nil {
			return line, false, false, err
		}
		upper := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(upper, "* OK"), strings.HasPrefix(upper, "* PREAUTH"):
			return line, true, false, nil
		case strings.HasPrefix(upper, "* BYE"):
			return line, false, true, nil
		}
		return line, false, false, nil
	},
	capa: func(conn net.Conn, br *bufio.Reader) (Capabilities, bool, error) {
		untagged, status, err := imapCommand(conn, br, "p1", "CAPABILITY")
		if err != nil {
			return Capabilities{}, false, err
		}
		if !imapOK(status, "p1") {
			return Capabilities{}, false, nil
		}
		var c Capabilities
		for _, line := range untagged {
			fields := strings.Fields(line)
			if len(fields) < 2 || !strings.EqualFold(fields[1], "CAPABILITY") {
				continue
			}
			for _, atom := range fields[2:] {
				c.add(atom)
				u := strings.ToUpper(atom)
				switch {
				case u == "STARTTLS":
					c.STLS = true
				case u == "LOGINDISABLED":
					c.LoginDisabled = true
				case strings.HasPrefix(u, "AUTH="):
					c.addSASL(u[len("AUTH="):])
				}
			}
		}
		return c, true, nil
	},
	starttls: func(conn net.Conn, br *bufio.Reader) (string, bool, error) {
		_, status, err := imapCommand(conn, br, "p2", "STARTTLS")
		return status, err == nil && imapOK(status, "p2"), err
	},
	quit: func(conn net.Conn, br *bufio.Reader) error {
		_, _, err := imapCommand(conn, br, "p3", "LOGOUT")
		return err
	},
}

// imapCommand sends "tag cmd" and reads the untagged lines up to the
// tagged status, at most maxCapaLine of them.
func imapCommand(conn net.Conn, br *bufio.Reader, tag, cmd string) (untagged []string, status string, err error) {
	if _, err := io.WriteString(conn, tag+" "+cmd+"\r\n"); err != nil {
		return nil, "", err
	}
	for {
		line, err := readLine(br)
		if err != nil {
			return untagged, line, err
		}
		if strings.HasPrefix(line, tag+" ") {
			return untagged, line, nil
		}
		if len(untagged) >= maxCapaLine {
			return untagged, "", errCapaTooLong
		}
		untagged = append(untagged, line)
	}
}

func imapOK(status, tag string) bool {
	return strings.HasPrefix(strings.ToUpper(status), strings.ToUpper(tag)+" OK")
}

// SMTP submission (RFC 6409, RFC 5321): a 220 greeting, EHLO, STARTTLS
// (RFC 3207) and QUIT. Replies may span several lines ("250-...").
var smtpDialect = &dialect{
	proto: settings.SMTP, capaCmd: "EHLO", stlsCmd: "STARTTLS", quitCmd: "QUIT",
	greeting: func(br *bufio.Reader) (string, bool, bool, error) {
		code, lines, err := readReply(br)
		first := ""
		if len(lines) > 0 {
			first = lines[0]
		}
		if err != nil {
			return first, false, false, err
		}
		return first, code == 220, code == 554 || code == 421, nil
	},
	capa: func(conn net.Conn, br *bufio.Reader) (Capabilities, bool, error) {
		code, lines, err := smtpCommand(conn, br, "EHLO "+ehloName(conn))
		if err != nil {
			return Capabilities{}, false, err
		}
		if code != 250 {
			return Capabilities{}, false, nil
		}
		var c Capabilities
		for _, line := range lines[1:] { // the first names the server
			if len(line) < 4 {
				continue
			}
			ext := line[4:]
			c.add(ext)
			fields := strings.Fields(ext)
			if len(fields) == 0 {
				continue
			}
			switch kw := strings.ToUpper(fields[0]); {
			case kw == "STARTTLS":
				c.STLS = true
			case kw == "AUTH" || strings.HasPrefix(kw, "AUTH="):
				mechs := fields[1:]
				if kw != "AUTH" {
					mechs = append([]string{kw[len("AUTH="):]}, mechs...)
				}
				for _, m := range mechs {
					c.addSASL(strings.ToUpper(m))
				}
			case kw == "SIZE" && len(fields) > 1:
				if n, err := strconv.ParseInt(fields[1], 10, 64); err == nil && n >= 0 {
					c.Size = n
				}
			}
		}
		return c, true, nil
	},
	starttls: func(conn net.Conn, br *bufio.Reader) (string, bool, error) {
		code, lines, err := smtpCommand(conn, br, "STARTTLS")
		answer := strings.Join(lines, " ")
		return answer, err == nil && code == 220, err
	},
	quit: func(conn net.Conn, br *bufio.Reader) error {
		_, _, err := smtpCommand(conn, br, "QUIT")
		return err
	},
}

// ehloName is the EHLO argument: the client's own address as an address
// literal (RFC 5321 §4.1.4), since popfind has no host name to give.
func ehloName(conn net.Conn) string {
	if a, ok := conn.LocalAddr().(*net.TCPAddr); ok {
		if a.IP.To4() != nil {
			return "[" + a.IP.String() + "]"
		}
		return "[IPv6:" + a.IP.String() + "]"
	}
	return "[127.0.0.1]"
}

func smtpCommand(conn net.Conn, br *bufio.Reader, cmd string) (int, []string, error) {
	if _, err := io.WriteString(conn, cmd+"\r\n"); err != nil {
		return 0, nil, err
	}
	return readReply(br)
}

// errBadReply is an SMTP reply line without a three-digit code.
var errBadReply = errors.New("not an SMTP reply")

// readReply reads one SMTP reply: lines "NNN-text" up to the last,
// "NNN text", at most maxCapaLine lines, all with the same code.
func readReply(br *bufio.Reader) (int, []string, error) {
	var lines []string
	code := 0
	for {
		line, err := readLine(br)
		if err != nil {
			if line != "" {
				lines = append(lines, line)
			}
			return code, lines, err
		}
		if len(line) < 3 || !isDigits(line[:3]) || len(line) > 3 && line[3] != ' ' && line[3] != '-' {
			return 0, append(lines, line), fmt.Errorf("%w: %q", errBadReply, printable(line, 100))
		}
		n, _ := strconv.Atoi(line[:3])
		if code != 0 && n != code {
			return 0, append(lines, line), fmt.Errorf("%w: reply codes %d and %d mixed", errBadReply, code, n)
		}
		code = n
		if len(lines) >= maxCapaLine {
			return code, lines, errCapaTooLong
		}
		lines = append(lines, line)
		if len(line) == 3 || line[3] == ' ' {
			return code, lines, nil
		}
	}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// add records one capability as the server sent it, cleaned.
func (c *Capabilities) add(s string) {
	if len(c.Lines) < maxCapaLine {
		c.Lines = append(c.Lines, printable(s, 200))
	}
}

// addSASL records one SASL mechanism, once.
func (c *Capabilities) addSASL(m string) {
	m = printable(m, 40)
	for _, have := range c.SASL {
		if have == m {
			return
		}
	}
	if len(c.SASL) < 32 {
		c.SASL = append(c.SASL, m)
	}
}
