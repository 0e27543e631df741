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
	return writeHumanHints(w, errw, o, lang, sc, all, true)
}

// writeHumanHints is writeHuman for a command that has --all when
// offersAll is true; when it is false, no hint suggests --all.
func writeHumanHints(w, errw io.Writer, o *outcome, lang i18n.Lang, sc screen, all, offersAll bool) error {
	j := view(o, lang, all)
	if o.invalid() {
		var b strings.Builder
		sc.line(&b, "popfind"+lang.Colon()+j.Error, 2)
		_, err := io.WriteString(errw, b.String())
		return err
	}
	if !anyFound(o.res) && !all && o.verified() == nil {
		return writeNotFound(errw, o, j, lang, sc, offersAll)
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
		l := lang.Sprintf(key) + lang.Colon()
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
			sources[v.Source+lang.Paren(v.SourceURL)] = true
		}
	}
	for _, p := range j.Protocols {
		v := j.Servers[p]
		if v.SourceURL == "" {
			continue
		}
		if len(sources) == 1 {
			label(i18n.HdrSource, v.Source+lang.Paren(v.SourceURL))
			break
		}
		l := lang.Sprintf(i18n.HdrSource) + lang.Paren(v.protocol.Label()) + lang.Colon()
		sc.line(&b, l+v.Source+lang.Paren(v.SourceURL), columns.StringWidth(l))
	}
	if j.DNSSEC {
		sc.line(&b, lang.Sprintf(i18n.LblDNSSEC), 0)
	}
	// Each fact once: the first protocol's miss in red, the others'
	// misses and the warnings after it.
	misses, warnings := sayFacts(facts(o, j, lang, all), len(j.Protocols), lang)
	l := lang.Sprintf(i18n.LblWarning) + lang.Colon()
	for _, m := range misses {
		if slices.Contains(m.protos, o.res.Protocol) {
			sc.styled(&b, m.text, 2, sc.red)
		}
	}
	for _, m := range misses {
		if !slices.Contains(m.protos, o.res.Protocol) {
			sc.styled(&b, l+m.text, columns.StringWidth(l), sc.yellow)
		}
	}
	for _, x := range warnings {
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
		l := lang.Sprintf(i18n.LblAlt) + lang.Paren(v.protocol.Label()) + lang.Colon()
		sc.line(b, l+strings.Join(list, lang.ClauseSep()), columns.StringWidth(l))
	}
}

// naming says text about protocol p, naming p once: as it is when it names
// the protocol already ("no SMTP server found"), else after "SMTP: ".
func naming(p lookup.Protocol, text string, lang i18n.Lang) string {
	if p.NamedIn(text) {
		return text
	}
	return p.Label() + lang.Colon() + text
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
				out += lang.Colon() + reason(c.err, lang)
			}
			rows = append(rows, []string{j.Servers[p].protocol.Label(), mark(c), c.Source, host, port, ssl, user, out,
				candidateTime(c, lang)})
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
			r := row{mark: mark(c), source: c.Source, outcome: candidateOutcome(c, lang)}
			chosen, conflict = chosen || c.Chosen, conflict || c.Conflict
			if i > 0 && v.Candidates[i-1].Source == c.Source && c.Server != nil {
				// Another server of the same source.
				r.source, r.outcome = "", ""
			} else if lookup.Outcome(c.Outcome) != lookup.OutcomeSkipped {
				r.time = candidateTime(c, lang)
			}
			if c.Server != nil {
				r.server = hostPort(c.Server, lang)
			}
			rows[p] = append(rows[p], r)
			if c.err == nil || unfinished(c.err) {
				// A source the deadline or the grace period caught says
				// so in its row; the warnings say which, once.
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
	heading := func(s string) { sc.styled(b, s+strings.TrimRight(lang.Colon(), " "), 0, sc.bold) }
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
			// Another server of the same source, on a line of its own
			// below: no empty line for its empty row.
			if line = strings.TrimRight(line+"  "+r.time, " "); line != "" {
				sc.line(b, line, 6)
			}
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
				name += lang.Paren(strings.Join(protocols, lang.ListSep()))
			}
			names = append(names, name)
		}
		l := "  " + strings.Join(names, lang.ListSep()) + lang.Colon()
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

// candidateOutcome is a source's outcome in a word or two: a source still
// running at the deadline is "unfinished", not an error.
func candidateOutcome(c jsonCandidate, lang i18n.Lang) string {
	var u *lookup.UnfinishedError
	if errors.As(c.err, &u) {
		return lang.Sprintf(i18n.OutUnfinished)
	}
	return outcomeLabel(c.Outcome, lang)
}

// candidateTime is how long a source ran, or "—" for one that was still
// running when the lookup ended: its time is not known.
func candidateTime(c jsonCandidate, lang i18n.Lang) string {
	if unfinished(c.err) && c.MS == 0 {
		return "—"
	}
	return lang.Sprintf(i18n.LblMillis, strconv.FormatInt(c.MS, 10))
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
// and what to do next; each wrapped, nothing cut. The hint suggests --all,
// which shows every source, only when offersAll says the command has it.
func writeNotFound(errw io.Writer, o *outcome, j *jsonResult, lang i18n.Lang, sc screen, offersAll bool) error {
	hintKey := func(key string) string {
		if !offersAll {
			return noAllHints[key]
		}
		return key
	}
	why, hint := "", lang.Sprintf(hintKey(i18n.HintNotFound), o.res.Protocol.Label())
	var ie *lookup.InterruptedError
	switch {
	case errors.As(o.res.Err, &ie) && errors.Is(ie, context.DeadlineExceeded):
		// Time ran out: nothing says the spelling is wrong.
		hint = lang.Sprintf(hintKey(i18n.HintTimedOut))
	case o.res.Answer != nil && o.res.Answer.NotOffered != nil:
		// The provider's own words say why; its notes and help pages
		// follow.
		hint = lang.Sprintf(hintKey(i18n.HintNotOffered))
	default:
		if errors.Is(o.res.Err, lookup.ErrNetwork) {
			hint = lang.Sprintf(hintKey(i18n.HintNetworkLookup))
		}
		var looked []string
		for _, a := range j.Attempts {
			// A source the deadline caught is named by the warning that
			// says so.
			if a.Outcome == string(lookup.OutcomeError) && why == "" && !unfinished(a.err) {
				why = a.Source + lang.Colon() + reason(a.err, lang)
			}
			if a.Outcome != string(lookup.OutcomeSkipped) {
				looked = append(looked, a.Source)
			}
		}
		if why == "" && !errors.As(o.res.Err, &ie) {
			why = lang.Sprintf(i18n.WhyNoSource, o.res.Address.Domain, strings.Join(looked, ", "), o.res.Protocol.Label())
		}
	}
	// Each miss on a line of its own, with what else is known of the
	// protocols it is said of; the protocols that share it named once.
	misses, warnings := sayFacts(facts(o, j, lang, false), len(j.Protocols), lang)
	var b strings.Builder
	plain := func(s string) string { return s }
	for _, m := range misses {
		sc.styled(&b, "popfind"+lang.Colon()+o.input+lang.Colon()+m.text, 2, plain)
	}
	label := func(key, text string, style func(string) string) {
		l := lang.Sprintf(key) + lang.Colon()
		sc.styled(&b, l+text, columns.StringWidth(l), style)
	}
	if why != "" {
		label(i18n.LblReason, why, plain)
	}
	for _, x := range warnings {
		label(i18n.LblWarning, x, sc.yellow)
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

// noAllHints are the hints of writeNotFound for a command without --all,
// by the key of the hint that suggests it.
var noAllHints = map[string]string{
	i18n.HintNotFound:      i18n.HintNotFoundNoAll,
	i18n.HintTimedOut:      i18n.HintTimedOutNoAll,
	i18n.HintNotOffered:    i18n.HintNotOfferedNoAll,
	i18n.HintNetworkLookup: i18n.HintNetworkLookupNoAll,
}

// unfinished reports whether err says a source ran out of time.
func unfinished(err error) bool {
	var u *lookup.UnfinishedError
	return errors.As(err, &u) || errors.As(err, new(*lookup.StoppedEarlyError))
}

// fact is one thing said of one or more protocols of a result: that a
// protocol has no server (a miss), or a warning. The same fact of several
// protocols is said once, naming them.
type fact struct {
	id     string // the same fact of another protocol has the same id
	one    string // the text for one protocol; it may name the protocol
	many   string // the text after the protocols it is said of
	miss   bool
	key    string   // the message key of a warning
	args   []string // and its arguments
	protos []lookup.Protocol
	hosts  []string // SRV targets outside the domain, when several
}

// facts gathers what human output says of each protocol of o besides its
// servers: each protocol's miss and warnings, its check's warnings, and
// with all the sources that disagree; the same fact of several protocols
// once. Misses come first, in the order of the protocols.
func facts(o *outcome, j *jsonResult, lang i18n.Lang, all bool) []*fact {
	var misses, warnings []*fact
	byID := map[string]*fact{}
	add := func(list *[]*fact, f *fact, p lookup.Protocol) {
		if g := byID[f.id]; g != nil {
			if !slices.Contains(g.protos, p) {
				g.protos = append(g.protos, p)
			}
			for _, h := range f.hosts {
				if !slices.Contains(g.hosts, h) {
					g.hosts = append(g.hosts, h)
				}
			}
			return
		}
		f.protos = []lookup.Protocol{p}
		byID[f.id] = f
		*list = append(*list, f)
	}
	text := func(s string) *fact { return &fact{id: s, one: s, many: s} }
	for i, pr := range o.res.All() {
		p := pr.Protocol
		pv := j.Servers[string(p)]
		ws := pr.AllWarnings()
		unfinished := slices.IndexFunc(ws, func(m i18n.Msg) bool { return m.Key == i18n.WarnProtocolUnfinished })
		switch {
		case unfinished >= 0:
			// Not found, and it says so itself: "SMTP: not found, the
			// search did not finish: …".
			one := lang.Format(ws[unfinished])
			many := strings.TrimPrefix(one, p.Label()+lang.Colon())
			add(&misses, &fact{id: "miss\x00" + many, one: one, many: many, miss: true}, p)
		case pv != nil && !pv.Found:
			one := pv.Error
			if one == "" {
				one = lang.Sprintf(i18n.LblNotFound, p.Label())
			}
			many := missText(pr, one, lang)
			add(&misses, &fact{id: "miss\x00" + many, one: one, many: many, miss: true}, p)
		}
		for _, m := range ws {
			switch m.Key {
			case i18n.WarnProtocolUnfinished:
				continue
			case i18n.WarnSRVOutside:
				// The targets of several protocols outside the same
				// domain: one warning that lists them.
				if len(m.Args) == 2 {
					f := text(lang.Format(m))
					f.id, f.hosts = "srv-outside\x00"+m.Args[1], []string{m.Args[0]}
					f.key, f.args = m.Key, m.Args
					add(&warnings, f, p)
					continue
				}
			}
			f := text(lang.Format(m))
			f.key, f.args = m.Key, m.Args
			add(&warnings, f, p)
		}
		if i < len(o.verify) && o.verify[i] != nil {
			for _, w := range o.verify[i].warnings(lang) {
				add(&warnings, text(w), p)
			}
		}
		if all {
			if c := conflicts(pr, lang); len(c) > 0 {
				add(&warnings, text(lang.Sprintf(i18n.WarnConflict, strings.Join(c, "; "))), p)
			}
		}
	}
	return append(misses, warnings...)
}

// missText is a protocol's miss without the protocol, for a line that
// names the protocols before it; one is the text that names it.
func missText(pr *lookup.Result, one string, lang i18n.Lang) string {
	var ie *lookup.InterruptedError
	var nf *lookup.NotFoundError
	switch err := pr.Err; {
	case pr.Answer != nil && pr.Answer.NotOffered != nil:
		// The provider's own words.
		return one
	case err == nil:
		return lang.Sprintf(i18n.LblNoServer)
	case errors.Is(err, lookup.ErrNetwork), errors.Is(err, context.Canceled):
		return one
	case errors.As(err, &ie) && ie.Timeout > 0:
		return lang.Sprintf(i18n.LblNoServerTimeRanOut, ie.Timeout.String())
	case errors.Is(err, context.DeadlineExceeded):
		return lang.Sprintf(i18n.LblNoServerDeadline)
	case errors.As(err, &nf):
		return lang.Sprintf(i18n.LblNoServer)
	}
	return one
}

// sayFacts words facts, each once: the protocols it is said of, when the
// result is for several, then the fact. A protocol's miss takes the
// warnings said of exactly the same protocols as clauses after it ("POP3,
// SMTP: no server found: time ran out after 5s (--timeout); srv did not
// finish"). It returns the misses and the other warnings apart.
func sayFacts(fs []*fact, protocols int, lang i18n.Lang) (misses []sayFact, warnings []string) {
	same := func(a, b []lookup.Protocol) bool {
		if len(a) != len(b) {
			return false
		}
		for _, p := range a {
			if !slices.Contains(b, p) {
				return false
			}
		}
		return true
	}
	said := map[*fact]bool{}
	word := func(f *fact, clause bool) string {
		switch {
		case clause && f.key == i18n.WarnSourceTimeout && len(f.args) == 1:
			// After "time ran out", the sources it caught.
			return lang.Sprintf(i18n.ClauseUnfinished, f.args[0])
		case len(f.hosts) > 1:
			return lang.Sprintf(i18n.WarnSRVOutsideMany, strings.Join(f.hosts, ", "), f.args[1])
		case len(f.protos) > 1:
			return f.many
		}
		return f.one
	}
	name := func(f *fact, text string) string {
		if protocols < 2 {
			return text
		}
		if len(f.protos) == 1 {
			return naming(f.protos[0], text, lang)
		}
		var labels []string
		named := true
		for _, p := range f.protos {
			labels = append(labels, p.Label())
			named = named && p.NamedIn(text)
		}
		if named {
			return text
		}
		return strings.Join(labels, lang.ListSep()) + lang.Colon() + text
	}
	for _, f := range fs {
		if !f.miss {
			continue
		}
		texts := []string{word(f, false)}
		for _, g := range fs {
			if !g.miss && !said[g] && same(f.protos, g.protos) {
				said[g] = true
				texts = append(texts, word(g, true))
			}
		}
		misses = append(misses, sayFact{protos: f.protos, text: name(f, strings.Join(texts, lang.ClauseSep()))})
	}
	for _, f := range fs {
		if !f.miss && !said[f] {
			warnings = append(warnings, name(f, word(f, false)))
		}
	}
	return misses, warnings
}

// sayFact is a miss as it is said, and the protocols it is said of.
type sayFact struct {
	protos []lookup.Protocol
	text   string
}
