package probe

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
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

var _ lookup.Source = (*GuessSource)(nil)

// Name returns "guess".
func (g *GuessSource) Name() string { return lookup.SourceGuess }

// candidate is one host and port to probe. A port-110 probe asks for
// STARTTLS and, when the server offers no STLS, yields a plain candidate.
type candidate struct {
	host string
	port int
	mode lookup.SocketType
}

type probeResult struct {
	i       int
	servers []lookup.Server // usable servers this probe found, best first
	err     error
}

// Lookup probes pop3.<domain>, pop.<domain>, mail.<domain> and <domain>,
// each on 995 with TLS and on 110 with STLS or, failing that, plain text.
// Servers with TLS rank above plain ones; within each, the order above.
func (g *GuessSource) Lookup(ctx context.Context, addr lookup.Address) (*lookup.Answer, error) {
	d := addr.Domain
	var cands []candidate
	for _, h := range []string{"pop3." + d, "pop." + d, "mail." + d, d} {
		cands = append(cands, candidate{h, 995, lookup.SSL}, candidate{h, 110, lookup.STARTTLS})
	}
	stagger := g.Stagger
	if stagger <= 0 {
		stagger = 200 * time.Millisecond
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	// Probes still running when the answer is known are cancelled, and
	// waited for: no work outlives the lookup.
	defer wg.Wait()
	defer cancel()
	results := make(chan probeResult, len(cands))
	failed := make(chan struct{}, len(cands))
	started := 0
	next := func() {
		if started == len(cands) {
			return
		}
		i, c := started, cands[started]
		started++
		wg.Add(1)
		go func() {
			defer wg.Done()
			servers, err := g.probe(ctx, c)
			if err != nil {
				failed <- struct{}{}
			}
			results <- probeResult{i, servers, err}
		}()
	}
	next()
	timer := time.NewTicker(stagger)
	defer timer.Stop()
	got := make([]*probeResult, len(cands))
	pending := len(cands)
	for pending > 0 {
		select {
		case <-timer.C:
			next()
		case <-failed:
			next()
		case r := <-results:
			got[r.i] = &r
			pending--
			if best, ok := settled(got); ok {
				return g.answer(got, best, addr), nil
			}
		case <-ctx.Done():
			return g.partial(got, addr, ctx.Err())
		}
	}
	return g.partial(got, addr, nil)
}

// settled reports whether the best candidate is known: the first with a
// TLS server, once every candidate before it has finished.
func settled(got []*probeResult) (int, bool) {
	for i, r := range got {
		if r == nil {
			return 0, false
		}
		if len(r.servers) > 0 && r.servers[0].SocketType != lookup.Plain {
			return i, true
		}
	}
	return 0, false
}

func (g *GuessSource) answer(got []*probeResult, best int, addr lookup.Address) *lookup.Answer {
	var secure, plain []lookup.Server
	order := append([]int{best}, indexes(len(got), best)...)
	for _, i := range order {
		if got[i] == nil {
			continue
		}
		for _, s := range got[i].servers {
			if s.SocketType == lookup.Plain {
				plain = append(plain, s)
			} else {
				secure = append(secure, s)
			}
		}
	}
	servers := append(secure, plain...)
	a := &lookup.Answer{Servers: servers, SourceURL: fmt.Sprintf("%s:%d", servers[0].Host, servers[0].Port)}
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
func (g *GuessSource) partial(got []*probeResult, addr lookup.Address, ctxErr error) (*lookup.Answer, error) {
	for i, r := range got {
		if r != nil && len(r.servers) > 0 {
			return g.answer(got, i, addr), nil
		}
	}
	var reasons []string
	for _, r := range got {
		if r != nil && r.err != nil {
			reasons = append(reasons, r.err.Error())
		}
	}
	if ctxErr != nil {
		reasons = append(reasons, ctxErr.Error())
	}
	return nil, lookup.NotFound("no POP3 server answered at the usual names of %s (%s)", addr.Domain, strings.Join(reasons, "; "))
}

// probe checks one candidate and returns the servers it proved usable.
func (g *GuessSource) probe(ctx context.Context, c candidate) ([]lookup.Server, error) {
	r := g.Prober.Check(ctx, c.host, c.port, c.mode)
	server := func(st lookup.SocketType) lookup.Server {
		return lookup.Server{Protocol: "pop3", Host: c.host, Port: c.port, SocketType: st,
			Username: lookup.PlaceholderAddress, Auth: authFromCapa(r.Capa)}
	}
	if r.OK {
		return []lookup.Server{server(c.mode)}, nil
	}
	// Port 110 without STLS still speaks POP3: a plain-text candidate.
	if c.mode == lookup.STARTTLS && r.Kind == KindNoSTLS {
		return []lookup.Server{server(lookup.Plain)}, nil
	}
	return nil, fmt.Errorf("%s:%d: %s", c.host, c.port, i18n.English.Format(r.Problem))
}

// authFromCapa maps advertised SASL mechanisms to autoconfig values.
func authFromCapa(c Capabilities) []string {
	auth := []string{"password-cleartext"}
	for _, m := range c.SASL {
		switch m {
		case "XOAUTH2", "OAUTHBEARER":
			if !contains(auth, "OAuth2") {
				auth = append(auth, "OAuth2")
			}
		case "CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256":
			if !contains(auth, "password-encrypted") {
				auth = append(auth, "password-encrypted")
			}
		}
	}
	return auth
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
