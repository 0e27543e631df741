// Package export turns what a lookup found into a file a mail client
// reads: an autoconfig file for a domain's web server, an Outlook
// Autodiscover response, the plain text a desk pastes into a ticket, and
// the formats that Formats lists besides.
//
// A program makes an Account from a lookup's result and hands it to a
// Format:
//
//	res := lookup.Find(ctx, "someone@example.com")
//	acct, err := export.FromResult(res)
//	if err != nil {
//		return err // nothing to hand out
//	}
//	f, _ := export.ByName("autoconfig")
//	data, notes, err := f.Encode(acct, export.Options{Lang: i18n.English})
//
// Everything an Account holds came from a lookup, which cleaned it of
// control and bidirectional characters; each format escapes it for its own
// syntax. No format ever holds a password.
package export

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// Account is what a lookup found for one address, ready to hand out.
type Account struct {
	// Address is the address looked up.
	Address lookup.Address
	// Provider names who runs the service, when a source knew; nil
	// otherwise.
	Provider *lookup.Provider
	// Incoming is the chosen server of the first of POP3 and IMAP that the
	// lookup asked for and found; Outgoing is the chosen SMTP server. Either
	// is nil when it was not found.
	Incoming, Outgoing *lookup.Server
	// Protocols are the protocols the lookup asked for, in the order asked.
	Protocols []lookup.Protocol
	// Servers holds, for every protocol found, its servers in preference
	// order: the chosen one first, then its alternatives.
	Servers map[lookup.Protocol][]lookup.Server
	// Sources says, for every protocol asked for, where its answer came
	// from and how far to trust it.
	Sources map[lookup.Protocol]Source
	// Result is the lookup itself, for a format that says more than the
	// servers (notes, warnings, help pages). Formats must not change it.
	Result *lookup.Result
}

// Source is where one protocol's answer came from.
type Source struct {
	// Name is the source's name, as lookup.SourceNames lists it; empty
	// when nothing was found.
	Name string
	// URL is the URL, DNS name or MX host the answer came from.
	URL string
	// Guessed is true when the answer is a guess from probing the usual
	// host names: nobody published it. (Settings inferred from MX hosts
	// are a known provider's published ones, and not a guess.)
	Guessed bool
	// PlainHTTP is true when the answer travelled over plain HTTP, where
	// anyone on the path could have altered it.
	PlainHTTP bool
}

// Untrusted reports whether s is an answer nobody published over a channel
// that can be trusted: a guess, or plain HTTP.
func (s Source) Untrusted() bool { return s.Guessed || s.PlainHTTP }

// ErrNoIncoming is FromResult's error when the lookup found no POP3 or IMAP
// server: there is no account to hand out.
var ErrNoIncoming = errors.New("export: no incoming server was found")

// UntrustedError is the error of Account.Check for an answer that was
// guessed or came over plain HTTP: a file made from it would hand out
// settings that nobody published.
type UntrustedError struct {
	Protocol lookup.Protocol
	Source   Source
}

func (e *UntrustedError) Error() string {
	why := "was guessed"
	if e.Source.PlainHTTP {
		why = "came over plain HTTP"
	}
	return fmt.Sprintf("export: the %s answer %s (source %s)", e.Protocol.Label(), why, e.Source.Name)
}

// Msg says what Error says, for a person, in the catalogue.
func (e *UntrustedError) Msg() i18n.Msg {
	if e.Source.PlainHTTP {
		return i18n.M(i18n.ExportPlainHTTP, e.Protocol.Label(), e.Source.URL)
	}
	return i18n.M(i18n.ExportGuessed, e.Protocol.Label(), e.Source.URL)
}

// FromResult makes an Account from a lookup's result. The incoming server
// is the first of POP3 and IMAP in the order the lookup asked for them;
// the outgoing server is SMTP. It fails with ErrNoIncoming when no incoming
// server was found, and with the lookup's own error when the address was
// invalid. It does not judge trust: see Account.Check.
func FromResult(res *lookup.Result) (*Account, error) {
	if res == nil {
		return nil, ErrNoIncoming
	}
	if errors.Is(res.Err, lookup.ErrInvalidAddress) {
		return nil, res.Err
	}
	a := &Account{
		Address: res.Address,
		Servers: map[lookup.Protocol][]lookup.Server{},
		Sources: map[lookup.Protocol]Source{},
		Result:  res,
	}
	for _, r := range res.All() {
		a.Protocols = append(a.Protocols, r.Protocol)
		src := Source{}
		if r.Found && r.Answer != nil && len(r.Answer.Servers) > 0 {
			src = Source{
				Name:      r.Source,
				URL:       r.Answer.SourceURL,
				Guessed:   r.Source == lookup.SourceGuess,
				PlainHTTP: r.Source == lookup.SourceAutoconfigHTTP || r.Answer.PlainHTTP(),
			}
			a.Servers[r.Protocol] = slices.Clone(r.Answer.Servers)
			if a.Provider == nil && r.Answer.Provider != nil {
				p := *r.Answer.Provider
				a.Provider = &p
			}
			s := a.Servers[r.Protocol][0]
			switch r.Protocol {
			case lookup.POP3, lookup.IMAP:
				if a.Incoming == nil {
					a.Incoming = &s
				}
			case lookup.SMTP:
				a.Outgoing = &s
			}
		}
		a.Sources[r.Protocol] = src
	}
	if a.Incoming == nil {
		if res.Err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNoIncoming, res.Err)
		}
		return nil, ErrNoIncoming
	}
	return a, nil
}

// Check returns an *UntrustedError for the first protocol, in the order
// asked, whose servers were guessed or came over plain HTTP, and nil when
// there is none. Formats such as autoconfig hold every protocol found, not
// only the incoming and outgoing servers, so every one is checked. A caller
// makes no file from such an answer unless its user insists.
func (a *Account) Check() error {
	for _, p := range a.Protocols {
		if len(a.Servers[p]) == 0 {
			continue
		}
		if src := a.Sources[p]; src.Untrusted() {
			return &UntrustedError{Protocol: p, Source: src}
		}
	}
	return nil
}

// Options are what a caller tells a format beyond the account.
type Options struct {
	// Lang is the language of the words a format holds for people (text;
	// descriptions). Empty means English.
	Lang i18n.Lang
	// File is the name the data will be saved as, "" for standard output
	// or a terminal. A format with more than one form chooses by its
	// extension (qr: ".png" gives a PNG image).
	File string
	// Terminal is true when the data goes to a terminal.
	Terminal bool
	// Sign, when set, signs the formats that can be signed
	// (mobileconfig).
	Sign *Signer
}

// Signer is a certificate and its key, for formats that can be signed.
type Signer struct {
	// CertFile and KeyFile are PEM files: the certificate first in
	// CertFile, the chain after it.
	CertFile, KeyFile string
}

// Format is one export format.
type Format struct {
	// Name is the format's name on the command line and in the API.
	Name string
	// MIME is the media type to serve the data with; Ext the file name
	// extension, with its dot.
	MIME, Ext string
	// Help is the i18n key of a one-line description.
	Help string
	// Encode makes the file. notes are what the user should be told about
	// it (what a device will do that the file cannot say); they go to
	// standard error, never into the data.
	Encode func(a *Account, o Options) (data []byte, notes []i18n.Msg, err error)
}

// Formats returns every format, in the order a listing shows them. The
// slice is the caller's own.
func Formats() []Format {
	return []Format{
		autoconfigFormat,
		autodiscoverFormat,
		mobileconfigFormat,
		qrFormat,
		textFormat,
	}
}

// ByName returns the format called name (in any case).
func ByName(name string) (Format, bool) {
	for _, f := range Formats() {
		if strings.EqualFold(f.Name, strings.TrimSpace(name)) {
			return f, true
		}
	}
	return Format{}, false
}

// Names returns the names of the formats, in the order of Formats.
func Names() []string {
	var names []string
	for _, f := range Formats() {
		names = append(names, f.Name)
	}
	return names
}
