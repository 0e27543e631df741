package lookup

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/popfind/popfind/i18n"
)

// A Source finds POP3 servers for an address. It must honour ctx and be safe
// for concurrent use. "Nothing here" is an error wrapping ErrNotFound, not a
// nil answer; any other error means the source broke.
type Source interface {
	Name() string
	Lookup(ctx context.Context, addr Address) (*Answer, error)
}

// Offline is implemented by sources that answer from memory. The Finder
// consults them before it starts any network source, so that a domain they
// know causes no network traffic.
type Offline interface {
	Offline() bool
}

// Source names, as they appear in attempts and in --sources.
const (
	SourceBuiltin        = "builtin"
	SourceAutoconfig     = "autoconfig"
	SourceWellKnown      = "well-known"
	SourceISPDB          = "ispdb"
	SourceSRV            = "srv"
	SourceAutodiscover   = "autodiscover"
	SourceMX             = "mx"
	SourceAutoconfigHTTP = "autoconfig-http"
	SourceGuess          = "guess"
)

// Precedence lists every source name, best first. The Finder picks the
// answer of the first source in this order that found one.
var Precedence = []string{
	SourceBuiltin, SourceAutoconfig, SourceWellKnown, SourceISPDB, SourceSRV,
	SourceAutodiscover, SourceMX, SourceAutoconfigHTTP, SourceGuess,
}

// ErrNotFound means a source had no answer for the address.
var ErrNotFound = errors.New("not found")

// ErrSkipped means a source was not consulted.
var ErrSkipped = errors.New("skipped")

// NotFound returns an error wrapping ErrNotFound that says why.
func NotFound(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotFound, fmt.Sprintf(format, args...))
}

// Outcome is what one source did.
type Outcome string

// The outcomes, as the JSON attempts field spells them.
const (
	OutcomeFound    Outcome = "found"
	OutcomeNotFound Outcome = "not_found"
	OutcomeError    Outcome = "error"
	OutcomeSkipped  Outcome = "skipped"
)

// Attempt records what one source did for a lookup.
type Attempt struct {
	Source   string
	Outcome  Outcome
	Err      error
	Duration time.Duration
	// Answer is what the source found, when it found something.
	Answer *Answer
}

// Result is the outcome of a whole lookup for one address.
type Result struct {
	Address Address
	// Found is true when Answer holds at least one server.
	Found bool
	// Source names the source whose answer was chosen.
	Source string
	// Answer is the chosen answer; it may be set with Found false when the
	// chosen source said POP3 is not offered.
	Answer *Answer
	// Attempts lists every source in precedence order.
	Attempts []Attempt
	// Warnings are the lookup's own warnings, such as sources that did not
	// finish before the deadline. The chosen answer carries its own.
	Warnings []i18n.Msg
	// Err says why nothing was found, or why the address is invalid.
	Err error
}

// Server returns the chosen server, or nil.
func (r *Result) Server() *Server {
	if r == nil || r.Answer == nil || len(r.Answer.Servers) == 0 {
		return nil
	}
	return &r.Answer.Servers[0]
}

// For returns a copy of r for addr, another address of the same domain, with
// the placeholders in every host and user name filled for it. A server whose
// host name is not valid once filled (a local part with characters a host
// name cannot hold) is left out; when that leaves the chosen answer without
// a server, the result is not found.
func (r *Result) For(addr Address) *Result {
	out := *r
	out.Address = addr
	out.Answer = r.Answer.forAddress(addr)
	out.Attempts = make([]Attempt, len(r.Attempts))
	for i, a := range r.Attempts {
		a.Answer = a.Answer.forAddress(addr)
		out.Attempts[i] = a
	}
	if out.Found && len(out.Answer.Servers) == 0 {
		out.Found = false
		out.Err = &NotFoundError{Errs: []error{NotFound("%s: no server host name is valid for %s", out.Source, addr)}}
	}
	return &out
}

func hasPlaceholder(s Server) bool {
	return strings.Contains(s.Host, "%") || strings.Contains(s.Username, "%")
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
	return true
}

func (a *Answer) forAddress(addr Address) *Answer {
	if a == nil || !slices.ContainsFunc(a.Servers, hasPlaceholder) {
		// Nothing to fill: answers are never changed once made, so the
		// same one serves every address.
		return a
	}
	out := *a
	out.Servers = make([]Server, 0, len(a.Servers))
	for _, s := range a.Servers {
		s.Username = Expand(s.Username, addr)
		if strings.Contains(s.Host, "%") {
			s.Host = strings.TrimSuffix(strings.ToLower(Expand(s.Host, addr)), ".")
			if ValidHost(s.Host) != nil {
				continue
			}
		}
		out.Servers = append(out.Servers, s)
	}
	return &out
}

// skipped is a source that is not consulted, with the reason.
type skipped struct {
	name, why string
}

// Skip returns a source named name that is never consulted; its attempt says
// why.
func Skip(name, why string) Source { return skipped{name, why} }

func (s skipped) Name() string { return s.name }
func (s skipped) Lookup(context.Context, Address) (*Answer, error) {
	return nil, fmt.Errorf("%w: %s", ErrSkipped, s.why)
}
func (s skipped) Offline() bool { return true }
