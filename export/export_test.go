package export_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/export"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

// builtin looks address up in the built-in table alone: no network.
func builtin(t *testing.T, address string, protocols ...lookup.Protocol) *lookup.Result {
	t.Helper()
	f, err := lookup.New(lookup.Config{Sources: []string{lookup.SourceBuiltin}, Protocols: protocols})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res := f.Find(context.Background(), address)
	if !res.Found {
		t.Fatalf("%s: not found in the built-in table: %v", address, res.Err)
	}
	return res
}

// made is a result as a source could give it: one answer per protocol,
// servers in preference order.
func made(t *testing.T, address, source string, provider *lookup.Provider, servers ...lookup.Server) *lookup.Result {
	t.Helper()
	addr, err := lookup.ParseAddress(address)
	if err != nil {
		t.Fatal(err)
	}
	var all []*lookup.Result
	for _, p := range []lookup.Protocol{lookup.POP3, lookup.IMAP, lookup.SMTP} {
		var list []lookup.Server
		for _, s := range servers {
			if s.Protocol == p {
				list = append(list, s)
			}
		}
		if len(list) == 0 {
			continue
		}
		all = append(all, &lookup.Result{Address: addr, Protocol: p, Found: true, Source: source,
			Answer: &lookup.Answer{Servers: list, Provider: provider, SourceURL: "https://autoconfig." + addr.Domain + "/mail/config-v1.1.xml"}})
	}
	first := all[0]
	first.Others = all[1:]
	return first
}

// hostile is an account whose every text tries to break out of its
// element: markup, entities, quotes, control and bidirectional characters,
// non-ASCII names and an internationalised domain.
func hostile(t *testing.T) *lookup.Result {
	p := &lookup.Provider{ID: "x", Name: `Mail <b>&amp; "Co" 'Ltd'</b> 例子` + "\u202e\x1b[31m"}
	addr := `"o'brien&<x>"@例子.测试`
	return made(t, addr, lookup.SourceAutoconfig, p,
		lookup.Server{Protocol: lookup.POP3, Host: "pop.xn--fsqu00a.xn--0zwm56d", Port: 995, SocketType: lookup.SSL, Username: `"o'brien&<x>"@例子.测试`, Auth: []string{"password-cleartext"}},
		lookup.Server{Protocol: lookup.POP3, Host: "pop.xn--fsqu00a.xn--0zwm56d", Port: 110, SocketType: lookup.STARTTLS, Username: `"o'brien&<x>"`, Auth: []string{"password-encrypted"}},
		lookup.Server{Protocol: lookup.IMAP, Host: "imap.xn--fsqu00a.xn--0zwm56d", Port: 993, SocketType: lookup.SSL, Username: `"odd" <login> & co`, Auth: []string{"NTLM"}},
		lookup.Server{Protocol: lookup.SMTP, Host: "smtp.xn--fsqu00a.xn--0zwm56d", Port: 587, SocketType: lookup.STARTTLS, Username: `"o'brien&<x>"@xn--fsqu00a.xn--0zwm56d`},
		lookup.Server{Protocol: lookup.SMTP, Host: "smtp.xn--fsqu00a.xn--0zwm56d", Port: 25, SocketType: lookup.Plain, Auth: []string{"client-IP-address"}},
	)
}

// accounts are the cases every format is checked with.
func accounts(t *testing.T) map[string]*export.Account {
	t.Helper()
	out := map[string]*export.Account{}
	for name, res := range map[string]*lookup.Result{
		"gmail":       builtin(t, "someone@gmail.com"),
		"qq-imap":     builtin(t, "someone@qq.com", lookup.SMTP, lookup.IMAP, lookup.POP3),
		"163":         builtin(t, "someone@163.com", lookup.POP3, lookup.IMAP, lookup.SMTP),
		"outlook":     builtin(t, "someone@outlook.com", lookup.IMAP, lookup.SMTP),
		"hostile":     hostile(t),
		"domain-only": builtinDomain(t, "gmail.com"),
	} {
		a, err := export.FromResult(res)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = a
	}
	return out
}

func builtinDomain(t *testing.T, domain string) *lookup.Result {
	t.Helper()
	addr, err := settings.ParseAddressOrDomain(domain)
	if err != nil {
		t.Fatal(err)
	}
	f, err := lookup.New(lookup.Config{Sources: []string{lookup.SourceBuiltin}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return f.FindAddress(context.Background(), lookup.Address(addr))
}

// want is what a file made from a should read back as: every server of p,
// login names filled for the address, no way to log in meaning a password.
func want(a *export.Account, p lookup.Protocol) []lookup.Server {
	var out []lookup.Server
	for _, s := range a.Servers[p] {
		if len(s.Auth) == 0 {
			s.Auth = []string{"password-cleartext"}
		}
		if s.Username == "" && p != lookup.SMTP {
			s.Username = a.Address.String()
		}
		s.Username = clean(s.Username)
		out = append(out, s)
	}
	return out
}

// clean is what a file can hold of a login name: one line, no control or
// formatting characters.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x202e {
			return -1
		}
		return r
	}, s)
}

func TestAutoconfigRoundTrip(t *testing.T) {
	t.Parallel()
	for name, a := range accounts(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, notes, err := export.Autoconfig(a, export.Options{})
			if err != nil || len(notes) > 0 {
				t.Fatalf("%v %v", err, notes)
			}
			wellFormed(t, data)
			c, err := autoconfig.ParseReader(bytes.NewReader(data), settings.Address(a.Address))
			if err != nil {
				t.Fatalf("popfind's own parser refuses the file: %v\n%s", err, data)
			}
			if len(c.Skipped) > 0 {
				t.Errorf("sections skipped: %v", c.Skipped)
			}
			ans := c.Answer("https://autoconfig." + a.Address.Domain + "/mail/config-v1.1.xml")
			for _, p := range a.Protocols {
				var got []lookup.Server
				for _, s := range ans.Servers {
					if s.Protocol == p {
						s.Username = settings.Expand(s.Username, settings.Address(a.Address))
						got = append(got, lookup.Server(s))
					}
				}
				if w := want(a, p); !sameServers(got, w) {
					t.Errorf("%s reads back as\n%+v\nwant\n%+v\n%s", p, got, w, data)
				}
			}
			// Thunderbird takes the first incomingServer: the chosen one.
			_, rest, _ := strings.Cut(string(data), "<incomingServer type=\"")
			typ, rest, _ := strings.Cut(rest, "\"")
			_, rest, _ = strings.Cut(rest, "<hostname>")
			host, _, _ := strings.Cut(rest, "<")
			if typ != string(a.Incoming.Protocol) || host != a.Incoming.Host {
				t.Errorf("first incoming server %s %s, want %s %s", typ, host, a.Incoming.Protocol, a.Incoming.Host)
			}
			if !slices.Equal(c.Domains, []string{a.Address.Domain}) || c.ID != a.Address.Domain {
				t.Errorf("id %q, domains %q; want the A-label %q", c.ID, c.Domains, a.Address.Domain)
			}
			if a.Provider != nil && strings.ReplaceAll(c.Name, "\uFFFD", "") != strings.TrimSpace(clean(a.Provider.Name)) {
				t.Errorf("displayName %q, want %q", c.Name, a.Provider.Name)
			}
		})
	}
}

func TestAutodiscoverRoundTrip(t *testing.T) {
	t.Parallel()
	for name, a := range accounts(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, _, err := export.Autodiscover(a, export.Options{})
			if name == "domain-only" {
				// An Autodiscover response is one address's.
				if !errors.Is(err, export.ErrDomainOnly) {
					t.Errorf("a domain: %v, want ErrDomainOnly", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wellFormed(t, data)
			addr := settings.Address(a.Address)
			ad, err := autoconfig.ParseAutodiscover(data, addr, addr)
			if err != nil {
				t.Fatalf("popfind's own parser refuses the file: %v\n%s", err, data)
			}
			if len(ad.Skipped) > 0 || ad.RedirectAddr != "" || ad.RedirectURL != "" {
				t.Errorf("skipped %v, redirect %q %q", ad.Skipped, ad.RedirectAddr, ad.RedirectURL)
			}
			var types []lookup.Protocol
			for _, s := range ad.Servers {
				types = append(types, s.Protocol)
				w := want(a, s.Protocol)[0]
				got := lookup.Server(s)
				got.Username = settings.Expand(got.Username, addr)
				// Autodiscover says a password, or NTLM (SPA); nothing else.
				w.Auth = []string{"password-cleartext"}
				if slices.Contains(a.Servers[s.Protocol][0].Auth, "NTLM") {
					w.Auth = []string{"NTLM"}
				}
				if w.Username == "" || w.Username == a.Address.Local+"@"+a.Address.Domain {
					// No LoginName is the address the request named, and
					// the parser reads the address with its A-label as
					// the address.
					w.Username = a.Address.String()
				}
				if !sameServers([]lookup.Server{got}, []lookup.Server{w}) {
					t.Errorf("%s reads back as %+v, want %+v\n%s", s.Protocol, got, w, data)
				}
			}
			var found []lookup.Protocol
			for _, p := range []lookup.Protocol{lookup.POP3, lookup.IMAP, lookup.SMTP} {
				if len(a.Servers[p]) > 0 {
					found = append(found, p)
				}
			}
			if !slices.Equal(types, found) {
				t.Errorf("Protocol blocks %v, want one each for %v", types, found)
			}
			for _, s := range []string{"<AccountType>email</AccountType>", "<Action>settings</Action>"} {
				if !bytes.Contains(data, []byte(s)) {
					t.Errorf("no %s in\n%s", s, data)
				}
			}
		})
	}
}

// sameServers compares what a file can say of servers: endpoint,
// security, login name and ways to log in, in order.
func sameServers(a, b []lookup.Server) bool {
	return slices.EqualFunc(a, b, func(x, y lookup.Server) bool {
		return x.Same(y) && x.Username == y.Username && slices.Equal(x.Auth, y.Auth) &&
			eq(x.LeaveMessagesOnServer, y.LeaveMessagesOnServer) && eq(x.DaysToLeaveMessagesOnServer, y.DaysToLeaveMessagesOnServer)
	})
}

func eq[T comparable](a, b *T) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// wellFormed parses data with a strict XML decoder and fails on anything
// that is not plain, escaped text: a control or bidirectional character, or
// markup that came from a name.
func wellFormed(t *testing.T, data []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, data)
		}
		if se, ok := tok.(xml.StartElement); ok && (se.Name.Local == "b" || se.Name.Local == "x" || se.Name.Local == "login") {
			t.Errorf("a name became the element <%s>:\n%s", se.Name.Local, data)
		}
	}
	for _, bad := range []string{"\x1b", "\u202e"} {
		if bytes.Contains(data, []byte(bad)) {
			t.Errorf("the file holds %q:\n%s", bad, data)
		}
	}
}

func TestEscaping(t *testing.T) {
	t.Parallel()
	a, err := export.FromResult(hostile(t))
	if err != nil {
		t.Fatal(err)
	}
	ac, _, _ := export.Autoconfig(a, export.Options{})
	ad, _, _ := export.Autodiscover(a, export.Options{})
	for name, data := range map[string][]byte{"autoconfig": ac, "autodiscover": ad} {
		s := string(data)
		for _, want := range []string{
			"xn--fsqu00a.xn--0zwm56d", // hosts and the domain as A-labels
		} {
			if !strings.Contains(s, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, s)
			}
		}
		if strings.Contains(s, "例子.测试</domain>") || strings.Contains(s, `id="例子`) || strings.Contains(s, "<Server>pop.例子") {
			t.Errorf("%s writes the domain as a U-label where ASCII is required:\n%s", name, s)
		}
	}
	for _, want := range []string{
		`<displayName>Mail &lt;b&gt;&amp;amp; &#34;Co&#34; &#39;Ltd&#39;&lt;/b&gt; 例子�[31m</displayName>`,
		`<username>&#34;odd&#34; &lt;login&gt; &amp; co</username>`,
		`<username>%EMAILADDRESS%</username>`,
		`<username>%EMAILLOCALPART%</username>`,
		`<username>%EMAILLOCALPART%@%EMAILDOMAIN%</username>`,
		`<emailProvider id="xn--fsqu00a.xn--0zwm56d">`,
	} {
		if !strings.Contains(string(ac), want) {
			t.Errorf("autoconfig lacks %s:\n%s", want, ac)
		}
	}
	for _, want := range []string{
		`<LoginName>&#34;o&#39;brien&amp;&lt;x&gt;&#34;@例子.测试</LoginName>`,
		`<LoginName>&#34;odd&#34; &lt;login&gt; &amp; co</LoginName>`,
		`<SPA>on</SPA>`,
	} {
		if !strings.Contains(string(ad), want) {
			t.Errorf("autodiscover lacks %s:\n%s", want, ad)
		}
	}
}

func TestFromResult(t *testing.T) {
	t.Parallel()
	// The incoming server is the first of POP3 and IMAP as asked.
	for _, c := range []struct {
		protocols []lookup.Protocol
		want      lookup.Protocol
	}{
		{nil, lookup.POP3},
		{[]lookup.Protocol{lookup.IMAP, lookup.POP3, lookup.SMTP}, lookup.IMAP},
		{[]lookup.Protocol{lookup.SMTP, lookup.POP3, lookup.IMAP}, lookup.POP3},
	} {
		a, err := export.FromResult(builtin(t, "someone@qq.com", c.protocols...))
		if err != nil {
			t.Fatal(err)
		}
		if a.Incoming.Protocol != c.want || a.Outgoing == nil || a.Outgoing.Protocol != lookup.SMTP {
			t.Errorf("%v: incoming %s, outgoing %v; want %s and SMTP", c.protocols, a.Incoming.Protocol, a.Outgoing, c.want)
		}
		if err := a.Check(); err != nil {
			t.Errorf("the built-in table is not trusted: %v", err)
		}
	}
	// No SMTP server: Thunderbird and Outlook need one.
	if a, err := export.FromResult(builtin(t, "someone@qq.com", lookup.POP3)); err != nil {
		t.Fatal(err)
	} else {
		for _, f := range []func(*export.Account, export.Options) ([]byte, []i18n.Msg, error){export.Autoconfig, export.Autodiscover} {
			if _, _, err := f(a, export.Options{}); !errors.Is(err, export.ErrNoOutgoing) {
				t.Errorf("without SMTP: %v, want ErrNoOutgoing", err)
			}
		}
	}
	// SMTP alone: nothing to hand out.
	if _, err := export.FromResult(builtin(t, "someone@qq.com", lookup.SMTP)); !errors.Is(err, export.ErrNoIncoming) {
		t.Errorf("SMTP alone: %v, want ErrNoIncoming", err)
	}
	if _, err := export.FromResult(lookup.Find(context.Background(), "not an address")); !errors.Is(err, lookup.ErrInvalidAddress) {
		t.Errorf("an invalid address: %v", err)
	}
	// A guessed protocol that is neither the incoming nor the outgoing
	// server still ends up in an autoconfig file: it is checked too.
	acct, err := export.FromResult(made(t, "a@example.com", lookup.SourceAutoconfig, nil,
		lookup.Server{Protocol: lookup.POP3, Host: "pop.example.com", Port: 995, SocketType: lookup.SSL, Username: "a@example.com"},
		lookup.Server{Protocol: lookup.SMTP, Host: "smtp.example.com", Port: 465, SocketType: lookup.SSL, Username: "a@example.com"}))
	if err != nil {
		t.Fatal(err)
	}
	acct.Protocols = append(acct.Protocols, lookup.IMAP)
	acct.Servers[lookup.IMAP] = []lookup.Server{{Protocol: lookup.IMAP, Host: "imap.example.com", Port: 993, SocketType: lookup.SSL}}
	acct.Sources[lookup.IMAP] = export.Source{Name: lookup.SourceGuess, Guessed: true}
	var ue *export.UntrustedError
	if err := acct.Check(); !errors.As(err, &ue) || ue.Protocol != lookup.IMAP {
		t.Errorf("a guessed IMAP beside published POP3 and SMTP: %v", err)
	}
	// A guess and a plain-HTTP answer are not to be handed out.
	srv := lookup.Server{Protocol: lookup.POP3, Host: "pop.example.com", Port: 995, SocketType: lookup.SSL, Username: "a@example.com"}
	for _, source := range []string{lookup.SourceGuess, lookup.SourceAutoconfigHTTP} {
		a, err := export.FromResult(made(t, "a@example.com", source, nil, srv))
		if err != nil {
			t.Fatal(err)
		}
		var ue *export.UntrustedError
		if err := a.Check(); !errors.As(err, &ue) || ue.Protocol != lookup.POP3 {
			t.Errorf("%s: Check says %v, want an UntrustedError", source, err)
		} else if msg := i18n.English.Format(ue.Msg()); !strings.Contains(msg, "POP3") {
			t.Errorf("%s: %q", source, msg)
		}
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	names := export.Names()
	for _, n := range []string{"autoconfig", "autodiscover", "text"} {
		if !slices.Contains(names, n) {
			t.Errorf("no format %s in %v", n, names)
		}
		f, ok := export.ByName(strings.ToUpper(n))
		if !ok || f.Name != n || f.MIME == "" || !strings.HasPrefix(f.Ext, ".") || f.Help == "" || f.Encode == nil {
			t.Errorf("%s: %+v", n, f)
		}
		for _, lang := range i18n.Languages() {
			if lang.Sprintf(f.Help) == f.Help {
				t.Errorf("%s: no %s text for %s", n, lang, f.Help)
			}
		}
	}
	if _, ok := export.ByName("bogus"); ok {
		t.Error("bogus is a format")
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	a, err := export.FromResult(builtin(t, "someone@qq.com", lookup.IMAP, lookup.SMTP))
	if err != nil {
		t.Fatal(err)
	}
	for lang, wants := range map[i18n.Lang][]string{
		i18n.English: {"Mail settings for someone@qq.com\n", "\nIMAP\n  Host: imap.qq.com\n  Port: 993\n  SSL: SSL/TLS\n  Username: someone@qq.com\n  Source: built-in table (builtin)\n", "\nSMTP\n", "Notes:\n- "},
		i18n.Chinese: {"someone@qq.com 的邮箱设置\n", "服务商：QQ邮箱\n", "  服务器：imap.qq.com\n", "  端口：993\n", "来源：内置表（builtin）"},
	} {
		data, _, err := export.Text(a, export.Options{Lang: lang})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range wants {
			if !strings.Contains(string(data), w) {
				t.Errorf("%s text lacks %q:\n%s", lang, w, data)
			}
		}
	}
	// The hostile account: one line per field, nothing a terminal acts on.
	h, _ := export.FromResult(hostile(t))
	data, _, _ := export.Text(h, export.Options{})
	if bytes.ContainsAny(data, "\x1b\u202e") {
		t.Errorf("the text holds control characters:\n%q", data)
	}
}

// TestAutodiscoverNotes checks that a way of logging in the format cannot
// say is told, not dropped in silence.
func TestAutodiscoverNotes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		auth []string
		note bool
	}{
		{[]string{"password-encrypted"}, true},
		{[]string{"OAuth2"}, true},
		{[]string{"OAuth2", "password-cleartext"}, false},
		{[]string{"NTLM"}, false},
		{nil, false},
	} {
		a, err := export.FromResult(made(t, "a@example.com", lookup.SourceAutoconfig, nil,
			lookup.Server{Protocol: lookup.POP3, Host: "pop.example.com", Port: 995, SocketType: lookup.SSL, Username: "a@example.com", Auth: c.auth},
			lookup.Server{Protocol: lookup.SMTP, Host: "smtp.example.com", Port: 465, SocketType: lookup.SSL, Username: "a@example.com"}))
		if err != nil {
			t.Fatal(err)
		}
		_, notes, err := export.Autodiscover(a, export.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(notes) > 0; got != c.note {
			t.Errorf("%v: notes %v", c.auth, notes)
		} else if got && !strings.Contains(i18n.English.Format(notes[0]), "POP3") {
			t.Errorf("%v: %q", c.auth, i18n.English.Format(notes[0]))
		}
	}
}
