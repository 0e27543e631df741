package app

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/popfind/popfind/internal/testnet"
)

// startServe runs popfind serve with args as the command does, through
// Run, and returns its URL, its standard error, and stop, which cancels
// its context as a signal does and returns the exit status.
func startServe(t *testing.T, dial dialFunc, args ...string) (base string, stderr *logBuffer, stop func() int) {
	t.Helper()
	stderr = &logBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() {
		code <- Run(ctx, append([]string{"popfind", "serve", "--listen", "127.0.0.1:0"}, args...), IO{
			In: strings.NewReader(""), Out: &logBuffer{}, Err: stderr, Dial: dial,
			Getenv: func(k string) string { return map[string]string{"LANG": "C"}[k] },
		})
	}()
	served := regexp.MustCompile(`popfind: serving on (https?://\S+/)`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := served.FindStringSubmatch(stderr.String()); m != nil {
			base = strings.TrimSuffix(m[1], "/")
			break
		}
		select {
		case c := <-code:
			t.Fatalf("popfind serve exited with %d: %s", c, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("popfind serve printed no URL: %s", stderr.String())
		}
	}
	stopped := false
	stop = func() int {
		if stopped {
			return -1
		}
		stopped = true
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(15 * time.Second):
			t.Fatal("popfind serve did not stop")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return base, stderr, stop
}

// TestServeGracefulShutdown: a signal stops popfind serve taking requests
// at once; the lookup in flight, slow because every DNS answer is a second
// late, still gets its whole answer; then it exits with status 0.
func TestServeGracefulShutdown(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	domains := w.srvOnly(t, 1)
	w.dns.SetDelay(time.Second)
	base, stderr, stop := startServe(t, testnet.Dial, "--dns", w.dns.Addr, "--sources", "srv", "--protocol", "pop3", "--allow-private")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	type answer struct {
		status int
		body   string
		err    error
	}
	done := make(chan answer, 1)
	go func() {
		resp, err := client.Get(base + lookupPath("someone@"+domains[0]))
		if err != nil {
			done <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- answer{resp.StatusCode, string(b), err}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for w.dns.QueriesFor("_pop3s._tcp."+domains[0]) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	stopped := make(chan int, 1)
	go func() { stopped <- stop() }()
	// New requests are turned away at once.
	deadline = time.Now().Add(2 * time.Second)
	for {
		resp, err := client.Get(base + "/healthz")
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("popfind serve still takes requests after the signal")
		}
		time.Sleep(10 * time.Millisecond)
	}
	a := <-done
	if a.err != nil || a.status != 200 || !strings.Contains(a.body, `"found":true`) || !strings.HasSuffix(a.body, "}\n") {
		t.Errorf("the request in flight: %d %v %s", a.status, a.err, a.body)
	}
	if code := <-stopped; code != ExitOK {
		t.Errorf("exit status %d; stderr %s", code, stderr.String())
	}
	if s := stderr.String(); strings.Contains(s, "interrupted") || !strings.Contains(s, "msg=stopping") {
		t.Errorf("stderr: %s", s)
	}
	client.CloseIdleConnections()
}

// TestServeTLS: --tls-cert and --tls-key serve HTTPS.
func TestServeTLS(t *testing.T) {
	t.Parallel()
	ca := testnet.NewCA(t)
	certFile, keyFile := testnet.WritePEM(t, t.TempDir(), "desk", ca.Leaf(t, time.Now().Add(time.Hour), "desk.example", "127.0.0.1"))
	base, _, stop := startServe(t, nil, "--offline", "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(base, "https://127.0.0.1:") {
		t.Fatalf("URL %s", base)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(base + lookupPath("a@gmail.com"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Errorf("status %d, TLS %v", resp.StatusCode, resp.TLS != nil)
	}
	tr.CloseIdleConnections()
	if code := stop(); code != ExitOK {
		t.Errorf("exit %d", code)
	}
}

// TestServeOpenWarning: listening beyond loopback without --auth-file
// prints a warning; on loopback, or with --auth-file, none.
func TestServeOpenWarning(t *testing.T) {
	t.Parallel()
	authFile := writeAuthFile(t, "desk", "pw")
	for _, tt := range []struct {
		args []string
		warn bool
	}{
		{[]string{"--listen", "0.0.0.0:0"}, true},
		{[]string{"--listen", "0.0.0.0:0", "--auth-file", authFile}, false},
		{nil, false},
	} {
		_, stderr, stop := startServe(t, nil, append([]string{"--offline"}, tt.args...)...)
		stop()
		if got := strings.Contains(stderr.String(), "Warning: "); got != tt.warn {
			t.Errorf("%v: warning %v, want %v: %s", tt.args, got, tt.warn, stderr.String())
		}
	}
}

// TestServeUsage: bad flags are usage errors, status 2, before anything
// listens.
func TestServeUsage(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	badAuth := filepath.Join(dir, "bad")
	os.WriteFile(badAuth, []byte("# desk\ndesk:plaintext\n"), 0o600)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--rate", "-1"}, "--rate must be 0 (no limit) or more lookups a minute, not -1"},
		{[]string{"--max-inflight", "0"}, "--max-inflight must be 1 or more, not 0"},
		{[]string{"--log-format", "xml"}, `--log-format must be text or json, not "xml"`},
		{[]string{"--trust-proxy", "proxy.example"}, `--trust-proxy "proxy.example" is neither`},
		{[]string{"--tls-cert", "cert.pem"}, "--tls-cert and --tls-key go together"},
		{[]string{"--tls-cert", filepath.Join(dir, "no.pem"), "--tls-key", filepath.Join(dir, "no.key")}, "--tls-cert "},
		{[]string{"--auth-file", filepath.Join(dir, "none")}, "--auth-file "},
		{[]string{"--auth-file", badAuth}, `line 2: the hash of "desk" is not bcrypt`},
		{[]string{"--listen", "8080"}, `--listen "8080": `},
		{[]string{"--listen", busy.Addr().String()}, "address already in use"},
		{[]string{"--sources", "nosuch"}, `"nosuch"`},
		{[]string{"--timeout", "0s"}, "--timeout"},
	} {
		code, _, stderr := run(t, "", append([]string{"serve", "--offline"}, tt.args...)...)
		if tt.args[0] == "--sources" {
			code, _, stderr = run(t, "", append([]string{"serve"}, tt.args...)...)
		}
		if code != ExitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}

func writeAuthFile(t *testing.T, user, password string) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(name, []byte("# the desk\n\n"+user+":"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestServeAuth: with --auth-file every request but /healthz needs Basic
// authentication with an account of the file; failed tries count against
// the client's rate.
func TestServeAuth(t *testing.T) {
	t.Parallel()
	f, err := os.Open(writeAuthFile(t, "desk", "s3cret pass"))
	if err != nil {
		t.Fatal(err)
	}
	u, err := parseUsers(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	srv := newTestServe(t, nil, func(_ *options, cfg *serveConfig) {
		cfg.users = u
		cfg.rate = 60
	})
	auth := func(user, pass string) []string {
		req, _ := http.NewRequest("GET", "/", nil)
		req.SetBasicAuth(user, pass)
		return []string{"Authorization", req.Header.Get("Authorization")}
	}
	for _, p := range []string{"/", lookupPath("a@gmail.com"), "/api/v1/providers", "/static/popfind.css", "/api/v1/openapi.json"} {
		resp, body := srv.get(t, p)
		if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != `Basic realm="popfind", charset="UTF-8"` {
			t.Errorf("%s without a password: %d %v", p, resp.StatusCode, resp.Header)
		}
		if strings.HasPrefix(p, "/api/") && decode[apiErrorJSON](t, body).Status != 401 {
			t.Errorf("%s: %s", p, body)
		}
	}
	if resp, _ := srv.get(t, "/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
	if resp, _ := srv.get(t, lookupPath("a@gmail.com"), auth("desk", "s3cret pass")...); resp.StatusCode != 200 {
		t.Errorf("with the password: %d", resp.StatusCode)
	}
	if !strings.Contains(srv.log.String(), "user=desk") {
		t.Errorf("the log does not name the user: %s", srv.log.String())
	}
	for _, bad := range [][2]string{{"desk", "s3cret"}, {"desk", ""}, {"nobody", "s3cret pass"}, {"", ""}} {
		if resp, _ := srv.get(t, "/", auth(bad[0], bad[1])...); resp.StatusCode != 401 {
			t.Errorf("%q: %d", bad, resp.StatusCode)
		}
	}
	// Guessing passwords runs into the rate limit.
	guessUntilLimited(t, "after a burst of wrong passwords", func() int {
		resp, _ := srv.get(t, "/", auth("desk", "guess")...)
		return resp.StatusCode
	})
	// Past the limit, a guess costs no bcrypt check.
	before := u.bcrypts.Load()
	for range 5 {
		if resp, _ := srv.get(t, "/", auth("desk", "guess")...); resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
			t.Errorf("a guess past the limit: %d", resp.StatusCode)
		}
	}
	if n := u.bcrypts.Load() - before; n != 0 {
		t.Errorf("%d bcrypt checks for guesses past the limit; want none", n)
	}
	// With the rate limit off (--rate 0), guessing is still limited.
	open := newTestServe(t, nil, func(_ *options, cfg *serveConfig) {
		cfg.users = u
		cfg.rate = 0
	})
	guessUntilLimited(t, "--rate 0: after a burst of wrong passwords", func() int {
		resp, _ := open.get(t, "/", auth("desk", "guess")...)
		return resp.StatusCode
	})
}

// guessUntilLimited sends wrong passwords until one is refused with 429,
// and fails unless that comes after no more guesses than the burst and
// what the limit (one a second) gave back meanwhile: a slow machine's
// bcrypt checks take long enough for a token or two to come back.
func guessUntilLimited(t *testing.T, what string, guess func() int) {
	t.Helper()
	start := time.Now()
	for n := 1; n <= 3*rateBurst; n++ {
		switch code := guess(); code {
		case 429:
			if allowed := rateBurst + 1 + int(time.Since(start).Seconds()); n > allowed {
				t.Errorf("%s: refused only at guess %d; want by %d", what, n, allowed)
			}
			return
		case 401:
		default:
			t.Fatalf("%s: guess %d: status %d", what, n, code)
		}
	}
	t.Errorf("%s: %d wrong passwords and never a 429", what, 3*rateBurst)
}

// TestParseUsers: htpasswd's bcrypt lines, $2y$ included; anything else
// is refused with its line.
func TestParseUsers(t *testing.T) {
	t.Parallel()
	hash, _ := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	y := "$2y$" + string(hash[4:]) // as htpasswd -B writes it
	u, err := parseUsers(strings.NewReader("a:" + string(hash) + "\nb:" + y + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if !u.check("a", "pw", now) || !u.check("b", "pw", now) || u.check("b", "pw2", now) || u.check("c", "pw", now) {
		t.Error("check")
	}
	for _, tt := range []struct{ file, want string }{
		{"", "no user"},
		{"# only a comment\n", "no user"},
		{"a\n", "line 1: not user:bcrypt-hash"},
		{":" + string(hash), "line 1: not user:bcrypt-hash"},
		{"a:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", `line 1: the hash of "a" is not bcrypt`},
		{"a:$apr1$x$y", `line 1: the hash of "a" is not bcrypt`},
		{"a:" + string(hash) + "\na:" + y, `line 2: "a" is there twice`},
	} {
		if _, err := parseUsers(strings.NewReader(tt.file)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v; want %q", tt.file, err, tt.want)
		}
	}
}

// TestServeAccessLog: one JSON line per request, naming the domain looked
// up and never an address's local part, a display name or a query.
func TestServeAccessLog(t *testing.T) {
	t.Parallel()
	srv := newTestServe(t, nil, func(_ *options, cfg *serveConfig) { cfg.logJSON = true })
	paths := []string{
		lookupPath("secret.person@gmail.com"),
		"/lookup?address=" + strings.ReplaceAll("Hidden Name <other.secret@qq.com>", " ", "+"),
		lookupPath("private.one@163.com", "protocol", "pop3,imap,smtp"),
		lookupPath("not-an-address"),
		lookupPath("qq.com"),
		"/lookup/someone.hidden@example.com",
		"/api/v1/verify?host=pop.gmail.com&port=25",
	}
	for _, p := range paths {
		srv.get(t, p)
	}
	log := srv.log.String()
	for _, secret := range []string{"secret.person", "other.secret", "Hidden", "private.one", "not-an-address", "someone.hidden", "address="} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q:\n%s", secret, log)
		}
	}
	var domains []string
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if len(lines) != len(paths) {
		t.Errorf("%d lines for %d requests:\n%s", len(lines), len(paths), log)
	}
	for _, l := range lines {
		var e struct {
			Msg, Method, Path, Client, Domain string
			Status                            int
			MS                                float64 `json:"ms"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil || e.Msg != "request" || e.Method != "GET" || e.Status == 0 || e.Client != "127.0.0.1" {
			t.Errorf("line %s: %v", l, err)
		}
		if e.Domain != "" {
			domains = append(domains, e.Domain)
		}
	}
	if strings.Join(domains, " ") != "gmail.com qq.com 163.com qq.com" {
		t.Errorf("domains logged: %v", domains)
	}
}

// TestAcceptLanguage: the first language popfind speaks, by quality.
func TestAcceptLanguage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		header, want string
	}{
		{"", ""},
		{"zh-CN,zh;q=0.9,en;q=0.8", "zh"},
		{"en-US,en;q=0.9,zh;q=0.8", "en"},
		{"fr, de;q=0.5", ""},
		{"fr, zh-TW;q=0.5", "zh"},
		{"en;q=0.1, zh;q=0.9", "zh"},
		{"zh;q=0, en;q=0.2", "en"},
		{"*", ""},
		{"garbage;;;q=x", ""},
	} {
		got, _ := acceptLanguage(tt.header)
		if string(got) != tt.want {
			t.Errorf("%q: %q, want %q", tt.header, got, tt.want)
		}
	}
}

// TestClientAddr: X-Forwarded-For counts only from a trusted proxy, read
// from the right, skipping the trusted proxies in it.
func TestClientAddr(t *testing.T) {
	t.Parallel()
	var trust []netip.Prefix
	for _, s := range []string{"10.0.0.0/8", "192.0.2.7"} {
		p, ok := parsePrefix(s)
		if !ok {
			t.Fatal(s)
		}
		trust = append(trust, p)
	}
	for _, tt := range []struct {
		remote, xff, want string
	}{
		{"198.51.100.1:5000", "", "198.51.100.1"},
		{"198.51.100.1:5000", "203.0.113.5", "198.51.100.1"},
		{"10.1.1.1:5000", "", "10.1.1.1"},
		{"10.1.1.1:5000", "203.0.113.5", "203.0.113.5"},
		{"10.1.1.1:5000", "1.2.3.4, 203.0.113.5, 192.0.2.7", "203.0.113.5"},
		{"10.1.1.1:5000", "203.0.113.5, garbage", "10.1.1.1"},
		{"10.1.1.1:5000", "203.0.113.5:4711", "203.0.113.5"},
		{"10.1.1.1:5000", "[2001:db8::9]:4711", "2001:db8::9"},
		{"192.0.2.7:5000", "10.9.9.9", "10.9.9.9"},
		{"[::ffff:10.1.1.1]:5000", "2001:db8::5", "2001:db8::5"},
		{"[2001:db8::1]:5000", "203.0.113.5", "2001:db8::1"},
	} {
		r := &http.Request{RemoteAddr: tt.remote, Header: http.Header{}}
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := clientAddr(r, trust).String(); got != tt.want {
			t.Errorf("%s, X-Forwarded-For %q: %s, want %s", tt.remote, tt.xff, got, tt.want)
		}
	}
}

// TestClientLimits: a bounded number of buckets; an IPv6 client counts by
// its /64.
func TestClientLimits(t *testing.T) {
	t.Parallel()
	l := newClientLimits(60, 2, 3)
	now := time.Now()
	a := netip.MustParseAddr("2001:db8::1")
	b := netip.MustParseAddr("2001:db8::2") // the same /64
	if ok, _ := l.allow(a, now); !ok {
		t.Fatal("first")
	}
	if ok, _ := l.allow(b, now); !ok {
		t.Fatal("second")
	}
	if ok, wait := l.allow(a, now); ok || wait <= 0 || wait > time.Second || retryAfter(wait) != "1" {
		t.Fatalf("third: %v %v", ok, wait)
	}
	for i := range 5 {
		l.allow(netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}), now)
	}
	if l.lru.Len() != 3 || len(l.byKey) != 3 {
		t.Errorf("%d buckets kept", l.lru.Len())
	}
	if ok, _ := l.allow(a, now); !ok {
		t.Error("a dropped bucket starts afresh")
	}
	if newClientLimits(0, 10, 10) != nil {
		t.Error("--rate 0")
	}
	if ok, _ := (*clientLimits)(nil).allow(a, now); !ok {
		t.Error("nil limits")
	}
}
