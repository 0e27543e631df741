package providers

import (
	"context"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
)

// Source answers from the built-in table, without any network traffic.
type Source struct {
	Table *Table
}

var (
	_ settings.Source  = (*Source)(nil)
	_ settings.Offline = (*Source)(nil)
)

// Offline reports that the table needs no network.
func (s *Source) Offline() bool { return true }

// Lookup answers for addr's domain when the table knows it.
func (s *Source) Lookup(ctx context.Context, addr settings.Address) (*settings.Answer, error) {
	p, ok := s.Table.ByDomain(addr.Domain)
	if !ok {
		return nil, settings.NotFound(i18n.NFBuiltin, addr.Domain)
	}
	return s.Table.answer(p), nil
}

// ForMX returns the settings of the provider whose MX patterns match host.
func (t *Table) ForMX(host string) (*settings.Answer, bool) {
	p, ok := t.ByMX(host)
	if !ok {
		return nil, false
	}
	return t.answer(p), true
}
