package app

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/providers"
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
// its POP3, IMAP and SMTP host:port, login and what to turn on first, in
// words and aligned when that fits, in codes and marks with a legend when
// it does not, wrapped between items (never inside a host) on a narrow
// screen; piped, one tab-separated line per provider, in words.
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
					checkFits(t, name, out, w, "securepop.t-online.de", "secureimap.t-online.de", "securesmtp.t-online.de")
				}
			}
		}
	}
	_, out, _ = runProviders(t, "80", "zh_CN.UTF-8", "腾讯")
	for _, want := range []string{"C  QQ邮箱        *pop.qq.com  *imap.qq.com  *smtp.qq.com\n", "腾讯企业邮", "Foxmail", "C 授权码", "* 需先在网页邮箱中开启"} {
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
	if !strings.Contains(out, "\thotmail.be, outlook.com, hotmail.com, live.com, msn.com, hotmail.ca, ") {
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
		{"compact-qq", []string{"qq"}, []string{"*pop.exmail.qq.com", "*imap.exmail.qq.com", "*smtp.exmail.qq.com"}},
		{"compact-eu", []string{"--region", "eu"}, []string{"securepop.t-online.de", "popmail.libero.it", "pop.tim.it:110"}},
		{"compact-all", nil, []string{"smtp-mail.outlook.com:587", "pop3.blueyonder.co.uk", "imap4.blueyonder.co.uk", "smtp.blueyonder.co.uk"}},
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
					golden(t, name, "$ "+strings.Join(append([]string{"popfind", "providers"}, c.args...), " ")+"\n"+stdout)
				})
			}
		}
	}
}

// compactRows splits the compact view into its rows, a row's continuation
// lines (indented) joined to it, and the legend below the blank line.
func compactRows(t *testing.T, out string) (rows [][]string, legend []string) {
	t.Helper()
	body, legendText, ok := strings.Cut(out, "\n\n")
	if !ok {
		t.Fatalf("no legend below the rows:\n%s", out)
	}
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, " ") && len(rows) > 0 {
			rows[len(rows)-1] = append(rows[len(rows)-1], l)
			continue
		}
		rows = append(rows, []string{l})
	}
	return rows, strings.Split(strings.TrimRight(legendText, "\n"), "\n")
}

// TestProvidersCompactOneLine checks the quick reference a desk keeps open
// at 80 columns: for every provider of the table, and of each region, in
// English and in Chinese, one line no wider than 80, that begins with its
// login code and holds each of its POP3, IMAP and SMTP hosts whole (or the
// mark of the same host as the one before, of a protocol not offered or
// not listed). No two rows show the same name, and a shortened name never
// reads as another row's: a row whose shorter names would do so keeps what
// tells it apart, and may take a second line for that, which holds only
// hosts. At 60 columns a row may take a second line, but no line is wider
// and no host is split. Below the rows, a legend says what every code and
// mark in them means.
func TestProvidersCompactOneLine(t *testing.T) {
	t.Parallel()
	table := providers.Builtin()
	regions := append([]string{""}, table.Regions()...)
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		locale := map[i18n.Lang]string{i18n.English: "C", i18n.Chinese: "zh_CN.UTF-8"}[lang]
		for _, region := range regions {
			list := table.Filter("")
			args := []string{}
			if region != "" {
				list = providers.InRegion(list, region)
				args = []string{"--region", region}
			}
			for _, width := range []int{80, 60} {
				name := fmt.Sprintf("%s %d --region %q", lang, width, region)
				code, out, stderr := runProviders(t, strconv.Itoa(width), locale, args...)
				if code != 0 {
					t.Fatalf("%s: exit %d: %s", name, code, stderr)
				}
				if header := i18n.Lang(lang).Sprintf(i18n.HdrName) + "  "; strings.HasPrefix(out, header) {
					// The whole table fits in words: aligned columns.
					lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
					if len(lines) != 1+len(list) {
						t.Errorf("%s: %d lines for %d providers:\n%s", name, len(lines), len(list), out)
					}
					checkFits(t, name, out, width)
					continue
				}
				rows, legend := compactRows(t, out)
				if len(rows) != len(list) {
					t.Fatalf("%s: %d rows for %d providers:\n%s", name, len(rows), len(list), out)
				}
				shown := map[string]string{}
				for i, p := range list {
					row := rows[i]
					fields := strings.Fields(strings.Join(row, " "))
					if len(fields) < 4 {
						t.Fatalf("%s: %s: row %q", name, p.ID, row)
					}
					// The name is what comes between the code and the hosts.
					got := strings.Join(fields[1:len(fields)-3], " ")
					if other, ok := shown[nameKey(got)]; ok {
						t.Errorf("%s: %s and %s both show %q", name, other, p.ID, got)
					}
					shown[nameKey(got)] = p.ID
					whole := displayName(p, lang)
					if got != whole {
						for _, q := range list {
							for _, f := range nameForms(displayName(q, lang)) {
								if q != p && nameKey(f) == nameKey(got) {
									t.Errorf("%s: %s shows %q, which reads as %s (%q)", name, p.ID, got, q.ID, displayName(q, lang))
								}
							}
						}
					}
					if width == 80 && len(row) != 1 {
						if !keepsQualifier(p, list, lang) || len(row) > 2 {
							t.Errorf("%s: %s takes %d lines: %q", name, p.ID, len(row), row)
						}
						if hosts := strings.Fields(row[1]); !slices.Equal(hosts, fields[len(fields)-len(hosts):]) || len(hosts) > 3 {
							t.Errorf("%s: %s: the second line holds more than hosts: %q", name, p.ID, row)
						}
					}
					for _, l := range row {
						if w := columns.StringWidth(l); w > width {
							t.Errorf("%s: %s: line %d columns wide: %q", name, p.ID, w, l)
						}
					}
					if want := compactCode(p); fields[0] != want {
						t.Errorf("%s: %s: row starts %q, want its login code %q: %q", name, p.ID, fields[0], want, row)
					}
					hosts := fields[len(fields)-3:]
					prev := ""
					for j, proto := range settings.AllProtocols {
						got := strings.TrimPrefix(hosts[j], markTurnOn)
						if turnOn := slices.Contains(p.TurnOn(), proto); turnOn != strings.HasPrefix(hosts[j], markTurnOn) {
							t.Errorf("%s: %s: %s is %q, turn on first %v", name, p.ID, proto, hosts[j], turnOn)
						}
						want := markNotListed
						switch servers := p.Offers(proto); {
						case len(servers) > 0:
							want = servers[0].Host
							if servers[0].Port != proto.DefaultPort(settings.SSL) {
								want += ":" + strconv.Itoa(servers[0].Port)
							}
							if want == prev {
								want = markDitto
							}
							prev = servers[0].Host
							if servers[0].Port != proto.DefaultPort(settings.SSL) {
								prev = want
							}
						case !slices.Contains(p.Unlisted, proto):
							want = markNotOffered
						}
						if len(p.Offers(proto)) == 0 {
							prev = ""
						}
						if got != want {
							t.Errorf("%s: %s: %s is %q, want %q: %q", name, p.ID, proto, got, want, row)
						}
					}
				}
				for _, l := range legend {
					if w := columns.StringWidth(l); w > width {
						t.Errorf("%s: legend line %d columns wide: %q", name, w, l)
					}
				}
				said := strings.Join(legend, " ")
				for _, r := range rows {
					for _, f := range strings.Fields(strings.Join(r, " ")) {
						for _, m := range []string{markTurnOn, markDitto, markNotOffered, markNotListed} {
							if strings.Contains(f, m) && !strings.Contains(said, m+" ") {
								t.Errorf("%s: the legend does not say what %s means:\n%s", name, m, said)
							}
						}
					}
					if c := strings.Fields(r[0])[0]; c != markNotOffered && !strings.Contains(said, c+" ") {
						t.Errorf("%s: the legend does not say what login code %s means:\n%s", name, c, said)
					}
				}
			}
		}
	}
}

// keepsQualifier says whether a shorter form of p's name reads as a form
// of the name of another provider of list: Zoho Mail (organization, EU)
// beside Zoho Mail (EU), Yahoo! JAPAN Mail beside Yahoo Mail.
func keepsQualifier(p *providers.Provider, list []*providers.Provider, lang i18n.Lang) bool {
	forms := nameForms(displayName(p, lang))
	for _, q := range list {
		if q == p {
			continue
		}
		for _, f := range forms[1:] {
			for _, g := range nameForms(displayName(q, lang)) {
				if nameKey(f) == nameKey(g) {
					return true
				}
			}
		}
	}
	return false
}

// compactCode is the login code the compact view gives p.
func compactCode(p *providers.Provider) string {
	if len(p.Servers) == 0 {
		return markNotOffered
	}
	for _, c := range loginCodes {
		if c.login == p.Login() {
			return c.code
		}
	}
	return "?"
}

// TestCompactHost checks how the compact view words a server: no port when
// it is the protocol's implicit-TLS port, ":587" for STARTTLS on the
// submission port, the mode after any other port, the turn-on-first mark,
// and the marks of a protocol not offered or not listed.
func TestCompactHost(t *testing.T) {
	t.Parallel()
	byID := map[string]*providers.Provider{}
	for _, p := range providers.Builtin().Filter("") {
		byID[p.ID] = p
	}
	odd := &providers.Provider{Servers: []settings.Server{
		{Protocol: settings.SMTP, Host: "smtp.odd.example", Port: 25, SocketType: settings.Plain},
		{Protocol: settings.IMAP, Host: "imap.odd.example", Port: 993, SocketType: settings.STARTTLS},
	}, Unlisted: []settings.Protocol{settings.POP3}}
	tests := []struct {
		p     *providers.Provider
		proto settings.Protocol
		want  string
	}{
		{byID["gmail"], settings.POP3, "*pop.gmail.com"},
		{byID["gmail"], settings.SMTP, "smtp.gmail.com"},
		{byID["icloud"], settings.POP3, markNotOffered},
		{byID["icloud"], settings.SMTP, "smtp.mail.me.com:587"},
		{byID["qq"], settings.IMAP, "*imap.qq.com"},
		{odd, settings.POP3, markNotListed},
		{odd, settings.IMAP, "imap.odd.example:993/starttls"},
		{odd, settings.SMTP, "smtp.odd.example:25/plain"},
	}
	for _, c := range tests {
		if c.p == nil {
			t.Fatalf("no provider for %q", c.want)
		}
		if got := compactHost(c.p, c.proto); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.p.ID, c.proto, got, c.want)
		}
	}
}

// TestCompactNames checks the forms of a name the compact view may show,
// and that it shows the whole name when there is room: on a wide screen,
// and on a narrow one where a row that cannot be one line is wrapped
// whole rather than cut down.
func TestCompactNames(t *testing.T) {
	t.Parallel()
	for name, want := range map[string][4]string{
		"Zoho Mail (organization, EU)": {"Zoho Mail (organization, EU)", "Zoho Mail", "Zoho Mail", "Zoho"},
		"Foxmail 邮箱（QQ邮箱）":             {"Foxmail 邮箱（QQ邮箱）", "Foxmail 邮箱", "Foxmail 邮箱", "Foxmail"},
		"Yahoo! JAPAN Mail":            {"Yahoo! JAPAN Mail", "Yahoo! JAPAN Mail", "Yahoo! JAPAN", "Yahoo!"},
		"Gmail":                        {"Gmail", "Gmail", "Gmail", "Gmail"},
	} {
		if got := nameForms(name); got != want {
			t.Errorf("nameForms(%q) = %q, want %q", name, got, want)
		}
	}
	virgin := [][]string{{"virginmedia.com"}, {"virgin.net"}, {"blueyonder.co.uk"}}
	for _, c := range []struct {
		name   string
		others [][]string
		want   string
	}{
		{"Zoho Mail (organization, EU)", nil, "Zoho Mail (org, EU)"},
		{"Zoho Mail (organization)", nil, "Zoho Mail (org)"},
		{"Zoho Mail (EU)", nil, ""},
		{"Virgin Media (ntlworld.com)", virgin, "Virgin Media (ntlworld)"},
		// What is left of the domain is in the name already.
		{"Virgin Media (virgin.net)", virgin, ""},
		// Sina Mail has sina.com: sina.cn keeps its .cn.
		{"新浪邮箱（sina.cn）", [][]string{{"sina.com"}}, ""},
		{"网易VIP邮箱（vip.163.com）", [][]string{{"vip.126.com"}}, "网易VIP邮箱（vip.163）"},
		{"Gmail", nil, ""},
	} {
		if got := qualify(c.name, c.others); got != c.want {
			t.Errorf("qualify(%q) = %q, want %q", c.name, got, c.want)
		}
	}
	// Zoho's EU organizations keep what tells them from Zoho's EU
	// personal accounts, and Yahoo! JAPAN Mail what tells it from Yahoo.
	for _, c := range []struct{ args, want []string }{
		{[]string{"--region", "eu"}, []string{"2  Zoho Mail (EU) ", "2  Zoho Mail (org, EU) "}},
		{[]string{"yahoo"}, []string{"P  Yahoo Mail ", " Yahoo! JAPAN "}},
		{nil, []string{"A  Virgin Media (ntlworld) ", "A  Virgin Media (blueyonder.co.uk) "}},
	} {
		_, out, _ := runProviders(t, "80", "C", c.args...)
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%q at 80: no %q:\n%s", c.args, w, out)
			}
		}
	}
	// T-Online's hosts leave room at 80 columns for its short name only,
	// with single spaces; at 60 it wraps, its name whole.
	_, out, _ := runProviders(t, "80", "C", "t-online")
	if !strings.HasPrefix(out, "M  T-Online securepop.t-online.de secureimap.t-online.de securesmtp.t-online.de\n") {
		t.Errorf("t-online at 80:\n%s", out)
	}
	_, out, _ = runProviders(t, "60", "C", "t-online")
	if !strings.HasPrefix(out, "M  T-Online (Telekom)  securepop.t-online.de\n   secureimap.t-online.de  securesmtp.t-online.de\n") {
		t.Errorf("t-online at 60:\n%s", out)
	}
	_, out, _ = runProviders(t, "120", "C", "t-online")
	if !strings.HasPrefix(out, "M  T-Online (Telekom)  securepop.t-online.de  secureimap.t-online.de  securesmtp.t-online.de\n") {
		t.Errorf("t-online at 120:\n%s", out)
	}
}

// TestProvidersDetailsEveryDomain checks that the details, which a person
// asked for, list every domain of a provider, wrapped, and never say "…
// and N more".
func TestProvidersDetailsEveryDomain(t *testing.T) {
	t.Parallel()
	var outlook *providers.Provider
	for _, p := range providers.Builtin().Filter("outlook") {
		if p.ID == "outlook" {
			outlook = p
		}
	}
	if outlook == nil || len(outlook.Domains) < 50 {
		t.Fatalf("outlook has not the many domains this test needs: %v", outlook)
	}
	for _, c := range []struct{ cols, locale string }{{"80", "C"}, {"60", "zh_CN.UTF-8"}, {"", "C"}} {
		_, out, _ := runProviders(t, c.cols, c.locale, "-l", "outlook.com")
		more := strings.TrimSuffix(i18n.English.Sprintf(i18n.LblAndMore, "1"), " 1 more")
		if strings.Contains(out, more) || strings.Contains(out, "……") {
			t.Errorf("%s %s: the details cut the domains:\n%s", c.cols, c.locale, out)
		}
		words := strings.FieldsFunc(out, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == ',' || r == '、' })
		for _, d := range outlook.Domains {
			if !slices.Contains(words, d) {
				t.Errorf("%s %s: domain %s is not listed whole", c.cols, c.locale, d)
			}
		}
		if c.cols != "" {
			w, _ := strconv.Atoi(c.cols)
			checkFits(t, "outlook -l", out, w)
		}
	}
}

// TestProvidersRegionNames checks that the help and the error for an
// unknown region name the same regions, every one of which --region
// accepts: gb, and uk as people also write it.
func TestProvidersRegionNames(t *testing.T) {
	t.Parallel()
	codes := regexp.MustCompile(`\b[a-z]{2,4}\b`)
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		locale := map[i18n.Lang]string{i18n.English: "C", i18n.Chinese: "zh_CN.UTF-8"}[lang]
		_, _, stderr := runProviders(t, "", locale, "--region", "xx")
		known := stderr[strings.LastIndex(stderr, "：")+1:]
		if lang == i18n.English {
			known = stderr[strings.Index(stderr, "known: ")+7:]
		}
		known = strings.SplitN(known, "\n", 2)[0]
		listed := codes.FindAllString(known, -1)
		if !slices.Contains(listed, "gb") || !slices.Contains(listed, "uk") {
			t.Errorf("%s: the error does not name gb and uk: %q", lang, known)
		}
		for _, help := range []string{lang.Sprintf(i18n.FlagRegion), lang.Sprintf(i18n.CmdProvidersDesc)} {
			i := strings.Index(help, "cn")
			j := strings.Index(help[i:], "eu")
			for _, c := range codes.FindAllString(help[i:i+j], -1) {
				if c == "or" {
					continue
				}
				if !slices.Contains(listed, c) {
					t.Errorf("%s: the help names region %q, the error does not: %q", lang, c, known)
				}
			}
		}
		for _, c := range listed {
			if c == "or" {
				continue
			}
			if code, _, stderr := runProviders(t, "", locale, "--region", c); code != 0 {
				t.Errorf("%s: --region %s, which the error lists: exit %d, %s", lang, c, code, stderr)
			}
		}
	}
}
