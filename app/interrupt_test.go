package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
)

// syncBuffer is a bytes.Buffer safe to read while Run writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestInterruptWhileReadingStdin: with `popfind -` waiting on standard input
// that never ends, cancelling (Ctrl-C) stops the run at once with status
// 130, no "context canceled", and every line already written complete.
func TestInterruptWhileReadingStdin(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	defer pw.Close()
	var out, errw syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"popfind", "--json", "--offline", "-"}, IO{
			In: pr, Out: &out, Err: &errw,
			Getenv: func(string) string { return "" },
		})
	}()
	fmt.Fprintln(pw, "someone@gmail.com")
	fmt.Fprintln(pw, "someone@qq.com")
	// Wait for both results, then leave the reader blocked on the pipe.
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(out.String(), "\n") < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("no results: %q %q", out.String(), errw.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != ExitInterrupted {
			t.Errorf("exit %d, want %d", code, ExitInterrupted)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the interrupt")
	}
	if strings.Contains(errw.String(), "context canceled") {
		t.Errorf("stderr %q", errw.String())
	}
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	n := 0
	for sc.Scan() {
		n++
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Errorf("line %d is not complete JSON: %v", n, err)
		}
	}
	if n != 2 || !strings.HasSuffix(out.String(), "\n") {
		t.Errorf("%d lines: %q", n, out.String())
	}
	pw.Close() // lets the reader goroutine go, for goleak
}

// TestBatchDeadlineSweep runs batches whose SRV answers arrive about when
// the deadline passes, moving the deadline across the answers' arrival in
// small steps: the process never dies, and every address gets its line.
func TestBatchDeadlineSweep(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	domains := w.srvOnly(t, 6)
	w.dns.SetDelay(40 * time.Millisecond)
	var in strings.Builder
	for _, d := range domains {
		fmt.Fprintf(&in, "a@%s\nb@%s\n", d, d)
	}
	for timeout := 30 * time.Millisecond; timeout <= 60*time.Millisecond; timeout += time.Millisecond {
		o := w.options(t)
		o.timeout = timeout
		o.sources = []string{"srv", "autoconfig"}
		var out bytes.Buffer
		runBatch(t, o, strings.NewReader(in.String()), &out)
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != 2*len(domains) {
			t.Fatalf("timeout %v: %d lines for %d addresses", timeout, len(lines), 2*len(domains))
		}
		for _, l := range lines {
			var v struct {
				Found  bool           `json:"found"`
				Server map[string]any `json:"server"`
			}
			if err := json.Unmarshal([]byte(l), &v); err != nil || v.Found != (v.Server != nil) {
				t.Fatalf("timeout %v: bad line %q", timeout, l)
			}
		}
	}
}

// TestVerifierOutlivesFirstCaller: two addresses need the same server
// checked; the first one's context ends early, and the second still gets
// the real report, from one shared check.
func TestVerifierOutlivesFirstCaller(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ip := testnet.IP()
	pop := &testnet.POP3{Drip: true, DripEvery: 10 * time.Millisecond}
	port := pop.Listen(t, ip, 0)
	w.dns.Host(t, ip, "pop.slow.example")
	o := w.options(t)
	o.verify = true
	f := finder(t, o)
	check := verifier(f, o)
	srv := lookup.Server{Protocol: "pop3", Host: "pop.slow.example", Port: port, SocketType: lookup.Plain}
	first, cancel := context.WithCancel(context.Background())
	firstRep := make(chan *verifyReport, 1)
	go func() { firstRep <- check(first, srv) }()
	time.Sleep(50 * time.Millisecond)
	secondRep := make(chan *verifyReport, 1)
	go func() { secondRep <- check(context.Background(), srv) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if r := <-firstRep; r.ok() {
		t.Errorf("the cancelled caller got a passing report")
	}
	r := <-secondRep
	if !r.ok() {
		t.Fatalf("second caller: %s (%v); want the real, passing check", r.r.Kind, r.r.Err)
	}
	if n := len(pop.Received()); n == 0 {
		t.Error("the server saw no commands")
	}
	// The finished report is kept for later callers.
	if again := check(context.Background(), srv); again != r {
		t.Error("the server was checked twice")
	}
}
