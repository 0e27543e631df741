package app

import (
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
// warnings, notes and help links. Failures go to errw.
func writeHuman(w, errw io.Writer, o *outcome, lang i18n.Lang, st style, all bool) error {
	j := view(o, lang, all)
	if o.invalid() {
		_, err := fmt.Fprintf(errw, "popfind: %s\n", j.Error)
		return err
	}
	if !o.res.Found && !all && o.verify == nil {
		return writeNotFound(errw, o, j, lang)
	}
	if _, err := fmt.Fprintln(w, st.bold(o.input)); err != nil {
		return err
	}
	var err error
	if all {
		err = writeCandidates(w, j, lang, st)
	} else {
		err = writeServers(w, j, lang)
	}
	if err != nil {
		return err
	}
	var b strings.Builder
	if j.Provider != nil {
		fmt.Fprintf(&b, "%s: %s\n", lang.Sprintf(i18n.LblProvider), j.Provider.Name)
	}
	if j.SourceURL != "" {
		fmt.Fprintf(&b, "%s: %s (%s)\n", lang.Sprintf(i18n.HdrSource), j.Source, j.SourceURL)
	}
	if j.DNSSEC {
		fmt.Fprintf(&b, "%s\n", lang.Sprintf(i18n.LblDNSSEC))
	}
	if s := j.Server; s != nil && s.LeaveMessagesOnServer != nil {
		switch {
		case !*s.LeaveMessagesOnServer:
			fmt.Fprintf(&b, "%s: %s\n", lang.Sprintf(i18n.LblNote), lang.Sprintf(i18n.NoteDeleteOnServer))
		case s.DaysToLeaveMessagesOnServer != nil:
			fmt.Fprintf(&b, "%s: %s\n", lang.Sprintf(i18n.LblNote), lang.Sprintf(i18n.NoteLeaveOnServerFor, strconv.Itoa(*s.DaysToLeaveMessagesOnServer)))
		default:
			fmt.Fprintf(&b, "%s: %s\n", lang.Sprintf(i18n.LblNote), lang.Sprintf(i18n.NoteLeaveOnServer))
		}
	}
	if !o.res.Found && j.Error != "" {
		fmt.Fprintf(&b, "%s\n", st.red(j.Error))
	}
	for _, x := range j.Warnings {
		fmt.Fprintf(&b, "%s\n", st.yellow(lang.Sprintf(i18n.LblWarning)+": "+x))
	}
	for _, x := range j.Notes {
		fmt.Fprintf(&b, "%s: %s\n", lang.Sprintf(i18n.LblNote), x)
	}
	for _, x := range j.Docs {
		fmt.Fprintf(&b, "%s: %s\n", lang.Sprintf(i18n.LblDocs), x)
	}
	var problem strings.Builder
	if o.verify != nil {
		o.verify.writeChecklist(&b, &problem, lang, st)
	}
	b.WriteString("\n")
	if _, err = io.WriteString(w, b.String()); err != nil {
		return err
	}
	_, err = io.WriteString(errw, problem.String())
	return err
}

func writeServers(w io.Writer, j *jsonResult, lang i18n.Lang) error {
	if j.Server == nil {
		return nil
	}
	t := newTable(w, lang.Sprintf(i18n.HdrProtocol), lang.Sprintf(i18n.HdrHost), lang.Sprintf(i18n.HdrPort),
		lang.Sprintf(i18n.HdrSSL), lang.Sprintf(i18n.HdrUsername), lang.Sprintf(i18n.HdrSource))
	rows := append([]jsonServer{*j.Server}, j.Alternatives...)
	for i, s := range rows {
		src := j.Source
		if i > 0 {
			src = j.Source + " (" + lang.Sprintf(i18n.LblAlt) + ")"
		}
		if err := t.Append("POP3", s.Host, strconv.Itoa(s.Port), sslText(s.SocketType, lang), s.Username, src); err != nil {
			return err
		}
	}
	return t.Render()
}

func writeCandidates(w io.Writer, j *jsonResult, lang i18n.Lang, st style) error {
	t := newTable(w, lang.Sprintf(i18n.HdrChosen), lang.Sprintf(i18n.HdrSource), lang.Sprintf(i18n.HdrHost),
		lang.Sprintf(i18n.HdrPort), lang.Sprintf(i18n.HdrSSL), lang.Sprintf(i18n.HdrUsername),
		lang.Sprintf(i18n.HdrOutcome), lang.Sprintf(i18n.HdrTime))
	for _, c := range j.Candidates {
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
			out += ": " + shorten(reason(c.err, lang), 60)
		}
		if err := t.Append(mark, c.Source, host, port, ssl, user, out, fmt.Sprintf("%dms", c.MS)); err != nil {
			return err
		}
	}
	return t.Render()
}

func outcomeText(o string, lang i18n.Lang) string {
	switch lookup.Outcome(o) {
	case lookup.OutcomeFound:
		return lang.Sprintf(i18n.OutFound)
	case lookup.OutcomeNotFound:
		return lang.Sprintf(i18n.OutNotFound)
	case lookup.OutcomeError:
		return lang.Sprintf(i18n.OutError)
	}
	return lang.Sprintf(i18n.OutSkipped)
}

func writeNotFound(errw io.Writer, o *outcome, j *jsonResult, lang i18n.Lang) error {
	var b strings.Builder
	msg := j.Error
	if msg == "" {
		msg = lang.Sprintf(i18n.LblNotFound)
	}
	fmt.Fprintf(&b, "popfind: %s: %s\n", o.input, msg)
	for _, x := range j.Notes {
		fmt.Fprintf(&b, "  %s: %s\n", lang.Sprintf(i18n.LblNote), x)
	}
	for _, x := range j.Docs {
		fmt.Fprintf(&b, "  %s: %s\n", lang.Sprintf(i18n.LblDocs), x)
	}
	for _, x := range j.Warnings {
		fmt.Fprintf(&b, "  %s: %s\n", lang.Sprintf(i18n.LblWarning), x)
	}
	for _, a := range j.Attempts {
		if a.Outcome == string(lookup.OutcomeSkipped) {
			continue
		}
		line := fmt.Sprintf("  %s %s: %s", lang.Sprintf(i18n.LblTried), a.Source, outcomeText(a.Outcome, lang))
		if a.Error != "" {
			line += " (" + reason(a.err, lang) + ")"
		}
		b.WriteString(line + "\n")
	}
	_, err := io.WriteString(errw, b.String())
	return err
}
