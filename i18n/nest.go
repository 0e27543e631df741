package i18n

import "strings"

// A message's arguments are strings, but some are messages themselves: the
// reasons a combined reason lists ("no Autodiscover endpoint gave settings
// (…; …)"). Nest turns such a message into an argument that is formatted in
// the language of the message it is an argument of, so that a Chinese
// reason never carries English inside.
//
// A nested message is framed by control characters, which no text from the
// network keeps (every such text is cleaned of them before it reaches a
// message). Nested messages do not nest further.
const (
	nestStart = "\x02"
	nestSep   = "\x1f"
	nestEnd   = "\x03"
)

// Nest returns m as an argument of another message.
func Nest(m Msg) string {
	var b strings.Builder
	b.WriteString(nestStart)
	b.WriteString(m.Key)
	for _, a := range m.Args {
		b.WriteString(nestSep)
		b.WriteString(strings.NewReplacer(nestStart, "", nestSep, "", nestEnd, "").Replace(a))
	}
	b.WriteString(nestEnd)
	return b.String()
}

// expandNested formats, in l, every nested message in arg.
func (l Lang) expandNested(arg string) string {
	if !strings.Contains(arg, nestStart) {
		return arg
	}
	var b strings.Builder
	for {
		i := strings.Index(arg, nestStart)
		if i < 0 {
			b.WriteString(arg)
			return b.String()
		}
		j := strings.Index(arg[i:], nestEnd)
		if j < 0 {
			b.WriteString(arg[:i])
			b.WriteString(strings.ReplaceAll(arg[i:], nestStart, ""))
			return b.String()
		}
		b.WriteString(arg[:i])
		parts := strings.Split(arg[i+len(nestStart):i+j], nestSep)
		b.WriteString(l.Format(Msg{Key: parts[0], Args: parts[1:]}))
		arg = arg[i+j+len(nestEnd):]
	}
}
