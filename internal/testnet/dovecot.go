package testnet

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Where Debian's dovecot-core and dovecot-imapd put Dovecot.
const (
	DovecotBin  = "/usr/sbin/dovecot"
	DovecotIMAP = "/usr/lib/dovecot/imap-login"
)

// ErrNoDovecot is StartDovecot's error when Dovecot cannot run here: it is
// not installed, or the test does not run as root (Dovecot's package
// expects to start as root and drop privileges).
var ErrNoDovecot = errors.New("dovecot unavailable")

// DovecotConfig says how a test Dovecot is set up.
type DovecotConfig struct {
	// IP is the loopback address it listens on; empty means a fresh one
	// from IP.
	IP string
	// Cert is the default certificate.
	Cert tls.Certificate
	// SNI maps a server name a client asks for (local_name) to the
	// certificate served for it.
	SNI map[string]tls.Certificate
}

// Dovecot is a real Dovecot POP3 and IMAP server on loopback, configured
// as a careful administrator does: TLS 1.2 or newer, and no password login
// before TLS (disable_plaintext_auth = yes: no USER before STLS, and
// LOGINDISABLED before STARTTLS).
type Dovecot struct {
	IP string
	// The standard ports it listens on; IMAP and IMAPS are zero when
	// dovecot-imapd is not installed.
	POP3, POP3S, IMAP, IMAPS int
}

// StartDovecot runs Dovecot until the test ends. Its error wraps
// ErrNoDovecot when Dovecot cannot run here; other errors are failures to
// start it.
func StartDovecot(t testing.TB, cfg DovecotConfig) (*Dovecot, error) {
	t.Helper()
	if _, err := os.Stat(DovecotBin); err != nil {
		return nil, fmt.Errorf("%w: %s is not installed (apt-get install dovecot-pop3d dovecot-imapd)", ErrNoDovecot, DovecotBin)
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: Dovecot runs as root, as its package expects; run the tests as root (CI does)", ErrNoDovecot)
	}
	dir, err := os.MkdirTemp("", "popfind-dovecot-")
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// Dovecot's unprivileged login processes must reach the run directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	ip := cfg.IP
	if ip == "" {
		ip = IP()
	}
	d := &Dovecot{IP: ip, POP3: 110, POP3S: 995}
	cert, key := WritePEM(t, dir, "default", cfg.Cert)
	var sni strings.Builder
	names := make([]string, 0, len(cfg.SNI))
	for n := range cfg.SNI {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		c, k := WritePEM(t, dir, fmt.Sprintf("sni%d", i), cfg.SNI[n])
		fmt.Fprintf(&sni, "local_name %s {\n  ssl_cert = <%s\n  ssl_key = <%s\n}\n", n, c, k)
	}
	protocols, imapService := "pop3", ""
	if _, err := os.Stat(DovecotIMAP); err == nil {
		d.IMAP, d.IMAPS = 143, 993
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
`, ip, d.IMAP, d.IMAPS)
	}
	conf := fmt.Sprintf(`protocols = %[7]s
listen = %[1]s
base_dir = %[2]s/run
state_dir = %[2]s/state
log_path = %[2]s/dovecot.log
ssl = yes
ssl_cert = <%[3]s
ssl_key = <%[4]s
ssl_min_protocol = TLSv1.2
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
    port = %[5]d
  }
  inet_listener pop3s {
    address = %[1]s
    port = %[6]d
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
`, ip, dir, cert, key, d.POP3, d.POP3S, protocols) + sni.String() + imapService
	confFile := filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(DovecotBin, "-F", "-c", confFile)
	out, err := os.Create(filepath.Join(dir, "stdout.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("start dovecot: %w", err)
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
		out.Close()
	})
	logs := func() string {
		a, _ := os.ReadFile(filepath.Join(dir, "stdout.log"))
		b, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
		return string(a) + string(b)
	}
	deadline := time.Now().Add(15 * time.Second)
	for _, port := range []int{d.POP3, d.POP3S, d.IMAP, d.IMAPS} {
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
				return nil, fmt.Errorf("dovecot exited: %v\n%s", err, logs())
			default:
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("dovecot did not listen on %d: %v\n%s", port, err, logs())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return d, nil
}
