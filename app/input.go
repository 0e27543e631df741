package app

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxLine caps one input line; a longer line is reported as invalid and
// skipped without being held in memory.
const maxLine = 4096

// errLineTooLong marks an input line over maxLine.
var errLineTooLong = fmt.Errorf("line longer than %d bytes", maxLine)

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

// next returns the next address, or io.EOF. A line that cannot be used comes
// back as text with an error, so that it gets its own failed result.
func (s *inputs) next() (string, error) {
	for {
		if s.reading {
			line, err := s.readLine()
			if err == io.EOF {
				s.reading = false
				continue
			}
			if err != nil && !errors.Is(err, errLineTooLong) {
				return "", err
			}
			s.line++
			if errors.Is(err, errLineTooLong) {
				return fmt.Sprintf("<stdin line %d>", s.line), err
			}
			line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			return line, nil
		}
		if len(s.args) == 0 {
			return "", io.EOF
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
		return arg, nil
	}
}

// readLine reads one line without its end, holding at most maxLine bytes of
// it; the rest of an overlong line is discarded.
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
				b = nil
			} else {
				b = append(b, chunk...)
			}
		}
		if !isPrefix {
			break
		}
	}
	if tooLong {
		return "", errLineTooLong
	}
	return string(b), nil
}
