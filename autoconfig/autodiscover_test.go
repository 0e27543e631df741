package autoconfig_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
)

func adXML(account string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account><AccountType>email</AccountType>` + account + `</Account>
  </Response>
</Autodiscover>`
}

const popProtocol = `<Action>settings</Action>
  <Protocol><Type>IMAP</Type><Server>imap.ex.example</Server><Port>993</Port><SSL>on</SSL></Protocol>
  <Protocol><Type>POP3</Type><Server>pop.ex.example</Server><Port>995</Port><LoginName>me@ex.example</LoginName><SSL>on</SSL><Encryption>SSL</Encryption></Protocol>
  <Protocol><Type>POP3</Type><Server>pop.ex.example</Server><Port>110</Port><SSL>on</SSL><Encryption>TLS</Encryption></Protocol>`

// adHandler answers POSTed Autodiscover requests with body, checking that
// the request names the address and the response schema.
func adHandler(t *testing.T, body string, hits *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits != nil {
			hits.Add(1)
		}
		req, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || !strings.Contains(string(req), "<EMailAddress>") ||
			!strings.Contains(string(req), "outlook/responseschema/2006a") {
			http.Error(w, "bad request", 400)
			return
		}
		if r.Header.Get("Authorization") != "" {
			t.Errorf("credentials sent: %q", r.Header.Get("Authorization"))
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, body)
	})
}

func (w *world) autodiscover() *autoconfig.AutodiscoverSource {
	return &autoconfig.AutodiscoverSource{Fetcher: w.fetcher, Resolver: &resolver.Resolver{Servers: []string{w.dns.Addr}}}
}

func TestAutodiscover(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.serveHTTPS(t, adHandler(t, adXML(popProtocol), nil), "autodiscover.ex.example")
	w.serveHTTPS(t, adHandler(t, adXML(`<Action>settings</Action><Protocol><Type>IMAP</Type><Server>imap.imaponly.example</Server><Port>993</Port></Protocol>`), nil), "autodiscover.imaponly.example")
	w.serveHTTPS(t, adHandler(t, adXML(`<Action>settings</Action><Protocol><Type>POP3</Type><Server>pop.nossl.example</Server><Port>110</Port><SSL>off</SSL></Protocol>`), nil), "autodiscover.nossl.example")
	w.serveHTTPS(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("WWW-Authenticate", `Basic realm="x"`)
		http.Error(rw, "login", http.StatusUnauthorized)
	}), "autodiscover.login.example")
	w.serveHTTPS(t, adHandler(t, "<Autodiscover><Response><Account>", nil), "autodiscover.broken.example")
	// Redirects: RedirectAddr to another domain, RedirectUrl, HTTP 302.
	w.serveHTTPS(t, adHandler(t, adXML(`<Action>redirectAddr</Action><RedirectAddr>me@ex.example</RedirectAddr>`), nil), "autodiscover.moved.example")
	w.serveHTTPS(t, adHandler(t, adXML(`<Action>redirectUrl</Action><RedirectUrl>https://autodiscover.ex.example/autodiscover/autodiscover.xml</RedirectUrl>`), nil), "autodiscover.url.example")
	w.serveHTTPS(t, http.RedirectHandler("https://autodiscover.ex.example/autodiscover/autodiscover.xml", http.StatusFound), "autodiscover.http302.example")
	w.serveHTTPS(t, http.RedirectHandler("http://autodiscover.ex.example/autodiscover/autodiscover.xml", http.StatusFound), "autodiscover.downgrade.example")
	w.serveHTTPS(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "https://autodiscover.loop.example/autodiscover/autodiscover.xml?"+r.URL.RawQuery+"x", http.StatusFound)
	}), "autodiscover.loop.example")
	// Only the SRV record leads to the endpoint.
	w.serveHTTPS(t, adHandler(t, adXML(popProtocol), nil), "exchange.hoster.example")
	w.dns.Add(t, "_autodiscover._tcp.srvonly.example. 60 IN SRV 0 0 443 exchange.hoster.example.")

	s := w.autodiscover()
	tests := []struct {
		email, want, url, warn string
	}{
		{"me@ex.example", "pop.ex.example:995/SSL/%EMAILADDRESS% pop.ex.example:110/STARTTLS/%EMAILADDRESS%", "https://autodiscover.ex.example/autodiscover/autodiscover.xml", ""},
		{"me@nossl.example", "pop.nossl.example:110/plain/%EMAILADDRESS%", "", ""},
		{"someone@moved.example", "pop.ex.example:995/SSL/me@ex.example pop.ex.example:110/STARTTLS/me@ex.example", "https://autodiscover.ex.example/autodiscover/autodiscover.xml", "another domain"},
		{"me@url.example", "pop.ex.example:995/SSL/me@ex.example pop.ex.example:110/STARTTLS/%EMAILADDRESS%", "", "another domain"},
		{"me@http302.example", "pop.ex.example:995/SSL/me@ex.example pop.ex.example:110/STARTTLS/%EMAILADDRESS%", "", "another domain"},
		{"me@srvonly.example", "pop.ex.example:995/SSL/me@ex.example pop.ex.example:110/STARTTLS/%EMAILADDRESS%", "https://exchange.hoster.example/autodiscover/autodiscover.xml", ""},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			a, err := s.Lookup(context.Background(), testnet.Addr(t, tt.email))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range a.Only(settings.POP3).Servers {
				got = append(got, fmt.Sprintf("%s:%d/%s/%s", x.Host, x.Port, x.SocketType, x.Username))
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("servers %s\nwant    %s", strings.Join(got, " "), tt.want)
			}
			if tt.url != "" && a.SourceURL != tt.url {
				t.Errorf("SourceURL %s, want %s", a.SourceURL, tt.url)
			}
			// The request carried the address: the answer is its alone.
			if a.OnlyFor != tt.email {
				t.Errorf("OnlyFor %q, want %q", a.OnlyFor, tt.email)
			}
			var warns []string
			for _, m := range a.Warnings {
				warns = append(warns, i18n.English.Format(m))
			}
			if (tt.warn == "") != (len(warns) == 0) || !strings.Contains(strings.Join(warns, "|"), tt.warn) {
				t.Errorf("warnings %q, want one with %q", warns, tt.warn)
			}
		})
	}
	for _, tt := range []struct {
		email    string
		notFound bool
		want     string
	}{
		{"me@login.example", true, "never sends credentials"},
		{"me@broken.example", false, "parse"},
		{"me@downgrade.example", false, "HTTPS only"},
		{"me@loop.example", false, "more than 10 redirects"},
		{"me@nothing.example", true, ""},
	} {
		_, err := s.Lookup(context.Background(), testnet.Addr(t, tt.email))
		if err == nil || errors.Is(err, settings.ErrNotFound) != tt.notFound || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v; want notFound=%v mentioning %q", tt.email, err, tt.notFound, tt.want)
		}
	}
	// An answer with IMAP alone says, for the other protocols, that it has
	// none.
	a, err := s.Lookup(context.Background(), testnet.Addr(t, "me@imaponly.example"))
	if err != nil {
		t.Fatal(err)
	}
	if got := testnet.Hosts(a); got != "imap.imaponly.example:993/SSL" {
		t.Errorf("IMAP-only answer: %s", got)
	}
	if m := a.Parts[settings.POP3]; m == nil || m.Missing == nil || !strings.Contains(i18n.English.Format(*m.Missing), "no POP3 protocol") {
		t.Errorf("POP3 part %+v; want it to say there is no POP3 protocol", m)
	}
}

// IMAP and SMTP Protocol elements: Encryption names the socket type, and
// without it the port does (143 and 587 STARTTLS, others implicit TLS).
func TestAutodiscoverIMAPAndSMTP(t *testing.T) {
	t.Parallel()
	addr := testnet.Addr(t, "me@ex.example")
	doc := adXML(`<Action>settings</Action>
  <Protocol><Type>IMAP</Type><Server>imap.ex.example</Server><Port>993</Port><SSL>on</SSL></Protocol>
  <Protocol><Type>IMAP</Type><Server>imap.ex.example</Server><Port>143</Port><SSL>on</SSL></Protocol>
  <Protocol><Type>SMTP</Type><Server>smtp.ex.example</Server><Port>587</Port><SSL>on</SSL><Encryption>TLS</Encryption></Protocol>
  <Protocol><Type>SMTP</Type><Server>smtp.ex.example</Server><Port>465</Port><SSL>on</SSL></Protocol>
  <Protocol><Type>SMTP</Type><Server>smtp.ex.example</Server><SSL>on</SSL></Protocol>
  <Protocol><Type>SMTP</Type><Server>bad host</Server><Port>587</Port></Protocol>
  <Protocol><Type>EXCH</Type><Server>exch.ex.example</Server></Protocol>`)
	ad, err := autoconfig.ParseAutodiscover([]byte(doc), addr, addr)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range ad.Servers {
		got = append(got, fmt.Sprintf("%s %s:%d/%s", x.Protocol, x.Host, x.Port, x.SocketType))
	}
	want := "imap imap.ex.example:993/SSL imap imap.ex.example:143/STARTTLS smtp smtp.ex.example:587/STARTTLS smtp smtp.ex.example:465/SSL smtp smtp.ex.example:465/SSL"
	if strings.Join(got, " ") != want {
		t.Errorf("servers %s\nwant    %s", strings.Join(got, " "), want)
	}
	if len(ad.Skipped[settings.SMTP]) != 1 || !strings.Contains(i18n.English.Format(ad.Skipped[settings.SMTP][0]), "Protocol 6 (SMTP)") {
		t.Errorf("skipped %q; want the SMTP element with a bad host", ad.Skipped)
	}
}

// TestAutodiscoverReasons: when no endpoint has settings, the reason says
// so once and names what each endpoint said, in either language.
func TestAutodiscoverReasons(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.serveHTTPS(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Error(rw, "login", http.StatusUnauthorized)
	}), "autodiscover.login.example")
	s := w.autodiscover()
	// What each endpoint said, in the reader's language, as the reason
	// around it: nothing.example does not exist; login.example exists
	// (its autodiscover host has an address) but has no address itself.
	said := map[string][]i18n.Msg{
		"nothing.example": {i18n.M(i18n.ReasonDNSNoHost, "autodiscover.nothing.example"), i18n.M(i18n.ReasonDNSNoHost, "nothing.example"),
			i18n.M(i18n.NFNoRecord, "_autodiscover._tcp.nothing.example")},
		"login.example": {i18n.M(i18n.NFLoginWanted, "https://autodiscover.login.example/autodiscover/autodiscover.xml", "401"),
			i18n.M(i18n.ReasonDNSNoAddress, "login.example"), i18n.M(i18n.NFNoRecord, "_autodiscover._tcp.login.example")},
	}
	clauses := func(lang i18n.Lang, domain string) string {
		var out []string
		for _, m := range said[domain] {
			out = append(out, lang.Format(m))
		}
		return strings.Join(out, lang.ClauseSep())
	}
	for _, tt := range []struct{ domain string }{{"nothing.example"}, {"login.example"}} {
		_, err := s.Lookup(context.Background(), testnet.Addr(t, "me@"+tt.domain))
		en := "no Autodiscover endpoint of " + tt.domain + " gave settings (" + clauses(i18n.English, tt.domain) + ")"
		zh := tt.domain + " 的 Autodiscover 端点都没有给出设置（" + clauses(i18n.Chinese, tt.domain) + "）"
		if !errors.Is(err, settings.ErrNotFound) {
			t.Errorf("%s: %v; want not found", tt.domain, err)
		}
		m, ok := settings.Reason(err)
		if !ok {
			t.Errorf("%s: %v has no reason", tt.domain, err)
			continue
		}
		if got := i18n.English.Format(m); got != en {
			t.Errorf("%s English reason\n got %s\nwant %s", tt.domain, got, en)
		}
		if got := i18n.Chinese.Format(m); got != zh {
			t.Errorf("%s Chinese reason\n got %s\nwant %s", tt.domain, got, zh)
		}
		if got := err.Error(); got != "not found: "+en {
			t.Errorf("%s error\n got %s\nwant not found: %s", tt.domain, got, en)
		}
	}
}

// TestHostedReason: a hoster without an autoconfig file or an ISP database
// entry is not found once, not "not found: not found".
func TestHostedReason(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.serveHTTPS(t, http.NotFoundHandler(), "ispdb.test")
	h := &autoconfig.Hosted{Fetcher: w.fetcher, ISPDB: "https://ispdb.test/v1.1/"}
	_, err := h.Lookup(context.Background(), "hoster.example", testnet.Addr(t, "me@customer.example"))
	said := []i18n.Msg{i18n.M(i18n.ReasonDNSNoHost, "autoconfig.hoster.example"), i18n.M(i18n.ReasonHTTPStatus, "https://ispdb.test/v1.1/hoster.example", "404 Not Found")}
	clauses := func(lang i18n.Lang) string {
		return lang.Format(said[0]) + lang.ClauseSep() + lang.Format(said[1])
	}
	en := "hoster.example publishes no autoconfig file (" + clauses(i18n.English) + ")"
	m, ok := settings.Reason(err)
	if !errors.Is(err, settings.ErrNotFound) || !ok {
		t.Fatalf("%v: want not found, with a reason", err)
	}
	if got := i18n.English.Format(m); got != en {
		t.Errorf("English reason\n got %s\nwant %s", got, en)
	}
	if got, want := i18n.Chinese.Format(m), "hoster.example 没有公布自动配置文件（"+clauses(i18n.Chinese)+"）"; got != want {
		t.Errorf("Chinese reason\n got %s\nwant %s", got, want)
	}
	if got := err.Error(); got != "not found: "+en {
		t.Errorf("error\n got %s\nwant not found: %s", got, en)
	}
}
