package autoconfig

import (
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseFull(t *testing.T) {
	t.Parallel()
	a := testnet.Addr(t, "jane@example.org")
	c, err := Parse(fixture(t, "full.xml"), a)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "example.net" || c.Name != "Example Mail Service" || c.ShortName != "Example" {
		t.Errorf("provider = %q %q %q", c.ID, c.Name, c.ShortName)
	}
	if strings.Join(c.Domains, ",") != "example.net,example.org" {
		t.Errorf("domains = %v", c.Domains)
	}
	pop := only(c.Servers, settings.POP3)
	if len(pop) != 2 {
		t.Fatalf("POP3 servers = %+v; want the two POP3 sections", pop)
	}
	s := pop[0]
	if s.Host != "pop.example.org" || s.Port != 995 || s.SocketType != settings.SSL {
		t.Errorf("first server %s:%d %s; want the placeholder filled, port trimmed", s.Host, s.Port, s.SocketType)
	}
	if s.Username != "%EMAILLOCALPART%.%EMAILDOMAIN%" || settings.Expand(s.Username, a) != "jane.example.org" {
		t.Errorf("username %q (expands to %q)", s.Username, settings.Expand(s.Username, a))
	}
	if strings.Join(s.Auth, ",") != "OAuth2,password-cleartext" {
		t.Errorf("auth = %v; want known values only, old spellings mapped", s.Auth)
	}
	if s.LeaveMessagesOnServer == nil || !*s.LeaveMessagesOnServer || s.DaysToLeaveMessagesOnServer == nil || *s.DaysToLeaveMessagesOnServer != 14 || s.DownloadOnBiff == nil || *s.DownloadOnBiff {
		t.Errorf("pop3 element not read: %+v", s)
	}
	alt := pop[1]
	if alt.SocketType != settings.STARTTLS || alt.Port != 110 {
		t.Errorf("alternative %+v; want STARTTLS (the first socketType it knows)", alt)
	}
	if strings.Join(c.Docs, ",") != "https://help.example.net/pop" {
		t.Errorf("docs = %v; want web URLs only", c.Docs)
	}
	if len(c.Instructions) != 1 || c.Instructions[0].URL != "https://mail.example.net/settings/pop" {
		t.Errorf("instructions = %+v", c.Instructions)
	}
	ans := c.Answer("https://autoconfig.example.org/mail/config-v1.1.xml")
	if ans.Provider.Name != "Example Mail Service" || len(ans.Notes) != 1 {
		t.Errorf("answer provider %+v notes %v", ans.Provider, ans.Notes)
	}
	if note := i18n.English.Format(ans.Notes[0]); !strings.Contains(note, "Turn on POP") || !strings.Contains(note, "https://mail.example.net/settings/pop") {
		t.Errorf("note %q", note)
	}
}

func only(servers []settings.Server, p settings.Protocol) []settings.Server {
	var out []settings.Server
	for _, s := range servers {
		if s.Protocol == p {
			out = append(out, s)
		}
	}
	return out
}

// IMAP and SMTP sections are read by the same rules as POP3, with the
// outgoing server's own authentication values and its optional username.
func TestParseIMAPAndSMTP(t *testing.T) {
	t.Parallel()
	a := testnet.Addr(t, "jane@example.org")
	c, err := Parse(fixture(t, "full.xml"), a)
	if err != nil {
		t.Fatal(err)
	}
	imap := only(c.Servers, settings.IMAP)
	if len(imap) != 1 || imap[0].Host != "imap.example.net" || imap[0].Port != 993 || imap[0].SocketType != settings.SSL || imap[0].Username != "%EMAILADDRESS%" {
		t.Errorf("IMAP = %+v", imap)
	}
	smtp := only(c.Servers, settings.SMTP)
	if len(smtp) != 2 {
		t.Fatalf("SMTP = %+v; want two valid sections (the third offers only a client certificate)", smtp)
	}
	if s := smtp[0]; s.Host != "smtp.example.org" || s.Port != 465 || s.SocketType != settings.SSL || s.Username != "" || strings.Join(s.Auth, ",") != "client-IP-address,none" {
		t.Errorf("first SMTP server %+v", s)
	}
	if s := smtp[1]; s.SocketType != settings.STARTTLS || s.Port != 587 || strings.Join(s.Auth, ",") != "password-encrypted,smtp-after-pop" {
		t.Errorf("second SMTP server %+v", s)
	}
	if len(c.Skipped[settings.SMTP]) != 1 || !strings.Contains(i18n.English.Format(c.Skipped[settings.SMTP][0]), "SMTP section 3") {
		t.Errorf("skipped SMTP sections %q", c.Skipped[settings.SMTP])
	}
	for _, s := range c.Servers {
		if s.Protocol != settings.POP3 && s.LeaveMessagesOnServer != nil {
			t.Errorf("%s server with POP3 settings: %+v", s.Protocol, s)
		}
	}
}

func TestParseSkipsInvalidSections(t *testing.T) {
	t.Parallel()
	c, err := Parse(fixture(t, "invalid-sections.xml"), testnet.Addr(t, "x@bad.example"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Servers) != 1 || c.Servers[0].Host != "last.bad.example" {
		t.Errorf("servers = %+v; want only the last, valid section", c.Servers)
	}
	if len(c.Skipped[settings.POP3]) != 11 {
		t.Errorf("skipped %d sections, want 11: %q", len(c.Skipped[settings.POP3]), c.Skipped)
	}
	for _, want := range []string{"not a valid host name", "empty hostname", "whole number", "socketType", "authentication"} {
		if !strings.Contains(english(c.Skipped[settings.POP3]), want) {
			t.Errorf("no skip reason mentions %q", want)
		}
	}
}

func TestParseNoPOP3IsNotAnError(t *testing.T) {
	t.Parallel()
	c, err := Parse(fixture(t, "imap-only.xml"), testnet.Addr(t, "x@imaponly.example"))
	if err != nil || len(only(c.Servers, settings.POP3)) != 0 || len(only(c.Servers, settings.IMAP)) != 1 {
		t.Fatalf("got %+v, %v; want the IMAP server, no POP3 and no error", c, err)
	}
	a := c.Answer("https://autoconfig.imaponly.example/mail/config-v1.1.xml")
	for _, p := range []settings.Protocol{settings.POP3, settings.SMTP} {
		part := a.Parts[p]
		if part == nil || part.Missing == nil || !strings.Contains(i18n.English.Format(*part.Missing), "no "+p.Label()+" section") {
			t.Errorf("%s part %+v; want it to say the file has no such section", p, part)
		}
	}
	if a.Offers(settings.POP3) || !a.Offers(settings.IMAP) {
		t.Error("Offers disagrees with the servers")
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"entity.xml":          "DOCTYPE",
		"external-entity.xml": "entity",
		"malformed.xml":       "line 7",
		"page.html":           "",
	}
	for name, want := range tests {
		_, err := Parse(fixture(t, name), testnet.Addr(t, "x@example.org"))
		if err == nil {
			t.Errorf("%s: parsed; want an error", name)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %q should mention %q", name, err, want)
		}
	}
	if _, err := Parse(fixture(t, "entity.xml"), testnet.Addr(t, "x@example.org")); !errors.Is(err, ErrEntity) {
		t.Errorf("entity declarations: %v, want ErrEntity", err)
	}
	for _, doc := range []string{"", "<clientConfig/>", "<other/>", "\xff\xfe<x/>"} {
		if _, err := Parse([]byte(doc), testnet.Addr(t, "x@example.org")); err == nil {
			t.Errorf("Parse(%q) succeeded", doc)
		}
	}
}

// refServer is one incoming server decoded independently of Parse, for the
// corpus test; its accepted method applies Thunderbird's readFromXML rules.
type refServer struct {
	Type        string   `xml:"type,attr"`
	Hostname    *string  `xml:"hostname"`
	Port        string   `xml:"port"`
	SocketTypes []string `xml:"socketType"`
	Username    *string  `xml:"username"`
	Auth        []string `xml:"authentication"`
}

func (s refServer) accepted(a settings.Address, outgoing bool) (host string, port int, st string, ok bool) {
	if s.Hostname == nil || s.Username == nil && !outgoing {
		return "", 0, "", false
	}
	host = strings.ToLower(strings.TrimSpace(settings.Expand(*s.Hostname, a)))
	if host == "" || strings.ContainsAny(host, " ;/:") {
		return "", 0, "", false
	}
	port, err := strconv.Atoi(strings.TrimSpace(s.Port))
	if err != nil || port < 1 || port > 65535 {
		return "", 0, "", false
	}
	for _, x := range s.SocketTypes {
		if x == "SSL" || x == "STARTTLS" || x == "plain" {
			st = x
			break
		}
	}
	auth := false
	for _, x := range s.Auth {
		switch x {
		case "password-cleartext", "plain", "password-encrypted", "secure", "GSSAPI", "NTLM", "OAuth2":
			auth = true
		case "none", "client-IP-address", "smtp-after-pop":
			auth = auth || outgoing
		}
	}
	return host, port, st, st != "" && auth
}

func TestISPDBCorpus(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "shared", "data", "ispdb")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	if len(files) == 0 {
		t.Skipf("no ISPDB snapshot at %s", dir)
	}
	count := map[settings.Protocol]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		domain := strings.TrimSuffix(filepath.Base(f), ".xml")
		a := testnet.Addr(t, "someone@"+domain)
		c, err := Parse(data, a)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		var ref struct {
			Incoming []refServer `xml:"emailProvider>incomingServer"`
			Outgoing []refServer `xml:"emailProvider>outgoingServer"`
		}
		if err := xml.Unmarshal(data, &ref); err != nil {
			t.Fatalf("%s: reference decode: %v", f, err)
		}
		for _, p := range []struct {
			proto    settings.Protocol
			typ      string
			sections []refServer
			outgoing bool
		}{
			{settings.POP3, "pop3", ref.Incoming, false},
			{settings.IMAP, "imap", ref.Incoming, false},
			{settings.SMTP, "smtp", ref.Outgoing, true},
		} {
			var want []string
			for _, s := range p.sections {
				if s.Type != p.typ {
					continue
				}
				if host, port, st, ok := s.accepted(a, p.outgoing); ok {
					user := ""
					if s.Username != nil {
						user = strings.TrimSpace(*s.Username)
					}
					want = append(want, host+":"+strconv.Itoa(port)+"/"+st+"/"+user)
				}
			}
			var got []string
			for _, s := range only(c.Servers, p.proto) {
				got = append(got, s.Host+":"+strconv.Itoa(s.Port)+"/"+string(s.SocketType)+"/"+s.Username)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s %s:\n got  %v\n want %v", filepath.Base(f), p.proto, got, want)
			}
			count[p.proto] += len(got)
		}
	}
	t.Logf("%d files: %d POP3, %d IMAP and %d SMTP sections", len(files), count[settings.POP3], count[settings.IMAP], count[settings.SMTP])
	for p, min := range map[settings.Protocol]int{settings.POP3: 100, settings.IMAP: 100, settings.SMTP: 100} {
		if count[p] < min {
			t.Errorf("only %d %s sections parsed from %d files", count[p], p, len(files))
		}
	}
}

func TestParseDeclaredEncoding(t *testing.T) {
	t.Parallel()
	doc := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<clientConfig><emailProvider id=\"x\"><domain>x.example</domain>" +
		"<displayName>M\xfcller Mail</displayName><incomingServer type=\"pop3\"><hostname>pop.x.example</hostname><port>995</port>" +
		"<socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>" +
		"</incomingServer></emailProvider></clientConfig>")
	c, err := Parse(doc, testnet.Addr(t, "x@x.example"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Müller Mail" || len(c.Servers) != 1 {
		t.Errorf("name %q servers %v", c.Name, c.Servers)
	}
	if _, err := Parse([]byte(`<?xml version="1.0" encoding="x-no-such-charset"?><clientConfig/>`), testnet.Addr(t, "x@x.example")); err == nil {
		t.Error("an unknown encoding parsed")
	}
}

// TestDomainPlaceholder: providers publish <domain>%EMAILDOMAIN%</domain>,
// which names the domain being looked up; the document is valid.
func TestDomainPlaceholder(t *testing.T) {
	t.Parallel()
	addr := testnet.Addr(t, "jane@bücher.example")
	for name, domains := range map[string]string{
		"alone":        `<domain>%EMAILDOMAIN%</domain>`,
		"with another": `<domain>%EMAILDOMAIN%</domain><domain>hoster.example</domain>`,
		"spaced":       `<domain> %EMAILDOMAIN% </domain>`,
	} {
		doc := `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="hoster.example">` + domains + `
<incomingServer type="pop3"><hostname>pop.%EMAILDOMAIN%</hostname><port>995</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
</emailProvider></clientConfig>`
		c, err := Parse([]byte(doc), addr)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(c.Domains) == 0 || c.Domains[0] != "xn--bcher-kva.example" {
			t.Errorf("%s: domains %q; want the placeholder filled with the address's domain", name, c.Domains)
		}
		if len(c.Servers) != 1 || c.Servers[0].Host != "pop.xn--bcher-kva.example" {
			t.Errorf("%s: servers %+v", name, c.Servers)
		}
	}
	// The local part is not the domain: a document whose only domain
	// holds another placeholder is still refused.
	for _, d := range []string{"%EMAILLOCALPART%.example", "%EMAILADDRESS%", "%REALNAME%"} {
		doc := `<clientConfig><emailProvider id="x.example"><domain>` + d + `</domain></emailProvider></clientConfig>`
		if _, err := Parse([]byte(doc), addr); err == nil || !strings.Contains(err.Error(), "domain") {
			t.Errorf("domain %s: %v; want the document refused", d, err)
		}
	}
}

// english is reasons in English, one a line.
func english(why []i18n.Msg) string {
	var lines []string
	for _, w := range why {
		lines = append(lines, i18n.English.Format(w))
	}
	return strings.Join(lines, "\n")
}

// The reasons a section is skipped are said in the reader's language:
// no English inside a Chinese one.
func TestSkipReasonsTranslated(t *testing.T) {
	t.Parallel()
	c, err := Parse(fixture(t, "invalid-sections.xml"), testnet.Addr(t, "x@bad.example"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range c.Skipped[settings.POP3] {
		zh := i18n.Chinese.Format(w)
		for _, en := range []string{"section", "hostname longer", "not a valid", "whole number", "no known", "usable for"} {
			if strings.Contains(zh, en) {
				t.Errorf("English %q in %q", en, zh)
			}
		}
		if w.Key == i18n.Raw {
			t.Errorf("untranslated reason %q", i18n.English.Format(w))
		}
	}
	// And the lookup's reason that lists them, nested one level deeper.
	err = configReasons.notFound("https://x.example/", c.Skipped)
	m, _ := settings.Reason(err)
	outer := i18n.M(i18n.NFHostedNone, "x.example", i18n.Nest(m))
	zh := i18n.Chinese.Format(outer)
	if strings.Contains(zh, "section") || !strings.Contains(zh, "第 1 段") || strings.ContainsAny(zh, "\x02\x03\x1f") {
		t.Errorf("nested reasons: %q", zh)
	}
	if _, err := Parse([]byte("<clientConfig><emailProvider id=\"x\"></emailProvider></clientConfig>"), testnet.Addr(t, "x@bad.example")); err == nil ||
		strings.Contains(i18n.Chinese.Format(ParseReason(err)), "domain:") || err.Error() != "parse: emailProvider has no domain" {
		t.Errorf("document error %v: %q", err, i18n.Chinese.Format(ParseReason(err)))
	}
}

// TestParseCorrectsSocketType: a section whose socketType is misspelt in a
// way whose meaning is plain ("TLS", "ssl", "starttls") is skipped, as
// Thunderbird skips it, and SkippedServers holds it corrected; a section
// that breaks another rule, or spells socketType in a way that means
// nothing, has no correction.
func TestParseCorrectsSocketType(t *testing.T) {
	t.Parallel()
	sec := func(typ, host, st, user string) string {
		u := ""
		if user != "" {
			u = "<username>" + user + "</username>"
		}
		return `<incomingServer type="` + typ + `"><hostname>` + host + `</hostname><port>995</port><socketType>` + st +
			`</socketType>` + u + `<authentication>password-cleartext</authentication></incomingServer>`
	}
	doc := `<clientConfig version="1.1"><emailProvider id="fix.example"><domain>fix.example</domain>` +
		sec("pop3", "one.fix.example", "TLS", "%EMAILADDRESS%") +
		sec("pop3", "two.fix.example", "SSL", "%EMAILADDRESS%") +
		sec("pop3", "three.fix.example", "starttls", "%EMAILADDRESS%") +
		sec("pop3", "four.fix.example", "TLS", "") +
		sec("pop3", "five.fix.example", "secure", "%EMAILADDRESS%") +
		`</emailProvider></clientConfig>`
	c, err := Parse([]byte(doc), testnet.Addr(t, "x@fix.example"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Servers) != 1 || c.Servers[0].Host != "two.fix.example" {
		t.Fatalf("servers %+v, want the valid section alone", c.Servers)
	}
	got := c.SkippedServers[settings.POP3]
	if len(got) != 4 || len(c.Skipped[settings.POP3]) != 4 {
		t.Fatalf("skipped %+v", got)
	}
	want := []struct {
		section int
		st      settings.SocketType // "" for no correction
	}{{1, settings.SSL}, {3, settings.STARTTLS}, {4, ""}, {5, ""}}
	for i, w := range want {
		sk := got[i]
		if sk.Section != w.section || sk.Reason.Key != c.Skipped[settings.POP3][i].Key {
			t.Errorf("skipped %d: %+v", i, sk)
		}
		switch {
		case w.st == "" && sk.Corrected != nil:
			t.Errorf("section %d corrected as %+v; want no correction", w.section, *sk.Corrected)
		case w.st != "" && (sk.Corrected == nil || sk.Corrected.SocketType != w.st || sk.Corrected.Port != 995 ||
			!strings.HasSuffix(sk.Corrected.Host, ".fix.example") || sk.Corrected.Username != "%EMAILADDRESS%"):
			t.Errorf("section %d corrected as %+v; want %s, host and port kept", w.section, sk.Corrected, w.st)
		}
	}
}
