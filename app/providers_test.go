package app

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// runProviders runs popfind providers with args, laid out for cols
// columns (0: piped), in lang.
func runProviders(t *testing.T, cols, lang string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	env := map[string]string{"LANG": lang, "NO_COLOR": "1", "COLUMNS": cols}
	var out, errw bytes.Buffer
	code = Run(context.Background(), append([]string{"popfind", "providers"}, args...), IO{
		In: strings.NewReader(""), Out: &out, Err: &errw,
		Getenv: func(k string) string { return env[k] },
	})
	return code, out.String(), errw.String()
}

// checkFits fails when a line of out is wider than width, when a line ends
// in an ellipsis (a sentence cut), or when a help page or server host is
// split across lines.
func checkFits(t *testing.T, name, out string, width int, whole ...string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if w := columns.StringWidth(line); w > width && !strings.HasPrefix(line, "https://") {
			t.Errorf("%s: line %d columns wide, over %d: %q", name, w, width, line)
		}
		if strings.HasSuffix(line, "…") {
			t.Errorf("%s: line cut with an ellipsis: %q", name, line)
		}
	}
	for _, s := range whole {
		if !strings.Contains(out, s) {
			t.Errorf("%s: %q is not there whole:\n%s", name, s, out)
		}
	}
}

// TestProvidersCompact checks the default view: one line per provider with
// its POP3, IMAP and SMTP host:port, login and what to turn on first,
// aligned when it fits, wrapped between items (never inside a host) when it
// does not; piped, one tab-separated line per provider.
func TestProvidersCompact(t *testing.T) {
	t.Parallel()
	code, out, _ := runProviders(t, "", "C", "163")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "Name\tPOP3\tIMAP\tSMTP\tLog in with\tTurn on first" {
		t.Errorf("piped header %q", lines[0])
	}
	if lines[1] != "NetEase 163 Mail\tpop.163.com:995\timap.163.com:993\tsmtp.163.com:465\tauthorization code (授权码)\tPOP3, IMAP, SMTP" {
		t.Errorf("piped row %q", lines[1])
	}
	if strings.Contains(out, "Notes") || strings.Contains(out, "https://") {
		t.Errorf("the compact view has notes or help pages:\n%s", out)
	}

	// Wide enough: aligned columns, one line per provider.
	_, out, _ = runProviders(t, "160", "C", "网易")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1+7 || !strings.HasPrefix(lines[0], "Name ") || !strings.Contains(lines[1], "pop.163.com:995  ") {
		t.Errorf("160 columns: want a header and 7 aligned rows:\n%s", out)
	}
	checkFits(t, "网易 at 160", out, 160)

	for _, lang := range []string{"C", "zh_CN.UTF-8"} {
		for _, cols := range []string{"80", "60"} {
			for _, q := range []string{"qq", "t-online", "proton", ""} {
				_, out, _ := runProviders(t, cols, lang, q)
				name := lang + " " + cols + " " + q
				w := map[string]int{"80": 80, "60": 60}[cols]
				checkFits(t, name, out, w)
				if q == "t-online" {
					checkFits(t, name, out, w, "securepop.t-online.de:995", "secureimap.t-online.de:993", "securesmtp.t-online.de:465")
				}
			}
		}
	}
	_, out, _ = runProviders(t, "80", "zh_CN.UTF-8", "腾讯")
	for _, want := range []string{"QQ邮箱 · 登录密码：授权码 · 需先开启：POP3、IMAP、SMTP\n  POP3 pop.qq.com:995  IMAP imap.qq.com:993  SMTP smtp.qq.com:465\n", "腾讯企业邮", "Foxmail"} {
		if !strings.Contains(out, want) {
			t.Errorf("providers 腾讯 at 80 columns lacks %q:\n%s", want, out)
		}
	}
}

// TestProvidersFilter checks that a filter matches Chinese company names,
// domains and whole addresses, and that a filter with no match in a region
// says which region.
func TestProvidersFilter(t *testing.T) {
	t.Parallel()
	firsts := func(out string) string {
		var names []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
			names = append(names, strings.Split(l, "\t")[0])
		}
		return strings.Join(names, "|")
	}
	tests := map[string]string{
		"腾讯":               "QQ Mail|Foxmail (QQ Mail)|Tencent Exmail (QQ enterprise mail)",
		"someone@qq.com":   "QQ Mail",
		"someone＠163。com":  "NetEase 163 Mail",
		"hotmail.be":       "Outlook.com (Hotmail, Live, MSN)",
		"someone@live.com": "Outlook.com (Hotmail, Live, MSN)",
	}
	for q, want := range tests {
		code, out, stderr := runProviders(t, "", "C", q)
		if got := firsts(out); code != 0 || got != want {
			t.Errorf("providers %q: exit %d, got %q, want %q; %s", q, code, got, want, stderr)
		}
	}
	code, _, stderr := runProviders(t, "", "C", "someone@example.com")
	if code != ExitNotFound || !strings.Contains(stderr, `no built-in provider matches "someone@example.com"`) {
		t.Errorf("unknown address: exit %d, %q", code, stderr)
	}
	code, _, stderr = runProviders(t, "", "C", "--region", "eu", "qq")
	if code != ExitNotFound || !strings.Contains(stderr, `no built-in provider of region eu matches "qq"`) {
		t.Errorf("--region eu qq: exit %d, %q", code, stderr)
	}
	_, _, stderr = runProviders(t, "", "zh_CN.UTF-8", "--region", "de", "qq")
	if !strings.Contains(stderr, `地区 de 中没有与 "qq" 匹配的内置服务商`) {
		t.Errorf("--region de qq in Chinese: %q", stderr)
	}
	// The details put the domain asked for first, then the main domains.
	_, out, _ := runProviders(t, "", "C", "-l", "hotmail.be")
	if !strings.Contains(out, "\thotmail.be, outlook.com, hotmail.com, live.com, msn.com, hotmail.ca … and 100 more\t") {
		t.Errorf("providers -l hotmail.be: domains not in order:\n%s", out)
	}
	_, out, _ = runProviders(t, "", "C", "-l", "outlook")
	if !strings.Contains(out, "\toutlook.com, hotmail.com, live.com, msn.com,") {
		t.Errorf("providers -l outlook: main domains not first:\n%s", out)
	}
}

// TestProvidersRegionEU checks that --region eu lists the providers of the
// EU's countries.
func TestProvidersRegionEU(t *testing.T) {
	t.Parallel()
	code, out, _ := runProviders(t, "", "C", "--region", "eu")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"\nGMX (gmx.net, gmx.de)\t", "\nWEB.DE\t", "\nOrange (Wanadoo)\t", "\nLibero Mail (Italiaonline)\t", "\nWP Poczta\t", "\nSeznam Email\t", "\nZoho Mail (EU)\t"} {
		if !strings.Contains(out, want) {
			t.Errorf("--region eu lacks %q", strings.TrimSpace(want))
		}
	}
	for _, not := range []string{"Gmail", "BT Email", "Proton"} {
		if strings.Contains(out, not) {
			t.Errorf("--region eu has %s", not)
		}
	}
}

// TestProvidersDetails checks --details: every help page, notes wrapped to
// the whole width, never cut, MX patterns as people read them.
func TestProvidersDetails(t *testing.T) {
	t.Parallel()
	_, out, _ := runProviders(t, "", "C", "--details", "qq.com")
	for _, want := range []string{"https://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=371", "https://service.mail.qq.com/detail/0/75"} {
		if !strings.Contains(out, want) {
			t.Errorf("QQ's help page %s missing:\n%s", want, out)
		}
	}
	_, out, _ = runProviders(t, "120", "C", "-l", "gmail")
	if !strings.Contains(out, "https://support.google.com/accounts/answer/185833") {
		t.Errorf("Google's app-password page missing:\n%s", out)
	}
	long := 0
	for _, l := range strings.Split(out, "\n") {
		if !strings.Contains(l, "https://") {
			long = max(long, columns.StringWidth(l))
		}
	}
	if long <= 100 {
		t.Errorf("at 120 columns no line is wider than %d: the notes do not use the width:\n%s", long, out)
	}
	checkFits(t, "gmail -l at 120", out, 120)
	for _, lang := range []string{"C", "zh_CN.UTF-8"} {
		for _, cols := range []int{60, 80} {
			_, out, _ := runProviders(t, map[int]string{60: "60", 80: "80"}[cols], lang, "-l", "proton")
			checkFits(t, lang+" proton -l", out, cols, "https://proton.me/support/protonmail-bridge-clients")
			if !strings.Contains(strings.ReplaceAll(out, "\n", " "), "1143") {
				t.Errorf("%s %d: Proton's Bridge ports missing:\n%s", lang, cols, out)
			}
		}
	}
	_, out, _ = runProviders(t, "80", "C", "-l", "icloud")
	if !strings.Contains(out, "mx0*.mail.icloud.com") || strings.Contains(out, "mx0?") {
		t.Errorf("iCloud's MX pattern not as people read it:\n%s", out)
	}
	_, out, _ = runProviders(t, "80", "C", "-l", "microsoft365")
	if !strings.Contains(out, "*.mail.protection.outlook.com") {
		t.Errorf("Microsoft 365's MX pattern missing:\n%s", out)
	}
}

// TestProvidersCSVEncoding checks that CSV opens in Excel: UTF-8 with a
// byte order mark by default, GBK on request, plain UTF-8 for scripts.
func TestProvidersCSVEncoding(t *testing.T) {
	t.Parallel()
	_, out, _ := runProviders(t, "", "C", "--csv", "163")
	if !strings.HasPrefix(out, "\ufeffid,name,") {
		t.Errorf("--csv does not start with a UTF-8 byte order mark: %q", out[:min(len(out), 20)])
	}
	if !strings.Contains(out, ",pop3 imap smtp\n") {
		t.Errorf("--csv lacks the turn_on column:\n%s", out)
	}
	_, out, _ = runProviders(t, "", "C", "--csv", "--csv-encoding", "utf-8", "163")
	if !strings.HasPrefix(out, "id,name,") {
		t.Errorf("--csv-encoding utf-8 starts %q", out[:min(len(out), 20)])
	}
	code, out, _ := runProviders(t, "", "zh_CN.UTF-8", "--csv-encoding", "GBK", "163")
	if code != 0 {
		t.Fatalf("--csv-encoding gbk: exit %d", code)
	}
	text, err := simplifiedchinese.GBK.NewDecoder().String(out)
	if err != nil || !strings.Contains(text, "网易163邮箱") || !strings.Contains(text, "授权码") || strings.Contains(out, "网易") {
		t.Errorf("--csv-encoding gbk: not GBK (%v): %q", err, out)
	}
	code, _, stderr := runProviders(t, "", "C", "--csv-encoding", "latin1")
	if code != ExitUsage || !strings.Contains(stderr, `--csv-encoding "latin1" is not one of: utf-8-bom, utf-8, gbk`) {
		t.Errorf("--csv-encoding latin1: exit %d, %q", code, stderr)
	}
	if code, _, _ := runProviders(t, "", "C", "--json", "--csv-encoding", "gbk"); code != ExitUsage {
		t.Errorf("--json --csv-encoding: exit %d, want 2", code)
	}
}

// TestProvidersGolden holds the quick reference as a desk sees it, at 60
// and 80 columns, in English and in Chinese: the compact view of a filter
// and of a region, and the details of providers with long notes and
// several help pages. No line is wider than the terminal (a help page
// alone on its line excepted), no sentence is cut, and every host and help
// page is whole.
func TestProvidersGolden(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		args  []string
		whole []string
	}{
		{"compact-qq", []string{"qq"}, []string{"pop.exmail.qq.com:995", "imap.exmail.qq.com:993", "smtp.exmail.qq.com:465"}},
		{"compact-eu", []string{"--region", "eu"}, []string{"securepop.t-online.de:995", "popmail.libero.it:995"}},
		{"details-qq", []string{"-l", "someone@qq.com"}, []string{"https://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=371", "https://service.mail.qq.com/detail/0/75"}},
		{"details-proton", []string{"--details", "proton"}, []string{"https://proton.me/support/protonmail-bridge-clients"}},
		{"details-gmail", []string{"-l", "gmail"}, []string{"https://support.google.com/mail/answer/7104828", "https://support.google.com/accounts/answer/185833"}},
	}
	for _, c := range cases {
		for _, lang := range []string{"en", "zh"} {
			for _, width := range []int{60, 80} {
				name := fmt.Sprintf("providers-%s-%s-%d", c.name, lang, width)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					locale := map[string]string{"en": "C", "zh": "zh_CN.UTF-8"}[lang]
					code, stdout, stderr := runProviders(t, strconv.Itoa(width), locale, c.args...)
					if code != 0 {
						t.Fatalf("exit %d: %s", code, stderr)
					}
					checkFits(t, name, stdout, width, c.whole...)
					golden(t, name, "$ popfind providers "+strings.Join(c.args, " ")+"\n"+stdout)
				})
			}
		}
	}
}
