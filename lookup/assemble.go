package lookup

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
)

// attempt is what one source said, as the engine keeps it: its answer is
// the source's own, shared and never changed. Result.Attempts holds copies
// made for one caller.
type attempt struct {
	source  string
	outcome Outcome
	err     error
	// dur is how long after the lookup began the source finished.
	dur    time.Duration
	answer *settings.Answer
}

// finding is the engine's result for one protocol, before it is filled in
// for an address and copied into a Result.
type finding struct {
	protocol Protocol
	attempts []attempt // narrowed to protocol; the fallback's last
	// chosen is the index in attempts of the chosen answer, or -1.
	chosen   int
	source   string
	warnings []i18n.Msg
	err      error
	early    time.Duration
}

// answer returns the chosen answer, or nil.
func (f *finding) answer() *settings.Answer {
	if f.chosen < 0 {
		return nil
	}
	return f.attempts[f.chosen].answer
}

// verdict is what a lookup found for every protocol: the first protocol's
// finding first. It is never changed once made, so that one verdict can be
// kept and given to many callers, each as a Result of its own.
type verdict struct {
	findings []finding
	// expired is why the lookup stopped before it was done (the deadline,
	// or cancellation), or nil.
	expired error
	// at is when the lookup finished, for counting down TTLs.
	at time.Time
}

// only returns what a says of protocol p: found when its answer has a
// server of p, an error when the part of the source that looks for p
// failed, and otherwise not found, with the source's reason.
func (a *attempt) only(p Protocol) attempt {
	if a.answer == nil {
		return *a
	}
	out := *a
	var failed []error
	if part := a.answer.Parts[p]; part != nil {
		failed = part.Failed
	}
	ans := a.answer.Only(p)
	out.answer = ans
	switch {
	case len(ans.Servers) > 0:
		out.outcome = OutcomeFound
		out.err = nil
		if len(ans.Failed) > 0 {
			out.err = errors.Join(ans.Failed...)
		}
	case ans.NotOfferedFor(p) != nil:
		out.outcome = OutcomeNotFound
		out.err = &settings.NotOffered{Source: a.source, Protocol: p, Reason: *ans.NotOfferedFor(p)}
	case len(failed) > 0:
		out.outcome = OutcomeError
		out.answer = nil
		out.err = errors.Join(failed...)
	default:
		out.outcome = OutcomeNotFound
		out.answer = nil
		if part := ans.Parts[p]; part != nil && part.Missing != nil {
			out.err = &settings.Missing{Reason: *part.Missing, TTL: ans.TTL}
		} else {
			where := ans.SourceURL
			if where == "" {
				where = a.source
			}
			out.err = &settings.Missing{Reason: i18n.M(i18n.NFNoProtocol, where, p.Label()), TTL: ans.TTL}
		}
		if a.answer.OnlyFor != "" {
			out.err = settings.BoundTo(a.answer.OnlyFor, out.err)
		}
	}
	return out
}

// settlesFor reports whether a, which holds what a source said of every
// protocol, settles p: it has a server of p, or says that p is not offered.
func (a *attempt) settlesFor(p Protocol) bool {
	return a.answer != nil && a.answer.Offers(p)
}

// assemble puts the verdict together from a situation and what decide made
// of it. expired is why the lookup stopped before it was done, early the
// grace period after which it was stopped.
func (e *engine) assemble(addr Address, s situation, pl plan, expired error, early time.Duration) *verdict {
	v := &verdict{expired: expired, at: time.Now()}
	for k, p := range e.protos() {
		v.findings = append(v.findings, e.assembleOne(s, pl, k, p, expired, early))
	}
	return v
}

func (e *engine) assembleOne(s situation, pl plan, k int, p Protocol, expired error, early time.Duration) finding {
	f := finding{protocol: p, chosen: -1}
	w := pl.winner[k]
	timedOut := expired != nil && !errors.Is(expired, context.Canceled)
	var stopped []string // stopped by the end of the grace period
	var late []string    // still running at the deadline
	for i, src := range e.sources {
		a := s.attempts[i]
		var at attempt
		switch {
		case a != nil:
			at = a.only(p)
		case !s.raced:
			at = attempt{source: src.name, outcome: OutcomeSkipped, err: errNotNeeded}
		case expired != nil:
			at = attempt{source: src.name, outcome: OutcomeError, err: &UnfinishedError{Source: src.name, Cause: expired}}
			late = append(late, src.name)
		case s.final && (w == noWinner || i < w):
			at = attempt{source: src.name, outcome: OutcomeStoppedEarly, err: &StoppedEarlyError{Source: src.name, Grace: early}}
			stopped = append(stopped, src.name)
		default:
			at = attempt{source: src.name, outcome: OutcomeSkipped, err: settings.Skip(i18n.SkipStopped)}
		}
		f.attempts = append(f.attempts, at)
	}
	if w >= 0 {
		f.chosen = w
	}
	if e.fallback != nil {
		name := e.fallback.name
		skip := func(key string) attempt {
			return attempt{source: name, outcome: OutcomeSkipped, err: settings.Skip(key)}
		}
		var at attempt
		switch g := s.guesses[k]; {
		case w >= 0 && f.attempts[w].answer.NotOfferedFor(p) != nil:
			// The domain says it has no such server: guessing would
			// contradict it.
			at = skip(i18n.SkipNotOffered)
		case w >= 0:
			at = skip(i18n.SkipAnswered)
		case g != nil:
			at = g.only(p)
			if w == guessWinner {
				f.chosen = len(f.attempts)
			}
		case s.guessing[k] && expired != nil:
			at = attempt{source: name, outcome: OutcomeError, err: &UnfinishedError{Source: name, Cause: expired}}
			late = append(late, name)
		case s.guessing[k]:
			at = attempt{source: name, outcome: OutcomeStoppedEarly, err: &StoppedEarlyError{Source: name, Grace: early}}
			stopped = append(stopped, name)
		case early > 0:
			at = skip(i18n.SkipGraceOver)
		case s.final:
			at = skip(i18n.SkipNoTime)
		default:
			at = skip(i18n.SkipNotNeeded)
		}
		f.attempts = append(f.attempts, at)
	}
	if timedOut && len(late) > 0 {
		// One warning names every source the deadline caught.
		f.warnings = append(f.warnings, i18n.M(i18n.WarnSourceTimeout, strings.Join(late, ", ")))
	}
	if len(stopped) > 0 {
		grace := early.Round(100 * time.Millisecond).String()
		if f.chosen >= 0 {
			f.warnings = append(f.warnings, i18n.M(i18n.WarnStoppedEarly, strings.Join(stopped, ", "), grace))
			// Given early: it did not wait for them.
			f.early = early
		} else {
			f.warnings = append(f.warnings, i18n.M(i18n.WarnProtocolUnfinished, p.Label(), strings.Join(stopped, ", "), grace))
		}
	}
	if f.chosen < 0 {
		if expired != nil {
			f.err = &InterruptedError{Protocol: p, Cause: expired, Errs: attemptErrors(f.attempts), Timeout: timeoutOf(expired, s.budget)}
		} else {
			f.err = &NotFoundError{Protocol: p, Errs: attemptErrors(f.attempts), Network: e.couldNotLook(f.attempts)}
		}
		return f
	}
	a := &f.attempts[f.chosen]
	f.source = a.source
	if a.answer.Insecure {
		// Fetched over plain HTTP, perhaps through a redirect from HTTPS:
		// labelled as such, whatever source asked.
		f.source = SourceAutoconfigHTTP
	}
	if len(a.answer.Servers) == 0 {
		f.err = &settings.NotOffered{Source: a.source, Protocol: p, Reason: *a.answer.NotOfferedFor(p)}
	}
	return f
}

// timeoutOf is the time a lookup had when it stopped at its deadline, for
// saying how long it had, rounded for reading; zero for a cancellation.
func timeoutOf(expired error, budget time.Duration) time.Duration {
	if !errors.Is(expired, context.DeadlineExceeded) || budget <= 0 {
		return 0
	}
	if budget >= time.Second {
		return budget.Round(100 * time.Millisecond)
	}
	return budget.Round(time.Millisecond)
}

// couldNotLook reports whether the lookup could not be made: every network
// source that ran failed, and none could say that the domain has no server.
// (The offline table's "not here" says nothing about the domain.)
func (e *engine) couldNotLook(attempts []attempt) bool {
	failed := 0
	for i, a := range attempts { // the sources in order, then the fallback
		switch {
		case i < len(e.sources) && e.sources[i].offline, a.outcome == OutcomeSkipped:
		case a.outcome == OutcomeError:
			failed++
		default:
			return false
		}
	}
	return failed > 0
}

func attemptErrors(attempts []attempt) []error {
	var errs []error
	for _, a := range attempts {
		if a.err != nil {
			errs = append(errs, a.err)
		}
	}
	return errs
}
