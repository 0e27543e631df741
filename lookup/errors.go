package lookup

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNetwork is matched by a Result's Err when the lookup could not be made:
// every source that ran failed to reach what it asks (no DNS server
// answered, every connection failed), so that none could say whether the
// domain has a server. It is not the same as "not found": try again, or
// from another network.
var ErrNetwork = errors.New("the lookup could not be made: no source could reach the network")

// NotFoundError is a Result's Err when every source finished and none found
// a server. It keeps every source's error.
type NotFoundError struct {
	// Protocol is the protocol no server was found for.
	Protocol Protocol
	Errs     []error
	// Network is true when no source could look at all (see ErrNetwork).
	Network bool
}

func (e *NotFoundError) Error() string {
	if e.Network {
		return ErrNetwork.Error()
	}
	return "no " + label(e.Protocol) + " server found"
}

// label names p for an error message; a zero Protocol is POP3.
func label(p Protocol) string {
	if p == "" {
		p = POP3
	}
	return p.Label()
}

// Unwrap returns the sources' errors.
func (e *NotFoundError) Unwrap() []error { return e.Errs }

// Is makes a NotFoundError match ErrNotFound, and ErrNetwork when no source
// could look.
func (e *NotFoundError) Is(target error) bool {
	return target == ErrNotFound || target == ErrNetwork && e.Network
}

// InterruptedError is a Result's Err when the lookup ended before any source
// found a server because its deadline passed or its caller cancelled it. It
// keeps every source's error, and matches context.Canceled or
// context.DeadlineExceeded. It does not match ErrNotFound: the sources did
// not finish, so nobody knows whether there is a server.
type InterruptedError struct {
	// Protocol is the protocol no server was found for.
	Protocol Protocol
	Cause    error // context.DeadlineExceeded or context.Canceled
	Errs     []error
	// Timeout is the time the lookup had before its deadline, when the
	// deadline ended it; zero when it was cancelled.
	Timeout time.Duration
}

func (e *InterruptedError) Error() string {
	if errors.Is(e.Cause, context.Canceled) {
		return "lookup cancelled"
	}
	if e.Timeout > 0 {
		return fmt.Sprintf("no %s server found: time ran out (the lookup had %s)", label(e.Protocol), e.Timeout)
	}
	return "no " + label(e.Protocol) + " server found before the deadline"
}

// Unwrap returns the cause alone. The sources' errors stay in Errs: through
// them an interrupted lookup would match ErrNotFound, which it is not, since
// the sources did not finish and nobody knows whether there is a server; nor
// ErrNetwork, since running out of time says nothing of the network.
func (e *InterruptedError) Unwrap() error { return e.Cause }

// UnfinishedError is an Attempt's Err when its source was still running as
// the lookup's deadline passed or the lookup was cancelled.
type UnfinishedError struct {
	Source string
	Cause  error // context.DeadlineExceeded or context.Canceled
}

func (e *UnfinishedError) Error() string {
	if errors.Is(e.Cause, context.Canceled) {
		return e.Source + ": cancelled before it finished"
	}
	return e.Source + ": did not finish before the deadline"
}

// Unwrap returns the cause.
func (e *UnfinishedError) Unwrap() error { return e.Cause }

// StoppedEarlyError is an Attempt's Err when its source was still running
// after a source of lower precedence had answered and the grace period
// had passed (Config.Grace).
type StoppedEarlyError struct {
	Source string
	Grace  time.Duration
}

func (e *StoppedEarlyError) Error() string {
	return fmt.Sprintf("%s: stopped early: a source of lower precedence had answered %s before", e.Source, e.Grace.Round(100*time.Millisecond))
}
