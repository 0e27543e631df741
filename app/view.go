package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"

	"github.com/miekg/dns"
	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/internal/safetext"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

// The JSON contract belongs to the command: these types say how a result
// looks in --json. Fields may be added; none may be renamed.

// jsonResult is one address.
type jsonResult struct {
	Address      string          `json:"address"`
	Domain       string          `json:"domain"`
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
	if m, ok := reasonMsg(err); ok {
		return safetext.Line(lang.Format(m), maxErrorText)
	}
	return oneLine(err)
}

// reasonMsg words the usual failures as catalogue messages: a source's own
// reason, a deadline, DNS, HTTP, TLS and connection failures. Anything else
// keeps its own (English) text.
func reasonMsg(err error) (i18n.Msg, bool) {
	if m, ok := settings.Reason(err); ok {
		return m, true
	}
	var (
		unfinished *lookup.UnfinishedError
		dnsErr     *resolver.DNSError
		status     *autoconfig.StatusError
		urlErr     *url.Error
		opErr      *net.OpError
		certErr    *tls.CertificateVerificationError
		hostErr    x509.HostnameError
		authErr    x509.UnknownAuthorityError
		invalid    x509.CertificateInvalidError
	)
	host := ""
	if errors.As(err, &urlErr) {
		if u, perr := url.Parse(urlErr.URL); perr == nil {
			host = u.Hostname()
		}
	}
	switch {
	case errors.As(err, new(*lookup.StoppedEarlyError)):
		return i18n.M(i18n.ReasonStoppedEarly), true
	case errors.As(err, &unfinished) && errors.Is(err, context.Canceled):
		return i18n.M(i18n.ReasonCancelled), true
	case errors.As(err, &unfinished):
		return i18n.M(i18n.ReasonUnfinished), true
	case errors.Is(err, resolver.ErrCNAMELoop) && errors.As(err, &dnsErr):
		return i18n.M(i18n.ReasonCNAMELoop, strings.TrimSuffix(dnsErr.Name, ".")), true
	case errors.As(err, &dnsErr) && errors.Is(err, settings.ErrNotFound):
		return i18n.M(i18n.ReasonDNSNoHost, strings.TrimSuffix(dnsErr.Name, ".")), true
	case errors.As(err, &dnsErr) && dnsErr.Rcode >= 0:
		return i18n.M(i18n.ReasonDNSServer, strings.TrimSuffix(dnsErr.Name, "."), dns.RcodeToString[dnsErr.Rcode]), true
	case errors.As(err, &dnsErr):
		return i18n.M(i18n.ReasonDNSUnreachable, strings.TrimSuffix(dnsErr.Name, ".")), true
	case errors.As(err, &status):
		return i18n.M(i18n.ReasonHTTPStatus, status.URL, strconv.Itoa(status.Code)), true
	case errors.As(err, &certErr), errors.As(err, &hostErr), errors.As(err, &authErr), errors.As(err, &invalid):
		return i18n.M(i18n.ReasonCert, orUnknown(host)), true
	case errors.Is(err, syscall.ECONNREFUSED):
		return i18n.M(i18n.ReasonRefused, orUnknown(host)), true
	case resolver.IsTimeout(err):
		return i18n.M(i18n.ReasonTimeout, orUnknown(host)), true
	case errors.As(err, &opErr):
		return i18n.M(i18n.ReasonUnreachable, orUnknown(host)), true
	}
	return i18n.Msg{}, false
}

func orUnknown(host string) string {
	if host == "" {
		return "?"
	}
	return host
}

func serverView(s settings.Server) jsonServer {
	auth := s.Auth
	if auth == nil {
		auth = []string{}
	}
	return jsonServer{Protocol: s.Protocol, Host: s.Host, Port: s.Port, SocketType: s.SocketType, Username: s.Username,
		Auth: auth, LeaveMessagesOnServer: s.LeaveMessagesOnServer,
		DaysToLeaveMessagesOnServer: s.DaysToLeaveMessagesOnServer, DownloadOnBiff: s.DownloadOnBiff}
}

// outcome is everything the renderers need for one input line.
type outcome struct {
	input  string
	res    *lookup.Result // nil when the input line could not be read
	err    error          // the input error, when res is nil
	verify *verifyReport  // set with --verify
}

// invalid reports whether the input was not a usable address.
func (o *outcome) invalid() bool {
	return o.res == nil || errors.Is(o.res.Err, lookup.ErrInvalidAddress)
}

// view turns an outcome into the JSON shape, with messages in lang.
func view(o *outcome, lang i18n.Lang, all bool) *jsonResult {
	j := &jsonResult{
		Address: o.input, Warnings: []string{}, Notes: []string{}, Docs: []string{},
		Alternatives: []jsonServer{}, Attempts: []jsonAttempt{},
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
	j.Found = r.Found
	j.Source = r.Source
	if s := r.Server(); s != nil {
		v := serverView(*s)
		j.Server = &v
		for _, alt := range r.Alternatives() {
			j.Alternatives = append(j.Alternatives, serverView(alt))
		}
	}
	for _, w := range r.AllWarnings() {
		j.Warnings = append(j.Warnings, lang.Format(w))
	}
	if a := r.Answer; a != nil {
		j.SourceURL = a.SourceURL
		if p := a.Provider; p != nil {
			j.Provider = &jsonProvider{ID: p.ID, Name: p.Name}
			if lang == i18n.Chinese && p.NameZH != "" {
				j.Provider.Name = p.NameZH
			}
		}
		j.DNSSEC = a.DNSSEC
		for _, n := range a.Notes {
			j.Notes = append(j.Notes, lang.Format(n))
		}
		j.Docs = append(j.Docs, a.Docs...)
		if a.NotOffered != nil {
			j.Error = lang.Format(*a.NotOffered)
		}
	}
	if j.Error == "" && r.Err != nil {
		j.Error = errorText(r.Err, lang)
	}
	for _, at := range r.Attempts {
		ja := jsonAttempt{Source: at.Source, Outcome: string(at.Outcome), MS: at.Duration.Milliseconds()}
		if at.Err != nil {
			ja.Error, ja.err = oneLine(at.Err), at.Err
		}
		j.Attempts = append(j.Attempts, ja)
	}
	if all {
		j.Candidates = candidates(r)
		if c := conflicts(r, lang); len(c) > 0 {
			sep := "; "
			if lang == i18n.Chinese {
				sep = "；"
			}
			j.Warnings = append(j.Warnings, lang.Sprintf(i18n.WarnConflict, strings.Join(c, sep)))
		}
	}
	if o.verify != nil {
		j.Verify = o.verify.json(lang)
		j.Warnings = append(j.Warnings, o.verify.warnings(lang)...)
	}
	return j
}

// oneLine renders an error on one line: joined errors are separated by "; ".
func oneLine(err error) string {
	return safetext.Line(strings.ReplaceAll(err.Error(), "\n", "; "), maxErrorText)
}

// maxErrorText caps an error shown in output; errors can quote servers.
const maxErrorText = 1000

func errorText(err error, lang i18n.Lang) string {
	var nf *lookup.NotFoundError
	var ae *lookup.AddressError
	switch {
	case errors.As(err, &ae):
		return fmt.Sprintf("%s %q%s%s", lang.Sprintf(i18n.ErrInvalidAddress), ae.Input, colon(lang), lang.Format(ae.Why))
	case errors.Is(err, lookup.ErrNetwork):
		return lang.Sprintf(i18n.ErrNetwork)
	case errors.Is(err, context.Canceled):
		return lang.Sprintf(i18n.LblCancelled)
	case errors.Is(err, context.DeadlineExceeded):
		return lang.Sprintf(i18n.LblNotFoundDeadline)
	case errors.As(err, &nf):
		return lang.Sprintf(i18n.LblNotFound)
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
			chosen.Attempt.Source, endpoint(*chosen.Server), c.Attempt.Source, endpoint(*c.Server)))
	}
	return out
}

func endpoint(s settings.Server) string {
	return fmt.Sprintf("%s:%d (%s)", s.Host, s.Port, s.SocketType)
}
