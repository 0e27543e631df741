package settings

import (
	"slices"
	"testing"

	"github.com/popfind/popfind/i18n"
)

// TestOnlyKeepsNotesOfItsProtocol checks that a note about one protocol
// stays with that protocol's part of an answer: Gmail's POP settings are no
// news to someone who asked for IMAP, and turning SMTP on is news only to
// someone who sends.
func TestOnlyKeepsNotesOfItsProtocol(t *testing.T) {
	t.Parallel()
	pop := []string{
		i18n.NoteEnablePOP, i18n.NoteWorkspaceAdmin, i18n.NoteGmailPOP, i18n.NoteOutlookPOP,
		i18n.NoteYandexPOP, i18n.NoteZohoPOP, i18n.NoteLeaveOnServer, i18n.NoteLeaveOnServerFor,
		i18n.NoteDeleteOnServer,
	}
	imapOnly := []string{i18n.NoteEnableIMAP}
	smtpOnly := []string{i18n.NoteEnableSMTP}
	// Notes about the account, or about every protocol at once.
	account := []string{
		i18n.NoteAuthCode, i18n.NoteAppPassword, i18n.NoteAppPasswordAlways, i18n.NoteOAuth2Only,
		i18n.NoteClientPassword, i18n.NoteEmailPassword, i18n.NoteExternalPassword,
		i18n.NoteThirdPartyAccess, i18n.NoteZohoFreeNoPOP, i18n.NoteEnableClients,
		i18n.NoteEnableServices, i18n.NoteGmailLogin, i18n.NoteOAuth2OrAppPass,
		i18n.NoteICloudAppPassword,
	}
	var all []i18n.Msg
	for _, keys := range [][]string{pop, imapOnly, smtpOnly, account} {
		for _, k := range keys {
			all = append(all, i18n.M(k))
		}
	}
	a := &Answer{Notes: all}
	want := map[Protocol][]string{
		POP3: slices.Concat(pop, account),
		IMAP: slices.Concat(imapOnly, account),
		SMTP: slices.Concat(smtpOnly, account),
	}
	for _, p := range AllProtocols {
		var got []string
		for _, n := range a.Only(p).Notes {
			got = append(got, n.Key)
		}
		slices.Sort(got)
		w := slices.Clone(want[p])
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("Only(%s) notes = %v, want %v", p, got, w)
		}
	}
}

// TestSaysPOPRetention names the notes that say what becomes of a message
// on the server after a POP download, and a few that do not.
func TestSaysPOPRetention(t *testing.T) {
	t.Parallel()
	for _, k := range []string{i18n.NoteOutlookPOP, i18n.NoteYandexPOP, i18n.NoteGmailPOP, i18n.NoteZohoPOP, i18n.NoteDeleteOnServer} {
		if !SaysPOPRetention(i18n.M(k)) {
			t.Errorf("SaysPOPRetention(%s) = false", k)
		}
	}
	for _, k := range []string{i18n.NoteEnablePOP, i18n.NoteAuthCode, i18n.NoteGmailLogin, i18n.NoteEnableServices} {
		if SaysPOPRetention(i18n.M(k)) {
			t.Errorf("SaysPOPRetention(%s) = true", k)
		}
	}
}
