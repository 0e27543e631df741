package testnet

import (
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// DNS is an in-process DNS server on 127.0.0.1 (UDP and TCP, one port) that
// answers from a zone the test fills.
type DNS struct {
	Addr string
	// Delay is added to every answer.
	Delay time.Duration

	mu       sync.Mutex
	records  map[string][]dns.RR // by lowercase FQDN
	names    map[string]bool     // every owner and every name above one
	servfail map[string]bool
	hang     map[string]bool
	hangType map[typed]bool
	hold     map[string]chan struct{}
	failN    map[string]int
	truncate map[string]bool
	drop     map[string]int
	tamper   map[string]func(*dns.Msg)
	garbage  map[string]bool
	ad       bool
	queries  atomic.Int64
	byName   map[string]int
	tcp      map[string]int
	ports    map[string]int // queries by client address (UDP)
	pc       net.PacketConn
	stop     chan struct{} // closed when the test ends
}

// typed is a name and a record type.
type typed struct {
	name  string
	qtype uint16
}

// NewDNS starts a server and stops it when the test ends.
func NewDNS(t testing.TB) *DNS {
	t.Helper()
	d := &DNS{records: map[string][]dns.RR{}, names: map[string]bool{}, servfail: map[string]bool{}, hang: map[string]bool{},
		truncate: map[string]bool{}, drop: map[string]int{}, tamper: map[string]func(*dns.Msg){},
		garbage: map[string]bool{}, byName: map[string]int{}, tcp: map[string]int{}, ports: map[string]int{},
		hangType: map[typed]bool{}, hold: map[string]chan struct{}{}, failN: map[string]int{}, stop: make(chan struct{})}
	mux := dns.NewServeMux()
	mux.HandleFunc(".", d.serve)
	// UDP and TCP on one port: take a free UDP port, then the same TCP port,
	// and try again in the rare case that the TCP one is taken.
	var pc net.PacketConn
	var tl net.Listener
	for attempt := 0; ; attempt++ {
		var err error
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		tl, err = net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			break
		}
		pc.Close()
		if attempt == 20 {
			t.Fatalf("no port free for both UDP and TCP: %v", err)
		}
	}
	// Bursts of queries from batch benchmarks must not overflow the socket.
	pc.(*net.UDPConn).SetReadBuffer(8 << 20)
	d.Addr = pc.LocalAddr().String()
	d.pc = pc
	udp := &dns.Server{PacketConn: pc, Net: "udp", Handler: mux}
	tcp := &dns.Server{Listener: tl, Net: "tcp", Handler: mux}
	for _, srv := range []*dns.Server{udp, tcp} {
		started := make(chan struct{})
		failed := make(chan error, 1)
		srv.NotifyStartedFunc = func() { close(started) }
		go func() { failed <- srv.ActivateAndServe() }()
		select {
		case <-started:
		case err := <-failed:
			t.Fatalf("start DNS server: %v", err)
		}
	}
	t.Cleanup(func() {
		close(d.stop) // answers still held are never sent
		udp.Shutdown()
		tcp.Shutdown()
	})
	return d
}

// Add adds records in zone-file syntax, e.g.
// "_pop3s._tcp.example.org. 60 IN SRV 0 1 995 pop.example.org.".
func (d *DNS) Add(t testing.TB, lines ...string) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, l := range lines {
		rr, err := dns.NewRR(l)
		if err != nil {
			t.Fatalf("bad record %q: %v", l, err)
		}
		name := strings.ToLower(rr.Header().Name)
		d.records[name] = append(d.records[name], rr)
		for n := name; n != "." && n != ""; {
			d.names[n] = true
			_, rest, _ := strings.Cut(n, ".")
			n = rest
		}
	}
}

// Host adds A records for names.
func (d *DNS) Host(t testing.TB, ip string, names ...string) {
	t.Helper()
	for _, n := range names {
		d.Add(t, dns.Fqdn(n)+" 60 IN A "+ip)
	}
}

// ServFail makes every query for name fail with SERVFAIL.
func (d *DNS) ServFail(name string) { d.set(d.servfail, name) }

// Hang makes the server never answer queries for name.
func (d *DNS) Hang(name string) { d.set(d.hang, name) }

// HangType makes the server never answer queries for name's records of
// type qtype, as some middleboxes do with AAAA queries; other types are
// answered.
func (d *DNS) HangType(name string, qtype uint16) {
	d.mu.Lock()
	d.hangType[typed{dns.Fqdn(strings.ToLower(name)), qtype}] = true
	d.mu.Unlock()
}

// Hold makes the server hold its answers to queries for name until release
// is called: it then sends the answers it held, and answers later queries
// at once. Answers still held when the test ends are never sent.
func (d *DNS) Hold(name string) (release func()) {
	name = dns.Fqdn(strings.ToLower(name))
	ch := make(chan struct{})
	d.mu.Lock()
	d.hold[name] = ch
	d.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			d.mu.Lock()
			if d.hold[name] == ch {
				delete(d.hold, name)
			}
			d.mu.Unlock()
			close(ch)
		})
	}
}

// ServFailN makes the first n queries for name fail with SERVFAIL; the
// ones after are answered.
func (d *DNS) ServFailN(name string, n int) {
	d.mu.Lock()
	d.failN[dns.Fqdn(strings.ToLower(name))] = n
	d.mu.Unlock()
}

// Spoof sends m over UDP to the client address to, from the server's own
// address and port: what an off-path forger who guessed the client's port
// would send, and what the client cannot tell from a reply.
func (d *DNS) Spoof(to net.Addr, m *dns.Msg) error {
	b, err := m.Pack()
	if err != nil {
		return err
	}
	_, err = d.pc.WriteTo(b, to)
	return err
}

// Truncate makes UDP answers for name truncated, so clients retry over TCP.
func (d *DNS) Truncate(name string) { d.set(d.truncate, name) }

// DropFirst makes the server ignore the first query for name, as if the
// datagram were lost.
func (d *DNS) DropFirst(name string) { d.DropN(name, 1) }

// DropN makes the server ignore the first n queries for name.
func (d *DNS) DropN(name string, n int) {
	d.mu.Lock()
	d.drop[dns.Fqdn(strings.ToLower(name))] = n
	d.mu.Unlock()
}

// Tamper makes the server pass every reply for name through f before
// sending it, as a broken or hostile server would.
func (d *DNS) Tamper(name string, f func(*dns.Msg)) {
	d.mu.Lock()
	d.tamper[dns.Fqdn(strings.ToLower(name))] = f
	d.mu.Unlock()
}

// GarbageFirst makes the server send, over UDP, a datagram that is not a
// DNS message and then a reply to another question, before the real reply
// to each query for name.
func (d *DNS) GarbageFirst(name string) { d.set(d.garbage, name) }

// SetDelay sets Delay while the server runs.
func (d *DNS) SetDelay(delay time.Duration) {
	d.mu.Lock()
	d.Delay = delay
	d.mu.Unlock()
}

// SetAD makes the server set the AD bit, as a validating resolver does.
func (d *DNS) SetAD(on bool) {
	d.mu.Lock()
	d.ad = on
	d.mu.Unlock()
}

func (d *DNS) set(m map[string]bool, name string) {
	d.mu.Lock()
	m[dns.Fqdn(strings.ToLower(name))] = true
	d.mu.Unlock()
}

// Queries returns the number of queries received.
func (d *DNS) Queries() int64 { return d.queries.Load() }

// ClientPorts returns how many UDP queries came from each client address.
func (d *DNS) ClientPorts() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]int, len(d.ports))
	for k, v := range d.ports {
		out[k] = v
	}
	return out
}

// TCPQueriesFor returns the number of queries received over TCP for name.
func (d *DNS) TCPQueriesFor(name string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.tcp[dns.Fqdn(strings.ToLower(name))]
}

// QueriesFor returns the number of queries received for name, any type.
func (d *DNS) QueriesFor(name string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.byName[dns.Fqdn(strings.ToLower(name))]
}

func (d *DNS) serve(w dns.ResponseWriter, req *dns.Msg) {
	d.queries.Add(1)
	if len(req.Question) != 1 {
		m := new(dns.Msg)
		m.SetRcode(req, dns.RcodeFormatError)
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	d.mu.Lock()
	d.byName[name]++
	if w.LocalAddr().Network() == "tcp" {
		d.tcp[name]++
	} else {
		d.ports[w.RemoteAddr().String()]++
	}
	hang, servfail, trunc, ad := d.hang[name] || d.hangType[typed{name, q.Qtype}], d.servfail[name], d.truncate[name], d.ad
	tamper, garbage, held := d.tamper[name], d.garbage[name], d.hold[name]
	if d.drop[name] > 0 {
		d.drop[name]--
		hang = true
	}
	if d.failN[name] > 0 {
		d.failN[name]--
		servfail = true
	}
	var answer []dns.RR
	exists := d.names[name]
	for _, rr := range d.records[name] {
		if rr.Header().Rrtype == q.Qtype || rr.Header().Rrtype == dns.TypeCNAME {
			answer = append(answer, dns.Copy(rr))
		}
	}
	delay := d.Delay
	d.mu.Unlock()
	if hang {
		return
	}
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = true
	m.AuthenticatedData = ad
	switch {
	case servfail:
		m.Rcode = dns.RcodeServerFailure
	case !exists:
		m.Rcode = dns.RcodeNameError
		m.Ns = []dns.RR{soa()}
	case len(answer) == 0:
		m.Ns = []dns.RR{soa()}
	default:
		m.Answer = answer
	}
	udp := w.LocalAddr().Network() == "udp"
	if udp {
		if trunc {
			m.Answer = nil
			m.Truncated = true
		}
		// Like a real server, cut an answer that does not fit the client's
		// UDP buffer and set TC, so that the client asks again over TCP.
		size := dns.MinMsgSize
		if o := req.IsEdns0(); o != nil {
			size = int(o.UDPSize())
		}
		m.Truncate(size)
	}
	if tamper != nil {
		tamper(m)
	}
	if held != nil {
		select {
		case <-held:
		case <-d.stop:
			return
		}
	}
	send := func() {
		if udp && garbage {
			w.Write([]byte{0xde, 0xad, 0xbe, 0xef})
			other := m.Copy()
			other.Question[0].Name = "other." + other.Question[0].Name
			other.Answer = nil
			w.WriteMsg(other)
		}
		w.WriteMsg(m)
	}
	switch {
	case delay > 0 && udp:
		// A timer, not a sleeping goroutine, holds a late UDP answer, so
		// that a wide batch's thousands of late answers cost the
		// process that measures it (this one) almost nothing.
		time.AfterFunc(delay, send)
	case delay > 0:
		time.Sleep(delay)
		send()
	default:
		send()
	}
}

// soa is the record that negative answers carry, for their TTL.
func soa() dns.RR {
	return &dns.SOA{
		Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 60},
		Ns:  "ns.test.", Mbox: "hostmaster.test.", Serial: 1, Refresh: 60, Retry: 60, Expire: 60, Minttl: 30,
	}
}
