package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/popfind/popfind/check"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// sampleXML is the autoconfig file of the sample report's paste.
const sampleXML = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.org">
    <domain>example.org</domain>
    <displayName>example.org</displayName>
    <displayShortName>example.org</displayShortName>
    <incomingServer type="pop3">
      <hostname>mail.example.org</hostname>
      <port>995</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.org</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>`

// sampleCheckReport is a report with findings of every severity, a paste
// of each kind, a comparison of sources, and servers that passed and
// failed: what the renderers must handle, without the engine. Its
// findings are made as the engine makes them, of the catalogue's
// messages, so that each language's report is in that language: the
// domain publishes POP3 and SMTP over plain HTTP alone, its certificate
// for SMTP is close to its end, and the ISP database names an old POP3
// server and an IMAP server that refuses connections.
func sampleCheckReport() *check.Report {
	srv := func(p settings.Protocol, host string, port int, st settings.SocketType) settings.Server {
		return settings.Server{Protocol: p, Host: host, Port: port, SocketType: st, Username: "%EMAILADDRESS%", Auth: []string{"password-cleartext"}}
	}
	pop := srv(settings.POP3, "mail.example.org", 995, settings.SSL)
	smtp := srv(settings.SMTP, "smtp.example.org", 587, settings.STARTTLS)
	oldPOP := srv(settings.POP3, "pop.old-hosting.example.net", 995, settings.SSL)
	oldIMAP := srv(settings.IMAP, "imap.old-hosting.example.net", 143, settings.STARTTLS)
	const acURL = "https://autoconfig.example.org/mail/config-v1.1.xml"
	reason := i18n.M(i18n.ReasonHTTPStatus, acURL, "404 Not Found")
	autoconfigHTTP := check.Published{Source: lookup.SourceAutoconfigHTTP, URL: "http://autoconfig.example.org/mail/config-v1.1.xml",
		Status: check.StatusFound, Insecure: true, Servers: []settings.Server{pop, smtp}}
	ispdb := check.Published{Source: lookup.SourceISPDB, URL: "https://autoconfig.thunderbird.net/v1.1/example.org",
		Status: check.StatusFound, Servers: []settings.Server{oldPOP, oldIMAP}}
	srvRecords := check.Published{Source: lookup.SourceSRV, URL: "_pop3s._tcp.example.org, _pop3._tcp.example.org, _imaps._tcp.example.org, _imap._tcp.example.org, _submissions._tcp.example.org, _submission._tcp.example.org",
		Status: check.StatusMissing, Reason: &i18n.Msg{Key: i18n.CheckNothingPublished}}
	ok := func(s settings.Server) *probe.Report {
		return &probe.Report{OK: true, Protocol: s.Protocol, Host: s.Host, Port: s.Port, SocketType: s.SocketType, Addr: "192.0.2.25:" + fmt.Sprint(s.Port),
			Steps: []probe.Step{{Name: i18n.M(i18n.StepConnect, "192.0.2.25"), OK: true}}}
	}
	refused := &probe.Report{Protocol: oldIMAP.Protocol, Host: oldIMAP.Host, Port: oldIMAP.Port, SocketType: oldIMAP.SocketType,
		Kind: "refused", Problem: i18n.M(i18n.FailRefused, "198.51.100.7:143"), Err: errors.New("connection refused"),
		Steps: []probe.Step{{Name: i18n.M(i18n.StepConnect, "198.51.100.7"), OK: false}}}
	// A server as the engine describes it: host:port and its security.
	describe := func(s settings.Server) string {
		word := i18n.M(i18n.SSLTLS)
		if s.SocketType == settings.STARTTLS {
			word = i18n.M(i18n.SSLStartTLS)
		}
		return net.JoinHostPort(s.Host, fmt.Sprint(s.Port)) + " " + i18n.Nest(word)
	}
	only := func(p check.Published, proto settings.Protocol) check.Published {
		var servers []settings.Server
		for _, s := range p.Servers {
			if s.Protocol == proto {
				servers = append(servers, s)
			}
		}
		p.Servers = servers
		return p
	}
	return &check.Report{
		Domain: "example.org", UnicodeDomain: "example.org",
		Protocols: []settings.Protocol{settings.POP3, settings.IMAP, settings.SMTP},
		Findings: []check.Finding{
			{Severity: check.Fail, Code: check.CodeAutoconfigHTTPOnly, Source: lookup.SourceAutoconfigHTTP,
				Message: i18n.M(i18n.CheckAutoconfigHTTPOnly, autoconfigHTTP.URL),
				Fix:     i18n.M(i18n.CheckAutoconfigHTTPOnlyFix, acURL),
				Paste:   sampleXML, PasteKind: check.PasteXML, PasteURL: acURL},
			{Severity: check.Fail, Code: check.CodeServerUnreachable, Protocol: settings.IMAP, Source: lookup.SourceISPDB, Server: "imap.old-hosting.example.net:143",
				Message: i18n.M(i18n.CheckServerRefused, "IMAP", "imap.old-hosting.example.net:143", lookup.SourceISPDB),
				Fix:     i18n.M(i18n.CheckServerUnreachableFix, "IMAP", "imap.old-hosting.example.net:143")},
			{Severity: check.Warn, Code: check.CodeISPDBStale, Protocol: settings.POP3, Source: lookup.SourceISPDB,
				Message: i18n.M(i18n.CheckISPDBStale, ispdb.URL, describe(oldPOP), "POP3", describe(pop)),
				Fix:     i18n.M(i18n.CheckISPDBStaleFix, "example.org"),
				Compare: []check.Published{only(ispdb, settings.POP3), only(autoconfigHTTP, settings.POP3)}},
			{Severity: check.Warn, Code: check.CodeCertExpiring, Protocol: settings.SMTP, Source: lookup.SourceAutoconfigHTTP, Server: "smtp.example.org:587",
				Message: i18n.M(i18n.CheckCertExpiring, "smtp.example.org:587", "9", "2026-12-15"),
				Fix:     i18n.M(i18n.CheckCertExpiringFix, "smtp.example.org")},
			{Severity: check.Info, Code: check.CodeSTARTTLSOnly, Protocol: settings.SMTP, Source: lookup.SourceAutoconfigHTTP, Server: "smtp.example.org:587",
				Message:   i18n.M(i18n.CheckSTARTTLSOnly, "SMTP", "smtp.example.org:587", lookup.SourceAutoconfigHTTP, "465"),
				Fix:       i18n.M(i18n.CheckSTARTTLSOnlyFix, "SMTP", "465"),
				Paste:     "_submissions._tcp.example.org. 3600 IN SRV 0 1 465 smtp.example.org.\n_submission._tcp.example.org. 3600 IN SRV 10 1 587 smtp.example.org.",
				PasteKind: check.PasteDNS},
		},
		Sources: []check.Published{
			{Source: lookup.SourceAutoconfig, URL: acURL, Status: check.StatusMissing, Reason: &reason},
			autoconfigHTTP, ispdb, srvRecords,
			{Source: lookup.SourceMX, URL: "MX example.org", Status: check.StatusSkipped},
		},
		Servers: []check.ServerCheck{
			{Server: pop, Sources: []string{lookup.SourceAutoconfigHTTP}, Report: ok(pop)},
			{Server: oldPOP, Sources: []string{lookup.SourceISPDB}, Report: ok(oldPOP)},
			{Server: oldIMAP, Sources: []string{lookup.SourceISPDB}, Report: refused},
			{Server: smtp, Sources: []string{lookup.SourceAutoconfigHTTP}, Report: ok(smtp), PlainAuth: false, PlainAuthKnown: true, AuthEvidence: "250-AUTH PLAIN LOGIN"},
		},
	}
}

// cleanCheckReport is a report with nothing to say.
func cleanCheckReport() *check.Report {
	s := settings.Server{Protocol: settings.IMAP, Host: "imap.example.com", Port: 993, SocketType: settings.SSL, Username: "%EMAILADDRESS%", Auth: []string{}}
	return &check.Report{Domain: "example.com", UnicodeDomain: "example.com", Protocols: []settings.Protocol{settings.IMAP},
		Sources: []check.Published{{Source: lookup.SourceSRV, URL: "_imaps._tcp.example.com", Status: check.StatusFound, DNSSEC: true, Servers: []settings.Server{s},
			Records: []string{"_imaps._tcp.example.com. 3600 IN SRV 0 1 993 imap.example.com."}}},
		Servers: []check.ServerCheck{{Server: s, Sources: []string{lookup.SourceSRV}, Report: &probe.Report{OK: true, Protocol: s.Protocol, Host: s.Host, Port: s.Port, SocketType: s.SocketType}}}}
}

// renderCheck renders r as the command does at width in lang, colourless.
func renderCheck(t *testing.T, r *check.Report, lang i18n.Lang, width int) string {
	t.Helper()
	var b bytes.Buffer
	if err := writeCheck(&b, r, lang, screen{lang: lang, width: width}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestCheckHuman: the verdict comes first; each finding has its
// severity, code, message and fix; each paste is there verbatim, whole,
// unindented; the tables fit the screen and no URL or host is split.
func TestCheckHuman(t *testing.T) {
	t.Parallel()
	r := sampleCheckReport()
	words := []string{"https://autoconfig.example.org/mail/config-v1.1.xml", "imap.old-hosting.example.net", "mail.example.org", "smtp.example.org"}
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		for _, width := range []int{60, 80, 0} {
			t.Run(fmt.Sprintf("%s-%d", lang, width), func(t *testing.T) {
				t.Parallel()
				out := renderCheck(t, r, lang, width)
				first := strings.SplitN(out, "\n", 2)[0]
				want := lang.Sprintf(i18n.CheckUIVerdict, "example.org", lang.Sprintf(i18n.CheckUIFailMany, "2")+lang.ListSep()+
					lang.Sprintf(i18n.CheckUIWarnMany, "2")+lang.ListSep()+lang.Sprintf(i18n.CheckUIInfoOne))
				if first != want {
					t.Errorf("first line %q, want %q", first, want)
				}
				for _, f := range r.Findings {
					if !strings.Contains(out, f.Code) {
						t.Errorf("no %s", f.Code)
					}
					if f.Paste != "" && !strings.Contains(out, "\n\n"+f.Paste+"\n\n") {
						t.Errorf("paste of %s not verbatim between blank lines:\n%s", f.Code, out)
					}
				}
				for _, s := range []string{lang.Sprintf(i18n.CheckUISources), lang.Sprintf(i18n.CheckUIServers), lang.Sprintf(i18n.CheckUIFix)} {
					if !strings.Contains(out, s) {
						t.Errorf("no %q", s)
					}
				}
				if width > 0 {
					// What is to be pasted is as it is, whatever its width.
					rest := out
					for _, f := range r.Findings {
						if f.Paste != "" {
							rest = strings.Replace(rest, f.Paste, "", 1)
						}
					}
					checkScreen(t, rest, width)
					checkWhole(t, out, words, []string{"https://autoconfig.example.org/mail/config-v1.1.xml"})
				}
				if lang == i18n.Chinese && strings.Contains(out, "Fix:") {
					t.Errorf("English in the Chinese report:\n%s", out)
				}
				if strings.Contains(out, "ms") && strings.Contains(out, "毫秒") {
					t.Errorf("timings in the report:\n%s", out)
				}
			})
		}
	}
	if out := renderCheck(t, cleanCheckReport(), i18n.English, 80); !strings.HasPrefix(out, "example.com: no problems found\n") {
		t.Errorf("clean report:\n%s", out)
	}
}

// TestCheckVerdict: the verdict counts failures and warnings; notes are
// no problems, and a report with notes only says so, in brackets.
func TestCheckVerdict(t *testing.T) {
	t.Parallel()
	note := check.Finding{Severity: check.Info, Code: check.CodeSTARTTLSOnly}
	warn := check.Finding{Severity: check.Warn, Code: check.CodeCertExpiring}
	for _, tt := range []struct {
		findings []check.Finding
		lang     i18n.Lang
		want     string
	}{
		{nil, i18n.English, "x.example: no problems found"},
		{[]check.Finding{note}, i18n.English, "x.example: no problems found (1 note)"},
		{[]check.Finding{note, note}, i18n.Chinese, "x.example：未发现问题（2 条提示）"},
		{[]check.Finding{note}, i18n.Chinese, "x.example：未发现问题（1 条提示）"},
		{[]check.Finding{warn, note}, i18n.English, "x.example: 1 warning, 1 note"},
		{[]check.Finding{warn, note}, i18n.Chinese, "x.example：1 个警告、1 条提示"},
	} {
		if got := verdict(&check.Report{Domain: "x.example", Findings: tt.findings}, tt.lang); got != tt.want {
			t.Errorf("%s %d findings: %q, want %q", tt.lang, len(tt.findings), got, tt.want)
		}
	}
}

// TestGoldenCheckSample: the sample report at 80 columns, in English and
// Chinese.
func TestGoldenCheckSample(t *testing.T) {
	t.Parallel()
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		name := fmt.Sprintf("check-sample-%s-80", lang)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out := renderCheck(t, sampleCheckReport(), lang, 80)
			golden(t, name, out)
			if lang == i18n.Chinese {
				// Built of the catalogue's messages: Chinese throughout.
				findings, _, _ := strings.Cut(out, i18n.Chinese.Sprintf(i18n.CheckUISources))
				checkNoEnglish(t, findings)
			}
		})
	}
}

// checkSchema compiles check.schema.json, with result.schema.json, which
// it refers to, known by its $id.
var checkSchema = sync.OnceValue(func() *jsonschema.Schema {
	c := jsonschema.NewCompiler()
	dir := filepath.Join("..", "schema")
	result, err := jsonschema.UnmarshalJSON(bytes.NewReader(mustRead(filepath.Join(dir, "result.schema.json"))))
	if err != nil {
		panic(err)
	}
	if err := c.AddResource("https://github.com/popfind/popfind/schema/result.schema.json", result); err != nil {
		panic(err)
	}
	self, err := jsonschema.UnmarshalJSON(bytes.NewReader(mustRead(filepath.Join(dir, "check.schema.json"))))
	if err != nil {
		panic(err)
	}
	if err := c.AddResource("https://github.com/popfind/popfind/schema/check.schema.json", self); err != nil {
		panic(err)
	}
	return c.MustCompile("https://github.com/popfind/popfind/schema/check.schema.json")
})

// TestCheckJSON: the JSON of a report is valid against the schema, in
// both languages, with the fields the issue names.
func TestCheckJSON(t *testing.T) {
	t.Parallel()
	for _, r := range []*check.Report{sampleCheckReport(), cleanCheckReport(),
		{Domain: "down.example", Err: fmt.Errorf("check: %w", lookup.ErrNetwork)}} {
		for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
			var b bytes.Buffer
			if err := writeJSON(&b, checkView(r, lang)); err != nil {
				t.Fatal(err)
			}
			validate(t, checkSchema(), b.Bytes())
			j := decode[map[string]any](t, b.Bytes())
			for _, k := range []string{"domain", "protocols", "findings", "sources", "servers", "counts"} {
				if _, ok := j[k]; !ok {
					t.Errorf("%s: no %s: %s", r.Domain, k, b.Bytes())
				}
			}
			if r.Err != nil && j["error"] == nil {
				t.Errorf("no error: %s", b.Bytes())
			}
		}
	}
	var b bytes.Buffer
	writeJSON(&b, checkView(sampleCheckReport(), i18n.English))
	for _, want := range []string{`"severity":"fail","code":"autoconfig_http_only","protocol":"","source":"autoconfig-http"`,
		`"paste_kind":"xml","paste_url":"https://autoconfig.example.org/mail/config-v1.1.xml"`, `"compare":[{"source":"ispdb"`,
		`"plain_auth_before_tls":false,"auth_evidence":"250-AUTH PLAIN LOGIN"`, `"ok":false,"protocol":"imap","host":"imap.old-hosting.example.net"`,
		`"counts":{"fail":2,"warn":2,"info":1}`, `"sources":["ispdb"]`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b.String())
		}
	}
}

// TestCheckExit: 1 for a failure, 0 for warnings alone, 4 when nothing
// could be looked at.
func TestCheckExit(t *testing.T) {
	t.Parallel()
	warnOnly := sampleCheckReport()
	warnOnly.Findings = warnOnly.Findings[2:]
	for _, tt := range []struct {
		r    *check.Report
		want int
	}{
		{sampleCheckReport(), 1}, {warnOnly, 0}, {cleanCheckReport(), 0},
		{&check.Report{Domain: "x.example", Err: lookup.ErrNetwork}, 4},
	} {
		if got := checkExit(tt.r); got != tt.want {
			t.Errorf("%s: exit %d, want %d", tt.r.Domain, got, tt.want)
		}
	}
	var b bytes.Buffer
	writeCheckErr(&b, &check.Report{Domain: "x.example", Err: lookup.ErrNetwork}, i18n.Chinese, screen{lang: i18n.Chinese, width: 80})
	if !strings.HasPrefix(b.String(), "popfind：无法检查 x.example 的任何内容：") {
		t.Errorf("Chinese network error %q", b.String())
	}
}

// TestCheckUsage: usage errors exit 2, in the user's language, with a
// clean standard output.
func TestCheckUsage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"check"}, "popfind: no domain given: popfind check DOMAIN"},
		{[]string{"check", "a.example", "b.example"}, "check takes one DOMAIN, got 2 arguments"},
		{[]string{"check", "someone@example.org"}, "check takes a domain, not an address: popfind check example.org"},
		{[]string{"--lang", "zh", "check", "someone@example.org"}, "popfind：check 接受的是域名，而不是邮箱地址：popfind check example.org"},
		{[]string{"check", "--lang", "zh"}, "popfind：未提供域名"},
		{[]string{"check", "  "}, "popfind: no domain given"},
		{[]string{"check", "[127.0.0.1]"}, "popfind: check takes a domain name, not an IP address: 127.0.0.1"},
		{[]string{"check", "2001:db8::1"}, "popfind: check takes a domain name, not an IP address: 2001:db8::1"},
		{[]string{"check", "exa mple.org"}, `popfind: "exa mple.org" is not a domain name`},
		{[]string{"--lang", "zh", "check", "exa mple.org"}, `popfind：“exa mple.org”不是域名`},
		{[]string{"check", "--protocol", "pop4", "example.org"}, `unknown protocol`},
		{[]string{"check", "--sources", "nosuch", "example.org"}, `"nosuch"`},
		{[]string{"check", "--timeout", "0s", "example.org"}, `0s`},
		// Options before the command's name count, as for export.
		{[]string{"--protocol", "pop4", "check", "example.org"}, `unknown protocol`},
		{[]string{"--timeout", "0s", "check", "example.org"}, `0s`},
	} {
		code, stdout, stderr := run(t, "", tt.args...)
		if code != ExitUsage || stdout != "" || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "panic") {
			t.Errorf("popfind %s: exit %d, stdout %q, stderr %q; want exit 2 and %q", strings.Join(tt.args, " "), code, stdout, stderr, tt.want)
		}
	}
}

// TestCheckInterrupted: a check stopped by its context while it runs (its
// DNS server holds every query) says "interrupted" and exits 130 at once,
// not when --timeout ends.
func TestCheckInterrupted(t *testing.T) {
	t.Parallel()
	// A DNS server that reads nothing and answers nothing.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errw bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"popfind", "check", "--timeout", "60s", "--dns", pc.LocalAddr().String(), "example.org"},
			IO{In: strings.NewReader(""), Out: &out, Err: &errw, Getenv: func(string) string { return "" }})
	}()
	select {
	case code := <-done:
		t.Fatalf("the check ended before it was interrupted: exit %d, stderr %q", code, errw.String())
	case <-time.After(300 * time.Millisecond):
	}
	cancel()
	select {
	case code := <-done:
		if code != ExitInterrupted || !strings.Contains(errw.String(), "interrupted") || out.Len() != 0 {
			t.Errorf("exit %d, stdout %q, stderr %q; want 130 and interrupted", code, out.String(), errw.String())
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the check did not stop within 3 s of its interruption")
	}
}

func mustRead(name string) []byte {
	data, err := os.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return data
}

// TestCheckCompletion: completion offers check, its flags, and the items
// of its --protocol list.
func TestCheckCompletion(t *testing.T) {
	t.Parallel()
	a := newApp(IO{}, new(int), i18n.English)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{""}, "check"},
		{[]string{"check", "--"}, "--protocol"},
		{[]string{"check", "--protocol", "imap,"}, "imap,smtp"},
	} {
		got := complete(a, append(append([]string{"popfind"}, tt.args...), completeFlag))
		if !slices.Contains(got, tt.want) {
			t.Errorf("complete %q: %q lacks %q", tt.args, got, tt.want)
		}
	}
}

// TestCheckHelp: check's help in Chinese carries no English of urfave/cli's
// nor of popfind's, and names the form of use; in English it names the
// exit statuses.
func TestCheckHelp(t *testing.T) {
	t.Parallel()
	code, zh, stderr := run(t, "", "--lang", "zh", "check", "--help")
	if code != 0 || stderr != "" || !strings.Contains(zh, "popfind check [--protocol 列表] [--json] [选项] 域名") {
		t.Fatalf("check --help in Chinese: exit %d, %s%s", code, zh, stderr)
	}
	english := regexp.MustCompile(`(?i:default|\bvalue\b|command options|arguments\.\.\.)|\b(OPTIONS|USAGE|NAME|DESCRIPTION|DOMAIN)\b|\[\$|[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}`)
	for _, l := range strings.Split(zh, "\n") {
		if m := english.FindString(strings.NewReplacer("popfind check", "", "Thunderbird ISP", "").Replace(l)); m != "" {
			t.Errorf("English %q in %q", m, l)
		}
	}
	_, en, _ := run(t, "", "check", "--help")
	for _, want := range []string{"popfind check [--protocol LIST] [--json] [options] DOMAIN", "1 when one is", "--protocol LIST"} {
		if !strings.Contains(en, want) {
			t.Errorf("check --help lacks %q:\n%s", want, en)
		}
	}
}
