package settings

import (
	"context"
	"errors"
	"time"

	"github.com/popfind/popfind/i18n"
)

// A Source finds mail servers for an address: the built-in table, an
// autoconfig file, DNS records, a live probe. It must honour ctx and be safe
// for concurrent use. It answers with servers of every protocol it knows
// (the lookup keeps those it was asked for), or with the domain's word that
// it does not offer a protocol (Answer.NotOffered), or with an error: *Missing
// when it looked and found nothing, *Skipped when it did not look, and any
// other error when it could not look (the network failed).
type Source interface {
	Lookup(ctx context.Context, addr Address) (*Answer, error)
}

// Offline is implemented by sources that answer from memory. They are
// consulted before any network source starts, so that a domain they know
// causes no network traffic.
type Offline interface {
	Offline() bool
}

// ErrNotFound is matched by every error that means "nothing here": a
// *Missing, a *NotOffered, an HTTP 404, NXDOMAIN.
var ErrNotFound = errors.New("not found")

// ErrSkipped is matched by every *Skipped.
var ErrSkipped = errors.New("skipped")

// Missing says that a source looked and found nothing. Reason says where it
// looked, as a catalogue message, so that the command can say it in the
// reader's language.
type Missing struct {
	Reason i18n.Msg
	// TTL, when positive, is how long the absence may be believed: the
	// negative TTL of the DNS answer that said there is nothing (RFC 2308).
	TTL time.Duration
}

// NotFound returns a *Missing with the catalogue message key and its
// arguments.
func NotFound(key string, args ...string) error {
	return &Missing{Reason: i18n.M(key, args...)}
}

func (e *Missing) Error() string { return "not found: " + i18n.English.Format(e.Reason) }

// Is makes a *Missing match ErrNotFound.
func (e *Missing) Is(target error) bool { return target == ErrNotFound }

// Skipped says that a source was not consulted, and why.
type Skipped struct {
	Reason i18n.Msg
}

// Skip returns a *Skipped with the catalogue message key and its arguments.
func Skip(key string, args ...string) error {
	return &Skipped{Reason: i18n.M(key, args...)}
}

func (e *Skipped) Error() string { return "skipped: " + i18n.English.Format(e.Reason) }

// Is makes a *Skipped match ErrSkipped.
func (e *Skipped) Is(target error) bool { return target == ErrSkipped }

// NotOffered says that a source stated that the domain does not offer a
// protocol.
type NotOffered struct {
	Source   string
	Protocol Protocol
	Reason   i18n.Msg
}

func (e *NotOffered) Error() string {
	p := e.Protocol
	if p == "" {
		p = POP3
	}
	return e.Source + ": " + p.Label() + " is not offered: " + i18n.English.Format(e.Reason)
}

// Is makes a *NotOffered match ErrNotFound.
func (e *NotOffered) Is(target error) bool { return target == ErrNotFound }

// Reason returns the catalogue message of a *Missing, *Skipped or
// *NotOffered in err's chain, for showing in the reader's language.
func Reason(err error) (i18n.Msg, bool) {
	var m *Missing
	var s *Skipped
	var n *NotOffered
	switch {
	case errors.As(err, &m):
		return m.Reason, true
	case errors.As(err, &s):
		return s.Reason, true
	case errors.As(err, &n):
		return n.Reason, true
	}
	return i18n.Msg{}, false
}

// AddressBoundError wraps what a source learned from a request that carried
// the address itself (an autoconfig URL with ?emailaddress=): the server may
// answer each address differently, so a lookup never reuses it, nor the
// answer it came with, for another address. Sources return it around their
// error; an answer of such a request sets Answer.OnlyFor instead.
type AddressBoundError struct {
	Address string
	Err     error
}

func (e *AddressBoundError) Error() string { return e.Err.Error() }

// Unwrap returns the source's error.
func (e *AddressBoundError) Unwrap() error { return e.Err }

// BoundTo wraps err, when it is not nil, as learned for address alone.
func BoundTo(address string, err error) error {
	if err == nil {
		return nil
	}
	return &AddressBoundError{Address: address, Err: err}
}
