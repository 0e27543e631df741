package export

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
	"howett.net/plist"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

// testAccount is an account of address at a provider called name, with
// the servers given (the first of each protocol chosen).
func testAccount(t testing.TB, address, name string, servers ...lookup.Server) *Account {
	t.Helper()
	addr, err := lookup.ParseAddress(address)
	if err != nil {
		t.Fatal(err)
	}
	a := &Account{Address: addr, Servers: map[lookup.Protocol][]lookup.Server{}, Sources: map[lookup.Protocol]Source{}}
	if name != "" {
		a.Provider = &lookup.Provider{ID: "test", Name: name}
	}
	for _, s := range servers {
		a.Servers[s.Protocol] = append(a.Servers[s.Protocol], s)
	}
	for _, p := range []lookup.Protocol{lookup.POP3, lookup.IMAP, lookup.SMTP} {
		if len(a.Servers[p]) == 0 {
			continue
		}
		a.Protocols = append(a.Protocols, p)
		s := a.Servers[p][0]
		if p == lookup.SMTP {
			a.Outgoing = &s
		} else if a.Incoming == nil {
			a.Incoming = &s
		}
	}
	return a
}

func srv(p lookup.Protocol, host string, port int, st lookup.SocketType, user string) lookup.Server {
	return lookup.Server{Protocol: p, Host: host, Port: port, SocketType: st, Username: user, Auth: []string{"password-cleartext"}}
}

// decodeProfile parses a profile back into a generic map.
func decodeProfile(t testing.TB, data []byte) (map[string]any, map[string]any) {
	t.Helper()
	var top map[string]any
	if _, err := plist.Unmarshal(data, &top); err != nil {
		t.Fatalf("the profile does not parse: %v\n%s", err, data)
	}
	content, ok := top["PayloadContent"].([]any)
	if !ok || len(content) != 1 {
		t.Fatalf("PayloadContent %#v", top["PayloadContent"])
	}
	mail, ok := content[0].(map[string]any)
	if !ok {
		t.Fatalf("payload %#v", content[0])
	}
	return top, mail
}

var uuidRE = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`)

// TestMobileconfigRequiredKeys checks every key Apple's Configuration
// Profile Reference marks as required for the profile and the Mail
// payload, and the ones popfind fills from the answer, by parsing the
// profile back.
func TestMobileconfigRequiredKeys(t *testing.T) {
	t.Parallel()
	a := testAccount(t, "jane@example.org", "Example Mail",
		srv(lookup.IMAP, "imap.example.org", 993, lookup.SSL, "jane@example.org"),
		srv(lookup.SMTP, "smtp.example.org", 465, lookup.SSL, "jane@example.org"))
	data, notes, err := Mobileconfig(a, i18n.English)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes %v for an SSL answer", notes)
	}
	top, mail := decodeProfile(t, data)
	wantTop := map[string]any{
		"PayloadDisplayName": "Example Mail – jane@example.org",
		"PayloadType":        "Configuration",
		"PayloadVersion":     uint64(1),
	}
	for k, v := range wantTop {
		if top[k] != v {
			t.Errorf("profile %s = %#v, want %#v", k, top[k], v)
		}
	}
	for _, k := range []string{"PayloadIdentifier", "PayloadUUID"} {
		if s, _ := top[k].(string); s == "" {
			t.Errorf("profile %s missing", k)
		}
	}
	if !uuidRE.MatchString(top["PayloadUUID"].(string)) || !uuidRE.MatchString(mail["PayloadUUID"].(string)) {
		t.Errorf("UUIDs %v, %v are not version 5", top["PayloadUUID"], mail["PayloadUUID"])
	}
	if top["PayloadUUID"] == mail["PayloadUUID"] || top["PayloadIdentifier"] == mail["PayloadIdentifier"] {
		t.Error("the profile and the payload share an identifier")
	}
	wantMail := map[string]any{
		"PayloadType":                      "com.apple.mail.managed",
		"PayloadVersion":                   uint64(1),
		"EmailAccountType":                 "EmailTypeIMAP",
		"EmailAccountDescription":          "Example Mail",
		"EmailAddress":                     "jane@example.org",
		"IncomingMailServerHostName":       "imap.example.org",
		"IncomingMailServerPortNumber":     uint64(993),
		"IncomingMailServerUseSSL":         true,
		"IncomingMailServerUsername":       "jane@example.org",
		"IncomingMailServerAuthentication": "EmailAuthPassword",
		"OutgoingMailServerHostName":       "smtp.example.org",
		"OutgoingMailServerPortNumber":     uint64(465),
		"OutgoingMailServerUseSSL":         true,
		"OutgoingMailServerUsername":       "jane@example.org",
		"OutgoingMailServerAuthentication": "EmailAuthPassword",
	}
	for k, v := range wantMail {
		if mail[k] != v {
			t.Errorf("mail payload %s = %#v, want %#v", k, mail[k], v)
		}
	}
	for _, k := range []string{"PayloadIdentifier", "PayloadUUID"} {
		if s, _ := mail[k].(string); s == "" {
			t.Errorf("mail payload %s missing", k)
		}
	}
	for k := range mail {
		if strings.Contains(strings.ToLower(k), "password") && k != "OutgoingPasswordSameAsIncomingPassword" {
			t.Errorf("the profile holds %s", k)
		}
	}
}

func TestMobileconfigPOPAndDeterministic(t *testing.T) {
	t.Parallel()
	mk := func(address string) []byte {
		a := testAccount(t, address, "",
			srv(lookup.POP3, "pop.example.org", 995, lookup.SSL, "jane"),
			srv(lookup.SMTP, "smtp.example.org", 465, lookup.SSL, "jane"))
		data, _, err := Mobileconfig(a, i18n.English)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	one, again, other := mk("jane@example.org"), mk("Jane@EXAMPLE.org"), mk("john@example.org")
	_, mail := decodeProfile(t, one)
	if mail["EmailAccountType"] != "EmailTypePOP" || mail["EmailAccountDescription"] != "example.org" {
		t.Errorf("type %v, description %v", mail["EmailAccountType"], mail["EmailAccountDescription"])
	}
	top1, _ := decodeProfile(t, one)
	top2, _ := decodeProfile(t, again)
	top3, _ := decodeProfile(t, other)
	if top1["PayloadUUID"] != top2["PayloadUUID"] || top1["PayloadIdentifier"] != top2["PayloadIdentifier"] {
		t.Error("the same address gave two identities")
	}
	if top1["PayloadUUID"] == top3["PayloadUUID"] || top1["PayloadIdentifier"] == top3["PayloadIdentifier"] {
		t.Error("two addresses share an identity")
	}
	if !bytes.Equal(one, mk("jane@example.org")) {
		t.Error("the profile changes from run to run")
	}
}

func TestMobileconfigSTARTTLS(t *testing.T) {
	t.Parallel()
	// The chosen IMAP server is STARTTLS and has an SSL alternative; SMTP
	// has none.
	a := testAccount(t, "jane@example.org", "Example",
		srv(lookup.IMAP, "imap.example.org", 143, lookup.STARTTLS, "jane"),
		srv(lookup.IMAP, "imaps.example.org", 993, lookup.SSL, "jane"),
		srv(lookup.SMTP, "smtp.example.org", 587, lookup.STARTTLS, "jane"))
	data, notes, err := Mobileconfig(a, i18n.English)
	if err != nil {
		t.Fatal(err)
	}
	_, mail := decodeProfile(t, data)
	if mail["IncomingMailServerHostName"] != "imaps.example.org" || mail["IncomingMailServerPortNumber"] != uint64(993) || mail["IncomingMailServerUseSSL"] != true {
		t.Errorf("incoming %v:%v ssl %v, want the SSL alternative", mail["IncomingMailServerHostName"], mail["IncomingMailServerPortNumber"], mail["IncomingMailServerUseSSL"])
	}
	if mail["OutgoingMailServerHostName"] != "smtp.example.org" || mail["OutgoingMailServerPortNumber"] != uint64(587) || mail["OutgoingMailServerUseSSL"] != false {
		t.Errorf("outgoing %v:%v ssl %v", mail["OutgoingMailServerHostName"], mail["OutgoingMailServerPortNumber"], mail["OutgoingMailServerUseSSL"])
	}
	want := []i18n.Msg{
		i18n.M(i18n.ExportProfileSSLInstead, "IMAP", "imaps.example.org:993", "imap.example.org:143"),
		i18n.M(i18n.ExportProfileStartTLS, "SMTP", "smtp.example.org:587"),
	}
	if len(notes) != len(want) {
		t.Fatalf("notes %v, want %v", notes, want)
	}
	for i := range want {
		if notes[i].Key != want[i].Key || strings.Join(notes[i].Args, "|") != strings.Join(want[i].Args, "|") {
			t.Errorf("note %d = %v, want %v", i, notes[i], want[i])
		}
	}
	if s := i18n.English.Format(notes[1]); !strings.Contains(s, "STARTTLS") || !strings.Contains(s, "smtp.example.org:587") {
		t.Errorf("the note says %q", s)
	}
}

// TestMobileconfigEscaping: names with markup characters, quotes and
// non-ASCII text survive the plist, and an IDN domain is an A-label where
// ASCII is needed.
func TestMobileconfigEscaping(t *testing.T) {
	t.Parallel()
	name := `<Tom & "Jerry's"> Post ]]> 邮件`
	a := testAccount(t, "jane@bücher.example", name,
		srv(lookup.IMAP, "imap.xn--bcher-kva.example", 993, lookup.SSL, "jane&<x>"),
		srv(lookup.SMTP, "smtp.xn--bcher-kva.example", 465, lookup.SSL, "jane&<x>"))
	data, _, err := Mobileconfig(a, i18n.English)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("<Tom")) || bytes.Contains(data, []byte("jane&<")) {
		t.Errorf("raw markup in the profile:\n%s", data)
	}
	top, mail := decodeProfile(t, data)
	if mail["EmailAccountDescription"] != name || !strings.HasPrefix(top["PayloadDisplayName"].(string), name) {
		t.Errorf("description %q, display name %q", mail["EmailAccountDescription"], top["PayloadDisplayName"])
	}
	if mail["IncomingMailServerUsername"] != "jane&<x>" {
		t.Errorf("username %q", mail["IncomingMailServerUsername"])
	}
	if mail["EmailAddress"] != "jane@xn--bcher-kva.example" {
		t.Errorf("EmailAddress %q, want the A-label", mail["EmailAddress"])
	}
	if id := top["PayloadIdentifier"].(string); strings.ContainsFunc(id, func(r rune) bool { return r > 0x7e }) {
		t.Errorf("PayloadIdentifier %q is not ASCII", id)
	}
}

func TestMobileconfigNeedsSMTP(t *testing.T) {
	t.Parallel()
	a := testAccount(t, "jane@example.org", "", srv(lookup.POP3, "pop.example.org", 995, lookup.SSL, "jane"))
	if _, _, err := Mobileconfig(a, i18n.English); err != ErrNoOutgoing {
		t.Errorf("error %v, want ErrNoOutgoing", err)
	}
}

// TestMobileconfigSigned signs with a throwaway CA's leaf and checks the
// CMS SignedData: it verifies against the CA and holds the profile.
func TestMobileconfigSigned(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "desk.example"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	chain := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})...)
	os.WriteFile(certFile, chain, 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)

	a := testAccount(t, "jane@example.org", "Example",
		srv(lookup.IMAP, "imap.example.org", 993, lookup.SSL, "jane"),
		srv(lookup.SMTP, "smtp.example.org", 465, lookup.SSL, "jane"))
	unsigned, _, err := mobileconfigFormat.Encode(a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(unsigned, []byte("<?xml")) {
		t.Fatalf("unsigned by default, got %q…", unsigned[:min(20, len(unsigned))])
	}
	signed, _, err := mobileconfigFormat.Encode(a, Options{Sign: &Signer{CertFile: certFile, KeyFile: keyFile}})
	if err != nil {
		t.Fatal(err)
	}
	p7, err := pkcs7.Parse(signed)
	if err != nil {
		t.Fatalf("not CMS: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	if err := p7.VerifyWithChain(pool); err != nil {
		t.Errorf("the signature does not verify: %v", err)
	}
	if !bytes.Equal(p7.Content, unsigned) {
		t.Error("the signed content is not the profile")
	}
	if len(p7.Certificates) != 2 {
		t.Errorf("%d certificates in the SignedData, want the leaf and the CA", len(p7.Certificates))
	}

	if _, _, err := mobileconfigFormat.Encode(a, Options{Sign: &Signer{CertFile: certFile, KeyFile: certFile}}); err == nil {
		t.Error("signing with a certificate as the key worked")
	}
}

// TestOneAddressFormats: the profile and the QR code are made for one
// address; a bare domain's account gets ErrDomainOnly.
func TestOneAddressFormats(t *testing.T) {
	t.Parallel()
	a := testAccount(t, "jane@example.org", "",
		srv(lookup.IMAP, "imap.example.org", 993, lookup.SSL, "%EMAILADDRESS%"),
		srv(lookup.SMTP, "smtp.example.org", 465, lookup.SSL, "%EMAILADDRESS%"))
	d, err := settings.DomainAddress("example.org")
	if err != nil {
		t.Fatal(err)
	}
	a.Address = lookup.Address(d)
	if _, _, err := Mobileconfig(a, i18n.English); !errors.Is(err, ErrDomainOnly) {
		t.Errorf("mobileconfig: error %v, want ErrDomainOnly", err)
	}
	if _, err := QRPayload(a); !errors.Is(err, ErrDomainOnly) {
		t.Errorf("qr: error %v, want ErrDomainOnly", err)
	}
}
