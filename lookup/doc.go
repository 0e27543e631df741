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
// A program that looks up many addresses, or serves lookups for days, makes
// one Finder and keeps it: it shares one resolver, one HTTP client and one
// cache between lookups, and concurrent lookups of one domain share one run
// of the sources.
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
// Config.Protocols says which protocols to find (DefaultProtocols(): POP3
// and SMTP). A Result describes the first of them; Result.Get and
// Result.All give each protocol's own Result, with its own source:
//
//	smtp := res.Get(lookup.SMTP) // nil when SMTP was not asked for
//
// Find never returns nil and never panics, and its result has an entry for
// every protocol asked for. Result.Err says why nothing was found: it
// matches ErrInvalidAddress for an address that does not parse (and then
// nothing was sent anywhere), and ErrNotFound when every source finished and
// none had a server, or the domain said it does not offer the protocol. An
// *InterruptedError says that time ran out or ctx was cancelled first: it
// is not ErrNotFound, since nobody knows whether there is a server. ErrNetwork
// says that no source could reach the network at all.
//
// # Deadlines
//
// ctx is the one deadline a lookup needs: when it ends, Find returns what
// was found by then, with every source's attempt. Config.Timeout is the
// deadline of a ctx that has none.
//
// # What a Finder keeps
//
// A domain's answer is kept no longer than the smallest TTL of the DNS
// records it rests on, never longer than 10 minutes, and in a cache bounded
// in entries (Config.CacheSize) and in memory; Finder.Forget drops a domain
// at once. A lookup that was interrupted, that stopped a source early, or in
// which a source that could have changed the answer failed, is not kept:
// the next lookup of the domain asks again. An answer that rests on a
// request that carried the address itself (the domain's autoconfig URL with
// ?emailaddress=, an Autodiscover login name) is never given to another
// address; the domain's other addresses are each looked up on their own,
// over the same kept-alive connections.
//
// A Result is a value, copied for its caller: changing its servers, notes,
// docs or provider changes nothing that the cache, the built-in table or
// another caller sees.
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
// protocol's answer is known the rest are cancelled. Guessing starts for a
// protocol once every other source has finished without an answer for it.
//
// There is one grace period (Config.Grace). It starts when the first
// protocol has an answer in hand; when it ends, whatever is still running,
// guessing included, is stopped, and the answers in hand are given with a
// warning (Result.Early). An answer that came over plain HTTP neither
// starts it nor counts toward it, and is used only once every other source
// has finished without an answer: it never wins by waiting. When the
// deadline passes, the best answer so far is returned with a warning for
// each source that did not finish.
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
// plain HTTP, also through a redirect from HTTPS, carry a warning, are
// labelled SourceAutoconfigHTTP, and lose to any other.
//
// # Words
//
// Notes, warnings and the reasons sources give are i18n.Msg values, so
// that a program can show them in its reader's language with
// i18n.English.Format, i18n.Chinese.Format, or a catalogue of its own. The
// package prints nothing, reads no environment variable and never exits.
package lookup
