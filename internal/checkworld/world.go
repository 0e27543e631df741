// Package checkworld is the in-process world that the tests of popfind
// check run against: a DNS server, a test CA, web servers that publish
// autoconfig files, Autodiscover and an ISP database, and live mail
// servers (a real Dovecot where it can run, go-smtp, and in-process
// servers that misbehave on purpose). It holds one domain per finding
// code, each publishing exactly that problem, and one clean domain. It is
// for tests only; nothing in it reaches the Internet.
package checkworld

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
)

// Domains of the world, by what they show.
const (
	Clean = "clean.test"
	// Elsewhere is the domain that redirect.test's autoconfig URL
	// redirects to.
	Elsewhere = "elsewhere.test"
)

// World is a running test world. Its fields are read-only.
type World struct {
	DNS *testnet.DNS
	CA  *testnet.CA
	// DNSAddr, RootCAs, Dial and ISPDB are the lookup.Config pieces that
	// reach the world (Config puts them together).
	DNSAddr string
	RootCAs *x509.CertPool
	ISPDB   string
	// Clean is the clean domain: agreeing autoconfig, .well-known, SRV and
	// Autodiscover for POP3, IMAP and SMTP, on live TLS servers. A check of
	// it has no findings.
	Clean string
	// Domains maps a finding code (check.Code...) to the domain that
	// shows it, and nothing else. servers_not_checked has none (its
	// tests are check's own).
	Domains map[string]string
	// Hostile is a domain whose autoconfig file and servers send control
	// and bidirectional characters: an autoconfig hostname, and an IMAP
	// greeting. None of them may reach a finding's text.
	Hostile string
	// Dovecot is true when a real Dovecot serves POP3 and IMAP; false when
	// in-process servers configured as Dovecot is stand in (no Dovecot
	// binary, not root, or NoDovecotEnv set).
	Dovecot bool
}

// NoDovecotEnv, set to 1, makes New use the in-process stand-ins even
// where Dovecot could run, to test them.
const NoDovecotEnv = "POPFIND_TEST_NO_DOVECOT"

// hostileText is what the hostile domain's servers put in their text: an
// escape sequence, a right-to-left override and a C1 control.
const hostileText = "\x1b[2J\u202eevil\u0085"

// Config returns a lookup.Config that reaches the world: its DNS server,
// its CA, its ISP database, testnet.Dial, and a 5-second timeout.
func (w *World) Config() lookup.Config {
	return lookup.Config{DNS: w.DNSAddr, RootCAs: w.RootCAs, Dial: testnet.Dial, ISPDB: w.ISPDB, Timeout: 5 * time.Second}
}

// Dial is testnet.Dial, for lookup.Config.Dial.
var Dial = testnet.Dial

// server is a server section of an autoconfig file, its socket type as
// written (so that a test can write an invalid one).
type server struct {
	proto, host string
	port        int
	socket      string
}

// std are the servers every domain publishes unless it says otherwise:
// implicit TLS on the standard ports, on live servers.
func std(d string) []server {
	return []server{pop(d), imap(d), smtp(d)}
}

func pop(d string) server  { return server{"pop3", "mail." + d, 995, "SSL"} }
func imap(d string) server { return server{"imap", "mail." + d, 993, "SSL"} }
func smtp(d string) server { return server{"smtp", "smtp." + d, 465, "SSL"} }

// autoconfigXML writes an autoconfig file for d naming servers, in order.
func autoconfigXML(d string, servers ...server) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n<emailProvider id=\"%s\">\n<domain>%%EMAILDOMAIN%%</domain>\n<displayName>%s</displayName>\n", d, d)
	for _, s := range servers {
		el := "incomingServer"
		if s.proto == "smtp" {
			el = "outgoingServer"
		}
		fmt.Fprintf(&b, "<%s type=\"%s\"><hostname>%s</hostname><port>%d</port><socketType>%s</socketType><username>%%EMAILADDRESS%%</username><authentication>password-cleartext</authentication></%s>\n",
			el, s.proto, s.host, s.port, s.socket, el)
	}
	b.WriteString("</emailProvider>\n</clientConfig>\n")
	return b.String()
}

// autodiscoverXML writes a POX Autodiscover answer naming servers.
func autodiscoverXML(servers ...server) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
<Account><AccountType>email</AccountType><Action>settings</Action>
`)
	for _, s := range servers {
		enc := "SSL"
		if s.socket == "STARTTLS" {
			enc = "TLS"
		}
		fmt.Fprintf(&b, "<Protocol><Type>%s</Type><Server>%s</Server><Port>%d</Port><SSL>on</SSL><Encryption>%s</Encryption></Protocol>\n",
			strings.ToUpper(s.proto), s.host, s.port, enc)
	}
	b.WriteString("</Account>\n</Response>\n</Autodiscover>\n")
	return b.String()
}

// domain is what one domain of the world publishes.
type domain struct {
	name string
	// autoconfig, wellKnown, plainHTTP, ispdb and autodiscover are the
	// documents served; empty means 404.
	autoconfig, wellKnown, plainHTTP, ispdb, autodiscover string
	// redirect, when set, is where the autoconfig URL redirects.
	redirect string
	// srv are SRV records in zone-file form.
	srv []string
	// autodiscoverHTTPOnly serves autodiscover.<name> over plain HTTP
	// only.
	autodiscoverHTTPOnly bool
}

// New starts the world; everything stops when the test ends.
func New(t testing.TB) *World {
	t.Helper()
	w := &World{DNS: testnet.NewDNS(t), CA: testnet.NewCA(t), Clean: Clean, Domains: map[string]string{}}
	w.DNSAddr, w.RootCAs = w.DNS.Addr, w.CA.Pool()
	dns := w.DNS
	srvLine := func(svc, d string, port int, target string) string {
		return fmt.Sprintf("%s._tcp.%s. 3600 IN SRV 0 1 %d %s.", svc, d, port, target)
	}
	stdSRV := func(d string) []string {
		return []string{
			srvLine("_pop3s", d, 995, "mail."+d),
			srvLine("_imaps", d, 993, "mail."+d),
			srvLine("_submissions", d, 465, "smtp."+d),
		}
	}
	// The domains, one per finding code (the codes are check's; this
	// package cannot import check, whose tests import it).
	ds := []domain{
		{name: Clean, autoconfig: autoconfigXML(Clean, std(Clean)...), wellKnown: autoconfigXML(Clean, std(Clean)...),
			srv: stdSRV(Clean), autodiscover: autodiscoverXML(std(Clean)...)},
		{name: "missing.test", srv: stdSRV("missing.test")},
		{name: "httponly.test", plainHTTP: autoconfigXML("httponly.test", std("httponly.test")...)},
		{name: "invalid.test", autoconfig: autoconfigXML("invalid.test",
			server{"pop3", "mail.invalid.test", 995, "TLS"}, imap("invalid.test"), smtp("invalid.test"))},
		{name: "redirect.test", redirect: "https://autoconfig." + Elsewhere + "/redirect.test/config-v1.1.xml",
			autoconfig: autoconfigXML("redirect.test", std("redirect.test")...)},
		{name: "disagree.test", autoconfig: autoconfigXML("disagree.test", std("disagree.test")...),
			srv: []string{srvLine("_imaps", "disagree.test", 993, "imap.disagree.test")}},
		{name: "plaintext.test", autoconfig: autoconfigXML("plaintext.test",
			server{"pop3", "mail.plaintext.test", 110, "plain"}, imap("plaintext.test"), smtp("plaintext.test"))},
		{name: "starttls.test", autoconfig: autoconfigXML("starttls.test",
			server{"pop3", "mail.starttls.test", 110, "STARTTLS"}, imap("starttls.test"), smtp("starttls.test"))},
		{name: "unreachable.test", autoconfig: autoconfigXML("unreachable.test",
			server{"pop3", "down.unreachable.test", 995, "SSL"}, imap("unreachable.test"), smtp("unreachable.test"))},
		{name: "wrongproto.test", autoconfig: autoconfigXML("wrongproto.test",
			server{"pop3", "pop.wrongproto.test", 995, "SSL"}, imap("wrongproto.test"), smtp("wrongproto.test"))},
		{name: "certinvalid.test", autoconfig: autoconfigXML("certinvalid.test",
			server{"pop3", "pop.certinvalid.test", 995, "SSL"}, imap("certinvalid.test"), smtp("certinvalid.test"))},
		{name: "expiring.test", autoconfig: autoconfigXML("expiring.test",
			server{"pop3", "pop.expiring.test", 995, "SSL"}, imap("expiring.test"), smtp("expiring.test"))},
		{name: "tlsold.test", autoconfig: autoconfigXML("tlsold.test",
			server{"pop3", "pop.tlsold.test", 995, "SSL"}, imap("tlsold.test"), smtp("tlsold.test"))},
		{name: "authplain.test", autoconfig: autoconfigXML("authplain.test",
			pop("authplain.test"), server{"pop3", "pop110.authplain.test", 110, "STARTTLS"}, imap("authplain.test"), smtp("authplain.test"))},
		{name: "srvnohost.test", autoconfig: autoconfigXML("srvnohost.test", imap("srvnohost.test"), smtp("srvnohost.test")),
			srv: []string{srvLine("_pop3s", "srvnohost.test", 995, "gone.srvnohost.test")}},
		{name: "srvforeign.test", autoconfig: autoconfigXML("srvforeign.test", imap("srvforeign.test"), smtp("srvforeign.test")),
			srv: []string{srvLine("_pop3s", "srvforeign.test", 995, "mail.foreign-host.test")}},
		{name: "nosubmit.test", autoconfig: autoconfigXML("nosubmit.test", pop("nosubmit.test"), imap("nosubmit.test"))},
		{name: "stale.test", autoconfig: autoconfigXML("stale.test", std("stale.test")...),
			ispdb: autoconfigXML("stale.test", server{"pop3", "old-pop.stale.test", 995, "SSL"}, imap("stale.test"), smtp("stale.test"))},
		{name: "adhttp.test", autoconfig: autoconfigXML("adhttp.test", std("adhttp.test")...), autodiscoverHTTPOnly: true},
		{name: "hostile.test", autoconfig: autoconfigXML("hostile.test",
			server{"pop3", "pop\u202e.hostile.test\u0085", 995, "SSL"}, server{"imap", "imap.hostile.test", 993, "SSL"}, smtp("hostile.test"))},
	}
	w.Hostile = "hostile.test"
	codes := []string{"", "autoconfig_missing", "autoconfig_http_only", "autoconfig_invalid", "autoconfig_redirect_offdomain",
		"sources_disagree", "plaintext", "starttls_only", "server_unreachable", "wrong_protocol", "cert_invalid",
		"cert_expiring", "tls_old", "auth_before_tls", "srv_target_unresolved", "srv_foreign_target", "no_submission",
		"ispdb_stale", "autodiscover_http_only", ""}
	byName := map[string]*domain{}
	for i := range ds {
		if codes[i] != "" {
			w.Domains[codes[i]] = ds[i].name
		}
		byName[ds[i].name] = &ds[i]
	}
	// A domain that does not exist: no name of it is in DNS.
	w.Domains["domain_not_found"] = "nxdomain.test"
	// A domain whose every name fails at the DNS server (a lame
	// delegation, a broken DNSSEC signature).
	broken := "servfail.test"
	w.Domains["dns_failure"] = broken
	for _, n := range []string{broken, "autoconfig." + broken, "autodiscover." + broken, "_autodiscover._tcp." + broken,
		"_pop3s._tcp." + broken, "_pop3._tcp." + broken, "_imaps._tcp." + broken, "_imap._tcp." + broken,
		"_submissions._tcp." + broken, "_submission._tcp." + broken} {
		dns.ServFail(n)
	}
	long := time.Now().Add(90 * 24 * time.Hour)

	// The web: autoconfig.D, D (.well-known, Autodiscover), autodiscover.D
	// and the ISP database, on one address, HTTPS and plain HTTP.
	webIP := testnet.IP()
	webNames := []string{"ispdb.world.test", "autoconfig." + Elsewhere}
	for _, d := range ds {
		names := []string{d.name, "autoconfig." + d.name}
		if !d.autodiscoverHTTPOnly {
			names = append(names, "autodiscover."+d.name)
		}
		webNames = append(webNames, names...)
		dns.Host(t, webIP, names...)
	}
	dns.Host(t, webIP, "ispdb.world.test", "autoconfig."+Elsewhere)
	w.ISPDB = "https://ispdb.world.test/v1.1/"
	xmlOut := func(rw http.ResponseWriter, body string) {
		rw.Header().Set("Content-Type", "application/xml")
		io.WriteString(rw, body)
	}
	web := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		host := strings.ToLower(r.Host)
		switch {
		case host == "ispdb.world.test" && strings.HasPrefix(r.URL.Path, "/v1.1/"):
			if d := byName[strings.TrimPrefix(r.URL.Path, "/v1.1/")]; d != nil && d.ispdb != "" {
				xmlOut(rw, d.ispdb)
				return
			}
		case host == "autoconfig."+Elsewhere:
			if d := byName[strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/config-v1.1.xml")]; d != nil && d.redirect != "" {
				xmlOut(rw, d.autoconfig)
				return
			}
		case strings.HasPrefix(host, "autoconfig.") && r.URL.Path == "/mail/config-v1.1.xml":
			if d := byName[strings.TrimPrefix(host, "autoconfig.")]; d != nil {
				switch {
				case d.redirect != "":
					http.Redirect(rw, r, d.redirect, http.StatusFound)
					return
				case d.autoconfig != "":
					xmlOut(rw, d.autoconfig)
					return
				}
			}
		case r.URL.Path == "/.well-known/autoconfig/mail/config-v1.1.xml":
			if d := byName[host]; d != nil && d.wellKnown != "" {
				xmlOut(rw, d.wellKnown)
				return
			}
		case r.URL.Path == "/autodiscover/autodiscover.xml" && r.Method == http.MethodPost:
			io.Copy(io.Discard, io.LimitReader(r.Body, 1<<16))
			if r.Header.Get("Authorization") != "" {
				http.Error(rw, "no credentials here", http.StatusBadRequest)
				return
			}
			if d := byName[strings.TrimPrefix(host, "autodiscover.")]; d != nil && d.autodiscover != "" {
				xmlOut(rw, d.autodiscover)
				return
			}
		}
		http.NotFound(rw, r)
	})
	w.CA.ServeHTTPS(t, webIP, web, webNames...)
	plainWeb := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		host := strings.ToLower(r.Host)
		if d := byName[strings.TrimPrefix(host, "autoconfig.")]; d != nil && d.plainHTTP != "" && r.URL.Path == "/mail/config-v1.1.xml" {
			xmlOut(rw, d.plainHTTP)
			return
		}
		http.NotFound(rw, r)
	})
	testnet.ServeHTTP(t, webIP, plainWeb)
	// Autodiscover over plain HTTP only.
	adIP := testnet.IP()
	for _, d := range ds {
		if d.autodiscoverHTTPOnly {
			dns.Host(t, adIP, "autodiscover."+d.name)
		}
	}
	testnet.ServeHTTP(t, adIP, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { http.NotFound(rw, r) }))

	// SRV records.
	for _, d := range ds {
		if len(d.srv) > 0 {
			dns.Add(t, d.srv...)
		}
	}

	// POP3 and IMAP: Dovecot, or servers that behave as it does.
	mailIP := testnet.IP()
	mailNames := []string{"imap.disagree.test", "mail.foreign-host.test"}
	for _, d := range ds {
		mailNames = append(mailNames, "mail."+d.name)
	}
	dns.Host(t, mailIP, mailNames...)
	mailCert := w.CA.Leaf(t, long, mailNames...)
	var dv *testnet.Dovecot
	err := fmt.Errorf("%w: %s is set", testnet.ErrNoDovecot, NoDovecotEnv)
	if os.Getenv(NoDovecotEnv) != "1" {
		dv, err = testnet.StartDovecot(t, testnet.DovecotConfig{IP: mailIP, Cert: mailCert})
	}
	switch {
	case err == nil:
		w.Dovecot = true
		t.Logf("checkworld: POP3 and IMAP served by Dovecot on %s", mailIP)
	case errors.Is(err, testnet.ErrNoDovecot):
		t.Logf("checkworld: %v; POP3 and IMAP served by in-process servers configured as Dovecot is", err)
	default:
		t.Fatal(err)
	}
	if dv == nil {
		(&testnet.POP3{TLS: true, Cert: &mailCert}).Listen(t, mailIP, 995)
		(&testnet.POP3{STLS: true, Cert: &mailCert, NoPlainBeforeTLS: true}).Listen(t, mailIP, 110)
	}
	if dv == nil || dv.IMAP == 0 {
		(&testnet.IMAP{TLS: true, Cert: &mailCert}).Listen(t, mailIP, 993)
		(&testnet.IMAP{STARTTLS: true, Cert: &mailCert}).Listen(t, mailIP, 143)
	}

	// SMTP submission: go-smtp, implicit TLS.
	smtpIP := testnet.IP()
	var smtpNames []string
	for _, d := range ds {
		smtpNames = append(smtpNames, "smtp."+d.name)
	}
	dns.Host(t, smtpIP, smtpNames...)
	smtpCert := w.CA.Leaf(t, long, smtpNames...)
	(&testnet.SMTP{TLS: true, Cert: &smtpCert}).Listen(t, smtpIP, 465)

	// The servers that show one problem each.
	one := func(name string) string {
		ip := testnet.IP()
		dns.Host(t, ip, name)
		return ip
	}
	one("down.unreachable.test") // nothing listens there
	// The server stale.test's ISP database entry names was switched off.
	one("old-pop.stale.test")
	wrongCert := w.CA.Leaf(t, long, "pop.wrongproto.test")
	(&testnet.SMTP{TLS: true, Cert: &wrongCert, Domain: "pop.wrongproto.test"}).Listen(t, one("pop.wrongproto.test"), 995)
	otherCert := w.CA.Leaf(t, long, "other.example")
	(&testnet.POP3{TLS: true, Cert: &otherCert}).Listen(t, one("pop.certinvalid.test"), 995)
	soonCert := w.CA.Leaf(t, time.Now().Add(5*24*time.Hour), "pop.expiring.test")
	(&testnet.POP3{TLS: true, Cert: &soonCert}).Listen(t, one("pop.expiring.test"), 995)
	oldCert := w.CA.Leaf(t, long, "pop.tlsold.test")
	(&testnet.POP3{TLS: true, Cert: &oldCert, MaxTLS: tls.VersionTLS11}).Listen(t, one("pop.tlsold.test"), 995)
	looseCert := w.CA.Leaf(t, long, "pop110.authplain.test")
	(&testnet.POP3{STLS: true, Cert: &looseCert}).Listen(t, one("pop110.authplain.test"), 110)
	hostileCert := w.CA.Leaf(t, long, "imap.hostile.test")
	(&testnet.IMAP{TLS: true, Cert: &hostileCert, Greeting: "* BAD " + hostileText}).Listen(t, one("imap.hostile.test"), 993)
	return w
}
