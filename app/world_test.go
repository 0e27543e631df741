package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
)

// world is a loopback Internet for batch tests and benchmarks: a DNS server
// and an ISP database mirror over HTTPS with a test CA.
type world struct {
	dns *testnet.DNS
	ca  *testnet.CA
}

func newWorld(tb testing.TB) *world {
	tb.Helper()
	return &world{dns: testnet.NewDNS(tb), ca: testnet.NewCA(tb)}
}

func (w *world) https(tb testing.TB, h http.Handler, names ...string) {
	tb.Helper()
	ip := testnet.IP()
	w.ca.ServeHTTPS(tb, ip, h, names...)
	w.dns.Host(tb, ip, names...)
}

// options returns the settings of a default run against this world.
func (w *world) options(tb testing.TB) *options {
	tb.Helper()
	return &options{
		json: true, timeout: 10 * time.Second, dns: w.dns.Addr, ispdb: "https://ispdb.test/v1.1/",
		concurrency: defaultConcurrency, lang: "en", rootCAs: w.ca.Pool(), dial: testnet.Dial,
	}
}

// srvOnly adds n domains that publish nothing but SRV records.
func (w *world) srvOnly(tb testing.TB, n int) []string {
	var domains []string
	for i := range n {
		d := fmt.Sprintf("srv%04d.example", i)
		w.dns.Add(tb, fmt.Sprintf("_pop3s._tcp.%s. 300 IN SRV 0 0 995 pop.%s.", d, d))
		domains = append(domains, d)
	}
	return domains
}

// srvAll adds n domains that publish POP3, IMAP and submission by SRV
// records alone, implicit TLS only.
func (w *world) srvAll(tb testing.TB, n int) []string {
	var domains []string
	for i := range n {
		d := fmt.Sprintf("all%04d.example", i)
		w.dns.Add(tb,
			fmt.Sprintf("_pop3s._tcp.%s. 300 IN SRV 0 0 995 pop.%s.", d, d),
			fmt.Sprintf("_imaps._tcp.%s. 300 IN SRV 0 0 993 imap.%s.", d, d),
			fmt.Sprintf("_submissions._tcp.%s. 300 IN SRV 0 0 465 smtp.%s.", d, d),
		)
		domains = append(domains, d)
	}
	return domains
}

// runBatch runs a batch over in with o, writing to out.
func runBatch(tb testing.TB, o *options, in io.Reader, out io.Writer) (int, *lookup.Finder) {
	tb.Helper()
	f, err := newFinder(o)
	if err != nil {
		tb.Fatal(err)
	}
	// Closed here, not when the test ends, so that a benchmark's runs do
	// not keep each other's caches alive.
	defer f.Close()
	b := &batch{opts: o, finder: f, verify: verifier(f, o), out: out, errw: io.Discard}
	code, err := b.run(context.Background(), &inputs{args: []string{"-"}, in: in})
	if err != nil {
		tb.Fatal(err)
	}
	return code, f
}

// ispdbMirror serves the files of the ISPDB snapshot by domain, as the real
// database does, and returns the domains it serves.
func (w *world) ispdbMirror(tb testing.TB) []string {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "data", "ispdb")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	if len(files) == 0 {
		tb.Skipf("no ISPDB snapshot at %s", dir)
	}
	byDomain := map[string][]byte{}
	var domains []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, part := range strings.Split(string(data), "<domain>")[1:] {
			d := strings.ToLower(strings.TrimSpace(part[:strings.Index(part, "</domain>")]))
			if _, ok := byDomain[d]; !ok && !strings.ContainsAny(d, " /") {
				byDomain[d] = data
				domains = append(domains, d)
			}
		}
	}
	w.https(tb, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		data, ok := byDomain[strings.TrimPrefix(r.URL.Path, "/v1.1/")]
		if !ok {
			http.NotFound(rw, r)
			return
		}
		rw.Header().Set("Content-Type", "text/xml")
		rw.Write(data)
	}), "ispdb.test")
	return domains
}

// finder returns the Finder of a run with o, closed when the test ends.
func finder(tb testing.TB, o *options) *lookup.Finder {
	tb.Helper()
	f, err := newFinder(o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(f.Close)
	return f
}
