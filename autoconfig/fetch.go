package autoconfig

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// Limits on what a fetch accepts from a server.
const (
	MaxBody      = 1 << 20 // bytes
	MaxRedirects = 5
)

// Fetcher gets configuration documents over HTTP(S) within the caller's
// deadline, with a capped body, a capped number of redirects, and XML
// content types only. It is safe for concurrent use.
type Fetcher struct {
	// Client does the requests; its Transport should dial through the
	// run's resolver. Its CheckRedirect is replaced per request.
	Client *http.Client
	// LookupIP resolves host names for the redirect guard: a redirect from
	// a host with public addresses to one with a loopback, link-local or
	// private address is refused. Nil turns the guard off.
	LookupIP func(ctx context.Context, host string) ([]net.IP, error)
}

// Document is a fetched body and how it arrived.
type Document struct {
	Body []byte
	// URL is the final URL, after redirects.
	URL string
	// Insecure is true when any hop of the fetch was plain HTTP.
	Insecure bool
	// Warnings say when a redirect left the registrable domain the fetch
	// started in, which Thunderbird asks the user about.
	Warnings []i18n.Msg
}

// StatusError is an HTTP status other than 200.
type StatusError struct {
	URL  string
	Code int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: HTTP %d %s", e.URL, e.Code, http.StatusText(e.Code))
}

// Is makes 404 and 410 match lookup.ErrNotFound: the document is not there.
func (e *StatusError) Is(target error) bool {
	return target == lookup.ErrNotFound && (e.Code == http.StatusNotFound || e.Code == http.StatusGone)
}

// Get fetches rawURL with GET.
func (f *Fetcher) Get(ctx context.Context, rawURL string) (*Document, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	return f.Do(req, MaxRedirects)
}

// Do sends req, following at most maxRedirects redirects, and reads an XML
// body of at most MaxBody bytes.
func (f *Fetcher) Do(req *http.Request, maxRedirects int) (*Document, error) {
	doc := &Document{Insecure: req.URL.Scheme == "http"}
	client := *f.Client
	client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		prev := via[len(via)-1].URL
		if err := f.checkRedirect(r.Context(), prev.Hostname(), r.URL.Hostname()); err != nil {
			return err
		}
		if r.URL.Scheme == "http" {
			doc.Insecure = true
		}
		doc.Warnings = domainChange(doc.Warnings, i18n.WarnConfigRedirect, prev.String(), r.URL.String())
		return nil
	}
	req.Header.Set("Accept", "application/xml, text/xml")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fetchError(req.URL.String(), err)
	}
	defer resp.Body.Close()
	doc.URL = resp.Request.URL.String()
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{URL: req.URL.String(), Code: resp.StatusCode}
	}
	if doc.Body, err = readXML(req.Context(), resp, doc.URL); err != nil {
		return nil, err
	}
	return doc, nil
}

// checkRedirect refuses a redirect from a host with a public address to a
// host with an internal one (loopback, link-local, private, unspecified):
// a stranger's server must not make popfind fetch from the intranet it runs
// in. Redirects within an intranet, where the first host is internal too,
// are allowed.
func (f *Fetcher) checkRedirect(ctx context.Context, from, to string) error {
	if f.LookupIP == nil {
		return nil
	}
	fromIPs, err := f.LookupIP(ctx, from)
	if err != nil || !slices.ContainsFunc(fromIPs, func(ip net.IP) bool { return !Internal(ip) }) {
		return nil
	}
	toIPs, err := f.LookupIP(ctx, to)
	if err != nil {
		return fmt.Errorf("redirect to %s: %w", to, err)
	}
	if i := slices.IndexFunc(toIPs, Internal); i >= 0 {
		return fmt.Errorf("refusing a redirect from %s, a public host, to %s, an internal address (%s)", from, to, toIPs[i])
	}
	return nil
}

// Internal reports whether ip is an address no public server should send
// popfind to: loopback, link-local, private (RFC 1918, RFC 4193), shared
// (RFC 6598) or unspecified.
func Internal(ip net.IP) bool {
	return ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsPrivate() || ip.IsUnspecified() || shared.Contains(ip)
}

var shared = &net.IPNet{IP: net.IPv4(100, 64, 0, 0), Mask: net.CIDRMask(10, 32)}

// readXML reads an XML body of at most MaxBody bytes.
func readXML(ctx context.Context, resp *http.Response, u string) ([]byte, error) {
	if err := checkXMLType(resp.Header.Get("Content-Type")); err != nil {
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	if resp.ContentLength > MaxBody {
		return nil, fmt.Errorf("%s: body of %d bytes is over the %d-byte limit", u, resp.ContentLength, MaxBody)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err == nil {
		// A body cut off by the deadline can look complete to the reader.
		err = ctx.Err()
	}
	if err != nil {
		return nil, fetchError(u, err)
	}
	if len(body) > MaxBody {
		return nil, fmt.Errorf("%s: body is over the %d-byte limit", u, MaxBody)
	}
	return body, nil
}

// fetchError says which URL failed and how, naming TLS problems plainly.
func fetchError(u string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: no complete answer before the deadline: %w", u, err)
	}
	return fmt.Errorf("%s: %w", u, err)
}

// checkXMLType accepts text/xml, application/xml and any +xml type.
func checkXMLType(ct string) error {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content type %q is not XML", ct)
	}
	if mt == "text/xml" || mt == "application/xml" || strings.HasSuffix(mt, "+xml") {
		return nil
	}
	return fmt.Errorf("content type %q is not XML", mt)
}
