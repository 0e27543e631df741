package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkQuickAnswer is the wall time of a built-in answer, from starting
// the command to its exit: "popfind someone@gmail.com", no network. It builds
// popfind and an empty Go program (func main() {}) the same way, runs them
// in turn, and reports the time of each and their ratio:
//
//	ms/answer, ms/empty, x-empty              the medians and their ratio
//	p10-ms/answer, p10-ms/empty, p10-x-empty  the 10th percentiles
//
// On a machine busy with other work the low percentile moves least. Two
// builds are measured:
//
//	go-build       plain go build, as go install does (cgo on where a C
//	               compiler is found, so popfind links libc dynamically)
//	static-nodocs  CGO_ENABLED=0 -tags urfave_cli_no_docs: no libc, and
//	               urfave/cli without its Markdown and man-page renderer
//	               (popfind writes its manual page itself), whose package
//	               initialisation is a tenth of the start
//
// It asserts no timing: the figures are for README's table.
func BenchmarkQuickAnswer(b *testing.B) {
	for _, v := range []struct {
		name  string
		env   []string
		flags []string
	}{
		{"go-build", nil, nil},
		{"static-nodocs", []string{"CGO_ENABLED=0"}, []string{"-tags", "urfave_cli_no_docs"}},
	} {
		b.Run(v.name, func(b *testing.B) {
			// With b.Loop this function runs once: the builds are not timed.
			popfind, empty := buildStartup(b, v.env, v.flags)
			benchStartup(b, popfind, empty)
		})
	}
}

// buildStartup builds popfind and an empty program into a temporary
// directory with the same environment and flags.
func buildStartup(b *testing.B, env, flags []string) (popfind, empty string) {
	b.Helper()
	dir := b.TempDir()
	popfind = filepath.Join(dir, "popfind")
	goBuild(b, ".", append(os.Environ(), env...), flags, popfind)
	// The empty program's module names popfind's Go version: the language
	// version chooses the runtime's GODEBUG defaults.
	src := filepath.Join(dir, "empty")
	if err := os.Mkdir(src, 0o755); err != nil {
		b.Fatal(err)
	}
	files := map[string]string{
		"go.mod":  "module example.com/empty\n\ngo " + goVersion(b) + "\n",
		"main.go": "package main\n\nfunc main() {}\n",
	}
	for f, text := range files {
		if err := os.WriteFile(filepath.Join(src, f), []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	empty = filepath.Join(dir, "empty-program")
	goBuild(b, src, append(os.Environ(), append(env, "GOWORK=off", "GOFLAGS=-mod=mod")...), flags, empty)
	return popfind, empty
}

func goBuild(b *testing.B, dir string, env, flags []string, out string) {
	b.Helper()
	cmd := exec.Command("go", append(append([]string{"build"}, flags...), "-o", out, ".")...)
	cmd.Dir, cmd.Env = dir, env
	if text, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build in %s: %v\n%s", dir, err, text)
	}
}

// goVersion is the go directive of popfind's go.mod.
func goVersion(b *testing.B) string {
	b.Helper()
	f, err := os.Open("go.mod")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "go "); ok {
			return strings.TrimSpace(v)
		}
	}
	b.Fatal("go.mod has no go directive")
	return ""
}

func benchStartup(b *testing.B, popfind, empty string) {
	// English, no colour, not a terminal, no POPFIND_* settings: the plain
	// default answer.
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "POPFIND_") || slices.Contains([]string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE", "COLUMNS", "NO_COLOR"}, name) {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "LC_ALL=C")
	args := []string{"someone@gmail.com"}

	// It must be the built-in answer, and nothing else.
	check := exec.Command(popfind, args...)
	check.Env = env
	var stderr strings.Builder
	check.Stderr = &stderr
	out, err := check.Output()
	if err != nil || stderr.Len() > 0 || !strings.Contains(string(out), "pop.gmail.com") || !strings.Contains(string(out), "builtin") {
		b.Fatalf("popfind %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, stderr.String())
	}

	devNull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devNull.Close()
	run := func(bin string, args ...string) time.Duration {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Stdin, cmd.Stdout, cmd.Stderr = devNull, devNull, devNull
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		if err != nil {
			b.Fatalf("%s: %v", bin, err)
		}
		return d
	}
	var answers, empties []time.Duration
	// In turn, so that both see the same load.
	for b.Loop() {
		empties = append(empties, run(empty))
		answers = append(answers, run(popfind, args...))
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	a50, e50 := percentile(answers, 50), percentile(empties, 50)
	a10, e10 := percentile(answers, 10), percentile(empties, 10)
	b.ReportMetric(0, "ns/op") // the pair's time says nothing
	b.ReportMetric(ms(a50), "ms/answer")
	b.ReportMetric(ms(e50), "ms/empty")
	b.ReportMetric(float64(a50)/float64(e50), "x-empty")
	b.ReportMetric(ms(a10), "p10-ms/answer")
	b.ReportMetric(ms(e10), "p10-ms/empty")
	b.ReportMetric(float64(a10)/float64(e10), "p10-x-empty")
}

// percentile is the p-th percentile of ds (nearest rank).
func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	if i > 0 {
		i--
	}
	return s[i]
}
