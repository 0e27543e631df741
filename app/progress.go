package app

import (
	"fmt"
	"io"
	"time"
)

// progress draws a one-line progress report on a terminal's stderr: how many
// addresses are done, how fast, and how many failed. It draws nothing when
// disabled.
type progress struct {
	w        io.Writer
	on       bool
	start    time.Time
	last     time.Time
	done     int
	failures int
}

func newProgress(w io.Writer, on bool) *progress {
	now := time.Now()
	return &progress{w: w, on: on, start: now}
}

func (p *progress) add(failed bool) {
	p.done++
	if failed {
		p.failures++
	}
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.draw()
}

func (p *progress) draw() {
	rate := float64(p.done) / time.Since(p.start).Seconds()
	fmt.Fprintf(p.w, "\r\x1b[K%d done, %.0f/s, %d failed", p.done, rate, p.failures)
}

func (p *progress) finish() {
	if !p.on || p.done == 0 {
		return
	}
	p.draw()
	fmt.Fprintln(p.w)
}
