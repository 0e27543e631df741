package flight

import (
	"context"
	"errors"
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
