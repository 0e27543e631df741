package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/providers"
)

// peakHeap samples the heap while f runs and returns the largest value.
func peakHeap(f func()) uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if v := m.HeapInuse + m.StackInuse; v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// BenchmarkSRVOnlyLookup is target (a): one lookup of a domain that
// publishes only SRV records, every source enabled, every DNS answer 100ms
// late. A serial chain would need over a second; the target is 250ms.
func BenchmarkSRVOnlyLookup(b *testing.B) {
	w := newWorld(b)
	w.https(b, http.NotFoundHandler(), "ispdb.test")
	w.dns.Delay = 100 * time.Millisecond
	o := w.options(b)
	o.protocols = []lookup.Protocol{lookup.POP3}
	benchSRVLookup(b, o, w.srvOnly(b, b.N))
}

// BenchmarkSRVOnlyLookup3 is BenchmarkSRVOnlyLookup for the whole account:
// --protocol pop3,imap,smtp on domains that publish all three by SRV. The
// six SRV queries go out at once, so it costs what one protocol costs.
func BenchmarkSRVOnlyLookup3(b *testing.B) {
	w := newWorld(b)
	w.https(b, http.NotFoundHandler(), "ispdb.test")
	w.dns.Delay = 100 * time.Millisecond
	o := w.options(b)
	o.protocols = []lookup.Protocol{lookup.POP3, lookup.IMAP, lookup.SMTP}
	benchSRVLookup(b, o, w.srvAll(b, b.N))
}

// BenchmarkNoSMTPLookup is the default lookup (POP3 and SMTP) of a domain
// that publishes POP3 by SRV and no SMTP at all, DNS 100 ms late: SMTP is
// searched for, guessing included, for at most the grace period after the
// POP3 answer, never for the whole timeout.
func BenchmarkNoSMTPLookup(b *testing.B) {
	w := newWorld(b)
	w.https(b, http.NotFoundHandler(), "ispdb.test")
	w.dns.Delay = 100 * time.Millisecond
	o := w.options(b)
	domains := w.srvOnly(b, b.N)
	b.ResetTimer()
	for i := range b.N {
		f := finder(b, o)
		addr, _ := lookup.ParseAddress("me@" + domains[i])
		res := f.FindAddress(context.Background(), addr)
		f.Close()
		if smtp := res.Get(lookup.SMTP); !res.Found || smtp == nil || smtp.Found {
			b.Fatalf("%s: POP3 found=%v, SMTP %v", domains[i], res.Found, smtp)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/lookup")
}

func benchSRVLookup(b *testing.B, o *options, domains []string) {
	b.ResetTimer()
	for i := range b.N {
		// A fresh Finder each time: nothing cached from the last run.
		f := finder(b, o)
		addr, _ := lookup.ParseAddress("me@" + domains[i])
		res := f.FindAddress(context.Background(), addr)
		f.Close()
		for _, r := range res.All() {
			if !r.Found || r.Source != lookup.SourceSRV || r.Early() != 0 {
				b.Fatalf("%s %s: found=%v source=%s early=%v", domains[i], r.Protocol, r.Found, r.Source, r.Early())
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/lookup")
}

// BenchmarkHangingAutoconfig: the domain's autoconfig host accepts
// connections and never answers, its SRV records answer (every DNS answer
// 100 ms late), and the timeout is the default 10 s. The lookup returns once
// the grace period after the SRV answer has passed, not at the timeout.
func BenchmarkHangingAutoconfig(b *testing.B) {
	w := hangingAutoconfig(b)
	w.dns.SetDelay(100 * time.Millisecond)
	o := w.options(b)
	o.protocols = []lookup.Protocol{lookup.POP3}
	b.ResetTimer()
	for range b.N {
		f := finder(b, o)
		addr, _ := lookup.ParseAddress("me@hang.example")
		res := f.FindAddress(context.Background(), addr)
		f.Close()
		if !res.Found || res.Source != lookup.SourceSRV || res.Early() == 0 {
			b.Fatalf("found=%v source=%s early=%v", res.Found, res.Source, res.Early())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/lookup")
}

// BenchmarkBuiltinHit is target (b): a domain the built-in table knows, with
// every source enabled and no network at all.
func BenchmarkBuiltinHit(b *testing.B) {
	// A cache of one domain and two domains in turn: every lookup is a
	// whole lookup, not a cache hit.
	d := testnet.NewDNS(b)
	f, err := lookup.New(lookup.Config{DNS: d.Addr, CacheSize: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	addrs := []string{"someone@gmail.com", "someone@qq.com"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if res := f.Find(context.Background(), addrs[i%2]); res.Source != lookup.SourceBuiltin {
			b.Fatal(res.Source)
		}
	}
	if q := d.Queries(); q != 0 {
		b.Fatalf("%d DNS queries for a built-in hit", q)
	}
}

// BenchmarkBatch is target (c): 800 addresses over 400 domains that publish
// POP3 by SRV and no SMTP, every DNS answer 20ms late, default settings: the
// default protocols (POP3 and SMTP), so each lookup also searches for SMTP,
// guessing included, and finds none. It reports addresses a second, DNS
// queries per domain and the peak heap.
func BenchmarkBatch(b *testing.B) { benchBatch(b, defaultConcurrency, nil, false) }

// BenchmarkBatchPOP3 is BenchmarkBatch with --protocol pop3: no search for
// SMTP.
func BenchmarkBatchPOP3(b *testing.B) {
	benchBatch(b, defaultConcurrency, []lookup.Protocol{lookup.POP3}, false)
}

// BenchmarkBatchWide is BenchmarkBatch with --concurrency 1024: what memory
// a lookup in flight costs.
func BenchmarkBatchWide(b *testing.B) { benchBatch(b, 1024, nil, false) }

// BenchmarkBatch3 is BenchmarkBatch for the whole account: --protocol
// pop3,imap,smtp over 400 domains that publish all three by SRV.
func BenchmarkBatch3(b *testing.B) {
	benchBatch(b, defaultConcurrency, []lookup.Protocol{lookup.POP3, lookup.IMAP, lookup.SMTP}, true)
}

// benchBatch looks up 800 addresses over 400 domains with protocols (nil:
// the default). The domains publish POP3 alone by SRV, or with account
// every protocol.
func benchBatch(b *testing.B, concurrency int, protocols []lookup.Protocol, account bool) {
	asked := protocols
	if asked == nil {
		asked = lookup.DefaultProtocols()
	}
	// The protocols each address is found for: POP3 alone, unless the
	// domains publish the whole account.
	found := 1
	if account {
		found = len(asked)
	}
	// Over every run: addresses a second and CPU per address from the
	// totals, the highest peak, the queries of the last run.
	var elapsed, cpuTotal time.Duration
	var peakMax uint64
	var queries float64
	for range b.N {
		b.StopTimer()
		w := newWorld(b)
		w.https(b, http.NotFoundHandler(), "ispdb.test")
		w.dns.Delay = 20 * time.Millisecond
		o := w.options(b)
		o.protocols = protocols
		domains := w.srvOnly(b, 400)
		if account {
			domains = w.srvAll(b, 400)
		}
		var in strings.Builder
		for i := range 800 {
			fmt.Fprintf(&in, "user%d@%s\n", i, domains[i%400])
		}
		o.concurrency = concurrency
		var out bytes.Buffer
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		peak := peakHeap(func() {
			if code, _ := runBatch(b, o, strings.NewReader(in.String()), &out); code != ExitOK {
				b.Fatalf("exit %d: %.2000s", code, notFound(out.String()))
			}
		})
		elapsed += time.Since(start)
		cpuTotal += cpuTime() - cpu0
		b.StopTimer()
		// The first protocol, POP3, decides the exit status (checked
		// above): a missing SMTP server does not fail the batch. Each
		// protocol has its entry in servers, and POP3 the top level too.
		if n, want := strings.Count(out.String(), `"found":true`), 800*(found+1); n != want {
			b.Fatalf("%d of %d found", n, want)
		}
		if n, want := strings.Count(out.String(), `"found":false`), 800*(len(asked)-found); n != want {
			b.Fatalf("%d of %d not found", n, want)
		}
		peakMax = max(peakMax, peak)
		// Queries for the batch's own domains; the ISP database's host is
		// looked up once for the whole batch, not per domain.
		shared := w.dns.QueriesFor("ispdb.test")
		queries = float64(int(w.dns.Queries())-shared) / 400
		b.StartTimer()
	}
	addrs := float64(800 * b.N)
	b.ReportMetric(addrs/elapsed.Seconds(), "addr/s")
	b.ReportMetric(queries, "queries/domain")
	b.ReportMetric(float64(peakMax)/(1<<20), "peak-MiB")
	// The whole process's CPU: popfind's and the in-process servers'.
	b.ReportMetric(float64(cpuTotal.Microseconds())/1000/addrs, "cpu-ms/addr")
}

// BenchmarkISPDBCorpus is target (d): every domain of the ISPDB snapshot,
// served from a local mirror, looked up in one batch with --sources ispdb.
func BenchmarkISPDBCorpus(b *testing.B) {
	w := newWorld(b)
	domains := w.ispdbMirror(b)
	var in strings.Builder
	for _, d := range domains {
		fmt.Fprintf(&in, "someone@%s\n", d)
	}
	o := w.options(b)
	o.sources, _ = parseSources("ispdb")
	b.ResetTimer()
	for range b.N {
		var out bytes.Buffer
		start := time.Now()
		runBatch(b, o, strings.NewReader(in.String()), &out)
		el := time.Since(start)
		// Lines whose top level, POP3, was found; files without a POP3
		// section are "not found" for POP3.
		found := strings.Count(out.String(), `"protocols":["pop3","smtp"],"found":true`)
		if found < len(domains)/2 {
			b.Fatalf("only %d of %d domains found", found, len(domains))
		}
		b.ReportMetric(float64(len(domains)), "domains")
		b.ReportMetric(float64(found), "found")
		b.ReportMetric(float64(len(domains))/el.Seconds(), "domains/s")
	}
}

// BenchmarkStdinMemory streams 10,000 offline lookups from standard input and
// reports the peak heap, which stays flat however long the input is.
func BenchmarkStdinMemory(b *testing.B) {
	tab := providers.Builtin().Domains()
	for range b.N {
		pr, pw := io.Pipe()
		go func() {
			for i := range 10000 {
				fmt.Fprintf(pw, "user%d@%s\n", i, tab[i%len(tab)])
			}
			pw.Close()
		}()
		sources, _ := parseSources("builtin")
		o := &options{json: true, timeout: time.Second, sources: sources, concurrency: defaultConcurrency, lang: "en"}
		var n countingWriter
		peak := peakHeap(func() { runBatch(b, o, pr, &n) })
		if n.lines != 10000 {
			b.Fatalf("%d lines out", n.lines)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
	}
}

type countingWriter struct{ lines int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte("\n"))
	return len(p), nil
}

func notFound(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, `"found":false`) {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
