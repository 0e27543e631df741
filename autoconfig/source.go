package autoconfig

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/race"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/lookup/settings"
)

// DomainSource fetches the domain's own autoconfig file from
// https://autoconfig.<domain>/mail/config-v1.1.xml, naming the address,
// as Thunderbird does. The server may answer each address differently, so
// its answers and errors are the address's alone (see Fetcher.Config).
type DomainSource struct{ Fetcher *Fetcher }

// URL returns where the source looks for addr.
// For a domain alone (addr.DomainOnly) it names no address: the one that
// stands for the domain is nobody's.
func (s *DomainSource) URL(addr settings.Address) string {
	u := "https://autoconfig." + addr.Domain + "/mail/config-v1.1.xml"
	if addr.DomainOnly() {
		return u
	}
	return u + "?emailaddress=" + url.QueryEscape(addr.String())
}

// Lookup fetches and parses the file for addr.
func (s *DomainSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	if !addr.DomainOnly() {
		return s.Fetcher.Config(ctx, s.URL(addr), addr)
	}
	// Asked without an address, the server may answer otherwise than for
	// any real one: what a request that went out brought back holds for
	// this lookup of the domain alone, so that a real address of the
	// domain still asks with its own. A host without addresses is the
	// domain's, whoever asks.
	a, asked, err := s.Fetcher.config(ctx, s.URL(addr), addr)
	switch {
	case err != nil && asked:
		return nil, settings.BoundTo(addr.String(), err)
	case err != nil:
		return nil, err
	}
	a.OnlyFor = addr.String()
	return a, nil
}

// WellKnownSource fetches the autoconfig file from the domain's own web
// server, https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml.
// It does not name the address (nor does Thunderbird there): its answer
// is the domain's.
type WellKnownSource struct{ Fetcher *Fetcher }

// URL returns where the source looks for addr.
func (s *WellKnownSource) URL(addr settings.Address) string {
	return "https://" + addr.Domain + "/.well-known/autoconfig/mail/config-v1.1.xml"
}

// Lookup fetches and parses the file for addr.
func (s *WellKnownSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	return s.Fetcher.Config(ctx, s.URL(addr), addr)
}

// ISPDBSource fetches the domain's entry in Thunderbird's ISP database.
type ISPDBSource struct {
	Fetcher *Fetcher
	// Base is the database's base URL, ending in a slash.
	Base string
}

// URL returns where the source looks for addr.
func (s *ISPDBSource) URL(addr settings.Address) string { return s.Base + addr.Domain }

// Lookup fetches and parses the entry for addr.
func (s *ISPDBSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	return s.Fetcher.Config(ctx, s.URL(addr), addr)
}

// PlainHTTPSource fetches http://autoconfig.<domain>/mail/config-v1.1.xml,
// over plain HTTP: its answer is marked Insecure and carries a warning. It
// does not name the address, which anyone on the path could read.
type PlainHTTPSource struct{ Fetcher *Fetcher }

// URL returns where the source looks for addr.
func (s *PlainHTTPSource) URL(addr settings.Address) string {
	return "http://autoconfig." + addr.Domain + "/mail/config-v1.1.xml"
}

// Lookup fetches and parses the file for addr.
func (s *PlainHTTPSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	return s.Fetcher.Config(ctx, s.URL(addr), addr)
}

// Questions returns the DNS questions the source asks first for addr: the
// addresses of the host it fetches from.
func (s *DomainSource) Questions(addr settings.Address) []resolver.Question {
	return urlQuestions(s.URL(addr))
}

// Questions returns the DNS questions the source asks first for addr.
func (s *WellKnownSource) Questions(addr settings.Address) []resolver.Question {
	return urlQuestions(s.URL(addr))
}

// Questions returns the DNS questions the source asks first for addr.
func (s *ISPDBSource) Questions(addr settings.Address) []resolver.Question {
	return urlQuestions(s.URL(addr))
}

// Questions returns the DNS questions the source asks first for addr.
func (s *PlainHTTPSource) Questions(addr settings.Address) []resolver.Question {
	return urlQuestions(s.URL(addr))
}

// urlQuestions returns the questions a fetch of u asks first: the addresses
// of its host.
func urlQuestions(u string) []resolver.Question {
	parsed, err := url.Parse(u)
	if err != nil {
		return nil
	}
	return resolver.HostQuestions(parsed.Hostname())
}

var (
	_ settings.Source = (*DomainSource)(nil)
	_ settings.Source = (*WellKnownSource)(nil)
	_ settings.Source = (*ISPDBSource)(nil)
	_ settings.Source = (*PlainHTTPSource)(nil)
)

// Config fetches the autoconfig file at u and returns its answer for every
// protocol. A missing file or one without a valid POP3, IMAP or SMTP
// section is settings.ErrNotFound; a protocol without a valid section has
// its part say why.
//
// When u's query names addr (the domain's own autoconfig URL, with
// ?emailaddress=), the server may answer each address differently: the
// answer is addr's alone (Answer.OnlyFor), and so is every error that came
// once a request could reach a server (settings.BoundTo). A host name
// without addresses is the domain's, whoever asks.
func (f *Fetcher) Config(ctx context.Context, u string, addr settings.Address) (*settings.Answer, error) {
	a, asked, err := f.config(ctx, u, addr)
	if !namesAddress(u, addr) {
		return a, err
	}
	if err != nil {
		if asked {
			return nil, settings.BoundTo(addr.String(), err)
		}
		// Nothing was asked, so the failure is the domain's and may be
		// shown to its other addresses: it must not name this one.
		return nil, &redactedError{err: err, addr: addr}
	}
	a.OnlyFor = addr.String()
	return a, nil
}

// redactedError is a failure of a request that never went out, whose text
// would name the address in the URL's query: it says %EMAILADDRESS%
// instead.
type redactedError struct {
	err  error
	addr settings.Address
}

func (e *redactedError) Error() string {
	s := e.err.Error()
	for _, a := range []string{e.addr.String(), e.addr.Local + "@" + e.addr.Domain} {
		s = strings.ReplaceAll(s, url.QueryEscape(a), settings.PlaceholderAddress)
		s = strings.ReplaceAll(s, a, settings.PlaceholderAddress)
	}
	return s
}

// Unwrap returns the failure.
func (e *redactedError) Unwrap() error { return e.err }

// namesAddress reports whether a value in u's query is addr.
func namesAddress(u string, addr settings.Address) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	for _, vs := range p.Query() {
		for _, v := range vs {
			if strings.EqualFold(v, addr.String()) || strings.EqualFold(v, addr.Local+"@"+addr.Domain) {
				return true
			}
		}
	}
	return false
}

// config is Config for any URL; asked says whether a request went out.
func (f *Fetcher) config(ctx context.Context, u string, addr settings.Address) (a *settings.Answer, asked bool, err error) {
	var c *Config
	doc, asked, err := f.get(ctx, u, func(r io.Reader) (err error) {
		c, err = ParseReader(r, addr)
		return err
	})
	if err != nil {
		return nil, asked, err
	}
	if len(c.Servers) == 0 {
		return nil, true, configReasons.notFound(doc.URL, c.Skipped)
	}
	a = c.Answer(doc.URL)
	a.Warnings = append(a.Warnings, doc.Warnings...)
	if doc.Insecure {
		a.Insecure = true
		a.Warnings = append(a.Warnings, i18n.M(i18n.WarnPlainHTTP, doc.URL))
	}
	return a, true, nil
}

// reasons are the messages in which a format says why a document has no
// server: of any protocol, or of one, with or without invalid sections.
type reasons struct{ none, invalid, noneFor, invalidFor string }

var (
	configReasons = reasons{i18n.NFNoSection, i18n.NFNoValidSection, i18n.NFNoSectionFor, i18n.NFNoValidSectionFor}
	adReasons     = reasons{i18n.NFNoADProtocol, i18n.NFNoValidADProtocol, i18n.NFNoADProtocolFor, i18n.NFNoValidADProtoFor}
)

// notFound is the error of a document from where without a valid server
// of any protocol; skipped says why each invalid section was left out.
func (r reasons) notFound(where string, skipped map[settings.Protocol][]i18n.Msg) error {
	var all []i18n.Msg
	for _, p := range settings.AllProtocols {
		all = append(all, skipped[p]...)
	}
	if len(all) > 0 {
		return settings.NotFound(r.invalid, where, nested(all))
	}
	return settings.NotFound(r.none, where)
}

// markMissing gives each protocol that a has no server of a part saying
// why: the document has no section for it, or none valid.
func (r reasons) markMissing(a *settings.Answer, where string, skipped map[settings.Protocol][]i18n.Msg) {
	for _, p := range settings.AllProtocols {
		if a.Offers(p) {
			continue
		}
		m := i18n.M(r.noneFor, where, p.Label())
		if s := skipped[p]; len(s) > 0 {
			m = i18n.M(r.invalidFor, where, p.Label(), nested(s))
		}
		a.Part(p).Missing = &m
	}
}

// Hosted looks up the autoconfig of the domain that hosts another domain's
// mail: https://autoconfig.<domain>/ and the ISP database, at once, the
// former preferred. The MX source uses it. Neither is told the address:
// the hoster's settings are the same for every address of the domains it
// hosts, and the MX source's answer is the domain's.
type Hosted struct {
	Fetcher *Fetcher
	ISPDB   string // empty: don't ask the ISP database
}

// Lookup returns the answer for domain, for addr.
func (h *Hosted) Lookup(ctx context.Context, domain string, addr settings.Address) (*settings.Answer, error) {
	urls := []string{"https://autoconfig." + domain + "/mail/config-v1.1.xml"}
	if h.ISPDB != "" {
		urls = append(urls, h.ISPDB+domain)
	}
	var attempts []func(context.Context) (*settings.Answer, error)
	for _, u := range urls {
		attempts = append(attempts, func(ctx context.Context) (*settings.Answer, error) { return h.Fetcher.Config(ctx, u, addr) })
	}
	return firstInOrder(ctx, i18n.NFHostedNone, domain, attempts)
}

// firstInOrder runs the attempts at once and returns the answer of the
// first, in their order, that has one, as soon as every attempt before it
// has failed. The rest are then cancelled and waited for. When none has
// one, the error is joinErrors's, with the catalogue message key, whose
// arguments are where and what each attempt found.
func firstInOrder(ctx context.Context, key, where string, attempts []func(context.Context) (*settings.Answer, error)) (*settings.Answer, error) {
	a, errs, ctxErr := race.First(ctx, attempts)
	if a != nil {
		return a, nil
	}
	if ctxErr != nil {
		errs = append(errs, ctxErr)
	}
	return nil, joinErrors(key, where, errs)
}

// joinErrors combines the errors of several attempts. When all of them mean
// "not found", so does the result, with one reason (key, with where and
// what each attempt found); otherwise only the failures are kept, so that
// a broken endpoint is not mistaken for a missing one.
func joinErrors(key, where string, errs []error) error {
	var broken []error
	for _, e := range errs {
		if !errors.Is(e, settings.ErrNotFound) {
			broken = append(broken, e)
		}
	}
	switch {
	case len(broken) > 0:
		return errors.Join(broken...)
	case len(errs) == 1:
		return errs[0]
	}
	var details []string
	m := &settings.Missing{}
	for _, e := range errs {
		if d := detail(e); !slices.Contains(details, d) {
			details = append(details, d)
		}
		var sub *settings.Missing
		if errors.As(e, &sub) && sub.TTL > 0 && (m.TTL == 0 || sub.TTL < m.TTL) {
			m.TTL = sub.TTL
		}
	}
	m.Reason = i18n.M(key, where, strings.Join(details, "; "))
	return &allMissing{missing: m, errs: errs}
}

// detail is what err says, on one line, without the "not found: " of a
// *settings.Missing: the reason alone.
func detail(err error) string {
	var m *settings.Missing
	var de *resolver.DNSError
	var se *StatusError
	switch {
	case errors.As(err, &m) && err.Error() == m.Error():
		// Said in the reader's language, as the reason around it is.
		return i18n.Nest(m.Reason)
	case errors.As(err, &de) && errors.Is(err, settings.ErrNotFound) && de.Rcode == dns.RcodeSuccess:
		return i18n.Nest(i18n.M(i18n.ReasonDNSNoAddress, strings.TrimSuffix(de.Name, ".")))
	case errors.As(err, &de) && errors.Is(err, settings.ErrNotFound):
		return i18n.Nest(i18n.M(i18n.ReasonDNSNoHost, strings.TrimSuffix(de.Name, ".")))
	case errors.As(err, &se):
		return i18n.Nest(i18n.M(i18n.ReasonHTTPStatus, se.URL, strings.TrimSpace(strconv.Itoa(se.Code)+" "+http.StatusText(se.Code))))
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// allMissing is the error of attempts that all found nothing: a
// *settings.Missing whose reason names what each found, that still
// unwraps to each (one of them may be bound to the address).
type allMissing struct {
	missing *settings.Missing
	errs    []error
}

func (e *allMissing) Error() string { return e.missing.Error() }

// Is makes an *allMissing match settings.ErrNotFound.
func (e *allMissing) Is(target error) bool { return target == settings.ErrNotFound }

// As finds the combined *settings.Missing before any attempt's own.
func (e *allMissing) As(target any) bool {
	if t, ok := target.(**settings.Missing); ok {
		*t = e.missing
		return true
	}
	return false
}

// Unwrap returns each attempt's error.
func (e *allMissing) Unwrap() []error { return e.errs }
