package autoconfig

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
)

// TestGuardDial: a guarded fetch that has left a public host connects to
// no internal address, nor to anything that is not a literal address;
// connections of anything else pass.
func TestGuardDial(t *testing.T) {
	t.Parallel()
	var dialled []string
	errDialled := errors.New("dialled")
	dial := GuardDial(func(ctx context.Context, network, address string) (net.Conn, error) {
		dialled = append(dialled, address)
		if strings.HasPrefix(address, "198.51.100.") {
			c, s := net.Pipe()
			s.Close()
			return c, nil
		}
		return nil, errDialled
	})
	try := func(ctx context.Context, address string) error {
		c, err := dial(ctx, "tcp", address)
		if c != nil {
			c.Close()
		}
		return err
	}
	ctx, _ := guarded(context.Background())
	// Before it leaves a public host, a fetch goes anywhere: an intranet's
	// own autoconfig host is internal.
	if err := try(ctx, "10.0.0.1:443"); err != errDialled {
		t.Errorf("before leaving a public host: %v", err)
	}
	// A connection to a public address leaves it.
	if err := try(ctx, "198.51.100.7:443"); err != nil {
		t.Fatal(err)
	}
	dialled = nil
	for _, a := range []string{"127.0.0.1:443", "10.1.2.3:443", "100.64.0.1:443", "[::1]:443", "[fe80::1%eth0]:443",
		"[::ffff:127.0.0.1]:443", "[fd00::1]:443", "0.0.0.0:443", "autoconfig.example.com:443", "garbage"} {
		if err := try(ctx, a); err == nil || !strings.Contains(err.Error(), "refusing to connect") {
			t.Errorf("%s: %v; want it refused", a, err)
		}
	}
	if err := try(ctx, "198.51.100.8:443"); err != nil {
		t.Errorf("public address: %v", err)
	}
	if strings.Join(dialled, " ") != "198.51.100.8:443" {
		t.Errorf("dialled %q; want the public address alone", dialled)
	}
	// Connections that no fetch asked for pass.
	if err := try(context.Background(), "127.0.0.1:443"); err != errDialled {
		t.Errorf("without a guard: %v", err)
	}
}
