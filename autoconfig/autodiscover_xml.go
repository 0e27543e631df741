package autoconfig

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/safetext"
	"github.com/popfind/popfind/lookup/settings"
)

const responseSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"

// autodiscoverRequest is the POX request body for email.
func autodiscoverRequest(email string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">` + "\n")
	b.WriteString("  <Request>\n    <EMailAddress>")
	xml.EscapeText(&b, []byte(email))
	b.WriteString("</EMailAddress>\n    <AcceptableResponseSchema>" + responseSchema + "</AcceptableResponseSchema>\n")
	b.WriteString("  </Request>\n</Autodiscover>\n")
	return b.Bytes()
}

type adResponse struct {
	Response struct {
		Error *struct {
			Message string `xml:"Message"`
			Code    string `xml:"ErrorCode"`
		} `xml:"Error"`
		User struct {
			DisplayName string `xml:"DisplayName"`
		} `xml:"User"`
		Account struct {
			Action       string       `xml:"Action"`
			RedirectAddr string       `xml:"RedirectAddr"`
			RedirectURL  string       `xml:"RedirectUrl"`
			Protocols    []adProtocol `xml:"Protocol"`
		} `xml:"Account"`
	} `xml:"Response"`
}

type adProtocol struct {
	Type       string `xml:"Type"`
	Server     string `xml:"Server"`
	Port       string `xml:"Port"`
	LoginName  string `xml:"LoginName"`
	SSL        string `xml:"SSL"`
	Encryption string `xml:"Encryption"`
	SPA        string `xml:"SPA"`
}

// Autodiscover is a parsed Autodiscover answer.
type Autodiscover struct {
	Servers      []settings.Server
	RedirectAddr string
	RedirectURL  string
	// Skipped says, by protocol, why each invalid Protocol element was
	// left out, as messages whose first two arguments are the protocol's
	// label and the element's number (from 1).
	Skipped map[settings.Protocol][]i18n.Msg
	// PerAddress is true when a login name is neither the address nor its
	// local part: the answer then holds for this address alone.
	PerAddress bool
}

// ParseAutodiscover reads a POX Autodiscover response for addr, the address
// the lookup is for. asked is the address the request named, which differs
// from addr after a RedirectAddr answer.
func ParseAutodiscover(data []byte, addr, asked settings.Address) (*Autodiscover, error) {
	return parseAutodiscover(bytes.NewReader(data), addr, asked)
}

func parseAutodiscover(in io.Reader, addr, asked settings.Address) (*Autodiscover, error) {
	var r adResponse
	if err := decodeRoot(in, "Autodiscover", &r); err != nil {
		return nil, err
	}
	if e := r.Response.Error; e != nil {
		return nil, fmt.Errorf("autodiscover error %s: %s", safetext.Line(e.Code, 20), safetext.Line(e.Message, 200))
	}
	acct := r.Response.Account
	out := &Autodiscover{}
	switch strings.ToLower(strings.TrimSpace(acct.Action)) {
	case "redirectaddr":
		out.RedirectAddr = strings.TrimSpace(acct.RedirectAddr)
		return out, nil
	case "redirecturl":
		out.RedirectURL = strings.TrimSpace(acct.RedirectURL)
		return out, nil
	}
	for i, p := range acct.Protocols {
		proto, ok := adTypes[strings.ToUpper(strings.TrimSpace(p.Type))]
		if !ok {
			continue // EXCH, EXPR, WEB: not what a POP, IMAP or SMTP client needs
		}
		srv, literal, err := adServer(p, proto, addr, asked)
		if err != nil {
			if out.Skipped == nil {
				out.Skipped = map[settings.Protocol][]i18n.Msg{}
			}
			out.Skipped[proto] = append(out.Skipped[proto], skipMsg(err, proto, i+1))
			continue
		}
		out.PerAddress = out.PerAddress || literal
		out.Servers = append(out.Servers, srv)
	}
	return out, nil
}

// adTypes maps the Type of a Protocol element to the protocol it gives.
var adTypes = map[string]settings.Protocol{
	"POP3": settings.POP3,
	"IMAP": settings.IMAP,
	"SMTP": settings.SMTP,
}

// adServer maps one POP3, IMAP or SMTP Protocol element: SSL off or
// Encryption None is plain text; Encryption TLS is STARTTLS and SSL is
// implicit TLS; otherwise the protocol's STARTTLS port (110, 143, 587, or
// 25 for SMTP) means STARTTLS and anything else implicit TLS.
func adServer(p adProtocol, proto settings.Protocol, addr, asked settings.Address) (srv settings.Server, literal bool, err error) {
	srv = settings.Server{Protocol: proto, Auth: []string{"password-cleartext"}}
	host := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(p.Server), "."))
	if kind, quoted := hostProblem(host); kind > 0 {
		return srv, false, skip(hostKey(kind, [3]string{i18n.ADSkipEmptyHost, i18n.ADSkipLongHost, i18n.ADSkipBadHost}), quoted)
	}
	srv.Host = host
	plain := strings.EqualFold(strings.TrimSpace(p.SSL), "off") || strings.EqualFold(strings.TrimSpace(p.Encryption), "none")
	port := 0
	if ps := strings.TrimSpace(p.Port); ps != "" {
		n, err := strconv.Atoi(ps)
		if err != nil || n < 1 || n > 65535 {
			return srv, false, skip(i18n.ADSkipBadPort, strconv.QuoteToASCII(safetext.Line(p.Port, 20)))
		}
		port = n
	}
	enc := strings.ToLower(strings.TrimSpace(p.Encryption))
	switch {
	case plain:
		srv.SocketType = settings.Plain
	case enc == "tls":
		srv.SocketType = settings.STARTTLS
	case enc == "ssl":
		srv.SocketType = settings.SSL
	case port == proto.DefaultPort(settings.STARTTLS), proto == settings.SMTP && port == 25:
		srv.SocketType = settings.STARTTLS
	default:
		srv.SocketType = settings.SSL
	}
	if port == 0 {
		port = proto.DefaultPort(srv.SocketType)
	}
	srv.Port = port
	if strings.EqualFold(strings.TrimSpace(p.SPA), "on") {
		srv.Auth = []string{"NTLM"}
	}
	// Keep placeholders where the login name is the address or its local
	// part, so that a cached answer serves the domain's other addresses.
	login := strings.TrimSpace(p.LoginName)
	if safetext.Unsafe(login) {
		return srv, false, skip(i18n.ADSkipUnsafeLogin)
	}
	if utf8.RuneCountInString(login) > maxUsername {
		return srv, false, skip(i18n.ADSkipLongLogin, strconv.Itoa(maxUsername))
	}
	if login == "" {
		// No login name given: the address the server was asked about.
		login = asked.String()
	}
	switch {
	case strings.EqualFold(login, addr.String()) || strings.EqualFold(login, addr.Local+"@"+addr.Domain):
		srv.Username = settings.PlaceholderAddress
	case login == addr.Local:
		srv.Username = settings.PlaceholderLocal
	default:
		srv.Username = login
		literal = true
	}
	return srv, literal, nil
}
