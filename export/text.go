package export

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/safetext"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

var textFormat = Format{
	Name: "text", MIME: "text/plain; charset=utf-8", Ext: ".txt", Help: i18n.ExportHelpText,
	Encode: Text,
}

// Text writes the account as Ticket does: the plain text a desk pastes into
// a ticket, in o.Lang.
func Text(a *Account, o Options) ([]byte, []i18n.Msg, error) {
	return []byte(Ticket(a.Result, o.Lang)), nil, nil
}

// Ticket is the plain text a desk pastes into a ticket, in lang: the
// address and provider; each protocol's host, port, SSL, username and
// source, or why none was found; then the notes, the warnings and the help
// pages. It is the copy block of popfind serve's result page. res may be
// any result with a valid address, found or not; every text in it is
// cleaned.
func Ticket(res *lookup.Result, lang i18n.Lang) string {
	if lang == "" {
		lang = i18n.English
	}
	var b strings.Builder
	c := lang.Colon()
	line := func(indent, label, value string) {
		b.WriteString(indent + label + c + clean(value) + "\n")
	}
	b.WriteString(lang.Sprintf(i18n.PageTicketHead, clean(res.Address.Raw)) + "\n")
	if p := provider(res, lang); p != "" {
		line("", lang.Sprintf(i18n.LblProvider), p)
	}
	var errs []string
	for _, r := range res.All() {
		b.WriteString("\n" + r.Protocol.Label() + "\n")
		s := r.Server()
		if s == nil {
			e := protocolError(r, lang)
			errs = append(errs, e)
			b.WriteString("  " + clean(e) + "\n")
			continue
		}
		line("  ", lang.Sprintf(i18n.HdrHost), displayHost(s.Host))
		line("  ", lang.Sprintf(i18n.HdrPort), strconv.Itoa(s.Port))
		line("  ", lang.Sprintf(i18n.HdrSSL), sslText(s.SocketType, lang))
		line("  ", lang.Sprintf(i18n.HdrUsername), s.Username)
		line("  ", lang.Sprintf(i18n.HdrSource), sourceLabel(r, lang)+lang.Paren(r.Source))
		if alts := r.Alternatives(); len(alts) > 0 {
			var list []string
			for _, a := range alts {
				list = append(list, displayHost(a.Host)+":"+strconv.Itoa(a.Port)+" "+sslText(a.SocketType, lang))
			}
			line("  ", lang.Sprintf(i18n.LblAlt), strings.Join(list, lang.ClauseSep()))
		}
	}
	list := func(key string, items []string) {
		if len(items) == 0 {
			return
		}
		b.WriteString("\n" + lang.Sprintf(key) + strings.TrimRight(c, " ") + "\n")
		for _, it := range items {
			b.WriteString("- " + clean(it) + "\n")
		}
	}
	list(i18n.HdrNotes, notes(res, lang))
	var warnings []string
	for _, w := range warningTexts(res, lang) {
		// A protocol's section says already that it has no server.
		if !slices.Contains(errs, w) {
			warnings = append(warnings, w)
		}
	}
	list(i18n.PageWarnings, warnings)
	list(i18n.HdrDocs, docsOf(res))
	return b.String()
}

// provider is the name of who runs the service, as lang's readers know it.
func provider(res *lookup.Result, lang i18n.Lang) string {
	for _, r := range res.All() {
		if r.Answer != nil && r.Answer.Provider != nil {
			p := r.Answer.Provider
			if lang == i18n.Chinese && p.NameZH != "" {
				return p.NameZH
			}
			return p.Name
		}
	}
	return ""
}

// protocolError says why r has no server: the source's word that the
// protocol is not offered, or the lookup's error.
func protocolError(r *lookup.Result, lang i18n.Lang) string {
	if r.Answer != nil && r.Answer.NotOffered != nil {
		return lang.Format(*r.Answer.NotOffered)
	}
	proto := r.Protocol.Label()
	var nf *lookup.NotFoundError
	var ie *lookup.InterruptedError
	switch err := r.Err; {
	case errors.Is(err, lookup.ErrNetwork):
		return lang.Sprintf(i18n.ErrNetwork)
	case errors.Is(err, context.Canceled):
		return lang.Sprintf(i18n.LblCancelled)
	case errors.As(err, &ie) && ie.Timeout > 0:
		return lang.Sprintf(i18n.LblTimeRanOut, proto, ie.Timeout.String())
	case errors.Is(err, context.DeadlineExceeded):
		return lang.Sprintf(i18n.LblNotFoundDeadline, proto)
	case errors.As(err, &nf), err == nil:
		return lang.Sprintf(i18n.LblNotFound, proto)
	default:
		return safetext.Line(strings.ReplaceAll(err.Error(), "\n", "; "), 1000)
	}
}

// notes are what becomes of mail on a POP3 server, the providers' notes,
// and the general word on POP where nothing else says it.
func notes(res *lookup.Result, lang i18n.Lang) []string {
	var out []string
	pop := res.Get(lookup.POP3)
	var ps *lookup.Server
	if pop != nil {
		ps = pop.Server()
	}
	if ps != nil && ps.LeaveMessagesOnServer != nil {
		switch {
		case !*ps.LeaveMessagesOnServer:
			out = append(out, lang.Sprintf(i18n.NoteDeleteOnServer))
		case ps.DaysToLeaveMessagesOnServer != nil:
			out = append(out, lang.Sprintf(i18n.NoteLeaveOnServerFor, strconv.Itoa(*ps.DaysToLeaveMessagesOnServer)))
		default:
			out = append(out, lang.Sprintf(i18n.NoteLeaveOnServer))
		}
	}
	var said []string
	for _, r := range res.All() {
		if r.Answer == nil {
			continue
		}
		for _, n := range r.Answer.Notes {
			if t := lang.Format(n); !slices.Contains(said, t) {
				said = append(said, t)
			}
		}
	}
	out = append(out, said...)
	if ps != nil && ps.LeaveMessagesOnServer == nil && pop.Found && pop.Answer != nil &&
		!slices.ContainsFunc(pop.Answer.Notes, settings.SaysPOPRetention) {
		out = append(out, lang.Sprintf(i18n.LblPOPCopy))
	}
	return out
}

// warningTexts are the warnings of every protocol, each once: the first
// protocol's as they are, another's naming it, and a word on each other
// protocol that has no server.
func warningTexts(res *lookup.Result, lang i18n.Lang) []string {
	var out []string
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for i, r := range res.All() {
		warnings := r.AllWarnings()
		unfinished := slices.ContainsFunc(warnings, func(m i18n.Msg) bool { return m.Key == i18n.WarnProtocolUnfinished })
		if i > 0 && !r.Found && !unfinished {
			texts := []string{protocolError(r, lang)}
			for _, w := range warnings {
				if t := lang.Format(w); !slices.Contains(texts, t) {
					texts = append(texts, t)
				}
			}
			add(naming(r.Protocol, strings.Join(texts, lang.ClauseSep()), lang))
			continue
		}
		for _, w := range warnings {
			t := lang.Format(w)
			if i > 0 {
				t = naming(r.Protocol, t, lang)
			}
			add(t)
		}
	}
	return out
}

// docsOf are the help pages of every protocol's answer, each once.
func docsOf(res *lookup.Result) []string {
	var out []string
	for _, r := range res.All() {
		if r.Answer == nil {
			continue
		}
		for _, d := range r.Answer.Docs {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// sourceTrust is the i18n key of each source's trust label.
var sourceTrust = map[string]string{
	lookup.SourceBuiltin:        i18n.PageTrustBuiltin,
	lookup.SourceAutoconfig:     i18n.PageTrustDomain,
	lookup.SourceWellKnown:      i18n.PageTrustDomain,
	lookup.SourceAutodiscover:   i18n.PageTrustDomain,
	lookup.SourceISPDB:          i18n.PageTrustISPDB,
	lookup.SourceSRV:            i18n.PageTrustDNS,
	lookup.SourceMX:             i18n.PageTrustMX,
	lookup.SourceGuess:          i18n.PageTrustGuess,
	lookup.SourceAutoconfigHTTP: i18n.PageTrustHTTP,
}

// sourceLabel says how far to trust r's source; an answer fetched over
// plain HTTP is plain HTTP, whatever its source's name.
func sourceLabel(r *lookup.Result, lang i18n.Lang) string {
	if r.Answer != nil && strings.HasPrefix(r.Answer.SourceURL, "http://") {
		return lang.Sprintf(sourceTrust[lookup.SourceAutoconfigHTTP])
	}
	if k, ok := sourceTrust[r.Source]; ok {
		return lang.Sprintf(k)
	}
	return r.Source
}

func sslText(st lookup.SocketType, lang i18n.Lang) string {
	switch st {
	case lookup.SSL:
		return lang.Sprintf(i18n.SSLTLS)
	case lookup.STARTTLS:
		return lang.Sprintf(i18n.SSLStartTLS)
	}
	return lang.Sprintf(i18n.SSLNone)
}

// displayHost shows an internationalised host name as people read it,
// beside the ASCII form that every program takes.
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

// naming puts the protocol's name in front of text, unless text names it.
func naming(p lookup.Protocol, text string, lang i18n.Lang) string {
	if p.NamedIn(text) {
		return text
	}
	return p.Label() + lang.Colon() + text
}
