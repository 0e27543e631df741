package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup"
)

// checkQRFormat checks payload against Thunderbird's qr-code-format.md,
// version 1, for one account with no password, and returns the incoming
// and outgoing server arrays and the identity.
func checkQRFormat(t testing.TB, payload string) (in, out, identity []any) {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(payload))
	d.UseNumber()
	var root []any
	if err := d.Decode(&root); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, payload)
	}
	num := func(v any) int {
		n, ok := v.(json.Number)
		if !ok {
			t.Fatalf("%#v is not a number in %s", v, payload)
		}
		i, err := n.Int64()
		if err != nil {
			t.Fatalf("%v is not an integer", n)
		}
		return int(i)
	}
	arr := func(v any) []any {
		a, ok := v.([]any)
		if !ok {
			t.Fatalf("%#v is not an array in %s", v, payload)
		}
		return a
	}
	str := func(v any) string {
		s, ok := v.(string)
		if !ok {
			t.Fatalf("%#v is not a string in %s", v, payload)
		}
		return s
	}
	if len(root) != 4 {
		t.Fatalf("root has %d elements, want FormatVersion, MiscellaneousData, IncomingServer, OutgoingServerGroups", len(root))
	}
	if v := num(root[0]); v != 1 {
		t.Errorf("FormatVersion %d", v)
	}
	misc := arr(root[1])
	if len(misc) != 2 || num(misc[0]) != 1 || num(misc[1]) != 1 {
		t.Errorf("MiscellaneousData %v, want [1, 1]", misc)
	}
	server := func(s []any, protocols ...int) {
		if len(s) != 6 {
			t.Errorf("server %v has %d elements: protocol, host, port, security, auth, username and no password", s, len(s))
			return
		}
		p := num(s[0])
		if !slices.Contains(protocols, p) {
			t.Errorf("protocol %d", p)
		}
		host := str(s[1])
		if host == "" || strings.ContainsFunc(host, func(r rune) bool { return r > 0x7e }) {
			t.Errorf("hostname %q is not ASCII", host)
		}
		if port := num(s[2]); port < 1 || port > 65535 {
			t.Errorf("port %d", port)
		}
		if sec := num(s[3]); !slices.Contains([]int{0, 2, 3}, sec) {
			t.Errorf("ConnectionSecurity %d", sec)
		}
		if auth := num(s[4]); auth < 0 || auth > 6 {
			t.Errorf("AuthenticationType %d", auth)
		}
		str(s[5])
	}
	in = arr(root[2])
	server(in, 0, 1)
	groups := arr(root[3])
	if len(groups) != 1 {
		t.Fatalf("%d outgoing server groups", len(groups))
	}
	group := arr(groups[0])
	if len(group) != 2 {
		t.Fatalf("outgoing server group %v: want the server and one identity", group)
	}
	out = arr(group[0])
	server(out, 0)
	identity = arr(group[1])
	if len(identity) != 2 {
		t.Fatalf("identity %v", identity)
	}
	if email := str(identity[0]); !strings.Contains(email, "@") || strings.ContainsFunc(email, func(r rune) bool { return r > 0x7e }) {
		t.Errorf("EmailAddress %q", email)
	}
	str(identity[1])
	return in, out, identity
}

func TestQRDecodes(t *testing.T) {
	t.Parallel()
	a := testAccount(t, "jane@bücher.example", "Bücher",
		srv(lookup.POP3, "pop.xn--bcher-kva.example", 995, lookup.SSL, "jane@xn--bcher-kva.example"),
		srv(lookup.SMTP, "smtp.xn--bcher-kva.example", 587, lookup.STARTTLS, "jane@xn--bcher-kva.example"))
	data, notes, err := qrFormat.Encode(a, Options{File: "code.PNG"})
	if err != nil || len(notes) != 0 {
		t.Fatalf("err %v, notes %v", err, notes)
	}
	text := testnet.DecodeQR(t, data)
	want := `[1,[1,1],[1,"pop.xn--bcher-kva.example",995,3,1,"jane@xn--bcher-kva.example"],[[[0,"smtp.xn--bcher-kva.example",587,2,1,"jane@xn--bcher-kva.example"],["jane@xn--bcher-kva.example",""]]]]`
	if text != want {
		t.Errorf("the code says\n%s\nwant\n%s", text, want)
	}
	checkQRFormat(t, text)
}

func TestQRTerminal(t *testing.T) {
	t.Parallel()
	a := testAccount(t, "jane@example.org", "",
		srv(lookup.IMAP, "imap.example.org", 993, lookup.SSL, "jane"),
		srv(lookup.SMTP, "smtp.example.org", 465, lookup.SSL, "jane"))
	for _, o := range []Options{{Terminal: true}, {File: "code.txt"}} {
		data, _, err := qrFormat.Encode(a, o)
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		if !strings.ContainsAny(s, "█▀▄") || strings.Count(s, "\n") < 10 || bytes.HasPrefix(data, []byte("\x89PNG")) {
			t.Errorf("%+v: not text blocks:\n%s", o, s)
		}
	}
	data, _, err := qrFormat.Encode(a, Options{})
	if err != nil || !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Errorf("to a pipe: err %v, want a PNG", err)
	}
}

func TestQRAuth(t *testing.T) {
	t.Parallel()
	in := srv(lookup.IMAP, "imap.example.org", 993, lookup.SSL, "jane")
	in.Auth = []string{"OAuth2", "password-cleartext"}
	out := srv(lookup.SMTP, "smtp.example.org", 25, lookup.Plain, "")
	out.Auth = []string{"client-IP-address"}
	a := testAccount(t, "jane@example.org", "", in, out)
	p, err := QRPayload(a)
	if err != nil {
		t.Fatal(err)
	}
	gotIn, gotOut, _ := checkQRFormat(t, string(p))
	if gotIn[0].(json.Number) != "0" || gotIn[4].(json.Number) != "6" {
		t.Errorf("incoming %v: want IMAP with OAuth2", gotIn)
	}
	if gotOut[3].(json.Number) != "0" || gotOut[4].(json.Number) != "0" {
		t.Errorf("outgoing %v: want plain, no authentication", gotOut)
	}
}

func TestQRNonASCIILocalPart(t *testing.T) {
	t.Parallel()
	a := testAccount(t, "jäne@example.org", "",
		srv(lookup.IMAP, "imap.example.org", 993, lookup.SSL, "jäne"),
		srv(lookup.SMTP, "smtp.example.org", 465, lookup.SSL, "jäne"))
	if _, err := QRPayload(a); !errors.Is(err, ErrNonASCIIAddress) {
		t.Errorf("error %v, want ErrNonASCIIAddress", err)
	}
}
