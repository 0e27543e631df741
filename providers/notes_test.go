package providers

import (
	"slices"
	"strings"
	"testing"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
)

// notesFor returns the notes a lookup of protocol proto shows for the
// provider id, in English.
func notesFor(t *testing.T, id string, proto settings.Protocol) []string {
	t.Helper()
	for _, p := range Builtin().All() {
		if p.ID == id {
			var out []string
			for _, n := range p.Answer().Only(proto).Notes {
				out = append(out, i18n.English.Format(n))
			}
			return out
		}
	}
	t.Fatalf("no provider %q", id)
	return nil
}

// TestTurnOnFollowsProtocol checks that the providers whose IMAP and SMTP
// are off until turned on in the web mail say so when IMAP or SMTP is
// shown, not only POP3, and that a POP-only note stays with POP3.
func TestTurnOnFollowsProtocol(t *testing.T) {
	t.Parallel()
	turnsOn := func(notes []i18n.Msg, proto settings.Protocol) bool {
		return slices.ContainsFunc(notes, func(n i18n.Msg) bool { return slices.Contains(turnOnByNote[n.Key], proto) })
	}
	tab := Builtin()
	for _, c := range []struct {
		id     string
		protos []settings.Protocol
	}{
		{"qq", settings.AllProtocols},
		{"foxmail", settings.AllProtocols},
		{"netease-163", settings.AllProtocols},
		{"netease-126", settings.AllProtocols},
		{"netease-yeah", settings.AllProtocols},
		{"netease-188", settings.AllProtocols},
		{"outlook", []settings.Protocol{settings.POP3, settings.IMAP}},
		{"alimail", []settings.Protocol{settings.POP3, settings.SMTP}},
		// Tencent's client page (WeCom help 19886): the POP/SMTP and
		// IMAP/SMTP services are off until the member turns one on.
		{"exmail", settings.AllProtocols},
	} {
		var p *Provider
		for _, x := range tab.All() {
			if x.ID == c.id {
				p = x
			}
		}
		if p == nil {
			t.Errorf("no provider %q", c.id)
			continue
		}
		for _, proto := range c.protos {
			if !turnsOn(p.Answer().Only(proto).Notes, proto) {
				t.Errorf("%s, %s shown: no note says to turn %s on first", c.id, proto, proto)
			}
			if !slices.Contains(p.TurnOn(), proto) {
				t.Errorf("%s: TurnOn() = %v, lacks %s", c.id, p.TurnOn(), proto)
			}
		}
	}
	// Gmail's POP settings are no news to someone who asked for IMAP.
	for _, n := range notesFor(t, "gmail", settings.IMAP) {
		if strings.Contains(n, "POP") {
			t.Errorf("gmail, IMAP shown: note about POP: %q", n)
		}
	}
}

// TestLoginAdviceIsCurrent checks the login notes against what the
// providers' own pages say today.
func TestLoginAdviceIsCurrent(t *testing.T) {
	t.Parallel()
	// Google ended password-only access: an app password needs two-step
	// verification, or the client signs in with OAuth2. No note may say
	// that the account password works without two-step verification.
	gmail := strings.Join(notesFor(t, "gmail", settings.POP3), "\n")
	for _, want := range []string{"two-step verification", "app password", "OAuth2", "no longer"} {
		if !strings.Contains(gmail, want) {
			t.Errorf("gmail notes lack %q:\n%s", want, gmail)
		}
	}
	if strings.Contains(gmail, i18n.English.Format(i18n.M(i18n.NoteAppPassword))) {
		t.Errorf("gmail notes imply the account password works without two-step verification:\n%s", gmail)
	}
	for _, c := range []struct {
		id, login string
	}{
		{"gmail", "app_password"},
		{"yahoo", "app_password"},        // SLN15241: every client not using Yahoo's sign-in page
		{"aol", "app_password"},          // AOL's app-password page says the same
		{"icloud", "app_password"},       // Apple 102654
		{"yandex", "app_password"},       // Yandex's app-password page: mail clients
		{"outlook", "oauth2"},            // Microsoft: Outlook.com requires OAuth2
		{"gmx", "app_password_with_2fa"}, // GMX, once two-factor authentication is on
		{"zoho", "app_password_with_2fa"},
		{"qq", "auth_code"},
		{"exmail", "client_password"}, // WeCom help 19886: 客户端专用密码 once secure login is on
		{"mailru", "app_password"},    // Mail.ru's SMTP server: "Application password is REQUIRED"
	} {
		for _, p := range Builtin().All() {
			if p.ID == c.id && p.Login() != c.login {
				t.Errorf("%s: Login() = %q, want %q", c.id, p.Login(), c.login)
			}
		}
	}
}
