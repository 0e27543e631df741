//go:build unix

package resolver

import (
	"net"
	"syscall"
)

// canPeek is true where unread can tell whether a socket has something
// waiting.
const canPeek = true

// unread reports whether a datagram, or an error such as an ICMP port
// unreachable, waits to be read on c, without reading it, and without
// waiting. It reports true when it cannot tell.
func unread(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	waiting := true
	err = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		// Go's sockets do not block: with nothing queued, this fails with
		// EAGAIN at once.
		_, _, rerr := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK)
		waiting = rerr != syscall.EAGAIN && rerr != syscall.EWOULDBLOCK
		return true
	})
	return err != nil || waiting
}
