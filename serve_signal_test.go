package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeSIGTERM sends a real SIGTERM to popfind serve, as systemd and
// docker stop do: it prints its URL, answers, and on the signal stops and
// exits with status 0, saying nothing of an interruption.
func TestServeSIGTERM(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "popfind")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--offline", "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "LANG=C")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	r := bufio.NewReader(stderr)
	line, err := r.ReadString('\n')
	m := regexp.MustCompile(`^popfind: serving on (http://127\.0\.0\.1:\d+/)\n$`).FindStringSubmatch(line)
	if err != nil || m == nil {
		t.Fatalf("first line %q, %v", line, err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	resp, err := client.Get(m[1] + "api/v1/lookup?address=someone@gmail.com")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("lookup: %d", resp.StatusCode)
	}
	rest := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		rest <- string(b)
	}()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Standard error ends when the process does; only then may Wait
	// close the pipe.
	var log string
	select {
	case log = <-rest:
	case <-time.After(15 * time.Second):
		t.Fatal("popfind serve ignored SIGTERM")
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v; want status 0", err)
	}
	if !strings.Contains(log, "domain=gmail.com") || !strings.Contains(log, "msg=stopping") || strings.Contains(log, "interrupted") {
		t.Errorf("stderr after the URL: %q", log)
	}
}
