package autoconfig_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
)

// asked records the query strings a test server was asked with.
type asked struct {
	mu      sync.Mutex
	queries []string
}

func (a *asked) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.queries = append(a.queries, r.URL.RawQuery)
		a.mu.Unlock()
		h.ServeHTTP(rw, r)
	})
}

// sentAddress reports whether any request named an address.
func (a *asked) sentAddress() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, q := range a.queries {
		if strings.Contains(strings.ToLower(q), "emailaddress") || strings.Contains(q, "%40") {
			return true
		}
	}
	return false
}

// perAddressXML is what a self-hosted autoconfig script writes: the address
// it was asked for, literally, as the login name.
func perAddressXML(rw http.ResponseWriter, r *http.Request) {
	email := r.URL.Query().Get("emailaddress")
	local, domain, _ := strings.Cut(email, "@")
	rw.Header().Set("Content-Type", "text/xml")
	rw.Write(doc(`<emailProvider id="`+domain+`"><domain>`+domain+`</domain>`,
		section(`<hostname>pop.`+domain+`</hostname><port>995</port><socketType>SSL</socketType>
<username>`+strings.ToUpper(domain)+`\`+local+`</username><authentication>password-cleartext</authentication>`)))
}

// TestPerAddressAnswersMarked: an answer to a request that named the address
// (the domain's autoconfig host, asked with ?emailaddress=) is that
// address's alone, and so is every failure that came after the request
// went out. A host without addresses is the domain's, whoever asks.
func TestPerAddressAnswersMarked(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var who asked
	w.serveHTTPS(t, who.wrap(http.HandlerFunc(perAddressXML)), "autoconfig.self.example")
	w.serveHTTPS(t, http.NotFoundHandler(), "autoconfig.missing.example")
	w.serveHTTPS(t, xmlHandler("<clientConfig><emailProvider>"), "autoconfig.broken.example")
	w.serveHTTPS(t, xmlHandler(string(doc(provider, ""))), "autoconfig.empty.example")
	w.serveHTTPS(t, http.RedirectHandler("https://autoconfig.missing.example/elsewhere.xml", http.StatusFound), "autoconfig.moved404.example")
	ip := testnet.IP()
	w.ca.ServeHTTPS(t, ip, xmlHandler(configXML("x")), "other-name.example")
	w.dns.Host(t, ip, "autoconfig.badcert.example")
	w.dns.Host(t, testnet.IP(), "autoconfig.refused.example")
	src := &autoconfig.DomainSource{Fetcher: w.fetcher}
	// As lookup wires it, the fetcher resolves the host before any request.
	r := &resolver.Resolver{Servers: []string{w.dns.Addr}, Dial: testnet.Dial}
	resolving := &autoconfig.DomainSource{Fetcher: &autoconfig.Fetcher{Client: w.fetcher.Client, LookupIP: r.LookupIP}}
	ctx := context.Background()

	for _, email := range []string{"alice@self.example", "bob@self.example"} {
		a, err := src.Lookup(ctx, testnet.Addr(t, email))
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		if a.OnlyFor != email {
			t.Errorf("%s: OnlyFor %q; the answer was given for %s alone", email, a.OnlyFor, email)
		}
	}
	if !who.sentAddress() {
		t.Fatal("the autoconfig host was not asked with the address; the test proves nothing")
	}

	for _, tt := range []struct {
		email    string
		notFound bool
		bound    bool
	}{
		{"me@missing.example", true, true},   // HTTP 404
		{"me@broken.example", false, true},   // malformed XML
		{"me@empty.example", true, true},     // no POP3, IMAP or SMTP section
		{"me@moved404.example", true, true},  // a redirect, then 404
		{"me@badcert.example", false, true},  // TLS, after connecting
		{"me@nowhere.example", true, false},  // NXDOMAIN: asked of nobody
		{"me@refused.example", false, false}, // no connection: asked of nobody
	} {
		for name, src := range map[string]*autoconfig.DomainSource{"dialling": src, "resolving first": resolving} {
			_, err := src.Lookup(ctx, testnet.Addr(t, tt.email))
			if err == nil {
				t.Errorf("%s, %s: no error", tt.email, name)
				continue
			}
			if errors.Is(err, settings.ErrNotFound) != tt.notFound {
				t.Errorf("%s, %s: errors.Is(ErrNotFound) = %v, want %v (%v)", tt.email, name, !tt.notFound, tt.notFound, err)
			}
			var be *settings.AddressBoundError
			switch {
			case errors.As(err, &be) != tt.bound:
				t.Errorf("%s, %s: bound to the address = %v, want %v (%v)", tt.email, name, !tt.bound, tt.bound, err)
			case tt.bound && be.Address != tt.email:
				t.Errorf("%s, %s: bound to %q", tt.email, name, be.Address)
			}
		}
	}
}

// TestDomainLevelFetchesNameNoAddress: the .well-known file, the
// plain-HTTP file, the ISP database and the hoster's files that the MX
// source reads are asked without the address, so their answers and
// failures are the domain's.
func TestDomainLevelFetchesNameNoAddress(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var who asked
	ok := who.wrap(xmlHandler(configXML("pop.shared.example")))
	w.serveHTTPS(t, ok, "wk.example", "autoconfig.hoster.example", "ispdb.test")
	w.serveHTTPS(t, who.wrap(http.NotFoundHandler()), "wk404.example", "autoconfig.hoster404.example")
	w.serveHTTP(t, ok, "autoconfig.plain.example")
	ctx := context.Background()
	addr := func(s string) settings.Address { return testnet.Addr(t, s) }
	hosted := &autoconfig.Hosted{Fetcher: w.fetcher, ISPDB: "https://ispdb.test/v1.1/"}
	for name, lookup := range map[string]func() (*settings.Answer, error){
		"well-known": func() (*settings.Answer, error) {
			return (&autoconfig.WellKnownSource{Fetcher: w.fetcher}).Lookup(ctx, addr("me@wk.example"))
		},
		"plain HTTP": func() (*settings.Answer, error) {
			return (&autoconfig.PlainHTTPSource{Fetcher: w.fetcher}).Lookup(ctx, addr("me@plain.example"))
		},
		"ISPDB": func() (*settings.Answer, error) {
			return (&autoconfig.ISPDBSource{Fetcher: w.fetcher, Base: "https://ispdb.test/v1.1/"}).Lookup(ctx, addr("me@isp.example"))
		},
		"hosted": func() (*settings.Answer, error) {
			return hosted.Lookup(ctx, "hoster.example", addr("me@customer.example"))
		},
	} {
		a, err := lookup()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if a.OnlyFor != "" {
			t.Errorf("%s: OnlyFor %q; a domain-level answer is everyone's", name, a.OnlyFor)
		}
	}
	for name, lookup := range map[string]func() (*settings.Answer, error){
		"well-known": func() (*settings.Answer, error) {
			return (&autoconfig.WellKnownSource{Fetcher: w.fetcher}).Lookup(ctx, addr("me@wk404.example"))
		},
		"hosted": func() (*settings.Answer, error) {
			return (&autoconfig.Hosted{Fetcher: w.fetcher}).Lookup(ctx, "hoster404.example", addr("me@customer.example"))
		},
	} {
		_, err := lookup()
		var be *settings.AddressBoundError
		if !errors.Is(err, settings.ErrNotFound) || errors.As(err, &be) {
			t.Errorf("%s: %v; want a not-found for the domain, not for one address", name, err)
		}
	}
	if who.sentAddress() {
		t.Errorf("a domain-level fetch named the address: %q", who.queries)
	}
}
