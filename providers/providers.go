// Package providers holds popfind's built-in table of mail providers and the
// offline source that answers from it.
package providers

import (
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

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
	// answers holds each provider's Answer (*settings.Answer), made on its
	// first lookup (a run that looks up one address needs one, and making
	// all of them was 6% of popfind's start): answers are never changed
	// once made, so one serves every lookup.
	answers sync.Map
}

// NewTable indexes providers. Later entries never replace earlier ones for a
// domain; the table's own test rejects duplicates.
func NewTable(providers []*Provider) *Table {
	n := 0
	for _, p := range providers {
		n += len(p.Domains)
	}
	// Sized at once: growing the map was most of the cost of indexing.
	t := &Table{providers: providers, byDomain: make(map[string]*Provider, n)}
	for _, p := range providers {
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

// answer returns p's Answer, making it on first use.
func (t *Table) answer(p *Provider) *settings.Answer {
	if a, ok := t.answers.Load(p); ok {
		return a.(*settings.Answer)
	}
	a, _ := t.answers.LoadOrStore(p, p.Answer())
	return a.(*settings.Answer)
}

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

// Filter returns the providers that match q, the best matches first: a
// provider's id or name (English or Chinese, or its company's, such as
// 腾讯), a domain it hosts or part of one, or a server host, in any case.
// A whole address (someone@qq.com, with a full-width ＠ or 。 as a Chinese
// input method types them) matches the provider hosting its domain alone.
// An empty q matches every provider, in table order.
func (t *Table) Filter(q string) []*Provider {
	q = foldQuery(q)
	if q == "" {
		return slices.Clone(t.providers)
	}
	if i := strings.LastIndex(q, "@"); i >= 0 {
		if p, ok := t.ByDomain(queryDomain(q[i+1:])); ok {
			return []*Provider{p}
		}
		return nil
	}
	type hit struct {
		p    *Provider
		rank int
	}
	var hits []hit
	domain := queryDomain(q)
	for _, p := range t.providers {
		if r := p.rank(q, domain); r > 0 {
			hits = append(hits, hit{p, r})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.rank - b.rank })
	out := make([]*Provider, len(hits))
	for i, h := range hits {
		out[i] = h.p
	}
	return out
}

// queryDomain is domain in the table's form (A-label, lower case), or as
// it is when it is not a valid domain.
func queryDomain(domain string) string {
	domain = strings.TrimSuffix(domain, ".")
	if a, err := settings.ParseAddress("x@" + domain); err == nil {
		return a.Domain
	}
	return domain
}

// rank says how well p matches q, folded (domain is q as a domain): 1
// for an id or domain that is q, 2 for a name that is q, 3 for a domain or
// name that starts with q, 4 for q anywhere in them or in a server host; 0
// for no match.
func (p *Provider) rank(q, domain string) int {
	names := append([]string{p.ID, p.Name, p.NameZH}, aliases[p.ID]...)
	best := 0
	better := func(r int) {
		if best == 0 || r < best {
			best = r
		}
	}
	if p.ID == q || slices.Contains(p.Domains, domain) {
		better(1)
	}
	for _, n := range names {
		switch n = strings.ToLower(n); {
		case n == "":
		case n == q:
			better(2)
		case strings.HasPrefix(n, q):
			better(3)
		case strings.Contains(n, q):
			better(4)
		}
	}
	for _, d := range p.Domains {
		switch {
		case strings.HasPrefix(d, q):
			better(3)
		case strings.Contains(d, q):
			better(4)
		}
	}
	for _, s := range p.Servers {
		if strings.Contains(strings.ToLower(s.Host), q) {
			better(4)
		}
	}
	return best
}

// DomainsFor returns p's domains with those that match filter q first:
// the domain q names (or the domain of an address q), else, unless q
// matches the provider's name, the domains that contain q; the others
// follow in table order, the provider's main domains first.
func (p *Provider) DomainsFor(q string) []string {
	q = foldQuery(q)
	if i := strings.LastIndex(q, "@"); i >= 0 {
		q = q[i+1:]
	}
	if q == "" {
		return slices.Clone(p.Domains)
	}
	domain := queryDomain(q)
	var exact, near, rest []string
	for _, d := range p.Domains {
		switch {
		case d == domain:
			exact = append(exact, d)
		case strings.Contains(d, q):
			near = append(near, d)
		default:
			rest = append(rest, d)
		}
	}
	if len(exact) > 0 {
		// The domain asked for, then the main ones, not its look-alikes.
		return append(exact, slices.DeleteFunc(slices.Clone(p.Domains), func(d string) bool { return d == domain })...)
	}
	for _, n := range append([]string{p.ID, p.Name, p.NameZH}, aliases[p.ID]...) {
		if n != "" && strings.Contains(strings.ToLower(n), q) {
			// Found by its name: its main domains say most.
			return slices.Clone(p.Domains)
		}
	}
	return slices.Concat(near, rest)
}

// ReadableMX writes an MX pattern as people read one: "*" for any part of
// a name, whatever stands there in the pattern's syntax ("mx0?.mail.icloud.com"
// is "mx0*.mail.icloud.com").
func ReadableMX(pat string) string {
	var b strings.Builder
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; c {
		case '?', '*':
			if !strings.HasSuffix(b.String(), "*") {
				b.WriteByte('*')
			}
		case '[':
			if j := strings.IndexByte(pat[i:], ']'); j > 0 {
				i += j
			}
			if !strings.HasSuffix(b.String(), "*") {
				b.WriteByte('*')
			}
		case '\\':
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
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

// Regions returns every region of the table, sorted: the regions of its
// providers, and the groups of them (eu: the EU's countries).
func (t *Table) Regions() []string {
	var out []string
	for _, p := range t.providers {
		if p.Region != "" && !slices.Contains(out, p.Region) {
			out = append(out, p.Region)
		}
	}
	for g := range regionGroups {
		if !slices.Contains(out, g) {
			out = append(out, g)
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
// returns it); eu means every provider of the EU's member states.
func InRegion(list []*Provider, r string) []*Provider {
	var out []*Provider
	for _, p := range list {
		if inRegion(p.Region, r) {
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
		if slices.Contains(turnOnByNote[n.Key], settings.POP3) {
			return POPTurnOn
		}
	}
	return POPOn
}

// TurnOn returns the protocols that must be turned on in the web mail
// before a mail client can use them, from the provider's notes, in the
// order POP3, IMAP, SMTP.
func (p *Provider) TurnOn() []settings.Protocol {
	var out []settings.Protocol
	for _, proto := range settings.AllProtocols {
		for _, n := range p.Notes {
			if slices.Contains(turnOnByNote[n.Key], proto) && len(p.Offers(proto)) > 0 && !slices.Contains(out, proto) {
				out = append(out, proto)
			}
		}
	}
	return out
}

// turnOnByNote maps the notes that say a protocol is off until turned on
// to their protocols.
var turnOnByNote = map[string][]settings.Protocol{
	i18n.NoteEnablePOP:     {settings.POP3},
	i18n.NoteEnableIMAP:    {settings.IMAP},
	i18n.NoteEnableClients: settings.AllProtocols,
	// QQ's, NetEase's and Tencent Exmail's POP3/SMTP and IMAP/SMTP
	// services: one of them must be on for a client to fetch or send.
	i18n.NoteEnableServices: settings.AllProtocols,
	i18n.NoteEnableSMTP:     {settings.SMTP},
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
	// An app password where the client cannot sign in with OAuth2.
	i18n.NoteGmailLogin:        "app_password",
	i18n.NoteOAuth2OrAppPass:   "app_password",
	i18n.NoteICloudAppPassword: "app_password",
}

// Summarized reports whether note n is said by TurnOn, POP or Login
// already.
func Summarized(n i18n.Msg) bool {
	_, login := loginByNote[n.Key]
	_, turnOn := turnOnByNote[n.Key]
	return login || turnOn
}
