//go:build unix

package probe_test

import (
	"context"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/popfind/popfind/internal/testnet"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// TestResetBeforeDialReturns: a server that greets and resets at once can
// do so before the client's dial has returned. Go's dialer then reads the
// reset from the socket (SO_ERROR) and fails the dial with "connect:
// connection reset by peer", though the connection was made. That is the
// same server as one that closes after its greeting: "closed", never a
// network error. The dial here waits for the server's reset before it
// reads SO_ERROR, as a busy client's dial does, so that the test does not
// depend on the scheduler.
func TestResetBeforeDialReturns(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	reset := make(chan struct{}, 1)
	port := rawServer(t, l, "pop.early-reset.example", func(c net.Conn) {
		c.Write([]byte("+OK ready\r\n"))
		testnet.Reset(c)
		// Never block: a connection the check no longer waits for (a
		// slow machine's, past the dial's wait) must not hold the server,
		// whose cleanup waits for its handlers.
		select {
		case reset <- struct{}{}:
		default:
		}
	})
	dial := l.prober.Dial
	p := &probe.Prober{RootCAs: l.ca.Pool(), Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		c, err := dial(ctx, network, address)
		if err != nil {
			return nil, err
		}
		select {
		case <-reset:
		case <-time.After(5 * time.Second):
			t.Error("the server never reset the connection")
		}
		time.Sleep(20 * time.Millisecond) // for the RST to arrive
		sc, err := c.(*net.TCPConn).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		soErr := 0
		sc.Control(func(fd uintptr) { soErr, _ = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_ERROR) })
		if soErr == 0 {
			t.Fatal("no reset pending on the socket")
		}
		c.Close()
		// What net.Dialer returns when SO_ERROR holds an error.
		return nil, &net.OpError{Op: "dial", Net: network, Addr: c.RemoteAddr(), Err: os.NewSyscallError("connect", syscall.Errno(soErr))}
	}}
	for _, mode := range []settings.SocketType{settings.Plain, settings.SSL} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		r := p.Check(ctx, settings.POP3, "pop.early-reset.example", port, mode)
		cancel()
		if r.Kind != probe.KindClosed || !r.Steps[0].OK {
			t.Errorf("%s: kind %s: %s (%v); want closed, after a connection made", mode, r.Kind, problem(r), r.Err)
		}
	}
}
