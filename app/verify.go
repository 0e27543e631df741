package app

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// verifyReport is the result of checking one server live.
type verifyReport struct {
	r *probe.Report
}

func (v *verifyReport) ok() bool { return v.r.OK }

type verifyTLS struct {
	Version      string   `json:"version"`
	Cipher       string   `json:"cipher"`
	CertSubject  string   `json:"cert_subject"`
	CertIssuer   string   `json:"cert_issuer"`
	CertDNSNames []string `json:"cert_dns_names"`
	// CertMatchedName is the certificate's name that covers the host, a
	// wildcard perhaps; absent when none does.
	CertMatchedName string `json:"cert_matched_name,omitempty"`
	CertNotAfter    string `json:"cert_not_after"`
	DaysLeft        int    `json:"days_left"`
}

type verifyStep struct {
	Step string `json:"step"`
	OK   bool   `json:"ok"`
	MS   int64  `json:"ms"`
}

// verifyJSON is the verify object of the JSON contract.
type verifyJSON struct {
	OK           bool              `json:"ok"`
	Protocol     string            `json:"protocol"`
	Host         string            `json:"host"`
	Port         int               `json:"port"`
	SocketType   lookup.SocketType `json:"socket_type"`
	Addr         string            `json:"addr,omitempty"`
	ConnectMS    int64             `json:"connect_ms"`
	TLSMS        int64             `json:"tls_ms"`
	TotalMS      int64             `json:"total_ms"`
	TLS          *verifyTLS        `json:"tls,omitempty"`
	Greeting     string            `json:"greeting,omitempty"`
	Capabilities []string          `json:"capabilities"`
	// STLS is true when the server offers STARTTLS (POP3 STLS).
	STLS bool     `json:"stls"`
	SASL []string `json:"sasl"`
	// LoginDisabled is IMAP's LOGINDISABLED; Size is SMTP's SIZE.
	LoginDisabled bool         `json:"login_disabled,omitempty"`
	Size          int64        `json:"size,omitempty"`
	Steps         []verifyStep `json:"steps"`
	Kind          string       `json:"kind,omitempty"`
	Error         string       `json:"error,omitempty"`
	Hint          string       `json:"hint,omitempty"`
	// Warnings are problems that do not fail the check: plain text, a
	// certificate close to expiry.
	Warnings []string `json:"warnings"`
}

func (v *verifyReport) json(lang i18n.Lang) *verifyJSON {
	r := v.r
	j := &verifyJSON{
		OK: r.OK, Protocol: string(r.Protocol), Host: r.Host, Port: r.Port, SocketType: r.SocketType, Addr: r.Addr,
		ConnectMS: r.Connect.Milliseconds(), TLSMS: r.TLS.Milliseconds(), TotalMS: r.Total.Milliseconds(),
		Greeting: r.Greeting, Capabilities: nonNil(r.Capa.Lines), STLS: r.Capa.STLS, SASL: nonNil(r.Capa.SASL),
		LoginDisabled: r.Capa.LoginDisabled, Size: r.Capa.Size,
		Steps: []verifyStep{}, Warnings: []string{},
	}
	for _, w := range r.Warnings {
		j.Warnings = append(j.Warnings, lang.Format(w))
	}
	if t := r.TLSInfo; t != nil {
		j.TLS = &verifyTLS{Version: t.Version, Cipher: t.Cipher, CertSubject: t.Subject, CertIssuer: t.Issuer,
			CertDNSNames: nonNil(t.DNSNames), CertMatchedName: t.MatchedName, DaysLeft: t.DaysLeft}
		if !t.NotAfter.IsZero() {
			j.TLS.CertNotAfter = t.NotAfter.UTC().Format(time.RFC3339)
		}
	}
	for _, s := range r.Steps {
		j.Steps = append(j.Steps, verifyStep{Step: lang.Format(s.Name), OK: s.OK, MS: s.Duration.Milliseconds()})
	}
	if !r.OK {
		j.Kind = string(r.Kind)
		j.Error = lang.Format(r.Problem)
		j.Hint = lang.Format(r.Hint)
	}
	return j
}

func (v *verifyReport) warnings(lang i18n.Lang) []string {
	var out []string
	for _, w := range v.r.Warnings {
		// The plain-text warning is already there when the chosen server is
		// plain; a check of it adds nothing new.
		if w.Key == i18n.WarnPlainVerify {
			continue
		}
		out = append(out, lang.Format(w))
	}
	return out
}

// writeReport writes the whole report of the check to w: what was checked,
// one line per step (✓ or ✗ and its time), what the server said, and the
// verdict, which names the protocol, with its warnings or the problem and
// the hint. All of it goes to one stream, so that a report redirected to a
// file is whole; standard error is for errors about running popfind.
func (v *verifyReport) writeReport(w io.Writer, lang i18n.Lang, sc screen) {
	r := v.r
	sc.println(w, fmt.Sprintf("%s %s %s:%d", lang.Sprintf(i18n.LblVerify), r.Protocol.Label(), r.Host, r.Port)+lang.Paren(sslText(r.SocketType, lang)), 2)
	for _, s := range r.Steps {
		mark := sc.green("✓")
		if !s.OK {
			mark = sc.red("✗")
		}
		ms := lang.Sprintf(i18n.LblMillis, strconv.FormatInt(s.Duration.Milliseconds(), 10))
		sc.println(w, fmt.Sprintf("  %s %s", mark, lang.Format(s.Name))+sc.dim(lang.Paren(ms)), 4)
	}
	if t := r.TLSInfo; t != nil && t.Subject != "" {
		days := lang.Sprintf(i18n.LblDays, strconv.Itoa(t.DaysLeft))
		// The name that matched, when one did; else the names there are.
		names := namesList(t, lang)
		if t.MatchedName != "" {
			names = lang.Sprintf(i18n.LblCertMatch, t.MatchedName, r.Host)
		}
		sep := lang.ClauseSep()
		sc.println(w, "    "+t.Version+lang.ListSep()+t.Cipher+sep+names+sep+t.NotAfter.UTC().Format("2006-01-02")+lang.Paren(days), 6)
	}
	if r.Greeting != "" {
		sc.println(w, "    "+r.Greeting, 6)
	}
	if len(r.Capa.Lines) > 0 {
		sc.println(w, "    "+capaName(r.Protocol)+lang.Colon()+moreListSep(r.Capa.Lines, 12, " · ", lang), 6)
	}
	label := r.Protocol.Label()
	if r.OK {
		sc.println(w, sc.green(lang.Sprintf(i18n.LblVerifyOK, label)), 0)
		for _, x := range v.r.Warnings {
			l := lang.Sprintf(i18n.LblWarning) + lang.Colon()
			sc.println(w, sc.yellow(l+lang.Format(x)), columns.StringWidth(l))
		}
		return
	}
	// The verdict's label is long: its continuation lines hang by two
	// columns, not under the label's end.
	l := lang.Sprintf(i18n.LblVerifyNo, label) + lang.Colon()
	sc.println(w, sc.red(l)+lang.Format(r.Problem), 2)
	if r.Hint.Key != "" {
		l = lang.Sprintf(i18n.LblHint) + lang.Colon()
		sc.println(w, l+lang.Format(r.Hint), columns.StringWidth(l))
	}
}

func verifyCommand(status *int, lang i18n.Lang) *cli.Command {
	return &cli.Command{
		Name:        "verify",
		Usage:       lang.Sprintf(i18n.CmdVerify),
		ArgsUsage:   "HOST[:PORT]",
		Description: lang.Sprintf(i18n.CmdVerifyDesc),
		Flags: append(append(commonFlags(lang), checkFlags(lang)...),
			&cli.BoolFlag{Name: "ssl", Usage: lang.Sprintf(i18n.FlagSSL)},
			&cli.BoolFlag{Name: "starttls", Usage: lang.Sprintf(i18n.FlagSTARTTLS)},
			&cli.BoolFlag{Name: "plain", Usage: lang.Sprintf(i18n.FlagPlain)},
			&cli.StringFlag{Name: "protocol", Value: "pop3", Usage: lang.Sprintf(i18n.FlagVerifyProtocol)},
		),
		Action: func(c *cli.Context) error {
			getenv := c.App.Metadata["getenv"].(func(string) string)
			lang, err := language(c, getenv)
			if err != nil {
				return err
			}
			if c.NArg() != 1 {
				return usageError(i18n.UsageVerifyArgs, strconv.Itoa(c.NArg()))
			}
			proto, err := verifyProtocol(c.String("protocol"))
			if err != nil {
				return err
			}
			if err := notAHost(c.Args().First(), proto, c.IsSet("protocol")); err != nil {
				return err
			}
			host, port, mode, err := parseTarget(c.Args().First(), proto, c.Bool("ssl"), c.Bool("starttls"), c.Bool("plain"))
			if err != nil {
				return err
			}
			timeout := setIn(c, "timeout").Duration("timeout")
			if timeout <= 0 {
				return usageError(i18n.UsageTimeoutPositive, timeout.String())
			}
			dns := setIn(c, "dns").String("dns")
			if dns != "" {
				if dns, err = normalizeDNS(c.Context, dns); err != nil {
					return err
				}
			}
			// A Finder with no source: only its network setup is needed.
			f, err := lookup.New(lookup.Config{DNS: dns, Sources: []string{}, Dial: c.App.Metadata["dial"].(func(context.Context, string, string) (net.Conn, error))})
			if err != nil {
				return usageError(i18n.UsageOther, err.Error())
			}
			defer f.Close()
			ctx, cancel := context.WithTimeout(c.Context, timeout)
			defer cancel()
			r, err := f.Check(ctx, proto, host, port, mode)
			if c.Context.Err() != nil {
				// Interrupted (Ctrl-C): the check was stopped, it did not
				// fail. Run says "interrupted", and nothing else is said.
				return c.Context.Err()
			}
			if err != nil {
				return usageError(i18n.UsageNoResolver, err.Error())
			}
			rep := &verifyReport{r: r}
			if !rep.ok() {
				*status = ExitVerify
			}
			if setIn(c, "json").Bool("json") {
				return writeJSON(c.App.Writer, rep.json(lang))
			}
			rep.writeReport(c.App.Writer, lang, screen{style: style{on: useColor(c.App.Writer, getenv)}, lang: lang, width: screenWidth(c.App.Writer, getenv)})
			return nil
		},
	}
}

// setIn returns the innermost context of c's lineage where the flag name
// was set (on the command line or in the environment), or c. verify has
// --dns, --timeout and --json of its own, which hide the top level's in
// urfave/cli: "popfind --dns 192.0.2.53 verify HOST" must use that server.
func setIn(c *cli.Context, name string) *cli.Context {
	for _, x := range c.Lineage() {
		if x.IsSet(name) {
			return x
		}
	}
	return c
}

// verifyProtocol reads verify's --protocol: one protocol.
func verifyProtocol(s string) (lookup.Protocol, error) {
	ps, err := lookup.ParseProtocols(s)
	if err != nil || len(ps) != 1 {
		return "", usageError(i18n.UsageVerifyProtocol, strconv.Quote(s))
	}
	return ps[0], nil
}

// parseTarget reads HOST[:PORT] and the mode flags. The port defaults to
// the protocol's for the mode; a port given without a mode picks STARTTLS
// when it is the protocol's STARTTLS port (110, 143, 587, or 25 for SMTP).
func parseTarget(arg string, proto lookup.Protocol, ssl, starttls, plain bool) (string, int, lookup.SocketType, error) {
	n := 0
	mode := lookup.SSL
	for _, f := range []struct {
		on bool
		st lookup.SocketType
	}{{ssl, lookup.SSL}, {starttls, lookup.STARTTLS}, {plain, lookup.Plain}} {
		if f.on {
			n++
			mode = f.st
		}
	}
	if n > 1 {
		return "", 0, "", usageError(i18n.UsageVerifyModes)
	}
	host, portStr, err := net.SplitHostPort(arg)
	if err != nil {
		host, portStr = arg, ""
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "" {
		return "", 0, "", usageError(i18n.UsageVerifyNoHost, strconv.Quote(arg))
	}
	if net.ParseIP(host) == nil {
		h, err := settings.ParseHost(host)
		if err != nil {
			return "", 0, "", usageError(i18n.UsageVerifyHost, strconv.Quote(arg), host)
		}
		host = h
	}
	port := proto.DefaultPort(mode)
	if portStr != "" {
		p, err := strconv.Atoi(portStr)
		if err != nil || p < 1 || p > 65535 {
			return "", 0, "", usageError(i18n.UsageVerifyPort, strconv.Quote(arg), strconv.Quote(portStr))
		}
		port = p
		if n == 0 && (p == proto.DefaultPort(lookup.STARTTLS) || proto == lookup.SMTP && p == 25) {
			mode = lookup.STARTTLS
		}
	}
	return host, port, mode, nil
}

// capaName names the capability command of p, as the check list shows it.
func capaName(p lookup.Protocol) string {
	switch p {
	case lookup.IMAP:
		return "CAPABILITY"
	case lookup.SMTP:
		return "EHLO"
	}
	return "CAPA"
}

// namesList shows a certificate's first names and how many more it has.
func namesList(t *probe.TLSInfo, lang i18n.Lang) string {
	const shown = 3
	if t.NameCount <= shown || len(t.DNSNames) < shown {
		return lang.List(t.DNSNames)
	}
	return lang.List(t.DNSNames[:shown]) + " " + lang.Sprintf(i18n.LblAndMore, strconv.Itoa(t.NameCount-shown))
}

// notAHost catches what people give verify instead of a host: an email
// address, which a lookup with --verify checks the servers of, and a URL,
// whose scheme says the protocol and the mode that verify takes as flags.
// Either is a usage error that says what to run instead.
func notAHost(arg string, proto lookup.Protocol, protoSet bool) error {
	scheme, _, ok := strings.Cut(arg, "://")
	if !ok {
		if strings.ContainsAny(arg, "@＠") {
			if addr, err := lookup.ParseAddress(arg); err == nil {
				s := addr.String()
				return usageError(i18n.UsageVerifyAddress, s, shellQuote(s))
			}
		}
		return nil
	}
	quoted := strconv.Quote(arg)
	u, err := url.Parse(arg)
	if err != nil || u.Host == "" {
		return usageError(i18n.UsageVerifyURLBare, quoted)
	}
	host := u.Hostname()
	if net.ParseIP(host) == nil {
		h, err := settings.ParseHost(strings.TrimSuffix(strings.ToLower(host), "."))
		if err != nil {
			return usageError(i18n.UsageVerifyURLBare, quoted)
		}
		host = h
	}
	target := host
	if strings.Contains(host, ":") {
		target = "[" + host + "]"
	}
	if p := u.Port(); p != "" {
		target = net.JoinHostPort(host, p)
	}
	args := []string{"popfind", "verify", target}
	if p, mode, ok := schemeMode(strings.ToLower(scheme)); ok {
		if p != lookup.POP3 || protoSet && proto != lookup.POP3 {
			args = append(args, "--protocol", string(p))
		}
		args = append(args, "--"+strings.ToLower(string(mode)))
	}
	return usageError(i18n.UsageVerifyURL, quoted, strings.Join(args, " "))
}

// schemeMode reads a mail URL's scheme: the protocol, and implicit TLS or
// STARTTLS. pop:// and imap:// (RFC 2384, RFC 5092) name no mode; a client
// upgrades them with STARTTLS.
func schemeMode(scheme string) (lookup.Protocol, lookup.SocketType, bool) {
	switch scheme {
	case "pops", "pop3s":
		return lookup.POP3, lookup.SSL, true
	case "pop", "pop3":
		return lookup.POP3, lookup.STARTTLS, true
	case "imaps":
		return lookup.IMAP, lookup.SSL, true
	case "imap":
		return lookup.IMAP, lookup.STARTTLS, true
	case "smtps", "submissions":
		return lookup.SMTP, lookup.SSL, true
	case "smtp", "submission":
		return lookup.SMTP, lookup.STARTTLS, true
	}
	return "", "", false
}

// shellQuote quotes s for a POSIX shell when it holds anything but the
// characters of a plain address, so that a suggested command can be
// pasted as it is.
func shellQuote(s string) string {
	plain := s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@._+-=,:/%", r) || r > 0x7f)
	})
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
