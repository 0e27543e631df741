package app

import (
	"strings"
	"testing"

	"github.com/popfind/popfind/i18n"
)

// TestWrapNeverSplitsAWord checks that a URL or a host name longer than the
// space left goes on a line of its own, whole, at every width, and that
// every other line fits.
func TestWrapNeverSplitsAWord(t *testing.T) {
	t.Parallel()
	url := "https://help.mail.163.com/faqDetail.do?code=d7a5dc8471cd0c0e8b4b8f4f8e49998b374173cfe9171305fa1ce630d7f67ac21b87735d7227c217"
	texts := []struct {
		text   string
		indent int
		words  []string
	}{
		{"Help: " + url, 6, []string{url}},
		{"帮助：" + url, 6, []string{url}},
		{"Help: https://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=371", 6, []string{"https://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=371"}},
		{"Also (SMTP): smtp.qq.com:587 STARTTLS; smtp.exmail.qq.com:465 SSL/TLS", 13, []string{"smtp.qq.com:587", "smtp.exmail.qq.com:465"}},
		{"Host:     smtp.qq.com", 10, []string{"smtp.qq.com"}},
		{"来源：autoconfig（https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=someone%40example.com）", 6,
			[]string{"https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=someone%40example.com"}},
	}
	for _, tt := range texts {
		for width := 20; width <= 160; width++ {
			got := wrap(tt.text, width, tt.indent)
			for _, w := range tt.words {
				if !strings.Contains(got, w) {
					t.Errorf("width %d: %q is split:\n%s", width, w, got)
				}
			}
			for _, l := range strings.Split(got, "\n") {
				if columns.StringWidth(l) > width && len(strings.Fields(l)) > 1 {
					t.Errorf("width %d: line %q is wider and holds more than one word", width, l)
				}
				// A word alone on a line wider than the screen starts at
				// column 0: indented, the terminal would split a word that
				// fits the screen.
				if columns.StringWidth(l) > width && strings.HasPrefix(l, " ") {
					t.Errorf("width %d: line %q is wider, and indented", width, l)
				}
			}
		}
	}
	// The example: at 20 columns, smtp.qq.com (11 columns) after a
	// 10-column indent would be 21 columns and show as "smtp.qq.co" / "m".
	if got, want := wrap("Host:     smtp.qq.com", 20, 10), "Host:\nsmtp.qq.com"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A line's own indent gives way the same way, when the word then fits.
	if got, want := wrap("      smtp.qq.com:587 STARTTLS", 20, 6), "smtp.qq.com:587\n      STARTTLS"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestWrapKeepsRFCNumber checks that "RFC" and its number stay on one line.
func TestWrapKeepsRFCNumber(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"Warning: SRV target pop.verify.example is outside the domain srvall.example (RFC 6186 §6): make sure",
		"警告：SRV 目标 imap.verify.example 不在域名 srvall.example 之内（RFC 6186 §6）：请确认",
	} {
		for width := 20; width <= 100; width++ {
			got := wrap(text, width, 9)
			if !strings.Contains(got, "RFC 6186") {
				t.Errorf("width %d: RFC 6186 split:\n%s", width, got)
			}
		}
	}
	// Not a word that merely ends in RFC.
	if got := wrap("xRFC 6186", 5, 0); got != "xRFC\n6186" {
		t.Errorf("got %q", got)
	}
}

// TestWrapChinese checks that Chinese breaks between any two characters,
// filling each line, and that no line begins with closing punctuation or
// ends with opening punctuation.
func TestWrapChinese(t *testing.T) {
	t.Parallel()
	// The example: a break only at the space left half a line
	// empty ("说明：企业账号的 POP" / "可能已被管理员统一关闭").
	got := wrap("说明：企业账号的 POP 可能已被管理员统一关闭，请联系管理员。", 29, 6)
	want := "说明：企业账号的 POP 可能已被\n      管理员统一关闭，请联系\n      管理员。"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	texts := []string{
		i18n.Chinese.Sprintf(i18n.LblNote) + "：" + i18n.Chinese.Sprintf(i18n.LblPOPCopy),
		i18n.Chinese.Sprintf(i18n.LblWarning) + "：" + i18n.Chinese.Sprintf(i18n.NoDirectProton),
		"提示：客户端登录时请使用（授权码）「在网页版邮箱设置中生成」的『授权码』，而不是邮箱登录密码；请先开启“POP3/SMTP 服务”。",
	}
	for _, text := range texts {
		for width := 12; width <= 100; width++ {
			lines := strings.Split(wrap(text, width, 6), "\n")
			for i, l := range lines {
				body := strings.TrimLeft(l, " ")
				if columns.StringWidth(l) > width && len(strings.Fields(l)) > 1 {
					t.Errorf("width %d: %q is %d columns", width, l, columns.StringWidth(l))
				}
				if i > 0 && noLineStart(firstRune(body)) {
					t.Errorf("width %d: line %d begins with punctuation: %q", width, i+1, l)
				}
				if i < len(lines)-1 && noLineEnd(lastRune(body)) {
					t.Errorf("width %d: line %d ends with opening punctuation: %q", width, i+1, l)
				}
				// A line of Chinese is filled: the next line's first
				// character (with what must stay with it) would not fit.
				if i < len(lines)-1 {
					next := atoms(strings.TrimLeft(lines[i+1], " "))[0]
					if wide(lastRune(l)) && wide(firstRune(next.text)) && columns.StringWidth(l)+next.width <= width {
						t.Errorf("width %d: line %d %q has room for %q", width, i+1, l, next.text)
					}
				}
			}
			if joined := strings.ReplaceAll(strings.Join(lines, ""), " ", ""); joined != strings.ReplaceAll(text, " ", "") {
				t.Errorf("width %d: text changed: %q", width, joined)
			}
		}
	}
}

// TestWrapKeepsIndentAndEscapes checks that a line's own indent and the
// spaces that align help text stay, and that colour escapes take no room.
func TestWrapKeepsIndentAndEscapes(t *testing.T) {
	t.Parallel()
	got := wrap("   --timeout value  stop after this long and say what was found", 44, 21)
	if want := "   --timeout value  stop after this long and\n                     say what was found"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	s := style{on: true}
	got = wrap(s.yellow("Warning: one two three four five six"), 20, 9)
	for _, l := range strings.Split(got, "\n") {
		if textWidth(l) > 20 {
			t.Errorf("%q is %d columns", l, textWidth(l))
		}
	}
	if stripEscapes(got) != "Warning: one two\n         three four\n         five six" {
		t.Errorf("got %q", stripEscapes(got))
	}
}
