package dnssource

import (
	"regexp"
	"testing"

	"github.com/miekg/dns"
	"github.com/popfind/popfind/lookup/settings"
)

// FuzzDNSAnswers feeds arbitrary DNS messages to the SRV and MX handling.
func FuzzDNSAnswers(f *testing.F) {
	seed := func(rrs ...string) []byte {
		m := new(dns.Msg)
		m.SetQuestion("_pop3s._tcp.example.org.", dns.TypeSRV)
		for _, s := range rrs {
			rr, err := dns.NewRR(s)
			if err != nil {
				f.Fatal(err)
			}
			m.Answer = append(m.Answer, rr)
		}
		b, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	f.Add(seed("_pop3s._tcp.example.org. 60 IN SRV 0 1 995 pop.example.org."))
	f.Add(seed("_pop3s._tcp.example.org. 60 IN SRV 0 0 0 ."))
	f.Add(seed("example.org. 60 IN MX 10 mx.example.org.", "example.org. 60 IN MX 0 ."))
	f.Add(seed("_pop3s._tcp.example.org. 60 IN SRV 0 65535 995 a.example.org.", "_pop3s._tcp.example.org. 60 IN SRV 0 65535 995 b.example.org."))
	f.Add([]byte{})
	f.Add(seed()[:5])
	f.Fuzz(func(t *testing.T, data []byte) {
		m := new(dns.Msg)
		if err := m.Unpack(data); err != nil {
			return
		}
		addr := settings.Address{Local: "x", Domain: "example.org", UnicodeDomain: "example.org"}
		s := &SRVSource{}
		a := parseSRV(m, "_pop3s._tcp.example.org")
		b := parseSRV(m, "_pop3._tcp.example.org")
		if len(a.records) > maxSRV {
			t.Fatalf("%d records kept", len(a.records))
		}
		ans, err := s.answer(addr, []settings.Protocol{settings.POP3}, [][2]srvAnswer{{a, b}})
		if err == nil {
			for _, srv := range ans.Servers {
				if srv.Port < 1 || srv.Port > 65535 || !validTarget(srv.Host) {
					t.Fatalf("bad server %+v", srv)
				}
			}
		}
		for _, h := range preferredMX(m, "example.org") {
			if !validTarget(h) {
				t.Fatalf("bad MX host %q", h)
			}
		}
	})
}

// hostRE and validTarget state independently what a usable host name is,
// so that the fuzz target does not judge the sources with their own
// validator.
var hostRE = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$`)

func validTarget(h string) bool { return len(h) <= 253 && hostRE.MatchString(h) }
