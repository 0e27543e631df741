package app

import (
	"crypto/x509"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// options are the settings of one run, parsed from flags and environment.
type options struct {
	json        bool
	timeout     time.Duration
	dns         string
	ispdb       string
	sources     map[string]bool
	all         bool
	verify      bool
	concurrency int
	lang        i18n.Lang
	color       bool
	progress    bool
	// rootCAs replaces the system's trusted roots; only tests set it (the
	// command honours SSL_CERT_FILE and SSL_CERT_DIR instead).
	rootCAs *x509.CertPool
}

// sourceGroups maps each --sources name to the sources it enables. The
// autoconfig name covers every fetch of the domain's own autoconfig file.
var sourceGroups = map[string][]string{
	lookup.SourceBuiltin:        {lookup.SourceBuiltin},
	lookup.SourceAutoconfig:     {lookup.SourceAutoconfig, lookup.SourceWellKnown, lookup.SourceAutoconfigHTTP},
	lookup.SourceWellKnown:      {lookup.SourceWellKnown},
	lookup.SourceAutoconfigHTTP: {lookup.SourceAutoconfigHTTP},
	lookup.SourceISPDB:          {lookup.SourceISPDB},
	lookup.SourceSRV:            {lookup.SourceSRV},
	lookup.SourceMX:             {lookup.SourceMX},
	lookup.SourceAutodiscover:   {lookup.SourceAutodiscover},
	lookup.SourceGuess:          {lookup.SourceGuess},
}

// parseSources turns a --sources list into the set of enabled sources.
func parseSources(list string) (map[string]bool, error) {
	enabled := map[string]bool{}
	if strings.TrimSpace(list) == "" || strings.TrimSpace(list) == "all" {
		for _, n := range lookup.Precedence {
			enabled[n] = true
		}
		return enabled, nil
	}
	for _, name := range strings.Split(list, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		group, ok := sourceGroups[name]
		if !ok {
			return nil, fmt.Errorf("unknown source %q in --sources; known sources: %s", name, strings.Join(sourceNames(), ", "))
		}
		for _, n := range group {
			enabled[n] = true
		}
	}
	if len(enabled) == 0 {
		return nil, fmt.Errorf("--sources names no source")
	}
	return enabled, nil
}

func sourceNames() []string {
	names := make([]string, 0, len(sourceGroups))
	for n := range sourceGroups {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
