package probe_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// Guessing probes the standard ports 995 and 110; without root the test
// servers listen elsewhere, and the lab's dialler follows the port map.
func TestGuess(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	g := &probe.GuessSource{Prober: l.prober, Stagger: 20 * time.Millisecond}

	t.Run("pop with a good certificate", func(t *testing.T) {
		t.Parallel()
		ip := testnet.IP()
		l.dns.Host(t, ip, "pop.guess1.example")
		(&testnet.POP3{TLS: true, Cert: l.cert(t, 60, "pop.guess1.example")}).Listen(t, ip, 995)
		a, err := g.Lookup(context.Background(), testnet.Addr(t, "x@guess1.example"))
		if err != nil {
			t.Fatal(err)
		}
		if got := testnet.Hosts(a); got != "pop.guess1.example:995/SSL" {
			t.Errorf("servers %s", got)
		}
		pop := a.Only(settings.POP3)
		if len(pop.Warnings) != 1 || !strings.Contains(i18n.English.Format(pop.Warnings[0]), "guessed") {
			t.Errorf("warnings %v", pop.Warnings)
		}
	})

	t.Run("wrong certificate rejected, STLS taken", func(t *testing.T) {
		t.Parallel()
		bad, good := testnet.IP(), testnet.IP()
		l.dns.Host(t, bad, "pop3.guess2.example")
		l.dns.Host(t, good, "mail.guess2.example")
		(&testnet.POP3{TLS: true, Cert: l.cert(t, 60, "elsewhere.example")}).Listen(t, bad, 995)
		(&testnet.POP3{STLS: true, Cert: l.cert(t, 60, "mail.guess2.example")}).Listen(t, good, 110)
		a, err := g.Lookup(context.Background(), testnet.Addr(t, "x@guess2.example"))
		if err != nil {
			t.Fatal(err)
		}
		if got := testnet.Hosts(a); got != "mail.guess2.example:110/STARTTLS" {
			t.Errorf("servers %s; the certificate for another name must not count", got)
		}
	})

	t.Run("no STLS gives plain, ranked after TLS", func(t *testing.T) {
		t.Parallel()
		ip, ip2 := testnet.IP(), testnet.IP()
		l.dns.Host(t, ip, "pop3.guess3.example")
		l.dns.Host(t, ip2, "guess3.example")
		(&testnet.POP3{}).Listen(t, ip, 110)
		(&testnet.POP3{TLS: true, Cert: l.cert(t, 60, "guess3.example")}).Listen(t, ip2, 995)
		a, err := g.Lookup(context.Background(), testnet.Addr(t, "x@guess3.example"))
		if err != nil {
			t.Fatal(err)
		}
		if got := testnet.Hosts(a); got != "guess3.example:995/SSL pop3.guess3.example:110/plain" {
			t.Errorf("servers %s; TLS first, plain text as an alternative", got)
		}
	})

	t.Run("not POP3 and silent servers rejected within the deadline", func(t *testing.T) {
		t.Parallel()
		ip, ip2 := testnet.IP(), testnet.IP()
		l.dns.Host(t, ip, "pop.guess4.example")
		l.dns.Host(t, ip2, "mail.guess4.example")
		(&testnet.POP3{Greeting: "220 not pop"}).Listen(t, ip, 110)
		(&testnet.POP3{Silent: true}).Listen(t, ip2, 110)
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := g.Lookup(ctx, testnet.Addr(t, "x@guess4.example"))
		if !errors.Is(err, settings.ErrNotFound) {
			t.Errorf("err %v; want not found", err)
		}
		if el := time.Since(start); el > 2500*time.Millisecond {
			t.Errorf("took %v; deadline 1.5s", el)
		}
	})
}
