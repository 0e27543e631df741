package autoconfig

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/popfind/popfind/lookup/settings"
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

func checkServers(t *testing.T, servers []settings.Server) {
	addr := settings.Address{Local: "fuzz", Domain: "example.com", UnicodeDomain: "example.com"}
	for _, s := range servers {
		host := strings.ToLower(settings.Expand(s.Host, addr))
		if s.Port < 1 || s.Port > 65535 || len(host) > 253 || !hostRE.MatchString(host) || len(s.Auth) == 0 {
			t.Fatalf("invalid server accepted: %+v", s)
		}
		if _, ok := settings.ParseSocketType(string(s.SocketType)); !ok {
			t.Fatalf("socket type %q accepted", s.SocketType)
		}
	}
}

// deep returns a clientConfig with n levels of nesting inside a POP3
// section, for the fuzzer to grow and mutate.
func deep(n int) []byte {
	return []byte(`<clientConfig><emailProvider id="example.org"><domain>example.org</domain><incomingServer type="pop3"><hostname>` +
		strings.Repeat("<x>", n) + "pop.example.org" + strings.Repeat("</x>", n) +
		`</hostname><port>995</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username>` +
		`<authentication>plain</authentication></incomingServer></emailProvider></clientConfig>`)
}

func FuzzParse(f *testing.F) {
	seedFiles(f, "*.xml")
	for _, n := range []int{0, 1, MaxDepth - 5, MaxDepth, 1000} {
		f.Add(deep(n))
	}
	f.Add([]byte(`<clientConfig><emailProvider id="a.b"><domain>a.b</domain>` + strings.Repeat("<a/>", MaxElements+1) + `</emailProvider></clientConfig>`))
	a, _ := settings.ParseAddress("someone@example.org")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, a)
		if err != nil {
			return
		}
		if depth(data) > MaxDepth {
			t.Fatalf("a document %d levels deep was accepted", depth(data))
		}
		checkServers(t, c.Servers)
		for _, d := range append(c.Docs, c.Name, c.ID) {
			if safetextUnsafe(d) {
				t.Fatalf("unsafe text %q", d)
			}
		}
		for _, d := range c.Docs {
			if !strings.HasPrefix(d, "http") {
				t.Fatalf("doc %q", d)
			}
		}
	})
}

// depth measures a document's nesting with encoding/xml directly,
// independently of the parser under test.
func depth(data []byte) int {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = func(string, io.Reader) (io.Reader, error) { return nil, io.EOF }
	d, most := 0, 0
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return most
		}
		switch tok.(type) {
		case xml.StartElement:
			d++
			most = max(most, d)
		case xml.EndElement:
			d--
		}
	}
}

// safetextUnsafe is an independent statement of what must never reach
// output: C0 and C1 controls, DEL, and bidirectional controls.
func safetextUnsafe(s string) bool {
	for _, r := range s {
		if r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f {
			return true
		}
	}
	return false
}

func FuzzParseAutodiscover(f *testing.F) {
	f.Add([]byte(`<Autodiscover><Response><Account><Action>settings</Action><Protocol><Type>POP3</Type><Server>pop.example.org</Server><Port>995</Port><SSL>on</SSL></Protocol></Account></Response></Autodiscover>`))
	f.Add([]byte(`<Autodiscover><Response><Account><Action>redirectAddr</Action><RedirectAddr>a@b.example</RedirectAddr></Account></Response></Autodiscover>`))
	f.Add([]byte(`<Autodiscover><Response><Error><ErrorCode>600</ErrorCode><Message>Invalid Request</Message></Error></Response></Autodiscover>`))
	f.Add([]byte(`<!DOCTYPE a [<!ENTITY x "y">]><Autodiscover/>`))
	a, _ := settings.ParseAddress("someone@example.org")
	f.Fuzz(func(t *testing.T, data []byte) {
		ad, err := ParseAutodiscover(data, a, a)
		if err != nil {
			return
		}
		checkServers(t, ad.Servers)
	})
}
