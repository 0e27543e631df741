// Package lookup finds the mail servers of an email address — POP3, IMAP
// and the SMTP server to send through — with host, port, security and login
// name, where each answer came from, and how far to trust it. It is the
// library behind the popfind command, with the same sources, defaults and
// limits.
//
// # A lookup
//
// One call does it all:
//
//	res := lookup.Find(ctx, "someone@example.com")
//	if res.Found {
//		s := res.Server()
//		fmt.Println(s.Host, s.Port, s.SocketType, s.Username) // pop.example.com 995 SSL someone@example.com
//	}
//
// A program that looks up many addresses makes one Finder and keeps it: it
// shares one resolver, one HTTP client and one cache between lookups, and
// asks each domain once.
//
//	f, err := lookup.New(lookup.Config{Timeout: 5 * time.Second})
//	if err != nil {
//		return err
//	}
//	defer f.Close()
//	for _, addr := range addresses {
//		res := f.Find(ctx, addr)
//		...
//	}
//
// Config.Protocols says which protocols to find (DefaultProtocols: POP3
// and SMTP). A Result describes the first of them; Result.Get and
// Result.All give each protocol's own Result, with its own source:
//
//	smtp := res.Get(lookup.SMTP) // nil when SMTP was not asked for
//
// Find never returns nil and never panics. Result.Err says why nothing was
// found: it matches ErrInvalidAddress for an address that does not parse
// (and then nothing was sent anywhere), and ErrNotFound when no source had a
// server or the domain said it does not offer the protocol. An *InterruptedError says the
// deadline passed or ctx was cancelled first, and ErrNetwork that no source
// could reach the network at all, which is not the same as "not found".
//
// # Where it looks
//
// Best first (SourceNames lists them): the built-in provider table, which
// needs no network; the domain's Thunderbird autoconfig file at
// autoconfig.<domain> and under /.well-known/; Thunderbird's ISP database;
// DNS SRV records (RFC 6186, RFC 8314); Exchange Autodiscover; the domain's
// MX hosts, matched against known providers and their published settings;
// autoconfig over plain HTTP, used only when nothing else answers; and, when
// every other source came up empty, probing the usual host names.
//
// The sources run at once, each once for every protocol, so a lookup costs
// about one network round trip however many protocols it asks for. Their
// first DNS questions go out together, and each source starts once its own
// answers are in: no source waits out that first round trip in a goroutine
// of its own. Each
// protocol's answer is the first in that order that found a server of that
// protocol, known as soon as every source before it has finished; when every
// protocol's answer is known the rest are cancelled. Once the first
// protocol has its answer, the others wait for at most the grace period. A
// source of higher precedence that hangs gets a grace period (Config.Grace),
// after which the answer in hand is given with a warning (Result.Early).
// When the deadline passes, the best answer so far is returned with a
// warning for each source that did not finish.
//
// Result.Attempts says what every source did, and Result.Candidates lays
// their answers side by side (with Config.WaitAll, every source is waited
// for).
//
// # Trust
//
// Everything a server sends is bounded in size and time, checked, and
// cleaned of control and bidirectional characters before it reaches a
// Result. No credentials are ever sent: Finder.Check, which proves a server
// by talking to it, asks for its capabilities and STARTTLS and says goodbye
// (POP3 CAPA, STLS, QUIT; IMAP CAPABILITY, STARTTLS, LOGOUT; SMTP EHLO,
// STARTTLS, QUIT), never a login, AUTH or MAIL FROM. Answers that came over
// plain HTTP carry a warning and lose to any other.
//
// # Words
//
// Notes, warnings and the reasons sources give are i18n.Msg values, so
// that a program can show them in its reader's language with
// i18n.English.Format, i18n.Chinese.Format, or a catalogue of its own. The
// package prints nothing, reads no environment variable and never exits.
package lookup
