package app

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// options are the settings of one run, parsed from flags and environment.
type options struct {
	json    bool
	timeout time.Duration
	dns     string
	// ispdb is the ISP database's base URL; empty turns it off.
	ispdb string
	// sources are the --sources names; nil means all.
	sources []string
	// protocols are the --protocol list, the first deciding the status.
	protocols []lookup.Protocol
	all       bool
	// grace is lookup.Config.Grace: 0 adaptive, negative strict.
	grace       time.Duration
	verify      bool
	concurrency int
	lang        i18n.Lang
	color       bool
	width       int // 0: not a terminal, the plain layout
	progress    bool
	// rootCAs replaces the system's trusted roots; only tests set it (the
	// command honours SSL_CERT_FILE and SSL_CERT_DIR instead).
	rootCAs *x509.CertPool
	// dial opens TCP connections; nil means a net.Dialer (IO.Dial).
	dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// config is the library's configuration for o.
func (o *options) config() lookup.Config {
	return lookup.Config{
		DNS: o.dns, Timeout: o.timeout, Sources: o.sources, Protocols: o.protocols,
		ISPDB: o.ispdb, NoISPDB: o.ispdb == "",
		WaitAll: o.all, Grace: o.grace, RootCAs: o.rootCAs, Dial: o.dial,
	}
}

// newFinder returns the Finder of a run, or a usage error.
func newFinder(o *options) (*lookup.Finder, error) {
	f, err := lookup.New(o.config())
	var us *lookup.UnknownSourceError
	switch {
	case errors.As(err, &us):
		return nil, usageError(i18n.UsageUnknownSource, strconv.Quote(us.Name), strings.Join(sortedSourceNames(), ", "))
	case err != nil && o.dns == "":
		return nil, usageError(i18n.UsageNoResolver, err.Error())
	case err != nil:
		return nil, usageError(i18n.UsageOther, err.Error())
	}
	return f, nil
}

// parseSources turns a --sources list into names; nil means all.
func parseSources(list string) ([]string, error) {
	if l := strings.TrimSpace(list); l == "" || l == "all" {
		return nil, nil
	}
	var names []string
	for _, name := range strings.Split(list, ",") {
		if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, usageError(i18n.UsageSourcesNone)
	}
	return names, nil
}
