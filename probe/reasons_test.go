package probe_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// TestGuessReasons: a guess that finds nothing says so once, for the
// protocol it guessed, naming each failure once, in either language.
func TestGuessReasons(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	// mail. exists and refuses every port; the other names do not resolve.
	l.dns.Host(t, testnet.IP(), "mail.reasons.example")
	addr := testnet.Addr(t, "me@reasons.example")
	ports := map[settings.Protocol][2]string{settings.POP3: {"995", "110"}, settings.IMAP: {"993", "143"}, settings.SMTP: {"465", "587"}}
	first := map[settings.Protocol]string{settings.POP3: "pop3", settings.IMAP: "imap", settings.SMTP: "smtp"}
	// pop3., pop., imap. and smtp. do not exist; reasons.example exists,
	// as the parent of mail., without an address of its own. A resolver
	// that cannot tell the two apart gets the words that fit both.
	if !resolverTellsNoData(t, l, "reasons.example") {
		t.Fatal("the resolver does not tell a name without addresses from one that does not exist")
	}
	// Each detail in the reader's language, as the reason around it.
	details := func(lang i18n.Lang, p settings.Protocol) string {
		var d []string
		for _, name := range []string{first[p], "pop"}[:map[bool]int{true: 2, false: 1}[p == settings.POP3]] {
			d = append(d, lang.Sprintf(i18n.FailDNSNoName, name+".reasons.example"))
		}
		for _, port := range ports[p] {
			d = append(d, lang.Sprintf(i18n.FailRefused, "mail.reasons.example:"+port))
		}
		d = append(d, lang.Sprintf(i18n.FailDNSNoAddress, "reasons.example"))
		return strings.Join(d, lang.ClauseSep())
	}
	en := func(p settings.Protocol) string {
		return "no " + p.Label() + " server answered at the usual names of reasons.example (" + details(i18n.English, p) + ")"
	}
	zh := func(p settings.Protocol) string {
		return "reasons.example 的常用主机名上没有 " + p.Label() + " 服务器应答（" + details(i18n.Chinese, p) + "）"
	}

	for _, p := range settings.AllProtocols {
		t.Run("alone "+p.Label(), func(t *testing.T) {
			t.Parallel()
			g := &probe.GuessSource{Prober: l.prober, Protocols: []settings.Protocol{p}, Stagger: time.Millisecond}
			_, err := g.Lookup(context.Background(), addr)
			m, ok := settings.Reason(err)
			if !ok {
				t.Fatalf("%v: no reason", err)
			}
			if got := i18n.English.Format(m); got != en(p) {
				t.Errorf("English reason\n got %s\nwant %s", got, en(p))
			}
			if got := i18n.Chinese.Format(m); got != zh(p) {
				t.Errorf("Chinese reason\n got %s\nwant %s", got, zh(p))
			}
			if got, want := err.Error(), "not found: "+en(p); got != want {
				t.Errorf("error\n got %s\nwant %s", got, want)
			}
		})
	}

	// Guessing several protocols at once, each protocol's part says why
	// that protocol has no server, and of no other.
	t.Run("together", func(t *testing.T) {
		t.Parallel()
		g := &probe.GuessSource{Prober: l.prober, Protocols: settings.AllProtocols, Stagger: time.Millisecond}
		a, err := g.Lookup(context.Background(), addr)
		if err != nil || a == nil || len(a.Servers) != 0 {
			t.Fatalf("%+v, %v; want an answer without servers whose parts say why", a, err)
		}
		for _, p := range settings.AllProtocols {
			part := a.Only(p).Parts[p]
			if part == nil || part.Missing == nil {
				t.Errorf("%s: part %+v; want why it is missing", p.Label(), part)
				continue
			}
			m, _ := settings.Reason(&settings.Missing{Reason: *part.Missing})
			if got := i18n.English.Format(m); got != en(p) {
				t.Errorf("%s English reason\n got %s\nwant %s", p.Label(), got, en(p))
			}
			if got := i18n.Chinese.Format(m); got != zh(p) {
				t.Errorf("%s Chinese reason\n got %s\nwant %s", p.Label(), got, zh(p))
			}
			for _, other := range settings.AllProtocols {
				if other != p && strings.Contains(i18n.English.Format(m), other.Label()) {
					t.Errorf("%s reason speaks of %s: %s", p.Label(), other.Label(), i18n.English.Format(m))
				}
			}
		}
	})
}
