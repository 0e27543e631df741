package lookup

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
)

// accountSource answers, after a delay, with a server for each of its
// protocols, or blocks until its context ends.
type accountSource struct {
	name      string
	delay     time.Duration
	block     bool
	protocols []Protocol
	refuse    []Protocol // said not to be offered
}

func (s *accountSource) Name() string { return s.name }
func (s *accountSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	if s.block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	a := &settings.Answer{SourceURL: s.name + ".example"}
	for _, p := range s.protocols {
		a.Servers = append(a.Servers, settings.Server{Protocol: p, Host: string(p) + "." + s.name + ".example",
			Port: p.DefaultPort(SSL), SocketType: SSL, Username: settings.PlaceholderAddress})
	}
	for _, p := range s.refuse {
		m := i18n.Text(s.name + " refuses " + string(p))
		a.Part(p).NotOffered = &m
	}
	if len(a.Servers) == 0 && len(a.Parts) == 0 {
		return nil, settings.NotFound(i18n.NFEmptyAnswer)
	}
	return a, nil
}

func hostOf(r *Result) string {
	if s := r.Server(); s != nil {
		return s.Host
	}
	return ""
}

// Each protocol is decided by precedence on its own: a source of lower
// precedence answers one protocol while a better one answers another.
func TestProtocolsDecidedApart(t *testing.T) {
	t.Parallel()
	ac := &accountSource{name: "autoconfig", delay: 20 * time.Millisecond, protocols: []Protocol{SMTP, IMAP}}
	srv := &accountSource{name: "srv", protocols: []Protocol{POP3, SMTP}}
	e := &engine{protocols: []Protocol{POP3, IMAP, SMTP}, sources: entries(ac, srv), timeout: 5 * time.Second}
	res := e.lookup(context.Background(), testnet.Addr(t, "x@example.org"))
	if res.Protocol != POP3 || hostOf(res) != "pop3.srv.example" || res.Source != "srv" {
		t.Errorf("POP3: %s from %s", hostOf(res), res.Source)
	}
	if r := res.Get(SMTP); r == nil || hostOf(r) != "smtp.autoconfig.example" || r.Source != "autoconfig" {
		t.Errorf("SMTP: %+v; autoconfig comes before srv", r)
	}
	if r := res.Get(IMAP); r == nil || hostOf(r) != "imap.autoconfig.example" {
		t.Errorf("IMAP: %+v", r)
	}
	if len(res.Others) != 2 || res.Others[0].Protocol != IMAP || res.Others[1].Protocol != SMTP {
		t.Errorf("others %v; want IMAP then SMTP, as asked", res.Others)
	}
	// The attempts of each protocol say what the source said of it.
	if got := outcomes(res); got != "autoconfig=not_found srv=found" {
		t.Errorf("POP3 attempts %s", got)
	}
	if got := outcomes(res.Get(IMAP)); got != "autoconfig=found srv=not_found" {
		t.Errorf("IMAP attempts %s", got)
	}
}

// Once the first protocol is answered, the others wait for at most the
// grace period: a hanging source of higher precedence does not hold back
// the answer, and the protocol it might have answered is reported as not
// found with a warning that its search did not finish.
func TestOtherProtocolsWaitOnlyTheGrace(t *testing.T) {
	t.Parallel()
	hang := &accountSource{name: "autoconfig", block: true}
	srv := &accountSource{name: "srv", protocols: []Protocol{POP3}}
	guess := &countingSource{name: "guess", host: "guessed.example"}
	e := &engine{protocols: []Protocol{POP3, SMTP}, sources: entries(hang, srv), fallback: ent(guess),
		timeout: 10 * time.Second, grace: 200 * time.Millisecond}
	start := time.Now()
	res := e.lookup(context.Background(), testnet.Addr(t, "x@example.org"))
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %s; the grace period is 200ms", took)
	}
	if !res.Found || hostOf(res) != "pop3.srv.example" || res.Early() == 0 {
		t.Fatalf("POP3 %s early %s", hostOf(res), res.Early())
	}
	smtp := res.Get(SMTP)
	if smtp.Found || smtp.Early() != 0 {
		t.Fatalf("SMTP found %v early %s; want not found", smtp.Found, smtp.Early())
	}
	warned := false
	for _, w := range smtp.AllWarnings() {
		if w.Key == i18n.WarnProtocolUnfinished && strings.Contains(i18n.English.Format(w), "SMTP: not found, the search did not finish: autoconfig still running") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("SMTP warnings %v; want one saying its search did not finish", smtp.AllWarnings())
	}
	if got := outcomes(smtp); got != "autoconfig=stopped_early srv=not_found guess=skipped" {
		t.Errorf("SMTP attempts %s", got)
	}
	if guess.calls.Load() != 0 {
		t.Error("guessed SMTP after the grace period was over")
	}
}

// When every source has finished and only guessing is left for a protocol
// other than the first, guessing gets the grace period, not the deadline.
func TestOtherProtocolGuessBounded(t *testing.T) {
	t.Parallel()
	srv := &accountSource{name: "srv", protocols: []Protocol{POP3}}
	guess := &countingSource{name: "guess", block: true}
	e := &engine{protocols: []Protocol{POP3, SMTP}, sources: entries(srv), fallback: ent(guess),
		timeout: 10 * time.Second, grace: 200 * time.Millisecond}
	start := time.Now()
	res := e.lookup(context.Background(), testnet.Addr(t, "x@example.org"))
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %s; guessing SMTP may take the grace period only", took)
	}
	if !res.Found || guess.calls.Load() != 1 {
		t.Fatalf("POP3 found %v, guess calls %d", res.Found, guess.calls.Load())
	}
	if got := outcomes(res.Get(SMTP)); got != "srv=not_found guess=stopped_early" {
		t.Errorf("SMTP attempts %s", got)
	}
	// Asked first, SMTP gets the whole deadline for guessing, like POP3.
	guess2 := &countingSource{name: "guess", delay: 400 * time.Millisecond, host: "guessed.example"}
	e = &engine{protocols: []Protocol{POP3}, sources: entries(&accountSource{name: "srv", refuse: nil}), fallback: ent(guess2),
		timeout: 10 * time.Second, grace: 200 * time.Millisecond}
	if res := e.lookup(context.Background(), testnet.Addr(t, "x@example.org")); !res.Found || res.Source != "guess" {
		t.Errorf("first protocol guessed: found %v from %s", res.Found, res.Source)
	}
}

// A protocol a source says is not offered is settled: no guessing, and the
// reason is the result's error.
func TestProtocolNotOffered(t *testing.T) {
	t.Parallel()
	srv := &accountSource{name: "srv", protocols: []Protocol{POP3}, refuse: []Protocol{SMTP}}
	guess := &countingSource{name: "guess", host: "guessed.example"}
	e := &engine{protocols: []Protocol{POP3, SMTP}, sources: entries(srv), fallback: ent(guess), timeout: 5 * time.Second}
	res := e.lookup(context.Background(), testnet.Addr(t, "x@example.org"))
	smtp := res.Get(SMTP)
	var no *settings.NotOffered
	if smtp.Found || !errors.As(smtp.Err, &no) || no.Protocol != SMTP || guess.calls.Load() != 0 {
		t.Errorf("SMTP found %v err %v guess calls %d", smtp.Found, smtp.Err, guess.calls.Load())
	}
	if got := outcomes(smtp); got != "srv=not_found guess=skipped" {
		t.Errorf("SMTP attempts %s", got)
	}
}

// When the first protocol is decided at once and only another protocol
// waits out the grace period, the first protocol's answer was not given
// early: nothing it could have used was stopped.
func TestOnlyTheWaitingProtocolIsEarly(t *testing.T) {
	t.Parallel()
	srv := &accountSource{name: "srv", protocols: []Protocol{POP3}}
	hang := &accountSource{name: "mx", block: true}
	e := &engine{protocols: []Protocol{POP3, SMTP}, sources: entries(srv, hang), timeout: 10 * time.Second, grace: 100 * time.Millisecond}
	res := e.lookup(context.Background(), testnet.Addr(t, "x@example.org"))
	if !res.Found || res.Early() != 0 || len(res.Warnings) != 0 {
		t.Errorf("POP3 found %v early %s warnings %v; want found, not early, no warning", res.Found, res.Early(), res.Warnings)
	}
	if got := outcomes(res); got != "srv=found mx=skipped" {
		t.Errorf("POP3 attempts %s", got)
	}
	smtp := res.Get(SMTP)
	if smtp.Found || len(smtp.Warnings) != 1 || smtp.Warnings[0].Key != i18n.WarnProtocolUnfinished {
		t.Errorf("SMTP found %v warnings %v", smtp.Found, smtp.Warnings)
	}
	if got := outcomes(smtp); got != "srv=not_found mx=stopped_early" {
		t.Errorf("SMTP attempts %s", got)
	}
}
