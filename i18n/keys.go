package i18n

// Message keys. Each catalogue file defines every one of them; a test checks
// that the catalogues agree.
const (
	// Notes a provider attaches to its servers.
	NoteEnablePOP        = "note.enable_pop"
	NoteEnableIMAP       = "note.enable_imap"
	NoteAuthCode         = "note.auth_code"
	NoteAppPassword      = "note.app_password"
	NoteOAuth2Only       = "note.oauth2_only"
	NoteClientPassword   = "note.client_password"
	NoteEmailPassword    = "note.email_password"
	NoteWorkspaceAdmin   = "note.workspace_admin"
	NoteEnableInstruct   = "note.enable_instruction"
	NoteLeaveOnServer    = "note.leave_on_server"
	NoteLeaveOnServerFor = "note.leave_on_server_days"
	NoteDeleteOnServer   = "note.delete_on_server"

	// Reasons a provider gives no POP3 server.
	NoPOPiCloud    = "nopop.icloud"
	NoPOPProton    = "nopop.proton"
	NoDirectProton = "nopop.proton_direct"
	NoPOPSRV       = "nopop.srv"

	// Warnings.
	WarnPlainText      = "warn.plain_text"
	WarnPlainHTTP      = "warn.plain_http"
	WarnSourceTimeout  = "warn.source_timeout"
	WarnSRVOutside     = "warn.srv_outside"
	WarnMXInferred     = "warn.mx_inferred"
	WarnRedirectDomain = "warn.redirect_domain"
	WarnConfigRedirect = "warn.config_redirect"
	WarnSRVFailed      = "warn.srv_failed"
	WarnPlainVerify    = "warn.plain_verify"
	WarnGuessed        = "warn.guessed"
	WarnCertExpiring   = "warn.cert_expiring"
	WarnConflict       = "warn.conflict"

	// Table headers and labels of the human output.
	HdrProtocol       = "hdr.protocol"
	HdrHost           = "hdr.host"
	HdrPort           = "hdr.port"
	HdrSSL            = "hdr.ssl"
	HdrUsername       = "hdr.username"
	HdrSource         = "hdr.source"
	HdrOutcome        = "hdr.outcome"
	HdrTime           = "hdr.time"
	HdrChosen         = "hdr.chosen"
	HdrName           = "hdr.name"
	HdrDomains        = "hdr.domains"
	HdrNotes          = "hdr.notes"
	HdrDocs           = "hdr.docs"
	SSLTLS            = "ssl.ssl"
	SSLStartTLS       = "ssl.starttls"
	SSLNone           = "ssl.none"
	LblProvider       = "lbl.provider"
	LblWarning        = "lbl.warning"
	LblNote           = "lbl.note"
	LblDocs           = "lbl.docs"
	LblAlt            = "lbl.alternative"
	LblDNSSEC         = "lbl.dnssec"
	LblNotFound       = "lbl.not_found"
	LblTried          = "lbl.tried"
	LblHint           = "lbl.hint"
	LblNotOfferedHere = "lbl.not_offered"

	// Outcomes as shown to people.
	OutFound    = "out.found"
	OutNotFound = "out.not_found"
	OutError    = "out.error"
	OutSkipped  = "out.skipped"

	// Errors.
	ErrInvalidAddress = "err.invalid_address"
)

// Live checks (--verify and guessing): what failed, and what to do about it.
const (
	StepConnect  = "step.connect"
	StepTLS      = "step.tls"
	StepGreeting = "step.greeting"
	StepCAPA     = "step.capa"
	StepSTLS     = "step.stls"
	StepQuit     = "step.quit"

	FailRefused       = "fail.refused"
	FailTimeout       = "fail.timeout"
	FailDNS           = "fail.dns"
	FailCertExpired   = "fail.cert_expired"
	FailCertName      = "fail.cert_name"
	FailCertAuthority = "fail.cert_authority"
	FailCert          = "fail.cert"
	FailTLS           = "fail.tls"
	FailWrongProtocol = "fail.wrong_protocol"
	FailNoSTLS        = "fail.no_stls"
	FailClosed        = "fail.closed"
	FailNetwork       = "fail.network"

	HintRefused       = "hint.refused"
	HintTimeout       = "hint.timeout"
	HintDNS           = "hint.dns"
	HintCertExpired   = "hint.cert_expired"
	HintCertName      = "hint.cert_name"
	HintCertAuthority = "hint.cert_authority"
	HintTLS           = "hint.tls"
	HintWrongProtocol = "hint.wrong_protocol"
	HintNoSTLS        = "hint.no_stls"
	HintClosed        = "hint.closed"

	UserAddress = "user.address"
	UserLocal   = "user.local"

	LblVerify   = "lbl.verify"
	LblVerifyOK = "lbl.verify_ok"
	LblVerifyNo = "lbl.verify_failed"
)

// Why an address is invalid.
const (
	AddrEmpty        = "addr.empty"
	AddrTooLong      = "addr.too_long"
	AddrUTF8         = "addr.utf8"
	AddrControl      = "addr.control"
	AddrTwoAt        = "addr.two_at"
	AddrUnterminated = "addr.unterminated"
	AddrNoAt         = "addr.no_at"
	AddrEmptyLocal   = "addr.empty_local"
	AddrEmptyDomain  = "addr.empty_domain"
	AddrIPLiteral    = "addr.ip_literal"
	AddrLocalLong    = "addr.local_long"
	AddrQuotedWhole  = "addr.quoted_whole"
	AddrQuotedEmpty  = "addr.quoted_empty"
	AddrLocalDots    = "addr.local_dots"
	AddrLocalSpace   = "addr.local_space"
	AddrLocalChar    = "addr.local_char"
	AddrEmptyLabel   = "addr.empty_label"
	AddrLabelIDNA    = "addr.label_idna"
	AddrLabelLong    = "addr.label_long"
	AddrLabelHyphen  = "addr.label_hyphen"
	AddrLabelChar    = "addr.label_char"
	AddrDomainLong   = "addr.domain_long"
	AddrDomainIDNA   = "addr.domain_idna"
	AddrTLDDigits    = "addr.tld_digits"
	AddrLineTooLong  = "addr.line_too_long"
)

// The lookup could not be made.
const ErrNetwork = "err.network"

// Why a source found nothing, or was not consulted.
const (
	NFBuiltin           = "nf.builtin"
	NFNoSRV             = "nf.no_srv"
	NFNoMX              = "nf.no_mx"
	NFMXUnknown         = "nf.mx_unknown"
	NFNoSection         = "nf.no_section"
	NFNoSectionFor      = "nf.no_section_for"
	NFNoValidSection    = "nf.no_valid_section"
	NFNoValidSectionFor = "nf.no_valid_section_for"
	NFNoRecord          = "nf.no_record"
	NFNoADProtocol      = "nf.no_ad_protocol"
	NFNoADProtocolFor   = "nf.no_ad_protocol_for"
	NFNoValidADProtocol = "nf.no_valid_ad_protocol"
	NFNoValidADProtoFor = "nf.no_valid_ad_protocol_for"
	NFLoginWanted       = "nf.login_wanted"
	NFGuess             = "nf.guess"
	NFEmptyAnswer       = "nf.empty_answer"
	NFNoProtocol        = "nf.no_protocol"
	NFNoValidHost       = "nf.no_valid_host"
	SkipNotNeeded       = "skip.not_needed"
	SkipStopped         = "skip.stopped"
	SkipAnswered        = "skip.answered"
	SkipNotOffered      = "skip.not_offered"
	SkipNoTime          = "skip.no_time"
	SkipGraceOver       = "skip.grace_over"
	SkipNotSelected     = "skip.not_selected"
	SkipISPDBOff        = "skip.ispdb_off"
)

// More ways a live check fails.
const (
	FailDNSServer      = "fail.dns_server"
	HintDNSServer      = "hint.dns_server"
	FailDNSUnreachable = "fail.dns_unreachable"
	HintDNSUnreachable = "hint.dns_unreachable"
	FailCNAMELoop      = "fail.cname_loop"
	FailNoGreeting     = "fail.no_greeting"
	HintNoGreeting     = "hint.no_greeting"
	FailSTLSRefused    = "fail.stls_refused"
	HintSTLSRefused    = "hint.stls_refused"
	FailCapaTooLong    = "fail.capa_too_long"
)

// The brief not-found message.
const (
	LblAndMore        = "lbl.and_more"
	LblMillis         = "lbl.millis"
	LblDays           = "lbl.days"
	LblReason         = "lbl.reason"
	WhyNoSource       = "why.no_source"
	HintNotFound      = "hint.not_found"
	HintNetworkLookup = "hint.network_lookup"
	HintNotOffered    = "hint.not_offered"
)

// Usage errors and the command's own messages.
const (
	UsageUnknownFlag     = "usage.unknown_flag"
	UsageDurationUnit    = "usage.duration_unit"
	UsageInvalidValue    = "usage.invalid_value"
	UsageOther           = "usage.other"
	UsageUnknownLang     = "usage.unknown_lang"
	UsageCompletionShell = "usage.completion_shell"
	UsageTimeoutPositive = "usage.timeout_positive"
	UsageConcurrency     = "usage.concurrency"
	UsageOfflineSources  = "usage.offline_sources"
	UsageSourcesNone     = "usage.sources_none"
	UsageNoAddress       = "usage.no_address"
	UsageUnknownSource   = "usage.unknown_source"
	UsageNoResolver      = "usage.no_resolver"
	UsageProvidersArgs   = "usage.providers_args"
	UsageJSONCSV         = "usage.json_csv"
	UsageVerifyArgs      = "usage.verify_args"
	UsageVerifyModes     = "usage.verify_modes"
	UsageVerifyProtocol  = "usage.verify_protocol"
	UsageProtocol        = "usage.protocol"
	UsageVerifyHost      = "usage.verify_host"
	UsageVerifyNoHost    = "usage.verify_no_host"
	UsageVerifyPort      = "usage.verify_port"
	UsageDNSForm         = "usage.dns_form"
	UsageDNSPort         = "usage.dns_port"
	UsageDNSHost         = "usage.dns_host"
	UsageDNSResolve      = "usage.dns_resolve"
	UsageISPDB           = "usage.ispdb"
	UsageSeeHelp         = "usage.see_help"
	MsgInterrupted       = "msg.interrupted"
	MsgNoProvider        = "msg.no_provider"
)

// Reasons worded for a person.
const (
	ConflictSays         = "conflict.says"
	ReasonUnfinished     = "reason.unfinished"
	ReasonCancelled      = "reason.cancelled"
	ReasonDNSNoHost      = "reason.dns_no_host"
	ReasonDNSServer      = "reason.dns_server"
	ReasonDNSUnreachable = "reason.dns_unreachable"
	ReasonCNAMELoop      = "reason.cname_loop"
	ReasonHTTPStatus     = "reason.http_status"
	ReasonCert           = "reason.cert"
	ReasonRefused        = "reason.refused"
	ReasonTimeout        = "reason.timeout"
	ReasonUnreachable    = "reason.unreachable"
	LblNotFoundDeadline  = "lbl.not_found_deadline"
	LblCancelled         = "lbl.cancelled"
)

// Help text.
const (
	HelpUsage          = "help.usage"
	FlagJSON           = "flag.json"
	FlagLang           = "flag.lang"
	FlagTimeout        = "flag.timeout"
	FlagDNS            = "flag.dns"
	FlagISPDB          = "flag.ispdb"
	FlagSources        = "flag.sources"
	FlagOffline        = "flag.offline"
	FlagAll            = "flag.all"
	FlagVerify         = "flag.verify"
	FlagConcurrency    = "flag.concurrency"
	FlagCSV            = "flag.csv"
	FlagSSL            = "flag.ssl"
	FlagSTARTTLS       = "flag.starttls"
	FlagPlain          = "flag.plain"
	FlagVerifyProtocol = "flag.verify_protocol"
	FlagProtocol       = "flag.protocol"
	FlagHelp           = "flag.help"
	FlagVersion        = "flag.version"
	CmdProviders       = "cmd.providers"
	CmdProvidersDesc   = "cmd.providers_desc"
	CmdVerify          = "cmd.verify"
	CmdVerifyDesc      = "cmd.verify_desc"
	CmdCompletion      = "cmd.completion"
	CmdHelp            = "cmd.help"
	HelpDescription    = "help.description"
)

// The grace period.
const (
	FailCertNameMore       = "fail.cert_name_more"
	WarnStoppedEarly       = "warn.stopped_early"
	WarnProtocolMissing    = "warn.protocol_missing"
	WarnProtocolUnfinished = "warn.protocol_unfinished"
	ReasonStoppedEarly     = "reason.stopped_early"
	FlagGrace              = "flag.grace"
	FlagWaitAll            = "flag.wait_all"
	UsageGrace             = "usage.grace"
)
