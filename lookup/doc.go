// Package lookup finds the POP3 server of an email address: host, port,
// security and login name, where the answer came from, and how far to trust
// it. It is the library behind the popfind command, with the same sources,
// defaults and limits.
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
// Find never returns nil and never panics. Result.Err says why nothing was
// found: it matches ErrInvalidAddress for an address that does not parse
// (and then nothing was sent anywhere), and ErrNotFound when no source had a
// server or the domain said it offers no POP3. An *InterruptedError says the
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
// The sources run at once, so a lookup costs about one network round trip.
// The answer is the first in that order that found a server, returned as
// soon as every source before it has finished; the rest are cancelled. A
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
// by talking to it, says CAPA, STLS and QUIT only. Answers that came over
// plain HTTP carry a warning and lose to any other.
//
// # Words
//
// Notes, warnings and the reasons sources give are i18n.Msg values, so
// that a program can show them in its reader's language with
// i18n.English.Format, i18n.Chinese.Format, or a catalogue of its own. The
// package prints nothing, reads no environment variable and never exits.
package lookup
