package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/export"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

// cliExportWorld is the loopback Internet of the export tests: a domain that
// publishes an autoconfig file (every protocol, alternatives, a name that
// holds markup), a domain that publishes SRV records alone, and a domain
// whose autoconfig file comes over plain HTTP alone.
func cliExportWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	xmlDoc := func(body string) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Content-Type", "text/xml")
			io.WriteString(rw, body)
		})
	}
	w.https(t, xmlDoc(`<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="acme.example">
<domain>acme.example</domain><displayName>Acme &amp; "Söhne" &lt;Mail&gt;</displayName>
<incomingServer type="pop3"><hostname>pop.acme.example</hostname><port>995</port><socketType>SSL</socketType>
<username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication>
<pop3><leaveMessagesOnServer>true</leaveMessagesOnServer><daysToLeaveMessagesOnServer>14</daysToLeaveMessagesOnServer></pop3></incomingServer>
<incomingServer type="pop3"><hostname>pop.acme.example</hostname><port>110</port><socketType>STARTTLS</socketType>
<username>%EMAILLOCALPART%</username><authentication>password-encrypted</authentication></incomingServer>
<incomingServer type="imap"><hostname>imap.acme.example</hostname><port>993</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.acme.example</hostname><port>465</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
<outgoingServer type="smtp"><hostname>smtp.acme.example</hostname><port>587</port><socketType>STARTTLS</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
<documentation url="https://help.acme.example/mail?a=1&amp;b=2"><descr>Help</descr></documentation>
</emailProvider></clientConfig>`), "autoconfig.acme.example")
	w.dns.Add(t,
		"_pop3s._tcp.poponly.example. 60 IN SRV 0 0 995 pop.poponly.example.",
		"_pop3s._tcp.srvonly.example. 60 IN SRV 0 0 995 pop.srvonly.example.",
		"_imaps._tcp.srvonly.example. 60 IN SRV 0 0 993 imap.srvonly.example.",
		"_submission._tcp.srvonly.example. 60 IN SRV 0 0 587 smtp.srvonly.example.",
	)
	ip := testnet.IP()
	testnet.ServeHTTP(t, ip, xmlDoc(`<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="plainhttp.example">
<domain>plainhttp.example</domain><displayName>Plain</displayName>
<incomingServer type="pop3"><hostname>pop.plainhttp.example</hostname><port>995</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.plainhttp.example</hostname><port>465</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`))
	w.dns.Host(t, ip, "autoconfig.plainhttp.example")
	return w
}

// exportRun exports input in format as the command would against w, and
// returns its status and what it wrote to standard output and error.
func exportRun(t *testing.T, w *world, lang i18n.Lang, input, format string, set func(*options, *exportOptions)) (int, string, string) {
	t.Helper()
	o := w.options(t)
	o.json, o.lang = false, lang
	f, ok := export.ByName(format)
	if !ok {
		t.Fatalf("no format %s", format)
	}
	eo := &exportOptions{format: f}
	if set != nil {
		set(o, eo)
	}
	o.protocols = exportLookupProtocols(o.protocols)
	fd, err := newFinder(o)
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	var out, errw bytes.Buffer
	code, err := runExport(context.Background(), fd, o, eo, input, strings.NewReader(""), &out, &errw)
	if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errw.String()
}

// exportCases are the golden files of the export formats: a built-in
// provider (offline), a domain's autoconfig file, and SRV records alone.
var exportCases = []struct {
	name, input, args string
	set               func(*options, *exportOptions)
}{
	{"builtin", "someone@gmail.com", "--offline", func(o *options, _ *exportOptions) { o.sources = []string{lookup.SourceBuiltin} }},
	{"autoconfig", "someone@acme.example", "--protocol pop3,imap,smtp", func(o *options, _ *exportOptions) {
		o.protocols = []lookup.Protocol{lookup.POP3, lookup.IMAP, lookup.SMTP}
	}},
	{"srv", "someone@srvonly.example", "--protocol imap,pop3", func(o *options, _ *exportOptions) {
		o.protocols = []lookup.Protocol{lookup.IMAP, lookup.POP3}
	}},
}

func TestExportGolden(t *testing.T) {
	t.Parallel()
	w := cliExportWorld(t)
	for _, c := range exportCases {
		for _, format := range []string{"autoconfig", "autodiscover", "text"} {
			langs := []i18n.Lang{i18n.English}
			if format == "text" {
				langs = append(langs, i18n.Chinese)
			}
			for _, lang := range langs {
				name := fmt.Sprintf("export-%s-%s", c.name, format)
				if format == "text" {
					name += "-" + string(lang)
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					code, stdout, stderr := exportRun(t, w, lang, c.input, format, c.set)
					if code != ExitOK {
						t.Fatalf("exit %d:\n%s", code, stderr)
					}
					roundTrip(t, c.input, format, stdout)
					got := fmt.Sprintf("$ popfind export %s --format %s %s --lang %s\n-- stdout --\n%s-- stderr --\n%s", c.input, format, c.args, lang, stdout, stderr)
					golden(t, name, got)
				})
			}
		}
	}
}

// roundTrip reads a generated file back with popfind's own parsers: every
// server the lookup found must be in it.
func roundTrip(t *testing.T, input, format, data string) {
	t.Helper()
	addr, err := settings.ParseAddress(input)
	if err != nil {
		t.Fatal(err)
	}
	var servers []settings.Server
	switch format {
	case "autoconfig":
		c, err := autoconfig.Parse([]byte(data), addr)
		if err != nil || len(c.Skipped) > 0 {
			t.Fatalf("popfind reads its own file as %v, %v", err, c)
		}
		servers = c.Servers
	case "autodiscover":
		a, err := autoconfig.ParseAutodiscover([]byte(data), addr, addr)
		if err != nil || len(a.Skipped) > 0 {
			t.Fatalf("popfind reads its own file as %v, %v", err, a)
		}
		servers = a.Servers
	default:
		return
	}
	if len(servers) == 0 {
		t.Errorf("no server read back from\n%s", data)
	}
	for _, s := range servers {
		if !strings.Contains(data, s.Host) || settings.Expand(s.Username, addr) == "" {
			t.Errorf("%+v", s)
		}
	}
}

func TestExportUntrusted(t *testing.T) {
	t.Parallel()
	w := cliExportWorld(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "config-v1.1.xml")
	set := func(force bool) func(*options, *exportOptions) {
		return func(o *options, eo *exportOptions) { eo.output, eo.force = file, force }
	}
	code, stdout, stderr := exportRun(t, w, i18n.English, "someone@plainhttp.example", "autoconfig", set(false))
	if code != ExitNotFound || stdout != "" {
		t.Errorf("exit %d, standard output %q; want 1 and nothing", code, stdout)
	}
	for _, want := range []string{"over plain HTTP", "--force", "nothing was written"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("standard error lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("a file was written without --force: %v", err)
	}
	// In Chinese, all of it.
	code, _, stderr = exportRun(t, w, i18n.Chinese, "someone@plainhttp.example", "autoconfig", set(false))
	for _, want := range []string{"popfind：POP3 设置是通过明文 HTTP 获取的", "建议：请先核对设置，再加上 --force", "警告："} {
		if code != ExitNotFound || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, standard error lacks %q:\n%s", code, want, stderr)
		}
	}
	code, _, stderr = exportRun(t, w, i18n.English, "someone@plainhttp.example", "autoconfig", set(true))
	if code != ExitOK {
		t.Fatalf("with --force: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "Warning: ") || !strings.Contains(stderr, "plain HTTP") {
		t.Errorf("with --force, the lookup's warning is not on standard error:\n%s", stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil || !bytes.Contains(data, []byte("pop.plainhttp.example")) {
		t.Errorf("with --force: %v\n%s", err, data)
	}
}

// TestExportNoOutgoing checks that a lookup that found POP3 but no SMTP
// server writes no file that a client would refuse, and says why.
func TestExportNoOutgoing(t *testing.T) {
	t.Parallel()
	w := cliExportWorld(t)
	code, stdout, stderr := exportRun(t, w, i18n.English, "someone@poponly.example", "autoconfig", nil)
	if code != ExitNotFound || stdout != "" || !strings.Contains(stderr, "no SMTP server was found: the autoconfig file needs one") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}

func TestExportNotFound(t *testing.T) {
	t.Parallel()
	w := cliExportWorld(t)
	file := filepath.Join(t.TempDir(), "out.xml")
	code, stdout, stderr := exportRun(t, w, i18n.English, "someone@nosuch.example", "autoconfig", func(o *options, eo *exportOptions) { eo.output = file })
	if code != ExitNotFound || stdout != "" || !strings.Contains(stderr, "POP3, SMTP: no server found") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	if entries, _ := os.ReadDir(filepath.Dir(file)); len(entries) > 0 {
		t.Errorf("a failed lookup left %v", entries)
	}
}

// runCLI runs popfind with args, offline in English.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errw bytes.Buffer
	env := map[string]string{"LANG": "C", "NO_COLOR": "1"}
	code := Run(context.Background(), append([]string{"popfind"}, args...), IO{
		In: strings.NewReader(""), Out: &out, Err: &errw, Getenv: func(k string) string { return env[k] },
	})
	return code, out.String(), errw.String()
}

func TestExportCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "gmail.xml")
	code, stdout, stderr := runCLI(t, "export", "someone@gmail.com", "--format", "autoconfig", "--offline")
	if code != ExitOK || stderr != "" || !strings.Contains(stdout, "<hostname>pop.gmail.com</hostname>") {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
	// -o after the address, as with every other flag.
	if code, out, stderr := runCLI(t, "export", "--offline", "someone@gmail.com", "-f", "autoconfig", "-o", file); code != ExitOK || out != "" || stderr != "" {
		t.Fatalf("-o: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil || string(data) != stdout {
		t.Errorf("the file differs from standard output: %v\n%s", err, data)
	}
	// Written under a temporary name, then renamed: nothing else is left.
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %v", entries)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v", fi.Mode(), err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "someone@gmail.com", "--format", "pdf", "--offline"}, ExitUsage, `unknown format "pdf": the formats are autoconfig, autodiscover`},
		{[]string{"export", "someone@gmail.com", "--offline"}, ExitUsage, "--format is missing"},
		{[]string{"export", "--format", "text", "--offline"}, ExitUsage, "popfind: "},
		{[]string{"export", "a@gmail.com", "b@gmail.com", "--format", "text", "--offline"}, ExitUsage, "one address"},
		{[]string{"export", "not-an-address", "--format", "text", "--offline"}, ExitUsage, "invalid address"},
		{[]string{"export", "someone@nosuch.example", "--format", "text", "--offline"}, ExitNotFound, "POP3, SMTP: no server found"},
		{[]string{"export", "someone@gmail.com", "--protocol", "smtp", "--format", "text", "--offline"}, ExitOK, "POP3"},
		// Lookup flags before the command's name count as after it.
		{[]string{"--offline", "--dns", "127.0.0.1:1", "export", "someone@unknown-domain.example", "--format", "text"}, ExitNotFound, "(looked: builtin)"},
		{[]string{"--protocol", "imap", "export", "someone@gmail.com", "--format", "text", "--offline"}, ExitOK, "\nIMAP\n"},
		{[]string{"--protocol", "imap", "export", "someone@gmail.com", "--format", "text", "--offline", "--protocol", "pop3"}, ExitOK, "\nPOP3\n"},
		// A domain: one file for its every address.
		{[]string{"export", "gmail.com", "--format", "autoconfig", "--offline"}, ExitOK, "<username>%EMAILADDRESS%</username>"},
		{[]string{"export", "gmail.com", "--format", "text", "--offline"}, ExitOK, "Username: <address>"},
		{[]string{"export", "gmail.com", "--format", "autodiscover", "--offline"}, ExitUsage, "the autodiscover format is for one address"},
		{[]string{"export", "someone@gmail.com", "--format", "text", "--offline", "-o", dir}, ExitUsage, "is a folder"},
	} {
		code, stdout, stderr := runCLI(t, c.args...)
		got := stderr
		if c.code == ExitOK {
			got = stdout
		} else if stdout != "" {
			t.Errorf("%v: standard output %q", c.args, stdout)
		}
		if code != c.code || !strings.Contains(got, c.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s", c.args, code, c.code, c.want, got)
		}
	}
}

func TestExportLookupProtocols(t *testing.T) {
	t.Parallel()
	P, I, S := lookup.POP3, lookup.IMAP, lookup.SMTP
	for _, c := range []struct{ in, want []lookup.Protocol }{
		{nil, []lookup.Protocol{P, S}},
		{[]lookup.Protocol{I}, []lookup.Protocol{I, S}},
		{[]lookup.Protocol{S}, []lookup.Protocol{S, P}},
		{[]lookup.Protocol{S, I, P}, []lookup.Protocol{S, I, P}},
	} {
		if got := exportLookupProtocols(c.in); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%v: %v, want %v", c.in, got, c.want)
		}
	}
}

// TestExportTextIsPageTicket checks that the text format is the result
// page's copy block, word for word, in both languages.
func TestExportTextIsPageTicket(t *testing.T) {
	t.Parallel()
	w := cliExportWorld(t)
	for _, c := range exportCases {
		for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
			o := w.options(t)
			o.json, o.lang = false, lang
			c.set(o, &exportOptions{})
			o.protocols = exportLookupProtocols(o.protocols)
			f, err := newFinder(o)
			if err != nil {
				t.Fatal(err)
			}
			out := (&batch{opts: o, finder: f}).process(context.Background(), &slot{in: item{text: c.input}})
			f.Close()
			v := lookupView(&page{Lang: lang, Address: c.input}, &lookupResult{out: out, view: view(out, lang, false)})
			acct, err := export.FromResult(out.res)
			if err != nil {
				t.Fatal(err)
			}
			text, _, _ := export.Text(acct, export.Options{Lang: lang})
			if string(text) != v.Ticket || !strings.Contains(v.Ticket, c.input) {
				t.Errorf("%s %s: the text format\n%s\nthe page's copy block\n%s", c.name, lang, text, v.Ticket)
			}
		}
	}
}

// TestExportComplete checks that the shell completes --format with the
// formats.
func TestExportComplete(t *testing.T) {
	t.Parallel()
	a := newApp(IO{}, new(int), i18n.English)
	got := complete(a, []string{"popfind", "export", "--format", "", completeFlag})
	if strings.Join(got, " ") != strings.Join(export.Names(), " ") {
		t.Errorf("export --format completes as %q, want %q", got, export.Names())
	}
}

// A lookup that fails says why, on standard error, and nothing is written:
// iCloud has no POP3, and the default asks for POP3.
func TestExportSaysWhyNothing(t *testing.T) {
	t.Parallel()
	code, out, stderr := run(t, "", "export", "--offline", "--format", "text", "someone@icloud.com")
	if code != ExitNotFound || out != "" || !strings.Contains(stderr, "iCloud Mail offers no POP3; use IMAP") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 1, nothing written, and the reason", code, out, stderr)
	}
}
