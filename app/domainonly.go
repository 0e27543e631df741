package app

import (
	"strings"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

// showPatterns rewrites the login names of res, the lookup of a bare
// domain (addr.DomainOnly), as patterns: the address that stood for the
// domain's every address, filled in where the address or its local part
// goes, becomes <address> or <local part> in the reader's language for a
// person, and the placeholders %EMAILADDRESS% and %EMAILLOCALPART% in JSON.
// res is the caller's own copy.
func showPatterns(res *lookup.Result, addr settings.Address, opts *options) {
	address, local := settings.PlaceholderAddress, settings.PlaceholderLocal
	if !opts.json {
		address, local = opts.lang.Sprintf(i18n.UserAddressPattern), opts.lang.Sprintf(i18n.UserLocalPattern)
	}
	// The whole address first: its local part is the placeholder.
	r := strings.NewReplacer(addr.String(), address, addr.Local+"@"+addr.Domain, address, addr.Local, local)
	rewrite := func(a *lookup.Answer) {
		if a == nil {
			return
		}
		for i := range a.Servers {
			a.Servers[i].Username = r.Replace(a.Servers[i].Username)
		}
	}
	for _, p := range res.All() {
		rewrite(p.Answer)
		for i := range p.Attempts {
			rewrite(p.Attempts[i].Answer)
		}
	}
}
