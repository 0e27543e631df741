package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
)

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errw bytes.Buffer
	code = Run(context.Background(), append([]string{"popfind"}, args...), IO{
		In: strings.NewReader(stdin), Out: &out, Err: &errw,
		Getenv: func(k string) string { return map[string]string{"LANG": "C", "NO_COLOR": "1"}[k] },
	})
	return code, out.String(), errw.String()
}

// TestManPageUpToDate fails when docs/popfind.1 no longer matches the
// command definition. Regenerate it with: go run . man > docs/popfind.1
func TestManPageUpToDate(t *testing.T) {
	t.Parallel()
	code, got, stderr := run(t, "", "man")
	if code != 0 {
		t.Fatalf("popfind man: exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join("..", "docs", "popfind.1"))
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Error("docs/popfind.1 is stale; regenerate it with: go run . man > docs/popfind.1")
	}
	for _, s := range []string{".TH popfind 1", `\fB\-\-verify\fR`, `\fB\-\-sources\fR \fILIST\fR`, ".SS providers", ".SS verify", ".SH EXIT STATUS", ".SH ENVIRONMENT", "POPFIND_TIMEOUT", ".nf\nExamples:"} {
		if !strings.Contains(got, s) {
			t.Errorf("man page lacks %q", s)
		}
	}
}

// TestInvalidAddressesCauseNoTraffic checks that every invalid class exits
// 2 before any DNS query, with every network source enabled.
func TestInvalidAddressesCauseNoTraffic(t *testing.T) {
	t.Parallel()
	d := testnet.NewDNS(t)
	bad := []string{"nobody", "a@b@c.example", "@example.com", "a@[192.0.2.1]", "a@exa_mple.com",
		"a@-x.example", "a@x..example", "a@" + strings.Repeat("x", 64) + ".example", "a b@example.com"}
	for _, addr := range bad {
		code, stdout, stderr := run(t, "", "--dns", d.Addr, "--json", addr)
		if code != ExitUsage {
			t.Errorf("%q: exit %d, want 2", addr, code)
		}
		if !strings.Contains(stdout, `"found":false`) || !strings.Contains(stdout, `"error":"invalid address`) || stderr != "" {
			t.Errorf("%q: stdout %q stderr %q", addr, stdout, stderr)
		}
	}
	if n := d.Queries(); n != 0 {
		t.Errorf("%d DNS queries for invalid addresses; want none", n)
	}
}

func TestReorder(t *testing.T) {
	t.Parallel()
	a := newApp(IO{}, new(int), i18n.English)
	tests := []struct{ in, want string }{
		{"popfind a@b.c --json", "popfind --json a@b.c"},
		{"popfind a@b.c --timeout 3s x@y.z", "popfind --timeout 3s a@b.c x@y.z"},
		{"popfind --dns 127.0.0.1 a@b.c", "popfind --dns 127.0.0.1 a@b.c"},
		{"popfind - --offline", "popfind --offline -"},
		{"popfind --json providers qq --csv", "popfind --json providers --csv qq"},
		{"popfind verify host:110 --starttls --timeout 2s", "popfind verify --starttls --timeout 2s host:110"},
		{"popfind a@b.c -- --json", "popfind a@b.c -- --json"},
		{"popfind --ti --generate-bash-completion", "popfind --ti --generate-bash-completion"},
	}
	for _, tt := range tests {
		got := strings.Join(reorder(a, strings.Fields(tt.in)), " ")
		if got != tt.want {
			t.Errorf("reorder(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExitStatusRanking(t *testing.T) {
	t.Parallel()
	tests := []struct{ a, b, want int }{
		{ExitOK, ExitNotFound, ExitNotFound},
		{ExitNotFound, ExitVerify, ExitVerify},
		{ExitVerify, ExitUsage, ExitUsage},
		{ExitUsage, ExitNotFound, ExitUsage},
	}
	for _, tt := range tests {
		if got := worse(tt.a, tt.b); got != tt.want {
			t.Errorf("worse(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestBatchInputLimits(t *testing.T) {
	t.Parallel()
	in := "a@gmail.com\n" + strings.Repeat("x", 100000) + "\n\n# comment\nb@qq.com\r\n"
	code, stdout, _ := run(t, in, "--offline", "--json", "-")
	if code != ExitUsage {
		t.Errorf("exit %d, want 2 for the overlong line", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "longer than 4096 bytes") || !strings.Contains(lines[2], `"address":"b@qq.com"`) {
		t.Errorf("got %d lines:\n%s", len(lines), stdout)
	}
}

func TestProgress(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	p := newProgress(&b, true, 4)
	p.add(false)
	p.add(true)
	p.finish()
	if got := b.String(); !strings.Contains(got, "2/4") || !strings.Contains(got, "1 failed") || !strings.Contains(got, "[############            ]") {
		t.Errorf("progress %q", got)
	}
	b.Reset()
	p = newProgress(&b, false, 4)
	p.add(false)
	p.finish()
	if b.Len() != 0 {
		t.Errorf("disabled progress wrote %q", b.String())
	}
}

// TestDNSFlagForms checks that a --dns value that is not an address with an
// optional port is a usage error, exit 2, for a lookup and for verify, before
// any lookup; and that the good forms are taken.
func TestDNSFlagForms(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"[::1", "::1]", "[1.2.3.4", "[::1]]", "1.2.3.4:", "1.2.3.4:70000", "[::1]:x"} {
		for _, args := range [][]string{
			{"--dns", bad, "--offline", "someone@gmail.com"},
			{"verify", "--dns", bad, "pop.gmail.com:995"},
		} {
			code, _, stderr := run(t, "", args...)
			if code != 2 || !strings.Contains(stderr, "--dns") {
				t.Errorf("popfind %q: exit %d, stderr %q; want exit 2 naming --dns", args, code, stderr)
			}
		}
	}
	for _, good := range []string{"::1", "[::1]", "[::1]:53", "127.0.0.1", "127.0.0.1:5353"} {
		if code, _, stderr := run(t, "", "--dns", good, "--offline", "someone@gmail.com"); code != 0 {
			t.Errorf("popfind --dns %q --offline: exit %d: %s", good, code, stderr)
		}
	}
}

// --lang after help, or after the command help is asked about, is taken
// like --lang before it.
func TestHelpLangAfter(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help", "--lang", "zh"}, {"help", "verify", "--lang", "zh"}} {
		code, out, stderr := run(t, "", args...)
		if code != 0 || !strings.Contains(out, "用法") {
			t.Errorf("popfind %q: exit %d, %q %q; want Chinese help", args, code, out, stderr)
		}
	}
	if code, _, stderr := run(t, "", "help", "nosuch", "--lang", "zh"); code != 2 || !strings.Contains(stderr, "没有名为") {
		t.Errorf("help nosuch --lang zh: exit %d, %q", code, stderr)
	}
}
