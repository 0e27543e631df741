package check_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/check"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/checkworld"
	"github.com/popfind/popfind/internal/safetext"
	"github.com/popfind/popfind/lookup/settings"
)

func checker(t *testing.T, w *checkworld.World) *check.Checker {
	t.Helper()
	c, err := check.New(w.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func run(t *testing.T, c *check.Checker, domain string) *check.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := c.Check(ctx, domain)
	if err != nil {
		t.Fatalf("Check(%q): %v", domain, err)
	}
	if r.Err != nil {
		t.Fatalf("Check(%q): report error %v", domain, r.Err)
	}
	return r
}

func describe(r *check.Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString("\n  " + string(f.Severity) + " " + f.Code + " [" + string(f.Protocol) + " " + f.Source + " " + f.Server + "] " +
			i18n.English.Format(f.Message))
	}
	return b.String()
}

// TestWorld runs every test that needs the world in one world: it starts
// Dovecot once. The subtests run in parallel.
func TestWorld(t *testing.T) {
	t.Parallel()
	w := checkworld.New(t)
	c := checker(t, w)
	t.Run("clean", func(t *testing.T) {
		t.Parallel()
		r := run(t, c, w.Clean)
		if len(r.Findings) != 0 {
			t.Errorf("clean domain has findings:%s", describe(r))
		}
		if len(r.Servers) != 3 {
			t.Errorf("servers %+v, want 3", r.Servers)
		}
	})
	for _, code := range check.Codes() {
		d, ok := w.Domains[code]
		if !ok && (code == check.CodeServersNotChecked || code == check.CodeRefusedForSafety) {
			continue // a unit test's; refused_for_safety: TestRefusedForSafety
		}
		if !ok {
			t.Errorf("no domain for %s", code)
			continue
		}
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			r := run(t, c, d)
			if len(r.Findings) != 1 || r.Findings[0].Code != code {
				t.Errorf("%s: want exactly %s, got:%s", d, code, describe(r))
			}
			for _, f := range r.Findings {
				readable(t, f)
				pasteOK(t, f, d)
			}
		})
	}
	t.Run("hostile", func(t *testing.T) {
		t.Parallel()
		r := run(t, c, w.Hostile)
		t.Log(describe(r))
		codes := map[string]bool{}
		for _, f := range r.Findings {
			codes[f.Code] = true
			readable(t, f)
		}
		// The hostname with a bidi override is refused, and the greeting
		// with control characters shown cleaned.
		if !codes[check.CodeAutoconfigInvalid] || !codes[check.CodeWrongProtocol] {
			t.Errorf("findings:%s", describe(r))
		}
		for _, f := range r.Findings {
			if f.Code == check.CodeWrongProtocol && !strings.Contains(i18n.English.Format(f.Message), "evil") {
				t.Errorf("the greeting is not shown: %s", i18n.English.Format(f.Message))
			}
		}
	})
	t.Run("unicode domain", func(t *testing.T) {
		t.Parallel()
		r := run(t, c, "BÜCHER.test")
		if r.Domain != "xn--bcher-kva.test" || r.UnicodeDomain != "bücher.test" {
			t.Errorf("domain %q (%q)", r.Domain, r.UnicodeDomain)
		}
	})
	t.Run("address", func(t *testing.T) {
		t.Parallel()
		r := run(t, c, "someone@"+w.Clean)
		if r.Domain != w.Clean || len(r.Findings) != 0 {
			t.Errorf("domain %q, findings:%s", r.Domain, describe(r))
		}
	})
	t.Run("protocols", func(t *testing.T) {
		t.Parallel()
		cfg := w.Config()
		cfg.Protocols = []settings.Protocol{settings.IMAP}
		c, err := check.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// The POP3 problems are not looked at, nor is the missing SMTP.
		for _, code := range []string{check.CodeTLSOld, check.CodeNoSubmission, check.CodeSRVTargetUnresolved} {
			if r := run(t, c, w.Domains[code]); len(r.Findings) != 0 {
				t.Errorf("%s, IMAP only:%s", code, describe(r))
			}
		}
		r := run(t, c, w.Domains[check.CodeSourcesDisagree])
		if len(r.Findings) != 1 || r.Findings[0].Code != check.CodeSourcesDisagree {
			t.Errorf("disagree, IMAP only:%s", describe(r))
		}
		for _, s := range r.Servers {
			if s.Server.Protocol != settings.IMAP {
				t.Errorf("checked %+v", s.Server)
			}
		}
	})
	t.Run("no ISPDB", func(t *testing.T) {
		t.Parallel()
		cfg := w.Config()
		cfg.NoISPDB = true
		c, err := check.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		r := run(t, c, w.Domains[check.CodeISPDBStale])
		if len(r.Findings) != 0 {
			t.Errorf("findings:%s", describe(r))
		}
		for _, s := range r.Sources {
			if s.Source == "ispdb" && s.Status != check.StatusSkipped {
				t.Errorf("ISPDB %s", s.Status)
			}
		}
	})
	t.Run("ISPDB host does not exist", func(t *testing.T) {
		t.Parallel()
		cfg := w.Config()
		cfg.ISPDB = "https://ispdb.nowhere.test/v1.1/"
		c, err := check.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// The database was not asked: failed, not "no entry".
		r := run(t, c, w.Clean)
		for _, s := range r.Sources {
			if s.Source == "ispdb" && s.Status != check.StatusFailed {
				t.Errorf("ISPDB %s, want failed", s.Status)
			}
		}
	})
}

// readable checks that a finding says something in both languages, with
// no control or bidirectional character and no untranslated key.
func readable(t *testing.T, f check.Finding) {
	t.Helper()
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		for _, m := range []i18n.Msg{f.Message, f.Fix} {
			text := lang.Format(m)
			if text == "" || strings.HasPrefix(text, "check.") || strings.Contains(text, "%!") {
				t.Errorf("%s %s: %q", f.Code, lang, text)
			}
			if safetext.Unsafe(text) || strings.ContainsAny(text, "\x1b\u202e\u0085") {
				t.Errorf("%s %s: unsafe text %q", f.Code, lang, text)
			}
		}
	}
	for _, p := range f.Compare {
		for _, s := range p.Servers {
			if safetext.Unsafe(s.Host) {
				t.Errorf("unsafe host %q", s.Host)
			}
		}
	}
}

// pasteOK checks that a finding's Paste is what it says: SRV records that
// parse, or an autoconfig file that mail clients accept.
func pasteOK(t *testing.T, f check.Finding, domain string) {
	t.Helper()
	switch f.PasteKind {
	case "":
		if f.Paste != "" {
			t.Errorf("%s: paste without a kind", f.Code)
		}
	case "dns":
		for _, line := range strings.Split(f.Paste, "\n") {
			rr, err := dns.NewRR(line)
			if err != nil {
				t.Errorf("%s: %q: %v", f.Code, line, err)
				continue
			}
			if _, ok := rr.(*dns.SRV); !ok || !strings.HasSuffix(rr.Header().Name, "._tcp."+domain+".") {
				t.Errorf("%s: %q is not an SRV record of %s", f.Code, line, domain)
			}
		}
	case check.PasteDNSReplace:
		// "; remove:", the records of the same name commented out,
		// "; add:", the record.
		lines := strings.Split(f.Paste, "\n")
		if len(lines) < 4 || lines[0] != "; remove:" || lines[len(lines)-2] != "; add:" {
			t.Errorf("%s: replace paste %q", f.Code, f.Paste)
			return
		}
		add, err := dns.NewRR(lines[len(lines)-1])
		if err != nil || !strings.HasSuffix(add.Header().Name, "._tcp."+domain+".") {
			t.Errorf("%s: %q: not an SRV record of %s: %v", f.Code, lines[len(lines)-1], domain, err)
			return
		}
		for _, line := range lines[1 : len(lines)-2] {
			rr, err := dns.NewRR(strings.TrimPrefix(line, "; "))
			if !strings.HasPrefix(line, "; ") || err != nil || rr.Header().Name != add.Header().Name {
				t.Errorf("%s: %q is not a commented-out record of %s", f.Code, line, add.Header().Name)
			}
		}
	case "xml":
		if f.PasteURL != "https://autoconfig."+domain+"/mail/config-v1.1.xml" {
			t.Errorf("%s: paste URL %q", f.Code, f.PasteURL)
		}
		addr, _ := settings.DomainAddress(domain)
		cfg, err := autoconfig.Parse([]byte(f.Paste), addr)
		if err != nil || len(cfg.Skipped) > 0 || len(cfg.Servers) == 0 {
			t.Errorf("%s: the pasted file does not parse: %v %v\n%s", f.Code, err, cfg, f.Paste)
		}
	default:
		t.Errorf("%s: paste kind %q", f.Code, f.PasteKind)
	}
}

// Which pastes come with which findings.
func TestWorldPastes(t *testing.T) {
	t.Parallel()
	w := checkworld.New(t)
	c := checker(t, w)
	for code, kind := range map[string]string{
		check.CodeAutoconfigMissing:  "xml",
		check.CodeAutoconfigHTTPOnly: "xml",
		check.CodeAutoconfigInvalid:  "xml",
		check.CodeSourcesDisagree:    check.PasteDNSReplace,
		check.CodePlaintext:          "dns",
		check.CodeSTARTTLSOnly:       "dns",
	} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			d := w.Domains[code]
			r := run(t, c, d)
			if len(r.Findings) == 0 || r.Findings[0].PasteKind != kind {
				t.Fatalf("want a %s paste:%s", kind, describe(r))
			}
			f := r.Findings[0]
			switch code {
			case check.CodeAutoconfigInvalid:
				// The corrected file keeps the valid sections, and the
				// invalid one corrected: socketType TLS is SSL.
				if strings.Contains(f.Paste, "<socketType>TLS<") || !strings.Contains(f.Paste, "mail."+d) ||
					!strings.Contains(f.Paste, `type="pop3"`) {
					t.Errorf("paste:\n%s", f.Paste)
				}
			case check.CodeSourcesDisagree:
				// The domain's _imaps record names the other server: the
				// record replaces it.
				if !strings.HasSuffix(f.Paste, "\n; add:\n_imaps._tcp."+d+". 3600 IN SRV 0 1 993 mail."+d+".") ||
					!strings.Contains(f.Paste, "; _imaps._tcp."+d+". ") || len(f.Compare) != 2 {
					t.Errorf("paste %q, compare %+v", f.Paste, f.Compare)
				}
			case check.CodeSTARTTLSOnly:
				// Implicit TLS first, as the fix says: priority 0 before
				// the STARTTLS record's 10.
				lines := strings.Split(f.Paste, "\n")
				if len(lines) != 2 || lines[0] != "_pop3s._tcp."+d+". 3600 IN SRV 0 1 995 mail."+d+"." ||
					!strings.HasPrefix(lines[1], "_pop3._tcp."+d+". 3600 IN SRV 10 1 110 ") {
					t.Errorf("paste %q", f.Paste)
				}
				if f.Source == "" {
					t.Errorf("%s names no source", f.Code)
				}
			}
		})
	}
}
