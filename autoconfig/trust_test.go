package autoconfig_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

// nested returns a document of depth elements nested inside one another,
// within the 1 MiB body limit.
func nested(depth int) []byte {
	return []byte(`<?xml version="1.0"?><clientConfig><emailProvider id="x">` +
		strings.Repeat("<a>", depth) + strings.Repeat("</a>", depth) + `</emailProvider></clientConfig>`)
}

// wide returns a document of n sibling elements.
func wide(n int) []byte {
	return []byte(`<?xml version="1.0"?><clientConfig><emailProvider id="x"><domain>x</domain>` +
		strings.Repeat("<a/>", n) + `</emailProvider></clientConfig>`)
}

// TestNestingLimits: depth and element count are bounded while decoding, so
// a document of 140,000 nested elements is refused cheaply. (Not parallel:
// it measures allocation.)
func TestNestingLimits(t *testing.T) {
	addr := testnet.Addr(t, "me@example.com")
	for name, doc := range map[string][]byte{"deep": nested(140000), "wide": wide(200000)} {
		if len(doc) > autoconfig.MaxBody {
			t.Fatalf("%s: %d bytes is over the body limit; the test would not reach the parser", name, len(doc))
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := autoconfig.Parse(doc, addr)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, autoconfig.ErrTooComplex) {
			t.Errorf("%s: got %v, want ErrTooComplex", name, err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
			t.Errorf("%s: parsing allocated %d KiB before refusing", name, alloc>>10)
		}
		if _, err := autoconfig.ParseAutodiscover([]byte(strings.Replace(string(doc), "clientConfig", "Autodiscover", 2)), addr, addr); !errors.Is(err, autoconfig.ErrTooComplex) {
			t.Errorf("%s Autodiscover: got %v, want ErrTooComplex", name, err)
		}
	}
	// Real files are far within the limits.
	if _, err := autoconfig.Parse(nested(autoconfig.MaxDepth-3), addr); errors.Is(err, autoconfig.ErrTooComplex) {
		t.Errorf("a document within the depth limit was refused: %v", err)
	}
}

// TestNestedBatchMemory: 64 domains serving deeply nested documents, looked
// up at once, hold no more than their bodies and 32 MiB besides.
func TestNestedBatchMemory(t *testing.T) {
	w := newWorld(t)
	doc := string(nested(140000))
	var names []string
	for i := range 64 {
		names = append(names, fmt.Sprintf("autoconfig.deep%02d.example", i))
	}
	w.serveHTTPS(t, xmlHandler(doc), names...)
	src := &autoconfig.DomainSource{Fetcher: w.fetcher}
	var peak uint64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				return
			default:
				runtime.Gosched()
			}
		}
	}()
	errs := make([]error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = src.Lookup(context.Background(), testnet.Addr(t, fmt.Sprintf("me@deep%02d.example", i)))
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	for i, err := range errs {
		if !errors.Is(err, autoconfig.ErrTooComplex) {
			t.Errorf("domain %d: %v", i, err)
		}
	}
	// The 64 bodies may all be held at once, each under MaxBody; what the
	// parse of each adds must stay small, whatever the nesting.
	if limit := uint64(64*len(doc)) + 32<<20; peak > limit {
		t.Errorf("peak heap %d MiB; the limit is %d MiB: 64 bodies of %d KiB and 32 MiB besides", peak>>20, limit>>20, len(doc)>>10)
	}
	t.Logf("peak heap %d MiB for 64 nested documents at once", peak>>20)
}

func doc(provider, servers string) []byte {
	return []byte(`<?xml version="1.0"?><clientConfig version="1.1">` + provider + servers + `</emailProvider></clientConfig>`)
}

const provider = `<emailProvider id="example.com"><domain>example.com</domain><displayName>Example</displayName>`

func section(inner string) string {
	return `<incomingServer type="pop3">` + inner + `</incomingServer>`
}

const good = `<hostname>pop.example.com</hostname><port>995</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>`

// TestThunderbirdRules: what Thunderbird's readFromXML and the Android
// client's parser agree on.
func TestThunderbirdRules(t *testing.T) {
	t.Parallel()
	addr := testnet.Addr(t, "me@example.com")
	// The first of a repeated field counts.
	c, err := autoconfig.Parse(doc(provider, section(`<hostname>first.example.com</hostname><hostname>second.example.com</hostname>
<port>995</port><port>110</port><socketType>SSL</socketType><username>%EMAILLOCALPART%</username><username>%EMAILADDRESS%</username>
<authentication>password-cleartext</authentication>`)), addr)
	if err != nil || len(c.Servers) != 1 {
		t.Fatalf("%v %+v", err, c)
	}
	if s := c.Servers[0]; s.Host != "first.example.com" || s.Port != 995 || s.Username != "%EMAILLOCALPART%" {
		t.Errorf("repeated fields: got %s:%d %s; the first of each counts", s.Host, s.Port, s.Username)
	}
	// Only incoming methods count; a section with none is skipped.
	for _, auth := range []string{"none", "client-IP-address", "smtp-after-pop", "TLS-client-cert"} {
		c, err := autoconfig.Parse(doc(provider, section(strings.Replace(good, "password-cleartext", auth, 1))), addr)
		if err != nil || len(c.Servers) != 0 || len(c.Skipped[settings.POP3]) != 1 {
			t.Errorf("authentication %s: %v, servers %v; want the section skipped", auth, err, c.Servers)
		}
	}
	c, _ = autoconfig.Parse(doc(provider, section(strings.Replace(good, "<authentication>password-cleartext</authentication>",
		"<authentication>none</authentication><authentication>OAuth2</authentication>", 1))), addr)
	if len(c.Servers) != 1 || strings.Join(c.Servers[0].Auth, ",") != "OAuth2" {
		t.Errorf("mixed methods: %+v; want OAuth2 alone", c.Servers)
	}
	// A field holding elements instead of text makes the section invalid.
	c, _ = autoconfig.Parse(doc(provider, section(strings.Replace(good, "<hostname>pop.example.com</hostname>",
		"<hostname><b>pop.example.com</b></hostname>", 1))+section(strings.Replace(good, "pop.example.com", "pop2.example.com", 1))), addr)
	if len(c.Servers) != 1 || c.Servers[0].Host != "pop2.example.com" || len(c.Skipped[settings.POP3]) != 1 || !strings.Contains(i18n.English.Format(c.Skipped[settings.POP3][0]), "holds elements, not text") {
		t.Errorf("field with elements: servers %+v skipped %q", c.Servers, c.Skipped)
	}
	// An emailProvider without a valid id or any domain is refused whole.
	for name, p := range map[string]string{
		"no id":          `<emailProvider><domain>example.com</domain>`,
		"invalid id":     `<emailProvider id="a b"><domain>example.com</domain>`,
		"no domain":      `<emailProvider id="example.com">`,
		"invalid domain": `<emailProvider id="example.com"><domain>exa mple.com</domain>`,
	} {
		if c, err := autoconfig.Parse(doc(p, section(good)), addr); err == nil {
			t.Errorf("%s: accepted, servers %+v", name, c.Servers)
		}
	}
}

// TestNetworkTextCleaned: no control or bidirectional character from a
// document reaches a field, and every field is capped.
func TestNetworkTextCleaned(t *testing.T) {
	t.Parallel()
	addr := testnet.Addr(t, "me@example.com")
	p := `<emailProvider id="example.com"><domain>example.com</domain><displayName>Evil` + "\u009b" + `31m` + "\u202e" + `moc.liam</displayName>
<documentation url="https://help.example.com/pop` + "\u202e" + `"/><documentation url="https://help.example.com/ok"/>
<enable visiturl="https://example.com/settings"><instruction>Turn POP on` + "\u0085\u2066" + ` now</instruction></enable>`
	c, err := autoconfig.Parse(doc(p, section(good)), addr)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Evil\uFFFD31mmoc.liam" {
		t.Errorf("name %q", c.Name)
	}
	if strings.Join(c.Docs, " ") != "https://help.example.com/ok" {
		t.Errorf("docs %q; a URL with a control character must be dropped", c.Docs)
	}
	if len(c.Instructions) != 1 || c.Instructions[0].Text != "Turn POP on now" {
		t.Errorf("instructions %q", c.Instructions)
	}
	for name, user := range map[string]string{
		"bidi":  "admin\u202Etxt.exe",
		"C1":    "me\u009b",
		"huge":  strings.Repeat("x", 500000),
		"long":  strings.Repeat("x", 300),
		"tab":   "me\tyou",
		"newln": "me\nyou",
	} {
		c, err := autoconfig.Parse(doc(provider, section(strings.Replace(good, "%EMAILADDRESS%", user, 1))), addr)
		if err != nil {
			// Refused whole: the huge one holds more text than any element may.
			if name != "huge" {
				t.Errorf("username %s: %v; want the section refused, not the document", name, err)
			}
			continue
		}
		if len(c.Servers) != 0 {
			t.Errorf("username %s: %d servers; want the section refused", name, len(c.Servers))
		}
		for _, s := range c.Skipped[settings.POP3] {
			if n := utf8.RuneCountInString(i18n.English.Format(s)); n > 300 {
				t.Errorf("username %s: the reason is %d characters long", name, n)
			}
		}
	}
	// Autodiscover: the error message and the login name.
	ad := `<?xml version="1.0"?><Autodiscover><Response><Error><ErrorCode>500` + "\u001b[2J" + `</ErrorCode><Message>` +
		strings.Repeat("\u202e", 10) + `bad ` + "\u009d" + strings.Repeat("y", 10000) + `</Message></Error></Response></Autodiscover>`
	_, err = autoconfig.ParseAutodiscover([]byte(ad), addr, addr)
	if err == nil || strings.ContainsAny(err.Error(), "\u001b\u202e\u009d") || len(err.Error()) > 1000 {
		t.Errorf("autodiscover error not cleaned: %.100q (%d bytes)", err, len(err.Error()))
	}
}

// redirectWorld serves hosts that popfind sees at public addresses (from the
// TEST-NET ranges) but that the test's dialler connects to on loopback. Its
// resolver dials through autoconfig.GuardDial, as lookup wires it, and the
// guard sees the public address: the mapping to loopback lies beneath it.
type redirectWorld struct {
	*world
	mu     sync.Mutex
	public map[string]string // public IP -> loopback IP
	next   int
	// rebound holds what the fetcher's own lookups (the redirect check's)
	// see of a name instead of the DNS server's answer, by how many times
	// they have asked: the name's owner changed its address between the
	// check and the connection, or back.
	rebound map[string]func(call int) []net.IP
	calls   map[string]int
}

func newRedirectWorld(t *testing.T) *redirectWorld {
	w := &redirectWorld{world: &world{dns: testnet.NewDNS(t), ca: testnet.NewCA(t)}, public: map[string]string{},
		rebound: map[string]func(int) []net.IP{}, calls: map[string]int{}}
	r := &resolver.Resolver{Servers: []string{w.dns.Addr}, Dial: autoconfig.GuardDial(func(ctx context.Context, network, address string) (net.Conn, error) {
		host, port, _ := net.SplitHostPort(address)
		w.mu.Lock()
		if lo, ok := w.public[host]; ok {
			host = lo
		}
		w.mu.Unlock()
		return testnet.Dial(ctx, network, net.JoinHostPort(host, port))
	})}
	tr := &http.Transport{DialContext: r.DialContext, TLSClientConfig: &tls.Config{RootCAs: w.ca.Pool()}}
	t.Cleanup(tr.CloseIdleConnections)
	lookupIP := func(ctx context.Context, host string) ([]net.IP, error) {
		w.mu.Lock()
		w.calls[host]++
		seen, call := w.rebound[host], w.calls[host]
		w.mu.Unlock()
		if seen != nil {
			if ips := seen(call); ips != nil {
				return ips, nil
			}
		}
		return r.LookupIP(ctx, host)
	}
	w.fetcher = &autoconfig.Fetcher{Client: &http.Client{Transport: tr}, LookupIP: lookupIP}
	return w
}

// rebind makes the fetcher's own lookups of name see seen(call) instead of
// the DNS server's answer, when that is not nil; the connections see the
// DNS server's.
func (w *redirectWorld) rebind(name string, seen func(call int) []net.IP) {
	w.mu.Lock()
	w.rebound[name] = seen
	w.mu.Unlock()
}

// servePublic serves h for names at a public-looking address.
func (w *redirectWorld) servePublic(t *testing.T, h http.Handler, names ...string) {
	w.dns.Host(t, w.servePublicIP(t, h, names...), names...)
}

// servePublicIP serves h with a certificate for names at a new
// public-looking address, which it returns, and adds no DNS record.
func (w *redirectWorld) servePublicIP(t *testing.T, h http.Handler, names ...string) string {
	lo := testnet.IP()
	w.mu.Lock()
	w.next++
	pub := fmt.Sprintf("198.51.100.%d", w.next)
	w.public[pub] = lo
	w.mu.Unlock()
	w.ca.ServeHTTPS(t, lo, h, names...)
	return pub
}

func TestRedirectGuard(t *testing.T) {
	t.Parallel()
	w := newRedirectWorld(t)
	to := func(u string) http.Handler { return http.RedirectHandler(u, http.StatusFound) }
	w.serveHTTPS(t, xmlHandler(configXML("pop.intranet.example")), "config.intranet.example")
	w.servePublic(t, xmlHandler(configXML("pop.hoster.example")), "config.hoster.example")
	w.servePublic(t, to("https://config.intranet.example/mail.xml"), "autoconfig.public.example")
	w.servePublic(t, to("https://config.hoster.example/mail.xml"), "autoconfig.moved.example")
	w.serveHTTPS(t, to("https://config.intranet.example/mail.xml"), "autoconfig.lan.example")
	src := &autoconfig.DomainSource{Fetcher: w.fetcher}
	ctx := context.Background()

	// Public to internal: refused, with the reason.
	a, err := src.Lookup(ctx, testnet.Addr(t, "me@public.example"))
	// Said as popfind serve's guard says it, so that a desk page words it
	// as refused for safety, never as "not found".
	if err == nil || !strings.Contains(err.Error(), "refused for safety: refusing a redirect") || !strings.Contains(err.Error(), "config.intranet.example") {
		t.Errorf("public to internal: %v, %v; want it refused", a, err)
	}
	// Public to another public domain: followed, with a warning.
	a, err = src.Lookup(ctx, testnet.Addr(t, "me@moved.example"))
	if err != nil || a.Servers[0].Host != "pop.hoster.example" || !hasWarning(a, i18n.WarnConfigRedirect) {
		t.Errorf("cross-domain redirect: %+v, %v; want the answer with a warning", a, err)
	}
	// Within an intranet: followed.
	a, err = src.Lookup(ctx, testnet.Addr(t, "me@lan.example"))
	if err != nil || a.Servers[0].Host != "pop.intranet.example" {
		t.Errorf("intranet redirect: %+v, %v; want it followed", a, err)
	}
}

// TestRedirectToAddressWarns: a redirect to a bare IP address leaves the
// domain as surely as one to another name, over HTTPS as over HTTP, and
// from an autoconfig file or an Autodiscover answer alike.
func TestRedirectToAddressWarns(t *testing.T) {
	t.Parallel()
	w := newRedirectWorld(t)
	for _, ip := range []string{"203.0.113.5", "2001:db8::5"} {
		lo := testnet.IP()
		w.mu.Lock()
		w.public[ip] = lo
		w.mu.Unlock()
		mux := http.NewServeMux()
		mux.Handle("/mail.xml", xmlHandler(configXML("pop.numeric.example")))
		mux.Handle("/autodiscover/autodiscover.xml", adHandler(t, adXML(popProtocol), nil))
		w.ca.ServeHTTPS(t, lo, mux, ip)
	}
	to := func(u string) http.Handler { return http.RedirectHandler(u, http.StatusFound) }
	w.servePublic(t, to("https://203.0.113.5/mail.xml"), "autoconfig.v4.example")
	w.servePublic(t, to("https://[2001:db8::5]/mail.xml"), "autoconfig.v6.example")
	w.servePublic(t, adHandler(t, adXML(`<Action>redirectUrl</Action><RedirectUrl>https://203.0.113.5/autodiscover/autodiscover.xml</RedirectUrl>`), nil), "autodiscover.adv4.example")
	ctx := context.Background()
	src := &autoconfig.DomainSource{Fetcher: w.fetcher}
	for _, email := range []string{"me@v4.example", "me@v6.example"} {
		a, err := src.Lookup(ctx, testnet.Addr(t, email))
		if err != nil || !hasWarning(a, i18n.WarnConfigRedirect) {
			t.Errorf("%s: %v; want the answer with a warning about the redirect", email, err)
		}
	}
	a, err := w.autodiscover().Lookup(ctx, testnet.Addr(t, "me@adv4.example"))
	if err != nil || !hasWarning(a, i18n.WarnRedirectDomain) {
		t.Errorf("Autodiscover: %v; want the answer with a warning about the redirect", err)
	}
}

func hasWarning(a *settings.Answer, key string) bool {
	for _, w := range a.Warnings {
		if w.Key == key {
			return true
		}
	}
	return false
}

// TestPlaceholdersPerAddress: an autoconfig host name with %EMAILLOCALPART%
// and an Autodiscover login name that is neither the address nor its local
// part are filled or fetched for each address, never served from the
// domain's cache to another address.
func TestPlaceholdersPerAddress(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.serveHTTPS(t, xmlHandler(string(doc(`<emailProvider id="per.example"><domain>per.example</domain>`,
		section(`<hostname>%EMAILLOCALPART%.pop.per.example</hostname><port>995</port><socketType>SSL</socketType>
<username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication>`)))), "autoconfig.per.example")
	var hits atomic.Int32
	w.serveHTTPS(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		req, _ := io.ReadAll(r.Body)
		s := string(req)
		email := s[strings.Index(s, "<EMailAddress>")+len("<EMailAddress>") : strings.Index(s, "</EMailAddress>")]
		login := "CORP\\" + strings.ToUpper(email[:strings.Index(email, "@")])
		rw.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(rw, adXML(`<Action>settings</Action><Protocol><Type>POP3</Type><Server>pop.corp.example</Server><Port>995</Port><LoginName>`+login+`</LoginName><SSL>on</SSL></Protocol>`))
	}), "autodiscover.corp.example")

	ac := w.finder(t, lookup.Config{Sources: []string{"autoconfig"}})
	for _, local := range []string{"alice", "bob", "alice"} {
		r := ac.Find(context.Background(), local+"@per.example")
		if s := r.Server(); s == nil || s.Host != local+".pop.per.example" || s.Username != local {
			t.Errorf("%s got %+v (%v)", local, s, r.Err)
		}
	}
	ad := w.finder(t, lookup.Config{Sources: []string{"autodiscover"}})
	for _, local := range []string{"alice", "bob"} {
		r := ad.Find(context.Background(), local+"@corp.example")
		if s := r.Server(); s == nil || s.Username != "CORP\\"+strings.ToUpper(local) {
			t.Errorf("%s got %+v (%v); want its own login name", local, s, r.Err)
		}
	}
	if hits.Load() != 2 {
		t.Errorf("%d Autodiscover requests; want one per address", hits.Load())
	}
}
