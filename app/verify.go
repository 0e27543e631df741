package app

import (
	"context"
	"fmt"
	"io"
	"net"
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
	CertNotAfter string   `json:"cert_not_after"`
	DaysLeft     int      `json:"days_left"`
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
			CertDNSNames: nonNil(t.DNSNames), DaysLeft: t.DaysLeft}
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

// writeChecklist writes one line per step, ✓ or ✗ and its time, to w; when
// the check failed, the problem and the hint go to errw, like every error.
func (v *verifyReport) writeChecklist(w, errw io.Writer, lang i18n.Lang, sc screen) {
	r := v.r
	sc.println(w, fmt.Sprintf("%s %s %s:%d (%s)", lang.Sprintf(i18n.LblVerify), r.Protocol.Label(), r.Host, r.Port, sslText(r.SocketType, lang)), 2)
	for _, s := range r.Steps {
		mark := sc.green("✓")
		if !s.OK {
			mark = sc.red("✗")
		}
		ms := lang.Sprintf(i18n.LblMillis, strconv.FormatInt(s.Duration.Milliseconds(), 10))
		sc.println(w, fmt.Sprintf("  %s %s %s", mark, lang.Format(s.Name), sc.dim("("+ms+")")), 4)
	}
	if t := r.TLSInfo; t != nil && t.Subject != "" {
		days := lang.Sprintf(i18n.LblDays, strconv.Itoa(t.DaysLeft))
		sc.println(w, fmt.Sprintf("    %s, %s; %s; %s (%s)", t.Version, t.Cipher, namesList(t, lang),
			t.NotAfter.UTC().Format("2006-01-02"), days), 6)
	}
	if r.Greeting != "" {
		sc.println(w, "    "+r.Greeting, 6)
	}
	if len(r.Capa.Lines) > 0 {
		sc.println(w, "    "+capaName(r.Protocol)+colon(lang)+moreListSep(r.Capa.Lines, 12, " · ", lang), 6)
	}
	if r.OK {
		sc.println(w, sc.green(lang.Sprintf(i18n.LblVerifyOK)), 0)
		for _, x := range v.r.Warnings {
			l := lang.Sprintf(i18n.LblWarning) + colon(lang)
			sc.println(w, sc.yellow(l+lang.Format(x)), columns.StringWidth(l))
		}
		return
	}
	l := lang.Sprintf(i18n.LblVerifyNo) + colon(lang)
	sc.println(errw, sc.red(l)+lang.Format(r.Problem), columns.StringWidth(l))
	l = lang.Sprintf(i18n.LblHint) + colon(lang)
	sc.println(errw, l+lang.Format(r.Hint), columns.StringWidth(l))
}

func verifyCommand(status *int, lang i18n.Lang) *cli.Command {
	return &cli.Command{
		Name:        "verify",
		Usage:       lang.Sprintf(i18n.CmdVerify),
		ArgsUsage:   "HOST[:PORT]",
		Description: lang.Sprintf(i18n.CmdVerifyDesc),
		Flags: append(append(commonFlags(lang), lookupFlags(lang)...),
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
			host, port, mode, err := parseTarget(c.Args().First(), proto, c.Bool("ssl"), c.Bool("starttls"), c.Bool("plain"))
			if err != nil {
				return err
			}
			timeout := c.Duration("timeout")
			if timeout <= 0 {
				return usageError(i18n.UsageTimeoutPositive, timeout.String())
			}
			dns := c.String("dns")
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
			if err != nil {
				return usageError(i18n.UsageNoResolver, err.Error())
			}
			rep := &verifyReport{r: r}
			if !rep.ok() {
				*status = ExitVerify
			}
			if c.Bool("json") {
				return writeJSON(c.App.Writer, rep.json(lang))
			}
			rep.writeChecklist(c.App.Writer, c.App.ErrWriter, lang, screen{style: style{on: useColor(c.App.Writer, getenv)}, lang: lang, width: screenWidth(c.App.Writer, getenv)})
			return nil
		},
	}
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
		return strings.Join(t.DNSNames, ", ")
	}
	return strings.Join(t.DNSNames[:shown], ", ") + " " + lang.Sprintf(i18n.LblAndMore, strconv.Itoa(t.NameCount-shown))
}
