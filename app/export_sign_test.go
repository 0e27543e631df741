package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"

	"github.com/popfind/popfind/internal/testnet"
)

// TestExportSigned: --sign-cert and --sign-key sign the profile as CMS
// SignedData that verifies against its CA; either alone is a usage error.
func TestExportSigned(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "desk.example"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "desk.pem"), filepath.Join(dir, "desk-key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)

	out := filepath.Join(dir, "gmail.mobileconfig")
	code, stdout, stderr := runCLI(t, "export", "someone@gmail.com", "--format", "mobileconfig", "--offline",
		"--sign-cert", certFile, "--sign-key", keyFile, "-o", out)
	if code != ExitOK || stdout != "" || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	p7, err := pkcs7.Parse(data)
	if err != nil {
		t.Fatalf("not CMS: %v", err)
	}
	ca, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	if err := p7.VerifyWithChain(pool); err != nil {
		t.Errorf("the signature does not verify: %v", err)
	}
	if !strings.Contains(string(p7.Content), "<string>com.apple.mail.managed</string>") {
		t.Errorf("the signed content is not the profile:\n%.300s", p7.Content)
	}
	_, unsigned, _ := runCLI(t, "export", "someone@gmail.com", "--format", "mobileconfig", "--offline")
	if string(p7.Content) != unsigned {
		t.Error("the signed profile is not the unsigned one")
	}

	for _, args := range [][]string{{"--sign-cert", certFile}, {"--sign-key", keyFile}} {
		code, stdout, stderr := runCLI(t, append([]string{"export", "someone@gmail.com", "--format", "mobileconfig", "--offline"}, args...)...)
		if code != ExitUsage || stdout != "" || !strings.Contains(stderr, "--sign-cert and --sign-key go together") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	code, stdout, stderr = runCLI(t, "export", "someone@gmail.com", "--format", "mobileconfig", "--offline",
		"--sign-cert", certFile, "--sign-key", certFile)
	if code == ExitOK || stdout != "" || !strings.Contains(stderr, "popfind: ") {
		t.Errorf("a certificate as the key: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestExportQRFile: -o FILE.png writes a PNG whose code holds the account.
func TestExportQRFile(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "gmail.png")
	code, stdout, stderr := runCLI(t, "export", "someone@gmail.com", "--format", "qr", "--protocol", "imap", "--offline", "-o", file)
	if code != ExitOK || stdout != "" || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := `[1,[1,1],[0,"imap.gmail.com",993,3,6,"someone@gmail.com"],[[[0,"smtp.gmail.com",465,3,6,"someone@gmail.com"],["someone@gmail.com",""]]]]`
	if got := testnet.DecodeQR(t, data); got != want {
		t.Errorf("the code says\n%s\nwant\n%s", got, want)
	}
}

// TestExportProfileNotes: where the answer is STARTTLS, standard error
// says what the profile does instead, and the profile stays on standard
// output alone.
func TestExportProfileNotes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ domain, want string }{
		{"web.de", "SMTP: a profile cannot require STARTTLS, so it names smtp.web.de:465 with SSL instead of smtp.web.de:587"},
		{"outlook.com", "the device connects to smtp-mail.outlook.com:587 without SSL and upgrades with STARTTLS only when the server offers it"},
	} {
		code, stdout, stderr := runCLI(t, "export", "someone@"+c.domain, "--format", "mobileconfig", "--protocol", "imap", "--offline")
		if code != ExitOK || !strings.Contains(stderr, c.want) || !strings.HasPrefix(stdout, "<?xml") {
			t.Errorf("%s: exit %d, stderr %q, stdout %.40q", c.domain, code, stderr, stdout)
		}
	}
}
