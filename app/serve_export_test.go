package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"howett.net/plist"

	"github.com/popfind/popfind/docs"
	"github.com/popfind/popfind/export"
	"github.com/popfind/popfind/internal/testnet"
)

// exportPath is the API path of an export of address in format, with more
// query parameters as name, value pairs.
func exportPath(address, format string, more ...string) string {
	q := url.Values{"address": {address}, "format": {format}}
	for i := 0; i+1 < len(more); i += 2 {
		q.Set(more[i], more[i+1])
	}
	return "/api/v1/export?" + q.Encode()
}

// exportWorld is a loopback Internet with an autoconfig domain whose
// provider's name needs escaping (acme.example: POP3 and IMAP, STARTTLS
// with an SSL alternative, SMTP), a domain of SRV records alone
// (all0000.example), an internationalised one by SRV records (例子.测试,
// IMAP and SMTP with STARTTLS) and a domain whose autoconfig file travels over plain
// HTTP (plain.example).
func exportWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	w.https(t, http.NotFoundHandler(), "ispdb.test")
	w.https(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/xml")
		io.WriteString(rw, `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="acme.example">
<domain>acme.example</domain><displayName>Acme &amp; "Söhne" &lt;Mail&gt;</displayName>
<incomingServer type="imap"><hostname>imap.acme.example</hostname><port>143</port><socketType>STARTTLS</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<incomingServer type="imap"><hostname>imap.acme.example</hostname><port>993</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<incomingServer type="pop3"><hostname>pop.acme.example</hostname><port>995</port><socketType>SSL</socketType>
<username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.acme.example</hostname><port>587</port><socketType>STARTTLS</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`)
	}), "autoconfig.acme.example")
	w.srvAll(t, 1)
	// 例子.测试, an internationalised domain, by SRV records.
	w.dns.Add(t,
		"_imaps._tcp.xn--fsqu00a.xn--0zwm56d. 60 IN SRV 0 0 993 imap.xn--fsqu00a.xn--0zwm56d.",
		"_submission._tcp.xn--fsqu00a.xn--0zwm56d. 60 IN SRV 0 0 587 smtp.xn--fsqu00a.xn--0zwm56d.",
	)
	// plain.example publishes its autoconfig file over plain HTTP alone.
	ip := testnet.IP()
	testnet.ServeHTTP(t, ip, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/xml")
		io.WriteString(rw, `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="plain.example">
<domain>plain.example</domain><displayName>Plain</displayName>
<incomingServer type="imap"><hostname>imap.plain.example</hostname><port>993</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.plain.example</hostname><port>465</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`)
	}))
	w.dns.Host(t, ip, "autoconfig.plain.example")
	return w
}

// TestServeExportGolden: the Apple profile and the QR code of a built-in
// provider (offline), an autoconfig domain and an SRV-only domain, as the
// API serves them.
func TestServeExportGolden(t *testing.T) {
	t.Parallel()
	w := exportWorld(t)
	online := newTestServe(t, w, nil)
	offline := newTestServe(t, nil, nil)
	cases := []struct {
		name, address, protocol string
		ts                      *testServe
	}{
		{"builtin", "someone@gmail.com", "pop3", offline},
		{"autoconfig", "jane@acme.example", "imap", online},
		{"srv", "someone@all0000.example", "pop3,smtp", online},
		{"idn", "someone@例子.测试", "imap", online},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			resp, body := c.ts.get(t, exportPath(c.address, "mobileconfig", "protocol", c.protocol))
			if resp.StatusCode != 200 {
				t.Fatalf("mobileconfig: status %d: %s", resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/x-apple-aspen-config" {
				t.Errorf("Content-Type %q", ct)
			}
			if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") || !strings.HasSuffix(cd, `.mobileconfig"`) {
				t.Errorf("Content-Disposition %q", cd)
			}
			var top map[string]any
			if _, err := plist.Unmarshal(body, &top); err != nil {
				t.Errorf("the profile does not parse: %v", err)
			}
			golden(t, "export-"+c.name+"-mobileconfig", string(body))

			resp, body = c.ts.get(t, exportPath(c.address, "qr", "protocol", c.protocol))
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("qr: status %d, Content-Type %q: %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline; filename=") {
				t.Errorf("Content-Disposition %q", cd)
			}
			golden(t, "export-"+c.name+"-qr", testnet.DecodeQR(t, body)+"\n")
		})
	}
}

// TestServeExportStatus: the API's refusals and the lookup's statuses.
func TestServeExportStatus(t *testing.T) {
	t.Parallel()
	w := exportWorld(t)
	srv := newTestServe(t, w, nil)
	tests := []struct {
		name   string
		path   string
		status int
		want   string
	}{
		{"unknown format", exportPath("jane@acme.example", "vcard"), 400, `unknown format \"vcard\": the formats are `},
		{"no format", "/api/v1/export?address=jane@acme.example", 400, `the parameter format is missing`},
		{"no address", "/api/v1/export?format=qr", 400, `the parameter address is missing`},
		{"invalid address", exportPath("jane", "mobileconfig"), 400, `"error":"invalid address`},
		{"not found", exportPath("someone@nothing.example", "mobileconfig", "protocol", "pop3"), 404, `"found":false`},
		{"plain HTTP", exportPath("someone@plain.example", "mobileconfig", "protocol", "imap"), 409, `force=1`},
		{"plain HTTP, forced", exportPath("someone@plain.example", "mobileconfig", "protocol", "imap", "force", "1"), 200, `<key>EmailAccountType</key>`},
		{"autoconfig", exportPath("jane@acme.example", "autoconfig", "protocol", "imap"), 200, `<clientConfig`},
		{"bare domain, autoconfig", exportPath("acme.example", "autoconfig", "protocol", "imap"), 200, `%EMAILADDRESS%`},
		{"bare domain, profile", exportPath("acme.example", "mobileconfig", "protocol", "imap"), 400, `not a bare domain`},
		// No POP3 at iCloud, but IMAP was asked for too: the profile is
		// IMAP's, though the lookup's first protocol was not found.
		{"IMAP only", exportPath("someone@icloud.com", "mobileconfig", "protocol", "pop3,imap,smtp"), 200, `<string>EmailTypeIMAP</string>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := srv.get(t, tt.path)
			if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.want) {
				t.Fatalf("status %d, want %d; body %.600s\nwant in it %s", resp.StatusCode, tt.status, body, tt.want)
			}
			if tt.status != 200 && resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q for an error", resp.Header.Get("Content-Type"))
			}
		})
	}
	req, _ := http.NewRequest("POST", srv.ts.URL+"/api/v1/export", nil)
	r, err := srv.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", r.StatusCode)
	}
}

// TestServeExportPage: the result page offers the profile and the
// autoconfig file, and shows the QR code, whose image decodes to the
// address's settings; a bare domain gets the autoconfig file alone, and an
// answer over plain HTTP no files.
func TestServeExportPage(t *testing.T) {
	t.Parallel()
	w := exportWorld(t)
	srv := newTestServe(t, w, nil)
	resp, body := srv.get(t, "/lookup?address=someone@all0000.example")
	doc := checkPage(t, resp, body, 200, "en")
	for _, id := range []string{"download-mobileconfig", "download-autoconfig", "download-qr"} {
		a := one(t, doc, "a#"+id)
		if !hasAttr(a, "download") || !strings.HasPrefix(attr(a, "href"), "/api/v1/export?") {
			t.Errorf("a#%s: href %q, download %v", id, attr(a, "href"), hasAttr(a, "download"))
		}
	}
	img := one(t, doc, "img#qr")
	if attr(img, "alt") == "" {
		t.Error("the QR code has no alt text")
	}
	src := attr(img, "src")
	resp, data := srv.get(t, src)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("img src %s: status %d, %q", src, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if got := testnet.DecodeQR(t, data); !strings.Contains(got, `"pop.all0000.example",995,3`) || !strings.Contains(got, `["someone@all0000.example",""]`) {
		t.Errorf("the page's QR code says %s", got)
	}
	resp, data = srv.get(t, attr(one(t, doc, "a#download-mobileconfig"), "href"))
	if resp.StatusCode != 200 || !bytes.Contains(data, []byte("<string>someone@all0000.example</string>")) {
		t.Errorf("the profile link: status %d\n%.400s", resp.StatusCode, data)
	}

	// A bare domain: the autoconfig file serves every address; a profile
	// and a QR code are made for one.
	resp, body = srv.get(t, "/lookup?address=acme.example")
	doc = checkPage(t, resp, body, 200, "en")
	one(t, doc, "a#download-autoconfig")
	if n := len(find(doc, "a#download-mobileconfig")) + len(find(doc, "img#qr")); n != 0 {
		t.Error("a profile or a QR code offered for a bare domain")
	}

	resp, body = srv.get(t, "/lookup?address=someone@plain.example&protocol=imap,smtp")
	doc = checkPage(t, resp, body, 200, "en")
	one(t, doc, "p.export-untrusted")
	if n := find(doc, "a.download"); len(n) != 0 {
		t.Errorf("%d download links for an answer over plain HTTP", len(n))
	}
}

// TestServeExportOpenAPI: the OpenAPI description lists every format.
func TestServeExportOpenAPI(t *testing.T) {
	t.Parallel()
	var doc struct {
		Paths map[string]struct {
			Get struct {
				Parameters []struct {
					Name   string `json:"name"`
					Schema struct {
						Enum json.RawMessage `json:"enum"`
					} `json:"schema"`
				} `json:"parameters"`
			} `json:"get"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(docs.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range doc.Paths["/api/v1/export"].Get.Parameters {
		if p.Name == "format" {
			var enum []string
			if err := json.Unmarshal(p.Schema.Enum, &enum); err != nil || !slices.Equal(enum, export.Names()) {
				t.Errorf("openapi.json lists the formats %s, the server has %v", p.Schema.Enum, export.Names())
			}
			return
		}
	}
	t.Error("openapi.json has no format parameter for /api/v1/export")
}
