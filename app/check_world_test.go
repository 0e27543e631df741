package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/checkworld"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
)

// severalDomain is a domain of the check tests with findings of every
// severity: its autoconfig file is served over plain HTTP only (a
// failure, with the file to publish), and names a plain-text IMAP server
// (a failure), a POP3 server with STARTTLS only (a note) and no SMTP
// server (a warning). Its servers are the clean domain's.
const severalDomain = "several.test"

// severalXML is severalDomain's autoconfig file.
const severalXML = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
<emailProvider id="several.test">
<domain>several.test</domain>
<displayName>several.test</displayName>
<incomingServer type="imap"><hostname>mail.clean.test</hostname><port>143</port><socketType>plain</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<incomingServer type="pop3"><hostname>mail.clean.test</hostname><port>110</port><socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
</emailProvider>
</clientConfig>
`

// newCheckWorld starts the check's test world with severalDomain; it
// stops when the test ends.
func newCheckWorld(t *testing.T) *checkworld.World {
	t.Helper()
	w := checkworld.New(t)
	ip := testnet.IP()
	testnet.ServeHTTP(t, ip, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/mail/config-v1.1.xml" {
			http.NotFound(rw, r)
			return
		}
		rw.Header().Set("Content-Type", "text/xml")
		io.WriteString(rw, severalXML)
	}))
	w.DNS.Host(t, ip, "autoconfig."+severalDomain)
	return w
}

// checkOptions are the options of a check of the world, in lang.
func checkOptions(w *checkworld.World, lang i18n.Lang) *options {
	cfg := w.Config()
	return &options{dns: cfg.DNS, ispdb: cfg.ISPDB, rootCAs: cfg.RootCAs, dial: cfg.Dial, timeout: cfg.Timeout,
		lang: lang, concurrency: defaultConcurrency}
}

// runWorldCheck runs the check command's work for domain in the world, as
// `popfind check` would with COLUMNS=width and NO_COLOR set, and returns
// the exit status and what went to standard output and standard error.
func runWorldCheck(t *testing.T, w *checkworld.World, lang i18n.Lang, width int, json bool, domain string) (int, string, string) {
	t.Helper()
	o := checkOptions(w, lang)
	o.json = json
	env := map[string]string{"NO_COLOR": "1", "COLUMNS": strconv.Itoa(width)}
	if width == 0 {
		delete(env, "COLUMNS")
	}
	var out, errw bytes.Buffer
	code, err := checkRun(context.Background(), o, domain, &out, &errw, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("check %s: %v", domain, err)
	}
	return code, out.String(), errw.String()
}

// checkOut is what the tests read of a check's JSON.
type checkOut struct {
	Domain string
	Counts struct{ Fail, Warn, Info int }
	Error  string
	// Findings and Servers, as far as the tests read them.
	Findings []struct {
		Code, Paste string
		PasteURL    string `json:"paste_url"`
	}
	Servers []struct{ Host string }
}

// loopbackIP matches the test world's addresses, which change from run to
// run.
var loopbackIP = regexp.MustCompile(`\b127\.\d+\.\d+\.\d+\b`)

// TestGoldenCheck: the report of the clean domain and of severalDomain at
// 80 columns, in English and in Chinese, against the test world; each
// fits the screen, splits no URL or host, and gives the file to publish
// verbatim.
func TestGoldenCheck(t *testing.T) {
	t.Parallel()
	w := newCheckWorld(t)
	for _, c := range []struct {
		name, domain string
		code         int
	}{{"clean", checkworld.Clean, ExitOK}, {"several", severalDomain, ExitCheckFailed}} {
		for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
			name := fmt.Sprintf("check-%s-%s-80", c.name, lang)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				code, stdout, stderr := runWorldCheck(t, w, lang, 80, false, c.domain)
				if code != c.code || stderr != "" {
					t.Errorf("exit %d, stderr %q; want exit %d and nothing there", code, stderr, c.code)
				}
				_, js, _ := runWorldCheck(t, w, lang, 80, true, c.domain)
				j := decode[checkOut](t, []byte(js))
				rest := stdout
				var words []string
				for _, f := range j.Findings {
					if f.Paste != "" {
						if !strings.Contains(stdout, "\n\n"+strings.TrimRight(f.Paste, "\n")+"\n\n") {
							t.Errorf("%s: the paste is not there verbatim between blank lines", f.Code)
						}
						rest = strings.Replace(rest, strings.TrimRight(f.Paste, "\n"), "", 1)
					}
					if f.PasteURL != "" {
						words = append(words, f.PasteURL)
					}
				}
				for _, s := range j.Servers {
					words = append(words, s.Host)
				}
				checkScreen(t, rest, 80)
				checkWhole(t, rest, words, nil)
				first := strings.SplitN(stdout, "\n", 2)[0]
				if !strings.HasPrefix(first, c.domain+lang.Colon()) {
					t.Errorf("first line %q is not the verdict", first)
				}
				if lang == i18n.Chinese {
					// The findings, that is: the sources' reasons hold
					// what servers and resolvers said.
					findings, _, _ := strings.Cut(rest, lang.Sprintf(i18n.CheckUISources))
					checkNoEnglish(t, findings)
				}
				golden(t, name, "$ popfind check "+c.domain+"\n"+loopbackIP.ReplaceAllString(stdout, "127.0.0.x"))
			})
		}
	}
}

// checkNoEnglish fails on an English sentence in a Chinese report: three
// English words in a row, once host names, URLs, codes, source names and
// protocol names are left out.
func checkNoEnglish(t *testing.T, out string) {
	t.Helper()
	notWords := regexp.MustCompile(`https?://\S+|[\w-]+(\.[\w-]+)+(:\d+)?|\b[a-z]+(_[a-z]+)+\b|` +
		`\b(builtin|autoconfig|well-known|ispdb|srv|autodiscover|mx|autoconfig-http|guess)\b|` +
		`\b(POP3|IMAP|SMTP|STARTTLS|SSL/TLS|HTTP|HTTPS|DNS|TLS|SRV|MX|XML|Autodiscover|Thunderbird|Not Found|SASL PLAIN)\b|` +
		`<[^>]*>|%[A-Z]+%`)
	english := regexp.MustCompile(`[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}`)
	for i, l := range strings.Split(out, "\n") {
		if m := english.FindString(notWords.ReplaceAllString(l, " ")); m != "" {
			t.Errorf("line %d has English %q: %q", i+1, m, l)
		}
	}
}

// TestCheckWorld: every domain of the test world, in English and in
// Chinese, at 60 and 80 columns and piped: the JSON is valid against the
// schema and has the finding the domain was made for; the report fits the
// screen, splits no host, carries no control character from a hostile
// server, and the exit status follows the worst finding.
func TestCheckWorld(t *testing.T) {
	t.Parallel()
	w := newCheckWorld(t)
	codes := make([]string, 0, len(w.Domains))
	for code := range w.Domains {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	domains := map[string]string{"clean": w.Clean, "several": severalDomain}
	if w.Hostile != "" {
		domains["hostile"] = w.Hostile
	}
	for _, code := range codes {
		domains[code] = w.Domains[code]
	}
	for name, domain := range domains {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
				code, js, stderr := runWorldCheck(t, w, lang, 80, true, domain)
				validate(t, checkSchema(), []byte(js))
				j := decode[checkOut](t, []byte(js))
				if stderr != "" || j.Error != "" {
					t.Fatalf("%s: stderr %q, error %q", domain, stderr, j.Error)
				}
				if _, known := w.Domains[name]; known && !containsCode(j, name) {
					t.Errorf("%s: no %s finding: %s", domain, name, js)
				}
				if want := map[bool]int{true: ExitCheckFailed, false: ExitOK}[j.Counts.Fail > 0]; code != want {
					t.Errorf("%s: exit %d with %d failures", domain, code, j.Counts.Fail)
				}
				var hosts []string
				for _, s := range j.Servers {
					hosts = append(hosts, s.Host)
				}
				for _, width := range []int{60, 80, 0} {
					_, out, _ := runWorldCheck(t, w, lang, width, false, domain)
					if strings.ContainsAny(out, "\x1b\u202e\u0085\x00") {
						t.Errorf("%s %s %d: a control character in the report: %q", domain, lang, width, out)
					}
					if width == 0 {
						continue
					}
					rest := out
					for _, f := range j.Findings {
						rest = strings.Replace(rest, strings.TrimRight(f.Paste, "\n"), "", 1)
					}
					checkScreen(t, rest, width)
					checkWhole(t, rest, hosts, nil)
				}
			}
		})
	}
}

func containsCode(j checkOut, code string) bool {
	for _, f := range j.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// TestCheckNoNetwork: a check that can reach no DNS server says so on
// standard error in the user's language, with a hint, and exits 4; with
// --json the object says it in error.
func TestCheckNoNetwork(t *testing.T) {
	t.Parallel()
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		o := &options{dns: "127.0.0.1:1", timeout: 2e9, lang: lang, concurrency: defaultConcurrency, sources: []string{lookup.SourceSRV, lookup.SourceMX}}
		var out, errw bytes.Buffer
		code, err := checkRun(context.Background(), o, "example.org", &out, &errw, func(string) string { return "" })
		if err != nil || code != ExitNetwork || out.Len() != 0 || !strings.HasPrefix(errw.String(), "popfind"+lang.Colon()+lang.Sprintf(i18n.CheckUINothing, "example.org", "")) {
			t.Errorf("%s: exit %d, err %v, stdout %q, stderr %q", lang, code, err, out.String(), errw.String())
		}
		o.json = true
		out.Reset()
		code, _ = checkRun(context.Background(), o, "example.org", &out, &errw, func(string) string { return "" })
		validate(t, checkSchema(), out.Bytes())
		if j := decode[checkOut](t, out.Bytes()); code != ExitNetwork || j.Error == "" {
			t.Errorf("%s JSON: exit %d, %s", lang, code, out.String())
		}
	}
}

// TestCheckInvalidDomain: what is not a domain is a usage error worded in
// the user's language, never a panic.
func TestCheckInvalidDomain(t *testing.T) {
	t.Parallel()
	for _, input := range []string{"not a domain", "-x-.example", "exa mple.org", "a..b", strings.Repeat("a", 300) + ".example", "http://example.org/"} {
		for _, lang := range []string{"en", "zh"} {
			code, stdout, stderr := run(t, "", "--lang", lang, "check", "--dns", "127.0.0.1:1", "--", input)
			if code != ExitUsage || stdout != "" || !strings.Contains(stderr, strconv.Quote(input)) || strings.Contains(stderr, "panic") {
				t.Errorf("check %q in %s: exit %d, stdout %q, stderr %q", input, lang, code, stdout, stderr)
			}
			if lang == "zh" && !strings.Contains(stderr, "不是域名") {
				t.Errorf("check %q in Chinese: %q", input, stderr)
			}
		}
	}
}

// newCheckServe is popfind serve over the check's test world, with the
// address rule off (the world is on loopback) unless set turns it on.
func newCheckServe(t *testing.T, w *checkworld.World, set func(o *options, cfg *serveConfig)) *testServe {
	t.Helper()
	return newTestServe(t, nil, func(o *options, cfg *serveConfig) {
		*o = *checkOptions(w, i18n.English)
		cfg.dial = o.dial
		if set != nil {
			set(o, cfg)
		}
	})
}

// TestServeCheckWorld: the API's report is the command's, valid against
// the schema, in the language asked for; the page shows it with every
// finding and every paste; and with the address rule on, the check
// connects to no loopback address.
func TestServeCheckWorld(t *testing.T) {
	t.Parallel()
	w := newCheckWorld(t)
	srv := newCheckServe(t, w, nil)
	resp, body := srv.get(t, checkPath(checkworld.Clean))
	validate(t, checkSchema(), body)
	if j := decode[checkOut](t, body); resp.StatusCode != 200 || j.Counts.Fail+j.Counts.Warn+j.Counts.Info != 0 || len(j.Servers) != 3 {
		t.Errorf("clean: %d %s", resp.StatusCode, body)
	}
	resp, body = srv.get(t, checkPath(severalDomain, "lang", "zh"))
	validate(t, checkSchema(), body)
	if j := decode[checkOut](t, body); resp.StatusCode != 200 || j.Counts.Fail != 2 || !strings.Contains(string(body), "修复") && !hanRE.Match(body) {
		t.Errorf("several in Chinese: %d %s", resp.StatusCode, body)
	}
	_, cmd, _ := runWorldCheck(t, w, i18n.Chinese, 0, true, severalDomain)
	if cj, aj := decode[checkOut](t, []byte(cmd)), decode[checkOut](t, body); len(cj.Findings) != len(aj.Findings) || cj.Counts != aj.Counts {
		t.Errorf("the API's findings differ from the command's:\n%s\n%s", body, cmd)
	}
	resp, body = srv.get(t, checkPath(severalDomain, "protocol", "imap"))
	if !strings.Contains(string(body), `"protocols":["imap"]`) || resp.StatusCode != 200 {
		t.Errorf("protocol=imap: %d %.200s", resp.StatusCode, body)
	}
	for _, lang := range []string{"en", "zh"} {
		resp, body := srv.get(t, "/check?domain="+severalDomain+"&lang="+lang)
		doc := checkPage(t, resp, body, 200, lang)
		if n := len(find(doc, "section.finding")); n != 5 {
			t.Errorf("%s: %d findings on the page", lang, n)
		}
		if n := len(find(doc, "pre.paste")); n != 2 {
			t.Errorf("%s: %d pastes on the page", lang, n)
		}
		if v := textOf(one(t, doc, "p#verdict")); !strings.HasPrefix(v, severalDomain+i18n.Lang(lang).Colon()) {
			t.Errorf("%s: verdict %q", lang, v)
		}
	}

	// The address rule on: the world's servers are on loopback, and the
	// check reaches none of them.
	guarded := newCheckServe(t, w, func(_ *options, cfg *serveConfig) { cfg.allowPrivate = false })
	resp, body = guarded.get(t, checkPath(checkworld.Clean))
	validate(t, checkSchema(), body)
	if resp.StatusCode != 200 && resp.StatusCode != 502 {
		t.Fatalf("guarded: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(string(body), `"ok":true`) || strings.Contains(string(body), `"status":"found","insecure":false,"dnssec":false,"servers":[{`) && !strings.Contains(string(body), "refused_for_safety") {
		t.Errorf("guarded: a loopback server was reached: %s", body)
	}
}

// TestServeCheckNoNetwork: a check that can reach no DNS server is a 502,
// with the report and its error, on the API and on the page.
func TestServeCheckNoNetwork(t *testing.T) {
	t.Parallel()
	dead := newTestServe(t, nil, func(o *options, _ *serveConfig) {
		o.dns, o.timeout = "127.0.0.1:1", 2e9
		o.sources = []string{lookup.SourceSRV, lookup.SourceMX}
	})
	resp, body := dead.get(t, checkPath("example.org"))
	validate(t, checkSchema(), body)
	if j := decode[checkOut](t, body); resp.StatusCode != 502 || j.Error == "" {
		t.Errorf("API: %d %s", resp.StatusCode, body)
	}
	for _, lang := range []string{"en", "zh"} {
		resp, body := dead.get(t, "/check?domain=example.org&lang="+lang)
		doc := checkPage(t, resp, body, 502, lang)
		if e := textOf(one(t, doc, "#check-report", "p.error")); !strings.Contains(e, "example.org") {
			t.Errorf("%s: error %q", lang, e)
		}
	}
}
