package app

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
)

// runVerify runs popfind with args and --dns pointing at the test DNS
// server d, and returns the exit status and what went to each stream.
func runVerify(t *testing.T, ctx context.Context, d *testnet.DNS, args ...string) (int, string, string) {
	t.Helper()
	return runArgs(t, ctx, append(append([]string{"popfind"}, args...), "--dns", d.Addr)...)
}

func runArgs(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errw syncBuffer
	code := Run(ctx, args, IO{
		In: strings.NewReader(""), Out: &out, Err: &errw, Dial: testnet.Dial,
		Getenv: func(k string) string { return map[string]string{"LANG": "C", "NO_COLOR": "1"}[k] },
	})
	return code, out.String(), errw.String()
}

// TestVerifyReportIsWhole: verify writes its whole report, the verdict and
// the hint included, to standard output, so that `verify … > report.txt`
// keeps it all; standard error stays empty. The verdict names the
// protocol, in either language.
func TestVerifyReportIsWhole(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	ip := testnet.IP()
	d.Host(t, ip, "pop.report.example")
	wrong := (&testnet.POP3{Greeting: "220 smtp.report.example ESMTP"}).Listen(t, ip, 0)
	good := (&testnet.POP3{}).Listen(t, ip, 0)

	code, stdout, stderr := runVerify(t, context.Background(), d, "verify", "--plain", fmt.Sprintf("pop.report.example:%d", wrong))
	if code != ExitVerify || stderr != "" {
		t.Errorf("exit %d, stderr %q; want 3 and nothing on standard error", code, stderr)
	}
	for _, want := range []string{
		"Check POP3 pop.report.example:",
		"✗ POP3 greeting",
		"\nthe POP3 server failed the check: the server does not speak POP3: it said \"220 smtp.report.example ESMTP\"\n",
		"\nhint: Check the host and port: whatever answers there does not speak POP3.\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("standard output lacks %q:\n%s", want, stdout)
		}
	}

	code, stdout, stderr = runVerify(t, context.Background(), d, "verify", "--lang", "zh", "--plain", fmt.Sprintf("pop.report.example:%d", wrong))
	if code != ExitVerify || stderr != "" || !strings.Contains(stdout, "\nPOP3 服务器检查未通过：该服务器不使用 POP3 协议") || !strings.Contains(stdout, "\n建议：") {
		t.Errorf("Chinese: exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}

	code, stdout, stderr = runVerify(t, context.Background(), d, "verify", "--plain", fmt.Sprintf("pop.report.example:%d", good))
	if code != ExitOK || stderr != "" || !strings.Contains(stdout, "\nthe POP3 server passed the check\nWarning: checked in plain text") {
		t.Errorf("pass: exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
}

// TestVerifyFlagVerdictPerProtocol: with --verify and several protocols,
// each protocol's verdict follows its own check list and names the
// protocol; a failure's problem and hint stay in that block, on standard
// output. The report names the certificate name that matched, and an SMTP
// server without AUTH passes with its warning.
func TestVerifyFlagVerdictPerProtocol(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ip := testnet.IP()
	w.dns.Host(t, ip, "pop.blocks.example", "smtp.blocks.example")
	pop := (&testnet.POP3{Greeting: "* OK IMAP here"}).Listen(t, ip, 0)
	cert := w.ca.Leaf(t, time.Now().Add(30*24*time.Hour), "*.blocks.example")
	relay := &testnet.SMTP{TLS: true, Cert: &cert, NoAuth: true}
	smtp := relay.Listen(t, ip, 0)
	w.dns.Add(t,
		fmt.Sprintf("_pop3._tcp.blocks.example. 60 IN SRV 0 0 %d pop.blocks.example.", pop),
		fmt.Sprintf("_submissions._tcp.blocks.example. 60 IN SRV 0 0 %d smtp.blocks.example.", smtp),
	)
	o := w.options(t)
	o.json, o.verify, o.sources = false, true, []string{"srv"}
	o.protocols = []lookup.Protocol{lookup.POP3, lookup.SMTP}
	f := finder(t, o)
	var out, errw bytes.Buffer
	b := &batch{opts: o, finder: f, verify: verifier(f, o), out: &out, errw: &errw}
	code, err := b.run(context.Background(), &inputs{args: []string{"someone@blocks.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if code != ExitVerify || errw.Len() != 0 {
		t.Errorf("exit %d, stderr %q; want 3, and nothing on standard error", code, errw.String())
	}
	s := out.String()
	popAt, popVerdict := strings.Index(s, "Check POP3 pop.blocks.example"), strings.Index(s, "\nthe POP3 server failed the check: the server does not speak POP3")
	hintAt := strings.Index(s, "\nhint: Check the host and port")
	smtpAt, smtpVerdict := strings.Index(s, "Check SMTP smtp.blocks.example"), strings.Index(s, "\nthe SMTP server passed the check\n")
	if popAt < 0 || popVerdict < popAt || hintAt < popVerdict || smtpAt < hintAt || smtpVerdict < smtpAt {
		t.Errorf("want the POP3 block, its verdict and hint, then the SMTP block and its verdict:\n%s", s)
	}
	if !strings.Contains(s, "certificate name *.blocks.example matches smtp.blocks.example") {
		t.Errorf("the matched certificate name is not shown:\n%s", s)
	}
	if smtpVerdict < 0 || !strings.Contains(s[smtpVerdict:], "Warning: the server offers no AUTH, even over TLS: nobody can log in to send") {
		t.Errorf("no warning that nobody can log in to send:\n%s", s)
	}
	if a := relay.Abuses(); len(a) > 0 {
		t.Errorf("the SMTP server saw %v", a)
	}
}

// TestVerifyInterrupted: Ctrl-C during a check prints "interrupted" and
// nothing else: no check list, no failure, no diagnosis; the status is 130.
// Both for verify and for a lookup with --verify, in text and in JSON.
func TestVerifyInterrupted(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	ip := testnet.IP()
	d.Host(t, ip, "pop.hang.example")
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
	d.Add(t, fmt.Sprintf("_pop3s._tcp.hang.example. 60 IN SRV 0 0 %d pop.hang.example.", port))
	for _, args := range [][]string{
		{"verify", "--timeout", "30s", fmt.Sprintf("pop.hang.example:%d", port)},
		{"verify", "--timeout", "30s", "--json", fmt.Sprintf("pop.hang.example:%d", port)},
		{"verify", "--timeout", "30s", "--plain", fmt.Sprintf("pop.hang.example:%d", port)},
		{"--verify", "--timeout", "30s", "--sources", "srv", "--protocol", "pop3", "someone@hang.example"},
		{"--verify", "--timeout", "30s", "--sources", "srv", "--protocol", "pop3", "--json", "someone@hang.example"},
		{"--verify", "--timeout", "30s", "--sources", "srv", "--protocol", "pop3", "--lang", "zh", "someone@hang.example"},
	} {
		before := accepted.Load()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		var code int
		var stdout, stderr string
		go func() {
			defer close(done)
			code, stdout, stderr = runVerify(t, ctx, d, args...)
		}()
		deadline := time.Now().Add(10 * time.Second)
		for accepted.Load() == before && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // into the TLS handshake or the greeting
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%v: Run did not return after the interrupt", args)
		}
		want := "popfind: interrupted\n"
		if strings.Contains(strings.Join(args, " "), "zh") {
			want = "popfind：已中断\n"
		}
		if code != ExitInterrupted || stdout != "" || stderr != want {
			t.Errorf("%v: exit %d\nstdout %q\nstderr %q\nwant 130, nothing on standard output, and %q", args, code, stdout, stderr, want)
		}
	}
}

// TestVerifyInputChecks: verify given an address suggests the lookup that
// checks its servers; given a URL, the verify command that checks it. Both
// are usage errors (status 2) in the user's language, found before any
// network traffic.
func TestVerifyInputChecks(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", "someone@gmail.com"}, "popfind: verify checks a server by its host name, not an email address; to find and check the servers of someone@gmail.com, run: popfind someone@gmail.com --verify\n"},
		{[]string{"verify", "--lang", "zh", "someone@gmail.com"}, "popfind：verify 按主机名检查服务器，而不是邮箱地址；要查找并检查 someone@gmail.com 的服务器，请运行：popfind someone@gmail.com --verify\n"},
		{[]string{"verify", "o'neil&co@example.com"}, "run: popfind 'o'\\''neil&co@example.com' --verify\n"},
		{[]string{"verify", "pops://pop.example.com"}, "popfind: verify takes HOST[:PORT], not a URL; for \"pops://pop.example.com\", run: popfind verify pop.example.com --ssl\n"},
		{[]string{"verify", "--lang", "zh", "pops://pop.example.com"}, "popfind：verify 只接受 主机[:端口]，不接受 URL；对于 \"pops://pop.example.com\"，请运行：popfind verify pop.example.com --ssl\n"},
		{[]string{"verify", "imap://user@IMAP.example.com:143/INBOX"}, "run: popfind verify imap.example.com:143 --protocol imap --starttls\n"},
		{[]string{"verify", "submissions://smtp.example.com"}, "run: popfind verify smtp.example.com --protocol smtp --ssl\n"},
		{[]string{"verify", "https://mail.example.com/"}, "run: popfind verify mail.example.com\n"},
		{[]string{"verify", "pops://"}, "popfind: verify takes HOST[:PORT], not a URL: \"pops://\"\n"},
		{[]string{"verify", "pops://bad_host!/"}, "not a URL: \"pops://bad_host!/\"\n"},
	} {
		code, stdout, stderr := runVerify(t, context.Background(), d, tt.args...)
		if code != ExitUsage || stdout != "" || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d stdout %q\nstderr %q\nwant 2 and %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
	if n := d.Queries(); n != 0 {
		t.Errorf("%d DNS queries; a usage error sends none", n)
	}
}

// TestVerifyDNSHints: a name that does not resolve gets a hint about its
// spelling when the user typed it, and about DNS when it came from
// popfind's sources; a DNS server that fails gets a hint about DNS
// (--dns) either way, never about spelling.
func TestVerifyDNSHints(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.dns.ServFail("pop.servfail.example")
	w.dns.Add(t,
		"_pop3s._tcp.gone.example. 60 IN SRV 0 0 995 pop.gone.example.",
		"_pop3s._tcp.broken.example. 60 IN SRV 0 0 995 pop.servfail.example.",
	)
	code, stdout, stderr := runVerify(t, context.Background(), w.dns, "verify", "pop.typo.example")
	if code != ExitVerify || stderr != "" || !strings.Contains(stdout, "hint: Check the spelling of the server name") {
		t.Errorf("typed name: exit %d stderr %q stdout:\n%s", code, stderr, stdout)
	}
	code, stdout, _ = runVerify(t, context.Background(), w.dns, "verify", "pop.servfail.example")
	if code != ExitVerify || !strings.Contains(stdout, "could not answer for pop.servfail.example (SERVFAIL)") || !strings.Contains(stdout, "--dns") || strings.Contains(stdout, "spelling") {
		t.Errorf("SERVFAIL: exit %d stdout:\n%s", code, stdout)
	}

	o := w.options(t)
	o.json, o.verify, o.sources = false, true, []string{"srv"}
	o.protocols = []lookup.Protocol{lookup.POP3}
	f := finder(t, o)
	for addr, want := range map[string]string{
		"someone@gone.example":   "hint: popfind found this name through its sources, so a typo is unlikely: the DNS server in use may be failing or filtering it (try another with --dns)",
		"someone@broken.example": "hint: The DNS server or the domain's own name servers are failing; try again later, or another DNS server with --dns.",
	} {
		var out, errw bytes.Buffer
		b := &batch{opts: o, finder: f, verify: verifier(f, o), out: &out, errw: &errw}
		code, err := b.run(context.Background(), &inputs{args: []string{addr}})
		if err != nil {
			t.Fatal(err)
		}
		if code != ExitVerify || errw.Len() != 0 || !strings.Contains(out.String(), want) || strings.Contains(out.String(), "spelling") {
			t.Errorf("%s: exit %d stderr %q stdout:\n%s\nwant %q", addr, code, errw.String(), out.String(), want)
		}
	}
}

// TestVerifyTopLevelFlags: flags given before "verify" count, though verify
// has flags of the same names: --dns, --timeout and --json.
func TestVerifyTopLevelFlags(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	ip := testnet.IP()
	d.Host(t, ip, "pop.flags.example")
	port := (&testnet.POP3{}).Listen(t, ip, 0)
	code, stdout, stderr := runArgs(t, context.Background(), "popfind", "--dns", d.Addr, "--json", "--timeout", "3s", "verify", "--plain", fmt.Sprintf("pop.flags.example:%d", port))
	if code != ExitOK || stderr != "" || !strings.HasPrefix(stdout, `{"ok":true,"protocol":"pop3","host":"pop.flags.example"`) {
		t.Errorf("exit %d stderr %q stdout %q", code, stderr, stdout)
	}
	code, _, stderr = runArgs(t, context.Background(), "popfind", "--timeout", "0s", "verify", "pop.flags.example")
	if code != ExitUsage || !strings.Contains(stderr, "--timeout") {
		t.Errorf("--timeout 0s before verify: exit %d stderr %q", code, stderr)
	}
}
