package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
)

// logBuffer collects a server's log; safe to read while it writes.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testServe is popfind serve on an httptest server, against a world.
type testServe struct {
	s   *server
	ts  *httptest.Server
	log *logBuffer
}

// newTestServe starts a server over w with the defaults of the command,
// except that it may connect to the world's loopback servers
// (--allow-private) and has no rate limit; set changes what a test needs.
// w nil means an offline server (the built-in table alone).
func newTestServe(t testing.TB, w *world, set func(o *options, cfg *serveConfig)) *testServe {
	t.Helper()
	var o *options
	if w != nil {
		o = w.options(t)
	} else {
		sources, _ := parseSources("builtin")
		o = &options{timeout: 10 * time.Second, sources: sources, concurrency: defaultConcurrency, lang: "en"}
	}
	cfg := &serveConfig{allowPrivate: true, maxInflight: defaultMaxInflight, dial: o.dial}
	if set != nil {
		set(o, cfg)
	}
	ts := &testServe{log: &logBuffer{}}
	s, err := newServer(o, cfg, ts.log)
	if err != nil {
		t.Fatal(err)
	}
	ts.s = s
	ts.ts = httptest.NewServer(s)
	t.Cleanup(func() {
		ts.ts.Close()
		s.close()
	})
	return ts
}

// get asks for path (with its query) and returns the response, its body
// read.
func (ts *testServe) get(t testing.TB, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", ts.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := ts.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// lookupPath is the API path of a lookup of address, with more query
// parameters as name, value pairs.
func lookupPath(address string, more ...string) string {
	q := url.Values{"address": {address}}
	for i := 0; i+1 < len(more); i += 2 {
		q.Set(more[i], more[i+1])
	}
	return "/api/v1/lookup?" + q.Encode()
}

// schemas compiles the result schema and its verify object once.
var schemas = sync.OnceValues(func() (*jsonschema.Schema, *jsonschema.Schema) {
	c := jsonschema.NewCompiler()
	file := filepath.Join("..", "schema", "result.schema.json")
	return c.MustCompile(file), c.MustCompile(file + "#/$defs/verify")
})

func validate(t testing.TB, s *jsonschema.Schema, body []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	if err := s.Validate(v); err != nil {
		t.Fatalf("not valid against the schema: %v\n%s", err, body)
	}
}

func decode[T any](t testing.TB, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	return v
}

// TestServeLookupStatus: every status of the lookup API, each body valid
// against the schema: 200 found, 404 not found with its reason, 400 for an
// invalid address (the result, with the command's message) and for a bad
// request (an error object), 502 when no source could look, 504 when time
// ran out first.
func TestServeLookupStatus(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	domains := w.srvOnly(t, 1)
	w.dns.Hang("_pop3s._tcp.hang.example.")
	srv := newTestServe(t, w, nil)
	slow := newTestServe(t, w, func(o *options, _ *serveConfig) {
		o.timeout = 500 * time.Millisecond
		o.sources, _ = parseSources("srv")
	})
	dead := newTestServe(t, w, func(o *options, _ *serveConfig) {
		o.dns, o.timeout = "127.0.0.1:1", 5*time.Second
		o.sources, _ = parseSources("srv,mx")
	})
	result, _ := schemas()
	tests := []struct {
		name   string
		ts     *testServe
		path   string
		status int
		want   string // in the body
		result bool   // the body is a result, not an error object
	}{
		{"found", srv, lookupPath("someone@"+domains[0], "protocol", "pop3"), 200, `"found":true,"server":{"protocol":"pop3","host":"pop.srv0000.example","port":995`, true},
		{"builtin", srv, lookupPath("someone@gmail.com"), 200, `"source":"builtin"`, true},
		{"not found", srv, lookupPath("someone@nothing.example", "protocol", "pop3"), 404, `"found":false,"server":null`, true},
		{"invalid", srv, lookupPath("someone"), 400, `"error":"invalid address \"someone\": `, true},
		{"no address", srv, "/api/v1/lookup", 400, `{"error":"the parameter address is missing","status":400}`, false},
		{"bad protocol", srv, lookupPath("a@gmail.com", "protocol", "pop4"), 400, `unknown protocol in protocol=\"pop4\"`, false},
		{"no network", dead, lookupPath("someone@nowhere.example"), 502, `"error":"the lookup could not be made`, true},
		{"time ran out", slow, lookupPath("someone@hang.example", "protocol", "pop3"), 504, `time ran out`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := tt.ts.get(t, tt.path)
			if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.want) {
				t.Fatalf("status %d, want %d; body %s\nwant in it %s", resp.StatusCode, tt.status, body, tt.want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if tt.result {
				validate(t, result, body)
			} else if e := decode[apiErrorJSON](t, body); e.Status != tt.status || e.Error == "" {
				t.Errorf("error object %+v", e)
			}
			cc := resp.Header.Get("Cache-Control")
			if _, ok := maxAge(cc); (tt.status == 200) != ok || tt.status != 200 && cc != "no-store" {
				t.Errorf("Cache-Control %q for status %d", cc, tt.status)
			}
		})
	}
}

// TestServeLookupSameAsCommand: the API's answer is byte for byte what
// popfind --json prints for the same input, language and protocols: an
// address, a bare domain, a display name, an invalid address, in English
// and in Chinese.
func TestServeLookupSameAsCommand(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, nil)
	tests := []struct {
		input, lang, protocol string
	}{
		{"someone@gmail.com", "en", ""},
		{"someone@qq.com", "zh", ""},
		{"qq.com", "en", "pop3,imap,smtp"},
		{"Some One <some.one@163.com>", "zh", "imap"},
		{"someone@nowhere.example", "en", ""},
		{"someone", "zh", ""},
	}
	for _, tt := range tests {
		t.Run(tt.input+"/"+tt.lang, func(t *testing.T) {
			t.Parallel()
			args := []string{"--json", "--offline", "--lang", tt.lang}
			if tt.protocol != "" {
				args = append(args, "--protocol", tt.protocol)
			}
			_, want, _ := run(t, "", append(args, "--", tt.input)...)
			_, got := srv.get(t, lookupPath(tt.input, "lang", tt.lang, "protocol", tt.protocol))
			if string(got) != want {
				t.Errorf("API:\n%s\ncommand:\n%s", got, want)
			}
		})
	}
}

// TestServeLanguage: ?lang= first, then Accept-Language, then the
// server's own.
func TestServeLanguage(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, nil)
	enNote := "Log in with an authorization code"
	for _, tt := range []struct {
		path, accept string
		zh           bool
	}{
		{lookupPath("a@qq.com"), "", false},
		{lookupPath("a@qq.com", "lang", "zh"), "", true},
		{lookupPath("a@qq.com", "lang", "en"), "zh-CN,zh;q=0.9", false},
		{lookupPath("a@qq.com"), "zh-CN,zh;q=0.9,en;q=0.8", true},
		{lookupPath("a@qq.com"), "fr-FR, zh-Hant;q=0.5", true},
		{lookupPath("a@qq.com"), "en-GB, zh;q=0.5", false},
		{lookupPath("a@qq.com"), "zh;q=0, fr", false},
	} {
		_, body := srv.get(t, tt.path, "Accept-Language", tt.accept)
		if got := !strings.Contains(string(body), enNote); got != tt.zh {
			t.Errorf("%s, Accept-Language %q: Chinese %v, want %v", tt.path, tt.accept, got, tt.zh)
		}
	}
}

// TestServeVerifyAPI: a check through the API is the verify --json object,
// never a login; only mail ports may be checked, and a bad request is a
// 400 with the reason.
func TestServeVerifyAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ip := testnet.IP()
	cert := w.ca.Leaf(t, time.Now().Add(90*24*time.Hour), "pop.verify.example")
	pop := &testnet.POP3{Cert: &cert, TLS: true}
	pop.Listen(t, ip, 995)
	w.dns.Host(t, ip, "pop.verify.example")
	srv := newTestServe(t, w, nil)
	_, verify := schemas()

	resp, body := srv.get(t, "/api/v1/verify?host=pop.verify.example&port=995&protocol=pop3&mode=ssl")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	validate(t, verify, body)
	v := decode[verifyJSON](t, body)
	if !v.OK || v.Host != "pop.verify.example" || v.Port != 995 || v.TLS == nil {
		t.Errorf("report %s", body)
	}
	for _, c := range pop.Received() {
		if strings.HasPrefix(c, "USER") || strings.HasPrefix(c, "PASS") || strings.HasPrefix(c, "AUTH") {
			t.Errorf("the check sent %q", c)
		}
	}
	// A failed check is a report too, with status 200 and ok false.
	resp, body = srv.get(t, "/api/v1/verify?host=pop.verify.example&port=110")
	if v := decode[verifyJSON](t, body); resp.StatusCode != 200 || v.OK || v.Error == "" {
		t.Errorf("port 110: status %d %s", resp.StatusCode, body)
	}
	validate(t, verify, body)

	for _, tt := range []struct{ query, want string }{
		{"host=pop.verify.example&port=25", "port 25 is not a mail port"},
		{"host=pop.verify.example&port=22", "port 22 is not a mail port"},
		{"host=pop.verify.example:8443", "port 8443 is not a mail port"},
		{"host=pop.verify.example&protocol=smtp&port=25", "port 25 is not a mail port"},
		{"port=995", "the parameter host is missing"},
		{"host=pop.verify.example&protocol=ftp", `protocol must be one of pop3, imap and smtp, not \"ftp\"`},
		{"host=pop.verify.example&mode=ssh", `mode must be ssl, starttls or plain, not \"ssh\"`},
		{"host=pop.verify.example&port=99999", `port \"99999\" is not from 1 to 65535`},
		{"host=bad_host!&port=995", `bad_host!`},
	} {
		resp, body := srv.get(t, "/api/v1/verify?"+tt.query)
		if resp.StatusCode != 400 || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s: status %d %s; want 400 with %s", tt.query, resp.StatusCode, body, tt.want)
		}
	}
	if !strings.Contains(srv.log.String(), "host=pop.verify.example") {
		t.Errorf("the log does not name the host checked:\n%s", srv.log.String())
	}
}

// TestServeProviders: the provider table as popfind providers --json has
// it, filtered by name and region, in the language asked for.
func TestServeProviders(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, nil)
	resp, body := srv.get(t, "/api/v1/providers?filter=gmail")
	list := decode[[]providerJSON](t, body)
	if resp.StatusCode != 200 || len(list) == 0 || list[0].ID != "gmail" {
		t.Fatalf("status %d %s", resp.StatusCode, body)
	}
	_, want, _ := run(t, "", "providers", "--json", "--region", "cn")
	_, body = srv.get(t, "/api/v1/providers?region=cn")
	var lines []string
	for _, p := range decode[[]json.RawMessage](t, body) {
		lines = append(lines, string(p))
	}
	if got := strings.Join(lines, "\n") + "\n"; got != want {
		t.Errorf("API:\n%s\ncommand:\n%s", got, want)
	}
	_, body = srv.get(t, "/api/v1/providers?filter=网易&lang=zh")
	if !strings.Contains(string(body), "授权码") {
		t.Errorf("Chinese: %.300s", body)
	}
	if _, body := srv.get(t, "/api/v1/providers?filter=no-such-provider"); string(body) != "[]\n" {
		t.Errorf("no match: %s", body)
	}
	resp, body = srv.get(t, "/api/v1/providers?region=zz")
	if resp.StatusCode != 400 || !strings.Contains(string(body), `region=\"zz\" names no region`) {
		t.Errorf("region zz: %d %s", resp.StatusCode, body)
	}
}

// TestServeEndpoints: health, the OpenAPI description (the file in docs/,
// naming every endpoint the server has), the schema, the static files,
// and JSON 404s and 405s under /api/.
func TestServeEndpoints(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, nil)
	if resp, body := srv.get(t, "/healthz"); resp.StatusCode != 200 || string(body) != "ok\n" {
		t.Errorf("healthz: %d %q", resp.StatusCode, body)
	}
	resp, body := srv.get(t, "/api/v1/openapi.json")
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || resp.StatusCode != 200 || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json: %d %v", resp.StatusCode, err)
	}
	for p := range apiPaths {
		if doc.Paths[p] == nil {
			t.Errorf("openapi.json does not describe %s", p)
		}
	}
	for p := range doc.Paths {
		if !apiPaths[p] && p != "/healthz" {
			t.Errorf("openapi.json describes %s, which the server does not have", p)
		}
	}
	if resp, body := srv.get(t, "/api/v1/result.schema.json"); resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"$id": "https://github.com/popfind/popfind/schema/result.schema.json"`)) {
		t.Errorf("schema: %d %.100s", resp.StatusCode, body)
	}
	resp, _ = srv.get(t, "/static/popfind.css")
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("popfind.css: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := srv.get(t, "/static/popfind.css", "If-None-Match", resp.Header.Get("ETag")); resp.StatusCode != 304 {
		t.Errorf("popfind.css again: %d", resp.StatusCode)
	}
	if resp, _ := srv.get(t, "/static/"); resp.StatusCode != 404 {
		t.Errorf("a listing of /static/: %d", resp.StatusCode)
	}
	if resp, body := srv.get(t, "/api/v2/lookup"); resp.StatusCode != 404 || decode[apiErrorJSON](t, body).Status != 404 {
		t.Errorf("/api/v2/lookup: %d %s", resp.StatusCode, body)
	}
	post, err := srv.ts.Client().Post(srv.ts.URL+"/api/v1/lookup", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if post.StatusCode != 405 || post.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d %v", post.StatusCode, post.Header)
	}
	if resp, _ := srv.get(t, lookupPath(strings.Repeat("a", maxQuery)+"@gmail.com")); resp.StatusCode != 414 {
		t.Errorf("a long query: %d", resp.StatusCode)
	}
	for _, p := range []string{"/", "/lookup?address=a@gmail.com", "/providers", "/verify"} {
		if resp, body := srv.get(t, p); resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %.200s", p, resp.StatusCode, body)
		}
	}
}

// TestServeHeaders: every response, page, API, error or file, carries
// the security headers and sets no cookie.
func TestServeHeaders(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, func(_ *options, cfg *serveConfig) { cfg.rate = 1 })
	for _, p := range []string{"/", "/lookup?address=a@gmail.com", "/providers", "/verify", "/static/popfind.css", "/nowhere",
		"/healthz", lookupPath("a@gmail.com"), lookupPath("bad"), "/api/v1/providers", "/api/v1/openapi.json", "/api/v1/nowhere",
		lookupPath("a@gmail.com") /* 429 */} {
		resp, _ := srv.get(t, p)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s (%d): Content-Security-Policy %q lacks %s", p, resp.StatusCode, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: %s", p, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: %v", p, h)
		}
		if len(h.Values("Set-Cookie")) > 0 {
			t.Errorf("%s sets a cookie: %v", p, h.Values("Set-Cookie"))
		}
	}
}

// TestServeCacheHit: a second lookup of a domain comes from the Finder's
// cache, asking the DNS server nothing, in well under a millisecond of
// server time, with Cache-Control to match.
func TestServeCacheHit(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	domains := w.srvAll(t, 1)
	w.dns.SetDelay(20 * time.Millisecond)
	srv := newTestServe(t, w, nil)
	resp, first := srv.get(t, lookupPath("one@"+domains[0]))
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, first)
	}
	asked := w.dns.Queries()
	start := time.Now()
	resp, second := srv.get(t, lookupPath("two@"+domains[0]))
	took := time.Since(start)
	// Kept no longer than the Finder keeps it: the test DNS server's
	// negative answers last 30 s.
	if n, ok := maxAge(resp.Header.Get("Cache-Control")); resp.StatusCode != 200 || !ok || n > 30 {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, second)
	}
	if q := w.dns.Queries(); q != asked {
		t.Errorf("the cached lookup asked the DNS server %d questions", q-asked)
	}
	if !bytes.Contains(second, []byte(`"username":"two@`+domains[0])) {
		t.Errorf("the cached answer is not filled in for its own address: %s", second)
	}
	if took > 20*time.Millisecond {
		t.Errorf("the cached lookup took %v, a DNS answer's delay", took)
	}
}

// TestServeRateLimit: 10 lookups at once, then 429 with Retry-After; the
// limit is per client, and X-Forwarded-For names the client only when a
// trusted proxy sent it.
func TestServeRateLimit(t *testing.T) {
	t.Parallel()
	trusted := newTestServe(t, nil, func(_ *options, cfg *serveConfig) {
		cfg.rate = 60
		p, _ := parsePrefix("127.0.0.1")
		cfg.trust = append(cfg.trust, p)
	})
	ask := func(ts *testServe, client string) *http.Response {
		resp, _ := ts.get(t, lookupPath("a@gmail.com"), "X-Forwarded-For", "203.0.113.9, "+client)
		return resp
	}
	for i := range rateBurst {
		if resp := ask(trusted, "198.51.100.1"); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i+1, resp.StatusCode)
		}
	}
	resp := ask(trusted, "198.51.100.1")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("past the burst: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp := ask(trusted, "198.51.100.2"); resp.StatusCode != 200 {
		t.Errorf("another client: %d", resp.StatusCode)
	}
	// Pages and checks count too; the provider table does not.
	if resp, _ := trusted.get(t, "/lookup?address=a@gmail.com", "X-Forwarded-For", "198.51.100.1"); resp.StatusCode != 429 {
		t.Errorf("the lookup page: %d", resp.StatusCode)
	}
	if resp, _ := trusted.get(t, "/api/v1/verify?host=pop.gmail.com", "X-Forwarded-For", "198.51.100.1"); resp.StatusCode != 429 {
		t.Errorf("a check: %d", resp.StatusCode)
	}
	if resp, _ := trusted.get(t, "/api/v1/providers", "X-Forwarded-For", "198.51.100.1"); resp.StatusCode != 200 {
		t.Errorf("the providers: %d", resp.StatusCode)
	}
	if !strings.Contains(trusted.log.String(), "client=198.51.100.1") {
		t.Errorf("the log does not name the client a trusted proxy named:\n%s", trusted.log.String())
	}

	// Without --trust-proxy, X-Forwarded-For is the client's own word: all
	// these come from 127.0.0.1.
	untrusted := newTestServe(t, nil, func(_ *options, cfg *serveConfig) { cfg.rate = 60 })
	for i := range rateBurst {
		ask(untrusted, fmt.Sprintf("198.51.100.%d", i+1))
	}
	if resp := ask(untrusted, "198.51.100.99"); resp.StatusCode != 429 {
		t.Errorf("X-Forwarded-For from an untrusted peer changed the client: %d", resp.StatusCode)
	}
	off := newTestServe(t, nil, nil) // --rate 0
	for i := range 3 * rateBurst {
		if resp := ask(off, "198.51.100.1"); resp.StatusCode != 200 {
			t.Fatalf("--rate 0, request %d: %d", i+1, resp.StatusCode)
		}
	}
}

// TestServeInflight: past --max-inflight lookups in flight, 503 with
// Retry-After; the place is free again once the lookup is done.
func TestServeInflight(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	domains := w.srvOnly(t, 1)
	release := w.dns.Hold("_pop3s._tcp." + domains[0] + ".")
	srv := newTestServe(t, w, func(o *options, cfg *serveConfig) {
		cfg.maxInflight = 1
		o.sources, _ = parseSources("builtin,srv")
		o.protocols = []lookup.Protocol{lookup.POP3}
	})
	done := make(chan int)
	go func() {
		resp, err := srv.ts.Client().Get(srv.ts.URL + lookupPath("a@"+domains[0]))
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	deadline := time.Now().Add(5 * time.Second)
	for w.dns.QueriesFor("_pop3s._tcp."+domains[0]) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	resp, body := srv.get(t, lookupPath("b@gmail.com"))
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a second lookup while one is in flight: %d %s", resp.StatusCode, body)
	}
	if resp, _ := srv.get(t, "/healthz"); resp.StatusCode != 200 {
		t.Errorf("healthz while busy: %d", resp.StatusCode)
	}
	release()
	if code := <-done; code != 200 {
		t.Errorf("the lookup in flight: %d", code)
	}
	if resp, _ := srv.get(t, lookupPath("b@gmail.com")); resp.StatusCode != 200 {
		t.Errorf("after it: %d", resp.StatusCode)
	}
}

// maxAge reads a found answer's Cache-Control: private, for 1 to 60
// seconds.
func maxAge(cc string) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(cc, "private, max-age=%d", &n); err != nil || cc != fmt.Sprintf("private, max-age=%d", n) {
		return 0, false
	}
	return n, n >= 1 && n <= 60
}
