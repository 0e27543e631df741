package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
)

// TestHostileServers runs whole lookups against servers that misbehave. In
// every case the lookup returns by its deadline plus a second, stays under
// 50 MiB, falls back to the domain's SRV records, and its attempts name the
// cause. The hostile server sits at autoconfig.<domain>, the source of
// highest precedence after the built-in table, so nothing hides it.
func TestHostileServers(t *testing.T) {
	w := newWorld(t)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	config := func(host, port string) string {
		return `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="x"><domain>x</domain>
<incomingServer type="pop3"><hostname>` + host + `</hostname><port>` + port + `</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
</emailProvider></clientConfig>`
	}
	xml := func(body string) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Content-Type", "text/xml")
			rw.Write([]byte(body))
		})
	}
	// An attribute value that never ends: the parser must hold it whole, so
	// only the body cap stops it.
	chunk := []byte(strings.Repeat("0123456789abcdef", 4096))
	plainIP := testnet.IP()
	testnet.ServeHTTP(t, plainIP, xml(config("pop.plain-http.example", "995")))
	w.dns.Host(t, plainIP, "plain.hostile.example")

	type hostile struct {
		name    string
		handler http.Handler // served at autoconfig.<domain>
		dns     func(domain string)
		cause   string // in the autoconfig attempt's error
	}
	cases := []hostile{
		{"20 MB body", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Content-Type", "text/xml")
			rw.Write([]byte(`<?xml version="1.0"?><clientConfig version="`))
			for sent := 0; sent < 20<<20; sent += len(chunk) {
				if _, err := rw.Write(chunk); err != nil {
					return
				}
			}
		}), nil, "limit"},
		{"one byte a second", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Content-Type", "text/xml")
			// A valid start, then white space that never ends the document.
			rw.Write([]byte(`<?xml version="1.0"?><clientConfig><emailProvider id="x">`))
			testnet.Drip(rw, r, []byte(" "))
		}), nil, "stopped early"},
		{"endless redirects", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			http.Redirect(rw, r, r.URL.Path+"/again", http.StatusFound)
		}), nil, "more than 5 redirects"},
		{"redirect to http", http.RedirectHandler("http://plain.hostile.example/config.xml", http.StatusFound), nil, ""},
		{"HTML page", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Content-Type", "text/html")
			rw.Write([]byte("<html><body>It works!</body></html>"))
		}), nil, `content type "text/html" is not XML`},
		{"XML bomb", xml(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><clientConfig><emailProvider id="&lol3;"/></clientConfig>`), nil, "DOCTYPE with declarations is not allowed"},
		{"external entity", xml(`<?xml version="1.0"?><!DOCTYPE clientConfig SYSTEM "file:///etc/passwd"><clientConfig><emailProvider id="x"><domain>&xxe;</domain></emailProvider></clientConfig>`), nil, "entity"},
		{"invalid UTF-8", xml("<?xml version=\"1.0\"?><clientConfig><emailProvider id=\"\xff\xfe\"><domain>x</domain></emailProvider></clientConfig>"), nil, "UTF-8"},
		{"shell metacharacters in host", xml(config("pop.example.org;rm -rf /", "995")), nil, "not a valid host name"},
		{"space in host", xml(config("pop example.org", "995")), nil, "not a valid host name"},
		{"port inside host", xml(config("pop.example.org:995", "995")), nil, "not a valid host name"},
		{"port out of range", xml(config("pop.example.org", "99999")), nil, "whole number from 1 to 65535"},
		{"negative port", xml(config("pop.example.org", "-995")), nil, "whole number from 1 to 65535"},
		{"CNAME loop", nil, func(d string) {
			w.dns.Add(t, "autoconfig."+d+". 60 IN CNAME autoconfig."+d+".")
		}, "CNAME"},
		{"DNS server never answers", nil, func(d string) { w.dns.Hang("autoconfig." + d) }, "stopped early"},
		{"SERVFAIL", nil, func(d string) { w.dns.ServFail("autoconfig." + d) }, "SERVFAIL"},
		{"certificate for another name", nil, func(d string) {
			ip := testnet.IP()
			w.ca.ServeHTTPS(t, ip, xml(config("pop.example.org", "995")), "someone-else.example")
			w.dns.Host(t, ip, "autoconfig."+d)
		}, "certificate"},
	}
	for i, c := range cases {
		domain := fmt.Sprintf("h%02d.hostile.example", i)
		t.Run(c.name, func(t *testing.T) {
			w.dns.Add(t, fmt.Sprintf("_pop3s._tcp.%s. 60 IN SRV 0 0 995 pop.%s.", domain, domain))
			if c.handler != nil {
				w.https(t, c.handler, "autoconfig."+domain)
			}
			if c.dns != nil {
				c.dns(domain)
			}
			o := w.options(t)
			o.timeout = 2 * time.Second
			f := finder(t, o)
			addr, _ := lookup.ParseAddress("me@" + domain)
			var res *lookup.Result
			start := time.Now()
			peak := peakHeap(func() { res = f.FindAddress(context.Background(), addr) })
			if el := time.Since(start); el > o.timeout+time.Second {
				t.Errorf("returned after %v; the deadline was %v", el, o.timeout)
			}
			if peak > 50<<20 {
				t.Errorf("peak heap %d MiB; the limit is 50", peak>>20)
			}
			if !res.Found || res.Source != lookup.SourceSRV {
				t.Fatalf("found=%v source=%q; want the SRV fallback", res.Found, res.Source)
			}
			at := res.Attempts[1]
			if at.Source != lookup.SourceAutoconfig {
				t.Fatalf("attempt 1 is %s", at.Source)
			}
			if c.cause == "" {
				// The plain-HTTP answer was found, and lost to the SRV one.
				if at.Outcome != lookup.OutcomeFound || !at.Answer.PlainHTTP() {
					t.Errorf("autoconfig attempt %s %v; want an insecure answer", at.Outcome, at.Err)
				}
				return
			}
			if at.Outcome == lookup.OutcomeFound || at.Err == nil || !strings.Contains(at.Err.Error(), c.cause) {
				t.Errorf("autoconfig attempt: %s: %v; want the cause %q", at.Outcome, at.Err, c.cause)
			}
		})
	}
}

// TestHugeSRVAnswer: 1,000 SRV records come back over TCP, and only a
// bounded number are used.
func TestHugeSRVAnswer(t *testing.T) {
	w := newWorld(t)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	var rrs []string
	for i := range 1000 {
		rrs = append(rrs, fmt.Sprintf("_pop3s._tcp.many.example. 60 IN SRV %d 1 995 pop%d.many.example.", i%7, i))
	}
	w.dns.Add(t, rrs...)
	o := w.options(t)
	o.timeout = 2 * time.Second
	f := finder(t, o)
	addr, _ := lookup.ParseAddress("me@many.example")
	start := time.Now()
	res := f.FindAddress(context.Background(), addr)
	if time.Since(start) > 3*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	if !res.Found || res.Source != lookup.SourceSRV {
		t.Fatalf("found=%v source=%s", res.Found, res.Source)
	}
	if n := len(res.Answer.Servers); n > 64 {
		t.Errorf("%d servers kept from 1,000 records; want a bounded number", n)
	}
	if res.Server().Host == "" {
		t.Error("no host")
	}
}
