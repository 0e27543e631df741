package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"

	"code.dny.dev/ssrf"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// dialFunc opens a TCP connection to one address, IP:PORT, as
// lookup.Config.Dial does.
type dialFunc = func(ctx context.Context, network, address string) (net.Conn, error)

// newGuardian returns the address rule of popfind serve: no loopback,
// private, link-local, shared (CGNAT), multicast, unspecified, documentation
// or other IANA special-purpose address, on any port. allow lists prefixes
// let through all the same; only tests set it, for their own servers.
func newGuardian(allow []netip.Prefix) *ssrf.Guardian {
	var v4, v6 []netip.Prefix
	for _, p := range allow {
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	return ssrf.New(ssrf.WithAnyPort(), ssrf.WithNetworks("tcp", "tcp4", "tcp6"),
		ssrf.WithAllowedV4Prefixes(v4...), ssrf.WithAllowedV6Prefixes(v6...))
}

// guardDial returns a dial that connects only where g allows, checked on
// the IP address actually dialled, when the connection is made: a name
// that resolves to an internal address, a redirect to one, and a record
// that changes between the lookup and the connection are all caught.
//
// With next nil the check runs in the net.Dialer's Control hook, after the
// dialer has its final address and before any packet leaves. A next of the
// caller's own (a test's dial that maps ports) gets only addresses that
// passed the same check first: lookup.Config.Dial is always given one
// literal IP:PORT. Either way a refusal is a *refusedError.
func guardDial(next dialFunc, g *ssrf.Guardian) dialFunc {
	if next == nil {
		d := &net.Dialer{Control: func(network, address string, _ syscall.RawConn) error {
			if err := g.Safe(network, address, nil); err != nil {
				return &refusedError{Addr: address, Err: err}
			}
			return nil
		}}
		return d.DialContext
	}
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		if err := g.Safe(network, address, nil); err != nil {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &refusedError{Addr: address, Err: err}}
		}
		return next(ctx, network, address)
	}
}

// refusedError is the error of a connection that popfind serve refused to
// make for safety: its address is not a public one. It says so in its
// text, which a source's outcome shows, so that a desk never reads it as
// "not found".
type refusedError struct {
	Addr string // IP:PORT
	Err  error  // the rule that refused it
}

func (e *refusedError) Error() string {
	why := e.Err.Error()
	// "prohibited IP address: 10.0.0.1 is not a permitted destination
	// (denied by: 10.0.0.0/8)" says the range; keep that part.
	if i := strings.LastIndex(why, "("); i >= 0 && errors.Is(e.Err, ssrf.ErrProhibitedIP) {
		why = strings.TrimSuffix(why[i+1:], ")")
	}
	return fmt.Sprintf("refused for safety: %s is not a public address (%s); popfind serve connects only to public addresses unless started with --allow-private",
		strconv.Quote(e.Addr), why)
}

// Unwrap returns the rule that refused the connection.
func (e *refusedError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, autoconfig.ErrRefusedForSafety) true, as for the
// redirect guard's refusals: lookup.Reason and package check then tell it
// apart from a network failure.
func (e *refusedError) Is(target error) bool { return target == autoconfig.ErrRefusedForSafety }

// refusedForSafety reports whether err, or the text of an error that
// lost its chain on the way (a guess's summary of its probes), says that
// popfind serve refused a connection for safety.
func refusedForSafety(err error) bool {
	return err != nil && (errors.As(err, new(*refusedError)) || strings.Contains(err.Error(), "refused for safety: "))
}

// attemptReason words, for a page, why a source found nothing or failed,
// as reason does for the command, but first says so when popfind serve
// refused one of its connections for safety: that is never "not found".
func attemptReason(err error, lang i18n.Lang) string {
	if refusedForSafety(err) {
		return lang.Sprintf(i18n.ReasonRefusedSafety)
	}
	return reason(err, lang)
}

// markRefused makes every attempt of res that found nothing because the
// guard refused one of its connections an error that says so. A source
// that could not look everywhere has not shown that nothing is there: a
// guess, say, whose pop. host was refused while its mail. host does not
// exist, which the source itself reports as not found. res is the caller's
// own copy.
func markRefused(res *lookup.Result) {
	if res == nil {
		return
	}
	for _, r := range res.All() {
		for i := range r.Attempts {
			at := &r.Attempts[i]
			if at.Outcome == lookup.OutcomeNotFound && refusedForSafety(at.Err) {
				at.Outcome = lookup.OutcomeError
				at.Err = &refusedLookError{text: at.Err.Error()}
			}
		}
	}
}

// refusedLookError is the error of a source that found nothing and had a
// connection refused for safety: its own error, told as a refusal.
type refusedLookError struct{ text string }

func (e *refusedLookError) Error() string {
	return "refused for safety, so not everything was looked at: " + strings.TrimPrefix(e.text, "not found: ")
}
