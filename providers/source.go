package providers

import (
	"context"

	"github.com/popfind/popfind/lookup"
)

// Source answers from the built-in table, without any network traffic.
type Source struct {
	Table *Table
}

var (
	_ lookup.Source  = (*Source)(nil)
	_ lookup.Offline = (*Source)(nil)
)

// Name returns "builtin".
func (s *Source) Name() string { return lookup.SourceBuiltin }

// Offline reports that the table needs no network.
func (s *Source) Offline() bool { return true }

// Lookup answers for addr's domain when the table knows it.
func (s *Source) Lookup(ctx context.Context, addr lookup.Address) (*lookup.Answer, error) {
	p, ok := s.Table.ByDomain(addr.Domain)
	if !ok {
		return nil, lookup.NotFound("%s is not in the built-in table", addr.Domain)
	}
	return p.Answer(), nil
}

var _ lookup.Hosting = (*Table)(nil)

// ForMX returns the settings of the provider whose MX patterns match host.
func (t *Table) ForMX(host string) (*lookup.Answer, bool) {
	p, ok := t.ByMX(host)
	if !ok {
		return nil, false
	}
	return p.Answer(), true
}
