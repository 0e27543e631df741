package lookup_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// A lookup in one call. Gmail is in the built-in table, so this answer
// comes without any network traffic.
func Example() {
	res := lookup.Find(context.Background(), "someone@gmail.com")
	if !res.Found {
		fmt.Println("not found:", res.Err)
		return
	}
	s := res.Server()
	fmt.Println(s.Host, s.Port, s.SocketType, s.Username)
	fmt.Println("from", res.Source)
	// Output:
	// pop.gmail.com 995 SSL someone@gmail.com
	// from builtin
}

// A Finder for many lookups: one resolver, one HTTP client and one cache
// for all of them. Here every query goes to exampleDNS, a server the
// example started; leave DNS empty to use the system's servers.
func ExampleNew() {
	f, err := lookup.New(lookup.Config{DNS: exampleDNS, Timeout: 5 * time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	res := f.Find(context.Background(), "someone@srv.example")
	for _, s := range append([]lookup.Server{*res.Server()}, res.Alternatives()...) {
		fmt.Printf("%s:%d %s\n", s.Host, s.Port, s.SocketType)
	}
	fmt.Println("from", res.Source, res.Answer.SourceURL)
	// Output:
	// pop.srv.example:995 SSL
	// pop.srv.example:110 STARTTLS
	// from srv _pop3s._tcp.srv.example
}

// The whole account: POP3, IMAP and the SMTP server to send through, in
// one lookup. The result describes the first protocol asked for; Get and
// All give each protocol's own result, with its own source.
func ExampleConfig_protocols() {
	f, err := lookup.New(lookup.Config{DNS: exampleDNS, Timeout: 5 * time.Second,
		Protocols: []lookup.Protocol{lookup.POP3, lookup.IMAP, lookup.SMTP}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	res := f.Find(context.Background(), "someone@srv.example")
	for _, r := range res.All() {
		s := r.Server()
		fmt.Printf("%s %s:%d %s from %s\n", r.Protocol.Label(), s.Host, s.Port, s.SocketType, r.Answer.SourceURL)
	}
	fmt.Println(res.Get(lookup.SMTP).Server().Host)
	// Output:
	// POP3 pop.srv.example:995 SSL from _pop3s._tcp.srv.example
	// IMAP imap.srv.example:993 SSL from _imaps._tcp.srv.example
	// SMTP smtp.srv.example:587 STARTTLS from _submission._tcp.srv.example
	// smtp.srv.example
}

// Errors say what went wrong, and match the package's sentinel errors.
func ExampleFinder_Find_errors() {
	f, err := lookup.New(lookup.Config{DNS: exampleDNS, Sources: []string{"builtin", "srv"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	ctx := context.Background()

	res := f.Find(ctx, "not an address")
	fmt.Println(errors.Is(res.Err, lookup.ErrInvalidAddress), res.Err)

	res = f.Find(ctx, "someone@nowhere.example")
	fmt.Println(errors.Is(res.Err, lookup.ErrNotFound), res.Err)
	for _, a := range res.Attempts {
		if a.Outcome != lookup.OutcomeSkipped {
			fmt.Println(" ", a.Source, a.Outcome, a.Err)
		}
	}

	// Providers that offer no POP3 say so.
	res = f.Find(ctx, "someone@icloud.com")
	fmt.Println(res.Found, errors.Is(res.Err, lookup.ErrNotFound))
	// Output:
	// true invalid address "not an address": no @
	// true no POP3 server found
	//   builtin not_found not found: nowhere.example is not in the built-in table
	//   srv not_found not found: no _pop3s._tcp.nowhere.example or _pop3._tcp.nowhere.example records
	// false true
}

// Notes, warnings and reasons are catalogue messages, to show in the
// reader's language.
func Example_messages() {
	res := lookup.Find(context.Background(), "someone@qq.com")
	for _, n := range res.Answer.Notes {
		fmt.Println(i18n.English.Format(n))
		fmt.Println(i18n.Chinese.Format(n))
	}
	for _, w := range res.AllWarnings() {
		fmt.Println(i18n.English.Format(w))
	}
	// Output:
	// Mail clients can neither fetch nor send until you turn on the POP3/SMTP service (to fetch by POP3) or the IMAP/SMTP service (to fetch by IMAP) in the web mail settings.
	// 请先在网页版邮箱的设置中开启“POP3/SMTP 服务”（用 POP3 收信）或“IMAP/SMTP 服务”（用 IMAP 收信），否则客户端既不能收信，也不能发信。
	// Log in with an authorization code (授权码) generated in the web mail settings, not with the account password.
	// 客户端登录时请使用在网页版邮箱设置中生成的授权码，而不是邮箱登录密码。
}
