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
// message). A nested message's arguments may hold nested messages in turn
// (a reason that lists the reasons of sections): frames are balanced.
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
		b.WriteString(balanced(a))
	}
	b.WriteString(nestEnd)
	return b.String()
}

// balanced returns a with its frames kept when they are well formed
// (what Nest made), and every framing character removed otherwise.
func balanced(a string) string {
	depth := 0
	for i := 0; i < len(a); i++ {
		switch a[i] {
		case nestStart[0]:
			depth++
		case nestEnd[0]:
			depth--
		case nestSep[0]:
			if depth == 0 {
				depth = -1
			}
		}
		if depth < 0 {
			break
		}
	}
	if depth == 0 {
		return a
	}
	return strings.NewReplacer(nestStart, "", nestSep, "", nestEnd, "").Replace(a)
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
		// The frame's end, and its separators at its own depth.
		end, depth := -1, 0
		var seps []int
		for k := i; k < len(arg) && end < 0; k++ {
			switch arg[k] {
			case nestStart[0]:
				depth++
			case nestEnd[0]:
				depth--
				if depth == 0 {
					end = k
				}
			case nestSep[0]:
				if depth == 1 {
					seps = append(seps, k)
				}
			}
		}
		if end < 0 {
			b.WriteString(arg[:i])
			b.WriteString(strings.NewReplacer(nestStart, "", nestSep, "", nestEnd, "").Replace(arg[i:]))
			return b.String()
		}
		b.WriteString(arg[:i])
		var parts []string
		from := i + len(nestStart)
		for _, k := range seps {
			parts = append(parts, arg[from:k])
			from = k + len(nestSep)
		}
		parts = append(parts, arg[from:end])
		b.WriteString(l.Format(Msg{Key: parts[0], Args: parts[1:]}))
		arg = arg[end+len(nestEnd):]
	}
}
