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
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/providers"
)

func providersCommand(status *int, lang i18n.Lang) *cli.Command {
	return &cli.Command{
		Name:        "providers",
		Usage:       lang.Sprintf(i18n.CmdProviders),
		ArgsUsage:   "[FILTER]",
		Description: lang.Sprintf(i18n.CmdProvidersDesc),
		Flags: append(commonFlags(lang), &cli.BoolFlag{Name: "csv", Usage: lang.Sprintf(i18n.FlagCSV)},
			&cli.StringFlag{Name: "region", Usage: lang.Sprintf(i18n.FlagRegion)}),
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
			table := providers.Builtin()
			list := table.Filter(c.Args().First())
			if r := c.String("region"); r != "" {
				region, ok := table.NormalizeRegion(r)
				if !ok {
					return usageError(i18n.UsageRegion, strconv.Quote(r), strings.Join(table.Regions(), ", "))
				}
				list = providers.InRegion(list, region)
			}
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
	// Unlisted are the protocols the table leaves to other sources.
	Unlisted []string `json:"unlisted"`
	// Region is a country code, eu or intl; POPStep is "enable", "on" or
	// "none"; Login names the password clients log in with.
	Region  string   `json:"region"`
	POPStep string   `json:"pop_step"`
	Login   string   `json:"login"`
	Notes   []string `json:"notes"`
	Docs    []string `json:"docs"`
}

func providerView(p *providers.Provider, lang i18n.Lang) providerJSON {
	v := providerJSON{ID: p.ID, Name: p.Name, NameZH: p.NameZH, Domains: nonNil(p.Domains), MX: nonNil(p.MX),
		Servers: []jsonServer{}, NotOffered: map[string]string{}, Unlisted: []string{}, Notes: []string{}, Docs: nonNil(p.Docs),
		Region: p.Region, POPStep: string(p.POP()), Login: p.Login()}
	for _, u := range p.Unlisted {
		v.Unlisted = append(v.Unlisted, string(u))
	}
	for _, s := range p.Servers {
		v.Servers = append(v.Servers, serverView(lookup.Server(s)))
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
// IMAP and SMTP, as "POP3 pop.example.com:995 SSL/TLS"; a protocol it does
// not offer, or that the table does not list, gets a line saying so. user
// lists the username forms, once each.
func serverCells(p *providers.Provider, lang i18n.Lang) (servers, user string) {
	var lines, users []string
	for _, want := range settings.AllProtocols {
		list := p.Offers(want)
		switch {
		case len(list) == 0 && slices.Contains(p.Unlisted, want):
			lines = append(lines, want.Label()+" "+lang.Sprintf(i18n.LblNotListedHere))
		case len(list) == 0:
			lines = append(lines, want.Label()+" "+lang.Sprintf(i18n.LblNotOfferedHere))
		}
		for _, srv := range list {
			lines = append(lines, fmt.Sprintf("%s %s:%d %s", want.Label(), srv.Host, srv.Port, sslText(srv.SocketType, lang)))
			if u := usernameForm(srv.Username, lang); !slices.Contains(users, u) {
				users = append(users, u)
			}
		}
	}
	return strings.Join(lines, "\n"), strings.Join(users, "\n")
}

// providerNotes lists a provider's notes in words; short leaves out those
// that the POP and login columns say already.
func providerNotes(p *providers.Provider, lang i18n.Lang, short bool) []string {
	var notes []string
	for _, proto := range settings.AllProtocols {
		if why, ok := p.Without[proto]; ok && !slices.Contains(notes, lang.Format(why)) {
			notes = append(notes, lang.Format(why))
		}
	}
	for _, n := range p.Notes {
		if short && providers.Summarized(n) {
			continue
		}
		notes = append(notes, lang.Format(n))
	}
	return notes
}

// popStepText words what must be done before POP works.
func popStepText(p *providers.Provider, lang i18n.Lang) string {
	switch p.POP() {
	case providers.POPTurnOn:
		return lang.Sprintf(i18n.POPOnEnable)
	case providers.POPNone:
		return lang.Sprintf(i18n.POPOnNone)
	}
	return lang.Sprintf(i18n.POPOnAlways)
}

// loginText words which password a mail client logs in with.
func loginText(p *providers.Provider, lang i18n.Lang) string {
	if len(p.Servers) == 0 {
		return ""
	}
	key, ok := loginLabels[p.Login()]
	if !ok {
		key = i18n.LoginAccount
	}
	return lang.Sprintf(key)
}

// loginLabels words the keys of providers.Provider.Login.
var loginLabels = map[string]string{
	"auth_code": i18n.LoginAuthCode, "client_password": i18n.LoginClientPass, "app_password": i18n.LoginAppPassword,
	"app_password_with_2fa": i18n.LoginAppIf2FA, "oauth2": i18n.LoginOAuth2, "mail_password": i18n.LoginMailPassword,
}

func writeProvidersTable(w io.Writer, list []*providers.Provider, lang i18n.Lang, sc screen) error {
	headers := []string{lang.Sprintf(i18n.HdrName), lang.Sprintf(i18n.HdrRegion), lang.Sprintf(i18n.HdrDomains), lang.Sprintf(i18n.HdrServers),
		lang.Sprintf(i18n.HdrUsername), lang.Sprintf(i18n.HdrPOPOn), lang.Sprintf(i18n.HdrLogin), lang.Sprintf(i18n.HdrNotes), lang.Sprintf(i18n.HdrDocs)}
	var rows [][]string
	for _, p := range list {
		servers, user := serverCells(p, lang)
		doms := moreList(p.Domains, 6, lang)
		if len(p.MX) > 0 {
			doms += "\nMX" + colon(lang) + moreList(p.MX, 3, lang)
		}
		doc := ""
		if len(p.Docs) > 0 {
			doc = p.Docs[0]
		}
		notes := providerNotes(p, lang, true)
		if !sc.plain() {
			for i, n := range notes {
				notes[i] = wrap(n, 48, 0)
			}
		}
		rows = append(rows, []string{displayName(p, lang), p.Region, doms, servers, user,
			popStepText(p, lang), loginText(p, lang), strings.Join(notes, "\n"), doc})
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
	// New columns come last, so that the columns before them keep their
	// places.
	if err := cw.Write([]string{"id", "name", "domains", "host", "port", "ssl", "username", "notes", "docs", "protocol", "region", "pop_step", "login"}); err != nil {
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
				string(s.SocketType), usernameForm(s.Username, lang), strings.Join(providerNotes(p, lang, false), " "), strings.Join(p.Docs, " "),
				string(s.Protocol), p.Region, string(p.POP()), p.Login()}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
