package race

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errNo = errors.New("no")

// after returns an alternative that answers v (or fails) after d, unless
// its context ends first; ended counts those that were cancelled.
func after(d time.Duration, v int, fail bool, ended *atomic.Int32) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		select {
		case <-time.After(d):
			if fail {
				return 0, errNo
			}
			return v, nil
		case <-ctx.Done():
			ended.Add(1)
			return 0, ctx.Err()
		}
	}
}

// The first success in order wins as soon as everything before it failed;
// what comes after is cancelled and waited for.
func TestFirstInOrder(t *testing.T) {
	var ended atomic.Int32
	start := time.Now()
	v, errs, err := First(context.Background(), []func(context.Context) (int, error){
		after(20*time.Millisecond, 1, true, &ended),
		after(10*time.Millisecond, 2, false, &ended),
		after(time.Hour, 3, false, &ended),
	})
	if v != 2 || err != nil || errs != nil {
		t.Fatalf("got %d, %v, %v; want 2", v, errs, err)
	}
	if time.Since(start) > 10*time.Second || ended.Load() != 1 {
		t.Errorf("took %v, %d cancelled; want the hour-long one cancelled", time.Since(start), ended.Load())
	}
	// A preferred success that arrives later still wins.
	v, _, _ = First(context.Background(), []func(context.Context) (int, error){
		after(30*time.Millisecond, 1, false, &ended),
		after(time.Millisecond, 2, false, &ended),
	})
	if v != 1 {
		t.Errorf("got %d; the first in order wins", v)
	}
	// Every one fails: their errors, in order.
	_, errs, err = First(context.Background(), []func(context.Context) (int, error){
		after(time.Millisecond, 1, true, &ended), after(time.Millisecond, 2, true, &ended),
	})
	if len(errs) != 2 || err != nil {
		t.Errorf("errs %v err %v", errs, err)
	}
}

// When ctx ends first, Run says so, and keeps what finished.
func TestRunContextEnds(t *testing.T) {
	var ended atomic.Int32
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	results, err := Run(ctx, []func(context.Context) (int, error){
		after(time.Hour, 1, false, &ended),
		after(time.Millisecond, 2, false, &ended),
	}, firstDecided[int], Options[int]{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if results[0].Done && results[0].Err == nil || !results[1].Done || results[1].Val != 2 {
		t.Errorf("results %+v", results)
	}
}

// An alternative that finishes while the others are being cancelled keeps
// its result: an answer in hand is never dropped.
func TestRunKeepsLateAnswers(t *testing.T) {
	stubborn := func(context.Context) (int, error) {
		time.Sleep(30 * time.Millisecond) // ignores its context, like a slow parse
		return 7, nil
	}
	quick := func(context.Context) (int, error) { return 1, nil }
	// decided as soon as the quick one is in: the stubborn one is then
	// cancelled, finishes anyway, and is kept.
	results, err := Run(context.Background(), []func(context.Context) (int, error){quick, stubborn},
		func(r []Result[int]) bool { return r[0].Done }, Options[int]{})
	if err != nil || !results[1].Done || results[1].Val != 7 {
		t.Fatalf("results %+v, %v; want the late answer kept", results, err)
	}
}

// With a stagger, alternatives start one after another, and at once after
// a failure.
func TestRunStagger(t *testing.T) {
	var started atomic.Int32
	mk := func(fail bool) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			started.Add(1)
			if fail {
				return 0, errNo
			}
			<-ctx.Done()
			return 0, ctx.Err()
		}
	}
	fns := []func(context.Context) (int, error){mk(true), mk(true), mk(false), mk(false)}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	Run(ctx, fns, nil, Options[int]{Stagger: time.Hour, Failed: func(_ int, err error) bool { return err != nil }})
	// The two failures started the third at once; the fourth waits for an
	// hour that never comes.
	if n := started.Load(); n != 3 {
		t.Errorf("%d started; want 3", n)
	}
}

// A held alternative starts only when released; one still held when the
// race is decided never starts.
func TestRunHeld(t *testing.T) {
	var started [3]atomic.Bool
	fn := func(i int) func(context.Context) (int, error) {
		return func(context.Context) (int, error) {
			started[i].Store(true)
			return i, nil
		}
	}
	release := make(chan int, 1)
	fns := []func(context.Context) (int, error){fn(0), fn(1), fn(2)}
	// Decided once 0 and 1 are done; 1 is held until 0 has finished, and 2
	// is held for good.
	decided := func(rs []Result[int]) bool {
		if rs[0].Done && !started[1].Load() {
			release <- 1
		}
		return rs[0].Done && rs[1].Done
	}
	rs, err := Run(context.Background(), fns, decided, Options[int]{
		Held:    func(i int) bool { return i > 0 },
		Release: release,
	})
	if err != nil || !rs[0].Done || !rs[1].Done || rs[1].Val != 1 {
		t.Fatalf("results %+v, %v", rs, err)
	}
	if started[2].Load() || rs[2].Done {
		t.Errorf("the alternative held for good started")
	}

	// Closing Release starts every one still held.
	closed := make(chan int)
	close(closed)
	rs, _ = Run(context.Background(), fns, nil, Options[int]{Held: func(int) bool { return true }, Release: closed})
	for i, r := range rs {
		if !r.Done || r.Val != i {
			t.Errorf("alternative %d: %+v after Release closed", i, r)
		}
	}
}
