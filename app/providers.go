package app

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/urfave/cli/v2"
	"golang.org/x/net/publicsuffix"
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
					return usageError(i18n.UsageRegion, strconv.Quote(r), strings.Join(regionNames(table, lang), ", "))
				}
				list = providers.InRegion(list, region)
			}
			if len(list) == 0 {
				*status = ExitNotFound
				msg := lang.Sprintf(i18n.MsgNoProvider, strconv.Quote(filter))
				if region != "" {
					msg = lang.Sprintf(i18n.MsgNoProviderRegion, region, strconv.Quote(filter))
				}
				fmt.Fprintln(c.App.ErrWriter, "popfind"+lang.Colon()+msg)
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

// regionSpellings are the other codes that people type for a region of
// the table, and that --region accepts (providers.Table.NormalizeRegion):
// the help and the error for an unknown region name both.
var regionSpellings = map[string]string{"gb": "uk"}

// regionNames lists the regions --region accepts, as the help names them:
// "gb or uk".
func regionNames(table *providers.Table, lang i18n.Lang) []string {
	var out []string
	for _, r := range table.Regions() {
		if alt, ok := regionSpellings[r]; ok {
			r = lang.Sprintf(i18n.RegionOr, r, alt)
		}
		out = append(out, r)
	}
	return out
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
	"account_password": i18n.LoginAccount, "auth_code": i18n.LoginAuthCode, "client_password": i18n.LoginClientPass, "app_password": i18n.LoginAppPassword,
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

// writeProvidersCompact writes one line per provider: what to log in
// with, its name, and its preferred POP3, IMAP and SMTP servers. When the
// whole table fits the screen in words, it is aligned columns under a
// header. When it does not, each provider is one line of codes and hosts
// (see compactLines), and a legend below says what the codes and marks
// mean. Piped, the rows are tab-separated, in words.
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
	crows := make([]compactRow, len(list))
	for i, p := range list {
		crows[i] = newCompactRow(p, lang)
	}
	for _, l := range compactLines(crows, sc.width) {
		b.WriteString(l + "\n")
	}
	b.WriteString("\n")
	for _, l := range compactLegend(crows, lang) {
		b.WriteString(unkept(wrap(l, sc.width, 2)) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// The marks of the compact view: before a host whose protocol must be
// turned on first; in place of a host the same as the one before it; in
// place of a protocol the provider does not offer, or the table does not
// list.
const (
	markTurnOn     = "*"
	markDitto      = "〃"
	markNotOffered = "—"
	markNotListed  = "?"
)

// loginCodes are the one-character codes of providers.Provider.Login in
// the compact view, in the order its legend lists them.
var loginCodes = []struct{ login, code string }{
	{"account_password", "A"}, {"app_password", "P"}, {"app_password_with_2fa", "2"}, {"auth_code", "C"},
	{"client_password", "K"}, {"oauth2", "O"}, {"mail_password", "M"},
}

// compactRow is one provider as the compact view shows it.
type compactRow struct {
	// code is what to log in with (loginCodes), markNotOffered when the
	// table lists no server of the provider.
	code string
	// names are the forms of the provider's name, longest first
	// (nameForms); the same form may repeat.
	names [4]string
	// domains are the provider's domains, which tell a qualifier that
	// names one of them whether its top-level part may go (qualify).
	domains []string
	// hosts are its POP3, IMAP and SMTP servers as compactHost words
	// them, a host the same as the one before it as markDitto.
	hosts []string
	// aligned are the forms of its name the row may show lined up with
	// the others, longest first: the whole name, the name with what it
	// says in parentheses abbreviated, the name without it; tight adds
	// the first two words and the first word. Neither holds a shortened
	// form that another row of the view could also show, or that reads
	// as another row's name (distinguish).
	aligned, tight []string
	// kept says that a shortened form was withheld for that reason: the
	// row keeps what tells it from another, and may take two lines for
	// it when one line is too short.
	kept bool
}

func newCompactRow(p *providers.Provider, lang i18n.Lang) compactRow {
	r := compactRow{code: markNotOffered, names: nameForms(displayName(p, lang)), domains: p.Domains}
	if len(p.Servers) > 0 {
		for _, c := range loginCodes {
			if c.login == p.Login() {
				r.code = c.code
			}
		}
	}
	prev := ""
	for _, proto := range settings.AllProtocols {
		h := compactHost(p, proto)
		mark, bare := "", h
		if strings.HasPrefix(h, markTurnOn) {
			mark, bare = markTurnOn, strings.TrimPrefix(h, markTurnOn)
		}
		if bare == prev && bare != markNotOffered && bare != markNotListed {
			h = mark + markDitto
		}
		prev = bare
		r.hosts = append(r.hosts, h)
	}
	return r
}

// nameForms returns name, name without its parenthesised part ("Zoho Mail
// (EU)", "Foxmail 邮箱（QQ邮箱）"), the first two words of that, and its
// first word.
func nameForms(name string) [4]string {
	short, _ := splitQualifier(name)
	words := strings.Fields(short)
	two := short
	if len(words) > 2 {
		two = words[0] + " " + words[1]
	}
	first, _, _ := strings.Cut(short, " ")
	return [4]string{name, short, two, first}
}

// qualifierBrackets are the parentheses a name says more in: "Zoho Mail
// (EU)", "新浪邮箱（sina.cn）".
var qualifierBrackets = [][2]string{{" (", ")"}, {"（", "）"}}

// splitQualifier splits name into what comes before its parenthesised
// part and that part, brackets and all: "Zoho Mail", " (EU)".
func splitQualifier(name string) (base, qualifier string) {
	for _, br := range qualifierBrackets {
		if i := strings.Index(name, br[0]); i > 0 {
			return name[:i], name[i:]
		}
	}
	return name, ""
}

// qualifierWords are the words a qualifier says shorter.
var qualifierWords = map[string]string{"organization": "org"}

// qualify returns name with what it says in parentheses abbreviated, or
// "" when that is no shorter: "Zoho Mail (organization, EU)" is "Zoho
// Mail (org, EU)", and a domain there drops its public suffix when what is
// left is not in the name already and no domain of others begins with it
// ("Virgin Media (ntlworld)"; "Virgin Media (virgin.net)" stays, and so
// does "新浪邮箱（sina.cn）", as Sina Mail has sina.com).
func qualify(name string, others [][]string) string {
	base, q := splitQualifier(name)
	if q == "" {
		return ""
	}
	var br [2]string
	for _, b := range qualifierBrackets {
		if strings.HasPrefix(q, b[0]) && strings.HasSuffix(q, b[1]) {
			br = b
		}
	}
	if br[0] == "" {
		return ""
	}
	inner := strings.TrimSuffix(strings.TrimPrefix(q, br[0]), br[1])
	sep := ", "
	if br[0] == "（" {
		sep = "，"
	}
	items := strings.Split(inner, sep)
	for i, it := range items {
		if w, ok := qualifierWords[strings.ToLower(it)]; ok {
			items[i] = w
			continue
		}
		if strings.ContainsAny(it, " ") || !strings.Contains(it, ".") {
			continue
		}
		suffix, _ := publicsuffix.PublicSuffix(strings.ToLower(it))
		label := strings.TrimSuffix(it, "."+suffix)
		if label == it || label == "" || strings.Contains(nameKey(base), nameKey(label)) {
			continue
		}
		taken := false
		for _, ds := range others {
			for _, d := range ds {
				taken = taken || d == label || strings.HasPrefix(d, label+".")
			}
		}
		if !taken {
			items[i] = label
		}
	}
	if short := base + br[0] + strings.Join(items, sep) + br[1]; short != name {
		return short
	}
	return ""
}

// nameKey is how a name reads, to tell whether two are the same: its
// letters and digits, in lower case ("Yahoo!" reads as "Yahoo").
func nameKey(name string) string {
	return strings.Map(func(c rune) rune {
		if unicode.IsLetter(c) || unicode.IsNumber(c) {
			return unicode.ToLower(c)
		}
		return -1
	}, name)
}

// distinguish sets the forms of its name each row may show (aligned,
// tight): its whole name always; a shorter form only when no other row
// has a form that reads the same, so that no two rows show the same name
// and no row reads as another ("Zoho Mail" for Zoho's EU organizations,
// under "Zoho Mail (EU)"). A row that loses a form so keeps a qualifier
// instead ("Zoho Mail (org, EU)"), if it has one.
func distinguish(rows []compactRow) {
	forms := make([][]string, len(rows))
	for i, r := range rows {
		var others [][]string
		for j, q := range rows {
			if j != i {
				others = append(others, q.domains)
			}
		}
		forms[i] = []string{r.names[0]}
		for _, f := range append([]string{qualify(r.names[0], others)}, r.names[1:]...) {
			if f != "" && !slices.Contains(forms[i], f) {
				forms[i] = append(forms[i], f)
			}
		}
	}
	readsAs := map[string][]int{}
	for i, fs := range forms {
		for _, f := range fs {
			if k := nameKey(f); !slices.Contains(readsAs[k], i) {
				readsAs[k] = append(readsAs[k], i)
			}
		}
	}
	for i := range rows {
		r := &rows[i]
		r.aligned, r.tight, r.kept = nil, nil, false
		for n, f := range forms[i] {
			if n > 0 && len(readsAs[nameKey(f)]) > 1 {
				r.kept = true
				continue
			}
			if columns.StringWidth(f) >= columns.StringWidth(r.names[1]) {
				r.aligned = append(r.aligned, f)
			}
			r.tight = append(r.tight, f)
		}
	}
}

// compactHost is p's preferred server of proto in a word: the host, with
// ":port" only when the port is not the protocol's implicit-TLS port
// (":587" is STARTTLS; another mode is said after the port: ":25/plain"),
// markTurnOn before it when the protocol must be turned on first; or
// markNotOffered, markNotListed.
func compactHost(p *providers.Provider, proto settings.Protocol) string {
	list := p.Offers(proto)
	if len(list) == 0 {
		if slices.Contains(p.Unlisted, proto) {
			return markNotListed
		}
		return markNotOffered
	}
	s := list[0]
	h := s.Host
	switch {
	case s.SocketType == settings.SSL && s.Port == proto.DefaultPort(settings.SSL):
	case s.SocketType == settings.STARTTLS && s.Port == proto.DefaultPort(settings.STARTTLS):
		h += ":" + strconv.Itoa(s.Port)
	default:
		h += ":" + strconv.Itoa(s.Port) + "/" + strings.ToLower(string(s.SocketType))
	}
	if slices.Contains(p.TurnOn(), proto) {
		h = markTurnOn + h
	}
	return h
}

// compactLines lays rows out for a screen width columns wide, one line
// each: the login code, two spaces, the name, then the hosts, two spaces
// apart. The names are padded to the column that lines up the hosts of the
// most rows, a row taking there the longest form of its name that fits
// (the whole name, the name with its parenthesis abbreviated, or without
// it). A row that cannot line up takes the longest form of its name, and
// the widest spacing, that fit on its line; the first words of its name,
// and single spaces, only when that makes every row one line but those
// that keep a qualifier. No row shows a shortened name that another row
// could show too (distinguish). A row that fits no way is wrapped: its
// code and whole name, then its hosts, each whole, on lines indented
// under the name. Nothing is cut.
func compactLines(rows []compactRow, width int) []string {
	rows = slices.Clone(rows)
	distinguish(rows)
	lineWidth := func(r compactRow, name string, gap, pad int) int {
		n := columns.StringWidth(r.code) + 2 + max(columns.StringWidth(name), pad)
		for _, h := range r.hosts {
			n += gap + columns.StringWidth(h)
		}
		return n
	}
	// alignedName is the longest form of r's name that lines its hosts up
	// at column k, or "".
	alignedName := func(r compactRow, k int) string {
		for _, name := range r.aligned {
			if columns.StringWidth(name) <= k && lineWidth(r, name, 2, k) <= width {
				return name
			}
		}
		return ""
	}
	col, most := 0, 0
	for _, r := range rows {
		for _, name := range r.aligned {
			k := columns.StringWidth(name)
			n := 0
			for _, q := range rows {
				if alignedName(q, k) != "" {
					n++
				}
			}
			if n > most || n == most && k > col {
				col, most = k, n
			}
		}
	}
	// oneLine is r on one line: the longest form of its name, and the
	// widest spacing, that fit; tight allows the first words of the name
	// and single spaces.
	oneLine := func(r compactRow, tight bool) string {
		names, spacings := r.aligned, [][2]int{{2, 2}}
		if tight {
			// Two spaces after the code and between the hosts, else one
			// between the hosts, else one everywhere.
			names, spacings = r.tight, [][2]int{{2, 2}, {2, 1}, {1, 1}}
		}
		for _, name := range names {
			for _, sp := range spacings {
				if lineWidth(r, name, sp[1], 0)-2+sp[0] <= width {
					gap := strings.Repeat(" ", sp[1])
					return r.code + strings.Repeat(" ", sp[0]) + name + gap + strings.Join(r.hosts, gap)
				}
			}
		}
		return ""
	}
	// Tight rows only when they make every row one line, those that keep
	// a qualifier aside: on a narrower screen a row that does not fit
	// comfortably is wrapped, its name whole.
	tight := true
	for _, r := range rows {
		if !r.kept && alignedName(r, col) == "" && oneLine(r, true) == "" {
			tight = false
		}
	}
	var lines []string
	for _, r := range rows {
		if name := alignedName(r, col); name != "" {
			name += strings.Repeat(" ", col-columns.StringWidth(name))
			lines = append(lines, r.code+"  "+name+"  "+strings.Join(r.hosts, "  "))
			continue
		}
		if line := oneLine(r, tight); line != "" {
			lines = append(lines, line)
			continue
		}
		items := append([]string{r.code + "  " + r.names[0]}, r.hosts...)
		lines = append(lines, strings.Split(strings.TrimSuffix(flow(items, "  ", width, 3), "\n"), "\n")...)
	}
	return lines
}

// compactLegend says what the compact view's codes and marks mean, those
// of rows only: the order of the hosts and their ports, the login codes,
// the marks, and how to see the rest. Each code or mark is kept on one
// line with its meaning.
func compactLegend(rows []compactRow, lang i18n.Lang) []string {
	hosts := lang.Sprintf(i18n.ProvLegendHosts)
	var ports []string
	var logins, marks []string
	seen := map[string]bool{}
	for _, r := range rows {
		for _, h := range r.hosts {
			if _, port, ok := strings.Cut(h, ":"); ok && !strings.Contains(port, "/") && !seen[":"+port] {
				seen[":"+port] = true
				ports = append(ports, ":"+port)
			}
			for _, m := range []string{markTurnOn, markDitto, markNotOffered, markNotListed} {
				if strings.Contains(h, m) {
					seen[m] = true
				}
			}
		}
		seen[r.code] = true
	}
	if len(ports) > 0 {
		slices.Sort(ports)
		hosts += lang.ClauseSep() + lang.Sprintf(i18n.ProvLegendSTARTTLS, lang.List(ports))
	}
	for _, c := range loginCodes {
		if seen[c.code] {
			logins = append(logins, kept(c.code+" "+lang.Sprintf(loginLabels[c.login])))
		}
	}
	for _, m := range []struct{ mark, key string }{
		{markTurnOn, i18n.ProvMarkTurnOn}, {markDitto, i18n.ProvMarkDitto},
		{markNotOffered, i18n.LblNotOfferedHere}, {markNotListed, i18n.LblNotListedHere},
	} {
		if seen[m.mark] {
			marks = append(marks, kept(m.mark+" "+lang.Sprintf(m.key)))
		}
	}
	out := []string{hosts}
	if len(logins) > 0 {
		out = append(out, lang.Sprintf(i18n.HdrLogin)+lang.Colon()+strings.Join(logins, lang.ClauseSep()))
	}
	if len(marks) > 0 {
		out = append(out, strings.Join(marks, lang.ClauseSep()))
	}
	return append(out, lang.Sprintf(i18n.ProvLegendDetails))
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
		rows = append(rows, []string{displayName(p, lang), p.Region, strings.Join(p.DomainsFor(filter), listSep(lang)), strings.Join(mx, listSep(lang)),
			strings.Join(serverLines(p, settings.POP3, lang), "\n"), strings.Join(serverLines(p, settings.IMAP, lang), "\n"),
			strings.Join(serverLines(p, settings.SMTP, lang), "\n"), strings.Join(usernames(p, lang), "\n"),
			loginText(p, lang), turnOnText(p, lang), strings.Join(providerNotes(p, lang, true), "\n"), strings.Join(p.Docs, "\n")})
	}
	if sc.plain() {
		return sc.table(w, headers, rows)
	}
	keyWidth := 0
	for _, h := range headers {
		keyWidth = max(keyWidth, columns.StringWidth(h+lang.Colon()))
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
			key := headers[i] + lang.Colon()
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
