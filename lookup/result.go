package lookup

import (
	"slices"
	"strings"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
)

// The types a lookup's result is made of. They are defined in package
// settings, which the sources share, and named here so that a caller needs
// this package alone.
type (
	// Address is a parsed email address.
	Address = settings.Address
	// AddressError says why an address is invalid.
	AddressError = settings.AddressError
	// Server is one mail server and how to log in to it.
	Server = settings.Server
	// Protocol names a mail protocol: POP3, IMAP or SMTP.
	Protocol = settings.Protocol
	// SocketType says how a client secures its connection: SSL, STARTTLS
	// or Plain.
	SocketType = settings.SocketType
	// Answer is what one source found.
	Answer = settings.Answer
	// Provider names who runs a mail service.
	Provider = settings.Provider
)

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
func ParseAddress(s string) (Address, error) { return settings.ParseAddress(s) }

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
	// *NotFoundError, an *InterruptedError, a *settings.NotOffered or an
	// *AddressError. It matches ErrNotFound or ErrInvalidAddress.
	Err error
	// early is the grace period after which the answer was given without
	// waiting for sources of higher precedence; zero when it waited.
	early time.Duration
}

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
				Chosen:   at.Source == r.Source && j == 0,
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

// For returns a copy of r for addr, another address of the same domain, with
// the placeholders in every host and user name filled for it. A server whose
// host name is not valid once filled (a local part with characters a host
// name cannot hold) is left out; when that leaves the chosen answer without
// a server, the result is not found.
func (r *Result) For(addr Address) *Result {
	out := *r
	out.Address = addr
	out.Answer = forAddress(r.Answer, addr)
	out.Attempts = make([]Attempt, len(r.Attempts))
	for i, a := range r.Attempts {
		a.Answer = forAddress(a.Answer, addr)
		out.Attempts[i] = a
	}
	if out.Found && len(out.Answer.Servers) == 0 {
		out.Found = false
		out.Err = &NotFoundError{Protocol: r.Protocol, Errs: []error{settings.NotFound(i18n.NFNoValidHost, out.Source, addr.String())}}
	}
	if len(r.Others) > 0 {
		out.Others = make([]*Result, len(r.Others))
		for i, o := range r.Others {
			out.Others[i] = o.For(addr)
		}
	}
	return &out
}

// servesAddress reports whether r may be given to addr: no answer in it was
// given by its source for another address alone.
func (r *Result) servesAddress(addr Address) bool {
	ok := func(a *Answer) bool {
		return a == nil || a.OnlyFor == "" || strings.EqualFold(a.OnlyFor, addr.String())
	}
	if !ok(r.Answer) {
		return false
	}
	for _, a := range r.Attempts {
		if !ok(a.Answer) {
			return false
		}
	}
	for _, o := range r.Others {
		if !o.servesAddress(addr) {
			return false
		}
	}
	return true
}

func forAddress(a *Answer, addr Address) *Answer {
	if a == nil || !slices.ContainsFunc(a.Servers, hasPlaceholder) {
		// Nothing to fill: answers are never changed once made, so the
		// same one serves every address.
		return a
	}
	out := *a
	out.Servers = make([]Server, 0, len(a.Servers))
	for _, s := range a.Servers {
		s.Username = settings.Expand(s.Username, addr)
		if strings.Contains(s.Host, "%") {
			s.Host = strings.TrimSuffix(strings.ToLower(settings.Expand(s.Host, addr)), ".")
			if settings.ValidHost(s.Host) != nil {
				continue
			}
		}
		out.Servers = append(out.Servers, s)
	}
	return &out
}

func hasPlaceholder(s Server) bool {
	return strings.Contains(s.Host, "%") || strings.Contains(s.Username, "%")
}
