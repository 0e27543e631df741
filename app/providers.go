package app

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

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
		Flags: append(commonFlags(lang),
			&cli.BoolFlag{Name: "details", Aliases: []string{"l"}, Usage: lang.Sprintf(i18n.FlagDetails)},
			&cli.BoolFlag{Name: "csv", Usage: lang.Sprintf(i18n.FlagCSV)},
			&cli.StringFlag{Name: "csv-encoding", Value: csvUTF8BOM, Usage: lang.Sprintf(i18n.FlagCSVEncoding)},
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
			// --csv-encoding asks for CSV by itself.
			asCSV := c.Bool("csv") || c.IsSet("csv-encoding")
			if c.Bool("json") && asCSV {
				return usageError(i18n.UsageJSONCSV)
			}
			enc, ok := csvEncodings[strings.ToLower(strings.TrimSpace(c.String("csv-encoding")))]
			if !ok {
				return usageError(i18n.UsageCSVEncoding, strconv.Quote(c.String("csv-encoding")))
			}
			filter := c.Args().First()
			table := providers.Builtin()
			list := table.Filter(filter)
			region := ""
			if r := c.String("region"); r != "" {
				region, ok = table.NormalizeRegion(r)
				if !ok {
					return usageError(i18n.UsageRegion, strconv.Quote(r), strings.Join(table.Regions(), ", "))
				}
				list = providers.InRegion(list, region)
			}
			if len(list) == 0 {
				*status = ExitNotFound
				msg := lang.Sprintf(i18n.MsgNoProvider, strconv.Quote(filter))
				if region != "" {
					msg = lang.Sprintf(i18n.MsgNoProviderRegion, region, strconv.Quote(filter))
				}
				fmt.Fprintln(c.App.ErrWriter, "popfind"+colon(lang)+msg)
				return nil
			}
			w := c.App.Writer
			sc := screen{lang: lang, width: screenWidth(w, getenv)}
			switch {
			case c.Bool("json"):
				return writeProvidersJSON(w, list, lang)
			case asCSV:
				return writeProvidersCSV(w, list, lang, enc)
			case c.Bool("details"):
				return writeProvidersDetails(w, list, filter, lang, sc)
			}
			return writeProvidersCompact(w, list, lang, sc)
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
	// TurnOn lists the protocols to turn on in the web mail first.
	TurnOn []string `json:"turn_on"`
}

func providerView(p *providers.Provider, lang i18n.Lang) providerJSON {
	v := providerJSON{ID: p.ID, Name: p.Name, NameZH: p.NameZH, Domains: nonNil(p.Domains), MX: nonNil(p.MX),
		Servers: []jsonServer{}, NotOffered: map[string]string{}, Unlisted: []string{}, Notes: []string{}, Docs: nonNil(p.Docs),
		Region: p.Region, POPStep: string(p.POP()), Login: p.Login(), TurnOn: []string{}}
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
	for _, proto := range p.TurnOn() {
		v.TurnOn = append(v.TurnOn, string(proto))
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

// serverLines renders a provider's servers of one protocol, one per line,
// as "pop.example.com:995 SSL/TLS"; a protocol it does not offer, or that
// the table does not list, gets a line saying so.
func serverLines(p *providers.Provider, proto settings.Protocol, lang i18n.Lang) []string {
	var lines []string
	for _, srv := range p.Offers(proto) {
		lines = append(lines, fmt.Sprintf("%s:%d %s", srv.Host, srv.Port, sslText(srv.SocketType, lang)))
	}
	if len(lines) == 0 {
		lines = []string{absentText(p, proto, lang)}
	}
	return lines
}

// absentText says why p has no server of proto in the table.
func absentText(p *providers.Provider, proto settings.Protocol, lang i18n.Lang) string {
	if slices.Contains(p.Unlisted, proto) {
		return lang.Sprintf(i18n.LblNotListedHere)
	}
	return lang.Sprintf(i18n.LblNotOfferedHere)
}

// endpointText is p's preferred server of proto as "host:port", or why it
// has none.
func endpointText(p *providers.Provider, proto settings.Protocol, lang i18n.Lang) string {
	if list := p.Offers(proto); len(list) > 0 {
		return list[0].Host + ":" + strconv.Itoa(list[0].Port)
	}
	return absentText(p, proto, lang)
}

// usernames lists p's username forms in words, once each.
func usernames(p *providers.Provider, lang i18n.Lang) []string {
	var users []string
	for _, srv := range p.Servers {
		if u := usernameForm(srv.Username, lang); !slices.Contains(users, u) {
			users = append(users, u)
		}
	}
	return users
}

// providerNotes lists a provider's notes in words; short leaves out those
// that the login and turn-on-first lines say already.
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

// turnOnText lists the protocols to turn on first: "POP3, IMAP", in
// Chinese "POP3、IMAP"; empty when there is nothing to turn on.
func turnOnText(p *providers.Provider, lang i18n.Lang) string {
	var labels []string
	for _, proto := range p.TurnOn() {
		labels = append(labels, proto.Label())
	}
	return strings.Join(labels, listSep(lang))
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

// listSep separates the items of a list: a comma, or 、 in Chinese.
func listSep(lang i18n.Lang) string {
	if lang == i18n.Chinese {
		return "、"
	}
	return ", "
}

// orDash is s, or a dash for an empty cell.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// writeProvidersCompact writes one line per provider: its name, its
// preferred POP3, IMAP and SMTP servers as host:port, what to log in with
// and what to turn on first. Aligned columns when they fit the screen;
// when they do not, each provider takes a line for its name, login and
// turn-on-first and a line for its servers, both wrapped between items,
// never inside a host name. Piped, the rows are tab-separated.
func writeProvidersCompact(w io.Writer, list []*providers.Provider, lang i18n.Lang, sc screen) error {
	headers := []string{lang.Sprintf(i18n.HdrName), settings.POP3.Label(), settings.IMAP.Label(), settings.SMTP.Label(),
		lang.Sprintf(i18n.HdrLogin), lang.Sprintf(i18n.HdrTurnOn)}
	rows := make([][]string, len(list))
	for i, p := range list {
		rows[i] = []string{displayName(p, lang), endpointText(p, settings.POP3, lang), endpointText(p, settings.IMAP, lang),
			endpointText(p, settings.SMTP, lang), orDash(loginText(p, lang)), orDash(turnOnText(p, lang))}
	}
	if sc.plain() {
		return sc.table(w, headers, rows)
	}
	all := append([][]string{headers}, rows...)
	widths := make([]int, len(headers))
	for _, r := range all {
		for i, c := range r {
			widths[i] = max(widths[i], columns.StringWidth(c))
		}
	}
	const gap = 2
	total := gap * (len(widths) - 1)
	for _, n := range widths {
		total += n
	}
	var b strings.Builder
	if total <= sc.width {
		for _, r := range all {
			var line strings.Builder
			for i, c := range r {
				line.WriteString(c)
				if i < len(r)-1 {
					line.WriteString(strings.Repeat(" ", widths[i]-columns.StringWidth(c)+gap))
				}
			}
			b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	for i, p := range list {
		r := rows[i]
		head := []string{r[0]}
		if l := loginText(p, lang); l != "" {
			head = append(head, headers[4]+colon(lang)+l)
		}
		if t := turnOnText(p, lang); t != "" {
			head = append(head, headers[5]+colon(lang)+t)
		}
		b.WriteString(flow(head, " · ", sc.width, 2))
		var hosts []string
		for j, proto := range settings.AllProtocols {
			hosts = append(hosts, proto.Label()+" "+r[j+1])
		}
		b.WriteString(flow(hosts, "  ", sc.width-2, 2, "  "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// flow lays items out on lines of at most width columns, sep between
// items on a line, breaking only between items: an item too long for a
// line of its own is wrapped at its spaces. Continuation lines are
// indented by indent columns; prefix goes before every line.
func flow(items []string, sep string, width, indent int, prefix ...string) string {
	pre := strings.Join(prefix, "")
	pad := strings.Repeat(" ", indent)
	var lines []string
	cur := ""
	for _, it := range items {
		switch {
		case cur == "":
			cur = it
		case columns.StringWidth(cur+sep+it) <= width:
			cur += sep + it
		default:
			lines = append(lines, cur)
			cur = pad + it
		}
	}
	lines = append(lines, cur)
	var b strings.Builder
	for i, l := range lines {
		if columns.StringWidth(l) > width {
			ind := 0
			if i > 0 {
				ind = indent
			}
			l = wrap(l, width, ind+2)
			l = strings.ReplaceAll(l, "\n", "\n"+pre)
		}
		b.WriteString(pre + l + "\n")
	}
	return b.String()
}

// writeProvidersDetails writes everything the table knows of each
// provider, one block of "Key: value" lines each, wrapped to the whole
// width of the screen: its domains (those matching filter first), MX
// hosts, every server, username, login, what to turn on first, notes and
// every help page. Piped, each provider is one tab-separated row.
func writeProvidersDetails(w io.Writer, list []*providers.Provider, filter string, lang i18n.Lang, sc screen) error {
	headers := []string{lang.Sprintf(i18n.HdrName), lang.Sprintf(i18n.HdrRegion), lang.Sprintf(i18n.HdrDomains), lang.Sprintf(i18n.LblMX),
		settings.POP3.Label(), settings.IMAP.Label(), settings.SMTP.Label(), lang.Sprintf(i18n.HdrUsername),
		lang.Sprintf(i18n.HdrLogin), lang.Sprintf(i18n.HdrTurnOn), lang.Sprintf(i18n.HdrNotes), lang.Sprintf(i18n.HdrDocs)}
	var rows [][]string
	for _, p := range list {
		mx := make([]string, len(p.MX))
		for i, pat := range p.MX {
			mx[i] = providers.ReadableMX(pat)
		}
		rows = append(rows, []string{displayName(p, lang), p.Region, moreListSep(p.DomainsFor(filter), 6, listSep(lang), lang), strings.Join(mx, listSep(lang)),
			strings.Join(serverLines(p, settings.POP3, lang), "\n"), strings.Join(serverLines(p, settings.IMAP, lang), "\n"),
			strings.Join(serverLines(p, settings.SMTP, lang), "\n"), strings.Join(usernames(p, lang), "\n"),
			loginText(p, lang), turnOnText(p, lang), strings.Join(providerNotes(p, lang, true), "\n"), strings.Join(p.Docs, "\n")})
	}
	if sc.plain() {
		return sc.table(w, headers, rows)
	}
	keyWidth := 0
	for _, h := range headers {
		keyWidth = max(keyWidth, columns.StringWidth(h+colon(lang)))
	}
	keyWidth = min(keyWidth, sc.width/2)
	docs := len(headers) - 1
	var b strings.Builder
	for n, r := range rows {
		if n > 0 {
			b.WriteString("\n")
		}
		for i, c := range r {
			if c == "" {
				continue
			}
			key := headers[i] + colon(lang)
			key += strings.Repeat(" ", max(keyWidth-columns.StringWidth(key), 0))
			pad := strings.Repeat(" ", columns.StringWidth(key))
			for j, line := range strings.Split(c, "\n") {
				prefix := key
				if j > 0 {
					prefix = pad
				}
				// A help page too long for the value column goes on a
				// line of its own, whole, so that it can be clicked and
				// copied.
				if i == docs && columns.StringWidth(prefix+line) > sc.width {
					if j == 0 {
						b.WriteString(strings.TrimRight(key, " ") + "\n")
					}
					b.WriteString(line + "\n")
					continue
				}
				b.WriteString(wrap(prefix+line, sc.width, columns.StringWidth(key)) + "\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
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

// The --csv-encoding values.
const (
	csvUTF8BOM = "utf-8-bom"
	csvUTF8    = "utf-8"
	csvGBK     = "gbk"
)

// csvEncodings maps the --csv-encoding values, and the other names people
// give them, to the canonical value.
var csvEncodings = map[string]string{
	csvUTF8BOM: csvUTF8BOM, "utf8-bom": csvUTF8BOM, "utf-8-sig": csvUTF8BOM,
	csvUTF8: csvUTF8, "utf8": csvUTF8,
	csvGBK: csvGBK, "cp936": csvGBK, "gb2312": csvGBK,
}

// csvOutput returns a writer that encodes CSV text for enc, and a function
// that flushes it. utf-8-bom starts with a byte order mark, which is how
// Excel knows the file is UTF-8; gbk is what Excel on Chinese Windows
// reads without one, a character GBK lacks becoming "?".
func csvOutput(w io.Writer, enc string) (io.Writer, func() error, error) {
	switch enc {
	case csvUTF8BOM:
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, nil, err
		}
	case csvGBK:
		tw := transform.NewWriter(w, encoding.ReplaceUnsupported(simplifiedchinese.GBK.NewEncoder()))
		return tw, tw.Close, nil
	}
	return w, func() error { return nil }, nil
}

func writeProvidersCSV(w io.Writer, list []*providers.Provider, lang i18n.Lang, enc string) error {
	out, flush, err := csvOutput(w, enc)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(out)
	// New columns come last, so that the columns before them keep their
	// places.
	if err := cw.Write([]string{"id", "name", "domains", "host", "port", "ssl", "username", "notes", "docs", "protocol", "region", "pop_step", "login", "turn_on"}); err != nil {
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
		var turnOn []string
		for _, proto := range p.TurnOn() {
			turnOn = append(turnOn, string(proto))
		}
		for _, s := range rows {
			port := ""
			if s.Port != 0 {
				port = strconv.Itoa(s.Port)
			}
			if err := cw.Write([]string{p.ID, displayName(p, lang), strings.Join(p.Domains, " "), s.Host, port,
				string(s.SocketType), usernameForm(s.Username, lang), strings.Join(providerNotes(p, lang, false), " "), strings.Join(p.Docs, " "),
				string(s.Protocol), p.Region, string(p.POP()), p.Login(), strings.Join(turnOn, " ")}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return flush()
}
