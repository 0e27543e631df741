package probe

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/race"
	"github.com/popfind/popfind/lookup/settings"
)

// GuessSource is the last resort: it probes the usual host names of a domain
// that publishes nothing. It touches hosts the domain never advertised, so
// the Finder runs it only when every other source came up empty. Each probe
// sends CAPA, STLS and QUIT only, never a user name or a password.
type GuessSource struct {
	Prober *Prober
	// Stagger spaces the start of successive probes; zero means 200ms. A
	// probe also starts at once when the one before it fails.
	Stagger time.Duration
}

var _ settings.Source = (*GuessSource)(nil)

// candidate is one host and port to probe. A port-110 probe asks for
// STARTTLS and, when the server offers no STLS, yields a plain candidate.
type candidate struct {
	host string
	port int
	mode settings.SocketType
}

// found is the servers one probe proved usable, best first.
type found = []settings.Server

// Lookup probes pop3.<domain>, pop.<domain>, mail.<domain> and <domain>,
// each on 995 with TLS and on 110 with STLS or, failing that, plain text.
// Servers with TLS rank above plain ones; within each, the order above.
// Probes start one Stagger apart, or at once when the one before failed.
func (g *GuessSource) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	d := addr.Domain
	var fns []func(context.Context) (found, error)
	for _, h := range []string{"pop3." + d, "pop." + d, "mail." + d, d} {
		for _, c := range []candidate{{h, 995, settings.SSL}, {h, 110, settings.STARTTLS}} {
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
		return g.answer(got, best), nil
	}
	return g.partial(got, addr, ctxErr)
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

func (g *GuessSource) answer(got []race.Result[found], best int) *settings.Answer {
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
	a := &settings.Answer{Servers: servers, SourceURL: fmt.Sprintf("%s:%d", servers[0].Host, servers[0].Port)}
	a.Warnings = append(a.Warnings, i18n.M(i18n.WarnGuessed, a.SourceURL))
	return a
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
func (g *GuessSource) partial(got []race.Result[found], addr settings.Address, ctxErr error) (*settings.Answer, error) {
	for i, r := range got {
		if len(r.Val) > 0 {
			return g.answer(got, i), nil
		}
	}
	var reasons []string
	looked := false
	for _, r := range got {
		if r.Err != nil {
			reasons = append(reasons, r.Err.Error())
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
		return nil, fmt.Errorf("no probe of the usual names of %s could reach them: %s", addr.Domain, strings.Join(reasons, "; "))
	}
	return nil, settings.NotFound(i18n.NFGuess, addr.Domain, strings.Join(reasons, "; "))
}

// probe checks one candidate and returns the servers it proved usable.
func (g *GuessSource) probe(ctx context.Context, c candidate) ([]settings.Server, error) {
	r := g.Prober.Check(ctx, c.host, c.port, c.mode)
	server := func(st settings.SocketType) settings.Server {
		return settings.Server{Protocol: "pop3", Host: c.host, Port: c.port, SocketType: st,
			Username: settings.PlaceholderAddress, Auth: authFromCapa(r.Capa)}
	}
	if r.OK {
		return []settings.Server{server(c.mode)}, nil
	}
	// Port 110 without STLS still speaks POP3: a plain-text candidate.
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
	case KindTimeout, KindNetwork:
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
