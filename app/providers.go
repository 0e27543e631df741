package app

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/providers"
)

func providersCommand(status *int, lang i18n.Lang) *cli.Command {
	return &cli.Command{
		Name:        "providers",
		Usage:       lang.Sprintf(i18n.CmdProviders),
		ArgsUsage:   "[FILTER]",
		Description: lang.Sprintf(i18n.CmdProvidersDesc),
		Flags:       append(commonFlags(lang), &cli.BoolFlag{Name: "csv", Usage: lang.Sprintf(i18n.FlagCSV)}),
		Action: func(c *cli.Context) error {
			getenv := c.App.Metadata["getenv"].(func(string) string)
			lang, err := language(c, getenv)
			if err != nil {
				return err
			}
			if c.NArg() > 1 {
				return usageError(i18n.UsageProvidersArgs, strconv.Itoa(c.NArg()))
			}
			if c.Bool("json") && c.Bool("csv") {
				return usageError(i18n.UsageJSONCSV)
			}
			list := providers.Builtin().Filter(c.Args().First())
			if len(list) == 0 {
				*status = ExitNotFound
				fmt.Fprintln(c.App.ErrWriter, "popfind"+colon(lang)+lang.Sprintf(i18n.MsgNoProvider, strconv.Quote(c.Args().First())))
				return nil
			}
			w := c.App.Writer
			switch {
			case c.Bool("json"):
				return writeProvidersJSON(w, list, lang)
			case c.Bool("csv"):
				return writeProvidersCSV(w, list, lang)
			}
			return writeProvidersTable(w, list, lang, screen{lang: lang, width: screenWidth(w, getenv)})
		},
	}
}

type providerJSON struct {
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	NameZH  string       `json:"name_zh,omitempty"`
	Domains []string     `json:"domains"`
	MX      []string     `json:"mx"`
	Servers []jsonServer `json:"servers"`
	// POP3, IMAP and SMTP say whether the provider offers each protocol.
	POP3 bool `json:"pop3"`
	IMAP bool `json:"imap"`
	SMTP bool `json:"smtp"`
	// Error says why there is no POP3; NotOffered says it for every
	// protocol the provider does not offer.
	Error      string            `json:"error,omitempty"`
	NotOffered map[string]string `json:"not_offered"`
	Notes      []string          `json:"notes"`
	Docs       []string          `json:"docs"`
}

func providerView(p *providers.Provider, lang i18n.Lang) providerJSON {
	v := providerJSON{ID: p.ID, Name: p.Name, NameZH: p.NameZH, Domains: nonNil(p.Domains), MX: nonNil(p.MX),
		Servers: []jsonServer{}, NotOffered: map[string]string{}, Notes: []string{}, Docs: nonNil(p.Docs)}
	for _, s := range p.Servers {
		v.Servers = append(v.Servers, serverView(s))
	}
	v.POP3 = len(p.Offers(settings.POP3)) > 0
	v.IMAP = len(p.Offers(settings.IMAP)) > 0
	v.SMTP = len(p.Offers(settings.SMTP)) > 0
	for proto, why := range p.Without {
		v.NotOffered[string(proto)] = lang.Format(why)
	}
	if why, ok := p.Without[settings.POP3]; ok {
		v.Error = lang.Format(why)
	}
	for _, n := range p.Notes {
		v.Notes = append(v.Notes, lang.Format(n))
	}
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writeProvidersJSON(w io.Writer, list []*providers.Provider, lang i18n.Lang) error {
	for _, p := range list {
		if err := writeJSON(w, providerView(p, lang)); err != nil {
			return err
		}
	}
	return nil
}

func displayName(p *providers.Provider, lang i18n.Lang) string {
	if lang == i18n.Chinese && p.NameZH != "" {
		return p.NameZH
	}
	return p.Name
}

// serverCells renders a provider's servers one per line, POP3 first, then
// IMAP and SMTP; a protocol it does not offer gets a line saying so.
func serverCells(p *providers.Provider, lang i18n.Lang) (proto, host, port, ssl, user string) {
	var pr, h, po, s, u []string
	for _, want := range settings.AllProtocols {
		servers := p.Offers(want)
		if len(servers) == 0 {
			pr = append(pr, want.Label())
			h = append(h, lang.Sprintf(i18n.LblNotOfferedHere))
			po, s, u = append(po, ""), append(s, ""), append(u, "")
			continue
		}
		for _, srv := range servers {
			pr = append(pr, want.Label())
			h = append(h, srv.Host)
			po = append(po, strconv.Itoa(srv.Port))
			s = append(s, sslText(srv.SocketType, lang))
			u = append(u, usernameForm(srv.Username, lang))
		}
	}
	j := func(l []string) string { return strings.Join(l, "\n") }
	return j(pr), j(h), j(po), j(s), j(u)
}

func providerNotes(p *providers.Provider, lang i18n.Lang) []string {
	var notes []string
	for _, proto := range settings.AllProtocols {
		if why, ok := p.Without[proto]; ok && !slices.Contains(notes, lang.Format(why)) {
			notes = append(notes, lang.Format(why))
		}
	}
	for _, n := range p.Notes {
		notes = append(notes, lang.Format(n))
	}
	return notes
}

func writeProvidersTable(w io.Writer, list []*providers.Provider, lang i18n.Lang, sc screen) error {
	headers := []string{lang.Sprintf(i18n.HdrName), lang.Sprintf(i18n.HdrDomains), lang.Sprintf(i18n.HdrProtocol),
		lang.Sprintf(i18n.HdrHost), lang.Sprintf(i18n.HdrPort), lang.Sprintf(i18n.HdrSSL), lang.Sprintf(i18n.HdrUsername),
		lang.Sprintf(i18n.HdrNotes), lang.Sprintf(i18n.HdrDocs)}
	var rows [][]string
	for _, p := range list {
		proto, host, port, ssl, user := serverCells(p, lang)
		doms := moreList(p.Domains, 6, lang)
		if len(p.MX) > 0 {
			doms += "\nMX" + colon(lang) + moreList(p.MX, 3, lang)
		}
		doc := ""
		if len(p.Docs) > 0 {
			doc = p.Docs[0]
		}
		notes := providerNotes(p, lang)
		if !sc.plain() {
			for i, n := range notes {
				notes[i] = wrap(n, 48, 0)
			}
		}
		rows = append(rows, []string{displayName(p, lang), doms, proto, host, port, ssl, user, strings.Join(notes, "\n"), doc})
	}
	return sc.table(w, headers, rows)
}

// usernameForm describes a username template in words.
func usernameForm(u string, lang i18n.Lang) string {
	switch u {
	case settings.PlaceholderAddress:
		return lang.Sprintf(i18n.UserAddress)
	case settings.PlaceholderLocal:
		return lang.Sprintf(i18n.UserLocal)
	}
	return u
}

func writeProvidersCSV(w io.Writer, list []*providers.Provider, lang i18n.Lang) error {
	cw := csv.NewWriter(w)
	// protocol comes last, so that the columns before it keep their places.
	if err := cw.Write([]string{"id", "name", "domains", "host", "port", "ssl", "username", "notes", "docs", "protocol"}); err != nil {
		return err
	}
	for _, p := range list {
		var rows []settings.Server
		for _, proto := range settings.AllProtocols {
			servers := p.Offers(proto)
			if len(servers) == 0 {
				servers = []settings.Server{{Protocol: proto}}
			}
			rows = append(rows, servers...)
		}
		for _, s := range rows {
			port := ""
			if s.Port != 0 {
				port = strconv.Itoa(s.Port)
			}
			if err := cw.Write([]string{p.ID, displayName(p, lang), strings.Join(p.Domains, " "), s.Host, port,
				string(s.SocketType), usernameForm(s.Username, lang), strings.Join(providerNotes(p, lang), " "), strings.Join(p.Docs, " "),
				string(s.Protocol)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
