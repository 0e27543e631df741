//go:build unix

package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
)

// TestCtrlCDuringVerify sends a real SIGINT to popfind while it checks a
// server that accepted the connection and says nothing: it prints
// "popfind: interrupted" and nothing else (no check list, no failure, no
// diagnosis), with status 130. Both for verify and for --verify.
func TestCtrlCDuringVerify(t *testing.T) {
	t.Parallel()
	// popfind is this test binary under that name (testscript puts it on
	// PATH), which runs the command as main does, Ctrl-C included.
	bin, err := exec.LookPath("popfind")
	if err != nil {
		t.Fatal(err)
	}
	d := testnet.NewDNS(t)
	ip := testnet.IP()
	d.Host(t, ip, "pop.sigint.example")
	var accepted atomic.Int32
	ln := testnet.Listen(t, ip, 0)
	testnet.ServeRaw(t, ln, func(c net.Conn) {
		accepted.Add(1)
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	})
	port := ln.Addr().(*net.TCPAddr).Port
	d.Add(t, fmt.Sprintf("_pop3s._tcp.sigint.example. 60 IN SRV 0 0 %d pop.sigint.example.", port))
	for _, args := range [][]string{
		{"verify", fmt.Sprintf("pop.sigint.example:%d", port)},
		{"--verify", "--sources", "srv", "--protocol", "pop3", "someone@sigint.example"},
	} {
		before := accepted.Load()
		cmd := exec.Command(bin, append(args, "--dns", d.Addr, "--timeout", "30s")...)
		cmd.Env = append(os.Environ(), "NO_COLOR=1", "LANG=C", "LC_ALL=", "POPFIND_LANG=")
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for accepted.Load() == before && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // into the TLS handshake
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err = <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: popfind ignored SIGINT during a check", args)
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 {
			t.Errorf("%v: exit %v; want status 130", args, err)
		}
		if stdout.String() != "" || stderr.String() != "popfind: interrupted\n" {
			t.Errorf("%v:\nstdout %q\nstderr %q\nwant nothing but \"popfind: interrupted\" on standard error", args, stdout.String(), stderr.String())
		}
	}
}
