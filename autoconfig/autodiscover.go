package autoconfig

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/miekg/dns"
	"golang.org/x/net/publicsuffix"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/internal/safetext"
	"github.com/popfind/popfind/lookup/settings"
)

// MaxAutodiscoverHops bounds the redirects one Autodiscover lookup follows:
// HTTP redirects, RedirectAddr and RedirectUrl answers together.
const MaxAutodiscoverHops = 10

// AutodiscoverSource asks Exchange's POX Autodiscover for POP3 settings. It
// never sends credentials: an endpoint that wants a login is "not found".
type AutodiscoverSource struct {
	Fetcher *Fetcher
	// Resolver finds the _autodiscover._tcp SRV record.
	Resolver *resolver.Resolver
}

var _ settings.Source = (*AutodiscoverSource)(nil)

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
	Skipped      []string
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
		if !strings.EqualFold(strings.TrimSpace(p.Type), "POP3") {
			continue
		}
		srv, literal, err := adServer(p, addr, asked)
		if err != nil {
			out.Skipped = append(out.Skipped, fmt.Sprintf("Protocol %d: %v", i+1, err))
			continue
		}
		out.PerAddress = out.PerAddress || literal
		out.Servers = append(out.Servers, srv)
	}
	return out, nil
}

// adServer maps one POP3 Protocol element: SSL off or Encryption None is
// plain text; otherwise port 110 means STARTTLS and anything else SSL.
func adServer(p adProtocol, addr, asked settings.Address) (srv settings.Server, literal bool, err error) {
	srv = settings.Server{Protocol: "pop3", Auth: []string{"password-cleartext"}}
	host := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(p.Server), "."))
	if err := settings.ValidHost(host); err != nil {
		return srv, false, err
	}
	srv.Host = host
	plain := strings.EqualFold(strings.TrimSpace(p.SSL), "off") || strings.EqualFold(strings.TrimSpace(p.Encryption), "none")
	port := 0
	if ps := strings.TrimSpace(p.Port); ps != "" {
		n, err := strconv.Atoi(ps)
		if err != nil || n < 1 || n > 65535 {
			return srv, false, fmt.Errorf("port %s is not a whole number from 1 to 65535", strconv.QuoteToASCII(safetext.Line(p.Port, 20)))
		}
		port = n
	}
	switch {
	case plain:
		srv.SocketType = settings.Plain
	case port == 110:
		srv.SocketType = settings.STARTTLS
	default:
		srv.SocketType = settings.SSL
	}
	if port == 0 {
		port = srv.SocketType.DefaultPort()
	}
	srv.Port = port
	if strings.EqualFold(strings.TrimSpace(p.SPA), "on") {
		srv.Auth = []string{"NTLM"}
	}
	// Keep placeholders where the login name is the address or its local
	// part, so that a cached answer serves the domain's other addresses.
	login := strings.TrimSpace(p.LoginName)
	if safetext.Unsafe(login) {
		return srv, false, errors.New("LoginName holds control or formatting characters")
	}
	if utf8.RuneCountInString(login) > maxUsername {
		return srv, false, fmt.Errorf("LoginName longer than %d characters", maxUsername)
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

// Lookup asks the three standard endpoints at once and uses the first, in
// order, that answers.
func (s *AutodiscoverSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	d := addr.Domain
	follow := func(endpoint func(context.Context) (string, error)) func(context.Context) (*settings.Answer, error) {
		return func(ctx context.Context) (*settings.Answer, error) {
			u, err := endpoint(ctx)
			if err != nil {
				return nil, err
			}
			return s.follow(ctx, u, addr)
		}
	}
	fixed := func(u string) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { return u, nil }
	}
	return firstInOrder(ctx, []func(context.Context) (*settings.Answer, error){
		follow(fixed("https://autodiscover." + d + "/autodiscover/autodiscover.xml")),
		follow(fixed("https://" + d + "/autodiscover/autodiscover.xml")),
		follow(func(ctx context.Context) (string, error) { return s.srvEndpoint(ctx, d) }),
	})
}

// srvEndpoint returns the endpoint named by _autodiscover._tcp.<domain>.
func (s *AutodiscoverSource) srvEndpoint(ctx context.Context, domain string) (string, error) {
	if s.Resolver == nil {
		return "", settings.NotFound(i18n.NFNoRecord, "_autodiscover._tcp."+domain)
	}
	name := "_autodiscover._tcp." + domain
	m, err := s.Resolver.Query(ctx, name, dns.TypeSRV)
	if err != nil {
		return "", err
	}
	var best *dns.SRV
	rrs, _ := resolver.Owned(m, name, dns.TypeSRV)
	for _, rr := range rrs {
		if srv, ok := rr.(*dns.SRV); ok && srv.Target != "." && (best == nil || srv.Priority < best.Priority) {
			best = srv
		}
	}
	if best == nil {
		return "", settings.NotFound(i18n.NFNoRecord, name)
	}
	host := strings.ToLower(strings.TrimSuffix(best.Target, "."))
	if best.Port != 0 && best.Port != 443 {
		host = fmt.Sprintf("%s:%d", host, best.Port)
	}
	return "https://" + host + "/autodiscover/autodiscover.xml", nil
}

// follow POSTs to u and follows HTTP redirects, RedirectUrl and RedirectAddr
// answers, at most MaxAutodiscoverHops in all, HTTPS only.
func (s *AutodiscoverSource) follow(ctx context.Context, u string, addr settings.Address) (*settings.Answer, error) {
	var warnings []i18n.Msg
	startHost := hostOf(u)
	email := addr
	for hop := 0; ; hop++ {
		if hop > MaxAutodiscoverHops {
			return nil, fmt.Errorf("autodiscover: more than %d redirects from %s", MaxAutodiscoverHops, startHost)
		}
		if !strings.HasPrefix(u, "https://") {
			return nil, fmt.Errorf("autodiscover: refusing to follow a redirect to %s: HTTPS only", strconv.QuoteToASCII(safetext.Line(u, 200)))
		}
		ad, location, err := s.post(ctx, u, addr, email)
		if err != nil {
			return nil, err
		}
		if location != "" {
			next, err := resolveRef(u, location)
			if err != nil {
				return nil, err
			}
			if err := s.Fetcher.checkRedirect(ctx, hostOf(u), hostOf(next)); err != nil {
				return nil, fmt.Errorf("autodiscover %s: %w", u, err)
			}
			warnings = redirectWarning(warnings, u, next)
			u = next
			continue
		}
		switch {
		case ad.RedirectURL != "":
			if err := s.Fetcher.checkRedirect(ctx, hostOf(u), hostOf(ad.RedirectURL)); err != nil {
				return nil, fmt.Errorf("autodiscover %s: %w", u, err)
			}
			warnings = redirectWarning(warnings, u, ad.RedirectURL)
			u = ad.RedirectURL
			continue
		case ad.RedirectAddr != "":
			next, err := settings.ParseAddress(ad.RedirectAddr)
			if err != nil {
				return nil, fmt.Errorf("%s: RedirectAddr: %w", u, err)
			}
			nu := "https://autodiscover." + next.Domain + "/autodiscover/autodiscover.xml"
			if err := s.Fetcher.checkRedirect(ctx, hostOf(u), hostOf(nu)); err != nil {
				return nil, fmt.Errorf("autodiscover %s: %w", u, err)
			}
			warnings = redirectWarning(warnings, u, nu)
			email, u = next, nu
			continue
		}
		if len(ad.Servers) == 0 {
			if len(ad.Skipped) > 0 {
				return nil, settings.NotFound(i18n.NFNoValidPOPProtocol, u, strings.Join(ad.Skipped, "; "))
			}
			return nil, settings.NotFound(i18n.NFNoPOPProtocol, u)
		}
		a := &settings.Answer{Servers: ad.Servers, SourceURL: u, Warnings: warnings}
		if ad.PerAddress {
			a.OnlyFor = addr.String()
		}
		return a, nil
	}
}

// post sends the Autodiscover request for asked to u. It returns the
// parsed answer for addr, or the target of an HTTP redirect.
func (s *AutodiscoverSource) post(ctx context.Context, u string, addr, asked settings.Address) (*Autodiscover, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(autodiscoverRequest(asked.String())))
	if err != nil {
		return nil, "", fmt.Errorf("autodiscover %s: %w", u, err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	client := *s.Fetcher.Client
	// Redirects are followed here, by hand: Go would turn the POST into a
	// GET, and every hop must be counted and kept on HTTPS.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", fetchError(u, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		var ad *Autodiscover
		err := readXML(ctx, resp, u, func(r io.Reader) (err error) {
			ad, err = parseAutodiscover(r, addr, asked)
			return err
		})
		return ad, "", err
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		loc := resp.Header.Get("Location")
		if loc == "" {
			return nil, "", fmt.Errorf("%s: HTTP %d without a Location", u, resp.StatusCode)
		}
		return nil, loc, nil
	case http.StatusUnauthorized, http.StatusForbidden:
		return nil, "", settings.NotFound(i18n.NFLoginWanted, u, strconv.Itoa(resp.StatusCode))
	}
	return nil, "", &StatusError{URL: u, Code: resp.StatusCode}
}

func resolveRef(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("autodiscover: bad redirect %q: %w", ref, err)
	}
	return b.ResolveReference(r).String(), nil
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return strings.ToLower(p.Hostname())
}

// redirectWarning adds a warning when a redirect leaves the registrable
// domain it came from.
func redirectWarning(ws []i18n.Msg, from, to string) []i18n.Msg {
	return domainChange(ws, i18n.WarnRedirectDomain, from, to)
}

// domainChange adds the warning key when a redirect from one URL to
// another leaves the registrable domain.
func domainChange(ws []i18n.Msg, key, from, to string) []i18n.Msg {
	fh, th := hostOf(from), hostOf(to)
	fr, err1 := publicsuffix.EffectiveTLDPlusOne(fh)
	tr, err2 := publicsuffix.EffectiveTLDPlusOne(th)
	if err1 != nil || err2 != nil || fr == tr {
		return ws
	}
	return append(ws, i18n.M(key, fh, th))
}
