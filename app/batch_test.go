package app

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
)

// hangingAutoconfig serves hang.example: an autoconfig host that accepts
// connections and never answers, and SRV records that answer at once.
func hangingAutoconfig(t testing.TB) *world {
	w := newWorld(t)
	ip := testnet.IP()
	l := testnet.Listen(t, ip, 443)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, silent, until the test ends
		}
	}()
	w.dns.Host(t, ip, "autoconfig.hang.example")
	w.dns.Add(t, "_pop3s._tcp.hang.example. 60 IN SRV 0 0 995 pop.hang.example.")
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	return w
}

// TestHangingAutoconfigKeepsSRVAnswer: with an autoconfig server that
// accepts but never answers, the SRV answer comes back once the grace
// period has passed, with a warning, instead of after the whole timeout;
// with --wait-all, when the deadline passes.
func TestHangingAutoconfigKeepsSRVAnswer(t *testing.T) {
	t.Parallel()
	w := hangingAutoconfig(t)
	for _, tc := range []struct {
		name     string
		grace    time.Duration
		min, max time.Duration
		want     []string
	}{
		{"grace", 0, 900 * time.Millisecond, 3500 * time.Millisecond, []string{`"source":"srv"`, `"host":"pop.hang.example"`,
			`answered early: autoconfig did not finish within the grace period`, `"source":"autoconfig","outcome":"stopped_early","error":"autoconfig: stopped early`}},
		{"wait-all", -1, 4900 * time.Millisecond, 7 * time.Second, []string{`"source":"srv"`, `"host":"pop.hang.example"`,
			`did not finish before the deadline: autoconfig`, `"source":"autoconfig","outcome":"error","error":"autoconfig: did not finish before the deadline`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := w.options(t)
			o.timeout, o.grace = 5*time.Second, tc.grace
			var out bytes.Buffer
			start := time.Now()
			code, _ := runBatch(t, o, strings.NewReader("me@hang.example\n"), &out)
			el := time.Since(start)
			if code != ExitOK {
				t.Errorf("exit %d: %s", code, out.String())
			}
			if el < tc.min || el > tc.max {
				t.Errorf("returned after %v; want %v to %v", el, tc.min, tc.max)
			}
			for _, want := range tc.want {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %s:\n%s", want, out.String())
				}
			}
		})
	}
}

// TestSlowAutoconfigWinsWithinGrace: an autoconfig server that answers
// slowly, but within the grace period, still wins over the SRV records.
func TestSlowAutoconfigWinsWithinGrace(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.https(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		time.Sleep(700 * time.Millisecond)
		rw.Header().Set("Content-Type", "text/xml")
		io.WriteString(rw, `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="slow.example"><domain>slow.example</domain>
<incomingServer type="pop3"><hostname>pop.from-autoconfig.example</hostname><port>995</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer></emailProvider></clientConfig>`)
	}), "autoconfig.slow.example")
	w.dns.Add(t, "_pop3s._tcp.slow.example. 60 IN SRV 0 0 995 pop.from-srv.example.")
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	o := w.options(t)
	var out bytes.Buffer
	runBatch(t, o, strings.NewReader("me@slow.example\n"), &out)
	if !strings.Contains(out.String(), `"host":"pop.from-autoconfig.example"`) || strings.Contains(out.String(), "stopped_early") {
		t.Errorf("the slow but working autoconfig answer lost:\n%s", out.String())
	}
}

// TestBatchStreams checks that results come out while input is still being
// written, in input order, and that domains are looked up once each.
func TestBatchStreams(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	domains := w.srvOnly(t, 20)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	o := w.options(t)
	pr, pw := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		runBatch(t, o, pr, outW)
		outW.Close()
	}()
	results := bufio.NewScanner(outR)
	results.Buffer(nil, 1<<20)
	// Write half the input, and read its results before writing the rest.
	for i, d := range domains[:10] {
		fmt.Fprintf(pw, "user%d@%s\n", i, d)
	}
	for i := range 10 {
		if !results.Scan() {
			t.Fatal("output ended early")
		}
		if want := fmt.Sprintf(`{"address":"user%d@%s"`, i, domains[i]); !strings.HasPrefix(results.Text(), want) {
			t.Fatalf("line %d = %.80s; want %s", i, results.Text(), want)
		}
	}
	for i, d := range domains[10:] {
		fmt.Fprintf(pw, "user%d@%s\nother%d@%s\n", i+10, d, i+10, d)
	}
	pw.Close()
	n := 10
	for results.Scan() {
		n++
	}
	<-done
	if n != 30 {
		t.Errorf("%d results, want 30", n)
	}
	if q := w.dns.QueriesFor("_pop3s._tcp." + domains[15]); q != 1 {
		t.Errorf("%d SRV queries for a domain with two addresses; want 1", q)
	}
}

// TestOneQueryPerQuestion: inside one lookup, each DNS question is asked
// once, though several sources need the same name (the https and http
// autoconfig fetches, well-known and autodiscover on the bare domain).
func TestOneQueryPerQuestion(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	domains := w.srvOnly(t, 1)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	o := w.options(t)
	o.all = true // every source runs to the end
	var out bytes.Buffer
	runBatch(t, o, strings.NewReader("a@"+domains[0]+"\nb@"+domains[0]+"\n"), &out)
	d := domains[0]
	for name, want := range map[string]int{
		"autoconfig." + d:         2, // A and AAAA, shared by https and http
		d:                         3, // A and AAAA (well-known, autodiscover), MX
		"autodiscover." + d:       2,
		"_pop3s._tcp." + d:        1,
		"_pop3._tcp." + d:         1,
		"_autodiscover._tcp." + d: 1,
		"ispdb.test":              2,
	} {
		if got := w.dns.QueriesFor(name); got != want {
			t.Errorf("%d queries for %s, want %d", got, name, want)
		}
	}
}

// TestVerifyOncePerServer: --verify checks a server once, however many
// addresses of the batch use it.
func TestVerifyOncePerServer(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	srv := &testnet.POP3{TLS: true, Cert: func() *tls.Certificate {
		c := w.ca.Leaf(t, time.Now().Add(24*time.Hour), "pop.once.example")
		return &c
	}()}
	ip := testnet.IP()
	srv.Listen(t, ip, 995)
	w.dns.Host(t, ip, "pop.once.example")
	w.dns.Add(t, "_pop3s._tcp.once.example. 60 IN SRV 0 0 995 pop.once.example.")
	o := w.options(t)
	o.verify = true
	var out bytes.Buffer
	code, _ := runBatch(t, o, strings.NewReader("a@once.example\nb@once.example\nc@once.example\n"), &out)
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r struct {
			Verify  *struct{ OK bool } `json:"verify"`
			Servers map[string]struct {
				Verify *struct{ OK bool } `json:"verify"`
			} `json:"servers"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if r.Verify != nil && r.Verify.OK && r.Servers["pop3"].Verify != nil && r.Servers["pop3"].Verify.OK {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d verified results, want 3", n)
	}
	if got := strings.Join(srv.Received(), ","); got != "CAPA,QUIT" {
		t.Errorf("the server received %q; one check for three addresses", got)
	}
}

// TestProgressClearsBeforeMessages: a message on standard error never runs
// into the progress line: the line is cleared first.
func TestProgressClearsBeforeMessages(t *testing.T) {
	var errw bytes.Buffer
	p := newProgress(&errw, true, 3)
	p.add(false)
	fmt.Fprintln(p, "popfind: invalid address")
	p.last = time.Time{}
	p.add(true)
	p.finish()
	out := errw.String()
	i := strings.Index(out, "popfind: invalid address")
	if i < 0 || !strings.HasSuffix(out[:i], "\r\x1b[K") {
		t.Errorf("the message does not start on a cleared line: %q", out)
	}
}
