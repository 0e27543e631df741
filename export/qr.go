package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/skip2/go-qrcode"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// qrFormat is the QR code Thunderbird for Android scans to import an
// account.
var qrFormat = Format{
	Name: "qr",
	MIME: "image/png",
	Ext:  ".png",
	Help: i18n.ExportHelpQR,
	Encode: func(a *Account, o Options) ([]byte, []i18n.Msg, error) {
		payload, err := QRPayload(a)
		if err != nil {
			return nil, nil, err
		}
		q, err := qrcode.New(string(payload), qrcode.Medium)
		if err != nil {
			return nil, nil, fmt.Errorf("export: qr: %w", err)
		}
		if o.Terminal || (o.File != "" && !strings.EqualFold(filepath.Ext(o.File), ".png")) {
			// Dark modules as blanks, light ones as blocks: a terminal's
			// light text on its dark background shows the code the right
			// way round, quiet zone included.
			return []byte(q.ToSmallString(false)), nil, nil
		}
		data, err := q.PNG(-qrModulePixels)
		if err != nil {
			return nil, nil, fmt.Errorf("export: qr: %w", err)
		}
		return data, nil, nil
	},
}

// qrModulePixels is the side of one module of the PNG, in pixels.
const qrModulePixels = 6

// The values of Thunderbird's QR code format, version 1.
const (
	qrFormatVersion = 1

	qrIMAP = 0
	qrPOP3 = 1
	qrSMTP = 0

	qrPlain    = 0
	qrStartTLS = 2
	qrTLS      = 3

	qrAuthNone              = 0
	qrAuthPasswordCleartext = 1
	qrAuthPasswordEncrypted = 2
	qrAuthGSSAPI            = 3
	qrAuthNTLM              = 4
	qrAuthOAuth2            = 6
)

// ErrNonASCIIAddress is QRPayload's error for an address whose local part
// is not ASCII: version 1 of the format allows only ASCII addresses.
var ErrNonASCIIAddress = errors.New("export: qr: the format allows only ASCII addresses")

// QRPayload returns the JSON that popfind's QR code holds for a: the
// Thunderbird "Export for Mobile" format, version 1, one account in one
// code. The incoming server is a's (POP3 or IMAP), the outgoing one its
// SMTP server; the identity is the address with an empty display name.
// It holds no password and no account name (the reader then names the
// account by the address). Host names and the address's domain are
// A-labels, as the format requires.
func QRPayload(a *Account) ([]byte, error) {
	if err := oneAddress(a); err != nil {
		return nil, err
	}
	email := asciiAddress(a.Address)
	for _, r := range email {
		if r > 0x7e || r < 0x20 {
			return nil, fmt.Errorf("%w: %q", ErrNonASCIIAddress, email)
		}
	}
	in, out := *a.Incoming, *a.Outgoing
	proto := qrPOP3
	if in.Protocol == lookup.IMAP {
		proto = qrIMAP
	}
	payload := []any{
		qrFormatVersion,
		[]int{1, 1},
		[]any{proto, in.Host, in.Port, qrSecurity(in.SocketType), qrAuth(in), in.Username},
		[]any{
			[]any{
				[]any{qrSMTP, out.Host, out.Port, qrSecurity(out.SocketType), qrAuth(out), out.Username},
				[]string{email, ""},
			},
		},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(payload); err != nil {
		return nil, fmt.Errorf("export: qr: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// qrSecurity is the format's ConnectionSecurity for st.
func qrSecurity(st lookup.SocketType) int {
	switch st {
	case lookup.SSL:
		return qrTLS
	case lookup.STARTTLS:
		return qrStartTLS
	}
	return qrPlain
}

// qrAuth is the format's AuthenticationType for the first way of logging
// in that s lists and the format knows; a password by default.
func qrAuth(s lookup.Server) int {
	for _, m := range s.Auth {
		switch strings.ToLower(m) {
		case "password-cleartext":
			return qrAuthPasswordCleartext
		case "password-encrypted":
			return qrAuthPasswordEncrypted
		case "gssapi":
			return qrAuthGSSAPI
		case "ntlm":
			return qrAuthNTLM
		case "oauth2":
			return qrAuthOAuth2
		case "none", "client-ip-address", "smtp-after-pop":
			if s.Protocol == lookup.SMTP {
				return qrAuthNone
			}
		}
	}
	return qrAuthPasswordCleartext
}
