package app

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/popfind/popfind/i18n"
)

// maxLine caps one input line; a longer line is reported as invalid and
// skipped without being held in memory.
const maxLine = 4096

// lineHead is how much of an overlong line is kept to name it.
const lineHead = 40

// errLineTooLong marks an input line over maxLine.
var errLineTooLong = fmt.Errorf("line longer than %d bytes", maxLine)

// item is one input of a run: an argument, or a line of standard input.
type item struct {
	// text is the address as given. For an overlong line it is the line's
	// beginning, ending in "…"; for a line that is not UTF-8 but holds an
	// ASCII address in angle brackets, that address.
	text string
	// line is the line of standard input, counted from 1; 0 for an
	// argument.
	line int
	// err is errLineTooLong for an overlong line.
	err error
	// notUTF8 says that the line was not UTF-8 (a GBK display name, say)
	// and that text is the address in its angle brackets.
	notUTF8 bool
}

// inputs yields the addresses of a run in order: the arguments, with "-"
// standing for the lines of standard input.
type inputs struct {
	args []string
	in   io.Reader
	br   *bufio.Reader
	// reading is true while the lines of standard input are being read.
	reading bool
	line    int
}

// next returns the next input, or io.EOF. A line that cannot be used comes
// back with its err set, so that it gets its own failed result.
func (s *inputs) next() (item, error) {
	for {
		if s.reading {
			line, err := s.readLine()
			if err == io.EOF {
				s.reading = false
				continue
			}
			if err != nil && !errors.Is(err, errLineTooLong) {
				return item{}, err
			}
			s.line++
			if err != nil {
				return item{text: line, line: s.line, err: err}, nil
			}
			line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if !utf8.ValidString(line) {
				if addr, ok := asciiAngle(line); ok {
					return item{text: addr, line: s.line, notUTF8: true}, nil
				}
			}
			return item{text: line, line: s.line}, nil
		}
		if len(s.args) == 0 {
			return item{}, io.EOF
		}
		arg := s.args[0]
		s.args = s.args[1:]
		if arg == "-" {
			if s.br == nil {
				s.br = bufio.NewReaderSize(s.in, 64*1024)
			}
			s.reading = true
			continue
		}
		return item{text: arg}, nil
	}
}

// asciiAngle returns the address of a "Name <address>" line whose name is
// in another encoding than UTF-8 (GBK, Big5, Shift JIS): what is between
// the last angle brackets, which end the line, when it is printable ASCII.
// No byte of those encodings' multibyte characters is an angle bracket.
func asciiAngle(line string) (string, bool) {
	if !strings.HasSuffix(line, ">") {
		return "", false
	}
	i := strings.LastIndexByte(line, '<')
	if i < 0 {
		return "", false
	}
	inner := strings.TrimSpace(line[i+1 : len(line)-1])
	if inner == "" {
		return "", false
	}
	for j := 0; j < len(inner); j++ {
		if c := inner[j]; c <= ' ' || c > '~' || c == '<' || c == '>' {
			return "", false
		}
	}
	return inner, true
}

// readLine reads one line without its end, holding at most maxLine bytes of
// it; the rest of an overlong line is discarded, and the line comes back as
// its first lineHead bytes (cut to whole characters) and "…", with
// errLineTooLong.
func (s *inputs) readLine() (string, error) {
	var b []byte
	tooLong := false
	for {
		chunk, isPrefix, err := s.br.ReadLine()
		if err != nil {
			if err == io.EOF && (len(b) > 0 || tooLong) {
				break
			}
			return "", err
		}
		if !tooLong {
			if len(b)+len(chunk) > maxLine {
				tooLong = true
				b = append(b, chunk[:min(len(chunk), max(0, lineHead-len(b)))]...)
				b = b[:min(len(b), lineHead)]
			} else {
				b = append(b, chunk...)
			}
		}
		if !isPrefix {
			break
		}
	}
	if tooLong {
		return head(string(b)), errLineTooLong
	}
	return string(b), nil
}

// head returns s, the beginning of a line, without a character cut short
// at its end, and "…".
func head(s string) string {
	for k := 1; k < utf8.UTFMax && k <= len(s); k++ {
		if utf8.RuneStart(s[len(s)-k]) {
			if !utf8.FullRuneInString(s[len(s)-k:]) {
				s = s[:len(s)-k]
			}
			break
		}
	}
	return strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")) + "…"
}

// lineLabel names line n of standard input before a message about it
// ("line 3: "), or is empty for an argument (n 0).
func lineLabel(n int, lang i18n.Lang) string {
	if n <= 0 {
		return ""
	}
	return lang.Sprintf(i18n.LblLine, strconv.Itoa(n)) + lang.Colon()
}
