//go:build !unix

package resolver

import "net"

// canPeek is false where unread cannot tell whether a socket has something
// waiting: UDP sockets are then not reused.
const canPeek = false

// unread reports true: it cannot tell.
func unread(net.Conn) bool { return true }
