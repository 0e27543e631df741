package lookup

import (
	"slices"
	"testing"
	"time"

	"github.com/popfind/popfind/lookup/settings"
)

// The lookup's decisions, as a table: given these attempts at this moment,
// what is decided, what is still awaited, and when to stop. No network, no
// goroutines, no clock.
func TestDecide(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	// found: a finished source with a server of each protocol given.
	found := func(d time.Duration, ps ...Protocol) *attempt {
		a := &settings.Answer{}
		for _, p := range ps {
			a.Servers = append(a.Servers, settings.Server{Protocol: p, Host: "h.example", Port: 1, SocketType: SSL})
		}
		return &attempt{outcome: OutcomeFound, dur: d, answer: a}
	}
	plainFound := func(d time.Duration, ps ...Protocol) *attempt {
		a := found(d, ps...)
		a.answer.Insecure = true
		return a
	}
	notOffered := func(d time.Duration, p Protocol) *attempt {
		a := &settings.Answer{}
		m := settings.NotFound("x").(*settings.Missing).Reason
		a.Part(p).NotOffered = &m
		return &attempt{outcome: OutcomeNotFound, dur: d, answer: a}
	}
	none := func(d time.Duration) *attempt { return &attempt{outcome: OutcomeNotFound, dur: d} }
	var running *attempt

	// Sources: 0 builtin (offline), 1 autoconfig, 2 srv, 3 autoconfig-http
	// (plain).
	base := rules{offline: []bool{true, false, false, false}, plain: []bool{false, false, false, true}, fallback: true}
	pop := []Protocol{POP3}
	popSMTP := []Protocol{POP3, SMTP}
	tests := []struct {
		name     string
		protos   []Protocol
		grace    time.Duration
		waitAll  bool
		attempts []*attempt
		guesses  []*attempt // nil: not started or running
		guessing []bool
		final    bool
		// want
		winner   []int
		decided  []bool
		guess    []int
		done     bool
		graceEnd time.Duration
	}{
		{name: "nothing finished", protos: pop,
			attempts: []*attempt{none(0), running, running, running},
			winner:   []int{noWinner}, decided: []bool{false}},
		{name: "builtin settles: done, no grace needed", protos: pop,
			attempts: []*attempt{found(0, POP3), running, running, running},
			winner:   []int{0}, decided: []bool{true}, done: true, graceEnd: time.Second},
		{name: "a lower source answers while a higher one runs: grace from its time", protos: pop,
			attempts: []*attempt{none(0), running, found(40*ms, POP3), running},
			winner:   []int{noWinner}, decided: []bool{false}, graceEnd: 40*ms + time.Second},
		{name: "adaptive grace: twice the fastest network source, at most 3s", protos: pop,
			attempts: []*attempt{none(0), running, found(2*time.Second, POP3), running},
			winner:   []int{noWinner}, decided: []bool{false}, graceEnd: 5 * time.Second},
		{name: "fixed grace", protos: pop, grace: 200 * ms,
			attempts: []*attempt{none(0), running, found(40*ms, POP3), running},
			winner:   []int{noWinner}, decided: []bool{false}, graceEnd: 240 * ms},
		{name: "no grace period: wait until the deadline", protos: pop, grace: -1,
			attempts: []*attempt{none(0), running, found(40*ms, POP3), running},
			winner:   []int{noWinner}, decided: []bool{false}},
		{name: "precedence: once the higher source finished, the lower answer is decided", protos: pop,
			attempts: []*attempt{none(0), none(90 * ms), found(40*ms, POP3), running},
			winner:   []int{2}, decided: []bool{true}, done: true, graceEnd: 40*ms + time.Second},
		{name: "plain HTTP neither starts the grace period nor wins while a secure source runs", protos: pop,
			attempts: []*attempt{none(0), running, running, plainFound(5*ms, POP3)},
			winner:   []int{noWinner}, decided: []bool{false}},
		{name: "plain HTTP does not count toward the adaptive grace period", protos: pop,
			attempts: []*attempt{none(0), running, found(900*ms, POP3), plainFound(5*ms, POP3)},
			winner:   []int{noWinner}, decided: []bool{false}, graceEnd: 900*ms + 1800*ms},
		{name: "plain HTTP loses to any secure answer", protos: pop,
			attempts: []*attempt{none(0), plainFound(5*ms, POP3), found(50*ms, POP3), none(1 * ms)},
			winner:   []int{2}, decided: []bool{true}, done: true, graceEnd: 50*ms + time.Second},
		{name: "plain HTTP is used once every secure source finished without an answer", protos: pop,
			attempts: []*attempt{none(0), none(10 * ms), none(10 * ms), plainFound(5*ms, POP3)},
			winner:   []int{3}, decided: []bool{true}, done: true},
		{name: "stopped with a secure source unfinished: the plain-HTTP answer is not used", protos: pop, final: true,
			attempts: []*attempt{none(0), running, none(10 * ms), plainFound(5*ms, POP3)},
			winner:   []int{noWinner}, decided: []bool{true}, done: true},
		{name: "stopped: the best answer in hand", protos: pop, final: true,
			attempts: []*attempt{none(0), running, found(40*ms, POP3), running},
			winner:   []int{2}, decided: []bool{true}, done: true, graceEnd: 40*ms + time.Second},
		{name: "every source empty: guess", protos: pop,
			attempts: []*attempt{none(0), none(10 * ms), none(10 * ms), none(10 * ms)},
			winner:   []int{noWinner}, decided: []bool{false}, guess: []int{0}},
		{name: "guessing: wait for it", protos: pop, guessing: []bool{true},
			attempts: []*attempt{none(0), none(10 * ms), none(10 * ms), none(10 * ms)},
			winner:   []int{noWinner}, decided: []bool{false}},
		{name: "the guess found it", protos: pop, guessing: []bool{true}, guesses: []*attempt{found(80*ms, POP3)},
			attempts: []*attempt{none(0), none(10 * ms), none(10 * ms), none(10 * ms)},
			winner:   []int{guessWinner}, decided: []bool{true}, done: true, graceEnd: 80*ms + time.Second},
		{name: "not offered: decided, no guessing", protos: pop,
			attempts: []*attempt{none(0), none(10 * ms), notOffered(10*ms, POP3), none(10 * ms)},
			winner:   []int{2}, decided: []bool{true}, done: true, graceEnd: 10*ms + time.Second},
		{name: "protocols apart: SMTP guesses while POP3 is decided, within the one grace period", protos: popSMTP,
			attempts: []*attempt{none(0), none(10 * ms), found(30*ms, POP3), none(20 * ms)},
			winner:   []int{2, noWinner}, decided: []bool{true, false}, guess: []int{1}, graceEnd: 30*ms + time.Second},
		{name: "stopped at the end of the grace period: the guess of SMTP unfinished", protos: popSMTP, final: true, guessing: []bool{false, true},
			attempts: []*attempt{none(0), none(10 * ms), found(30*ms, POP3), none(20 * ms)},
			winner:   []int{2, noWinner}, decided: []bool{true, true}, done: true, graceEnd: 30*ms + time.Second},
		{name: "SMTP waits for its own precedence", protos: popSMTP,
			attempts: []*attempt{none(0), running, found(30*ms, POP3, SMTP), none(20 * ms)},
			winner:   []int{noWinner, noWinner}, decided: []bool{false, false}, graceEnd: 30*ms + time.Second},
		{name: "waitAll: decided but not done until every source finished", protos: pop, waitAll: true,
			attempts: []*attempt{found(0, POP3), running, running, running},
			winner:   []int{0}, decided: []bool{true}},
		{name: "waitAll: done", protos: pop, waitAll: true,
			attempts: []*attempt{found(0, POP3), none(1 * ms), found(2*ms, POP3), none(1 * ms)},
			winner:   []int{0}, decided: []bool{true}, done: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			r.protos, r.grace, r.waitAll = tt.protos, tt.grace, tt.waitAll
			s := situation{attempts: tt.attempts, final: tt.final, guesses: make([]*attempt, len(tt.protos)), guessing: make([]bool, len(tt.protos))}
			copy(s.guesses, tt.guesses)
			copy(s.guessing, tt.guessing)
			pl := r.decide(s)
			if !slices.Equal(pl.winner, tt.winner) || !slices.Equal(pl.decided, tt.decided) || !slices.Equal(pl.guess, tt.guess) || pl.done != tt.done {
				t.Errorf("winner %v decided %v guess %v done %v; want %v %v %v %v", pl.winner, pl.decided, pl.guess, pl.done, tt.winner, tt.decided, tt.guess, tt.done)
			}
			if pl.graceEnd != tt.graceEnd {
				t.Errorf("grace ends at %v; want %v", pl.graceEnd, tt.graceEnd)
			}
		})
	}
}
