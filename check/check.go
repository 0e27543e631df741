package check

import (
	"context"
	"errors"

	"github.com/popfind/popfind/lookup"
)

// Checker checks domains. Its dependencies are its fields; New makes one.
type Checker struct {
	cfg lookup.Config
}

// New makes a Checker. cfg is read as for lookup.New: DNS, ISPDB/NoISPDB,
// RootCAs, Dial, Protocols (nil means POP3, IMAP and SMTP: an admin wants
// the whole picture) and Sources; Timeout bounds each source and each
// server's check.
func New(cfg lookup.Config) (*Checker, error) {
	return &Checker{cfg: cfg}, nil
}

// Check gathers everything every source publishes for domain, waiting for
// every source (no grace period), checks every distinct server named
// (never a login), and reports findings worst first. The error is for a
// domain that is not a domain (it matches settings.ErrInvalidAddress); a
// domain whose sources could not be reached at all gets a Report with Err
// set.
func (c *Checker) Check(ctx context.Context, domain string) (*Report, error) {
	return nil, errors.New("check: not built yet")
}

// Close releases idle connections and sockets.
func (c *Checker) Close() {}
