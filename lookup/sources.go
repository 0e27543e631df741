package lookup

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/dnssource"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
	"github.com/popfind/popfind/providers"
)

// Source names, as they appear in attempts and in Config.Sources.
const (
	SourceBuiltin        = "builtin"
	SourceAutoconfig     = "autoconfig"
	SourceWellKnown      = "well-known"
	SourceISPDB          = "ispdb"
	SourceSRV            = "srv"
	SourceAutodiscover   = "autodiscover"
	SourceMX             = "mx"
	SourceAutoconfigHTTP = "autoconfig-http"
	SourceGuess          = "guess"
)

// sourceDef is one row of the source table.
type sourceDef struct {
	name string
	// alsoBy are the other names in Config.Sources that enable the source.
	alsoBy []string
	// offline sources answer from memory and are consulted first.
	offline bool
	// fallback runs only when every other source came up empty.
	fallback bool
	// plain sources fetch over plain HTTP by design: their answers come
	// last, and neither start nor count toward the grace period.
	plain bool
	// make builds the source from what a Finder shares.
	make func(n *network, enabled map[string]bool) settings.Source
	// narrow, for the fallback, builds it to look for some protocols only:
	// those no other source found.
	narrow func(n *network, protocols []Protocol) settings.Source
}

// sourceTable lists every source, best first: the order is the precedence.
// It is the one place a source is added; everything else (the precedence,
// the names Config.Sources accepts, the command's help and completion) is
// derived from it.
func sourceTable() []sourceDef {
	return []sourceDef{
		{name: SourceBuiltin, offline: true, make: func(n *network, _ map[string]bool) settings.Source {
			return &providers.Source{Table: n.table}
		}},
		{name: SourceAutoconfig, make: func(n *network, _ map[string]bool) settings.Source {
			return &autoconfig.DomainSource{Fetcher: n.fetcher}
		}},
		{name: SourceWellKnown, alsoBy: []string{SourceAutoconfig}, make: func(n *network, _ map[string]bool) settings.Source {
			return &autoconfig.WellKnownSource{Fetcher: n.fetcher}
		}},
		{name: SourceISPDB, make: func(n *network, _ map[string]bool) settings.Source {
			if n.ispdb == "" {
				return skipped{i18n.SkipISPDBOff}
			}
			return &autoconfig.ISPDBSource{Fetcher: n.fetcher, Base: n.ispdb}
		}},
		{name: SourceSRV, make: func(n *network, _ map[string]bool) settings.Source {
			return &dnssource.SRVSource{Resolver: n.resolver, Protocols: n.protocols}
		}},
		{name: SourceAutodiscover, make: func(n *network, _ map[string]bool) settings.Source {
			return &autoconfig.AutodiscoverSource{Fetcher: n.fetcher, Resolver: n.resolver}
		}},
		{name: SourceMX, make: func(n *network, enabled map[string]bool) settings.Source {
			mx := &dnssource.MXSource{Resolver: n.resolver, Hosting: n.table}
			// The hoster's published settings, where those sources are on.
			if enabled[SourceAutoconfig] || enabled[SourceISPDB] && n.ispdb != "" {
				h := &autoconfig.Hosted{Fetcher: n.fetcher}
				if enabled[SourceISPDB] {
					h.ISPDB = n.ispdb
				}
				mx.Configs = h
			}
			return mx
		}},
		{name: SourceAutoconfigHTTP, alsoBy: []string{SourceAutoconfig}, plain: true, make: func(n *network, _ map[string]bool) settings.Source {
			return &autoconfig.PlainHTTPSource{Fetcher: n.fetcher}
		}},
		{name: SourceGuess, fallback: true, make: func(n *network, _ map[string]bool) settings.Source {
			return &probe.GuessSource{Prober: n.prober, Protocols: n.protocols}
		}, narrow: func(n *network, protocols []Protocol) settings.Source {
			return &probe.GuessSource{Prober: n.prober, Protocols: protocols}
		}},
	}
}

// SourceNames returns the name of every source, best first: the order in
// which a lookup prefers their answers. Config.Sources takes these names;
// "autoconfig" also enables "well-known" and "autoconfig-http", every
// fetch of the domain's own autoconfig file.
func SourceNames() []string {
	var names []string
	for _, d := range sourceTable() {
		names = append(names, d.name)
	}
	return names
}

// UnknownSourceError is returned by New for a name in Config.Sources that
// names no source.
type UnknownSourceError struct {
	Name string
}

func (e *UnknownSourceError) Error() string {
	known := SourceNames()
	slices.Sort(known)
	return fmt.Sprintf("unknown source %q; known sources: %s", e.Name, strings.Join(known, ", "))
}

// enabledSources turns Config.Sources into the set of enabled sources.
func enabledSources(names []string) (map[string]bool, error) {
	table := sourceTable()
	enabled := map[string]bool{}
	if names == nil {
		for _, d := range table {
			enabled[d.name] = true
		}
		return enabled, nil
	}
	for _, name := range names {
		name = strings.ToLower(strings.TrimSpace(name))
		known := false
		for _, d := range table {
			if d.name == name || slices.Contains(d.alsoBy, name) {
				enabled[d.name] = true
				known = true
			}
		}
		if !known {
			return nil, &UnknownSourceError{Name: name}
		}
	}
	return enabled, nil
}

// skipped is a source that is never consulted; its attempt says why.
type skipped struct{ why string }

func (s skipped) Lookup(context.Context, settings.Address) (*settings.Answer, error) {
	return nil, settings.Skip(s.why)
}
func (s skipped) Offline() bool { return true }
