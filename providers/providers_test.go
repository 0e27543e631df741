package providers

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
)

func TestTableShape(t *testing.T) {
	t.Parallel()
	seenID := map[string]bool{}
	seenDomain := map[string]string{}
	for _, p := range builtin() {
		t.Run(p.ID, func(t *testing.T) {
			if p.ID == "" || p.Name == "" {
				t.Fatal("entry without id or name")
			}
			if seenID[p.ID] {
				t.Errorf("id %q listed twice", p.ID)
			}
			seenID[p.ID] = true
			if len(p.Domains) == 0 && len(p.MX) == 0 {
				t.Error("entry matches nothing: no domains and no MX patterns")
			}
			for _, d := range p.Domains {
				addr, err := settings.ParseAddress("x@" + d)
				if err != nil {
					t.Errorf("domain %q: %v", d, err)
				} else if addr.Domain != d {
					t.Errorf("domain %q is not in canonical A-label form (%q)", d, addr.Domain)
				}
				if other, ok := seenDomain[d]; ok {
					t.Errorf("domain %q listed twice (also in %s)", d, other)
				}
				seenDomain[d] = p.ID
			}
			for _, pat := range p.MX {
				if pat != strings.ToLower(pat) || strings.HasSuffix(pat, ".") {
					t.Errorf("MX pattern %q must be lowercase without a trailing dot", pat)
				}
				if _, err := filepath.Match(pat, "x"); err != nil {
					t.Errorf("MX pattern %q: %v", pat, err)
				}
			}
			for _, proto := range settings.AllProtocols {
				n := 0
				if _, ok := p.Without[proto]; ok {
					n++
				}
				if len(p.Offers(proto)) > 0 {
					n++
				}
				if slices.Contains(p.Unlisted, proto) {
					n++
				}
				if n != 1 {
					t.Errorf("%s: an entry needs servers, a reason in Without, or the protocol in Unlisted: one of the three", proto)
				}
			}
			for proto := range p.Without {
				if !proto.Valid() {
					t.Errorf("Without names protocol %q", proto)
				}
			}
			for _, s := range p.Servers {
				if !s.Protocol.Valid() {
					t.Errorf("server %s: protocol %q", s.Host, s.Protocol)
				}
				if s.Port != s.Protocol.DefaultPort(s.SocketType) {
					t.Errorf("server %s: %s port %d with %s; the table uses the standard ports", s.Host, s.Protocol, s.Port, s.SocketType)
				}
				if _, err := settings.ParseAddress("x@" + s.Host); err != nil {
					t.Errorf("server host %q is not a valid host name: %v", s.Host, err)
				}
				if s.Port < 1 || s.Port > 65535 {
					t.Errorf("server %s: port %d", s.Host, s.Port)
				}
				if _, ok := settings.ParseSocketType(string(s.SocketType)); !ok {
					t.Errorf("server %s: socket type %q", s.Host, s.SocketType)
				}
				if s.SocketType == settings.Plain {
					t.Errorf("server %s: plain text has no place in the built-in table", s.Host)
				}
				if s.Username != settings.PlaceholderAddress && s.Username != settings.PlaceholderLocal {
					t.Errorf("server %s: username form %q", s.Host, s.Username)
				}
				if len(s.Auth) == 0 {
					t.Errorf("server %s: no auth", s.Host)
				}
			}
			if len(p.Docs) == 0 {
				t.Error("no help page recorded")
			}
			for _, d := range p.Docs {
				u, err := url.Parse(d)
				if err != nil || u.Scheme != "https" || u.Host == "" {
					t.Errorf("help page %q is not an https URL", d)
				}
			}
			notes := slices.Clone(p.Notes)
			for _, m := range p.Without {
				notes = append(notes, m)
			}
			for _, n := range notes {
				for _, lang := range i18n.Languages() {
					if got := lang.Format(n); got == n.Key || got == "" {
						t.Errorf("note %q has no %s text", n.Key, lang)
					}
				}
			}
		})
	}
}

func TestTableLookups(t *testing.T) {
	t.Parallel()
	tab := Builtin()
	tests := []struct {
		domain, id, host string
		port             int
	}{
		{"gmail.com", "gmail", "pop.gmail.com", 995},
		{"googlemail.com", "gmail", "pop.gmail.com", 995},
		{"qq.com", "qq", "pop.qq.com", 995},
		{"foxmail.com", "foxmail", "pop.qq.com", 995},
		{"163.com", "netease-163", "pop.163.com", 995},
		{"126.com", "netease-126", "pop.126.com", 995},
		{"yeah.net", "netease-yeah", "pop.yeah.net", 995},
		{"hotmail.com", "outlook", "outlook.office365.com", 995},
		{"icloud.com", "icloud", "", 0},
		{"me.com", "icloud", "", 0},
		{"proton.me", "proton", "", 0},
	}
	for _, tt := range tests {
		p, ok := tab.ByDomain(tt.domain)
		if !ok || p.ID != tt.id {
			t.Errorf("ByDomain(%q) = %v, %v; want %s", tt.domain, p, ok, tt.id)
			continue
		}
		a := p.Answer().Only(settings.POP3)
		if tt.host == "" {
			if a.NotOfferedFor(settings.POP3) == nil || len(a.Servers) != 0 {
				t.Errorf("%s: want NotOffered and no servers, got %+v", tt.domain, a)
			}
			continue
		}
		if a.Servers[0].Host != tt.host || a.Servers[0].Port != tt.port {
			t.Errorf("%s: got %s:%d, want %s:%d", tt.domain, a.Servers[0].Host, a.Servers[0].Port, tt.host, tt.port)
		}
	}
	// Every provider answers all three protocols: a server, or its word
	// that there is none.
	for _, p := range tab.All() {
		a := p.Answer()
		for _, proto := range settings.AllProtocols {
			if a.Offers(proto) == slices.Contains(p.Unlisted, proto) {
				t.Errorf("%s: the answer and Unlisted disagree on %s", p.ID, proto)
			}
		}
	}
	if _, ok := tab.ByDomain("example.com"); ok {
		t.Error("ByDomain(example.com) found an entry")
	}
}

func TestByMX(t *testing.T) {
	t.Parallel()
	tab := Builtin()
	tests := map[string]string{
		"aspmx.l.google.com.":                     "gmail",
		"alt1.aspmx.l.google.com":                 "gmail",
		"ASPMX2.GOOGLEMAIL.COM":                   "gmail",
		"contoso-com.mail.protection.outlook.com": "microsoft365",
		"mxbiz1.qq.com":                           "exmail",
		"mxbiz2.qq.com.":                          "exmail",
		"mxw.mxhichina.com":                       "alimail",
		"mx1.qiye.aliyun.com":                     "alimail",
		"in1-smtp.messagingengine.com":            "fastmail",
		"mx.yandex.net":                           "yandex",
		"qiye163mx01.mxmail.netease.com":          "netease-qiye",
		"mx01.mail.icloud.com":                    "icloud",
	}
	for host, want := range tests {
		p, ok := tab.ByMX(host)
		if !ok || p.ID != want {
			got := "nothing"
			if ok {
				got = p.ID
			}
			t.Errorf("ByMX(%q) = %s, want %s", host, got, want)
		}
	}
	// Personal QQ Mail's exchangers must never map hosted domains to pop.qq.com.
	for _, host := range []string{"mx1.qq.com", "mx3.qq.com", "mail.example.com", "google.com.evil.example"} {
		if p, ok := tab.ByMX(host); ok {
			t.Errorf("ByMX(%q) = %s, want no match", host, p.ID)
		}
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	tab := Builtin()
	ids := func(ps []*Provider) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.ID)
		}
		return strings.Join(s, ",")
	}
	tests := map[string][]string{
		"qq":    {"qq", "foxmail", "exmail"},
		"网易":    {"netease-163", "netease-126", "netease-yeah", "netease-qiye"},
		"GMAIL": {"gmail"},
		"163":   {"netease-163"},
	}
	for q, want := range tests {
		got := ids(tab.Filter(q))
		for _, id := range want {
			if !strings.Contains(","+got+",", ","+id+",") {
				t.Errorf("Filter(%q) = %s; missing %s", q, got, id)
			}
		}
	}
	// A company's name, in Chinese or English, finds its providers; the
	// best match comes first.
	for q, want := range map[string]string{
		"腾讯":                    "qq,foxmail,exmail",
		"tencent":               "qq,foxmail,exmail",
		"qq":                    "qq,exmail,foxmail",
		"someone@qq.com":        "qq",
		"someone＠qq。com":        "qq",
		" Someone@Foxmail.COM ": "foxmail",
		"someone@163.com":       "netease-163",
		"someone@example.com":   "",
		"hotmail.be":            "outlook",
		"谷歌":                    "gmail",
	} {
		if got := ids(tab.Filter(q)); got != want {
			t.Errorf("Filter(%q) = %s, want %s", q, got, want)
		}
	}
	if got := ids(tab.Filter("163")); !strings.HasPrefix(got, "netease-163,") {
		t.Errorf("Filter(163) = %s, want netease-163 first", got)
	}
	if got := tab.Filter("no-such-provider-xyz"); len(got) != 0 {
		t.Errorf("Filter(nonsense) = %s", ids(got))
	}
	if got := len(tab.Filter("")); got != len(builtin()) {
		t.Errorf("Filter(\"\") returned %d providers, want all %d", got, len(builtin()))
	}
}

// ispdbServer is one server section of an ISPDB file.
type ispdbServer struct {
	Type       string   `xml:"type,attr"`
	Hostname   string   `xml:"hostname"`
	Port       int      `xml:"port"`
	SocketType string   `xml:"socketType"`
	Username   string   `xml:"username"`
	Auth       []string `xml:"authentication"`
}

// ispdbConfig is the little of the ISPDB format this cross-check needs; the
// real parser lives in package autoconfig.
type ispdbConfig struct {
	Provider struct {
		Domains  []string      `xml:"domain"`
		Incoming []ispdbServer `xml:"incomingServer"`
		Outgoing []ispdbServer `xml:"outgoingServer"`
	} `xml:"emailProvider"`
}

// authSet renders authentication values as a sorted set, old spellings
// mapped to current ones.
func authSet(auth []string) string {
	var out []string
	for _, a := range auth {
		switch a = strings.TrimSpace(a); a {
		case "plain":
			a = "password-cleartext"
		case "secure":
			a = "password-encrypted"
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// TestAgreesWithISPDB checks the table against Thunderbird's ISP database:
// for every domain both know, the ISPDB's first POP3, IMAP and SMTP server
// must each be among the table's servers of that protocol, with the same
// username form and the same authentication methods, unless the
// disagreement is listed in ispdbDisagreements with its reason.
func TestAgreesWithISPDB(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "shared", "data", "ispdb")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	if len(files) == 0 {
		t.Skipf("no ISPDB snapshot at %s", dir)
	}
	tab := Builtin()
	checked := map[settings.Protocol]int{}
	seen := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c ispdbConfig
		if err := xml.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, d := range c.Provider.Domains {
			p, ok := tab.ByDomain(strings.ToLower(d))
			if !ok {
				continue
			}
			for _, want := range []struct {
				proto    settings.Protocol
				sections []ispdbServer
			}{
				{settings.POP3, c.Provider.Incoming},
				{settings.IMAP, c.Provider.Incoming},
				{settings.SMTP, c.Provider.Outgoing},
			} {
				for _, in := range want.sections {
					if in.Type != string(want.proto) {
						continue
					}
					checked[want.proto]++
					d := strings.ToLower(d)
					var match *settings.Server
					for _, s := range p.Offers(want.proto) {
						if s.Host == in.Hostname && s.Port == in.Port && string(s.SocketType) == in.SocketType {
							match = &s
							break
						}
					}
					key := fmt.Sprintf("%s %s", d, want.proto)
					got := "server not in the table"
					if match != nil {
						got = ""
						if match.Username != in.Username {
							got = fmt.Sprintf("username %s, ISPDB %s", match.Username, in.Username)
						} else if a, b := authSet(match.Auth), authSet(in.Auth); a != b {
							got = fmt.Sprintf("auth %s, ISPDB %s", a, b)
						}
					}
					seen[key] = true
					why, deliberate := ispdbDisagreements[key]
					switch {
					case got != "" && !deliberate:
						t.Errorf("%s (%s): %s; ISPDB says %s:%d %s %s %v; the table says %v", key, filepath.Base(f), got,
							in.Hostname, in.Port, in.SocketType, in.Username, in.Auth, p.Offers(want.proto))
					case got == "" && deliberate:
						t.Errorf("%s: listed as a deliberate disagreement (%s), but the table now agrees with the ISPDB: drop it from the list", key, why)
					}
					break // the first server of a protocol is the ISPDB's preferred one
				}
			}
		}
	}
	for key := range ispdbDisagreements {
		if !seen[key] {
			t.Errorf("%s: listed as a deliberate disagreement, but the ISPDB snapshot has no such entry", key)
		}
	}
	for _, proto := range settings.AllProtocols {
		if checked[proto] < 20 {
			t.Errorf("only %d domains cross-checked for %s; the snapshot should cover far more", checked[proto], proto)
		}
	}
	t.Logf("cross-checked against the ISPDB: %d POP3, %d IMAP, %d SMTP", checked[settings.POP3], checked[settings.IMAP], checked[settings.SMTP])
}

// ispdbDisagreements lists, by "domain protocol", where the table
// deliberately differs from the ISPDB snapshot, and why: each reason names
// the provider's page it rests on. A disagreement not listed here fails
// TestAgreesWithISPDB, and so does a listed one that has gone away.
var ispdbDisagreements = map[string]string{
	"nifty.com pop3":      "the ISPDB gives plain text on 110; @nifty's connection guide (https://support.nifty.com/) gives SSL on 995, and the table lists no plain text",
	"nifty.com smtp":      "the ISPDB gives plain text on 587; @nifty's connection guide (https://support.nifty.com/) gives SSL on 465, and the table lists no plain text",
	"rediffmail.com smtp": "the ISPDB's first choice is implicit TLS on port 586, which no standard assigns to submission; the table gives its second, 465 (RFC 8314)",
}

func TestDomainsFor(t *testing.T) {
	t.Parallel()
	tab := Builtin()
	outlook, _ := tab.ByDomain("outlook.com")
	tests := map[string]string{
		"":                      "outlook.com,hotmail.com,live.com,msn.com",
		"hotmail.be":            "hotmail.be,outlook.com,hotmail.com,live.com",
		"someone@hotmail.co.uk": "hotmail.co.uk,outlook.com,hotmail.com,live.com",
		"co.uk":                 "hotmail.co.uk,live.co.uk,outlook.com,hotmail.com",
	}
	for q, want := range tests {
		if got := strings.Join(outlook.DomainsFor(q)[:4], ","); got != want {
			t.Errorf("DomainsFor(%q) starts %s, want %s", q, got, want)
		}
	}
	// Every list starts with the provider's main domain.
	for domain, id := range map[string]string{"aol.com": "aol", "mail.com": "mail-com", "gmx.com": "gmx-com", "posteo.de": "posteo", "onet.pl": "onet"} {
		p, _ := tab.ByDomain(domain)
		if p == nil || p.ID != id || p.Domains[0] != domain {
			t.Errorf("%s: domains start %v, want %s first", id, p.Domains[:1], domain)
		}
	}
}

func TestRegions(t *testing.T) {
	t.Parallel()
	tab := Builtin()
	r, ok := tab.NormalizeRegion(" EU ")
	if !ok || r != "eu" {
		t.Fatalf("NormalizeRegion(EU) = %q, %v", r, ok)
	}
	var got []string
	for _, p := range InRegion(tab.All(), "eu") {
		got = append(got, p.ID)
	}
	for _, id := range []string{"gmx", "webde", "t-online", "orange", "free", "libero", "virgilio", "wp", "onet", "seznam", "zoho-eu", "posteo"} {
		if !slices.Contains(got, id) {
			t.Errorf("--region eu lacks %s; got %v", id, got)
		}
	}
	for _, id := range []string{"gmail", "bt", "proton", "yandex", "qq"} {
		if slices.Contains(got, id) {
			t.Errorf("--region eu has %s, which is not in the EU", id)
		}
	}
	if len(got) < 20 {
		t.Errorf("--region eu has %d providers; want the EU's countries' providers, not a handful", len(got))
	}
	if de := InRegion(tab.All(), "de"); slices.ContainsFunc(de, func(p *Provider) bool { return p.Region != "de" }) {
		t.Error("--region de has a provider of another region")
	}
	if !slices.Contains(tab.Regions(), "eu") {
		t.Errorf("Regions() = %v, want eu among them", tab.Regions())
	}
	for _, c := range euCountries {
		if len(c) != 2 || c != strings.ToLower(c) {
			t.Errorf("EU country %q is not a lower-case ISO 3166 code", c)
		}
	}
	for id := range aliases {
		if !slices.ContainsFunc(tab.All(), func(p *Provider) bool { return p.ID == id }) {
			t.Errorf("aliases names %q, which is no provider's id", id)
		}
	}
}

func TestReadableMX(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"*.mail.protection.outlook.com":  "*.mail.protection.outlook.com",
		"mx0?.mail.icloud.com":           "mx0*.mail.icloud.com",
		"qiye163mx0?.mxmail.netease.com": "qiye163mx0*.mxmail.netease.com",
		"mx[0-9].example.com":            "mx*.example.com",
		"mx??.example.com":               "mx*.example.com",
		"mx.yandex.net":                  "mx.yandex.net",
	}
	for pat, want := range tests {
		if got := ReadableMX(pat); got != want {
			t.Errorf("ReadableMX(%q) = %q, want %q", pat, got, want)
		}
	}
	// No pattern of the table is shown with a character people would
	// read as a regular expression.
	for _, p := range builtin() {
		for _, pat := range p.MX {
			if got := ReadableMX(pat); strings.ContainsAny(got, "?[]\\^$+()") {
				t.Errorf("%s: MX pattern %q shown as %q", p.ID, pat, got)
			}
		}
	}
}

func TestTurnOn(t *testing.T) {
	t.Parallel()
	tab := Builtin()
	tests := map[string]string{
		"qq.com":     "pop3,imap,smtp",
		"wp.pl":      "pop3,imap,smtp",
		"posteo.de":  "",
		"icloud.com": "",
	}
	for domain, want := range tests {
		p, _ := tab.ByDomain(domain)
		var got []string
		for _, proto := range p.TurnOn() {
			got = append(got, string(proto))
		}
		// The notes may say more than the POP step as they grow (QQ's
		// IMAP and SMTP); what the table says first must be there.
		if g := strings.Join(got, ","); !strings.HasPrefix(g, want) || (want == "" && g != "") {
			t.Errorf("%s: TurnOn() = %s, want %s", domain, g, want)
		}
	}
}

// TestExmailFollowsTencentPage checks the Tencent Exmail entry against
// Tencent's client page (WeCom help 19886): the general servers with SSL on
// 995, 993 and 465 and the full address as the login, no hw* servers (the
// page says clients abroad need none), and the page itself in Docs rather
// than the service.exmail.qq.com page that now forwards to it.
func TestExmailFollowsTencentPage(t *testing.T) {
	t.Parallel()
	p, ok := Builtin().ByMX("mxbiz1.qq.com")
	if !ok || p.ID != "exmail" {
		t.Fatalf("ByMX(mxbiz1.qq.com) = %v, want exmail", p)
	}
	want := map[settings.Protocol]string{
		settings.POP3: "pop.exmail.qq.com:995 SSL",
		settings.IMAP: "imap.exmail.qq.com:993 SSL",
		settings.SMTP: "smtp.exmail.qq.com:465 SSL",
	}
	for proto, w := range want {
		var got []string
		for _, s := range p.Offers(proto) {
			got = append(got, fmt.Sprintf("%s:%d %s", s.Host, s.Port, s.SocketType))
			if s.Username != settings.PlaceholderAddress {
				t.Errorf("%s: username %s, want the full address", s.Host, s.Username)
			}
		}
		if strings.Join(got, ",") != w {
			t.Errorf("%s: servers %v, want %s", proto, got, w)
		}
	}
	if len(p.Docs) == 0 || p.Docs[0] != "https://open.work.weixin.qq.com/help2/pc/19886" {
		t.Errorf("Docs = %v, want Tencent's client page first", p.Docs)
	}
	for _, d := range p.Docs {
		if strings.Contains(d, "service.exmail.qq.com") {
			t.Errorf("Docs has %s, which now forwards to the WeCom help centre", d)
		}
	}
}
