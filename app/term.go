package app

import (
	"encoding/json"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/popfind/popfind/i18n"
	"golang.org/x/term"
)

// writeJSON writes one JSON Lines record.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// style colours text for a terminal, or not at all.
type style struct{ on bool }

func (s style) wrap(code, text string) string {
	if !s.on {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}
func (s style) bold(t string) string   { return s.wrap("1", t) }
func (s style) yellow(t string) string { return s.wrap("33", t) }
func (s style) red(t string) string    { return s.wrap("31", t) }
func (s style) green(t string) string  { return s.wrap("32", t) }
func (s style) dim(t string) string    { return s.wrap("2", t) }

func newTable(w io.Writer, headers ...string) *tablewriter.Table {
	t := tablewriter.NewTable(w,
		tablewriter.WithEastAsian(tw.Off),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Symbols: tw.NewSymbols(tw.StyleLight),
		})),
	)
	h := make([]any, len(headers))
	for i, s := range headers {
		h[i] = s
	}
	t.Header(h...)
	return t
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// columns measures text as terminals show it. Ambiguous-width characters
// (box drawing, "…", "·") count as one column even in a Chinese locale,
// as today's terminals draw them; go-runewidth would count two there.
var columns = &runewidth.Condition{EastAsianWidth: false}

// screen says how human output is laid out where it goes.
type screen struct {
	style
	lang i18n.Lang
	// width is the number of columns to fit. Zero means standard output is
	// not a terminal: a plain layout, tab-separated, without box drawing,
	// that pastes cleanly into a ticket.
	width int
}

func (sc screen) plain() bool { return sc.width <= 0 }

// table writes rows under headers: a box table when it fits the width,
// "Header: value" blocks when it does not, and tab-separated rows when the
// output is not a terminal. A cell may hold several lines.
func (sc screen) table(w io.Writer, headers []string, rows [][]string) error {
	switch {
	case sc.plain():
		var b strings.Builder
		for _, r := range append([][]string{headers}, rows...) {
			cells := make([]string, len(r))
			for i, c := range r {
				cells[i] = strings.ReplaceAll(joinLines(c), "\t", " ")
			}
			b.WriteString(strings.TrimRight(strings.Join(cells, "\t"), "\t") + "\n")
		}
		_, err := io.WriteString(w, b.String())
		return err
	case boxWidth(headers, rows) <= sc.width:
		t := newTable(w, headers...)
		for _, r := range rows {
			cells := make([]any, len(r))
			for i, c := range r {
				cells[i] = c
			}
			if err := t.Append(cells...); err != nil {
				return err
			}
		}
		return t.Render()
	}
	// Too narrow for a box: one block of "Header: value" lines per row.
	keyWidth := 0
	for _, h := range headers {
		keyWidth = max(keyWidth, columns.StringWidth(h))
	}
	var b strings.Builder
	for n, r := range rows {
		if n > 0 {
			b.WriteString("\n")
		}
		for i, c := range r {
			if c == "" || i >= len(headers) {
				continue
			}
			key := headers[i] + colon(sc.lang) + strings.Repeat(" ", keyWidth-columns.StringWidth(headers[i]))
			for j, line := range strings.Split(c, "\n") {
				prefix := key
				if j > 0 {
					prefix = strings.Repeat(" ", columns.StringWidth(key))
				}
				b.WriteString(wrap(prefix+line, sc.width, columns.StringWidth(key)) + "\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// boxWidth is how wide a box table of these cells is: each column's widest
// line, one space of padding on each side, and the rules between.
func boxWidth(headers []string, rows [][]string) int {
	widths := make([]int, len(headers))
	for _, r := range append([][]string{headers}, rows...) {
		for i, c := range r {
			for _, line := range strings.Split(c, "\n") {
				if i < len(widths) {
					widths[i] = max(widths[i], columns.StringWidth(line))
				}
			}
		}
	}
	total := 1
	for _, w := range widths {
		total += w + 3
	}
	return total
}

// line writes text to b, wrapped to the screen's width with continuation
// lines indented by indent columns; in the plain layout, as it is.
func (sc screen) line(b *strings.Builder, text string, indent int) { sc.println(b, text, indent) }

// println is line for any writer.
func (sc screen) println(w io.Writer, text string, indent int) {
	if !sc.plain() {
		text = wrap(text, sc.width, indent)
	}
	io.WriteString(w, text+"\n")
}

// screenWidth is the width human output is laid out for: COLUMNS when set,
// else the terminal's, else 0 (not a terminal: the plain layout).
func screenWidth(w io.Writer, getenv func(string) string) int {
	if c, err := strconv.Atoi(strings.TrimSpace(getenv("COLUMNS"))); err == nil && c > 0 {
		return max(c, 20)
	}
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	if c, _, err := term.GetSize(int(f.Fd())); err == nil && c > 0 {
		return c
	}
	return 80
}

// wrap breaks s into lines of at most width display columns, at spaces
// where there are any (Chinese text, which has none, breaks anywhere; a
// word longer than a line is cut), indenting continuation lines.
func wrap(s string, width, indent int) string {
	if width <= 0 || columns.StringWidth(s) <= width {
		return s
	}
	indent = min(indent, width/2)
	pad := strings.Repeat(" ", indent)
	var lines []string
	rs := []rune(s)
	for len(rs) > 0 {
		limit := width
		if len(lines) > 0 {
			limit = width - indent
		}
		// The longest prefix that fits.
		n, cols := 0, 0
		for n < len(rs) && cols+columns.RuneWidth(rs[n]) <= limit {
			cols += columns.RuneWidth(rs[n])
			n++
		}
		if n == len(rs) {
			lines = append(lines, string(rs))
			break
		}
		// Back up to a space; never start a line with closing punctuation.
		cut := n
		for i := n; i > 0; i-- {
			if rs[i] == ' ' {
				cut = i
				break
			}
		}
		for cut > 1 && strings.ContainsRune("，。、；：！？）」』,.;:!?)", rs[cut]) {
			cut--
		}
		lines = append(lines, strings.TrimRight(string(rs[:cut]), " "))
		rs = []rune(strings.TrimLeft(string(rs[cut:]), " "))
	}
	for i := 1; i < len(lines); i++ {
		lines[i] = pad + lines[i]
	}
	return strings.Join(lines, "\n")
}

// fit cuts s to at most width display columns, ending in an ellipsis.
func fit(s string, width int) string {
	if width <= 0 || columns.StringWidth(s) <= width {
		return s
	}
	return columns.Truncate(s, width, "…")
}

// colon is the separator after a label: a full-width colon in Chinese.
func colon(lang i18n.Lang) string {
	if lang == i18n.Chinese {
		return "："
	}
	return ": "
}

// paren puts s in parentheses after a label: " (s)", or "（s）" in
// Chinese.
func paren(lang i18n.Lang, s string) string {
	if lang == i18n.Chinese {
		return "（" + s + "）"
	}
	return " (" + s + ")"
}

// moreList lists at most n items, then says how many more there are.
func moreList(items []string, n int, lang i18n.Lang) string {
	return moreListSep(items, n, ", ", lang)
}

// moreListSep is moreList with another separator.
func moreListSep(items []string, n int, sep string, lang i18n.Lang) string {
	if len(items) <= n {
		return strings.Join(items, sep)
	}
	return strings.Join(items[:n], sep) + " " + lang.Sprintf(i18n.LblAndMore, strconv.Itoa(len(items)-n))
}

// joinLines puts a cell's lines on one line: sentences after a space, list
// items after a comma.
func joinLines(c string) string {
	lines := strings.Split(c, "\n")
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			if strings.HasSuffix(lines[i-1], ".") || strings.HasSuffix(lines[i-1], "。") {
				b.WriteString(" ")
			} else {
				b.WriteString(", ")
			}
		}
		b.WriteString(l)
	}
	return b.String()
}
