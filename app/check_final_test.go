package app

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"

	"github.com/popfind/popfind/i18n"
)

// TestFinalCheckJSONSchemaReal: the JSON of real runs validates: a domain
// that does not exist, DNS refused, DNS that never answers.
func TestFinalCheckJSONSchemaReal(t *testing.T) {
	t.Parallel()
	w := newCheckWorld(t)
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		code, js, _ := runWorldCheck(t, w, lang, 80, true, w.Domains["domain_not_found"])
		validate(t, checkSchema(), []byte(js))
		if code != ExitCheckFailed || !strings.Contains(js, `"code":"domain_not_found"`) {
			t.Errorf("nxdomain: exit %d %s", code, js)
		}
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	for _, dnsAddr := range []string{"127.0.0.1:1", pc.LocalAddr().String()} {
		o := &options{dns: dnsAddr, timeout: 1e9, lang: i18n.English, concurrency: defaultConcurrency, json: true}
		var out, errw bytes.Buffer
		code, _ := checkRun(context.Background(), o, "example.org", &out, &errw, func(string) string { return "" })
		validate(t, checkSchema(), out.Bytes())
		if code != ExitNetwork {
			t.Errorf("dns %s: exit %d", dnsAddr, code)
		}
	}
}

// TestFinalCheckSilentDNSHint: a DNS server that never answers (a wrong
// --dns, a firewall) is a DNS problem: the message must not say the check
// "ran out of time ... try again later" with no hint, it must point at
// the DNS server (issue 23: "When DNS itself fails, the hint points at
// DNS").
func TestFinalCheckSilentDNSHint(t *testing.T) {
	t.Parallel()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	o := &options{dns: pc.LocalAddr().String(), timeout: 1e9, lang: i18n.English, concurrency: defaultConcurrency}
	var out, errw bytes.Buffer
	code, _ := checkRun(context.Background(), o, "example.org", &out, &errw, func(string) string { return "" })
	if code != ExitNetwork || !strings.Contains(errw.String(), "--dns") {
		t.Errorf("exit %d, stderr %q; want exit 4 and a hint naming --dns", code, errw.String())
	}
}

// TestFinalCheckInvalidPasteKeepsSection: autoconfig_invalid's fix says
// "the corrected file is below", so the file must still publish the
// protocol whose section was invalid (socketType "TLS" corrected), or the
// fix must say the file leaves it out. Today POP3 silently disappears.
func TestFinalCheckInvalidPasteKeepsSection(t *testing.T) {
	t.Parallel()
	w := newCheckWorld(t)
	_, js, _ := runWorldCheck(t, w, i18n.English, 80, true, w.Domains["autoconfig_invalid"])
	j := decode[struct {
		Findings []struct{ Code, Fix, Paste string }
	}](t, []byte(js))
	for _, f := range j.Findings {
		if f.Code == "autoconfig_invalid" && f.Paste != "" &&
			!strings.Contains(f.Paste, `type="pop3"`) && !strings.Contains(f.Fix, "POP3 server") {
			t.Errorf("the corrected file drops POP3 without saying so:\nfix: %s\n%s", f.Fix, f.Paste)
		}
	}
}
