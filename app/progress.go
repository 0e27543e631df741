package app

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/popfind/popfind/i18n"
)

// progress draws a one-line progress report on a terminal's stderr: how many
// addresses are done, how fast, and how many failed. It draws nothing when
// disabled.
type progress struct {
	w        io.Writer
	on       bool
	total    int // 0 when unknown (standard input)
	start    time.Time
	last     time.Time
	done     int
	failures int
	drawn    bool // the line is on the screen
	lang     i18n.Lang
}

// Write writes p to the progress line's stream, clearing the line first so
// that a message never runs into it; the next update draws it again.
func (p *progress) Write(b []byte) (int, error) {
	if p.on && p.drawn {
		io.WriteString(p.w, "\r\x1b[K")
		p.drawn = false
	}
	return p.w.Write(b)
}

func newProgress(w io.Writer, on bool, total int) *progress {
	return &progress{w: w, on: on, total: total, start: time.Now()}
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
	p.drawn = true
	rate := float64(p.done) / time.Since(p.start).Seconds()
	if p.total > 0 {
		const width = 24
		filled := width * p.done / p.total
		fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %s", strings.Repeat("#", filled), strings.Repeat(" ", width-filled),
			p.lang.Sprintf(i18n.LblProgress, strconv.Itoa(p.done), strconv.Itoa(p.total), fmt.Sprintf("%.0f", rate), strconv.Itoa(p.failures)))
		return
	}
	fmt.Fprint(p.w, "\r\x1b[K"+p.lang.Sprintf(i18n.LblProgressOpen, strconv.Itoa(p.done), fmt.Sprintf("%.0f", rate), strconv.Itoa(p.failures)))
}

func (p *progress) finish() {
	if !p.on || p.done == 0 {
		return
	}
	p.draw()
	fmt.Fprintln(p.w)
	p.drawn = false
}
