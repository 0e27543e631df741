package autoconfig_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
)

// rebind gives name an A record with TTL 0, which no resolver caches, that
// answers pub to the first n questions and later to the rest: a name whose
// owner changes its address between popfind's check and its connection.
func rebind(t *testing.T, d *testnet.DNS, name string, n int32, pub, later string) {
	t.Helper()
	d.Add(t, dns.Fqdn(name)+" 0 IN A "+later)
	var asked atomic.Int32
	d.Tamper(name, func(m *dns.Msg) {
		if m.Question[0].Qtype == dns.TypeA && asked.Add(1) <= n {
			m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: dns.Fqdn(name), Rrtype: dns.TypeA, Class: dns.ClassINET}, A: net.ParseIP(pub)}}
		}
	})
}

// counted serves h and counts its requests.
func counted(h http.Handler, hits *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h.ServeHTTP(rw, r)
	})
}

// TestRedirectGuardAtConnect: a redirect from a public host is refused at
// the connection when the address dialled is internal, whatever the check
// of the name before said (DNS rebinding with TTL 0).
func TestRedirectGuardAtConnect(t *testing.T) {
	t.Parallel()
	w := newRedirectWorld(t)
	to := func(u string) http.Handler { return http.RedirectHandler(u, http.StatusFound) }
	ctx := context.Background()

	t.Run("target public when checked, loopback when dialled", func(t *testing.T) {
		var hits atomic.Int32
		lo := testnet.IP()
		w.ca.ServeHTTPS(t, lo, counted(xmlHandler(configXML("pop.inside.example")), &hits), "cfg.rebind.example")
		rebind(t, w.dns, "cfg.rebind.example", 1, "198.51.100.250", lo)
		w.servePublic(t, to("https://cfg.rebind.example/mail.xml"), "autoconfig.rebind.example")
		a, err := (&autoconfig.DomainSource{Fetcher: w.fetcher}).Lookup(ctx, testnet.Addr(t, "me@rebind.example"))
		if err == nil || !strings.Contains(err.Error(), "refusing to connect") || hits.Load() != 0 {
			t.Errorf("got %d servers, %v, %d requests inside; want the connection refused", servers(a), err, hits.Load())
		}
	})

	t.Run("origin public when dialled, internal when the redirect is checked", func(t *testing.T) {
		var hits atomic.Int32
		w.serveHTTPS(t, counted(xmlHandler(configXML("pop.inside.example")), &hits), "cfg.flip.example")
		pub := w.servePublicIP(t, to("https://cfg.flip.example/mail.xml"), "autoconfig.flip.example")
		// Asked once before the fetch and once to dial; then internal,
		// so that only the connection knows the fetch left a public host.
		rebind(t, w.dns, "autoconfig.flip.example", 2, pub, "10.9.9.9")
		a, err := (&autoconfig.DomainSource{Fetcher: w.fetcher}).Lookup(ctx, testnet.Addr(t, "me@flip.example"))
		if err == nil || !strings.Contains(err.Error(), "refusing") || hits.Load() != 0 {
			t.Errorf("got %d servers, %v, %d requests inside; want the connection refused", servers(a), err, hits.Load())
		}
	})

	t.Run("Autodiscover RedirectUrl", func(t *testing.T) {
		var hits atomic.Int32
		lo := testnet.IP()
		w.ca.ServeHTTPS(t, lo, counted(adHandler(t, adXML(popProtocol), nil), &hits), "ad.rebind.example")
		rebind(t, w.dns, "ad.rebind.example", 1, "198.51.100.251", lo)
		w.servePublic(t, adHandler(t, adXML(`<Action>redirectUrl</Action><RedirectUrl>https://ad.rebind.example/autodiscover/autodiscover.xml</RedirectUrl>`), nil), "autodiscover.adrebind.example")
		a, err := w.autodiscover().Lookup(ctx, testnet.Addr(t, "me@adrebind.example"))
		if err == nil || !strings.Contains(err.Error(), "refusing to connect") || hits.Load() != 0 {
			t.Errorf("got %d servers, %v, %d requests inside; want the connection refused", servers(a), err, hits.Load())
		}
	})
}

func servers(a *settings.Answer) int {
	if a == nil {
		return 0
	}
	return len(a.Servers)
}
