package app

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"
)

// BenchmarkServe: 200 clients at once ask popfind serve's API about 1,000
// distinct domains, each publishing POP3, IMAP and submission by SRV, with
// every DNS answer 20 ms late; the server has its defaults (POP3 and SMTP,
// every source, at most 256 lookups in flight) without the rate limit,
// since every client is 127.0.0.1. It reports requests a second, the
// median and 99th-percentile time of a request, and the peak heap of the
// whole process: the server, its clients and the in-process DNS and HTTPS
// servers.
func BenchmarkServe(b *testing.B) {
	const clients, domains = 200, 1000
	var elapsed time.Duration
	var peakMax uint64
	var times []time.Duration
	w := newWorld(b)
	w.https(b, http.NotFoundHandler(), "ispdb.test")
	w.dns.Delay = 20 * time.Millisecond
	names := w.srvAll(b, domains)
	for range b.N {
		b.StopTimer()
		// A new server each run, with an empty cache, dropped after it.
		o := w.options(b)
		s, err := newServer(o, &serveConfig{allowPrivate: true, maxInflight: defaultMaxInflight, dial: o.dial}, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		ts := httptest.NewServer(s)
		tr := &http.Transport{MaxIdleConnsPerHost: clients}
		client := &http.Client{Transport: tr}
		work := make(chan string, domains)
		for i, d := range names {
			work <- ts.URL + lookupPath(fmt.Sprintf("user%d@%s", i, d))
		}
		close(work)
		var mu sync.Mutex
		var failed error
		// The last run's garbage is not this one's peak.
		runtime.GC()
		b.StartTimer()
		start := time.Now()
		peak := peakHeap(func() {
			var wg sync.WaitGroup
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for u := range work {
						t0 := time.Now()
						resp, err := client.Get(u)
						if err == nil {
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							if resp.StatusCode != 200 {
								err = fmt.Errorf("%s: status %d", u, resp.StatusCode)
							}
						}
						mu.Lock()
						times = append(times, time.Since(t0))
						if err != nil && failed == nil {
							failed = err
						}
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
		})
		elapsed += time.Since(start)
		b.StopTimer()
		tr.CloseIdleConnections()
		ts.Close()
		s.close()
		if failed != nil {
			b.Fatal(failed)
		}
		peakMax = max(peakMax, peak)
		b.StartTimer()
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(domains*b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(peakMax)/(1<<20), "peak-MiB")
}

// BenchmarkServeCached: a lookup the Finder has kept, asked through the
// API over a kept-alive connection, for another address of the domain
// each time; DNS answers are 20 ms late, so that any question asked would
// show. Target: under 1 ms a request.
func BenchmarkServeCached(b *testing.B) {
	w := newWorld(b)
	w.https(b, http.NotFoundHandler(), "ispdb.test")
	w.dns.Delay = 20 * time.Millisecond
	names := w.srvAll(b, 1)
	srv := newTestServe(b, w, nil)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	get := func(i int) {
		resp, err := client.Get(srv.ts.URL + lookupPath(fmt.Sprintf("user%d@%s", i, names[0])))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	get(-1)
	asked := w.dns.Queries()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		get(i)
	}
	b.StopTimer()
	if q := w.dns.Queries(); q != asked {
		b.Fatalf("%d DNS questions for cached lookups", q-asked)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/lookup")
}
