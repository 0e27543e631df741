// Package testnet runs real protocol servers on loopback for popfind's tests:
// a miekg/dns server with a zone of the test's making, HTTPS servers with
// certificates from a CA the test generates, each on its own 127.x.y.z
// address so that URLs can use the standard ports, as real ones do.
package testnet

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/popfind/popfind/lookup/settings"
)

var nextIP atomic.Uint32

// IP returns a loopback address no other caller in this process got. The
// process ID spreads parallel test binaries over different addresses.
func IP() string {
	n := nextIP.Add(1)
	return fmt.Sprintf("127.%d.%d.%d", 10+os.Getpid()%200, (n/250)%256, 1+n%250)
}

// Listen listens on ip:port. A standard port below 1024 needs root; without
// it, Listen takes a free port instead and notes the mapping, which Dial
// follows, so that the same tests run for every user.
func Listen(t testing.TB, ip string, port int) net.Listener {
	t.Helper()
	want := net.JoinHostPort(ip, fmt.Sprint(port))
	l, err := net.Listen("tcp", want)
	if err != nil && port > 0 && port < 1024 {
		l, err = net.Listen("tcp", net.JoinHostPort(ip, "0"))
		if err == nil {
			portMap.Store(want, l.Addr().String())
			t.Cleanup(func() { portMap.Delete(want) })
		}
	}
	if err != nil {
		t.Fatalf("listen on %s: %v", want, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// portMap maps a standard address (ip:443) to where its server really
// listens, for processes that may not bind ports below 1024.
var portMap sync.Map

// Dial connects to address, or to the port a test server listens on in its
// stead (see Listen). Pass it as lookup.Config.Dial or Resolver.Dial.
func Dial(ctx context.Context, network, address string) (net.Conn, error) {
	if real, ok := portMap.Load(address); ok {
		address = real.(string)
	}
	return dial(ctx, network, address)
}

func dial(ctx context.Context, network, address string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

// PortMapEnv is the environment variable that carries the port mapping to
// a child process, as "ip:443=ip:40123,...".
const PortMapEnv = "POPFIND_TEST_PORTS"

// PortMap returns the current mapping in PortMapEnv's form.
func PortMap() string {
	var pairs []string
	portMap.Range(func(k, v any) bool {
		pairs = append(pairs, k.(string)+"="+v.(string))
		return true
	})
	return strings.Join(pairs, ",")
}

// DialWith returns a Dial that follows the mapping s, from PortMapEnv; nil
// when s is empty.
func DialWith(s string) func(ctx context.Context, network, address string) (net.Conn, error) {
	if s == "" {
		return nil
	}
	m := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(pair, "="); ok {
			m[k] = v
		}
	}
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		if real, ok := m[address]; ok {
			address = real
		}
		return dial(ctx, network, address)
	}
}

// Hosts lists an answer's servers as host:port/socket, in order, for
// comparing in tests.
func Hosts(a *settings.Answer) string {
	var out []string
	for _, s := range a.Servers {
		out = append(out, fmt.Sprintf("%s:%d/%s", s.Host, s.Port, s.SocketType))
	}
	return strings.Join(out, " ")
}

// CA is a certificate authority made for one test run.
type CA struct {
	Cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	PEM     []byte
	serial  atomic.Int64
	mu      sync.Mutex
	keyPool *ecdsa.PrivateKey
}

// NewCA generates a CA.
func NewCA(t testing.TB) *CA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "popfind test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	ca := &CA{Cert: cert, key: key, PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	ca.serial.Store(1)
	return ca
}

// Pool returns a pool that trusts only the CA.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// WriteFile writes the CA certificate into dir and returns its path, for
// SSL_CERT_FILE.
func (ca *CA) WriteFile(t testing.TB, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(p, ca.PEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Leaf issues a certificate for names, valid until notAfter.
func (ca *CA) Leaf(t testing.TB, notAfter time.Time, names ...string) tls.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: names[0]}, NotAfter: notAfter}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	return ca.Issue(t, tmpl)
}

// Issue signs a server certificate made from tmpl, whose subject, names
// and expiry the caller sets; the rest is filled in.
func (ca *CA) Issue(t testing.TB, tmpl *x509.Certificate) tls.Certificate {
	t.Helper()
	ca.mu.Lock()
	if ca.keyPool == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			ca.mu.Unlock()
			t.Fatal(err)
		}
		ca.keyPool = k
	}
	key := ca.keyPool
	ca.mu.Unlock()
	tmpl.SerialNumber = big.NewInt(ca.serial.Add(1))
	tmpl.NotBefore = time.Now().Add(-48 * time.Hour)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// ServeHTTPS serves h over TLS on ip:443 with a certificate for names.
func (ca *CA) ServeHTTPS(t testing.TB, ip string, h http.Handler, names ...string) {
	t.Helper()
	cert := ca.Leaf(t, time.Now().Add(24*time.Hour), names...)
	l := tls.NewListener(Listen(t, ip, 443), &tls.Config{Certificates: []tls.Certificate{cert}})
	serve(t, l, h)
}

// ServeHTTP serves h in plain HTTP on ip:80.
func ServeHTTP(t testing.TB, ip string, h http.Handler) {
	t.Helper()
	serve(t, Listen(t, ip, 80), h)
}

func serve(t testing.TB, l net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(l)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
}

// serveSessions accepts connections on l until the test ends and runs
// session on each in a goroutine of its own, counted in wg. When the test
// ends, the listener and every connection are closed and waited for.
func serveSessions(t testing.TB, l net.Listener, wg *sync.WaitGroup, session func(net.Conn)) {
	done := make(chan struct{})
	t.Cleanup(func() {
		close(done)
		l.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				stop := make(chan struct{})
				defer close(stop)
				go func() {
					select {
					case <-done:
						c.Close()
					case <-stop:
					}
				}()
				session(c)
			}()
		}
	}()
}

// ServeRaw accepts connections on l until the test ends and runs handle
// on each: a server that says whatever a test needs. Every connection is
// closed, and its handler waited for, when the test ends.
func ServeRaw(t testing.TB, l net.Listener, handle func(net.Conn)) {
	t.Helper()
	var wg sync.WaitGroup
	serveSessions(t, l, &wg, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(30 * time.Second))
		handle(c)
	})
}

// Reset closes c with a TCP RST instead of a FIN, as a server that drops
// a client does: the client's next read or write fails with "connection
// reset" or "broken pipe". For a TLS connection, the connection under it
// is reset.
func Reset(c net.Conn) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if tcp, ok := c.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	c.Close()
}

// WritePEM writes cert and its key into dir as NAME.pem and NAME.key and
// returns their paths.
func WritePEM(t testing.TB, dir, name string, cert tls.Certificate) (certFile, keyFile string) {
	t.Helper()
	var certPEM []byte
	for _, der := range cert.Certificate {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	key, err := x509.MarshalECPrivateKey(cert.PrivateKey.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certFile, certPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: key}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// FreePort returns a TCP port on ip that was free a moment ago.
func FreePort(t testing.TB, ip string) int {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Addr parses an email address that the test knows to be valid.
func Addr(t testing.TB, s string) settings.Address {
	t.Helper()
	a, err := settings.ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Drip writes b and flushes it, and again every second, until the client
// hangs up: a body that never ends. Headers and a first part may be written
// before.
func Drip(rw http.ResponseWriter, r *http.Request, b []byte) {
	for {
		if _, err := rw.Write(b); err != nil {
			return
		}
		rw.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(time.Second):
		}
	}
}
