package probe_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

const dovecotBin = "/usr/sbin/dovecot"

// dovecotIMAP is the IMAP login process of Debian's dovecot-imapd.
const dovecotIMAP = "/usr/lib/dovecot/imap-login"

// dovecotPorts are where a test Dovecot listens; imap and imaps are zero
// when dovecot-imapd is not installed.
type dovecotPorts struct {
	pop3, pop3s, imap, imaps int
}

// startDovecot runs a real Dovecot POP3 and IMAP server on loopback with
// its own configuration: a valid certificate by default, an expired one for
// SNI name expired.test and one for other names for SNI name
// mismatch.test. It returns the ports.
func startDovecot(t *testing.T, l *lab) (ip string, ports dovecotPorts) {
	t.Helper()
	if _, err := os.Stat(dovecotBin); err != nil {
		t.Skipf("Dovecot is not installed (%s): apt-get install dovecot-pop3d to run this test", dovecotBin)
	}
	if os.Geteuid() != 0 {
		t.Skip("the Dovecot test runs Dovecot as root, as its package expects; run it as root (CI does)")
	}
	dir, err := os.MkdirTemp("", "popfind-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// Dovecot's unprivileged login processes must reach the run directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	valid, validKey := testnet.WritePEM(t, dir, "valid", l.ca.Leaf(t, time.Now().Add(60*24*time.Hour),
		"pop.valid.test", "pop.guess.test", "imap.valid.test", "imap.guess.test"))
	expired, expiredKey := testnet.WritePEM(t, dir, "expired", l.ca.Leaf(t, time.Now().Add(-24*time.Hour), "expired.test"))
	other, otherKey := testnet.WritePEM(t, dir, "other", l.ca.Leaf(t, time.Now().Add(60*24*time.Hour), "elsewhere.example", "www.elsewhere.example"))
	// The standard ports, on an address of its own, so that guessing can
	// find it as it would find a real server.
	ip = testnet.IP()
	ports = dovecotPorts{pop3: 110, pop3s: 995}
	protocols, imapService := "pop3", ""
	if _, err := os.Stat(dovecotIMAP); err == nil {
		ports.imap, ports.imaps = 143, 993
		protocols = "pop3 imap"
		imapService = fmt.Sprintf(`service imap-login {
  inet_listener imap {
    address = %[1]s
    port = %[2]d
  }
  inet_listener imaps {
    address = %[1]s
    port = %[3]d
    ssl = yes
  }
}
`, ip, ports.imap, ports.imaps)
	}
	conf := fmt.Sprintf(`protocols = %[11]s
listen = %[1]s
base_dir = %[2]s/run
state_dir = %[2]s/state
log_path = %[2]s/dovecot.log
ssl = yes
ssl_cert = <%[3]s
ssl_key = <%[4]s
ssl_min_protocol = TLSv1.2
local_name expired.test {
  ssl_cert = <%[5]s
  ssl_key = <%[6]s
}
local_name mismatch.test {
  ssl_cert = <%[7]s
  ssl_key = <%[8]s
}
disable_plaintext_auth = yes
auth_mechanisms = plain
passdb {
  driver = static
  args = password=never-used-by-the-tests
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=%[2]s/home
}
mail_location = maildir:%[2]s/mail
service pop3-login {
  inet_listener pop3 {
    address = %[1]s
    port = %[9]d
  }
  inet_listener pop3s {
    address = %[1]s
    port = %[10]d
    ssl = yes
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0600
  }
  unix_listener stats-writer {
    mode = 0600
  }
}
`, ip, dir, valid, validKey, expired, expiredKey, other, otherKey, ports.pop3, ports.pop3s, protocols) + imapService
	confFile := filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(dovecotBin, "-F", "-c", confFile)
	out, _ := os.Create(filepath.Join(dir, "stdout.log"))
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dovecot: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	logs := func() string {
		a, _ := os.ReadFile(filepath.Join(dir, "stdout.log"))
		b, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
		return string(a) + string(b)
	}
	deadline := time.Now().Add(15 * time.Second)
	for _, port := range []int{ports.pop3, ports.pop3s, ports.imap, ports.imaps} {
		if port == 0 {
			continue
		}
		for {
			c, err := net.DialTimeout("tcp", net.JoinHostPort(ip, fmt.Sprint(port)), time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case err := <-exited:
				t.Fatalf("dovecot exited: %v\n%s", err, logs())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("dovecot did not listen on %d: %v\n%s", port, err, logs())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	l.dns.Host(t, ip, "pop.valid.test", "expired.test", "mismatch.test", "pop.guess.test", "imap.valid.test", "imap.guess.test")
	return ip, ports
}

func TestDovecot(t *testing.T) {
	l := newLab(t)
	_, ports := startDovecot(t, l)
	pop3, pop3s := ports.pop3, ports.pop3s
	ok := []struct {
		name string
		port int
		mode settings.SocketType
		warn string
	}{
		{"SSL", pop3s, settings.SSL, ""},
		{"STARTTLS", pop3, settings.STARTTLS, ""},
		{"plain", pop3, settings.Plain, i18n.WarnPlainVerify},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, l, "pop.valid.test", tt.port, tt.mode, 10*time.Second)
			if !r.OK {
				t.Fatalf("check failed: %s (%v)", i18n.English.Format(r.Problem), r.Err)
			}
			if !strings.HasPrefix(r.Greeting, "+OK") || !strings.Contains(r.Greeting, "Dovecot") {
				t.Errorf("greeting %q", r.Greeting)
			}
			if !r.CapaKnown || len(r.Capa.Lines) == 0 {
				t.Errorf("capabilities %+v", r.Capa)
			}
			if tt.mode != settings.Plain {
				if r.TLSInfo == nil || !r.TLSInfo.Verified || r.TLSInfo.DNSNames[0] != "pop.valid.test" {
					t.Errorf("TLS %+v", r.TLSInfo)
				}
				// Over TLS, Dovecot offers password login.
				if !contains(r.Capa.SASL, "PLAIN") {
					t.Errorf("SASL %v, want PLAIN over TLS", r.Capa.SASL)
				}
			} else if !r.Capa.STLS {
				t.Errorf("plain port without STLS in CAPA: %+v", r.Capa)
			}
			if (tt.warn == "") != (len(r.Warnings) == 0) {
				t.Errorf("warnings %v", r.Warnings)
			}
		})
	}
	fail := []struct {
		name, host string
		port       int
		mode       settings.SocketType
		kind       probe.Kind
		want       string
	}{
		{"expired via SNI", "expired.test", pop3s, settings.SSL, probe.KindCertExpired, "expired on"},
		{"expired after STLS", "expired.test", pop3, settings.STARTTLS, probe.KindCertExpired, "expired on"},
		{"other names", "mismatch.test", pop3s, settings.SSL, probe.KindCertName, "elsewhere.example, www.elsewhere.example"},
		{"SSL on the plain port", "pop.valid.test", pop3, settings.SSL, probe.KindTLS, "TLS"},
	}
	for _, tt := range fail {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, l, tt.host, tt.port, tt.mode, 10*time.Second)
			if r.OK || r.Kind != tt.kind || !strings.Contains(i18n.English.Format(r.Problem), tt.want) {
				t.Errorf("ok=%v kind=%q problem %q; want %q mentioning %q", r.OK, r.Kind, i18n.English.Format(r.Problem), tt.kind, tt.want)
			}
		})
	}
	t.Run("guess finds Dovecot", func(t *testing.T) {
		g := &probe.GuessSource{Prober: l.prober}
		a, err := g.Lookup(context.Background(), testnet.Addr(t, "someone@guess.test"))
		if err != nil {
			t.Fatal(err)
		}
		// The answer comes as soon as the best candidate is known; probes
		// still running then are not waited for.
		if got := testnet.Hosts(a); !strings.HasPrefix(got, "pop.guess.test:995/SSL") {
			t.Errorf("servers %s, want pop.guess.test:995/SSL first", got)
		}
	})
}

// TestDovecotIMAP checks the IMAP checks against Dovecot's IMAP server:
// the greeting, CAPABILITY (LOGINDISABLED before TLS), STARTTLS and the
// certificate failures, and guessing of imap.<domain>.
func TestDovecotIMAP(t *testing.T) {
	l := newLab(t)
	_, ports := startDovecot(t, l)
	if ports.imap == 0 {
		t.Skipf("dovecot-imapd is not installed (%s): apt-get install dovecot-imapd to run this test", dovecotIMAP)
	}
	imapCheck := func(t *testing.T, host string, port int, mode settings.SocketType) *probe.Report {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return l.prober.Check(ctx, settings.IMAP, host, port, mode)
	}
	for _, tt := range []struct {
		name string
		port int
		mode settings.SocketType
	}{
		{"SSL", ports.imaps, settings.SSL},
		{"STARTTLS", ports.imap, settings.STARTTLS},
		{"plain", ports.imap, settings.Plain},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := imapCheck(t, "imap.valid.test", tt.port, tt.mode)
			if !r.OK {
				t.Fatalf("check failed: %s (%v)", i18n.English.Format(r.Problem), r.Err)
			}
			if !strings.HasPrefix(r.Greeting, "* OK") || !strings.Contains(r.Greeting, "Dovecot") {
				t.Errorf("greeting %q", r.Greeting)
			}
			if !r.CapaKnown || !contains(r.Capa.Lines, "IMAP4rev1") {
				t.Errorf("capabilities %+v", r.Capa)
			}
			if tt.mode == settings.Plain {
				// Dovecot refuses password login before TLS, and says so.
				if !r.Capa.LoginDisabled || !r.Capa.STLS {
					t.Errorf("plain capabilities %+v; want STARTTLS and LOGINDISABLED", r.Capa)
				}
			} else if r.Capa.LoginDisabled || !contains(r.Capa.SASL, "PLAIN") || r.TLSInfo == nil || !r.TLSInfo.Verified {
				t.Errorf("over TLS: capabilities %+v, TLS %+v", r.Capa, r.TLSInfo)
			}
		})
	}
	for _, tt := range []struct {
		name, host string
		port       int
		mode       settings.SocketType
		kind       probe.Kind
		want       string
	}{
		{"expired after STARTTLS", "expired.test", ports.imap, settings.STARTTLS, probe.KindCertExpired, "expired on"},
		{"other names", "mismatch.test", ports.imaps, settings.SSL, probe.KindCertName, "elsewhere.example"},
		{"SSL on the plain port", "imap.valid.test", ports.imap, settings.SSL, probe.KindTLS, "TLS"},
		{"POP3 spoken to IMAP", "imap.valid.test", ports.imaps, settings.SSL, probe.KindNotPOP3, "does not speak POP3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			proto := settings.IMAP
			if tt.kind == probe.KindNotPOP3 {
				proto = settings.POP3
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			r := l.prober.Check(ctx, proto, tt.host, tt.port, tt.mode)
			if r.OK || r.Kind != tt.kind || !strings.Contains(i18n.English.Format(r.Problem), tt.want) {
				t.Errorf("ok=%v kind=%q problem %q; want %q mentioning %q", r.OK, r.Kind, i18n.English.Format(r.Problem), tt.kind, tt.want)
			}
		})
	}
	t.Run("guess finds Dovecot's IMAP", func(t *testing.T) {
		g := &probe.GuessSource{Prober: l.prober, Protocols: []settings.Protocol{settings.IMAP}}
		a, err := g.Lookup(context.Background(), testnet.Addr(t, "someone@guess.test"))
		if err != nil {
			t.Fatal(err)
		}
		if got := testnet.Hosts(a); !strings.HasPrefix(got, "imap.guess.test:993/SSL") {
			t.Errorf("servers %s, want imap.guess.test:993/SSL first", got)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
