package i18n

// Message keys. Each catalogue file defines every one of them; a test checks
// that the catalogues agree.
const (
	// Notes a provider attaches to its servers.
	NoteEnablePOP        = "note.enable_pop"
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
	NoPOPiCloud = "nopop.icloud"
	NoPOPProton = "nopop.proton"
	NoPOPSRV    = "nopop.srv"

	// Warnings.
	WarnPlainPOP       = "warn.plain_pop"
	WarnPlainHTTP      = "warn.plain_http"
	WarnSourceTimeout  = "warn.source_timeout"
	WarnSRVOutside     = "warn.srv_outside"
	WarnMXInferred     = "warn.mx_inferred"
	WarnRedirectDomain = "warn.redirect_domain"
	WarnGuessed        = "warn.guessed"
	WarnCertExpiring   = "warn.cert_expiring"
	WarnConflict       = "warn.conflict"

	// Table headers and labels of the human output.
	HdrProtocol  = "hdr.protocol"
	HdrHost      = "hdr.host"
	HdrPort      = "hdr.port"
	HdrSSL       = "hdr.ssl"
	HdrUsername  = "hdr.username"
	HdrSource    = "hdr.source"
	HdrOutcome   = "hdr.outcome"
	HdrTime      = "hdr.time"
	HdrChosen    = "hdr.chosen"
	HdrName      = "hdr.name"
	HdrDomains   = "hdr.domains"
	HdrNotes     = "hdr.notes"
	HdrDocs      = "hdr.docs"
	SSLTLS       = "ssl.ssl"
	SSLStartTLS  = "ssl.starttls"
	SSLNone      = "ssl.none"
	LblProvider  = "lbl.provider"
	LblWarning   = "lbl.warning"
	LblNote      = "lbl.note"
	LblDocs      = "lbl.docs"
	LblAlt       = "lbl.alternative"
	LblDNSSEC    = "lbl.dnssec"
	LblNotFound  = "lbl.not_found"
	LblTried     = "lbl.tried"
	LblHint      = "lbl.hint"
	LblConflict  = "lbl.conflict"
	LblNoPOPHere = "lbl.no_pop"

	// Outcomes as shown to people.
	OutFound    = "out.found"
	OutNotFound = "out.not_found"
	OutError    = "out.error"
	OutSkipped  = "out.skipped"

	// Errors.
	ErrInvalidAddress = "err.invalid_address"
	ErrNoServer       = "err.no_server"
)
