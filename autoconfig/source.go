package autoconfig

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// Source fetches an autoconfig file from one place. Name says which place:
// lookup.SourceAutoconfig, SourceWellKnown, SourceISPDB or
// SourceAutoconfigHTTP.
type Source struct {
	Kind    string
	Fetcher *Fetcher
	// ISPDB is the database's base URL, ending in a slash (ispdb only).
	ISPDB string
}

var _ lookup.Source = (*Source)(nil)

// Name returns the source's kind.
func (s *Source) Name() string { return s.Kind }

// URL returns where the source looks for addr.
func (s *Source) URL(addr lookup.Address) string {
	d := addr.Domain
	switch s.Kind {
	case lookup.SourceAutoconfig:
		return "https://autoconfig." + d + "/mail/config-v1.1.xml?emailaddress=" + url.QueryEscape(addr.String())
	case lookup.SourceWellKnown:
		return "https://" + d + "/.well-known/autoconfig/mail/config-v1.1.xml"
	case lookup.SourceISPDB:
		return s.ISPDB + d
	case lookup.SourceAutoconfigHTTP:
		return "http://autoconfig." + d + "/mail/config-v1.1.xml"
	}
	panic("autoconfig: unknown source kind " + s.Kind)
}

// Lookup fetches and parses the source's file for addr.
func (s *Source) Lookup(ctx context.Context, addr lookup.Address) (*lookup.Answer, error) {
	return s.Fetcher.Config(ctx, s.URL(addr), addr)
}

// Config fetches the autoconfig file at u and returns its POP3 answer. A
// missing file or one without a valid POP3 section is lookup.ErrNotFound.
func (f *Fetcher) Config(ctx context.Context, u string, addr lookup.Address) (*lookup.Answer, error) {
	var c *Config
	doc, err := f.get(ctx, u, func(r io.Reader) (err error) {
		c, err = ParseReader(r, addr)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(c.Servers) == 0 {
		why := "no POP3 section"
		if len(c.Skipped) > 0 {
			why = "no valid POP3 section (" + strings.Join(c.Skipped, "; ") + ")"
		}
		return nil, lookup.NotFound("%s: %s", doc.URL, why)
	}
	a := c.Answer(doc.URL)
	a.Warnings = append(a.Warnings, doc.Warnings...)
	if doc.Insecure {
		a.Insecure = true
		a.Warnings = append(a.Warnings, i18n.M(i18n.WarnPlainHTTP, doc.URL))
	}
	return a, nil
}

// Hosted looks up the autoconfig of the domain that hosts another domain's
// mail: https://autoconfig.<domain>/ and the ISP database, at once, the
// former preferred. The MX source uses it.
type Hosted struct {
	Fetcher *Fetcher
	ISPDB   string // empty: don't ask the ISP database
}

// Lookup returns the answer for domain, for addr.
func (h *Hosted) Lookup(ctx context.Context, domain string, addr lookup.Address) (*lookup.Answer, error) {
	urls := []string{"https://autoconfig." + domain + "/mail/config-v1.1.xml?emailaddress=" + url.QueryEscape(addr.String())}
	if h.ISPDB != "" {
		urls = append(urls, h.ISPDB+domain)
	}
	var attempts []func(context.Context) (*lookup.Answer, error)
	for _, u := range urls {
		attempts = append(attempts, func(ctx context.Context) (*lookup.Answer, error) { return h.Fetcher.Config(ctx, u, addr) })
	}
	return firstInOrder(ctx, attempts)
}

// firstInOrder runs the attempts at once and returns the answer of the
// first, in their order, that has one, as soon as every attempt before it
// has failed. The rest are then cancelled and waited for.
func firstInOrder(ctx context.Context, attempts []func(context.Context) (*lookup.Answer, error)) (*lookup.Answer, error) {
	type result struct {
		a   *lookup.Answer
		err error
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	chans := make([]chan result, len(attempts))
	for i, attempt := range attempts {
		chans[i] = make(chan result, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := attempt(ctx)
			chans[i] <- result{a, err}
		}()
	}
	var errs []error
	for _, ch := range chans {
		r := <-ch
		if r.err == nil {
			return r.a, nil
		}
		errs = append(errs, r.err)
	}
	return nil, joinErrors(errs)
}

// joinErrors combines the errors of several attempts. When all of them mean
// "not found", so does the result; otherwise only the failures are kept, so
// that a broken endpoint is not mistaken for a missing one.
func joinErrors(errs []error) error {
	var broken []error
	for _, e := range errs {
		if !errors.Is(e, lookup.ErrNotFound) {
			broken = append(broken, e)
		}
	}
	if len(broken) > 0 {
		return errors.Join(broken...)
	}
	return fmt.Errorf("%w: %v", lookup.ErrNotFound, errors.Join(errs...))
}
