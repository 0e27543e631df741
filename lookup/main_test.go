package lookup_test

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"go.uber.org/goleak"
)

// exampleDNS is the address of a DNS server that the examples use instead
// of the Internet's: it knows srv.example's SRV records, and says NXDOMAIN
// for every other name.
var exampleDNS string

// TestMain starts the examples' DNS server, runs the tests, and fails when
// any goroutine outlives them.
func TestMain(m *testing.M) {
	stop, err := startExampleDNS()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	stop()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

func startExampleDNS() (stop func(), err error) {
	zone := map[string][]string{
		"_pop3s._tcp.srv.example.":      {"_pop3s._tcp.srv.example. 300 IN SRV 0 0 995 pop.srv.example."},
		"_pop3._tcp.srv.example.":       {"_pop3._tcp.srv.example. 300 IN SRV 0 0 110 pop.srv.example."},
		"_imaps._tcp.srv.example.":      {"_imaps._tcp.srv.example. 300 IN SRV 0 0 993 imap.srv.example."},
		"_submission._tcp.srv.example.": {"_submission._tcp.srv.example. 300 IN SRV 0 0 587 smtp.srv.example."},
	}
	mux := dns.NewServeMux()
	mux.HandleFunc(".", func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		q := req.Question[0]
		rrs, ok := zone[strings.ToLower(q.Name)]
		if !ok {
			m.Rcode = dns.RcodeNameError
		}
		for _, s := range rrs {
			if rr, err := dns.NewRR(s); err == nil && rr.Header().Rrtype == q.Qtype {
				m.Answer = append(m.Answer, rr)
			}
		}
		w.WriteMsg(m)
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	exampleDNS = pc.LocalAddr().String()
	srv := &dns.Server{PacketConn: pc, Handler: mux}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.ActivateAndServe()
	}()
	<-started
	return func() {
		srv.Shutdown()
		<-done
	}, nil
}
