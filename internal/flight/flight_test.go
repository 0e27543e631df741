package flight

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The first caller leaving must not cancel the work that a second caller,
// whose context is alive, still waits for.
func TestFirstCallerLeavingKeepsCallAlive(t *testing.T) {
	var g Group[string, int]
	release := make(chan struct{})
	started := make(chan struct{})
	fn := func(ctx context.Context) (int, error) {
		close(started)
		select {
		case <-release:
			return 42, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	first, cancelFirst := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := g.Do(first, "k", fn)
		firstErr <- err
	}()
	<-started
	second := make(chan int, 1)
	secondErr := make(chan error, 1)
	joined := make(chan struct{})
	go func() {
		close(joined)
		v, err := g.Do(context.Background(), "k", func(context.Context) (int, error) {
			t.Error("a second call started although one was in flight")
			return 0, nil
		})
		second <- v
		secondErr <- err
	}()
	<-joined
	// Give the second caller time to join before the first one leaves.
	for {
		g.mu.Lock()
		n := g.calls["k"].waiters
		g.mu.Unlock()
		if n == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancelFirst()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller: %v, want context.Canceled", err)
	}
	close(release)
	if v, err := <-second, <-secondErr; v != 42 || err != nil {
		t.Fatalf("second caller got %d, %v; want 42, nil", v, err)
	}
}

// When every caller has left, the call's context is cancelled, and the next
// caller starts a fresh call.
func TestLastCallerLeavingCancelsCall(t *testing.T) {
	var g Group[string, int]
	cancelled := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(10 * time.Millisecond)
		cancel()
	}()
	_, err := g.Do(ctx, "k", func(ctx context.Context) (int, error) {
		<-ctx.Done()
		close(cancelled)
		return 0, ctx.Err()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the call was not cancelled when its last caller left")
	}
	v, err := g.Do(context.Background(), "k", func(context.Context) (int, error) { return 7, nil })
	if v != 7 || err != nil {
		t.Fatalf("fresh call: %d, %v", v, err)
	}
}

// waitFor waits until n callers are in the call for key.
func waitFor[V any](g *Group[string, V], key string, n int) {
	for {
		g.mu.Lock()
		c := g.calls[key]
		got := 0
		if c != nil {
			got = c.waiters
		}
		g.mu.Unlock()
		if got == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// Run shares one call among the callers that ask at once, and runs it in
// the first caller's goroutine.
func TestRunShares(t *testing.T) {
	var g Group[string, int]
	release := make(chan struct{})
	calls := 0
	results := make(chan int, 3)
	for range 3 {
		go func() {
			v, _ := g.Run(context.Background(), "k", func(context.Context) (int, error) {
				calls++ // only ever one call: no lock needed, the race detector checks it
				<-release
				return 5, nil
			})
			results <- v
		}()
	}
	waitFor(&g, "k", 3)
	close(release)
	for range 3 {
		if v := <-results; v != 5 {
			t.Fatalf("got %d, want 5", v)
		}
	}
	if calls != 1 {
		t.Fatalf("%d calls, want 1", calls)
	}
}

// When the caller running the call gives up, a caller still waiting is not
// handed that caller's cancellation: it runs the call again.
func TestRunLeaderLeaving(t *testing.T) {
	var g Group[string, int]
	started := make(chan struct{})
	first, cancelFirst := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := g.Run(first, "k", func(ctx context.Context) (int, error) {
			close(started)
			<-ctx.Done()
			return 0, ctx.Err()
		})
		firstErr <- err
	}()
	<-started
	second := make(chan int, 1)
	secondErr := make(chan error, 1)
	go func() {
		v, err := g.Run(context.Background(), "k", func(ctx context.Context) (int, error) {
			if ctx.Err() != nil {
				t.Error("the call run again has a cancelled context")
			}
			return 42, nil
		})
		second <- v
		secondErr <- err
	}()
	waitFor(&g, "k", 2)
	cancelFirst()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller: %v, want context.Canceled", err)
	}
	if v, err := <-second, <-secondErr; v != 42 || err != nil {
		t.Fatalf("second caller got %d, %v; want 42, nil", v, err)
	}
}

// A waiting caller whose context ends stops waiting at once, and the call
// goes on for the caller running it.
func TestRunWaiterLeaving(t *testing.T) {
	var g Group[string, int]
	release := make(chan struct{})
	started := make(chan struct{})
	firstVal := make(chan int, 1)
	go func() {
		v, _ := g.Run(context.Background(), "k", func(ctx context.Context) (int, error) {
			close(started)
			select {
			case <-release:
				return 9, nil
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		})
		firstVal <- v
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.Run(ctx, "k", func(context.Context) (int, error) {
		t.Error("a second call started although one was in flight")
		return 0, nil
	}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiter: %v, want context.DeadlineExceeded", err)
	}
	close(release)
	if v := <-firstVal; v != 9 {
		t.Fatalf("first caller got %d, want 9", v)
	}
}

// A failure that is the call's own, not its caller giving up, is shared.
func TestRunSharesFailure(t *testing.T) {
	var g Group[string, int]
	release := make(chan struct{})
	boom := errors.New("boom")
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := g.Run(context.Background(), "k", func(context.Context) (int, error) {
				<-release
				return 0, boom
			})
			errs <- err
		}()
	}
	waitFor(&g, "k", 2)
	close(release)
	for range 2 {
		if err := <-errs; err != boom {
			t.Fatalf("got %v, want boom", err)
		}
	}
}

// A panic in the call reaches the caller running it; the callers waiting
// run the call again instead of taking a zero value for an answer.
func TestRunPanic(t *testing.T) {
	var g Group[string, int]
	started := make(chan struct{})
	release := make(chan struct{})
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		g.Run(context.Background(), "k", func(context.Context) (int, error) {
			close(started)
			<-release
			panic("boom")
		})
	}()
	<-started
	got := make(chan int, 1)
	go func() {
		v, _ := g.Run(context.Background(), "k", func(context.Context) (int, error) { return 3, nil })
		got <- v
	}()
	waitFor(&g, "k", 2)
	close(release)
	if p := <-panicked; p != "boom" {
		t.Fatalf("recovered %v", p)
	}
	if v := <-got; v != 3 {
		t.Fatalf("waiter got %d, want 3", v)
	}
}

// RunAll computes, in one call, the keys that no other caller is computing,
// and waits for the others.
func TestRunAllSplitsKeys(t *testing.T) {
	var g Group[string, string]
	release := make(chan struct{})
	started := make(chan struct{})
	firstVal := make(chan string, 1)
	go func() {
		v, _ := g.Run(context.Background(), "a", func(context.Context) (string, error) {
			close(started)
			<-release
			return "A", nil
		})
		firstVal <- v
	}()
	<-started
	var asked []string
	done := make(chan struct{})
	var vals []string
	var errs []error
	go func() {
		defer close(done)
		vals, errs = g.RunAll(context.Background(), []string{"a", "b", "c"}, func(_ context.Context, keys []string) ([]string, []error) {
			asked = keys
			out := make([]string, len(keys))
			for i, k := range keys {
				out[i] = k + k
			}
			return out, make([]error, len(keys))
		})
	}()
	waitFor(&g, "a", 2)
	close(release)
	<-done
	if fmt.Sprint(asked) != "[b c]" {
		t.Errorf("the call computed %v; want [b c]: a was in flight", asked)
	}
	if fmt.Sprint(vals) != "[A bb cc]" || errors.Join(errs...) != nil {
		t.Errorf("RunAll = %v, %v; want [A bb cc]", vals, errs)
	}
	if v := <-firstVal; v != "A" {
		t.Errorf("first caller got %q", v)
	}
}

// RunEach tells ready of a key it joined as soon as the caller computing
// that key settles it, while its own call still runs; the callers waiting
// for a key that fn settles early get it at once; and every key is told
// once, with the value RunEach returns for it.
func TestRunEachReadyBeforeOwnCall(t *testing.T) {
	var g Group[string, string]
	started := make(chan struct{})
	releaseA := make(chan struct{})
	leaderDone := make(chan []string, 1)
	// The first caller computes "a" and "slow": it settles "a" early and
	// then waits.
	go func() {
		vals, _ := g.RunEach(context.Background(), []string{"a", "slow"}, func(_ context.Context, keys []string, settle func(int, string, error)) ([]string, []error) {
			close(started)
			<-releaseA
			settle(0, "A", nil)
			<-releaseA // closed: passes; the call of "slow" is done below
			return []string{"ignored", "S"}, make([]error, 2)
		}, nil)
		leaderDone <- vals
	}()
	<-started

	// The second caller joins "a" and computes "b", which it holds until
	// ready has heard of "a".
	var mu sync.Mutex
	told := map[int]string{}
	heardA := make(chan struct{})
	second := make(chan []string, 1)
	go func() {
		vals, errs := g.RunEach(context.Background(), []string{"b", "a"}, func(_ context.Context, keys []string, _ func(int, string, error)) ([]string, []error) {
			if fmt.Sprint(keys) != "[b]" {
				t.Errorf("computing %v; want [b]", keys)
			}
			select {
			case <-heardA:
			case <-time.After(10 * time.Second):
				t.Error("ready did not hear of the joined key while the caller's own call ran")
			}
			return []string{"B"}, make([]error, 1)
		}, func(i int, v string, err error) {
			mu.Lock()
			defer mu.Unlock()
			if _, dup := told[i]; dup {
				t.Errorf("key %d told twice", i)
			}
			told[i] = v
			if i == 1 {
				close(heardA)
			}
		})
		if errors.Join(errs...) != nil {
			t.Errorf("errors %v", errs)
		}
		second <- vals
	}()
	waitFor(&g, "a", 2)
	close(releaseA)
	if vals := <-second; fmt.Sprint(vals) != "[B A]" {
		t.Errorf("second caller got %v; want [B A]", vals)
	}
	if vals := <-leaderDone; fmt.Sprint(vals) != "[A S]" {
		t.Errorf("first caller got %v; want [A S]: what fn returns for a key it settled is ignored", vals)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(told) != "map[0:B 1:A]" {
		t.Errorf("ready heard %v", told)
	}
}

// A caller whose context ends while it waits for a key is told ctx.Err()
// for it, and ready never hears of the key after RunEach returns.
func TestRunEachNoReadyAfterReturn(t *testing.T) {
	var g Group[string, int]
	started := make(chan struct{})
	release := make(chan struct{})
	first := make(chan struct{})
	go func() {
		defer close(first)
		g.Run(context.Background(), "k", func(context.Context) (int, error) {
			close(started)
			<-release
			return 1, nil
		})
	}()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	returned := false
	var told []error
	go func() {
		waitFor(&g, "k", 2)
		cancel()
	}()
	_, errs := g.RunEach(ctx, []string{"k"}, func(context.Context, []string, func(int, int, error)) ([]int, []error) {
		t.Error("a second call started although one was in flight")
		return nil, nil
	}, func(i int, v int, err error) {
		mu.Lock()
		defer mu.Unlock()
		if returned {
			t.Error("ready called after RunEach returned")
		}
		told = append(told, err)
	})
	mu.Lock()
	returned = true
	if !errors.Is(errs[0], context.Canceled) || len(told) != 1 || told[0] != errs[0] {
		t.Errorf("RunEach = %v, ready heard %v; want context.Canceled, once", errs, told)
	}
	mu.Unlock()
	close(release)
	<-first
}
