package app

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/popfind/popfind/i18n"
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
// chosen server (or of every candidate with --all), then the provider,
// warnings, notes and help links, fitted to the screen. Failures go to errw.
func writeHuman(w, errw io.Writer, o *outcome, lang i18n.Lang, sc screen, all bool) error {
	j := view(o, lang, all)
	if o.invalid() {
		_, err := fmt.Fprintln(errw, wrap("popfind"+colon(lang)+j.Error, sc.width, 2))
		return err
	}
	if !anyFound(o.res) && !all && o.verified() == nil {
		return writeNotFound(errw, o, j, lang, sc.width)
	}
	if _, err := fmt.Fprintln(w, sc.bold(fit(o.input, sc.width))); err != nil {
		return err
	}
	var err error
	if all {
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
			sources[v.Source+" ("+v.SourceURL+")"] = true
		}
	}
	for _, p := range j.Protocols {
		v := j.Servers[p]
		if v.SourceURL == "" {
			continue
		}
		if len(sources) == 1 {
			label(i18n.HdrSource, v.Source+" ("+v.SourceURL+")")
			break
		}
		l := lang.Sprintf(i18n.HdrSource) + paren(lang, v.protocol.Label()) + colon(lang)
		sc.line(&b, l+v.Source+" ("+v.SourceURL+")", columns.StringWidth(l))
	}
	if j.DNSSEC {
		sc.line(&b, lang.Sprintf(i18n.LblDNSSEC), 0)
	}
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
	if !o.res.Found && j.Error != "" {
		l := o.res.Protocol.Label() + colon(lang)
		sc.line(&b, sc.red(l+j.Error), columns.StringWidth(l))
	}
	for _, x := range j.Warnings {
		l := lang.Sprintf(i18n.LblWarning) + colon(lang)
		sc.line(&b, sc.yellow(l+x), columns.StringWidth(l))
	}
	for _, x := range j.Notes {
		label(i18n.LblNote, x)
	}
	for _, x := range j.Docs {
		label(i18n.LblDocs, x)
	}
	// The classic POP surprise, said wherever a POP3 server is given: mail
	// downloaded by POP leaves the server unless the client keeps a copy.
	if r := o.res.Get(lookup.POP3); r != nil && r.Found {
		label(i18n.LblNote, lang.Sprintf(i18n.LblPOPCopy))
	}
	var problem strings.Builder
	for _, v := range o.verify {
		if v != nil {
			v.writeChecklist(&b, &problem, lang, sc)
		}
	}
	b.WriteString("\n")
	if _, err = io.WriteString(w, b.String()); err != nil {
		return err
	}
	_, err = io.WriteString(errw, problem.String())
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
		rows = append(rows, []string{label, s.Host, strconv.Itoa(s.Port), sslText(s.SocketType, lang), s.Username, v.Source})
	}
	return sc.table(w, headers, rows)
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
			list = append(list, fmt.Sprintf("%s:%d %s", s.Host, s.Port, sslText(s.SocketType, lang)))
		}
		sep := "; "
		if lang == i18n.Chinese {
			sep = "；"
		}
		l := lang.Sprintf(i18n.LblAlt) + paren(lang, v.protocol.Label()) + colon(lang)
		sc.line(b, l+strings.Join(list, sep), columns.StringWidth(l))
	}
}

// writeCandidates writes what every source said, protocol by protocol.
func writeCandidates(w io.Writer, j *jsonResult, lang i18n.Lang, sc screen) error {
	headers := []string{lang.Sprintf(i18n.HdrProtocol), lang.Sprintf(i18n.HdrChosen), lang.Sprintf(i18n.HdrSource), lang.Sprintf(i18n.HdrHost),
		lang.Sprintf(i18n.HdrPort), lang.Sprintf(i18n.HdrSSL), lang.Sprintf(i18n.HdrUsername),
		lang.Sprintf(i18n.HdrOutcome), lang.Sprintf(i18n.HdrTime)}
	var rows [][]string
	for _, p := range j.Protocols {
		for _, row := range candidateRows(j.Servers[p], lang) {
			rows = append(rows, append([]string{j.Servers[p].protocol.Label()}, row...))
		}
	}
	return sc.table(w, headers, rows)
}

func candidateRows(v *jsonProtocol, lang i18n.Lang) [][]string {
	var rows [][]string
	for _, c := range v.Candidates {
		mark := ""
		switch {
		case c.Chosen:
			mark = "✓"
		case c.Conflict:
			mark = "≠"
		}
		host, port, ssl, user := "", "", "", ""
		if c.Server != nil {
			host, port, ssl, user = c.Server.Host, strconv.Itoa(c.Server.Port), sslText(c.Server.SocketType, lang), c.Server.Username
		}
		out := outcomeText(c.Outcome, lang)
		if c.Server == nil && c.Error != "" {
			out += colon(lang) + shorten(reason(c.err, lang), 40)
		}
		rows = append(rows, []string{mark, c.Source, host, port, ssl, user, out, lang.Sprintf(i18n.LblMillis, strconv.FormatInt(c.MS, 10))})
	}
	return rows
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

// writeNotFound says briefly, in at most three lines, what failed, the
// most useful reason, and what to do next. --all shows every source.
func writeNotFound(errw io.Writer, o *outcome, j *jsonResult, lang i18n.Lang, width int) error {
	msg := j.Error
	if msg == "" {
		msg = lang.Sprintf(i18n.LblNotFound, o.res.Protocol.Label())
	}
	why, hint := "", lang.Sprintf(i18n.HintNotFound)
	whyLabel := lang.Sprintf(i18n.LblReason)
	switch {
	case o.res.Answer != nil && o.res.Answer.NotOffered != nil:
		hint = lang.Sprintf(i18n.HintNotOffered)
		if len(j.Docs) > 0 {
			why, whyLabel = j.Docs[0], lang.Sprintf(i18n.LblDocs)
		} else if len(j.Notes) > 0 {
			why, whyLabel = j.Notes[0], lang.Sprintf(i18n.LblNote)
		}
	default:
		if errors.Is(o.res.Err, lookup.ErrNetwork) {
			hint = lang.Sprintf(i18n.HintNetworkLookup)
		}
		var looked []string
		for _, a := range j.Attempts {
			if a.Outcome == string(lookup.OutcomeError) && why == "" {
				why = a.Source + colon(lang) + reason(a.err, lang)
			}
			if a.Outcome != string(lookup.OutcomeSkipped) {
				looked = append(looked, a.Source)
			}
		}
		if why == "" {
			why = lang.Sprintf(i18n.WhyNoSource, o.res.Address.Domain, strings.Join(looked, ", "))
		}
	}
	limit := width
	if limit <= 0 {
		limit = 160
	}
	lines := []string{"popfind" + colon(lang) + o.input + colon(lang) + msg}
	if why != "" {
		lines = append(lines, whyLabel+colon(lang)+why)
	}
	lines = append(lines, lang.Sprintf(i18n.LblHint)+colon(lang)+hint)
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(fit(l, limit) + "\n")
	}
	_, err := io.WriteString(errw, b.String())
	return err
}
