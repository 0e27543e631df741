package autoconfig

import (
	"errors"
	"strconv"
	"strings"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/safetext"
	"github.com/popfind/popfind/lookup/settings"
)

// ParseError is a document that mail clients refuse as a whole. Reason
// says why in the reader's language; Error says it in English.
type ParseError struct {
	Reason i18n.Msg
	// Err is the underlying error, if any (ErrEntity, ErrTooComplex, an
	// XML syntax error).
	Err error
}

func (e *ParseError) Error() string { return i18n.English.Format(e.Reason) }

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// parseError returns a *ParseError with the catalogue message key.
func parseError(err error, key string, args ...string) error {
	return &ParseError{Reason: i18n.M(key, args...), Err: err}
}

// ParseReason says why Parse refused a document, in the reader's
// language: the *ParseError's reason, or err's text, cleaned.
func ParseReason(err error) i18n.Msg {
	var pe *ParseError
	if errors.As(err, &pe) {
		return pe.Reason
	}
	return i18n.Text(safetext.Line(err.Error(), 300))
}

// skipReason is why a section is left out: a catalogue message key whose
// first two arguments are the protocol and the section's number, and the
// rest args.
type skipReason struct {
	key  string
	args []string
}

// Error is the reason in English, without the section it is about
// ("has no port").
func (r *skipReason) Error() string {
	const p, n = "\x00", "\x01"
	s := i18n.English.Sprintf(r.key, append([]string{p, n}, r.args...)...)
	if rest, ok := strings.CutPrefix(s, p+" section "+n+" "); ok {
		return rest
	}
	_, rest, _ := strings.Cut(s, ": ")
	return rest
}

func skip(key string, args ...string) error { return &skipReason{key: key, args: args} }

// msg is the reason as a message about section n of protocol p.
func skipMsg(err error, p settings.Protocol, n int) i18n.Msg {
	var r *skipReason
	if errors.As(err, &r) {
		return i18n.M(r.key, append([]string{p.Label(), strconv.Itoa(n)}, r.args...)...)
	}
	return i18n.Text(p.Label() + " section " + strconv.Itoa(n) + ": " + safetext.Line(err.Error(), 300))
}

// hostProblem says which of settings.ValidHost's rules host breaks: 0 for
// none, 1 empty, 2 too long, 3 not a host name; quoted is host for a
// message.
func hostProblem(host string) (kind int, quoted string) {
	if settings.ValidHost(host) == nil {
		return 0, ""
	}
	switch {
	case host == "":
		return 1, ""
	case len(host) > 253:
		return 2, ""
	}
	h := host
	if len(h) > 80 {
		h = h[:80] + "..."
	}
	return 3, strconv.QuoteToASCII(h)
}

// hostKeys picks the message of a host problem: empty, too long, invalid.
func hostKey(kind int, keys [3]string) string { return keys[kind-1] }

// notTextError is the error of node.value for an element that holds
// elements.
type notTextError struct{ name string }

func (e *notTextError) Error() string { return "<" + e.name + "> holds elements, not text" }

// nested joins reasons as one argument of another message, each said in
// that message's language.
func nested(why []i18n.Msg) string {
	parts := make([]string, len(why))
	for i, w := range why {
		parts[i] = i18n.Nest(w)
	}
	return strings.Join(parts, "; ")
}
