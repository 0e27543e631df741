package export

import (
	"crypto"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/smallstep/pkcs7"
	"howett.net/plist"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

// MobileconfigMIME is the media type of an Apple configuration profile.
const MobileconfigMIME = "application/x-apple-aspen-config"

// mobileconfigFormat is an Apple configuration profile with one
// com.apple.mail.managed payload.
var mobileconfigFormat = Format{
	Name: "mobileconfig",
	MIME: MobileconfigMIME,
	Ext:  ".mobileconfig",
	Help: i18n.ExportHelpMobileconfig,
	Encode: func(a *Account, o Options) ([]byte, []i18n.Msg, error) {
		data, notes, err := Mobileconfig(a, o.Lang)
		if err != nil || o.Sign == nil {
			return data, notes, err
		}
		signed, err := o.Sign.SignFiles(data)
		return signed, notes, err
	},
}

// profileIDPrefix starts every PayloadIdentifier popfind writes.
const profileIDPrefix = "org.popfind.mail."

// mailProfile is the top level of a configuration profile.
type mailProfile struct {
	PayloadContent           []mailPayload `plist:"PayloadContent"`
	PayloadDescription       string        `plist:"PayloadDescription"`
	PayloadDisplayName       string        `plist:"PayloadDisplayName"`
	PayloadIdentifier        string        `plist:"PayloadIdentifier"`
	PayloadRemovalDisallowed bool          `plist:"PayloadRemovalDisallowed"`
	PayloadType              string        `plist:"PayloadType"`
	PayloadUUID              string        `plist:"PayloadUUID"`
	PayloadVersion           int           `plist:"PayloadVersion"`
}

// mailPayload is a com.apple.mail.managed payload. It has no password
// keys: the device asks for the password.
type mailPayload struct {
	EmailAccountDescription                string `plist:"EmailAccountDescription"`
	EmailAccountType                       string `plist:"EmailAccountType"`
	EmailAddress                           string `plist:"EmailAddress"`
	IncomingMailServerAuthentication       string `plist:"IncomingMailServerAuthentication"`
	IncomingMailServerHostName             string `plist:"IncomingMailServerHostName"`
	IncomingMailServerPortNumber           int    `plist:"IncomingMailServerPortNumber"`
	IncomingMailServerUseSSL               bool   `plist:"IncomingMailServerUseSSL"`
	IncomingMailServerUsername             string `plist:"IncomingMailServerUsername,omitempty"`
	OutgoingMailServerAuthentication       string `plist:"OutgoingMailServerAuthentication"`
	OutgoingMailServerHostName             string `plist:"OutgoingMailServerHostName"`
	OutgoingMailServerPortNumber           int    `plist:"OutgoingMailServerPortNumber"`
	OutgoingMailServerUseSSL               bool   `plist:"OutgoingMailServerUseSSL"`
	OutgoingMailServerUsername             string `plist:"OutgoingMailServerUsername,omitempty"`
	OutgoingPasswordSameAsIncomingPassword bool   `plist:"OutgoingPasswordSameAsIncomingPassword"`
	PayloadDescription                     string `plist:"PayloadDescription"`
	PayloadDisplayName                     string `plist:"PayloadDisplayName"`
	PayloadIdentifier                      string `plist:"PayloadIdentifier"`
	PayloadType                            string `plist:"PayloadType"`
	PayloadUUID                            string `plist:"PayloadUUID"`
	PayloadVersion                         int    `plist:"PayloadVersion"`
}

// ErrNoOutgoing is the error of a format that needs an SMTP server when the
// lookup found none.
var ErrNoOutgoing = errors.New("export: no outgoing (SMTP) server was found")

// ErrDomainOnly is the error of a format made for one address (mobileconfig,
// qr) when the account is a bare domain's.
var ErrDomainOnly = errors.New("export: this format is made for one address, not a bare domain")

// oneAddress checks that a is an account for which a device can be set up:
// an incoming and an outgoing server, and an address, not a bare domain.
func oneAddress(a *Account) error {
	switch {
	case a == nil || a.Incoming == nil:
		return ErrNoIncoming
	case settings.Address(a.Address).DomainOnly():
		return ErrDomainOnly
	case a.Outgoing == nil:
		return ErrNoOutgoing
	}
	return nil
}

// Mobileconfig returns an unsigned Apple configuration profile (an XML
// property list) for a: a com.apple.mail.managed payload for the incoming
// server (POP3 or IMAP) and the SMTP server, with no password.
//
// A profile says only whether to use SSL: where a server's answer is
// STARTTLS, the profile names the same protocol's implicit-TLS alternative
// when the answer has one; otherwise it names the STARTTLS server without
// SSL and a note says what the device will do. The identifiers and UUIDs
// are derived from the address alone, so the same address always gives
// the same profile and installing it again replaces the old one. Host
// names and the address's domain are written as A-labels. The
// descriptions are in lang (empty: English).
func Mobileconfig(a *Account, lang i18n.Lang) ([]byte, []i18n.Msg, error) {
	if err := oneAddress(a); err != nil {
		return nil, nil, err
	}
	var notes []i18n.Msg
	in, n := tlsServer(a, *a.Incoming)
	notes = append(notes, n...)
	out, n := tlsServer(a, *a.Outgoing)
	notes = append(notes, n...)

	accountType := "EmailTypePOP"
	if in.Protocol == lookup.IMAP {
		accountType = "EmailTypeIMAP"
	}
	email := asciiAddress(a.Address)
	name := providerName(a)
	id := profileUUID(a.Address)
	mailID := nameUUID(id, "com.apple.mail.managed")
	desc := name + " (" + a.Address.String() + ")"
	p := mailProfile{
		PayloadContent: []mailPayload{{
			EmailAccountDescription:                name,
			EmailAccountType:                       accountType,
			EmailAddress:                           email,
			IncomingMailServerAuthentication:       appleAuth(in),
			IncomingMailServerHostName:             in.Host,
			IncomingMailServerPortNumber:           in.Port,
			IncomingMailServerUseSSL:               in.SocketType == lookup.SSL,
			IncomingMailServerUsername:             in.Username,
			OutgoingMailServerAuthentication:       appleAuth(out),
			OutgoingMailServerHostName:             out.Host,
			OutgoingMailServerPortNumber:           out.Port,
			OutgoingMailServerUseSSL:               out.SocketType == lookup.SSL,
			OutgoingMailServerUsername:             out.Username,
			OutgoingPasswordSameAsIncomingPassword: out.Username == in.Username && appleAuth(out) != "EmailAuthNone",
			PayloadDescription:                     desc,
			PayloadDisplayName:                     name,
			PayloadIdentifier:                      profileIDPrefix + id + ".mail",
			PayloadType:                            "com.apple.mail.managed",
			PayloadUUID:                            mailID,
			PayloadVersion:                         1,
		}},
		PayloadDescription: lang.Sprintf(i18n.ExportProfileDesc, desc),
		PayloadDisplayName: name + " – " + a.Address.String(),
		PayloadIdentifier:  profileIDPrefix + id,
		PayloadType:        "Configuration",
		PayloadUUID:        id,
		PayloadVersion:     1,
	}
	data, err := plist.MarshalIndent(p, plist.XMLFormat, "\t")
	if err != nil {
		return nil, nil, fmt.Errorf("export: mobileconfig: %w", err)
	}
	return append(data, '\n'), notes, nil
}

// tlsServer returns the server a profile names for s: s itself, or, when s
// is STARTTLS, the first implicit-TLS server of the same protocol in a's
// answer. The notes say which it did.
func tlsServer(a *Account, s lookup.Server) (lookup.Server, []i18n.Msg) {
	if s.SocketType != lookup.STARTTLS {
		return s, nil
	}
	endpoint := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	for _, alt := range a.Servers[s.Protocol] {
		if alt.SocketType == lookup.SSL {
			return alt, []i18n.Msg{i18n.M(i18n.ExportProfileSSLInstead, s.Protocol.Label(),
				net.JoinHostPort(alt.Host, strconv.Itoa(alt.Port)), endpoint)}
		}
	}
	return s, []i18n.Msg{i18n.M(i18n.ExportProfileStartTLS, s.Protocol.Label(), endpoint)}
}

// appleAuth is the IncomingMailServerAuthentication or
// OutgoingMailServerAuthentication value closest to s.Auth: a password
// wherever the server takes one (OAuth2 has no value of its own, and the
// device offers it for the providers it knows).
func appleAuth(s lookup.Server) string {
	if len(s.Auth) == 0 {
		return "EmailAuthPassword"
	}
	for _, m := range s.Auth {
		if strings.EqualFold(m, "password-cleartext") {
			return "EmailAuthPassword"
		}
	}
	switch strings.ToLower(s.Auth[0]) {
	case "password-encrypted":
		return "EmailAuthCRAMMD5"
	case "ntlm":
		return "EmailAuthNTLM"
	case "none", "client-ip-address", "smtp-after-pop":
		if s.Protocol == lookup.SMTP {
			return "EmailAuthNone"
		}
	}
	return "EmailAuthPassword"
}

// providerName is who runs the account, for descriptions: the provider's
// name when a source knew it, the domain otherwise.
func providerName(a *Account) string {
	if a.Provider != nil && a.Provider.Name != "" {
		return a.Provider.Name
	}
	if a.Address.UnicodeDomain != "" {
		return a.Address.UnicodeDomain
	}
	return a.Address.Domain
}

// asciiAddress is the address with its domain as an A-label.
func asciiAddress(addr lookup.Address) string {
	return addr.Local + "@" + addr.Domain
}

// profileNamespace is the namespace of the UUIDs popfind derives: the
// name-based UUID of "popfind.org" in the DNS namespace of RFC 9562.
var profileNamespace = nameUUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "popfind.org")

// profileUUID is the UUID of the profile for addr: a name-based (version 5)
// UUID of the address in lower case, its domain as an A-label.
func profileUUID(addr lookup.Address) string {
	return nameUUID(profileNamespace, strings.ToLower(asciiAddress(addr)))
}

// nameUUID is the version 5 UUID of name in namespace (RFC 9562, 5.5), in
// upper case as Apple writes them.
func nameUUID(namespace, name string) string {
	ns := make([]byte, 0, 16)
	for _, part := range strings.Split(namespace, "-") {
		for i := 0; i+1 < len(part); i += 2 {
			b, _ := strconv.ParseUint(part[i:i+2], 16, 8)
			ns = append(ns, byte(b))
		}
	}
	h := sha1.New()
	h.Write(ns)
	h.Write([]byte(name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]))
}

// SignFiles signs data as SignProfile does with the certificate and key in
// s's files.
func (s *Signer) SignFiles(data []byte) ([]byte, error) {
	certPEM, err := os.ReadFile(s.CertFile)
	if err != nil {
		return nil, fmt.Errorf("export: sign: %w", err)
	}
	keyPEM, err := os.ReadFile(s.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("export: sign: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("export: sign with %q and %q: %w", s.CertFile, s.KeyFile, err)
	}
	var chain []*x509.Certificate
	for _, der := range pair.Certificate {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("export: sign: certificate in %q: %w", s.CertFile, err)
		}
		chain = append(chain, c)
	}
	signer, ok := pair.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("export: sign: the key in %q cannot sign", s.KeyFile)
	}
	return SignProfile(data, chain, signer)
}

// SignProfile wraps data in CMS SignedData (RFC 5652), signed with SHA-256
// by the key of chain[0], the certificates of chain included, as a device
// expects of a signed configuration profile.
func SignProfile(data []byte, chain []*x509.Certificate, key crypto.Signer) ([]byte, error) {
	if len(chain) == 0 {
		return nil, errors.New("export: sign: no certificate")
	}
	sd, err := pkcs7.NewSignedData(data)
	if err != nil {
		return nil, fmt.Errorf("export: sign: %w", err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSignerChain(chain[0], key, chain[1:], pkcs7.SignerInfoConfig{}); err != nil {
		return nil, fmt.Errorf("export: sign: %w", err)
	}
	out, err := sd.Finish()
	if err != nil {
		return nil, fmt.Errorf("export: sign: %w", err)
	}
	return out, nil
}
