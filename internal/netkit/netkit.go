// Package netkit builds what popfind's network sources share: one
// resolver, one HTTP transport that dials through it behind the redirect
// guard, one autoconfig fetcher and one prober. Package lookup and package
// check both make theirs here, so that they reach the network the same way.
package netkit

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/internal/resolver"
	"github.com/popfind/popfind/probe"
)

// Config says how to reach the network.
type Config struct {
	// DNS is the DNS server as IP:PORT; empty means /etc/resolv.conf's.
	DNS string
	// RootCAs replaces the system's trusted roots; nil means the system's.
	RootCAs *x509.CertPool
	// Dial opens TCP connections to one IP:PORT; nil means a net.Dialer.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// Kit is the shared network machinery.
type Kit struct {
	Resolver  *resolver.Resolver
	Transport *http.Transport
	Fetcher   *autoconfig.Fetcher
	Prober    *probe.Prober
}

// New builds a Kit. It fails only when cfg.DNS is empty and
// /etc/resolv.conf cannot be read.
func New(cfg Config) (*Kit, error) {
	k := &Kit{}
	if cfg.DNS != "" {
		k.Resolver = &resolver.Resolver{Servers: []string{cfg.DNS}}
	} else {
		r, err := resolver.System()
		if err != nil {
			return nil, fmt.Errorf("no DNS resolver: %w", err)
		}
		k.Resolver = r
	}
	// Every connection is dialled through the guard: a fetch that left a
	// public host never connects to an internal address, whatever the name
	// resolves to by then (DNS rebinding).
	k.Resolver.Dial = autoconfig.GuardDial(cfg.Dial)
	k.Transport = &http.Transport{
		// Every connection resolves its host through the resolver, and no
		// proxy is used: a proxy would resolve names behind its back.
		Proxy:             nil,
		DialContext:       k.Resolver.DialContext,
		ForceAttemptHTTP2: true,
		// Enough idle connections per host for a batch's concurrency: many
		// lookups share the ISPDB's host, and a new connection costs a TLS
		// handshake.
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 64,
		// And no more than that at once: a wide batch queues for the shared
		// host instead of holding hundreds of TLS connections.
		MaxConnsPerHost:        64,
		IdleConnTimeout:        30 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		TLSClientConfig:        &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12},
	}
	k.Fetcher = &autoconfig.Fetcher{Client: &http.Client{Transport: k.Transport}, LookupIP: k.Resolver.LookupIP}
	k.Prober = &probe.Prober{Dial: k.Resolver.DialContext, RootCAs: cfg.RootCAs}
	return k, nil
}

// Close releases idle connections and sockets. The Kit stays usable.
func (k *Kit) Close() {
	k.Transport.CloseIdleConnections()
	k.Resolver.Close()
}
