package autoconfig

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/race"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/lookup/settings"
)

// DomainSource fetches the domain's own autoconfig file from
// https://autoconfig.<domain>/mail/config-v1.1.xml, naming the address.
type DomainSource struct{ Fetcher *Fetcher }

// URL returns where the source looks for addr.
func (s *DomainSource) URL(addr settings.Address) string {
	return "https://autoconfig." + addr.Domain + "/mail/config-v1.1.xml?emailaddress=" + url.QueryEscape(addr.String())
}

// Lookup fetches and parses the file for addr.
func (s *DomainSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	return s.Fetcher.Config(ctx, s.URL(addr), addr)
}

// WellKnownSource fetches the autoconfig file from the domain's own web
// server, https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml.
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
// over plain HTTP: its answer is marked Insecure and carries a warning.
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
func (f *Fetcher) Config(ctx context.Context, u string, addr settings.Address) (*settings.Answer, error) {
	var c *Config
	doc, err := f.get(ctx, u, func(r io.Reader) (err error) {
		c, err = ParseReader(r, addr)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(c.Servers) == 0 {
		return nil, configReasons.notFound(doc.URL, c.Skipped)
	}
	a := c.Answer(doc.URL)
	a.Warnings = append(a.Warnings, doc.Warnings...)
	if doc.Insecure {
		a.Insecure = true
		a.Warnings = append(a.Warnings, i18n.M(i18n.WarnPlainHTTP, doc.URL))
	}
	return a, nil
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
func (r reasons) notFound(where string, skipped map[settings.Protocol][]string) error {
	var all []string
	for _, p := range settings.AllProtocols {
		all = append(all, skipped[p]...)
	}
	if len(all) > 0 {
		return settings.NotFound(r.invalid, where, strings.Join(all, "; "))
	}
	return settings.NotFound(r.none, where)
}

// markMissing gives each protocol that a has no server of a part saying
// why: the document has no section for it, or none valid.
func (r reasons) markMissing(a *settings.Answer, where string, skipped map[settings.Protocol][]string) {
	for _, p := range settings.AllProtocols {
		if a.Offers(p) {
			continue
		}
		m := i18n.M(r.noneFor, where, p.Label())
		if s := skipped[p]; len(s) > 0 {
			m = i18n.M(r.invalidFor, where, p.Label(), strings.Join(s, "; "))
		}
		a.Part(p).Missing = &m
	}
}

// Hosted looks up the autoconfig of the domain that hosts another domain's
// mail: https://autoconfig.<domain>/ and the ISP database, at once, the
// former preferred. The MX source uses it.
type Hosted struct {
	Fetcher *Fetcher
	ISPDB   string // empty: don't ask the ISP database
}

// Lookup returns the answer for domain, for addr.
func (h *Hosted) Lookup(ctx context.Context, domain string, addr settings.Address) (*settings.Answer, error) {
	urls := []string{"https://autoconfig." + domain + "/mail/config-v1.1.xml?emailaddress=" + url.QueryEscape(addr.String())}
	if h.ISPDB != "" {
		urls = append(urls, h.ISPDB+domain)
	}
	var attempts []func(context.Context) (*settings.Answer, error)
	for _, u := range urls {
		attempts = append(attempts, func(ctx context.Context) (*settings.Answer, error) { return h.Fetcher.Config(ctx, u, addr) })
	}
	return firstInOrder(ctx, attempts)
}

// firstInOrder runs the attempts at once and returns the answer of the
// first, in their order, that has one, as soon as every attempt before it
// has failed. The rest are then cancelled and waited for.
func firstInOrder(ctx context.Context, attempts []func(context.Context) (*settings.Answer, error)) (*settings.Answer, error) {
	a, errs, ctxErr := race.First(ctx, attempts)
	if a != nil {
		return a, nil
	}
	if ctxErr != nil {
		errs = append(errs, ctxErr)
	}
	return nil, joinErrors(errs)
}

// joinErrors combines the errors of several attempts. When all of them mean
// "not found", so does the result; otherwise only the failures are kept, so
// that a broken endpoint is not mistaken for a missing one.
func joinErrors(errs []error) error {
	var broken []error
	for _, e := range errs {
		if !errors.Is(e, settings.ErrNotFound) {
			broken = append(broken, e)
		}
	}
	if len(broken) > 0 {
		return errors.Join(broken...)
	}
	return fmt.Errorf("%w: %v", settings.ErrNotFound, errors.Join(errs...))
}
