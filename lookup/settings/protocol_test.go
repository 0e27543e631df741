package settings_test

import (
	"testing"

	"github.com/popfind/popfind/lookup/settings"
)

// A protocol is named by its label as a whole word only.
func TestProtocolNamedIn(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		p    settings.Protocol
		text string
		want bool
	}{
		{settings.POP3, "POP3: not found", true},
		{settings.POP3, "no POP3 server", true},
		{settings.POP3, "POP3S only", false},
		{settings.POP3, "_POP3 record", false},
		{settings.POP3, "POP3S and then POP3", true},
		{settings.IMAP, "no server", false},
		{settings.SMTP, "", false},
	} {
		if got := tt.p.NamedIn(tt.text); got != tt.want {
			t.Errorf("%s.NamedIn(%q) = %v, want %v", tt.p, tt.text, got, tt.want)
		}
	}
}
