package autoconfig

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/safetext"
)

// Limits on a document's shape, checked while it is decoded, so that a
// document within MaxBody bytes still cannot cost much to parse: real
// autoconfig and Autodiscover files are five or six levels deep and have a
// few dozen elements.
const (
	MaxDepth    = 16
	MaxElements = 4096
	// maxText caps the text one element holds.
	maxText = 16 << 10
)

// ErrEntity is returned for documents that declare entities or a DOCTYPE
// with an internal subset: they are never expanded.
var ErrEntity = errors.New("DOCTYPE with declarations is not allowed")

// ErrTooComplex is returned for documents nested deeper than MaxDepth or
// holding more than MaxElements elements.
var ErrTooComplex = errors.New("document too deeply nested or too large")

// limited hands out a document's tokens, refusing DOCTYPE declarations and
// stopping with ErrTooComplex once the document exceeds the limits. It is
// an xml.TokenReader, so that encoding/xml's struct decoding can run on it.
type limited struct {
	dec      *xml.Decoder
	depth    int
	elements int
	// replay is a start element to hand out again, already counted.
	replay *xml.StartElement
}

func newLimited(r io.Reader) *limited {
	dec := xml.NewDecoder(r)
	dec.Strict = true
	// Servers written for Thunderbird sometimes declare another encoding,
	// such as ISO-8859-1.
	dec.CharsetReader = charset.NewReaderLabel
	return &limited{dec: dec}
}

func (l *limited) Token() (xml.Token, error) {
	if t := l.replay; t != nil {
		l.replay = nil
		return *t, nil
	}
	tok, err := l.dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case xml.Directive:
		if bytes.Contains(t, []byte("[")) || bytes.Contains(t, []byte("ENTITY")) {
			return nil, ErrEntity
		}
	case xml.StartElement:
		l.depth++
		l.elements++
		if l.depth > MaxDepth {
			return nil, fmt.Errorf("%w: more than %d levels", ErrTooComplex, MaxDepth)
		}
		if l.elements > MaxElements {
			return nil, fmt.Errorf("%w: more than %d elements", ErrTooComplex, MaxElements)
		}
	case xml.EndElement:
		l.depth--
	}
	return tok, nil
}

func (l *limited) line() int {
	n, _ := l.dec.InputPos()
	return n
}

// root skips to the document's root element, which must be named name.
func (l *limited) root(name string) (xml.StartElement, error) {
	for {
		tok, err := l.Token()
		if err != nil {
			if err == io.EOF {
				return xml.StartElement{}, parseError(nil, i18n.ACDocNoElement, name)
			}
			return xml.StartElement{}, parseError(err, i18n.ACDocLine, strconv.Itoa(l.line()), err.Error())
		}
		if t, ok := tok.(xml.StartElement); ok {
			if t.Name.Local != name {
				return t, parseError(nil, i18n.ACDocRoot, strconv.Itoa(l.line()), safeName(t.Name.Local), name)
			}
			return t, nil
		}
	}
}

// decodeRoot decodes the document's root element, which must be named
// name, into v, within the limits.
func decodeRoot(r io.Reader, name string, v any) error {
	l := newLimited(r)
	start, err := l.root(name)
	if err != nil {
		return err
	}
	l.replay = &start
	if err := xml.NewTokenDecoder(l).Decode(v); err != nil {
		return parseError(err, i18n.ACDocLine, strconv.Itoa(l.line()), err.Error())
	}
	return nil
}

// node is one element of a parsed document.
type node struct {
	name     string
	attrs    []xml.Attr
	text     strings.Builder
	children []*node
}

// parseTree reads the document's root element, which must be named name,
// into a tree, within the limits.
func parseTree(r io.Reader, name string) (*node, error) {
	l := newLimited(r)
	start, err := l.root(name)
	if err != nil {
		return nil, err
	}
	root := &node{name: start.Name.Local, attrs: start.Attr}
	stack := []*node{root}
	for len(stack) > 0 {
		tok, err := l.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, parseError(err, i18n.ACDocLine, strconv.Itoa(l.line()), err.Error())
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local, attrs: t.Copy().Attr}
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if top.text.Len()+len(t) > maxText {
				return nil, parseError(nil, i18n.ACDocTooMuchText, strconv.Itoa(l.line()), safeName(top.name), strconv.Itoa(maxText))
			}
			top.text.Write(t)
		}
	}
	return root, nil
}

// first returns the first child named name, or nil.
func (n *node) first(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// all returns the children named name.
func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

// attr returns the attribute named name.
func (n *node) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// value returns an element's text, trimmed. An element that holds elements
// instead of text is not a value: it is an error, as in Thunderbird.
func (n *node) value() (string, error) {
	if len(n.children) > 0 {
		return "", &notTextError{safeName(n.name)}
	}
	return strings.TrimSpace(n.text.String()), nil
}

// field returns the text of the first child named name. ok is false when
// there is none.
func (n *node) field(name string) (v string, ok bool, err error) {
	c := n.first(name)
	if c == nil {
		return "", false, nil
	}
	v, err = c.value()
	return v, true, err
}

// safeName shows an element name from a document in a message. XML names
// hold no control characters, but they can be long.
func safeName(s string) string {
	return safetext.Line(s, 40)
}
