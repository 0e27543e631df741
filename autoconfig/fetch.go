package autoconfig

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
)

// Limits on what a fetch accepts from a server.
const (
	MaxBody      = 1 << 20 // bytes
	MaxRedirects = 5
)

// ErrRefusedForSafety is matched by every error of a connection or a
// redirect refused because it would reach an address that is not public:
// the redirect guard's refusals (checkRedirect, GuardDial), and those of a
// caller's own guarded dial that match it (popfind serve's). What such a
// connection would have reached was not looked at: it is never "not
// found".
var ErrRefusedForSafety = errors.New("refused for safety")

// ErrRedirectRefused is matched by the redirect guard's own refusals: a
// fetch that left a public host and was sent to an internal address. It
// also matches ErrRefusedForSafety.
var ErrRedirectRefused error = redirectRefused{}

type redirectRefused struct{}

func (redirectRefused) Error() string        { return "refused for safety" }
func (redirectRefused) Is(target error) bool { return target == ErrRefusedForSafety }

// Fetcher gets configuration documents over HTTP(S) within the caller's
// deadline, with a capped body, a capped number of redirects, and XML
// content types only. It is safe for concurrent use.
type Fetcher struct {
	// Client does the requests; its Transport should dial through the
	// run's resolver. Its CheckRedirect is replaced per request.
	Client *http.Client
	// LookupIP resolves host names through the resolver that the Client's
	// Transport dials through, and its answers should be cached there. It
	// serves the redirect guard: a redirect from a host with public
	// addresses to one with a loopback, link-local or private address is
	// refused. And each fetch resolves its host with it first, in the
	// caller's goroutine: a host that does not exist, as most autoconfig
	// hosts do not, then costs no HTTP request and no dialing goroutine.
	// Nil turns both off.
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

// Is makes 404 and 410 match settings.ErrNotFound: the document is not there.
func (e *StatusError) Is(target error) bool {
	return target == settings.ErrNotFound && (e.Code == http.StatusNotFound || e.Code == http.StatusGone)
}

// Get fetches rawURL with GET and reads its XML body whole.
func (f *Fetcher) Get(ctx context.Context, rawURL string) (*Document, error) {
	var body []byte
	doc, _, err := f.get(ctx, rawURL, func(r io.Reader) (err error) {
		body, err = io.ReadAll(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	doc.Body = body
	return doc, nil
}

// get fetches rawURL with GET, following at most MaxRedirects redirects,
// and hands the XML body, capped at MaxBody bytes, to parse as it arrives:
// a document that parse refuses early is never read whole. asked is false
// when the fetch failed before it connected to a server (its host name has
// no addresses, the connection was refused): no server saw the URL.
func (f *Fetcher) get(ctx context.Context, rawURL string, parse func(io.Reader) error) (doc *Document, asked bool, err error) {
	var connected atomic.Bool
	ctx, _ = guarded(ctx)
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		TLSHandshakeStart: func() { connected.Store(true) },
		GotConn:           func(httptrace.GotConnInfo) { connected.Store(true) },
	})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, false, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if err := f.resolve(ctx, req.URL); err != nil {
		return nil, false, fetchError(rawURL, err)
	}
	maxRedirects := MaxRedirects
	doc = &Document{Insecure: req.URL.Scheme == "http"}
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
		return nil, connected.Load(), fetchError(req.URL.String(), err)
	}
	defer finish(resp, cancel)
	doc.URL = resp.Request.URL.String()
	if resp.StatusCode != http.StatusOK {
		return nil, true, &StatusError{URL: req.URL.String(), Code: resp.StatusCode}
	}
	if err := readXML(req.Context(), resp, doc.URL, parse); err != nil {
		return nil, true, err
	}
	return doc, true, nil
}

// Post sends body to u with POST and hands an XML answer to parse, as get
// does. Redirects are not followed: a redirect's target comes back as
// location, for the caller to check and count, since a client would turn
// the POST into a GET. Any other status than 200 is a *StatusError.
func (f *Fetcher) Post(ctx context.Context, u, contentType string, body []byte, parse func(io.Reader) error) (location string, err error) {
	ctx, _ = guarded(ctx)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("fetch %s: %w", u, err)
	}
	if err := f.resolve(ctx, req.URL); err != nil {
		return "", fetchError(u, err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/xml, text/xml")
	// One round trip, no redirects: the transport, not the client.
	rt := f.Client.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return "", fetchError(u, err)
	}
	defer finish(resp, cancel)
	switch resp.StatusCode {
	case http.StatusOK:
		return "", readXML(ctx, resp, u, parse)
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		loc := resp.Header.Get("Location")
		if loc == "" {
			return "", fmt.Errorf("%s: HTTP %d without a Location", u, resp.StatusCode)
		}
		return loc, nil
	}
	return "", &StatusError{URL: u, Code: resp.StatusCode}
}

// What finish reads of a body that nobody wants: at most maxDrain bytes, for
// at most drainWait.
const (
	maxDrain  = 4 << 10
	drainWait = 100 * time.Millisecond
)

// finish closes resp's body after reading what is left of it, when that is
// little and comes at once: a connection whose response was read to the end
// carries the next request, where one closed early costs the next request a
// new TLS handshake. The ISPDB's 404 for a domain it does not know, the
// commonest answer in a batch, is such a body. cancel is the request's: it
// cuts a body that trickles.
func finish(resp *http.Response, cancel context.CancelFunc) {
	if resp.ContentLength <= maxDrain {
		t := time.AfterFunc(drainWait, cancel)
		io.CopyN(io.Discard, resp.Body, maxDrain)
		t.Stop()
	}
	resp.Body.Close()
}

// resolve looks u's host up, so that a name without addresses fails here,
// before any HTTP machinery, and the dial that follows finds the addresses
// in the resolver's cache.
func (f *Fetcher) resolve(ctx context.Context, u *url.URL) error {
	if f.LookupIP == nil {
		return nil
	}
	_, err := f.LookupIP(ctx, u.Hostname())
	return err
}

// checkRedirect refuses a redirect from a host with a public address to a
// host with an internal one (loopback, link-local, private, unspecified):
// a stranger's server must not make popfind fetch from the intranet it runs
// in. Redirects within an intranet, where the first host is internal too,
// are allowed. It also tells the fetch's guard, in ctx, once the fetch has
// left a public host, so that GuardDial holds the rule when connecting,
// whatever the name resolves to by then.
func (f *Fetcher) checkRedirect(ctx context.Context, from, to string) error {
	if f.LookupIP == nil {
		return nil
	}
	g, _ := ctx.Value(guardKey{}).(*guard)
	fromIPs, err := f.LookupIP(ctx, from)
	fromPublic := err == nil && slices.ContainsFunc(fromIPs, isPublic)
	if fromPublic {
		g.leavePublic()
	} else if !g.left() {
		return nil
	}
	toIPs, err := f.LookupIP(ctx, to)
	if err != nil {
		return fmt.Errorf("redirect to %s: %w", to, err)
	}
	i := slices.IndexFunc(toIPs, Internal)
	switch {
	case i < 0:
		return nil
	case fromPublic:
		return fmt.Errorf("%w: refusing a redirect from %s, a public host, to %s, an internal address (%s)", ErrRedirectRefused, from, to, toIPs[i])
	}
	return fmt.Errorf("%w: refusing a redirect from %s to %s, an internal address (%s), in a fetch that has left a public host", ErrRedirectRefused, from, to, toIPs[i])
}

func isPublic(ip net.IP) bool { return !Internal(ip) }

// A guard is what one fetch, redirects and all, knows of where it may
// connect. The fetch carries it in its context, which every request of a
// redirect chain shares, and GuardDial reads it there.
type guard struct {
	// public is set once the fetch has left a public host: a redirect
	// from a name with a public address, or a connection to a public
	// address. From then on it connects to no internal address.
	public atomic.Bool
}

type guardKey struct{}

// guarded returns ctx with a guard: the one it carries already (every hop
// of an Autodiscover lookup shares one), or a new one.
func guarded(ctx context.Context) (context.Context, *guard) {
	if g, ok := ctx.Value(guardKey{}).(*guard); ok {
		return ctx, g
	}
	g := &guard{}
	return context.WithValue(ctx, guardKey{}, g), g
}

func (g *guard) leavePublic() {
	if g != nil {
		g.public.Store(true)
	}
}

func (g *guard) left() bool { return g != nil && g.public.Load() }

// GuardDial wraps next, which connects to a literal IP address and port,
// so that the redirect guard holds at the address actually dialled: a
// Fetcher's request that a redirect led away from a public host (or that
// has connected to a public address) cannot connect to an Internal one,
// although its host name passed the check a moment before (DNS rebinding,
// a TTL of zero). Connections that no Fetcher asked for, and a fetch's
// connections before it leaves a public host, pass unchanged. An address
// that is not a literal IP fails closed for a guarded fetch. Nil next
// means a net.Dialer.
//
// Wrap the dialler that a resolver calls for each address it found
// (resolver.Resolver.Dial), not the Transport's DialContext, which gets
// host names.
func GuardDial(next func(ctx context.Context, network, address string) (net.Conn, error)) func(ctx context.Context, network, address string) (net.Conn, error) {
	if next == nil {
		next = (&net.Dialer{}).DialContext
	}
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		g, _ := ctx.Value(guardKey{}).(*guard)
		if g == nil {
			return next(ctx, network, address)
		}
		ip := literalIP(address)
		if g.left() && (ip == nil || Internal(ip)) {
			return nil, fmt.Errorf("%w: refusing to connect to %s: not a public address, in a fetch that has left a public host", ErrRedirectRefused, strconv.QuoteToASCII(address))
		}
		c, err := next(ctx, network, address)
		if err == nil && ip != nil && isPublic(ip) {
			g.leavePublic()
		}
		return c, err
	}
}

// literalIP returns the IP address of host:port, or nil when the host is
// a name.
func literalIP(address string) net.IP {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return nil
	}
	return net.IP(a.WithZone("").AsSlice())
}

// Internal reports whether ip is an address no public server should send
// popfind to: loopback, link-local, private (RFC 1918, RFC 4193), shared
// (RFC 6598) or unspecified.
func Internal(ip net.IP) bool {
	return ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsPrivate() || ip.IsUnspecified() || shared.Contains(ip)
}

var shared = &net.IPNet{IP: net.IPv4(100, 64, 0, 0), Mask: net.CIDRMask(10, 32)}

// readXML checks that resp carries XML and hands its body, capped at
// MaxBody bytes, to parse. Errors say whether the body broke the limit, the
// network failed, the deadline passed, or the document was refused.
func readXML(ctx context.Context, resp *http.Response, u string, parse func(io.Reader) error) error {
	if err := checkXMLType(resp.Header.Get("Content-Type")); err != nil {
		return fmt.Errorf("%s: %w", u, err)
	}
	if resp.ContentLength > MaxBody {
		return fmt.Errorf("%s: body of %d bytes is over the %d-byte limit", u, resp.ContentLength, MaxBody)
	}
	body := &readRecorder{r: &io.LimitedReader{R: resp.Body, N: MaxBody + 1}}
	err := parse(body)
	switch {
	case body.n > MaxBody:
		return fmt.Errorf("%s: body is over the %d-byte limit", u, MaxBody)
	case ctx.Err() != nil:
		// A body cut off by the deadline can look complete to a reader.
		return fetchError(u, ctx.Err())
	case body.err != nil && body.err != io.EOF:
		return fetchError(u, body.err)
	case err != nil:
		return fmt.Errorf("%s: %w", u, err)
	}
	return nil
}

// readRecorder counts what is read through it and keeps the first error.
type readRecorder struct {
	r   io.Reader
	n   int64
	err error
}

func (rr *readRecorder) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	rr.n += int64(n)
	if err != nil && rr.err == nil {
		rr.err = err
	}
	return n, err
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
