package app

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/popfind/popfind/export"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// apiExport is GET /api/v1/export?address=…&format=…&protocol=…&force=1:
// the file of format (export.Formats) for what a lookup of address found,
// served with the format's media type. The incoming server is the first
// of POP3 and IMAP in protocol (the server's --protocol when absent); SMTP
// is always looked up, for the outgoing server.
//
// Its statuses: 400 for a missing or unknown format, a missing address or
// a bad protocol list; otherwise the lookup's (400, 404, 502, 504), with
// the lookup's JSON as the body, and 404 too when no incoming server was
// found. An answer that was guessed or came over plain HTTP gives 409
// unless force=1: a desk must not hand out settings nobody published.
func (s *server) apiExport(w http.ResponseWriter, r *http.Request) {
	lang := s.language(r)
	q := r.URL.Query()
	address := q.Get("address")
	if strings.TrimSpace(address) == "" {
		s.apiError(w, http.StatusBadRequest, lang.Sprintf(i18n.APIMissing, "address"))
		return
	}
	name := q.Get("format")
	if strings.TrimSpace(name) == "" {
		s.apiError(w, http.StatusBadRequest, lang.Sprintf(i18n.APIMissing, "format"))
		return
	}
	f, ok := export.ByName(name)
	if !ok {
		s.apiError(w, http.StatusBadRequest, lang.Sprintf(i18n.APIExportFormat, strconv.Quote(name), strings.Join(export.Names(), ", ")))
		return
	}
	protocols, err := exportProtocols(q.Get("protocol"), s.opts.protocols)
	if err != nil {
		s.apiError(w, http.StatusBadRequest, lang.Sprintf(i18n.APIProtocol, strconv.Quote(q.Get("protocol"))))
		return
	}
	res, err := s.lookup(r, address, protocols, lang, true)
	if err != nil {
		s.fail(w, err)
		return
	}
	// An account can be handed out when an incoming server was found for
	// any protocol asked, also when the first (POP3) was not: iCloud's
	// IMAP, say.
	acct, err := export.FromResult(res.out.res)
	if res.status != http.StatusOK && (err != nil || res.out.invalid()) {
		cacheFor(w, 0)
		writeAPI(w, res.status, res.view)
		return
	}
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, export.ErrNoIncoming) {
			status = http.StatusNotFound
		}
		cacheFor(w, 0)
		s.apiError(w, status, err.Error())
		return
	}
	if err := acct.Check(); err != nil && !forced(q.Get("force")) {
		cacheFor(w, 0)
		s.apiError(w, http.StatusConflict, lang.Sprintf(i18n.APIExportUntrusted, err.Error()))
		return
	}
	data, _, err := f.Encode(acct, export.Options{Lang: lang, File: exportFileName(f, acct)})
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, export.ErrNoOutgoing) || errors.Is(err, export.ErrNoIncoming) {
			status = http.StatusNotFound
		} else if errors.Is(err, export.ErrDomainOnly) {
			status = http.StatusBadRequest
		} else if errors.Is(err, export.ErrNonASCIIAddress) {
			status = http.StatusUnprocessableEntity
		}
		cacheFor(w, 0)
		s.apiError(w, status, err.Error())
		return
	}
	h := w.Header()
	h.Set("Content-Type", exportContentType(f))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Add("Vary", "Accept-Language")
	disposition := "attachment"
	if strings.HasPrefix(f.MIME, "image/") {
		// Shown on the result page; the page's link downloads it.
		disposition = "inline"
	}
	h.Set("Content-Disposition", disposition+`; filename="`+exportFileName(f, acct)+`"`)
	cacheFor(w, res.maxAge)
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// exportContentType is f's media type, with a charset for text.
func exportContentType(f export.Format) string {
	if strings.HasPrefix(f.MIME, "text/") && !strings.Contains(f.MIME, "charset") {
		return f.MIME + "; charset=utf-8"
	}
	return f.MIME
}

// exportProtocols is the protocol list an export looks up: list (or def
// when list is empty), with POP3 first when it has neither POP3 nor IMAP,
// and SMTP last when it lacks it.
func exportProtocols(list string, def []lookup.Protocol) (string, error) {
	ps := def
	if strings.TrimSpace(list) != "" {
		var err error
		if ps, err = lookup.ParseProtocols(list); err != nil {
			return "", err
		}
	}
	if !slices.ContainsFunc(ps, func(p lookup.Protocol) bool { return p == lookup.POP3 || p == lookup.IMAP }) {
		ps = append([]lookup.Protocol{lookup.POP3}, ps...)
	}
	if !slices.Contains(ps, lookup.SMTP) {
		ps = append(slices.Clone(ps), lookup.SMTP)
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = string(p)
	}
	return strings.Join(names, ","), nil
}

// forced reports whether a force parameter asks for a file from an
// untrusted answer.
func forced(v string) bool {
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	return err == nil && b
}

// exportFileName is the name a browser saves f's file for acct as:
// config-v1.1.xml for autoconfig, as the domain publishes it; the domain
// (an A-label, so plain ASCII) and the format's extension otherwise.
func exportFileName(f export.Format, acct *export.Account) string {
	if f.Name == "autoconfig" {
		return "config-v1.1.xml"
	}
	return acct.Address.Domain + f.Ext
}

// exportPage is the result page's offer of files: links to the Apple
// profile, the autoconfig file and the QR code, which the page shows.
type exportPage struct {
	// Profile, Autoconfig and QR are the API links of the files, "" for a
	// file the answer cannot make (a profile and a QR code need SMTP).
	Profile, Autoconfig, QR string
	// QRAlt describes the QR code; QRFile is the name it downloads as.
	QRAlt, QRFile string
	// Untrusted, when set, says why no file is offered: the answer was
	// guessed or came over plain HTTP.
	Untrusted string
}

// exportView is what the result page offers for res, looked up for
// protocols; nil when there is no account to hand out.
func exportView(p *page, res *lookupResult, protocols string) *exportPage {
	if res.out.invalid() {
		return nil
	}
	// Offered whenever an incoming server was found, also when the first
	// protocol asked (POP3) was not: iCloud's IMAP, say.
	acct, err := export.FromResult(res.out.res)
	if err != nil {
		return nil
	}
	if acct.Check() != nil {
		return &exportPage{Untrusted: p.T(i18n.PageExportUntrusted)}
	}
	address := strings.TrimSpace(p.Address)
	link := func(format string) string {
		return p.Href("/api/v1/export", "address", address, "format", format, "protocol", protocols)
	}
	v := &exportPage{Autoconfig: link("autoconfig")}
	// Offered when it can be made: an address, not a bare domain, with an
	// SMTP server; the QR code also needs an ASCII address.
	if _, _, err := export.Mobileconfig(acct, p.Lang); err == nil {
		v.Profile = link("mobileconfig")
	}
	if _, err := export.QRPayload(acct); err == nil {
		v.QR = link("qr")
		v.QRAlt = p.T(i18n.PageExportQRAlt, address)
		v.QRFile = acct.Address.Domain + ".png"
	}
	return v
}
