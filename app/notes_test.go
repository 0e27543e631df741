package app

import (
	"strings"
	"testing"
)

// squeeze joins wrapped lines again: a note split across lines, English or
// Chinese, reads as one string.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// TestNotesSayOneThing checks that the general word on POP ("POP moves mail
// off the server unless…") appears only where a POP3 server is shown and
// the provider's own notes do not already say what becomes of mail on the
// server, before the help links; and that notes follow the protocols
// asked for.
func TestNotesSayOneThing(t *testing.T) {
	t.Parallel()
	const popCopy = `POPmovesmailofftheserverunless"leaveacopyofmessagesontheserver"isturnedon`
	tests := []struct {
		args      []string
		want, not []string
	}{
		// Outlook.com and Yandex keep mail; Gmail's and Zoho's POP
		// settings decide: the general word would contradict them.
		{args: []string{"someone@outlook.com"}, want: []string{"Outlook.comkeepsmessagesdownloadedbyPOP"}, not: []string{popCopy}},
		{args: []string{"someone@yandex.ru"}, want: []string{"Yandexkeepsacopy"}, not: []string{popCopy}},
		{args: []string{"someone@gmail.com"}, want: []string{"Gmail'sPOPsettingsdecide"}, not: []string{popCopy}},
		{args: []string{"someone@zoho.com"}, want: []string{"Zoho'sPOPsettings"}, not: []string{popCopy}},
		// Where the provider says nothing of it, the general word stays,
		// with the notes and before the help links.
		{args: []string{"someone@gmx.net"}, want: []string{popCopy + `inthemailclient;IMAPkeepsitthere.Help:`}},
		// A POP note, general or the provider's, needs POP3 shown.
		{args: []string{"--protocol", "imap,smtp", "someone@gmx.net"}, not: []string{popCopy}},
		{args: []string{"--protocol", "imap", "someone@gmail.com"}, want: []string{"OAuth2", "two-stepverification"}, not: []string{"POP"}},
		{args: []string{"--protocol", "imap", "someone@outlook.com"}, want: []string{"IMAPisoffuntilyouturniton"}, not: []string{"POP"}},
		// QQ's and NetEase's IMAP and SMTP are off until turned on too.
		{args: []string{"--protocol", "imap", "someone@qq.com"}, want: []string{"theIMAP/SMTPservice"}},
		{args: []string{"--protocol", "smtp", "someone@163.com"}, want: []string{"POP3/SMTPservice", "IMAP/SMTPservice"}},
		{args: []string{"--lang", "zh", "--protocol", "imap", "someone@126.com"}, want: []string{"“IMAP/SMTP服务”（用IMAP收信）"}},
	}
	for _, tt := range tests {
		args := append([]string{"--offline"}, tt.args...)
		code, stdout, stderr := run(t, "", args...)
		if code != 0 {
			t.Errorf("popfind %s: exit %d, stderr %s", strings.Join(args, " "), code, stderr)
			continue
		}
		got := squeeze(stdout)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("popfind %s: output lacks %q:\n%s", strings.Join(args, " "), w, stdout)
			}
		}
		for _, n := range tt.not {
			// Only the notes: the table names protocols and hosts.
			notes := got[strings.Index(got, "Provider")+1:]
			if strings.Contains(notes, n) {
				t.Errorf("popfind %s: output says %q:\n%s", strings.Join(args, " "), n, stdout)
			}
		}
	}
}
