package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/safetext"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

// The JSON contract belongs to the command: these types say how a result
// looks in --json. Fields may be added; none may be renamed.

// jsonResult is one address. Its found, server, source, source_url,
// alternatives, attempts and candidates describe the first protocol asked
// for; servers describes every protocol.
type jsonResult struct {
	Address      string          `json:"address"`
	Domain       string          `json:"domain"`
	Protocols    []string        `json:"protocols"`
	Found        bool            `json:"found"`
	Server       *jsonServer     `json:"server"`
	Source       string          `json:"source,omitempty"`
	SourceURL    string          `json:"source_url,omitempty"`
	Provider     *jsonProvider   `json:"provider,omitempty"`
	DNSSEC       bool            `json:"dnssec"`
	Warnings     []string        `json:"warnings"`
	Notes        []string        `json:"notes"`
	Docs         []string        `json:"docs"`
	Alternatives []jsonServer    `json:"alternatives"`
	Attempts     []jsonAttempt   `json:"attempts"`
	Candidates   []jsonCandidate `json:"candidates,omitempty"`
	Verify       *verifyJSON     `json:"verify,omitempty"`
	Error        string          `json:"error,omitempty"`
	// Servers holds one entry per protocol asked for, keyed by protocol.
	Servers map[string]*jsonProtocol `json:"servers"`
}

// jsonProtocol is what a lookup found for one protocol.
type jsonProtocol struct {
	Found        bool            `json:"found"`
	Server       *jsonServer     `json:"server"`
	Source       string          `json:"source"`
	SourceURL    string          `json:"source_url"`
	Alternatives []jsonServer    `json:"alternatives"`
	Error        string          `json:"error"`
	Candidates   []jsonCandidate `json:"candidates,omitempty"`
	Verify       *verifyJSON     `json:"verify,omitempty"`
	// protocol and warnings are for human output.
	protocol lookup.Protocol
	res      *lookup.Result
}

// jsonServer is one server.
type jsonServer struct {
	Protocol                    string              `json:"protocol"`
	Host                        string              `json:"host"`
	Port                        int                 `json:"port"`
	SocketType                  settings.SocketType `json:"socket_type"`
	Username                    string              `json:"username"`
	Auth                        []string            `json:"auth"`
	LeaveMessagesOnServer       *bool               `json:"leave_messages_on_server,omitempty"`
	DaysToLeaveMessagesOnServer *int                `json:"days_to_leave_messages_on_server,omitempty"`
	DownloadOnBiff              *bool               `json:"download_on_biff,omitempty"`
}

type jsonProvider struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type jsonAttempt struct {
	Source  string `json:"source"`
	Outcome string `json:"outcome"`
	Error   string `json:"error,omitempty"`
	MS      int64  `json:"ms"`
	// err is the attempt's error, for human output to word.
	err error
}

// jsonCandidate is one row of --all: a server one source found, or a source
// that found none.
type jsonCandidate struct {
	Source    string      `json:"source"`
	Outcome   string      `json:"outcome"`
	Server    *jsonServer `json:"server,omitempty"`
	SourceURL string      `json:"source_url,omitempty"`
	Chosen    bool        `json:"chosen"`
	Conflict  bool        `json:"conflict"`
	Error     string      `json:"error,omitempty"`
	MS        int64       `json:"ms"`
	err       error
}

// reason says why a source found nothing, for a person: a source's own
// reason in the reader's language, or the error as it is.
func reason(err error, lang i18n.Lang) string {
	if err == nil {
		return ""
	}
	if m, ok := lookup.Reason(err); ok {
		return safetext.Line(lang.Format(m), maxErrorText)
	}
	return oneLine(err)
}

func serverView(s lookup.Server) jsonServer {
	auth := s.Auth
	if auth == nil {
		auth = []string{}
	}
	return jsonServer{Protocol: string(s.Protocol), Host: s.Host, Port: s.Port, SocketType: s.SocketType, Username: s.Username,
		Auth: auth, LeaveMessagesOnServer: s.LeaveMessagesOnServer,
		DaysToLeaveMessagesOnServer: s.DaysToLeaveMessagesOnServer, DownloadOnBiff: s.DownloadOnBiff}
}

// outcome is everything the renderers need for one input line.
type outcome struct {
	input string
	res   *lookup.Result // nil when the input line could not be read
	err   error          // the input error, when res is nil
	// verify holds, with --verify, the check of each protocol's chosen
	// server, in the order of res.All(); nil where there is none.
	verify []*verifyReport
}

// verified returns the check of the first protocol's server, or nil.
func (o *outcome) verified() *verifyReport {
	if len(o.verify) == 0 {
		return nil
	}
	return o.verify[0]
}

// verifyFailed reports whether a check was made and failed.
func (o *outcome) verifyFailed() bool {
	for _, v := range o.verify {
		if v != nil && !v.ok() {
			return true
		}
	}
	return false
}

// invalid reports whether the input was not a usable address.
func (o *outcome) invalid() bool {
	return o.res == nil || errors.Is(o.res.Err, lookup.ErrInvalidAddress)
}

// view turns an outcome into the JSON shape, with messages in lang.
func view(o *outcome, lang i18n.Lang, all bool) *jsonResult {
	j := &jsonResult{
		Address: o.input, Protocols: []string{}, Warnings: []string{}, Notes: []string{}, Docs: []string{},
		Alternatives: []jsonServer{}, Attempts: []jsonAttempt{}, Servers: map[string]*jsonProtocol{},
	}
	if o.invalid() {
		err := o.err
		if o.res != nil {
			err = o.res.Err
		}
		j.Error = errorText(err, lang)
		return j
	}
	r := o.res
	j.Domain = r.Address.Domain
	first := protocolView(r, lang, all)
	j.Found = first.Found
	j.Source = first.Source
	j.Server = first.Server
	j.SourceURL = first.SourceURL
	j.Alternatives = first.Alternatives
	j.Error = first.Error
	j.Candidates = first.Candidates
	// add appends s to list once: protocols share notes and warnings.
	add := func(list *[]string, s string) {
		if !slices.Contains(*list, s) {
			*list = append(*list, s)
		}
	}
	for i, pr := range r.All() {
		pv := first
		if i > 0 {
			pv = protocolView(pr, lang, all)
		}
		j.Protocols = append(j.Protocols, string(pr.Protocol))
		j.Servers[string(pr.Protocol)] = pv
		// The first protocol's warnings as they are; another's name the
		// protocol they are about, once, and a missing one is a warning
		// too, unless a warning says already that its search did not
		// finish.
		about := func(text string) string {
			if i == 0 {
				return text
			}
			return naming(pr.Protocol, text, lang)
		}
		if m := missing(pr, pv, i, lang); m != "" {
			add(&j.Warnings, m)
		} else {
			for _, w := range pr.AllWarnings() {
				add(&j.Warnings, about(lang.Format(w)))
			}
		}
		if a := pr.Answer; a != nil {
			if p := a.Provider; p != nil && j.Provider == nil {
				j.Provider = &jsonProvider{ID: p.ID, Name: p.Name}
				if lang == i18n.Chinese && p.NameZH != "" {
					j.Provider.Name = p.NameZH
				}
			}
			if i == 0 {
				j.DNSSEC = a.DNSSEC
			}
			for _, n := range a.Notes {
				add(&j.Notes, lang.Format(n))
			}
			for _, d := range a.Docs {
				add(&j.Docs, d)
			}
		}
		if i < len(o.verify) && o.verify[i] != nil {
			v := o.verify[i]
			pv.Verify = v.json(lang)
			for _, w := range v.warnings(lang) {
				add(&j.Warnings, about(w))
			}
		}
	}
	j.Verify = first.Verify
	for _, at := range r.Attempts {
		ja := jsonAttempt{Source: at.Source, Outcome: string(at.Outcome), MS: at.Duration.Milliseconds()}
		if at.Err != nil {
			ja.Error, ja.err = oneLine(at.Err), at.Err
		}
		j.Attempts = append(j.Attempts, ja)
	}
	if all {
		sep := "; "
		if lang == i18n.Chinese {
			sep = "；"
		}
		for i, pr := range r.All() {
			if c := conflicts(pr, lang); len(c) > 0 {
				w := lang.Sprintf(i18n.WarnConflict, strings.Join(c, sep))
				if i > 0 {
					w = pr.Protocol.Label() + lang.Colon() + w
				}
				add(&j.Warnings, w)
			}
		}
	}
	return j
}

// missing says, for protocol i of a result (not the first) that has no
// server, that it has none and what else is known of it, in one line that
// names the protocol once; "" when it has a server, or when a warning of
// its own says already that its search did not finish.
func missing(pr *lookup.Result, pv *jsonProtocol, i int, lang i18n.Lang) string {
	warnings := pr.AllWarnings()
	if i == 0 || pv.Found || slices.ContainsFunc(warnings, func(m i18n.Msg) bool { return m.Key == i18n.WarnProtocolUnfinished }) {
		return ""
	}
	texts := []string{pv.Error}
	for _, w := range warnings {
		if t := lang.Format(w); !slices.Contains(texts, t) {
			texts = append(texts, t)
		}
	}
	return naming(pr.Protocol, strings.Join(texts, lang.ClauseSep()), lang)
}

// protocolView is the servers entry of one protocol's result.
func protocolView(r *lookup.Result, lang i18n.Lang, all bool) *jsonProtocol {
	v := &jsonProtocol{Found: r.Found, Source: r.Source, Alternatives: []jsonServer{}, protocol: r.Protocol, res: r}
	if s := r.Server(); s != nil {
		sv := serverView(*s)
		v.Server = &sv
		for _, alt := range r.Alternatives() {
			v.Alternatives = append(v.Alternatives, serverView(alt))
		}
	}
	if a := r.Answer; a != nil {
		v.SourceURL = a.SourceURL
		if m := a.NotOffered; m != nil {
			v.Error = lang.Format(*m)
		}
	}
	if v.Error == "" && r.Err != nil {
		v.Error = errorText(r.Err, lang, r.Protocol.Label())
	}
	if all {
		v.Candidates = candidates(r)
	}
	return v
}

// oneLine renders an error on one line: joined errors are separated by "; ".
func oneLine(err error) string {
	return safetext.Line(strings.ReplaceAll(err.Error(), "\n", "; "), maxErrorText)
}

// maxErrorText caps an error shown in output; errors can quote servers.
const maxErrorText = 1000

// errorText words a result's error for a person. Errors that say nothing
// was found name the protocol, label.
func errorText(err error, lang i18n.Lang, label ...string) string {
	proto := "POP3"
	if len(label) > 0 {
		proto = label[0]
	}
	var nf *lookup.NotFoundError
	var ae *lookup.AddressError
	var ie *lookup.InterruptedError
	switch {
	case errors.As(err, &ae):
		return lineLabel(ae.Line, lang) + fmt.Sprintf("%s %q%s%s", lang.Sprintf(i18n.ErrInvalidAddress), ae.Input, lang.Colon(), lang.Format(ae.Why))
	case errors.Is(err, lookup.ErrNetwork):
		return lang.Sprintf(i18n.ErrNetwork)
	case errors.Is(err, context.Canceled):
		return lang.Sprintf(i18n.LblCancelled)
	case errors.As(err, &ie) && ie.Timeout > 0:
		return lang.Sprintf(i18n.LblTimeRanOut, proto, ie.Timeout.String())
	case errors.Is(err, context.DeadlineExceeded):
		return lang.Sprintf(i18n.LblNotFoundDeadline, proto)
	case errors.As(err, &nf):
		return lang.Sprintf(i18n.LblNotFound, proto)
	case err != nil:
		return oneLine(err)
	}
	return ""
}

// candidates lists every server every source found, then the sources that
// found none, marking the chosen answer and the servers that differ from it.
func candidates(r *lookup.Result) []jsonCandidate {
	var out []jsonCandidate
	for _, c := range r.Candidates() {
		at := c.Attempt
		row := jsonCandidate{Source: at.Source, Outcome: string(at.Outcome), MS: at.Duration.Milliseconds(),
			Chosen: c.Chosen, Conflict: c.Conflict}
		if at.Err != nil {
			row.Error, row.err = oneLine(at.Err), at.Err
		}
		if c.Server != nil {
			s := serverView(*c.Server)
			row.Server = &s
			row.SourceURL = at.Answer.SourceURL
		}
		out = append(out, row)
	}
	return out
}

// conflicts says, for each source that disagrees with the chosen answer,
// who says what.
func conflicts(r *lookup.Result, lang i18n.Lang) []string {
	chosen, others := r.Conflicts()
	var out []string
	for _, c := range others {
		out = append(out, lang.Sprintf(i18n.ConflictSays,
			chosen.Attempt.Source, endpoint(*chosen.Server, lang), c.Attempt.Source, endpoint(*c.Server, lang)))
	}
	return out
}

func endpoint(s lookup.Server, lang i18n.Lang) string {
	return fmt.Sprintf("%s:%d", s.Host, s.Port) + lang.Paren(sslText(s.SocketType, lang))
}
