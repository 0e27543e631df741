package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/popfind/popfind/lookup"
)

// jsonLines decodes one JSON result per line of out.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var all []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		all = append(all, m)
	}
	return all
}

// username returns the login name of protocol p's chosen server in a JSON
// result.
func username(t *testing.T, r map[string]any, p string) string {
	t.Helper()
	srv, _ := r["servers"].(map[string]any)[p].(map[string]any)["server"].(map[string]any)
	if srv == nil {
		t.Fatalf("no %s server in %v", p, r)
	}
	return srv["username"].(string)
}

// TestBatchErrorsNameTheLine: in a batch read from standard input, every
// line that cannot be looked up says which line it is, counting blank lines
// and comments, in JSON and for a person, in English and Chinese; an
// argument has no line.
func TestBatchErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	in := "a@gmail.com\nnobody\n" + strings.Repeat("x", 5000) + "\n\n# comment\nx@ex_ample.com\n" +
		"\xd5\xc5\xc8\xfd@qq.com\n"
	code, stdout, _ := run(t, in, "--offline", "--json", "-")
	if code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
	res := jsonLines(t, stdout)
	want := []string{"",
		`line 2: invalid address "nobody": no @`,
		`line 3: invalid address "` + strings.Repeat("x", lineHead) + `…": line longer than 4096 bytes`,
		`line 6: invalid address "x@ex_ample.com": domain "ex_ample.com": label "ex_ample": contains '_'; only letters, digits and hyphens are allowed`,
		"line 7: invalid address \"\\xd5\\xc5\\xc8\\xfd@qq.com\": not valid UTF-8",
	}
	if len(res) != len(want) {
		t.Fatalf("%d results, want %d:\n%s", len(res), len(want), stdout)
	}
	for i, w := range want {
		if got, _ := res[i]["error"].(string); got != w {
			t.Errorf("result %d: error %q, want %q", i, got, w)
		}
	}

	code, stdout, stderr := run(t, "a@gmail.com\nnobody\n", "--offline", "-", "also-nobody")
	if code != ExitUsage || !strings.Contains(stdout, "a@gmail.com") {
		t.Errorf("exit %d, stdout:\n%s", code, stdout)
	}
	for _, w := range []string{"popfind: line 2: invalid address \"nobody\": no @\n", "popfind: invalid address \"also-nobody\": no @\n"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("standard error lacks %q:\n%s", w, stderr)
		}
	}
	_, _, stderr = run(t, "\n\nnobody\n", "--offline", "--lang", "zh", "-")
	if w := "popfind：第 3 行：无效的邮箱地址 \"nobody\"：缺少 @"; !strings.Contains(stderr, w) {
		t.Errorf("standard error lacks %q:\n%s", w, stderr)
	}
}

// TestBatchLegacyEncodingLine: a line in GBK (a display name from a Chinese
// Windows address book) that holds an ASCII address in angle brackets is
// looked up by that address, with a warning that names the line.
func TestBatchLegacyEncodingLine(t *testing.T) {
	t.Parallel()
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("\"张三\" <zhangsan@qq.com>\n王五 <wangwu@163.com>\n")
	if err != nil {
		t.Fatal(err)
	}
	in := "# 通讯录\n" + gbk + "\"\xd5\xc5\xc8\xfd\" <\xd5\xc5@qq.com>\n"
	code, stdout, _ := run(t, in, "--offline", "--json", "-")
	if code != ExitUsage {
		t.Errorf("exit %d, want %d for the last line", code, ExitUsage)
	}
	res := jsonLines(t, stdout)
	if len(res) != 3 {
		t.Fatalf("%d results, want 3:\n%s", len(res), stdout)
	}
	for i, tc := range []struct{ line, addr string }{{"2", "zhangsan@qq.com"}, {"3", "wangwu@163.com"}} {
		r := res[i]
		if r["address"] != tc.addr || r["found"] != true || username(t, r, "pop3") != tc.addr {
			t.Errorf("line %s: %v", tc.line, r)
		}
		w := fmt.Sprintf("line %s is not valid UTF-8 (GBK or another legacy encoding?); looked up the address in its angle brackets, %s", tc.line, tc.addr)
		if ws := fmt.Sprint(r["warnings"]); !strings.Contains(ws, w) {
			t.Errorf("line %s: warnings %s lack %q", tc.line, ws, w)
		}
	}
	if e, _ := res[2]["error"].(string); !strings.HasPrefix(e, "line 4: invalid address") || !strings.HasSuffix(e, "not valid UTF-8") {
		t.Errorf("a GBK address in the brackets: error %q", e)
	}

	// For a person, the warning goes to standard error, once, before the
	// result.
	_, stdout, stderr := run(t, gbk, "--offline", "--lang", "zh", "-")
	if !strings.Contains(stdout, "zhangsan@qq.com") || !strings.Contains(stdout, "wangwu@163.com") {
		t.Errorf("standard output:\n%s", stdout)
	}
	for _, w := range []string{
		"警告：第 1 行不是有效的 UTF-8 文本（可能是 GBK 等旧编码），已查询其尖括号中的地址 zhangsan@qq.com\n",
		"警告：第 2 行不是有效的 UTF-8 文本（可能是 GBK 等旧编码），已查询其尖括号中的地址 wangwu@163.com\n",
	} {
		if strings.Count(stderr, w) != 1 {
			t.Errorf("standard error does not say once %q:\n%s", w, stderr)
		}
	}
}

// TestFullWidthAddress: an address typed with a Chinese input method's
// full-width ＠ and full stops is looked up as the address it stands for.
func TestFullWidthAddress(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := run(t, "zhang。san＠163．com\n", "--offline", "--json", "zhangsan＠qq。com", "-")
	if code != ExitOK {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	res := jsonLines(t, stdout)
	for i, want := range []string{"zhangsan@qq.com", "zhang.san@163.com"} {
		if len(res) <= i || username(t, res[i], "pop3") != want {
			t.Errorf("result %d: want the username %q:\n%s", i, want, stdout)
		}
	}
}

// TestBareDomain: a domain alone is looked up, and the login name is shown
// as a pattern: words in the reader's language for a person, the
// placeholders in JSON.
func TestBareDomain(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := run(t, "", "--offline", "--json", "--protocol", "pop3,imap,smtp", "gmail.com", "WEB。DE")
	if code != ExitOK {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	res := jsonLines(t, stdout)
	if len(res) != 2 || res[0]["address"] != "gmail.com" || res[0]["domain"] != "gmail.com" || res[1]["domain"] != "web.de" {
		t.Fatalf("results:\n%s", stdout)
	}
	for _, p := range []string{"pop3", "imap", "smtp"} {
		if u := username(t, res[0], p); u != "%EMAILADDRESS%" {
			t.Errorf("gmail.com %s: username %q, want %%EMAILADDRESS%%", p, u)
		}
	}
	if u := username(t, res[1], "pop3"); u != "%EMAILLOCALPART%" {
		t.Errorf("web.de: username %q, want %%EMAILLOCALPART%%", u)
	}

	for _, tc := range []struct{ lang, address, local string }{{"en", "<address>", "<local part>"}, {"zh", "<邮箱地址>", "<用户名>"}} {
		code, stdout, stderr := run(t, "gmail.com\n", "--offline", "--lang", tc.lang, "-", "web.de")
		if code != ExitOK {
			t.Fatalf("exit %d: %s%s", code, stdout, stderr)
		}
		gmail, webde, _ := strings.Cut(stdout, "web.de\n")
		if !strings.Contains(gmail, "pop.gmail.com") || !strings.Contains(gmail, tc.address) || !strings.Contains(webde, tc.local) {
			t.Errorf("%s: the usernames are not %s and %s:\n%s", tc.lang, tc.address, tc.local, stdout)
		}
		if strings.Contains(stdout, "%EMAIL") {
			t.Errorf("%s: a placeholder shown to a person:\n%s", tc.lang, stdout)
		}
	}

	// Not a domain either: the error is the address's.
	code, _, stderr = run(t, "", "--offline", "localhost")
	if code != ExitUsage || !strings.Contains(stderr, `invalid address "localhost": no @`) {
		t.Errorf("localhost: exit %d, %s", code, stderr)
	}
}

// TestBareDomainNetwork: a domain alone is looked up over the network like
// an address of it; a login name that a source gives as the address or its
// local part becomes the pattern, a literal one stays.
func TestBareDomainNetwork(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.https(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/xml")
		io.WriteString(rw, `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="company.example"><domain>company.example</domain>
<incomingServer type="pop3"><hostname>pop.company.example</hostname><port>995</port><socketType>SSL</socketType>
<username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer>
<incomingServer type="imap"><hostname>imap.company.example</hostname><port>993</port><socketType>SSL</socketType>
<username>COMPANY\%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.company.example</hostname><port>465</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer></emailProvider></clientConfig>`)
	}), "autoconfig.company.example")
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	o := w.options(t)
	o.protocols = []lookup.Protocol{lookup.POP3, lookup.IMAP, lookup.SMTP}
	var out bytes.Buffer
	if code, _ := runBatch(t, o, strings.NewReader("company.example\n"), &out); code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	r := jsonLines(t, out.String())[0]
	for p, want := range map[string]string{"pop3": "%EMAILLOCALPART%", "imap": `COMPANY\%EMAILLOCALPART%`, "smtp": "%EMAILADDRESS%"} {
		if u := username(t, r, p); u != want {
			t.Errorf("%s: username %q, want %q", p, u, want)
		}
	}
}

// TestBareDomainSendsNoAddress: a domain alone is never sent as an address:
// the domain's autoconfig file is asked for without ?emailaddress=, and
// Autodiscover, which must name a mailbox, is skipped. What the autoconfig
// server said for no address is not served to a real address afterwards.
func TestBareDomainSendsNoAddress(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var mu sync.Mutex
	var queries []string
	w.https(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		rw.Header().Set("Content-Type", "text/xml")
		io.WriteString(rw, `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="ac.example"><domain>ac.example</domain>
<incomingServer type="pop3"><hostname>pop.ac.example</hostname><port>995</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer></emailProvider></clientConfig>`)
	}), "autoconfig.ac.example")
	var posts atomic.Int32
	w.https(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		http.NotFound(rw, r)
	}), "autodiscover.ac.example")
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	o := w.options(t)
	var out bytes.Buffer
	runBatch(t, o, strings.NewReader("ac.example\nme@ac.example\n"), &out)
	res := jsonLines(t, out.String())
	if len(res) != 2 || username(t, res[0], "pop3") != "%EMAILADDRESS%" || username(t, res[1], "pop3") != "me@ac.example" {
		t.Fatalf("results:\n%s", out.String())
	}
	if !strings.Contains(out.String(), `"source":"autodiscover","outcome":"skipped","error":"skipped: it answers for one address, and a domain alone was given"`) {
		t.Errorf("autodiscover was not skipped for the domain alone:\n%s", out.String())
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(queries)
	if strings.Join(queries, ",") != ",emailaddress=me%40ac.example" {
		t.Errorf("the autoconfig server was asked with %q; want once with no query, then once for me@ac.example", queries)
	}
	if n := posts.Load(); n != 1 {
		t.Errorf("%d Autodiscover requests; want 1, for me@ac.example", n)
	}
}
