package autoconfig

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

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
}

// Document is a fetched body and how it arrived.
type Document struct {
	Body []byte
	// URL is the final URL, after redirects.
	URL string
	// Insecure is true when any hop of the fetch was plain HTTP.
	Insecure bool
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
		if r.URL.Scheme == "http" {
			doc.Insecure = true
		}
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
