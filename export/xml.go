package export

import (
	"bytes"
	"encoding/xml"
	"strings"

	"github.com/popfind/popfind/internal/safetext"
)

// maxText caps one text a file holds: a name, a login name, a URL.
const maxText = 2048

// clean is the one gate every text passes before it reaches a file: one
// line, no control or bidirectional characters, bounded. The lookup
// cleaned it already; a file outlives the lookup, so it is cleaned again.
func clean(s string) string { return safetext.Line(s, maxText) }

// xmlWriter writes an indented XML document whose every text and
// attribute value is cleaned and escaped.
type xmlWriter struct {
	b     bytes.Buffer
	depth int
}

func (w *xmlWriter) indent() { w.b.WriteString(strings.Repeat("  ", w.depth)) }

// open writes a start tag with attributes given as name, value pairs.
func (w *xmlWriter) open(name string, attrs ...string) {
	w.indent()
	w.b.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.b.WriteString(" " + attrs[i] + `="`)
		escape(&w.b, attrs[i+1])
		w.b.WriteString(`"`)
	}
	w.b.WriteString(">\n")
	w.depth++
}

func (w *xmlWriter) close(name string) {
	w.depth--
	w.indent()
	w.b.WriteString("</" + name + ">\n")
}

// empty writes an element without content: <name attr="value"/>.
func (w *xmlWriter) empty(name string, attrs ...string) {
	w.open(name, attrs...)
	w.depth--
	w.b.Truncate(w.b.Len() - len(">\n"))
	w.b.WriteString("/>\n")
}

// elem writes <name>text</name> on a line of its own.
func (w *xmlWriter) elem(name, text string) {
	w.indent()
	w.b.WriteString("<" + name + ">")
	escape(&w.b, text)
	w.b.WriteString("</" + name + ">\n")
}

// escape writes s cleaned, with <, >, &, both quotes and white space
// escaped, so that it is safe as text and as an attribute value.
func escape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(clean(s)))
}
