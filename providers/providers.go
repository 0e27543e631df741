// Package providers holds popfind's built-in table of mail providers and the
// offline source that answers from it.
package providers

import (
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
)

// Provider is one entry of the built-in table.
type Provider struct {
	ID     string
	Name   string
	NameZH string // the name Chinese-speaking users know it by, when it has one
	// Region is where the provider's users are: an ISO 3166 country code
	// in lower case (cn, de, us), eu for the European Union, or intl for a
	// service used the world over.
	Region string
	// Domains are the email domains the provider hosts, in A-label form.
	Domains []string
	// MX lists glob patterns (path.Match syntax, lowercase, no trailing dot)
	// for the MX hosts of domains hosted at the provider.
	MX []string
	// Servers are its POP3, IMAP and SMTP servers, the preferred of each
	// protocol first. Usernames hold autoconfig placeholders such as
	// %EMAILADDRESS%.
	Servers []settings.Server
	// Without says, by protocol, why the provider does not offer it (iCloud
	// has no POP3). Every protocol has servers or a reason here.
	Without map[settings.Protocol]i18n.Msg
	// Unlisted are the protocols the table does not answer for, because
	// no source it rests on names their servers: other sources decide.
	Unlisted []settings.Protocol
	Notes    []i18n.Msg
	// Docs are the provider's own help pages; the first is the page the
	// entry was checked against.
	Docs []string
}

// Answer returns the provider's settings as a lookup answer.
func (p *Provider) Answer() *settings.Answer {
	a := &settings.Answer{
		Provider: &settings.Provider{ID: p.ID, Name: p.Name, NameZH: p.NameZH},
		Notes:    append([]i18n.Msg(nil), p.Notes...),
		Docs:     append([]string(nil), p.Docs...),
	}
	for _, s := range p.Servers {
		s.Auth = append([]string(nil), s.Auth...)
		a.Servers = append(a.Servers, s)
	}
	for proto, why := range p.Without {
		why := why
		a.Part(proto).NotOffered = &why
	}
	for _, proto := range p.Unlisted {
		m := i18n.M(i18n.NFBuiltinUnlisted, p.Name, proto.Label())
		a.Part(proto).Missing = &m
	}
	return a
}

// Table is a set of providers indexed by domain.
type Table struct {
	providers []*Provider
	byDomain  map[string]*Provider
	// answers holds each provider's Answer, made once: answers are never
	// changed once made, so one serves every lookup.
	answers map[*Provider]*settings.Answer
}

// NewTable indexes providers. Later entries never replace earlier ones for a
// domain; the table's own test rejects duplicates.
func NewTable(providers []*Provider) *Table {
	t := &Table{providers: providers, byDomain: map[string]*Provider{}, answers: map[*Provider]*settings.Answer{}}
	for _, p := range providers {
		t.answers[p] = p.Answer()
		for _, d := range p.Domains {
			if _, ok := t.byDomain[d]; !ok {
				t.byDomain[d] = p
			}
		}
	}
	return t
}

// Builtin returns the built-in table.
func Builtin() *Table { return NewTable(builtin()) }

// All returns every provider, in table order.
func (t *Table) All() []*Provider { return t.providers }

// ByDomain returns the provider hosting domain (A-label, lowercase).
func (t *Table) ByDomain(domain string) (*Provider, bool) {
	p, ok := t.byDomain[strings.TrimSuffix(domain, ".")]
	return p, ok
}

// ByMX returns the provider whose MX patterns match host.
func (t *Table) ByMX(host string) (*Provider, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, p := range t.providers {
		for _, pat := range p.MX {
			if ok, _ := path.Match(pat, host); ok {
				return p, true
			}
		}
	}
	return nil, false
}

// Offers returns p's servers of protocol proto, the preferred first.
func (p *Provider) Offers(proto settings.Protocol) []settings.Server {
	var out []settings.Server
	for _, s := range p.Servers {
		if s.Protocol == proto {
			out = append(out, s)
		}
	}
	return out
}

// Filter returns the providers whose id, names, domains or server hosts
// contain q, case-insensitively. An empty q matches every provider.
func (t *Table) Filter(q string) []*Provider {
	q = strings.ToLower(strings.TrimSpace(q))
	var out []*Provider
	for _, p := range t.providers {
		if q == "" || p.matches(q) {
			out = append(out, p)
		}
	}
	return out
}

func (p *Provider) matches(q string) bool {
	fields := []string{p.ID, p.Name, p.NameZH}
	fields = append(fields, p.Domains...)
	for _, s := range p.Servers {
		fields = append(fields, s.Host)
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), q) {
			return true
		}
	}
	return false
}

// Domains returns every domain in the table, sorted.
func (t *Table) Domains() []string {
	out := make([]string, 0, len(t.byDomain))
	for d := range t.byDomain {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// Regions returns every region of the table, sorted.
func (t *Table) Regions() []string {
	var out []string
	for _, p := range t.providers {
		if p.Region != "" && !slices.Contains(out, p.Region) {
			out = append(out, p.Region)
		}
	}
	sort.Strings(out)
	return out
}

// regionAliases are other names people give a region.
var regionAliases = map[string]string{
	"uk":            "gb",
	"global":        "intl",
	"international": "intl",
	"world":         "intl",
}

// NormalizeRegion returns the table's name for region r, and whether the
// table has providers there.
func (t *Table) NormalizeRegion(r string) (string, bool) {
	r = strings.ToLower(strings.TrimSpace(r))
	if a, ok := regionAliases[r]; ok {
		r = a
	}
	return r, slices.Contains(t.Regions(), r)
}

// InRegion returns the providers of list in region r (as NormalizeRegion
// returns it).
func InRegion(list []*Provider, r string) []*Provider {
	var out []*Provider
	for _, p := range list {
		if p.Region == r {
			out = append(out, p)
		}
	}
	return out
}

// POPStep says what a user must do before a mail client can use POP3.
type POPStep string

// The POP steps.
const (
	POPTurnOn POPStep = "enable" // POP is off until turned on in the web mail
	POPOn     POPStep = "on"     // nothing to do
	POPNone   POPStep = "none"   // the provider offers no POP3
)

// POP says what a user must do before a mail client can use the provider's
// POP3, from its notes.
func (p *Provider) POP() POPStep {
	if _, ok := p.Without[settings.POP3]; ok {
		return POPNone
	}
	for _, n := range p.Notes {
		if n.Key == i18n.NoteEnablePOP || n.Key == i18n.NoteEnableClients {
			return POPTurnOn
		}
	}
	return POPOn
}

// Login names the password a mail client logs in with, as a short key:
// the first of the provider's notes that says, or "account_password".
func (p *Provider) Login() string {
	for _, n := range p.Notes {
		if l, ok := loginByNote[n.Key]; ok {
			return l
		}
	}
	return "account_password"
}

// loginByNote maps the notes that say how to log in to Login's keys.
var loginByNote = map[string]string{
	i18n.NoteAuthCode:          "auth_code",
	i18n.NoteClientPassword:    "client_password",
	i18n.NoteAppPasswordAlways: "app_password",
	i18n.NoteExternalPassword:  "app_password",
	i18n.NoteAppPassword:       "app_password_with_2fa",
	i18n.NoteOAuth2Only:        "oauth2",
	i18n.NoteEmailPassword:     "mail_password",
}

// Summarized reports whether note n is said by POP or Login already.
func Summarized(n i18n.Msg) bool {
	_, login := loginByNote[n.Key]
	return login || n.Key == i18n.NoteEnablePOP || n.Key == i18n.NoteEnableClients
}
