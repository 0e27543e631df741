package lookup

import (
	"time"
)

// This file holds the lookup's decisions, as a pure function of what the
// sources have said so far and of the time: given these attempts at this
// moment, which protocols are decided and by which source, which need
// guessing, and when to stop. The engine (engine.go) only runs sources and
// asks decide; it holds no decision state of its own. The two rules that
// need care live here once each: answers over plain HTTP come last and never
// win by waiting (winner), and there is one grace period (graceEnd).

// rules are what a lookup's decisions depend on besides the attempts.
type rules struct {
	// protos are the protocols to find, the first deciding when the grace
	// period starts.
	protos []Protocol
	// offline marks the sources that answer from memory; plain marks those
	// that fetch over plain HTTP by design. Both are indexed like the
	// sources, which are in precedence order.
	offline []bool
	plain   []bool
	// fallback says whether guessing is there for the protocols no source
	// found.
	fallback bool
	// waitAll waits for every source, and every guess needed, to finish.
	waitAll bool
	// grace is Config.Grace: positive, a fixed grace period; zero, the
	// adaptive one; negative, none (wait until the deadline).
	grace time.Duration
}

// situation is what a lookup knows at one moment.
type situation struct {
	// attempts holds each source's attempt, nil while it has not finished
	// (running, held, or never started).
	attempts []*attempt
	// guesses holds, per protocol (in rules.protos order), the guess's
	// attempt once it finished; guessing marks the guesses started.
	guesses  []*attempt
	guessing []bool
	// now is the time since the lookup began.
	now time.Duration
	// final is true once the lookup has stopped (deadline, cancellation or
	// the end of the grace period): what has not finished never will, and
	// each protocol takes the best answer in hand.
	final bool
	// raced is true once the network sources were started: a source that
	// has not finished then was stopped, not left out.
	raced bool
	// budget is the time the lookup had, from its start to its deadline.
	budget time.Duration
}

// noWinner is a plan's winner for a protocol with no answer.
const noWinner = -1

// plan is what decide concludes.
type plan struct {
	// winner is, per protocol, the index of the source whose answer is
	// chosen, guessWinner for the guess, or noWinner.
	winner []int
	// decided marks the protocols whose answer is known: a later attempt
	// cannot change it.
	decided []bool
	// guess lists the protocols (indexes into rules.protos) whose guessing
	// should start now.
	guess []int
	// done is true when the lookup can stop: every protocol is decided
	// (with waitAll, every source and guess needed has finished too).
	done bool
	// graceEnd, when positive, is when the grace period ends, counted from
	// the start of the lookup: the lookup stops then with what it has.
	// grace is its length.
	graceEnd, grace time.Duration
}

// guessWinner is a plan's winner when the guess found the answer.
const guessWinner = -2

// decide is the lookup's one decision function.
func (r *rules) decide(s situation) plan {
	p := plan{winner: make([]int, len(r.protos)), decided: make([]bool, len(r.protos))}
	p.done = true
	for k := range r.protos {
		w, decided, guess := r.winner(s, k)
		p.winner[k], p.decided[k] = w, decided
		if guess {
			p.guess = append(p.guess, k)
		}
		if !decided {
			p.done = false
		}
	}
	if r.waitAll && !s.final {
		for _, a := range s.attempts {
			if a == nil {
				p.done = false
			}
		}
		for k := range r.protos {
			if s.guessing[k] && s.guesses[k] == nil {
				p.done = false
			}
		}
	}
	if !r.waitAll && r.grace >= 0 {
		if start, ok := r.graceStart(s); ok {
			p.grace = r.graceLen(s, start)
			p.graceEnd = start + p.grace
		}
	}
	return p
}

// winner decides protocol k: the first source in precedence order whose
// answer settles it, once every source before that one has finished.
// Answers that came over plain HTTP come last: one is chosen only when
// every other source has finished without an answer, so that waiting never
// lets one win. When every source has finished with nothing, the guess
// decides; guess says it should start now.
func (r *rules) winner(s situation, k int) (w int, decided, guess bool) {
	p := r.protos[k]
	insecure := noWinner
	secureUnfinished := false
	for i, a := range s.attempts {
		if a == nil {
			if !s.final {
				return noWinner, false, false
			}
			if !r.plain[i] {
				secureUnfinished = true
			}
			continue
		}
		if !a.settlesFor(p) {
			continue
		}
		if !a.answer.Insecure {
			return i, true, false
		}
		if insecure == noWinner {
			insecure = i
		}
	}
	if insecure != noWinner {
		if secureUnfinished {
			// The lookup stopped before every secure source had its say:
			// a plain-HTTP answer must not win by their absence.
			return noWinner, true, false
		}
		return insecure, true, false
	}
	if !r.fallback {
		return noWinner, true, false
	}
	switch g := s.guesses[k]; {
	case g != nil && g.settlesFor(p):
		return guessWinner, true, false
	case g != nil || s.final:
		return noWinner, true, false
	case !s.guessing[k]:
		return noWinner, false, true
	}
	return noWinner, false, false
}

// graceStart is when the first protocol first had an answer in hand that
// can win: a finished source's, or its guess's, over a secure channel.
// Answers over plain HTTP neither start the grace period nor count toward
// it.
func (r *rules) graceStart(s situation) (time.Duration, bool) {
	first := r.protos[0]
	start, ok := time.Duration(0), false
	consider := func(a *attempt) {
		if a != nil && a.settlesFor(first) && !a.answer.Insecure && (!ok || a.dur < start) {
			start, ok = a.dur, true
		}
	}
	for _, a := range s.attempts {
		consider(a)
	}
	consider(s.guesses[0])
	return start, ok
}

// Bounds of the adaptive grace period.
const (
	minGrace = time.Second
	maxGrace = 3 * time.Second
)

// graceLen is the grace period that starts at start: Config.Grace when set,
// or else twice what the fastest secure network source that had finished by
// then took, so that a slow but working network still lets the others
// answer, but at least a second and at most three, so that a dead host costs
// seconds, not the whole deadline. It depends only on attempts that finished
// by start, so it does not change once the period has begun.
func (r *rules) graceLen(s situation, start time.Duration) time.Duration {
	if r.grace > 0 {
		return r.grace
	}
	fastest := time.Duration(-1)
	for i, a := range s.attempts {
		if a == nil || r.offline[i] || r.plain[i] || a.answer != nil && a.answer.Insecure || a.dur > start {
			continue
		}
		if fastest < 0 || a.dur < fastest {
			fastest = a.dur
		}
	}
	return min(max(2*fastest, minGrace), maxGrace)
}
