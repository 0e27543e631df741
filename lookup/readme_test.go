package lookup_test

import (
	"bufio"
	"bytes"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// readmeSection is the heading of README's section on the library.
const readmeSection = "## Use it from Go"

// TestREADMELibraryExample builds every Go block of README's library
// section, as written, in a module of its own that imports this repository
// through a replace directive, and vets it: each block is a whole program,
// so an example that no longer matches the API fails here. The programs are
// built, not run: they look up real domains.
func TestREADMELibraryExample(t *testing.T) {
	t.Parallel()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := goBlocks(string(readme), readmeSection)
	if err != nil {
		t.Fatal(err)
	}
	modFile, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/readme\n\n" + goDirective(string(modFile)) +
			"\nrequire github.com/popfind/popfind v0.0.0\n\n" +
			"replace github.com/popfind/popfind => " + repo + "\n",
		"go.sum": string(sum),
	}
	for i, b := range blocks {
		name := filepath.Join(fmt.Sprintf("example%d", i+1), "main.go")
		files[name] = b.code
		if src, err := format.Source([]byte(b.code)); err == nil && !bytes.Equal(src, []byte(b.code)) {
			t.Errorf("README.md:%d: the example is not gofmt-formatted", b.line)
		}
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Everything the examples need is in the module cache already: no
	// download, no network.
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	for _, args := range [][]string{{"build", "-o", os.DevNull, "./..."}, {"vet", "./..."}} {
		cmd := exec.Command(goCmd, args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s of README's library examples: %v\n%s%s", args[0], err, out, listing(blocks))
		}
	}
}

// block is one fenced Go block and the README line its code starts on.
type block struct {
	line int
	code string
}

// goBlocks returns the ```go blocks of the section under heading, which
// ends at the next heading of the same level.
func goBlocks(md, heading string) ([]block, error) {
	var blocks []block
	var cur *strings.Builder
	start, in := 0, false
	level := strings.SplitN(heading, " ", 2)[0] + " "
	sc := bufio.NewScanner(strings.NewReader(md))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case !in && line == heading:
			in = true
		case !in:
		case cur == nil && strings.HasPrefix(line, level):
			in = false
		case cur == nil && strings.TrimSpace(line) == "```go":
			cur, start = &strings.Builder{}, n+1
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, block{line: start, code: cur.String()})
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	switch {
	case cur != nil:
		return nil, fmt.Errorf("README.md:%d: unterminated code block", start-1)
	case len(blocks) == 0:
		return nil, fmt.Errorf("README.md: no Go block under %q", heading)
	}
	return blocks, nil
}

// goDirective returns the go line of a go.mod file.
func goDirective(mod string) string {
	for _, l := range strings.Split(mod, "\n") {
		if strings.HasPrefix(l, "go ") {
			return l + "\n"
		}
	}
	return ""
}

// listing numbers the blocks' lines as README does, for the error output.
func listing(blocks []block) string {
	var b strings.Builder
	for i, bl := range blocks {
		fmt.Fprintf(&b, "example%d/main.go is README.md from line %d\n", i+1, bl.line)
	}
	return b.String()
}
