package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/race"
	"github.com/popfind/popfind/lookup/settings"
)

// GuessSource is the last resort: it probes the usual host names of a domain
// that publishes nothing. It touches hosts the domain never advertised, so
// the Finder runs it only when every other source came up empty. Each probe
// asks for capabilities and STARTTLS only (POP3 CAPA and STLS, IMAP
// CAPABILITY and STARTTLS, SMTP EHLO and STARTTLS), never sends a user name
// or a password, and never tries port 25, which is for servers, not for
// people sending mail.
type GuessSource struct {
	Prober *Prober
	// Protocols are the protocols to guess; nil means POP3 alone.
	Protocols []settings.Protocol
	// Stagger spaces the start of successive probes; zero means 200ms. A
	// probe also starts at once when the one before it fails.
	Stagger time.Duration
}

var _ settings.Source = (*GuessSource)(nil)

// candidate is one host and port to probe. A STARTTLS probe that finds no
// STARTTLS yields a plain candidate.
type candidate struct {
	proto settings.Protocol
	host  string
	port  int
	mode  settings.SocketType
}

// found is the servers one probe proved usable, best first.
type found = []settings.Server

// guessHosts are the host names tried for each protocol, best first.
var guessHosts = map[settings.Protocol][]string{
	settings.POP3: {"pop3.", "pop.", "mail.", ""},
	settings.IMAP: {"imap.", "mail.", ""},
	settings.SMTP: {"smtp.", "mail.", ""},
}

// Lookup probes, for each protocol at once, its usual names: pop3., pop.,
// mail. and the domain for POP3 (995 with TLS, 110 with STARTTLS or plain
// text); imap., mail. and the domain for IMAP (993, 143); smtp., mail. and
// the domain for SMTP (465, 587). Servers with TLS rank above plain ones;
// within each, the order above. Within a protocol, probes start one Stagger
// apart, or at once when the one before failed.
//
// Guessing one protocol, finding nothing is an error: a *settings.Missing
// when the probes reached the hosts, another error when they could not.
// Guessing several, the answer has a part for each protocol without a
// server that says why (Part.Missing or Part.Failed), servers or not.
func (g *GuessSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	protos := g.Protocols
	if len(protos) == 0 {
		protos = []settings.Protocol{settings.POP3}
	}
	type outcome struct {
		servers []settings.Server
		part    *settings.Part
		err     error
	}
	outs := make([]outcome, len(protos))
	var wg sync.WaitGroup
	for i, p := range protos {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var o outcome
			o.servers, o.part, o.err = g.guess(ctx, p, addr)
			outs[i] = o
		}()
	}
	wg.Wait()
	ans := &settings.Answer{}
	for i, p := range protos {
		o := outs[i]
		if o.part != nil {
			*ans.Part(p) = *o.part
		}
		if len(o.servers) > 0 {
			ans.Servers = append(ans.Servers, o.servers...)
			if ans.SourceURL == "" {
				ans.SourceURL = o.part.SourceURL
			}
		}
	}
	if len(ans.Servers) == 0 && len(protos) == 1 {
		return nil, outs[0].err
	}
	// Several protocols: each one's part says why it has no server, if it
	// has none, so that each is told its own reason, not the others'.
	return ans, nil
}

// guess probes one protocol's candidates. It returns the servers found, or
// the protocol's part of the answer saying why there are none, and an error
// that is settings.ErrNotFound when the probes reached the hosts and found
// nothing.
func (g *GuessSource) guess(ctx context.Context, p settings.Protocol, addr settings.Address) ([]settings.Server, *settings.Part, error) {
	d := addr.Domain
	var fns []func(context.Context) (found, error)
	for _, prefix := range guessHosts[p] {
		h := prefix + d
		for _, mode := range []settings.SocketType{settings.SSL, settings.STARTTLS} {
			c := candidate{p, h, p.DefaultPort(mode), mode}
			fns = append(fns, func(ctx context.Context) (found, error) { return g.probe(ctx, c) })
		}
	}
	stagger := g.Stagger
	if stagger <= 0 {
		stagger = 200 * time.Millisecond
	}
	got, ctxErr := race.Run(ctx, fns, func(got []race.Result[found]) bool {
		_, ok := settled(got)
		return ok
	}, race.Options[found]{Stagger: stagger, Failed: func(_ found, err error) bool { return err != nil }})
	if best, ok := settled(got); ok {
		s, part := g.answer(got, best)
		return s, part, nil
	}
	return g.partial(got, p, addr, ctxErr)
}

// settled reports whether the best candidate is known: the first with a
// TLS server, once every candidate before it has finished.
func settled(got []race.Result[found]) (int, bool) {
	for i, r := range got {
		if !r.Done {
			return 0, false
		}
		if len(r.Val) > 0 && r.Val[0].SocketType != settings.Plain {
			return i, true
		}
	}
	return 0, false
}

func (g *GuessSource) answer(got []race.Result[found], best int) ([]settings.Server, *settings.Part) {
	var secure, plain []settings.Server
	order := append([]int{best}, indexes(len(got), best)...)
	for _, i := range order {
		for _, s := range got[i].Val {
			if s.SocketType == settings.Plain {
				plain = append(plain, s)
			} else {
				secure = append(secure, s)
			}
		}
	}
	servers := append(secure, plain...)
	part := &settings.Part{SourceURL: fmt.Sprintf("%s:%d", servers[0].Host, servers[0].Port)}
	part.Warnings = append(part.Warnings, i18n.M(i18n.WarnGuessed, part.SourceURL))
	return servers, part
}

func indexes(n, skip int) []int {
	var out []int
	for i := range n {
		if i != skip {
			out = append(out, i)
		}
	}
	return out
}

// partial returns what the probes found when not all of them finished, or
// why none worked.
func (g *GuessSource) partial(got []race.Result[found], p settings.Protocol, addr settings.Address, ctxErr error) ([]settings.Server, *settings.Part, error) {
	for i, r := range got {
		if len(r.Val) > 0 {
			s, part := g.answer(got, i)
			return s, part, nil
		}
	}
	var reasons []string
	looked := false
	for _, r := range got {
		if r.Err != nil {
			if d := checkDetail(r.Err); !slices.Contains(reasons, d) {
				reasons = append(reasons, d)
			}
			var ce *CheckError
			if !errors.As(r.Err, &ce) || !ce.couldNotLook() {
				looked = true
			}
		}
	}
	if ctxErr != nil {
		reasons = append(reasons, ctxErr.Error())
	}
	if !looked {
		// Nothing was reached: that is no evidence that nothing is there.
		err := fmt.Errorf("no probe of the usual %s names of %s could reach them: %s", p.Label(), addr.Domain, strings.Join(reasons, "; "))
		return nil, &settings.Part{Failed: []error{err}}, err
	}
	m := i18n.M(i18n.NFGuess, p.Label(), addr.Domain, strings.Join(reasons, "; "))
	return nil, &settings.Part{Missing: &m}, &settings.Missing{Reason: m}
}

// checkDetail is what a failed probe says in a guess's reason: the
// problem, after the host and port unless it names them itself, or names
// a DNS failure, which is the host's on every port.
func checkDetail(err error) string {
	var ce *CheckError
	if !errors.As(err, &ce) {
		return err.Error()
	}
	// The problem is said in the reader's language, as the reason around it
	// is.
	hostport := net.JoinHostPort(ce.Host, strconv.Itoa(ce.Port))
	if ce.Kind == KindDNS || strings.Contains(i18n.English.Format(ce.Problem), hostport) {
		return i18n.Nest(ce.Problem)
	}
	return hostport + ": " + i18n.Nest(ce.Problem)
}

// probe checks one candidate and returns the servers it proved usable.
func (g *GuessSource) probe(ctx context.Context, c candidate) ([]settings.Server, error) {
	r := g.Prober.Check(ctx, c.proto, c.host, c.port, c.mode)
	server := func(st settings.SocketType) settings.Server {
		return settings.Server{Protocol: c.proto, Host: c.host, Port: c.port, SocketType: st,
			Username: settings.PlaceholderAddress, Auth: authFromCapa(r.Capa)}
	}
	if r.OK {
		return []settings.Server{server(c.mode)}, nil
	}
	// A STARTTLS port without STARTTLS still speaks the protocol: a
	// plain-text candidate.
	if c.mode == settings.STARTTLS && r.Kind == KindNoSTLS {
		return []settings.Server{server(settings.Plain)}, nil
	}
	return nil, &CheckError{Host: c.host, Port: c.port, Kind: r.Kind, Problem: r.Problem, Err: r.Err}
}

// CheckError says why a probed server is not usable.
type CheckError struct {
	Host    string
	Port    int
	Kind    Kind
	Problem i18n.Msg
	Err     error
}

// Unwrap returns the underlying failure.
func (e *CheckError) Unwrap() error { return e.Err }

// couldNotLook reports whether the probe never reached a verdict about the
// host: the DNS server or the network failed, as opposed to a name that
// does not exist or a server that answered wrongly.
func (e *CheckError) couldNotLook() bool {
	switch e.Kind {
	case KindTimeout, KindNetwork, KindCancelled:
		return true
	case KindDNS:
		return !errors.Is(e.Err, settings.ErrNotFound)
	}
	return false
}

func (e *CheckError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.Host, e.Port, i18n.English.Format(e.Problem))
}

// authFromCapa maps advertised SASL mechanisms to autoconfig values.
func authFromCapa(c Capabilities) []string {
	auth := []string{"password-cleartext"}
	for _, m := range c.SASL {
		switch m {
		case "XOAUTH2", "OAUTHBEARER":
			if !slices.Contains(auth, "OAuth2") {
				auth = append(auth, "OAuth2")
			}
		case "CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256":
			if !slices.Contains(auth, "password-encrypted") {
				auth = append(auth, "password-encrypted")
			}
		}
	}
	return auth
}
