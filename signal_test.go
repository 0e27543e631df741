package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCtrlC sends a real SIGINT to popfind while it waits on standard
// input: it stops at once with status 130, says no "context canceled", and
// the line it already wrote is complete.
func TestCtrlC(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT on Windows")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "popfind")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--offline", "--json", "-")
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := stdin.Write([]byte("someone@gmail.com\n")); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stdout)
	line, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, `{"address":"someone@gmail.com"`) || !strings.HasSuffix(line, "}\n") {
		t.Fatalf("first line %q, %v", line, err)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() {
		rest, _ := r.ReadString(0)
		if rest != "" {
			t.Errorf("more output after the interrupt: %q", rest)
		}
		exited <- cmd.Wait()
	}()
	select {
	case err = <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("popfind ignored SIGINT while reading standard input")
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("exit: %v; want status 130", err)
	}
	if strings.Contains(stderr.String(), "context canceled") {
		t.Errorf("stderr: %q", stderr.String())
	}
	t.Logf("stopped %v after SIGINT; stderr %q", time.Since(sent).Round(time.Millisecond), stderr.String())
}
