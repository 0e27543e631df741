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
	if len(c.Servers) != 2 {
		t.Fatalf("servers = %+v; want the two POP3 sections, not IMAP", c.Servers)
	}
	s := c.Servers[0]
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
	alt := c.Servers[1]
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

func TestParseSkipsInvalidSections(t *testing.T) {
	t.Parallel()
	c, err := Parse(fixture(t, "invalid-sections.xml"), testnet.Addr(t, "x@bad.example"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Servers) != 1 || c.Servers[0].Host != "last.bad.example" {
		t.Errorf("servers = %+v; want only the last, valid section", c.Servers)
	}
	if len(c.Skipped) != 11 {
		t.Errorf("skipped %d sections, want 11: %q", len(c.Skipped), c.Skipped)
	}
	for _, want := range []string{"not a valid host name", "empty hostname", "whole number", "socketType", "authentication"} {
		if !strings.Contains(strings.Join(c.Skipped, "\n"), want) {
			t.Errorf("no skip reason mentions %q", want)
		}
	}
}

func TestParseNoPOP3IsNotAnError(t *testing.T) {
	t.Parallel()
	c, err := Parse(fixture(t, "imap-only.xml"), testnet.Addr(t, "x@imaponly.example"))
	if err != nil || len(c.Servers) != 0 {
		t.Errorf("got %+v, %v; want an empty config and no error", c, err)
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

func (s refServer) accepted(a settings.Address) (host string, port int, st string, ok bool) {
	if s.Hostname == nil || s.Username == nil {
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
	pop := 0
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
			Servers []refServer `xml:"emailProvider>incomingServer"`
		}
		if err := xml.Unmarshal(data, &ref); err != nil {
			t.Fatalf("%s: reference decode: %v", f, err)
		}
		var want []string
		for _, s := range ref.Servers {
			if s.Type != "pop3" {
				continue
			}
			if host, port, st, ok := s.accepted(a); ok {
				want = append(want, host+":"+strconv.Itoa(port)+"/"+st+"/"+strings.TrimSpace(*s.Username))
			}
		}
		var got []string
		for _, s := range c.Servers {
			got = append(got, s.Host+":"+strconv.Itoa(s.Port)+"/"+string(s.SocketType)+"/"+s.Username)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s:\n got  %v\n want %v", filepath.Base(f), got, want)
		}
		pop += len(got)
	}
	t.Logf("%d files, %d POP3 sections", len(files), pop)
	if pop < 100 {
		t.Errorf("only %d POP3 sections parsed from %d files", pop, len(files))
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
