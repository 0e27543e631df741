// Package check tells a domain's admin what the domain publishes to mail
// clients (autoconfig files, SRV records, Autodiscover, the ISP database's
// entry, popfind's own table), checks every server named there without
// logging in, and reports what is wrong or insecure in it, worst first.
package check

import (
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
	"github.com/popfind/popfind/probe"
)

// Severity says how bad a finding is.
type Severity string

// Severities, worst first.
const (
	Fail Severity = "fail"
	Warn Severity = "warn"
	Info Severity = "info"
)

// Rank orders severities: Fail is 0, Warn 1, Info 2.
func (s Severity) Rank() int {
	switch s {
	case Fail:
		return 0
	case Warn:
		return 1
	}
	return 2
}

// Finding codes. They are stable: scripts match on them.
const (
	CodeDomainNotFound       = "domain_not_found"
	CodeDNSFailure           = "dns_failure"
	CodeAutoconfigMissing    = "autoconfig_missing"
	CodeAutoconfigHTTPOnly   = "autoconfig_http_only"
	CodeAutoconfigInvalid    = "autoconfig_invalid"
	CodeAutoconfigRedirect   = "autoconfig_redirect_offdomain"
	CodeSourcesDisagree      = "sources_disagree"
	CodePlaintext            = "plaintext"
	CodeSTARTTLSOnly         = "starttls_only"
	CodeServerUnreachable    = "server_unreachable"
	CodeWrongProtocol        = "wrong_protocol"
	CodeCertInvalid          = "cert_invalid"
	CodeCertExpiring         = "cert_expiring"
	CodeTLSOld               = "tls_old"
	CodeAuthBeforeTLS        = "auth_before_tls"
	CodeSRVTargetUnresolved  = "srv_target_unresolved"
	CodeSRVForeignTarget     = "srv_foreign_target"
	CodeNoSubmission         = "no_submission"
	CodeISPDBStale           = "ispdb_stale"
	CodeAutodiscoverHTTPOnly = "autodiscover_http_only"
	CodeServersNotChecked    = "servers_not_checked"
	CodeRefusedForSafety     = "refused_for_safety"
)

// KindRefusedForSafety is the kind of a server's report when its check
// was not made: the connection was refused for safety (an address that
// is not public, under popfind serve's rule). The server is not checked
// and has no finding of its own; a refused_for_safety finding says so.
const KindRefusedForSafety probe.Kind = "refused_for_safety"

// Codes lists every finding code the checker can report, in the order of
// the table in README.md.
func Codes() []string {
	return []string{
		CodeDomainNotFound, CodeDNSFailure, CodeAutoconfigMissing, CodeAutoconfigHTTPOnly, CodeAutoconfigInvalid,
		CodeAutoconfigRedirect, CodeSourcesDisagree, CodePlaintext,
		CodeSTARTTLSOnly, CodeServerUnreachable, CodeWrongProtocol,
		CodeCertInvalid, CodeCertExpiring, CodeTLSOld, CodeAuthBeforeTLS,
		CodeSRVTargetUnresolved, CodeSRVForeignTarget, CodeNoSubmission,
		CodeISPDBStale, CodeAutodiscoverHTTPOnly, CodeServersNotChecked,
		CodeRefusedForSafety,
	}
}

// Finding is one thing the check found.
type Finding struct {
	Severity Severity
	// Code is one of the Code constants.
	Code string
	// Protocol is the protocol the finding concerns; empty when it concerns
	// the domain as a whole (autoconfig_missing, say).
	Protocol settings.Protocol
	// Source is the lookup source name (lookup.SourceAutoconfig, ...) the
	// finding concerns; empty when it concerns a server that several
	// sources name, or none.
	Source string
	// Server is the server a finding concerns (host:port): the one checked
	// live, the plain or STARTTLS-only one published, or an SRV record's
	// target. Empty for a finding about the domain or a source as a whole.
	Server string
	// Message says what was seen and why it matters.
	Message i18n.Msg
	// Fix says what to change.
	Fix i18n.Msg
	// Paste, when set, is a record or a file ready to paste: an SRV record
	// line, or the autoconfig XML as export --format autoconfig writes it.
	Paste string
	// PasteKind says what Paste is: PasteDNS, PasteDNSReplace or
	// PasteXML.
	PasteKind string
	PasteURL  string
	// Compare, for sources_disagree and ispdb_stale, holds what each
	// source published for the protocol, side by side.
	Compare []Published
}

// What a Finding's Paste is.
const (
	// PasteDNS: zone-file lines to add.
	PasteDNS = "dns"
	// PasteDNSReplace: zone-file lines that replace records of the same
	// name: the records to remove, each commented out with "; " below a
	// "; remove:" line, then, below "; add:", the record to add.
	PasteDNSReplace = "dns-replace"
	// PasteXML: the file to publish at the URL in PasteURL.
	PasteXML = "xml"
)

// Status says what a source gave.
type Status string

// Statuses of a source.
const (
	// StatusFound: the source published servers.
	StatusFound Status = "found"
	// StatusMissing: nothing there (HTTP 404, no such host, no records).
	StatusMissing Status = "missing"
	// StatusInvalid: a document came back, and mail clients would reject
	// it or part of it.
	StatusInvalid Status = "invalid"
	// StatusFailed: the source could not be asked (a timeout, a server
	// failure, a refused fetch, a connection refused for safety).
	StatusFailed Status = "failed"
	// StatusSkipped: not asked (ISPDB turned off, source not selected).
	StatusSkipped Status = "skipped"
)

// Published is what one source published for the domain.
type Published struct {
	// Source is the lookup source name.
	Source string
	// URL is where it was asked: the URL fetched, or the DNS names queried.
	URL string
	// FinalURL is where the document came from after redirects, when that
	// differs from URL.
	FinalURL string
	Status   Status
	// Reason says why the source gave nothing, or what was invalid.
	Reason *i18n.Msg
	// Insecure is true when the document travelled over plain HTTP, or
	// was redirected through it.
	Insecure bool
	// DNSSEC is true when a validating resolver vouched for the records.
	DNSSEC bool
	// Servers are every server the source named, every protocol, in the
	// source's order (each protocol's preferred first).
	Servers []settings.Server
	// Records are the DNS records the answer rests on, in zone-file form
	// (SRV sources), cleaned.
	Records []string
}

// ServerCheck is the live check of one distinct server.
type ServerCheck struct {
	Server settings.Server
	// Sources names every source that published this server.
	Sources []string
	// Report is the check's report (never a login). A server whose host
	// has no address is still listed, with the report saying so.
	Report *probe.Report
	// PlainAuth, for a STARTTLS server, says whether the server offered a
	// password login before TLS, and AuthEvidence what showed it (the
	// capability line); PlainAuthKnown is false when the server did not
	// say (no capability list).
	PlainAuth      bool
	PlainAuthKnown bool
	AuthEvidence   string
}

// Checked reports whether the server was checked at all: false when its
// check was cancelled, or refused for safety. Such a report says nothing
// of the server.
func (sc ServerCheck) Checked() bool {
	r := sc.Report
	return r != nil && !r.Cancelled() && r.Kind != KindRefusedForSafety
}

// Report is the outcome of a check of one domain.
type Report struct {
	// Domain is the domain checked, in A-label form; UnicodeDomain for
	// display.
	Domain        string
	UnicodeDomain string
	Protocols     []settings.Protocol
	// Findings are worst first, then by protocol and code.
	Findings []Finding
	// Sources is one entry per source, in precedence order.
	Sources []Published
	// Servers is one entry per distinct server published, checked (at
	// most 48; a servers_not_checked finding says how many more there
	// were). Every server named is checked, but only those the domain
	// publishes itself, or that ISPDB names for a protocol the domain
	// publishes nothing of, give findings of their own.
	Servers []ServerCheck
	// Err is set when nothing could be looked at: no source could reach
	// the network (DNS down, say; an *UnreachableError), or the caller's
	// context ended before the check was done (it then wraps ctx's
	// error). The findings are then empty.
	Err error
	// TimedOut is set when Err is the caller's context's: it ended, by
	// its deadline or a cancellation, before the check was done. A
	// source's own timeout (a DNS server that never answers) is no such
	// thing: Err is then an *UnreachableError and TimedOut is false.
	TimedOut bool
}

// Count returns how many findings have severity s.
func (r *Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}
