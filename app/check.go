package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/popfind/popfind/check"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// popfind check DOMAIN: what a domain publishes to mail clients, every
// server named there checked, and what to fix. The check package does the
// work; this file turns flags into its config and renders its Report.

// ExitCheckFailed is popfind check's status when a finding is a failure.
const ExitCheckFailed = 1

// checkProtocols are the protocols a check looks at by default: an admin
// wants the whole picture.
const checkProtocols = "pop3,imap,smtp"

func checkCommand(status *int, lang i18n.Lang) *cli.Command {
	t := lang.Sprintf
	return &cli.Command{
		Name:        "check",
		Usage:       t(i18n.CheckUICmd),
		UsageText:   t(i18n.CheckUICmdUsage),
		Description: t(i18n.CheckUICmdDesc),
		Flags: append(checkCommonFlags(lang),
			timeoutFlag(t(i18n.CheckUIFlagTimeout)),
			dnsFlag(lang),
			&cli.StringFlag{Name: "protocol", Value: checkProtocols, Usage: t(i18n.CheckUIFlagProtocol), EnvVars: []string{"POPFIND_PROTOCOL"}},
			&cli.StringFlag{Name: "sources", Value: "all", Usage: t(i18n.FlagSources, lang.List(check.SourceNames())), EnvVars: []string{"POPFIND_SOURCES"}},
			&cli.StringFlag{Name: "ispdb", Value: lookup.DefaultISPDB, Usage: t(i18n.FlagISPDB), EnvVars: []string{"POPFIND_ISPDB"}},
		),
		Action: func(c *cli.Context) error { return checkAction(c, status) },
	}
}

// checkCommonFlags are commonFlags, with --json worded for check, which
// prints one object.
func checkCommonFlags(lang i18n.Lang) []cli.Flag {
	flags := commonFlags(lang)
	for i, f := range flags {
		if b, ok := f.(*cli.BoolFlag); ok && b.Name == "json" {
			j := *b
			j.Usage = lang.Sprintf(i18n.CheckUIFlagJSON)
			flags[i] = &j
		}
	}
	return flags
}

func checkAction(c *cli.Context, status *int) error {
	getenv := c.App.Metadata["getenv"].(func(string) string)
	switch {
	case c.NArg() == 0, c.NArg() == 1 && strings.TrimSpace(c.Args().First()) == "":
		return usageError(i18n.CheckUIUsageNoDomain)
	case c.NArg() > 1:
		return usageError(i18n.CheckUIUsageArgs, strconv.Itoa(c.NArg()))
	}
	if err := inheritFlags(c); err != nil {
		return err
	}
	opts, err := parseOptions(c, getenv)
	if err != nil {
		return err
	}
	if d, ok := c.App.Metadata["dial"].(func(ctx context.Context, network, address string) (net.Conn, error)); ok {
		opts.dial = d
	}
	code, err := checkRun(c.Context, opts, c.Args().First(), c.App.Writer, c.App.ErrWriter, getenv)
	*status = code
	return err
}

// checkRun checks input with opts and writes the report to out, as JSON
// or for a person, or on errw why nothing could be looked at. It returns
// the exit status; the error is a usage error, or the context's when the
// check was interrupted.
func checkRun(ctx context.Context, opts *options, input string, out, errw io.Writer, getenv func(string) string) (int, error) {
	ch, err := newChecker(opts)
	if err != nil {
		return ExitUsage, err
	}
	defer ch.Close()
	r, err := runCheck(ctx, ch, input)
	if ctx.Err() != nil {
		// Interrupted: Run says so, and nothing else is said.
		return ExitInterrupted, ctx.Err()
	}
	if err != nil {
		return ExitUsage, err
	}
	code := checkExit(r)
	if opts.json {
		return code, writeJSON(out, checkView(r, opts.lang))
	}
	if r.Err != nil {
		sc := screen{style: style{on: useColor(errw, getenv)}, lang: opts.lang, width: screenWidth(errw, getenv)}
		return code, writeCheckErr(errw, r, opts.lang, sc)
	}
	sc := screen{style: style{on: useColor(out, getenv)}, lang: opts.lang, width: screenWidth(out, getenv)}
	return code, writeCheck(out, r, opts.lang, sc)
}

// checkConfig is the check's configuration for a run's options: every
// source answers (no grace), for the run's protocols, POP3, IMAP and SMTP
// by default.
func checkConfig(o *options) lookup.Config {
	cfg := o.config()
	cfg.WaitAll, cfg.Grace = true, -1
	if len(cfg.Protocols) == 0 {
		cfg.Protocols, _ = lookup.ParseProtocols(checkProtocols)
	}
	return cfg
}

// newChecker returns the Checker of a run, or a usage error.
func newChecker(o *options) (*check.Checker, error) {
	for _, name := range o.sources {
		if !slices.Contains(check.SourceNames(), name) {
			// guess too: a check has no guess source.
			names := check.SourceNames()
			slices.Sort(names)
			return nil, usageError(i18n.UsageUnknownSource, strconv.Quote(name), strings.Join(names, ", "))
		}
	}
	ch, err := check.New(checkConfig(o))
	if err != nil {
		return nil, usageError(i18n.UsageOther, err.Error())
	}
	return ch, nil
}

// runCheck checks input, a domain, as checkInput reads it.
func runCheck(ctx context.Context, ch *check.Checker, input string) (*check.Report, error) {
	domain, err := checkInput(input)
	if err != nil {
		return nil, err
	}
	r, err := ch.Check(ctx, domain)
	if errors.Is(err, lookup.ErrInvalidAddress) {
		// checkInput let it through: the engine's rule, worded as ours.
		return nil, domainError(input, err)
	}
	return r, err
}

// checkInput reads a check's input without touching the network: the
// domain to check ("@example.org" stands for example.org), or a usage
// error in the run's language for no domain, an address (its
// CheckUIUsageAddress names the domain to check instead, as its first
// argument), an IP address, or anything else that is not a domain.
func checkInput(input string) (string, error) {
	input = strings.TrimSpace(input)
	if input == "" {
		return "", usageError(i18n.CheckUIUsageNoDomain)
	}
	// An input method's full-width ＠ is an @ too.
	local, domain, ok := strings.Cut(strings.ReplaceAll(input, "＠", "@"), "@")
	switch {
	case ok && domain != "" && !strings.Contains(domain, "@") && local == "":
		input = domain
	case ok && domain != "" && !strings.Contains(domain, "@"):
		return "", usageError(i18n.CheckUIUsageAddress, shellQuote(domain))
	}
	if ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(input, "["), "]")); err == nil {
		return "", usageError(i18n.CheckUIUsageIP, ip.String())
	}
	if _, err := settings.DomainAddress(input); err != nil {
		return "", domainError(input, err)
	}
	return input, nil
}

// domainError is the usage error for input, which err (an
// ErrInvalidAddress) says is not a domain.
func domainError(input string, err error) error {
	why := i18n.Text(oneLine(err))
	var ae *lookup.AddressError
	if errors.As(err, &ae) && ae.Why.Key != "" {
		why = ae.Why
	}
	return usageError(i18n.CheckUIUsageDomain, quoteInner(input), i18n.Nest(why))
}

// quoteInner is s as strconv.Quote writes it, without the quotes: a
// message puts its own around it, the ones of its language.
func quoteInner(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// checkExit is a check's exit status: 4 when nothing could be looked at,
// 1 when a finding is a failure, else 0.
func checkExit(r *check.Report) int {
	switch {
	case r.Err != nil:
		return ExitNetwork
	case r.Count(check.Fail) > 0:
		return ExitCheckFailed
	}
	return ExitOK
}

// The JSON of popfind check --json and GET /api/v1/check: fields may be
// added; none may be renamed (schema/check.schema.json).

// checkJSON is a check's report.
type checkJSON struct {
	Domain        string   `json:"domain"`
	UnicodeDomain string   `json:"unicode_domain,omitempty"`
	Protocols     []string `json:"protocols"`
	// Counts are the findings of each severity.
	Counts   checkCounts        `json:"counts"`
	Findings []checkFindingJSON `json:"findings"`
	Sources  []checkSourceJSON  `json:"sources"`
	Servers  []checkServerJSON  `json:"servers"`
	// Error says why nothing could be looked at.
	Error string `json:"error,omitempty"`
}

type checkCounts struct {
	Fail int `json:"fail"`
	Warn int `json:"warn"`
	Info int `json:"info"`
}

// checkFindingJSON is one finding.
type checkFindingJSON struct {
	Severity  string            `json:"severity"`
	Code      string            `json:"code"`
	Protocol  string            `json:"protocol"`
	Source    string            `json:"source"`
	Server    string            `json:"server,omitempty"`
	Message   string            `json:"message"`
	Fix       string            `json:"fix"`
	Paste     string            `json:"paste,omitempty"`
	PasteKind string            `json:"paste_kind,omitempty"`
	PasteURL  string            `json:"paste_url,omitempty"`
	Compare   []checkSourceJSON `json:"compare,omitempty"`
}

// checkSourceJSON is what one source published.
type checkSourceJSON struct {
	Source   string       `json:"source"`
	URL      string       `json:"url"`
	FinalURL string       `json:"final_url,omitempty"`
	Status   string       `json:"status"`
	Reason   string       `json:"reason,omitempty"`
	Insecure bool         `json:"insecure"`
	DNSSEC   bool         `json:"dnssec"`
	Servers  []jsonServer `json:"servers"`
	Records  []string     `json:"records"`
}

// checkServerJSON is one server's check: the verify --json object, with
// the sources that name the server and, for STARTTLS, whether it offered
// a password login before TLS.
type checkServerJSON struct {
	*verifyJSON
	Sources []string `json:"sources"`
	// Username is the login name the sources give, when they give one.
	Username string `json:"username,omitempty"`
	// PlainAuth is set when the server said whether it offers a password
	// login before TLS; AuthEvidence is what showed it.
	PlainAuth    *bool  `json:"plain_auth_before_tls,omitempty"`
	AuthEvidence string `json:"auth_evidence,omitempty"`
}

// checkView is the JSON of r, its messages in lang.
func checkView(r *check.Report, lang i18n.Lang) *checkJSON {
	j := &checkJSON{Domain: r.Domain, Protocols: []string{}, Findings: []checkFindingJSON{},
		Sources: []checkSourceJSON{}, Servers: []checkServerJSON{},
		Counts: checkCounts{Fail: r.Count(check.Fail), Warn: r.Count(check.Warn), Info: r.Count(check.Info)}}
	if r.UnicodeDomain != "" && r.UnicodeDomain != r.Domain {
		j.UnicodeDomain = r.UnicodeDomain
	}
	for _, p := range r.Protocols {
		j.Protocols = append(j.Protocols, string(p))
	}
	for _, f := range r.Findings {
		fj := checkFindingJSON{Severity: string(f.Severity), Code: f.Code, Protocol: string(f.Protocol), Source: f.Source,
			Server: f.Server, Message: lang.Format(f.Message), Fix: lang.Format(f.Fix),
			Paste: f.Paste, PasteKind: f.PasteKind, PasteURL: f.PasteURL}
		for _, p := range f.Compare {
			fj.Compare = append(fj.Compare, publishedView(p, lang))
		}
		j.Findings = append(j.Findings, fj)
	}
	for _, p := range r.Sources {
		j.Sources = append(j.Sources, publishedView(p, lang))
	}
	for _, s := range r.Servers {
		j.Servers = append(j.Servers, serverCheckView(s, lang))
	}
	switch {
	case checkTimedOut(r):
		j.Error = checkErrMessage(r, lang)
	case r.Err != nil:
		j.Error = checkErrText(r.Err, lang)
	}
	return j
}

func publishedView(p check.Published, lang i18n.Lang) checkSourceJSON {
	j := checkSourceJSON{Source: p.Source, URL: p.URL, FinalURL: p.FinalURL, Status: string(p.Status),
		Insecure: p.Insecure, DNSSEC: p.DNSSEC, Servers: []jsonServer{}, Records: nonNil(p.Records)}
	if p.FinalURL == p.URL {
		j.FinalURL = ""
	}
	if p.Reason != nil {
		j.Reason = lang.Format(*p.Reason)
	}
	for _, s := range p.Servers {
		j.Servers = append(j.Servers, serverView(lookup.Server(s)))
	}
	return j
}

func serverCheckView(s check.ServerCheck, lang i18n.Lang) checkServerJSON {
	rep := s.Report
	if rep == nil {
		// Not checked at all: the server as published, failed.
		rep = &probe.Report{Protocol: s.Server.Protocol, Host: s.Server.Host, Port: s.Server.Port, SocketType: s.Server.SocketType}
	}
	j := checkServerJSON{verifyJSON: (&verifyReport{r: rep}).json(lang), Sources: nonNil(s.Sources), Username: s.Server.Username}
	if s.PlainAuthKnown {
		plain := s.PlainAuth
		j.PlainAuth = &plain
		j.AuthEvidence = s.AuthEvidence
	}
	return j
}

// checkTimedOut reports whether r's check ran out of time before it was
// done (a deadline of the caller's, as popfind serve sets). A check whose
// DNS server never answered did not: nothing could be looked at, and the
// DNS server is to blame (its sources' own timeouts are in Err).
func checkTimedOut(r *check.Report) bool { return r.TimedOut }

// checkErrMessage says, in a sentence, why r has no findings: the check
// ran out of time, or nothing could be looked at, and why.
func checkErrMessage(r *check.Report, lang i18n.Lang) string {
	if checkTimedOut(r) {
		return lang.Sprintf(i18n.CheckUITimedOut, checkDomain(r))
	}
	return lang.Sprintf(i18n.CheckUINothing, checkDomain(r), checkErrText(r.Err, lang))
}

// checkErrText says why nothing could be looked at; for a check that ran
// out of time, that it did.
func checkErrText(err error, lang i18n.Lang) string {
	var ue *check.UnreachableError
	switch {
	case errors.As(err, &ue):
		// No DNS server answered: its sources' timeouts are the DNS
		// server's, not the check's.
		return lang.Sprintf(i18n.ErrNetwork)
	case errors.Is(err, context.DeadlineExceeded):
		return lang.Sprintf(i18n.CheckUITimedOutShort)
	}
	if errors.Is(err, lookup.ErrNetwork) {
		return lang.Sprintf(i18n.ErrNetwork)
	}
	return reason(err, lang)
}

// verdict is the report's first line: the domain and how many findings of
// each severity, or that there are none.
func verdict(r *check.Report, lang i18n.Lang) string {
	var parts []string
	count := func(s check.Severity, one, many string) {
		switch n := r.Count(s); n {
		case 0:
		case 1:
			parts = append(parts, lang.Sprintf(one))
		default:
			parts = append(parts, lang.Sprintf(many, strconv.Itoa(n)))
		}
	}
	count(check.Fail, i18n.CheckUIFailOne, i18n.CheckUIFailMany)
	count(check.Warn, i18n.CheckUIWarnOne, i18n.CheckUIWarnMany)
	clean := len(parts) == 0
	count(check.Info, i18n.CheckUIInfoOne, i18n.CheckUIInfoMany)
	switch {
	case clean && len(parts) == 0:
		parts = []string{lang.Sprintf(i18n.CheckUIClean)}
	case clean:
		// Notes are no problems: "no problems found (1 note)".
		parts = []string{lang.Sprintf(i18n.CheckUICleanNotes, parts[0])}
	}
	return lang.Sprintf(i18n.CheckUIVerdict, checkDomain(r), strings.Join(parts, lang.ListSep()))
}

// checkDomain is the domain as people read it: an IDN with its Unicode
// form.
func checkDomain(r *check.Report) string {
	if r.Domain == "" {
		return r.UnicodeDomain
	}
	return displayHost(r.Domain)
}

// severityLabel is a severity's mark and word.
func severityLabel(s check.Severity, lang i18n.Lang, sc screen) string {
	switch s {
	case check.Fail:
		return sc.red("✗ " + lang.Sprintf(i18n.CheckUISevFail))
	case check.Warn:
		return sc.yellow("! " + lang.Sprintf(i18n.CheckUISevWarn))
	}
	return sc.dim("i " + lang.Sprintf(i18n.CheckUISevInfo))
}

// statusText is a source's status in a word or two.
func statusText(p check.Published, lang i18n.Lang) string {
	key := map[check.Status]string{
		check.StatusFound: i18n.CheckUIStatusFound, check.StatusMissing: i18n.CheckUIStatusMissing,
		check.StatusInvalid: i18n.CheckUIStatusInvalid, check.StatusFailed: i18n.CheckUIStatusFailed,
		check.StatusSkipped: i18n.CheckUIStatusSkipped,
	}[p.Status]
	if key == "" {
		return string(p.Status)
	}
	words := []string{lang.Sprintf(key)}
	if p.Insecure {
		words = append(words, lang.Sprintf(i18n.CheckUIOverHTTP))
	}
	if p.DNSSEC {
		words = append(words, "DNSSEC")
	}
	return strings.Join(words, lang.ListSep())
}

// serverLine is a server as a line of the report: its protocol, host,
// port and security, "plain (no TLS)" for none.
func serverLine(proto lookup.Protocol, host string, port int, st lookup.SocketType, lang i18n.Lang) string {
	security := sslText(st, lang)
	if st == lookup.Plain {
		security = lang.Sprintf(i18n.CheckUIPlainSocket)
	}
	return proto.Label() + " " + displayHost(host) + ":" + strconv.Itoa(port) + " " + security
}

// serverResult is the result of one server's check in a word or two, and
// its class: "ok" for a pass; "warn" for a pass of a server published
// without TLS, which a plaintext finding fails, or of a server not checked
// at all; "fail" otherwise.
func serverResult(sc check.ServerCheck, lang i18n.Lang) (string, string) {
	rep := sc.Report
	switch {
	case rep != nil && (rep.Kind == kindNotMailPort || rep.Kind == check.KindRefusedForSafety):
		return lang.Sprintf(i18n.CheckUINotChecked), "warn"
	case rep == nil || !rep.OK:
		return lang.Sprintf(i18n.CheckUIFailed), "fail"
	case sc.Server.SocketType == lookup.Plain:
		return lang.Sprintf(i18n.CheckUIPlainPassed), "warn"
	}
	return lang.Sprintf(i18n.CheckUIPassed), "ok"
}

// writeCheck writes r for a person: the verdict, one block per finding
// (what, why, the fix, and what to paste, verbatim), then what each source
// published and the result of each server's check; wrapped to the screen,
// nothing cut, no timings.
func writeCheck(w io.Writer, r *check.Report, lang i18n.Lang, sc screen) error {
	var b strings.Builder
	v := verdict(r, lang)
	switch {
	case r.Count(check.Fail) > 0:
		sc.styled(&b, v, 2, func(s string) string { return sc.bold(sc.red(s)) })
	case r.Count(check.Warn) > 0:
		sc.styled(&b, v, 2, func(s string) string { return sc.bold(sc.yellow(s)) })
	default:
		sc.styled(&b, v, 2, func(s string) string { return sc.bold(sc.green(s)) })
	}
	var labels []string
	for _, p := range r.Protocols {
		labels = append(labels, p.Label())
	}
	if len(labels) > 0 {
		l := lang.Sprintf(i18n.CheckUIProtocols) + lang.Colon()
		sc.line(&b, l+strings.Join(labels, lang.ListSep()), columns.StringWidth(l))
	}
	for _, f := range r.Findings {
		b.WriteString("\n")
		writeFinding(&b, f, checkDomain(r), lang, sc)
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if err := writeCheckSources(w, r, lang, sc); err != nil {
		return err
	}
	io.WriteString(w, "\n")
	return writeCheckServers(w, r, lang, sc)
}

// findingAbout names what a finding concerns: its protocol, source and
// server, those it has.
func findingAbout(f check.Finding) []string {
	var about []string
	if f.Protocol != "" {
		about = append(about, f.Protocol.Label())
	}
	if f.Source != "" {
		about = append(about, f.Source)
	}
	if f.Server != "" {
		about = append(about, displayHost(f.Server))
	}
	return about
}

// compareSaid is what source p published for the finding's protocol, for
// the side-by-side comparison, or its status when it published nothing.
func compareSaid(f check.Finding, p check.Published, lang i18n.Lang) string {
	var said []string
	for _, s := range p.Servers {
		if f.Protocol == "" || s.Protocol == f.Protocol {
			said = append(said, serverLine(s.Protocol, s.Host, s.Port, s.SocketType, lang))
		}
	}
	if len(said) == 0 {
		said = append(said, statusText(p, lang))
	}
	return strings.Join(said, lang.ClauseSep())
}

// writeFinding writes one finding's block.
func writeFinding(b *strings.Builder, f check.Finding, domain string, lang i18n.Lang, sc screen) {
	head := append([]string{f.Code}, findingAbout(f)...)
	sc.line(b, severityLabel(f.Severity, lang, sc)+"  "+strings.Join(head, " · "), 4)
	if msg := lang.Format(f.Message); msg != "" {
		sc.line(b, "  "+msg, 2)
	}
	if fix := lang.Format(f.Fix); fix != "" {
		l := "  " + lang.Sprintf(i18n.CheckUIFix) + lang.Colon()
		sc.line(b, l+fix, columns.StringWidth(l))
	}
	if len(f.Compare) > 0 {
		sc.line(b, "  "+lang.Sprintf(i18n.CheckUICompare), 4)
		for _, p := range f.Compare {
			l := "    " + p.Source + lang.Colon()
			sc.line(b, l+compareSaid(f, p, lang), columns.StringWidth(l))
		}
	}
	if f.Paste == "" {
		return
	}
	sc.line(b, "  "+pasteLabel(f, domain, lang), 4)
	// Verbatim: not wrapped, not indented (a zone file reads a line that
	// starts with a space as the previous owner's), between blank lines.
	b.WriteString("\n" + strings.TrimRight(f.Paste, "\n") + "\n")
}

// pasteLabel says what a finding's paste is and where it goes: the
// domain's DNS zone (records to add, or to replace), or the URL to publish
// the file at.
func pasteLabel(f check.Finding, domain string, lang i18n.Lang) string {
	switch {
	case f.PasteKind == check.PasteXML && f.PasteURL != "":
		return lang.Sprintf(i18n.CheckUIPasteXML, f.PasteURL)
	case f.PasteKind == check.PasteDNS && f.PasteURL != "":
		return lang.Sprintf(i18n.CheckUIPasteDNS, f.PasteURL)
	case f.PasteKind == check.PasteDNS && domain != "":
		return lang.Sprintf(i18n.CheckUIPasteDNS, domain)
	case f.PasteKind == check.PasteDNSReplace && domain != "":
		return lang.Sprintf(i18n.CheckUIPasteDNSReplace, domain)
	}
	return lang.Sprintf(i18n.CheckUIPasteOther)
}

// writeCheckSources writes what each source published: a table of its
// status and its servers for the protocols checked, then why a source
// gave nothing, each on a line of its own.
func writeCheckSources(w io.Writer, r *check.Report, lang i18n.Lang, sc screen) error {
	var b strings.Builder
	sc.styled(&b, lang.Sprintf(i18n.CheckUISources)+strings.TrimRight(lang.Colon(), " "), 0, sc.bold)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	b.Reset()
	headers := []string{lang.Sprintf(i18n.HdrSource), lang.Sprintf(i18n.CheckUIHdrStatus), lang.Sprintf(i18n.CheckUIHdrPublished)}
	var rows [][]string
	for _, p := range r.Sources {
		var servers []string
		for _, s := range p.Servers {
			if len(r.Protocols) == 0 || slices.Contains(r.Protocols, s.Protocol) {
				servers = append(servers, serverLine(s.Protocol, s.Host, s.Port, s.SocketType, lang))
			}
		}
		cell := strings.Join(servers, "\n")
		if cell == "" {
			cell = "—"
		}
		// The status's words one a line: a narrow column.
		rows = append(rows, []string{p.Source, strings.ReplaceAll(statusText(p, lang), lang.ListSep(), "\n"), cell})
		// Continuation lines hang by four columns: a reason often holds
		// a long URL, which would leave nothing beside a long label.
		if p.FinalURL != "" && p.FinalURL != p.URL {
			sc.line(&b, "  "+p.Source+lang.Colon()+lang.Sprintf(i18n.CheckUIFinalURL, p.FinalURL), 4)
		}
		if p.Reason != nil {
			sc.line(&b, "  "+p.Source+lang.Colon()+lang.Format(*p.Reason), 4)
		}
	}
	if len(rows) > 0 {
		if err := sc.table(w, headers, rows); err != nil {
			return err
		}
	}
	return writeNotes(w, b.String(), len(rows) > 0 && sc.cards(headers, rows))
}

// writeNotes writes the lines that follow a table: after a table written
// as cards, below a blank line, so that they do not read as part of the
// last card.
func writeNotes(w io.Writer, notes string, cards bool) error {
	if notes == "" {
		return nil
	}
	if cards {
		notes = "\n" + notes
	}
	_, err := io.WriteString(w, notes)
	return err
}

// writeCheckServers writes the result of each server's check, then why
// each that failed did.
func writeCheckServers(w io.Writer, r *check.Report, lang i18n.Lang, sc screen) error {
	var b strings.Builder
	sc.styled(&b, lang.Sprintf(i18n.CheckUIServers)+strings.TrimRight(lang.Colon(), " "), 0, sc.bold)
	if len(r.Servers) == 0 {
		sc.line(&b, "  "+lang.Sprintf(i18n.CheckUINoServers), 2)
		_, err := io.WriteString(w, b.String())
		return err
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	b.Reset()
	headers := []string{lang.Sprintf(i18n.CheckUIHdrServer), lang.Sprintf(i18n.CheckUIHdrBy), lang.Sprintf(i18n.CheckUIHdrResult)}
	var rows [][]string
	for _, s := range r.Servers {
		srv := s.Server
		result, _ := serverResult(s, lang)
		rows = append(rows, []string{serverLine(srv.Protocol, srv.Host, srv.Port, srv.SocketType, lang),
			strings.Join(s.Sources, "\n"), result})
		if s.Report != nil && !s.Report.OK && s.Report.Problem.Key != "" {
			l := "  " + displayHost(srv.Host) + ":" + strconv.Itoa(srv.Port) + lang.Colon()
			sc.line(&b, l+lang.Format(s.Report.Problem), 4)
		}
	}
	if err := sc.table(w, headers, rows); err != nil {
		return err
	}
	return writeNotes(w, b.String(), sc.cards(headers, rows))
}

// writeCheckErr says, on standard error, that nothing could be looked at,
// and what to try.
func writeCheckErr(w io.Writer, r *check.Report, lang i18n.Lang, sc screen) error {
	var b strings.Builder
	sc.line(&b, "popfind"+lang.Colon()+checkErrMessage(r, lang), 2)
	if !checkTimedOut(r) {
		l := lang.Sprintf(i18n.LblHint) + lang.Colon()
		sc.line(&b, l+lang.Sprintf(i18n.CheckUIHintNet), columns.StringWidth(l))
	}
	_, err := fmt.Fprint(w, b.String())
	return err
}
