package app

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/popfind/popfind/check"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
)

// TestCheckSourcesNoGuess: check has no guess source: --sources guess is
// a usage error, and the help does not offer it.
func TestCheckSourcesNoGuess(t *testing.T) {
	t.Parallel()
	o := &options{sources: []string{"srv", "guess"}, lang: i18n.English, concurrency: defaultConcurrency}
	var out, errw bytes.Buffer
	code, err := checkRun(context.Background(), o, "example.org", &out, &errw, func(string) string { return "" })
	if code != ExitUsage || err == nil || !strings.Contains(err.Error(), "guess") {
		t.Errorf("exit %d, err %v; want a usage error naming guess", code, err)
	}
	var status int
	for _, f := range checkCommand(&status, i18n.English).Flags {
		if f.Names()[0] == "sources" && strings.Contains(f.String(), "guess") {
			t.Errorf("check's --sources offers guess: %s", f.String())
		}
	}
}

// TestCheckPasteReplaceLabel: records that replace others are labelled
// so, in both languages, and the paste is shown whole.
func TestCheckPasteReplaceLabel(t *testing.T) {
	t.Parallel()
	paste := "; remove:\n; _imaps._tcp.example.org. 3600 IN SRV 0 1 993 old.example.net.\n; add:\n_imaps._tcp.example.org. 3600 IN SRV 0 1 993 mail.example.org."
	r := &check.Report{Domain: "example.org", Protocols: []settings.Protocol{settings.IMAP},
		Findings: []check.Finding{{Severity: check.Warn, Code: check.CodeSourcesDisagree, Protocol: settings.IMAP,
			Message: i18n.M(i18n.CheckSourcesDisagree, "IMAP", "autoconfig mail.example.org:993; srv old.example.net:993"),
			Fix:     i18n.M(i18n.CheckSourcesDisagreeFixReplace, "IMAP", "autoconfig"),
			Paste:   paste, PasteKind: check.PasteDNSReplace}}}
	for lang, want := range map[i18n.Lang]string{i18n.English: "Replace in the DNS zone of example.org", i18n.Chinese: "替换 example.org 的 DNS 区域"} {
		out := renderCheck(t, r, lang, 80)
		if !strings.Contains(out, want) || !strings.Contains(out, "\n\n"+paste+"\n\n") || strings.Contains(out, "Add to the DNS zone") {
			t.Errorf("%s:\n%s", lang, out)
		}
	}
	var b bytes.Buffer
	if err := writeJSON(&b, checkView(r, i18n.English)); err != nil {
		t.Fatal(err)
	}
	validate(t, checkSchema(), b.Bytes())
}
