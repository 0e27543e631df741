package app

import (
	"slices"

	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

// popCopyNote reports whether the general word on POP (mail leaves the
// server unless the client keeps a copy) belongs under a result: a POP3
// server is shown, and neither the provider's notes nor its server settings
// say already what happens to a message on the server once downloaded.
// Outlook.com and Yandex keep it, Gmail's and Zoho's POP settings decide:
// the general word would contradict them.
func popCopyNote(res *lookup.Result) bool {
	r := res.Get(lookup.POP3)
	if r == nil || !r.Found || r.Answer == nil {
		return false
	}
	if s := r.Server(); s != nil && s.LeaveMessagesOnServer != nil {
		return false
	}
	return !slices.ContainsFunc(r.Answer.Notes, settings.SaysPOPRetention)
}
