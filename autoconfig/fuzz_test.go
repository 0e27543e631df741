package autoconfig

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/popfind/popfind/lookup"
)

func seedFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// hostRE is an independent statement of a valid host name, so that the fuzz
// targets do not judge the parser with its own validator.
var hostRE = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$`)

func checkServers(t *testing.T, servers []lookup.Server) {
	addr := lookup.Address{Local: "fuzz", Domain: "example.com", UnicodeDomain: "example.com"}
	for _, s := range servers {
		host := strings.ToLower(lookup.Expand(s.Host, addr))
		if s.Port < 1 || s.Port > 65535 || len(host) > 253 || !hostRE.MatchString(host) || len(s.Auth) == 0 {
			t.Fatalf("invalid server accepted: %+v", s)
		}
		if _, ok := lookup.ParseSocketType(string(s.SocketType)); !ok {
			t.Fatalf("socket type %q accepted", s.SocketType)
		}
	}
}

func FuzzParse(f *testing.F) {
	seedFiles(f, "*.xml")
	a, _ := lookup.ParseAddress("someone@example.org")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, a)
		if err != nil {
			return
		}
		checkServers(t, c.Servers)
		for _, d := range c.Docs {
			if !strings.HasPrefix(d, "http") {
				t.Fatalf("doc %q", d)
			}
		}
	})
}

func FuzzParseAutodiscover(f *testing.F) {
	f.Add([]byte(`<Autodiscover><Response><Account><Action>settings</Action><Protocol><Type>POP3</Type><Server>pop.example.org</Server><Port>995</Port><SSL>on</SSL></Protocol></Account></Response></Autodiscover>`))
	f.Add([]byte(`<Autodiscover><Response><Account><Action>redirectAddr</Action><RedirectAddr>a@b.example</RedirectAddr></Account></Response></Autodiscover>`))
	f.Add([]byte(`<Autodiscover><Response><Error><ErrorCode>600</ErrorCode><Message>Invalid Request</Message></Error></Response></Autodiscover>`))
	f.Add([]byte(`<!DOCTYPE a [<!ENTITY x "y">]><Autodiscover/>`))
	a, _ := lookup.ParseAddress("someone@example.org")
	f.Fuzz(func(t *testing.T, data []byte) {
		ad, err := ParseAutodiscover(data, a, a)
		if err != nil {
			return
		}
		checkServers(t, ad.Servers)
	})
}
