// Package autoconfig reads Thunderbird's autoconfig format
// (config-v1.1.xml, draft-ietf-mailmaint-autoconfig) and fetches it from a
// domain, its .well-known path and the ISP database.
package autoconfig

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// Config is the POP3 part of an autoconfig file.
type Config struct {
	ID        string
	Name      string
	ShortName string
	Domains   []string
	// Servers are the valid POP3 sections in document order; the first is
	// the answer and the rest are alternatives. Usernames keep their
	// placeholders; host names are filled for the address.
	Servers []lookup.Server
	// Skipped says why each invalid POP3 section was left out.
	Skipped      []string
	Docs         []string
	Instructions []Instruction
}

// Instruction is an enable element: where to go and what to do there before
// a client can connect.
type Instruction struct {
	URL  string
	Text string
}

type xmlConfig struct {
	XMLName  xml.Name     `xml:"clientConfig"`
	Provider *xmlProvider `xml:"emailProvider"`
	Enable   []xmlEnable  `xml:"enable"`
}

type xmlProvider struct {
	ID               string      `xml:"id,attr"`
	Domains          []string    `xml:"domain"`
	DisplayName      string      `xml:"displayName"`
	DisplayShortName string      `xml:"displayShortName"`
	Incoming         []xmlServer `xml:"incomingServer"`
	Documentation    []xmlDoc    `xml:"documentation"`
	Enable           []xmlEnable `xml:"enable"`
}

type xmlServer struct {
	Type        string   `xml:"type,attr"`
	Hostname    *string  `xml:"hostname"`
	Port        *string  `xml:"port"`
	SocketTypes []string `xml:"socketType"`
	Username    *string  `xml:"username"`
	Auth        []string `xml:"authentication"`
	POP3        *xmlPOP3 `xml:"pop3"`
}

type xmlPOP3 struct {
	Leave *string `xml:"leaveMessagesOnServer"`
	Days  *string `xml:"daysToLeaveMessagesOnServer"`
	Biff  *string `xml:"downloadOnBiff"`
}

type xmlDoc struct {
	URL   string   `xml:"url,attr"`
	Descr []string `xml:"descr"`
}

type xmlEnable struct {
	VisitURL     string   `xml:"visiturl,attr"`
	Instructions []string `xml:"instruction"`
}

// knownAuth maps the authentication values Thunderbird accepts to their
// current spelling (two older spellings are still found in the wild).
var knownAuth = map[string]string{
	"password-cleartext": "password-cleartext",
	"plain":              "password-cleartext",
	"password-encrypted": "password-encrypted",
	"secure":             "password-encrypted",
	"GSSAPI":             "GSSAPI",
	"NTLM":               "NTLM",
	"OAuth2":             "OAuth2",
	"TLS-client-cert":    "TLS-client-cert",
	"client-IP-address":  "client-IP-address",
}

// ErrEntity is returned for documents that declare entities or a DOCTYPE
// with an internal subset: they are never expanded.
var ErrEntity = errors.New("DOCTYPE with declarations is not allowed")

// Parse reads an autoconfig document for addr, following Thunderbird's
// readFromXML rules. A document without a valid POP3 section is not an
// error: Config.Servers is then empty.
func Parse(data []byte, addr lookup.Address) (*Config, error) {
	if !utf8.Valid(data) && !bytes.HasPrefix(data, []byte("<?xml")) {
		return nil, errors.New("parse: not UTF-8 text")
	}
	var root xmlConfig
	if err := decodeRoot(data, "clientConfig", &root); err != nil {
		return nil, err
	}
	if root.Provider == nil {
		return nil, errors.New("parse: no emailProvider element")
	}
	p := root.Provider
	c := &Config{
		ID:        strings.TrimSpace(p.ID),
		Name:      strings.TrimSpace(p.DisplayName),
		ShortName: strings.TrimSpace(p.DisplayShortName),
	}
	if c.Name == "" {
		c.Name = c.ID
	}
	for _, d := range p.Domains {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			c.Domains = append(c.Domains, d)
		}
	}
	for i, s := range p.Incoming {
		if s.Type != "pop3" {
			continue
		}
		srv, err := popServer(s, addr)
		if err != nil {
			c.Skipped = append(c.Skipped, fmt.Sprintf("POP3 section %d: %v", i+1, err))
			continue
		}
		c.Servers = append(c.Servers, srv)
	}
	for _, d := range p.Documentation {
		if u := strings.TrimSpace(d.URL); isWebURL(u) {
			c.Docs = append(c.Docs, u)
		}
	}
	for _, e := range append(p.Enable, root.Enable...) {
		in := Instruction{URL: strings.TrimSpace(e.VisitURL)}
		if len(e.Instructions) > 0 {
			in.Text = strings.TrimSpace(e.Instructions[0])
		}
		if !isWebURL(in.URL) {
			in.URL = ""
		}
		if in.URL != "" || in.Text != "" {
			c.Instructions = append(c.Instructions, in)
		}
	}
	return c, nil
}

// decodeRoot decodes the document's root element, which must be named
// name, into v, refusing DOCTYPE internal subsets so that no entity is ever
// declared, let alone expanded.
func decodeRoot(data []byte, name string, v any) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	// Servers written for Thunderbird sometimes declare another encoding,
	// such as ISO-8859-1.
	dec.CharsetReader = charset.NewReaderLabel
	for {
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				return fmt.Errorf("parse: no %s element", name)
			}
			return fmt.Errorf("parse: line %d: %w", line(dec), err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.Contains(t, []byte("[")) || bytes.Contains(t, []byte("ENTITY")) {
				return fmt.Errorf("parse: line %d: %w", line(dec), ErrEntity)
			}
		case xml.StartElement:
			if t.Name.Local != name {
				return fmt.Errorf("parse: line %d: root element is <%s>, not <%s>", line(dec), t.Name.Local, name)
			}
			if err := dec.DecodeElement(v, &t); err != nil {
				return fmt.Errorf("parse: line %d: %w", line(dec), err)
			}
			return nil
		}
	}
}

func line(dec *xml.Decoder) int {
	l, _ := dec.InputPos()
	return l
}

func isWebURL(u string) bool {
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
}

// popServer checks one POP3 section the way Thunderbird does and converts it.
func popServer(s xmlServer, addr lookup.Address) (lookup.Server, error) {
	srv := lookup.Server{Protocol: "pop3"}
	if s.Hostname == nil {
		return srv, errors.New("no hostname")
	}
	host := strings.TrimSuffix(strings.ToLower(lookup.Expand(strings.TrimSpace(*s.Hostname), addr)), ".")
	if err := checkHost(host); err != nil {
		return srv, err
	}
	srv.Host = host
	if s.Port == nil {
		return srv, errors.New("no port")
	}
	port, err := strconv.Atoi(strings.TrimSpace(*s.Port))
	if err != nil || port < 1 || port > 65535 {
		return srv, fmt.Errorf("port %q is not a whole number from 1 to 65535", *s.Port)
	}
	srv.Port = port
	for _, st := range s.SocketTypes {
		if t, ok := lookup.ParseSocketType(strings.TrimSpace(st)); ok {
			srv.SocketType = t
			break // Thunderbird takes the first it supports
		}
	}
	if srv.SocketType == "" {
		return srv, fmt.Errorf("no known socketType in %q", s.SocketTypes)
	}
	if s.Username == nil {
		return srv, errors.New("no username")
	}
	srv.Username = strings.TrimSpace(*s.Username)
	srv.Auth = []string{}
	for _, a := range s.Auth {
		if v, ok := knownAuth[strings.TrimSpace(a)]; ok && !contains(srv.Auth, v) {
			srv.Auth = append(srv.Auth, v)
		}
	}
	if len(srv.Auth) == 0 {
		return srv, fmt.Errorf("no known authentication in %q", s.Auth)
	}
	if p := s.POP3; p != nil {
		if p.Leave != nil {
			if b, ok := parseBool(*p.Leave); ok {
				srv.LeaveMessagesOnServer = &b
			}
		}
		if p.Days != nil {
			if d, err := strconv.Atoi(strings.TrimSpace(*p.Days)); err == nil && d >= 0 {
				srv.DaysToLeaveMessagesOnServer = &d
			}
		}
		if p.Biff != nil {
			if b, ok := parseBool(*p.Biff); ok {
				srv.DownloadOnBiff = &b
			}
		}
	}
	return srv, nil
}

// checkHost accepts a host name or an IP address, as Thunderbird's
// sanitize.hostname does, after placeholders are filled.
func checkHost(host string) error {
	if host == "" {
		return errors.New("empty hostname")
	}
	if len(host) > 253 {
		return fmt.Errorf("hostname longer than 253 octets")
	}
	if strings.ContainsAny(host, " \t;/:%\\\"'`$&|<>()[]{}*?!#,=@") {
		return fmt.Errorf("hostname %q is not a valid host name", host)
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return fmt.Errorf("hostname %q is not a valid host name", host)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("hostname %q is not a valid host name", host)
			}
		}
	}
	return nil
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "1":
		return true, true
	case "false", "no", "0":
		return false, true
	}
	return false, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Answer converts c into a lookup answer from sourceURL.
func (c *Config) Answer(sourceURL string) *lookup.Answer {
	a := &lookup.Answer{SourceURL: sourceURL, Servers: c.Servers, Docs: c.Docs}
	if c.ID != "" || c.Name != "" {
		a.Provider = &lookup.Provider{ID: c.ID, Name: c.Name}
	}
	for _, in := range c.Instructions {
		switch {
		case in.Text != "" && in.URL != "":
			a.Notes = append(a.Notes, i18n.M(i18n.NoteEnableInstruct, in.Text, in.URL))
		case in.Text != "":
			a.Notes = append(a.Notes, i18n.Text(in.Text))
		default:
			a.Notes = append(a.Notes, i18n.M(i18n.NoteEnablePOP))
			a.Docs = append(a.Docs, in.URL)
		}
	}
	return a
}
