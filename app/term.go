package app

import (
	"encoding/json"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"

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
			key := headers[i] + sc.lang.Colon() + strings.Repeat(" ", keyWidth-columns.StringWidth(headers[i]))
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

// cards reports whether table writes these cells as cards, one block of
// "Header: value" lines per row: the screen is too narrow for a box.
func (sc screen) cards(headers []string, rows [][]string) bool {
	return !sc.plain() && boxWidth(headers, rows) > sc.width
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

// styled is line with a style (a colour) on each line of the wrapped text,
// so that escapes neither count as columns nor run into the indent.
func (sc screen) styled(b *strings.Builder, text string, indent int, style func(string) string) {
	if !sc.plain() {
		text = wrap(text, sc.width, indent)
	}
	for _, l := range strings.Split(text, "\n") {
		b.WriteString(style(l) + "\n")
	}
}

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

// wrap breaks s into lines of at most width display columns, indenting
// continuation lines by indent columns. It breaks at spaces, and between
// two characters where either is East Asian wide (Chinese breaks between
// any two characters), but never before closing punctuation (，。）and the
// like) nor after opening punctuation (（「“), and never inside a word: a
// URL or a host name longer than the space left goes on a line of its own,
// whole, for the terminal to soft-wrap, so that it can still be clicked and
// copied. Line breaks in s are kept. Colour escapes take no columns.
func wrap(s string, width, indent int) string {
	if width <= 0 {
		return s
	}
	indent = min(indent, width/2)
	paras := strings.Split(s, "\n")
	for i, p := range paras {
		paras[i] = wrapLine(p, width, indent, i > 0)
	}
	return strings.Join(paras, "\n")
}

// wrapLine wraps one line of text; continued says whether it continues a
// line above, so that its first line is indented too.
func wrapLine(s string, width, indent int, continued bool) string {
	if !continued && textWidth(s) <= width {
		return s
	}
	pad := strings.Repeat(" ", indent)
	var (
		lines []string
		cur   strings.Builder
		used  int    // columns of cur
		space string // the spaces before the next atom, kept if it fits
	)
	first := !continued
	flush := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		used = 0
	}
	for _, a := range atoms(s) {
		if a.space {
			space = a.text
			continue
		}
		if first {
			// The first atom keeps the spaces before it (an indent),
			// unless they would push it past the line's end when it fits
			// without them.
			if textWidth(space)+a.width > width && a.width <= width {
				space = ""
			}
			cur.WriteString(space + a.text)
			used = textWidth(space) + a.width
			space, first = "", false
			continue
		}
		if cur.Len() > 0 && used+textWidth(space)+a.width <= width {
			cur.WriteString(space + a.text)
			used += textWidth(space) + a.width
			space = ""
			continue
		}
		if cur.Len() > 0 {
			flush()
		}
		space = ""
		// A new line, indented. A word too long for the indented line
		// starts at column 0, whole, on a line of its own: the terminal
		// splits it only when it is wider than the whole line.
		if indent+a.width > width {
			cur.WriteString(a.text)
			used = a.width
			continue
		}
		cur.WriteString(pad + a.text)
		used = indent + a.width
	}
	if cur.Len() > 0 || len(lines) == 0 {
		flush()
	}
	return strings.Join(lines, "\n")
}

// atom is a piece of text that a line break never splits: a word, one
// wide character with the punctuation that must stay with it, or a run of
// spaces, where a line may break.
type atom struct {
	text  string
	width int
	space bool
}

// atoms splits s where a line may break.
func atoms(s string) []atom {
	var out []atom
	add := func(text string, space bool) {
		out = append(out, atom{text: text, width: textWidth(text), space: space})
	}
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		switch r := rs[i]; {
		case r == ' ':
			for j < len(rs) && rs[j] == ' ' {
				j++
			}
			add(string(rs[i:j]), true)
			i = j
			continue
		case r == '\x1b':
			j = escapeEnd(rs, i)
		case r == keepOpen || !wide(r):
			// A word, with any kept text in it or next to it.
			for j = i; j < len(rs) && (rs[j] == keepOpen || rs[j] != ' ' && !wide(rs[j])); {
				if rs[j] != keepOpen {
					j = escapeEnd(rs, j)
					continue
				}
				for j < len(rs) && rs[j] != keepClose {
					j++
				}
				j = min(j+1, len(rs))
			}
		}
		text := string(rs[i:j])
		i = j
		// Closing punctuation stays with what it closes, opening
		// punctuation with what it opens.
		if n := len(out); n > 0 && !out[n-1].space &&
			(noLineStart(firstRune(text)) || noLineEnd(lastRune(out[n-1].text)) || strings.HasPrefix(text, "\x1b")) {
			out[n-1].text += text
			out[n-1].width = textWidth(out[n-1].text)
			continue
		}
		add(text, false)
	}
	return noBreak(out)
}

// noBreak joins the atoms that a line break must not separate: "RFC" and
// its number ("RFC 6186").
func noBreak(as []atom) []atom {
	out := as[:0]
	for i := 0; i < len(as); i++ {
		a := as[i]
		for i+2 < len(as) && !a.space && as[i+1].space && !as[i+2].space &&
			endsWithWord(stripEscapes(a.text), "RFC") && startsWithDigit(stripEscapes(as[i+2].text)) {
			a.text += as[i+1].text + as[i+2].text
			a.width = textWidth(a.text)
			i += 2
		}
		out = append(out, a)
	}
	return out
}

// endsWithWord reports whether s ends with word, not preceded by a letter.
func endsWithWord(s, word string) bool {
	if !strings.HasSuffix(s, word) {
		return false
	}
	rest := []rune(strings.TrimSuffix(s, word))
	return len(rest) == 0 || !unicode.IsLetter(rest[len(rest)-1])
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// keepOpen and keepClose mark text that a line break never splits, spaces
// and all: an example command in the help. They take no columns; unkept
// removes them once the text is wrapped.
const keepOpen, keepClose = '\x02', '\x03'

// kept marks s as text that a line break never splits.
func kept(s string) string { return string(keepOpen) + s + string(keepClose) }

// unkept removes the marks of kept.
func unkept(s string) string {
	return strings.NewReplacer(string(keepOpen), "", string(keepClose), "").Replace(s)
}

// escapeEnd returns the index after the colour escape at rs[i], or i+1
// when there is none.
func escapeEnd(rs []rune, i int) int {
	if rs[i] != '\x1b' || i+1 >= len(rs) || rs[i+1] != '[' {
		return i + 1
	}
	for j := i + 2; j < len(rs); j++ {
		if rs[j] >= 0x40 && rs[j] <= 0x7e {
			return j + 1
		}
	}
	return len(rs)
}

// wide reports whether r is East Asian wide: a line may break on either
// side of it.
func wide(r rune) bool { return columns.RuneWidth(r) == 2 }

// noLineStart reports whether r may not begin a line (kinsoku): closing
// brackets and quotes, and the marks that end a clause or a sentence.
func noLineStart(r rune) bool {
	return strings.ContainsRune("，。、；：！？）」』】》〉〕｝］”’…‥・〜～ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ％,.;:!?)]}%", r)
}

// noLineEnd reports whether r may not end a line: opening brackets and
// quotes.
func noLineEnd(r rune) bool {
	return strings.ContainsRune("（「『【《〈〔｛［“‘([{", r)
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

func lastRune(s string) rune {
	rs := []rune(stripEscapes(s))
	if len(rs) == 0 {
		return 0
	}
	return rs[len(rs)-1]
}

// textWidth is the columns s takes on a terminal, colour escapes left out.
func textWidth(s string) int { return columns.StringWidth(stripEscapes(s)) }

// stripEscapes removes colour escapes, and the marks of kept.
func stripEscapes(s string) string {
	if strings.ContainsAny(s, string(keepOpen)+string(keepClose)) {
		s = unkept(s)
	}
	if !strings.Contains(s, "\x1b") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if j := escapeEnd(rs, i); rs[i] == '\x1b' {
			i = j
			continue
		}
		b.WriteRune(rs[i])
		i++
	}
	return b.String()
}

// moreListSep lists at most n items, joined by sep, then says how many
// more there are.
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
