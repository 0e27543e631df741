package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/safetext"
	"github.com/popfind/popfind/lookup"
)

func sslText(st lookup.SocketType, lang i18n.Lang) string {
	switch st {
	case lookup.SSL:
		return lang.Sprintf(i18n.SSLTLS)
	case lookup.STARTTLS:
		return lang.Sprintf(i18n.SSLStartTLS)
	}
	return lang.Sprintf(i18n.SSLNone)
}

// writeHuman renders one result for a person: the address, a table of the
// chosen servers, with --all what every source said, then the provider,
// warnings, notes and help links, wrapped to the screen and never cut.
// Failures go to errw.
func writeHuman(w, errw io.Writer, o *outcome, lang i18n.Lang, sc screen, all bool) error {
	j := view(o, lang, all)
	if o.invalid() {
		var b strings.Builder
		sc.line(&b, "popfind"+colon(lang)+j.Error, 2)
		_, err := io.WriteString(errw, b.String())
		return err
	}
	if !anyFound(o.res) && !all && o.verified() == nil {
		return writeNotFound(errw, o, j, lang, sc)
	}
	if _, err := fmt.Fprintln(w, sc.bold(o.input)); err != nil {
		return err
	}
	var err error
	if all && sc.plain() {
		// Piped: every candidate in one tab-separated table.
		err = writeCandidates(w, j, lang, sc)
	} else {
		err = writeServers(w, j, lang, sc)
	}
	if err != nil {
		return err
	}
	var b strings.Builder
	label := func(key string, text string) {
		l := lang.Sprintf(key) + colon(lang)
		sc.line(&b, l+text, columns.StringWidth(l))
	}
	if all && !sc.plain() {
		writeSources(&b, j, lang, sc)
	}
	if !all {
		alternatives(&b, j, lang, sc)
	}
	if j.Provider != nil {
		label(i18n.LblProvider, j.Provider.Name)
	}
	// Where each answer came from: one line when every protocol's came
	// from the same place, else one per protocol.
	sources := map[string]bool{}
	for _, p := range j.Protocols {
		if v := j.Servers[p]; v.SourceURL != "" {
			sources[v.Source+paren(lang, v.SourceURL)] = true
		}
	}
	for _, p := range j.Protocols {
		v := j.Servers[p]
		if v.SourceURL == "" {
			continue
		}
		if len(sources) == 1 {
			label(i18n.HdrSource, v.Source+paren(lang, v.SourceURL))
			break
		}
		l := lang.Sprintf(i18n.HdrSource) + paren(lang, v.protocol.Label()) + colon(lang)
		sc.line(&b, l+v.Source+paren(lang, v.SourceURL), columns.StringWidth(l))
	}
	if j.DNSSEC {
		sc.line(&b, lang.Sprintf(i18n.LblDNSSEC), 0)
	}
	if !o.res.Found && j.Error != "" {
		sc.styled(&b, naming(o.res.Protocol, j.Error, lang), 2, sc.red)
	}
	for _, x := range j.Warnings {
		l := lang.Sprintf(i18n.LblWarning) + colon(lang)
		sc.styled(&b, l+x, columns.StringWidth(l), sc.yellow)
	}
	// Notes, then the help links.
	if s := j.Server; s != nil && s.LeaveMessagesOnServer != nil {
		switch {
		case !*s.LeaveMessagesOnServer:
			label(i18n.LblNote, lang.Sprintf(i18n.NoteDeleteOnServer))
		case s.DaysToLeaveMessagesOnServer != nil:
			label(i18n.LblNote, lang.Sprintf(i18n.NoteLeaveOnServerFor, strconv.Itoa(*s.DaysToLeaveMessagesOnServer)))
		default:
			label(i18n.LblNote, lang.Sprintf(i18n.NoteLeaveOnServer))
		}
	}
	for _, x := range j.Notes {
		label(i18n.LblNote, x)
	}
	// The classic POP surprise, said with the notes, before the help links,
	// wherever a POP3 server is shown and the provider has not said what
	// becomes of mail on the server.
	if popCopyNote(o.res) {
		label(i18n.LblNote, lang.Sprintf(i18n.LblPOPCopy))
	}
	for _, x := range j.Docs {
		label(i18n.LblDocs, x)
	}
	// Each check's report, its verdict with it, on the same stream.
	for _, v := range o.verify {
		if v != nil {
			v.writeReport(&b, lang, sc)
		}
	}
	b.WriteString("\n")
	_, err = io.WriteString(w, b.String())
	return err
}

// anyFound reports whether some protocol of r has a server.
func anyFound(r *lookup.Result) bool {
	for _, x := range r.All() {
		if x.Found {
			return true
		}
	}
	return false
}

// writeServers writes one row per server, each protocol's in the order
// asked; a protocol without a server gets a row saying so.
func writeServers(w io.Writer, j *jsonResult, lang i18n.Lang, sc screen) error {
	headers := []string{lang.Sprintf(i18n.HdrProtocol), lang.Sprintf(i18n.HdrHost), lang.Sprintf(i18n.HdrPort),
		lang.Sprintf(i18n.HdrSSL), lang.Sprintf(i18n.HdrUsername), lang.Sprintf(i18n.HdrSource)}
	var rows [][]string
	for _, p := range j.Protocols {
		v := j.Servers[p]
		label := v.protocol.Label()
		if v.Server == nil {
			rows = append(rows, []string{label, "—", "", "", "", lang.Sprintf(i18n.OutNotFound)})
			continue
		}
		s := v.Server
		rows = append(rows, []string{label, displayHost(s.Host), strconv.Itoa(s.Port), sslText(s.SocketType, lang), s.Username, v.Source})
	}
	return sc.table(w, headers, rows)
}

// displayHost shows an internationalised host name as people read it,
// beside the ASCII form that every program takes: "xn--…, (例子.测试)".
// Other names are as they are.
func displayHost(host string) string {
	if !strings.Contains(host, "xn--") {
		return host
	}
	u, err := idna.Display.ToUnicode(host)
	if err != nil || u == host || !utf8.ValidString(u) || safetext.Line(u, len(u)) != u {
		return host
	}
	return host + " (" + u + ")"
}

// hostPort is a server's address and security, as a person reads them.
func hostPort(s *jsonServer, lang i18n.Lang) string {
	return fmt.Sprintf("%s:%d %s", displayHost(s.Host), s.Port, sslText(s.SocketType, lang))
}

// alternatives lists, one line per protocol, the servers its source gave
// besides the chosen one.
func alternatives(b *strings.Builder, j *jsonResult, lang i18n.Lang, sc screen) {
	for _, p := range j.Protocols {
		v := j.Servers[p]
		if len(v.Alternatives) == 0 {
			continue
		}
		var list []string
		for _, s := range v.Alternatives {
			list = append(list, hostPort(&s, lang))
		}
		l := lang.Sprintf(i18n.LblAlt) + paren(lang, v.protocol.Label()) + colon(lang)
		sc.line(b, l+strings.Join(list, lang.ClauseSep()), columns.StringWidth(l))
	}
}

// naming says text about protocol p, naming p once: as it is when it names
// the protocol already ("no SMTP server found"), else after "SMTP: ".
func naming(p lookup.Protocol, text string, lang i18n.Lang) string {
	if namesProtocol(text, p) {
		return text
	}
	return p.Label() + colon(lang) + text
}

// namesProtocol reports whether text names protocol p as a word.
func namesProtocol(text string, p lookup.Protocol) bool {
	label := p.Label()
	for i := 0; ; {
		k := strings.Index(text[i:], label)
		if k < 0 {
			return false
		}
		k += i
		end := k + len(label)
		if (k == 0 || !isWordByte(text[k-1])) && (end == len(text) || !isWordByte(text[end])) {
			return true
		}
		i = end
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// writeCandidates writes, for the plain layout (not a terminal), what every
// source said, protocol by protocol: one tab-separated row per server or
// source, the outcome with its whole reason.
func writeCandidates(w io.Writer, j *jsonResult, lang i18n.Lang, sc screen) error {
	headers := []string{lang.Sprintf(i18n.HdrProtocol), lang.Sprintf(i18n.HdrChosen), lang.Sprintf(i18n.HdrSource), lang.Sprintf(i18n.HdrHost),
		lang.Sprintf(i18n.HdrPort), lang.Sprintf(i18n.HdrSSL), lang.Sprintf(i18n.HdrUsername),
		lang.Sprintf(i18n.HdrOutcome), lang.Sprintf(i18n.HdrTime)}
	var rows [][]string
	for _, p := range j.Protocols {
		for _, c := range j.Servers[p].Candidates {
			host, port, ssl, user := "", "", "", ""
			if c.Server != nil {
				host, port, ssl, user = displayHost(c.Server.Host), strconv.Itoa(c.Server.Port), sslText(c.Server.SocketType, lang), c.Server.Username
			}
			out := outcomeText(c.Outcome, lang)
			if c.Server == nil && c.err != nil {
				out += colon(lang) + reason(c.err, lang)
			}
			rows = append(rows, []string{j.Servers[p].protocol.Label(), mark(c), c.Source, host, port, ssl, user, out,
				lang.Sprintf(i18n.LblMillis, strconv.FormatInt(c.MS, 10))})
		}
	}
	return sc.table(w, headers, rows)
}

// mark is a candidate's mark: ✓ for the chosen server, ≠ for a source's
// server that differs from it.
func mark(c jsonCandidate) string {
	switch {
	case c.Chosen:
		return "✓"
	case c.Conflict:
		return "≠"
	}
	return ""
}

// writeSources writes, with --all on a terminal, what every source said:
// for each protocol one compact line per source (its mark, name, outcome,
// server and time); then why sources found nothing, each reason once,
// wrapped; then what the marks mean.
func writeSources(b *strings.Builder, j *jsonResult, lang i18n.Lang, sc screen) {
	type row struct{ mark, source, outcome, server, time string }
	type said struct{ source, protocol string }
	var (
		chosen, conflict bool
		rows             = map[string][]row{}
		reasons          []string // in order of first appearance
		who              = map[string][]said{}
	)
	for _, p := range j.Protocols {
		v := j.Servers[p]
		for i, c := range v.Candidates {
			r := row{mark: mark(c), source: c.Source, outcome: outcomeLabel(c.Outcome, lang)}
			chosen, conflict = chosen || c.Chosen, conflict || c.Conflict
			if i > 0 && v.Candidates[i-1].Source == c.Source && c.Server != nil {
				// Another server of the same source.
				r.source, r.outcome = "", ""
			} else if lookup.Outcome(c.Outcome) != lookup.OutcomeSkipped {
				r.time = lang.Sprintf(i18n.LblMillis, strconv.FormatInt(c.MS, 10))
			}
			if c.Server != nil {
				r.server = hostPort(c.Server, lang)
			}
			rows[p] = append(rows[p], r)
			if c.err == nil {
				continue
			}
			why := reason(c.err, lang)
			if _, ok := who[why]; !ok {
				reasons = append(reasons, why)
			}
			if s := (said{c.Source, v.protocol.Label()}); !slices.Contains(who[why], s) {
				who[why] = append(who[why], s)
			}
		}
	}
	// Columns: two spaces, the mark, a space, then source, outcome, server
	// and time, two spaces apart; the server on a line of its own below
	// when a line cannot hold them all.
	var src, out, srv int
	for _, rs := range rows {
		for _, r := range rs {
			src = max(src, columns.StringWidth(r.source))
			out = max(out, columns.StringWidth(r.outcome))
			srv = max(srv, columns.StringWidth(r.server))
		}
	}
	oneLine := 4+src+2+out+2+srv+2+columns.StringWidth(lang.Sprintf(i18n.LblMillis, "00000")) <= sc.width
	pad := func(s string, n int) string { return s + strings.Repeat(" ", n-columns.StringWidth(s)) }
	heading := func(s string) { sc.styled(b, s+strings.TrimRight(colon(lang), " "), 0, sc.bold) }
	for _, p := range j.Protocols {
		heading(lang.Sprintf(i18n.LblBySource, j.Servers[p].protocol.Label()))
		for _, r := range rows[p] {
			m := r.mark
			if m == "" {
				m = " "
			}
			line := "  " + m + " " + pad(r.source, src) + "  " + pad(r.outcome, out)
			if oneLine && srv > 0 {
				line += "  " + pad(r.server, srv)
			}
			sc.line(b, strings.TrimRight(line+"  "+r.time, " "), 6)
			if !oneLine && r.server != "" {
				sc.line(b, "      "+r.server, 6)
			}
		}
	}
	if len(reasons) > 0 {
		heading(lang.Sprintf(i18n.LblReasons))
	}
	for _, why := range reasons {
		// Each source once, with the protocols it said this of when it
		// did not say it of every protocol.
		var names []string
		seen := map[string]bool{}
		for _, s := range who[why] {
			if seen[s.source] {
				continue
			}
			seen[s.source] = true
			var protocols []string
			for _, t := range who[why] {
				if t.source == s.source {
					protocols = append(protocols, t.protocol)
				}
			}
			name := s.source
			if len(protocols) < len(j.Protocols) {
				name += paren(lang, strings.Join(protocols, lang.ListSep()))
			}
			names = append(names, name)
		}
		l := "  " + strings.Join(names, lang.ListSep()) + colon(lang)
		sc.line(b, l+why, min(columns.StringWidth(l), 6))
	}
	var legend []string
	if chosen {
		legend = append(legend, lang.Sprintf(i18n.MarkChosen))
	}
	if conflict {
		legend = append(legend, lang.Sprintf(i18n.MarkConflict))
	}
	if len(legend) > 0 {
		sc.line(b, strings.Join(legend, lang.ClauseSep()), 2)
	}
}

// outcomeLabel is a source's outcome in a word or two.
func outcomeLabel(o string, lang i18n.Lang) string {
	if lookup.Outcome(o) == lookup.OutcomeStoppedEarly {
		return lang.Sprintf(i18n.OutStoppedEarly)
	}
	return outcomeText(o, lang)
}

func outcomeText(o string, lang i18n.Lang) string {
	switch lookup.Outcome(o) {
	case lookup.OutcomeFound:
		return lang.Sprintf(i18n.OutFound)
	case lookup.OutcomeNotFound:
		return lang.Sprintf(i18n.OutNotFound)
	case lookup.OutcomeError:
		return lang.Sprintf(i18n.OutError)
	case lookup.OutcomeStoppedEarly:
		return lang.Sprintf(i18n.ReasonStoppedEarly)
	}
	return lang.Sprintf(i18n.OutSkipped)
}

// writeNotFound says what failed, the most useful reason, the other
// protocols' misses and the warnings, the provider's notes and help links,
// and what to do next; each wrapped, nothing cut. --all shows every source.
func writeNotFound(errw io.Writer, o *outcome, j *jsonResult, lang i18n.Lang, sc screen) error {
	msg := j.Error
	if msg == "" {
		msg = lang.Sprintf(i18n.LblNotFound, o.res.Protocol.Label())
	}
	why, hint := "", lang.Sprintf(i18n.HintNotFound, o.res.Protocol.Label())
	var ie *lookup.InterruptedError
	switch {
	case errors.As(o.res.Err, &ie) && errors.Is(ie, context.DeadlineExceeded):
		// Time ran out: nothing says the spelling is wrong.
		hint = lang.Sprintf(i18n.HintTimedOut)
	case o.res.Answer != nil && o.res.Answer.NotOffered != nil:
		// The provider's own words say why; its notes and help pages
		// follow.
		hint = lang.Sprintf(i18n.HintNotOffered)
	default:
		if errors.Is(o.res.Err, lookup.ErrNetwork) {
			hint = lang.Sprintf(i18n.HintNetworkLookup)
		}
		var looked []string
		for _, a := range j.Attempts {
			// A source the deadline caught is named by the warning that
			// says so.
			if a.Outcome == string(lookup.OutcomeError) && why == "" && !unfinished(a.err) {
				why = a.Source + colon(lang) + reason(a.err, lang)
			}
			if a.Outcome != string(lookup.OutcomeSkipped) {
				looked = append(looked, a.Source)
			}
		}
		if why == "" && !errors.As(o.res.Err, &ie) {
			why = lang.Sprintf(i18n.WhyNoSource, o.res.Address.Domain, strings.Join(looked, ", "), o.res.Protocol.Label())
		}
	}
	// Each protocol's miss on a line of its own, with what else is known
	// of it: the first's warnings follow its message.
	misses := map[string]bool{}
	for _, x := range o.res.AllWarnings() {
		if t := lang.Format(x); !misses[t] {
			misses[t] = true
			msg += lang.ClauseSep() + t
		}
	}
	var b strings.Builder
	plain := func(s string) string { return s }
	sc.styled(&b, "popfind"+colon(lang)+o.input+colon(lang)+msg, 2, plain)
	for i, pr := range o.res.All() {
		if m := missing(pr, j.Servers[string(pr.Protocol)], i, lang); m != "" && !misses[m] {
			misses[m] = true
			sc.styled(&b, "popfind"+colon(lang)+o.input+colon(lang)+m, 2, plain)
		}
	}
	label := func(key, text string, style func(string) string) {
		l := lang.Sprintf(key) + colon(lang)
		sc.styled(&b, l+text, columns.StringWidth(l), style)
	}
	if why != "" {
		label(i18n.LblReason, why, plain)
	}
	for _, x := range j.Warnings {
		if !misses[x] {
			label(i18n.LblWarning, x, sc.yellow)
		}
	}
	for _, x := range j.Notes {
		label(i18n.LblNote, x, plain)
	}
	for _, x := range j.Docs {
		label(i18n.LblDocs, x, plain)
	}
	label(i18n.LblHint, hint, plain)
	_, err := io.WriteString(errw, b.String())
	return err
}

// unfinished reports whether err says a source ran out of time.
func unfinished(err error) bool {
	var u *lookup.UnfinishedError
	return errors.As(err, &u) || errors.As(err, new(*lookup.StoppedEarlyError))
}
