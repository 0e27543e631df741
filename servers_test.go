package main

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/popfind/popfind/internal/testnet"
)

// scriptWorld is the loopback Internet the CLI scripts see: a DNS server
// that alone knows the test domains, HTTPS servers whose certificates come
// from a CA trusted through SSL_CERT_FILE, and an ISP database mirror.
type scriptWorld struct {
	dnsAddr string
	caFile  string
}

func configXML(id, host string, port int, socket string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="%s">
    <domain>%s</domain>
    <displayName>%s Mail</displayName>
    <incomingServer type="pop3">
      <hostname>%s</hostname>
      <port>%d</port>
      <socketType>%s</socketType>
      <username>%%EMAILLOCALPART%%</username>
      <authentication>password-cleartext</authentication>
      <pop3>
        <leaveMessagesOnServer>true</leaveMessagesOnServer>
        <daysToLeaveMessagesOnServer>7</daysToLeaveMessagesOnServer>
      </pop3>
    </incomingServer>
    <documentation url="https://help.%s/pop3"><descr>POP3 help</descr></documentation>
  </emailProvider>
</clientConfig>
`, id, id, id, host, port, socket, id)
}

// accountXML is an autoconfig file with POP3, IMAP and SMTP sections, the
// way providers publish them.
func accountXML(id string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="%[1]s">
    <domain>%[1]s</domain>
    <displayName>%[1]s Mail</displayName>
    <incomingServer type="imap">
      <hostname>imap.%[1]s</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <username>%%EMAILADDRESS%%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.%[1]s</hostname>
      <port>995</port>
      <socketType>SSL</socketType>
      <username>%%EMAILADDRESS%%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.%[1]s</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <username>%%EMAILADDRESS%%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.%[1]s</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <username>%%EMAILADDRESS%%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
`, id)
}

func xmlAt(path, body string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, body)
	})
	return mux
}

func newScriptWorld(t *testing.T) *scriptWorld {
	d := testnet.NewDNS(t)
	// Servers on the standard ports; without root, on other ports that the
	// popfind under test reaches through the port map (see setup).
	w := &scriptWorld{dnsAddr: d.Addr}
	ca := testnet.NewCA(t)
	w.caFile = ca.WriteFile(t, t.TempDir())
	https := func(h http.Handler, names ...string) {
		ip := testnet.IP()
		ca.ServeHTTPS(t, ip, h, names...)
		d.Host(t, ip, names...)
	}
	// An autoconfig host that exists only in the test DNS: finding it proves
	// that HTTPS fetches resolve names through --dns.
	https(xmlAt("/mail/config-v1.1.xml", configXML("ac.example", "pop.ac.example", 995, "SSL")), "autoconfig.ac.example")
	// A domain whose MX host belongs to a hoster that publishes its own
	// autoconfig: the mx source derives hoster.example from the MX name.
	https(xmlAt("/mail/config-v1.1.xml", configXML("mailhoster.example", "pop.mailhoster.example", 995, "SSL")), "autoconfig.mailhoster.example")
	d.Add(t, "customer.example. 60 IN MX 10 mx1.eu.mailhoster.example.")
	// The ISP database mirror.
	isp := http.NewServeMux()
	isp.HandleFunc("/v1.1/", func(w http.ResponseWriter, r *http.Request) {
		domain := strings.TrimPrefix(r.URL.Path, "/v1.1/")
		if domain != "isp.example" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, configXML("isp.example", "mail.isp.example", 110, "STARTTLS"))
	})
	https(isp, "ispdb.test")
	// Sources that disagree: the domain's autoconfig says one server, its
	// SRV records another.
	https(xmlAt("/mail/config-v1.1.xml", configXML("conflict.example", "mail.conflict.example", 110, "STARTTLS")), "autoconfig.conflict.example")
	d.Add(t,
		"_pop3s._tcp.conflict.example. 60 IN SRV 0 0 995 pop.conflict.example.",
		"_pop3s._tcp.srv-only.example. 60 IN SRV 0 0 995 pop.srv-only.example.",
		"_pop3._tcp.srv-only.example. 60 IN SRV 0 0 110 pop.srv-only.example.",
		"_pop3s._tcp.xn--fsqu00a.xn--0zwm56d. 60 IN SRV 0 0 995 pop.xn--fsqu00a.xn--0zwm56d.",
		"hosted-google.example. 60 IN MX 1 aspmx.l.google.com.",
		"hosted-ms.example. 60 IN MX 0 hosted-ms-example.mail.protection.outlook.com.",
		"hosted-tencent.example. 60 IN MX 5 mxbiz1.qq.com.",
		"_pop3s._tcp.nopop.example. 60 IN SRV 0 0 0 .",
	)
	// A domain whose SRV query is never answered: a lookup that waits.
	d.Hang("_pop3s._tcp.slow.example")

	// POP3 servers for --verify, verify and guessing, on the standard ports.
	pop := func(srv *testnet.POP3, port int, names ...string) {
		ip := testnet.IP()
		srv.Listen(t, ip, port)
		d.Host(t, ip, names...)
	}
	leaf := func(days int, names ...string) *tls.Certificate {
		c := ca.Leaf(t, time.Now().Add(time.Duration(days)*24*time.Hour), names...)
		return &c
	}
	pop(&testnet.POP3{TLS: true, Cert: leaf(90, "pop.verify.example", "pop.guessonly.example")}, 995, "pop.verify.example", "pop.guessonly.example")
	pop(&testnet.POP3{STLS: true, Cert: leaf(90, "mail.verify.example")}, 110, "mail.verify.example")
	pop(&testnet.POP3{TLS: true, Cert: leaf(-2, "pop.expired.example")}, 995, "pop.expired.example")
	pop(&testnet.POP3{TLS: true, Cert: leaf(5, "pop.expiring.example")}, 995, "pop.expiring.example")
	// A TLS port that accepts connections and never says anything.
	pop(&testnet.POP3{TLS: true, Silent: true}, 995, "pop.silent.verify.example")
	// smtp.verify.example: real SMTP submission (go-smtp) on 465 and 587,
	// and on 110 something that greets like SMTP where POP3 is expected.
	smtpIP := testnet.IP()
	d.Host(t, smtpIP, "smtp.verify.example")
	(&testnet.POP3{Greeting: "220 smtp.verify.example ESMTP"}).Listen(t, smtpIP, 110)
	(&testnet.SMTP{TLS: true, Cert: leaf(90, "smtp.verify.example"), Domain: "smtp.verify.example"}).Listen(t, smtpIP, 465)
	(&testnet.SMTP{Cert: leaf(90, "smtp.verify.example"), Domain: "smtp.verify.example"}).Listen(t, smtpIP, 587)
	// imap.verify.example: IMAP on 993 and 143 (STARTTLS).
	imapIP := testnet.IP()
	d.Host(t, imapIP, "imap.verify.example")
	(&testnet.IMAP{TLS: true, Cert: leaf(90, "imap.verify.example")}).Listen(t, imapIP, 993)
	(&testnet.IMAP{STARTTLS: true, Cert: leaf(90, "imap.verify.example")}).Listen(t, imapIP, 143)
	// The whole account by SRV alone, every protocol on the verify servers.
	d.Add(t,
		"_pop3s._tcp.srvall.example. 60 IN SRV 0 0 995 pop.verify.example.",
		"_imaps._tcp.srvall.example. 60 IN SRV 0 0 993 imap.verify.example.",
		"_imap._tcp.srvall.example. 60 IN SRV 0 0 143 imap.verify.example.",
		"_submissions._tcp.srvall.example. 60 IN SRV 0 0 465 smtp.verify.example.",
		"_submission._tcp.srvall.example. 60 IN SRV 0 0 587 smtp.verify.example.",
	)
	// The whole account by autoconfig alone.
	https(xmlAt("/mail/config-v1.1.xml", accountXML("acall.example")), "autoconfig.acall.example")
	// Each protocol from another source: POP3 from SRV, SMTP from the
	// domain's autoconfig (which lists no POP3), IMAP from nowhere; and a
	// "." target that says submission is not offered at all.
	d.Add(t, "_pop3s._tcp.mixed.example. 60 IN SRV 0 0 995 pop.mixed.example.")
	https(xmlAt("/mail/config-v1.1.xml", strings.Replace(accountXML("mixed.example"), `<incomingServer type="pop3">`, `<incomingServer type="pop3-disabled">`, 1)), "autoconfig.mixed.example")
	d.Add(t,
		"_pop3s._tcp.nosubmit.example. 60 IN SRV 0 0 995 pop.nosubmit.example.",
		"_submissions._tcp.nosubmit.example. 60 IN SRV 0 0 0 .",
		"_submission._tcp.nosubmit.example. 60 IN SRV 0 0 0 .",
	)
	// A plain-text server whose greeting tries to drive the terminal and
	// reverse the text after it; a domain whose autoconfig names it.
	pop(&testnet.POP3{Greeting: "+OK \x1b]0;owned\x07ready \u202egnp.exe\u009b2J"}, 110, "plain.verify.example")
	https(xmlAt("/mail/config-v1.1.xml", configXML("plainpop.example", "plain.verify.example", 110, "plain")), "autoconfig.plainpop.example")
	// An autoconfig file whose texts hold C1 controls and bidirectional
	// overrides.
	https(xmlAt("/mail/config-v1.1.xml", strings.NewReplacer(
		"<displayName>evil.example Mail</displayName>", "<displayName>Evil\u009b31m \u202egro.live\u202c Mail</displayName>",
		`url="https://help.evil.example/pop3"`, "url=\"https://help.evil.example/pop3\u2066\"",
	).Replace(configXML("evil.example", "pop.evil.example", 995, "SSL"))), "autoconfig.evil.example")
	// A domain whose autoconfig names the expired server: --verify fails.
	https(xmlAt("/mail/config-v1.1.xml", configXML("expired.example", "pop.expired.example", 995, "SSL")), "autoconfig.expired.example")
	// A domain that publishes only Exchange Autodiscover.
	https(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
<Account><AccountType>email</AccountType><Action>settings</Action>
<Protocol><Type>POP3</Type><Server>mail.exchange.example</Server><Port>995</Port><SSL>on</SSL></Protocol>
</Account></Response></Autodiscover>`)
	}), "autodiscover.exchange.example")
	return w
}

func (w *scriptWorld) setup(env *testscript.Env) error {
	// No script may reach a real resolver or server: every name resolves
	// through the test DNS server, which knows only the test domains.
	env.Setenv("POPFIND_DNS", w.dnsAddr)
	env.Setenv("POPFIND_ISPDB", "https://ispdb.test/v1.1/")
	env.Setenv("POPFIND_TIMEOUT", "5s")
	env.Setenv("NO_COLOR", "1")
	env.Setenv(testnet.PortMapEnv, testnet.PortMap())
	env.Setenv("LANG", "C")
	if w.caFile != "" {
		env.Setenv("SSL_CERT_FILE", w.caFile)
		env.Setenv("SSL_CERT_DIR", filepath.Dir(w.caFile))
	}
	return nil
}

func (w *scriptWorld) condition(cond string) (bool, error) {
	switch cond {
	case "root":
		return os.Geteuid() == 0, nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}
