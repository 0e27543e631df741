package autoconfig_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
)

// counted serves h and counts its requests.
func counted(h http.Handler, hits *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h.ServeHTTP(rw, r)
	})
}

// always returns a rebinding that sees ip at every call.
func always(ip string) func(int) []net.IP {
	return func(int) []net.IP { return []net.IP{net.ParseIP(ip)} }
}

// TestRedirectGuardAtConnect: a redirect from a public host is refused at
// the connection when the address dialled is internal, whatever the check
// of the name said a moment before (DNS rebinding: a TTL of zero, and a
// new answer for the connection).
func TestRedirectGuardAtConnect(t *testing.T) {
	t.Parallel()
	w := newRedirectWorld(t)
	to := func(u string) http.Handler { return http.RedirectHandler(u, http.StatusFound) }
	ctx := context.Background()

	t.Run("target public when checked, loopback when dialled", func(t *testing.T) {
		var hits atomic.Int32
		w.serveHTTPS(t, counted(xmlHandler(configXML("pop.inside.example")), &hits), "cfg.rebind.example")
		w.rebind("cfg.rebind.example", always("198.51.100.250"))
		w.servePublic(t, to("https://cfg.rebind.example/mail.xml"), "autoconfig.rebind.example")
		a, err := (&autoconfig.DomainSource{Fetcher: w.fetcher}).Lookup(ctx, testnet.Addr(t, "me@rebind.example"))
		if err == nil || !strings.Contains(err.Error(), "refusing to connect") || hits.Load() != 0 {
			t.Errorf("got %d servers, %v, %d requests inside; want the connection refused", servers(a), err, hits.Load())
		}
	})

	t.Run("origin public when dialled, internal when the redirect is checked", func(t *testing.T) {
		var hits atomic.Int32
		w.serveHTTPS(t, counted(xmlHandler(configXML("pop.inside.example")), &hits), "cfg.flip.example")
		w.servePublic(t, to("https://cfg.flip.example/mail.xml"), "autoconfig.flip.example")
		// The connection went to the public address; the check of the
		// redirect (the fetcher's second lookup of the name) sees an
		// internal one, as if the fetch had stayed within an intranet.
		w.rebind("autoconfig.flip.example", func(call int) []net.IP {
			if call < 2 {
				return nil
			}
			return []net.IP{net.ParseIP("10.9.9.9")}
		})
		a, err := (&autoconfig.DomainSource{Fetcher: w.fetcher}).Lookup(ctx, testnet.Addr(t, "me@flip.example"))
		if err == nil || !strings.Contains(err.Error(), "refusing") || hits.Load() != 0 {
			t.Errorf("got %d servers, %v, %d requests inside; want the redirect refused", servers(a), err, hits.Load())
		}
	})

	t.Run("Autodiscover RedirectUrl", func(t *testing.T) {
		var hits atomic.Int32
		w.serveHTTPS(t, counted(adHandler(t, adXML(popProtocol), nil), &hits), "ad.rebind.example")
		w.rebind("ad.rebind.example", always("198.51.100.251"))
		w.servePublic(t, adHandler(t, adXML(`<Action>redirectUrl</Action><RedirectUrl>https://ad.rebind.example/autodiscover/autodiscover.xml</RedirectUrl>`), nil), "autodiscover.adrebind.example")
		a, err := w.autodiscover().Lookup(ctx, testnet.Addr(t, "me@adrebind.example"))
		if err == nil || !strings.Contains(err.Error(), "refusing to connect") || hits.Load() != 0 {
			t.Errorf("got %d servers, %v, %d requests inside; want the connection refused", servers(a), err, hits.Load())
		}
	})

	t.Run("within an intranet, and public to public, still followed", func(t *testing.T) {
		w.serveHTTPS(t, xmlHandler(configXML("pop.lan2.example")), "cfg.lan2.example")
		w.serveHTTPS(t, to("https://cfg.lan2.example/mail.xml"), "autoconfig.lan2.example")
		w.servePublic(t, xmlHandler(configXML("pop.hoster2.example")), "cfg.hoster2.example")
		w.servePublic(t, to("https://cfg.hoster2.example/mail.xml"), "autoconfig.pub2.example")
		for email, host := range map[string]string{"me@lan2.example": "pop.lan2.example", "me@pub2.example": "pop.hoster2.example"} {
			a, err := (&autoconfig.DomainSource{Fetcher: w.fetcher}).Lookup(ctx, testnet.Addr(t, email))
			if err != nil || a.Servers[0].Host != host {
				t.Errorf("%s: %v; want %s", email, err, host)
			}
		}
	})
}

func servers(a *settings.Answer) int {
	if a == nil {
		return 0
	}
	return len(a.Servers)
}
