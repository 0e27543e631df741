package lookup

import (
	"slices"
	"strings"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
)

// The types of a lookup's result. Address, Server, Provider and Answer are
// this package's own, so that a Result is a value: what a caller gets is
// copied out of the sources' answers for it, and changing it changes nothing
// that the cache, the built-in table or another caller sees. Protocol and
// SocketType, plain strings, are the sources' own (package settings).
type (
	// Protocol names a mail protocol: POP3, IMAP or SMTP.
	Protocol = settings.Protocol
	// SocketType says how a client secures its connection: SSL, STARTTLS
	// or Plain.
	SocketType = settings.SocketType
	// AddressError says why an address is invalid: Input is the address as
	// given, Why the reason, as a catalogue message.
	AddressError = settings.AddressError
)

// Address is a parsed email address.
type Address struct {
	// Raw is the address as given.
	Raw string
	// Local is the local part, as given (quotes kept).
	Local string
	// Domain is the domain in lowercase IDNA A-label form, without a
	// trailing dot.
	Domain string
	// UnicodeDomain is the domain in U-label form, for display.
	UnicodeDomain string
}

// String returns the address as login names use it: the local part as
// given and the domain in Unicode form.
func (a Address) String() string { return settings.Address(a).String() }

// Server is one mail server and how to log in to it.
type Server struct {
	// Protocol is what the server speaks: POP3, IMAP or SMTP (message
	// submission).
	Protocol Protocol
	// Host is a host name (or IPv4 address), checked and lower case.
	Host       string
	Port       int
	SocketType SocketType
	// Username is the login name, filled in for the address looked up.
	Username string
	// Auth lists the ways to log in, as autoconfig spells them:
	// password-cleartext, password-encrypted, OAuth2, GSSAPI, NTLM; an SMTP
	// server can also say none, client-IP-address or smtp-after-pop.
	Auth []string
	// LeaveMessagesOnServer and DaysToLeaveMessagesOnServer come from the
	// autoconfig pop3 element, when the provider says.
	LeaveMessagesOnServer       *bool
	DaysToLeaveMessagesOnServer *int
	DownloadOnBiff              *bool
}

// Same reports whether s and o name the same endpoint with the same
// security.
func (s Server) Same(o Server) bool {
	return settings.Server(s).Same(settings.Server(o))
}

// Provider names who runs a mail service.
type Provider struct {
	ID   string
	Name string
	// NameZH is the name Chinese-speaking users know, when there is one.
	NameZH string
}

// Answer is what one source found for one protocol.
type Answer struct {
	// Servers lists the servers of the protocol, the preferred one first.
	Servers []Server
	// NotOffered, when set, is the source's word that the domain does not
	// offer the protocol at all; Servers is then empty.
	NotOffered *i18n.Msg
	// SourceURL is the URL, DNS name or MX host the answer came from.
	SourceURL string
	// Provider names who runs the service, when the source knows.
	Provider *Provider
	// Warnings are what a user should be warned about (settings inferred
	// from MX, an answer fetched through a redirect to another domain).
	Warnings []i18n.Msg
	// Notes are the provider's hints: enable POP first, an app password or
	// 授权码 is needed.
	Notes []i18n.Msg
	// Docs are URLs of the provider's own help pages.
	Docs []string
	// DNSSEC is true when a validating resolver vouched for the answer.
	DNSSEC bool

	plainHTTP bool
}

// PlainHTTP reports whether the answer travelled over plain HTTP, where
// anyone on the path can alter it: such an answer is used only when every
// other source finished without one.
func (a *Answer) PlainHTTP() bool { return a != nil && a.plainHTTP }

// The protocols.
const (
	POP3 = settings.POP3 // download mail, RFC 1939
	IMAP = settings.IMAP // keep mail on the server, RFC 9051
	SMTP = settings.SMTP // send mail: message submission, RFC 6409
)

// ParseProtocols reads a comma-separated list of protocols, such as
// "pop3,smtp".
func ParseProtocols(s string) ([]Protocol, error) { return settings.ParseProtocols(s) }

// The socket types.
const (
	SSL      = settings.SSL      // implicit TLS from the first byte (RFC 8314), port 995
	STARTTLS = settings.STARTTLS // plain connection upgraded with STLS, port 110
	Plain    = settings.Plain    // no encryption at all
)

// Errors a Result's Err matches with errors.Is.
var (
	// ErrInvalidAddress: the address could not be parsed.
	ErrInvalidAddress = settings.ErrInvalidAddress
	// ErrNotFound: no source found a server, or the domain said it offers
	// no POP3.
	ErrNotFound = settings.ErrNotFound
)

// ParseAddress parses and checks an email address: one @, a local part of
// at most 64 octets, and a domain that IDNA 2008 accepts, which it returns
// in lowercase A-label form.
func ParseAddress(s string) (Address, error) {
	a, err := settings.ParseAddress(s)
	return Address(a), err
}

// Outcome is what one source did.
type Outcome string

// The outcomes, as the JSON attempts field spells them.
const (
	OutcomeFound    Outcome = "found"
	OutcomeNotFound Outcome = "not_found"
	OutcomeError    Outcome = "error"
	OutcomeSkipped  Outcome = "skipped"
	// OutcomeStoppedEarly: the source was still running when a source of
	// lower precedence had answered and the grace period had passed.
	OutcomeStoppedEarly Outcome = "stopped_early"
)

// Attempt records what one source did for a lookup.
type Attempt struct {
	// Source is the source's name, as SourceNames lists it.
	Source  string
	Outcome Outcome
	// Err says why the source found nothing, was skipped or failed. A
	// source that found a server can still carry the error of a part of it
	// that failed (a SERVFAIL on _pop3s when _pop3 answered).
	Err error
	// Duration is how long after the lookup began the source finished:
	// the time to its answer, its first DNS round trip included, which a
	// lookup asks for every source at once.
	Duration time.Duration
	// Answer is what the source found, when it found something.
	Answer *Answer
}

// Result is the outcome of a whole lookup for one address. It describes
// the first protocol the lookup was asked for (POP3 unless told otherwise);
// Others holds one Result for each other protocol, in the order asked.
type Result struct {
	Address Address
	// Protocol is the protocol this result is for.
	Protocol Protocol
	// Others are the results for the other protocols asked for; each has no
	// Others of its own.
	Others []*Result
	// Found is true when Answer holds at least one server.
	Found bool
	// Source names the source whose answer was chosen.
	Source string
	// Answer is the chosen answer, narrowed to Protocol; it may be set with
	// Found false when the chosen source said the protocol is not offered.
	Answer *Answer
	// Attempts lists every source in precedence order.
	Attempts []Attempt
	// Warnings are the lookup's own warnings, such as sources that did not
	// finish before the deadline. AllWarnings adds the answer's.
	Warnings []i18n.Msg
	// Err says why nothing was found, or why the address is invalid: a
	// *NotFoundError or a *settings.NotOffered, which match ErrNotFound; an
	// *AddressError, which matches ErrInvalidAddress; or an
	// *InterruptedError, which matches context.DeadlineExceeded or
	// context.Canceled and neither of the others.
	Err error
	// early is the grace period after which the answer was given without
	// waiting for sources of higher precedence; zero when it waited.
	early time.Duration
	// chosen is the index in Attempts of the chosen answer, or -1.
	chosen int
	// expires is when the answer stops being good, zero when it is not
	// kept.
	expires time.Time
}

// Expires returns when the answer stops being good to keep: no later than
// the smallest TTL of the DNS records it rests on, and at most 10 minutes
// after the lookup. It is zero for a result that must not be kept: one
// that failed, was interrupted, or stopped a source early. A server that
// passes results on (popfind serve) uses it for Cache-Control.
func (r *Result) Expires() time.Time { return r.expires }

// Early returns the grace period after which the answer was given while
// sources of higher precedence were still running (their attempts say
// OutcomeStoppedEarly), or zero when the lookup waited for them.
func (r *Result) Early() time.Duration { return r.early }

// All returns the result of every protocol asked for, in the order asked:
// r first, then its Others.
func (r *Result) All() []*Result {
	return append([]*Result{r}, r.Others...)
}

// Get returns the result for protocol p, or nil when it was not asked for.
func (r *Result) Get(p Protocol) *Result {
	for _, x := range r.All() {
		if x.Protocol == p {
			return x
		}
	}
	return nil
}

// Server returns the chosen server, or nil.
func (r *Result) Server() *Server {
	if r == nil || r.Answer == nil || len(r.Answer.Servers) == 0 {
		return nil
	}
	return &r.Answer.Servers[0]
}

// Alternatives returns the other servers of the chosen answer.
func (r *Result) Alternatives() []Server {
	if r.Server() == nil {
		return nil
	}
	return r.Answer.Servers[1:]
}

// AllWarnings returns everything a user should be warned about: the
// lookup's warnings, the chosen answer's, and a warning when the chosen
// server sends the password in plain text.
func (r *Result) AllWarnings() []i18n.Msg {
	out := slices.Clone(r.Warnings)
	if r.Answer != nil {
		out = append(out, r.Answer.Warnings...)
	}
	if s := r.Server(); s != nil && s.SocketType == Plain {
		out = append(out, i18n.M(i18n.WarnPlainText, s.Protocol.Label()))
	}
	return out
}

// Candidate is one server one source found, or a source that found none
// (Server nil), for comparing every source's answer side by side.
type Candidate struct {
	Attempt *Attempt
	Server  *Server
	// Chosen marks the server the lookup chose.
	Chosen bool
	// Conflict marks a source's preferred server that differs from the
	// chosen one. A source's alternatives never conflict: they are
	// fallbacks by definition.
	Conflict bool
}

// Candidates lists every server every source found, in precedence order,
// with a row for each source that found none.
func (r *Result) Candidates() []Candidate {
	chosen := r.Server()
	var out []Candidate
	for i := range r.Attempts {
		at := &r.Attempts[i]
		if at.Answer == nil || len(at.Answer.Servers) == 0 {
			out = append(out, Candidate{Attempt: at})
			continue
		}
		for j := range at.Answer.Servers {
			s := &at.Answer.Servers[j]
			out = append(out, Candidate{Attempt: at, Server: s,
				Chosen:   i == r.chosen && j == 0,
				Conflict: chosen != nil && j == 0 && !s.Same(*chosen)})
		}
	}
	return out
}

// Conflicts returns the candidates whose preferred server disagrees with
// the chosen one, and the chosen candidate; nothing when all agree.
func (r *Result) Conflicts() (chosen Candidate, others []Candidate) {
	for _, c := range r.Candidates() {
		switch {
		case c.Chosen:
			chosen = c
		case c.Conflict:
			others = append(others, c)
		}
	}
	if chosen.Server == nil {
		return Candidate{}, nil
	}
	return chosen, others
}

// result returns the Result of v for addr, an address of the domain looked
// up: a copy of its own, with the placeholders in every host and user name
// filled for addr.
func (v *verdict) result(addr Address) *Result {
	var expires time.Time
	if ttl, ok := v.keep(); ok {
		expires = v.at.Add(ttl)
	}
	all := make([]*Result, len(v.findings))
	for i := range v.findings {
		all[i] = v.findings[i].result(addr)
		all[i].expires = expires
	}
	all[0].Others = all[1:]
	return all[0]
}

// result returns f's Result for addr. A server whose host name is not valid
// once filled (a local part with characters a host name cannot hold) is left
// out; when that leaves the chosen answer without a server, the result is
// not found.
func (f *finding) result(addr Address) *Result {
	r := &Result{Address: addr, Protocol: f.protocol, Source: f.source, Err: copyErr(f.err), early: f.early, chosen: f.chosen}
	r.Warnings = cloneMsgs(f.warnings)
	r.Attempts = make([]Attempt, len(f.attempts))
	for i, a := range f.attempts {
		r.Attempts[i] = Attempt{Source: a.source, Outcome: a.outcome, Err: copyErr(a.err), Duration: a.dur, Answer: publicAnswer(a.answer, f.protocol, addr)}
	}
	if f.chosen < 0 {
		return r
	}
	r.Answer = publicAnswer(f.answer(), f.protocol, addr)
	r.Found = len(r.Answer.Servers) > 0
	if f.err == nil && !r.Found {
		r.Err = &NotFoundError{Protocol: f.protocol, Errs: []error{settings.NotFound(i18n.NFNoValidHost, f.source, addr.String())}}
	}
	return r
}

// publicAnswer copies a, the part of a source's answer for protocol p, for
// addr: nothing of it is shared with a.
func publicAnswer(a *settings.Answer, p Protocol, addr Address) *Answer {
	if a == nil {
		return nil
	}
	out := &Answer{
		SourceURL: a.SourceURL,
		Warnings:  cloneMsgs(a.Warnings),
		Notes:     cloneMsgs(a.Notes),
		Docs:      slices.Clone(a.Docs),
		DNSSEC:    a.DNSSEC,
		plainHTTP: a.Insecure,
	}
	if m := a.NotOfferedFor(p); m != nil {
		c := cloneMsg(*m)
		out.NotOffered = &c
	}
	if a.Provider != nil {
		pr := Provider(*a.Provider)
		out.Provider = &pr
	}
	sa := settings.Address(addr)
	for _, s := range a.Servers {
		s.Username = settings.Expand(s.Username, sa)
		if strings.Contains(s.Host, "%") {
			s.Host = strings.TrimSuffix(strings.ToLower(settings.Expand(s.Host, sa)), ".")
			if settings.ValidHost(s.Host) != nil {
				continue
			}
		}
		out.Servers = append(out.Servers, publicServer(s))
	}
	return out
}

func publicServer(s settings.Server) Server {
	out := Server(s)
	out.Auth = slices.Clone(s.Auth)
	out.LeaveMessagesOnServer = clonePtr(s.LeaveMessagesOnServer)
	out.DaysToLeaveMessagesOnServer = clonePtr(s.DaysToLeaveMessagesOnServer)
	out.DownloadOnBiff = clonePtr(s.DownloadOnBiff)
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneMsg(m i18n.Msg) i18n.Msg {
	m.Args = slices.Clone(m.Args)
	return m
}

func cloneMsgs(ms []i18n.Msg) []i18n.Msg {
	if ms == nil {
		return nil
	}
	out := make([]i18n.Msg, len(ms))
	for i, m := range ms {
		out[i] = cloneMsg(m)
	}
	return out
}

// copyErr copies the error types of this package and of the sources'
// (package settings) that a caller may change, so that a Result's errors are
// its own. The errors they wrap, from the network and the standard library,
// are shared, as errors conventionally are: read them, never change them.
func copyErr(err error) error {
	switch e := err.(type) {
	case *NotFoundError:
		c := *e
		c.Errs = copyErrs(e.Errs)
		return &c
	case *InterruptedError:
		c := *e
		c.Errs = copyErrs(e.Errs)
		return &c
	case *UnfinishedError:
		c := *e
		return &c
	case *StoppedEarlyError:
		c := *e
		return &c
	case *settings.NotOffered:
		c := *e
		c.Reason = cloneMsg(e.Reason)
		return &c
	case *settings.Missing:
		c := *e
		c.Reason = cloneMsg(e.Reason)
		return &c
	case *settings.Skipped:
		c := *e
		c.Reason = cloneMsg(e.Reason)
		return &c
	case *settings.AddressBoundError:
		c := *e
		c.Err = copyErr(e.Err)
		return &c
	}
	return err
}

func copyErrs(errs []error) []error {
	if errs == nil {
		return nil
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = copyErr(e)
	}
	return out
}
