package i18n

// Messages of the findings of popfind check (package check): for each
// finding, what was seen and why it matters, and what to change.
const (
	CheckAutoconfigMissing     = "check.autoconfig_missing"
	CheckAutoconfigMissingFix  = "check.autoconfig_missing.fix"
	CheckAutoconfigHTTPOnly    = "check.autoconfig_http_only"
	CheckAutoconfigInsecureHop = "check.autoconfig_http_only.redirect"
	CheckAutoconfigHTTPOnlyFix = "check.autoconfig_http_only.fix"
	CheckAutoconfigInvalid     = "check.autoconfig_invalid"
	CheckAutoconfigInvalidPart = "check.autoconfig_invalid.section"
	CheckAutoconfigInvalidFix  = "check.autoconfig_invalid.fix"
	CheckRedirectOffdomain     = "check.autoconfig_redirect_offdomain"
	CheckRedirectOffdomainFix  = "check.autoconfig_redirect_offdomain.fix"
	CheckSourcesDisagree       = "check.sources_disagree"
	CheckSourcesDisagreeFix    = "check.sources_disagree.fix"
	CheckPlaintext             = "check.plaintext"
	CheckPlaintextFix          = "check.plaintext.fix"
	CheckSTARTTLSOnly          = "check.starttls_only"
	CheckSTARTTLSOnlyFix       = "check.starttls_only.fix"
	CheckServerUnreachable     = "check.server_unreachable"
	CheckServerUnreachableFix  = "check.server_unreachable.fix"
	CheckWrongProtocol         = "check.wrong_protocol"
	CheckWrongProtocolFix      = "check.wrong_protocol.fix"
	CheckCertInvalid           = "check.cert_invalid"
	CheckCertInvalidFix        = "check.cert_invalid.fix"
	CheckCertExpiring          = "check.cert_expiring"
	// CheckCertExpiringToday and CheckCertExpiringOneDay are
	// CheckCertExpiring for a certificate with less than one day left,
	// and with one: its host and port, then the date.
	CheckCertExpiringToday      = "check.cert_expiring.today"
	CheckCertExpiringOneDay     = "check.cert_expiring.one_day"
	CheckCertExpiringFix        = "check.cert_expiring.fix"
	CheckTLSOld                 = "check.tls_old"
	CheckTLSOldFix              = "check.tls_old.fix"
	CheckAuthBeforeTLS          = "check.auth_before_tls"
	CheckAuthBeforeTLSFix       = "check.auth_before_tls.fix"
	CheckSRVUnresolved          = "check.srv_target_unresolved"
	CheckSRVUnresolvedFix       = "check.srv_target_unresolved.fix"
	CheckSRVForeign             = "check.srv_foreign_target"
	CheckSRVForeignFix          = "check.srv_foreign_target.fix"
	CheckNoSubmission           = "check.no_submission"
	CheckNoSubmissionFix        = "check.no_submission.fix"
	CheckISPDBStale             = "check.ispdb_stale"
	CheckISPDBStaleFix          = "check.ispdb_stale.fix"
	CheckAutodiscoverHTTPOnly   = "check.autodiscover_http_only"
	CheckAutodiscoverNoHost     = "check.autodiscover_http_only.nohost"
	CheckAutodiscoverHTTPOnlyFx = "check.autodiscover_http_only.fix"
	CheckAutoconfigUnfetchable  = "check.autoconfig_missing.unfetchable"
	CheckRedirectOffdomainBoth  = "check.autoconfig_redirect_offdomain.both"
	CheckSourcesDisagreeFixXML  = "check.sources_disagree.fix_xml"
	CheckSourcesDisagreeFixNone = "check.sources_disagree.fix_none"
	// CheckSourcesDisagreeFixReplace is the fix whose record replaces the
	// domain's records of the same service.
	CheckSourcesDisagreeFixReplace = "check.sources_disagree.fix_replace"
	// CheckSourcesDisagreeFixBuiltin is the fix when popfind's built-in
	// table is the one source that differs (the protocol, the best
	// source); CheckSourcesDisagreeBuiltinToo adds it to another fix
	// (nested).
	CheckSourcesDisagreeFixBuiltin = "check.sources_disagree.fix_builtin"
	CheckSourcesDisagreeBuiltinToo = "check.sources_disagree.builtin_too"
	CheckNoSubmissionAsked         = "check.no_submission.asked"
	CheckISPDBStaleDead            = "check.ispdb_stale.dead"
	CheckDomainNotFound            = "check.domain_not_found"
	CheckDomainNotFoundFix         = "check.domain_not_found.fix"
	CheckDNSFailure                = "check.dns_failure"
	CheckDNSFailureFix             = "check.dns_failure.fix"
	CheckServersNotChecked         = "check.servers_not_checked"
	CheckServersNotCheckedFix      = "check.servers_not_checked.fix"
	CheckServerRefused             = "check.server_unreachable.refused"
	CheckRefusedSafetyBoth         = "check.refused_for_safety"
	CheckRefusedSafetySources      = "check.refused_for_safety.sources"
	CheckRefusedSafetyServers      = "check.refused_for_safety.servers"
	CheckRefusedSafetyFix          = "check.refused_for_safety.fix"
	// CheckAnsweredHTTP is why nothing is published at a URL, nested in
	// a message that names the URL already: its HTTP status.
	CheckAnsweredHTTP = "check.answered_http"
	// CheckAServerPOP3, CheckAServerIMAP and CheckAServerSMTP are a server
	// of each protocol, with its article: "an IMAP server".
	CheckAServerPOP3 = "check.a_server.pop3"
	CheckAServerIMAP = "check.a_server.imap"
	CheckAServerSMTP = "check.a_server.smtp"
	// CheckPasteGap is a fix whose file to paste leaves protocols out: the
	// fix (nested), then the protocols.
	CheckPasteGap = "check.paste_gap"
	// CheckPasteGapInvalid is CheckPasteGap for protocols whose sections
	// are invalid in a way popfind cannot correct.
	CheckPasteGapInvalid = "check.paste_gap.invalid"
	// CheckNothingPublished is a source's reason when it named no server.
	CheckNothingPublished = "check.nothing_published"
	// CheckNoNetwork is Report.Err's message: no source could be asked.
	CheckNoNetwork = "check.no_network"
)

var checkFindingsEnglish = map[string]string{
	CheckAutoconfigMissing:         "Nothing is published at %s (%s), where the autoconfig draft requires the file: Thunderbird and the clients that follow it look there first, and without it they guess.",
	CheckAutoconfigMissingFix:      "Publish an autoconfig file at %s, over HTTPS with a valid certificate, naming every server; the file below holds what the domain publishes elsewhere.",
	CheckAutoconfigHTTPOnly:        "The configuration at %s is published over plain HTTP only: anyone on the path can rewrite it and send mail clients, with their passwords, to a server of their choosing.",
	CheckAutoconfigInsecureHop:     "The configuration at %s travels over plain HTTP on its way (it arrives from %s): anyone on the path can rewrite it and send mail clients, with their passwords, to a server of their choosing.",
	CheckAutoconfigHTTPOnlyFix:     "Serve the file at %s, over HTTPS with a valid certificate and without redirects through HTTP.",
	CheckAutoconfigInvalid:         "The document at %s breaks the rules mail clients apply (%s): clients ignore all of it.",
	CheckAutoconfigInvalidPart:     "In the file at %s, %s. Mail clients skip such a section.",
	CheckAutoconfigInvalidFix:      "Correct the file at %s: socketType is SSL, STARTTLS or plain, port a number from 1 to 65535, hostname a host name; the corrected file is below.",
	CheckRedirectOffdomain:         "%s redirects to %s, on another domain: Thunderbird asks the user whether to trust it, and other clients refuse it.",
	CheckRedirectOffdomainFix:      "Serve the file at %s itself, instead of redirecting to another domain.",
	CheckSourcesDisagree:           "The sources name different %s servers (%s): a client's settings depend on which source it reads, and some clients end up on the wrong server.",
	CheckSourcesDisagreeFix:        "Make every source name the same %s server, with the same port and security, or remove the outdated ones; the record below matches %s.",
	CheckSourcesDisagreeFixReplace: "Make every source name the same %s server, with the same port and security, or remove the outdated ones; the record below matches %s and replaces the SRV records of the same service: added beside them, it would only share the clients with them (RFC 2782).",
	CheckSourcesDisagreeFixBuiltin: "Nothing to change for the domain: it is popfind's built-in table (builtin) that differs, for %s, from what the domain publishes (%s), and the table is meant to follow the domain's published settings. popfind's table will be corrected; the domain's own sources are right if they agree. Until then, popfind's lookups give the table's settings.",
	CheckSourcesDisagreeBuiltinToo: "%s popfind's built-in table (builtin) differs too: that is not the domain's to change, since the table is meant to follow the domain's published settings, and it will be corrected.",
	CheckPlaintext:                 "%s server %s is published without encryption (socketType plain) by %s: the password and the mail cross the network in the clear.",
	CheckPlaintextFix:              "Publish %s with implicit TLS (SSL) on port %s, and stop publishing the unencrypted server.",
	CheckSTARTTLSOnly:              "Only STARTTLS is published for %s (%s, by %s): RFC 8314 prefers implicit TLS on port %s, which no one on the path can strip.",
	CheckSTARTTLSOnlyFix:           "Also offer %s with implicit TLS on port %s, and publish it first, as in the record below.",
	CheckServerUnreachable:         "%s server %s, published by %s, cannot be used: %s.",
	CheckServerRefused:             "%s server %s, published by %s, refused the connection: the port is closed or a firewall blocks it.",
	CheckServerUnreachableFix:      "Make the %s server listen and greet on %s, or publish the server that does.",
	CheckWrongProtocol:             "%s, published by %s as %s, does not speak %s: it greeted with “%s”.",
	CheckWrongProtocolFix:          "Publish the port where the %s server really listens, instead of %s.",
	CheckCertInvalid:               "The certificate of %s does not validate: %s.",
	CheckCertInvalidFix:            "Install a certificate for %s from a trusted authority, with its intermediate certificates, and renew it before it expires.",
	CheckCertExpiring:              "The certificate of %s expires in %s days, on %s: from then on, mail clients refuse to connect.",
	CheckCertExpiringToday:         "The certificate of %s expires in less than a day, on %s: from then on, mail clients refuse to connect.",
	CheckCertExpiringOneDay:        "The certificate of %s expires in one day, on %s: from then on, mail clients refuse to connect.",
	CheckCertExpiringFix:           "Renew the certificate of %s now, and automate its renewal.",
	CheckTLSOld:                    "%s negotiates %s, older than TLS 1.2: RFC 8996 deprecates it, and current mail clients refuse to connect.",
	CheckTLSOldFix:                 "Enable TLS 1.2 and TLS 1.3 on %s, and turn older versions off.",
	CheckAuthBeforeTLS:             "%s server %s offers a password login before STARTTLS (%s): a client that does not insist on TLS, or one whose STARTTLS offer is stripped on the way, sends the password in the clear.",
	CheckAuthBeforeTLSFix:          "Refuse password logins until TLS is up on %s (Dovecot: disable_plaintext_auth = yes; Postfix: smtpd_tls_auth_only = yes), or publish implicit TLS only.",
	CheckSRVUnresolved:             "The SRV record %s points at %s, which has no address: clients that follow it find no server.",
	CheckSRVUnresolvedFix:          "Add A or AAAA records for %s, or correct the record.",
	CheckSRVForeign:                "The SRV record %s points at %s, outside %s, and no DNSSEC signature vouches for it: RFC 8314 section 5.1 lets clients distrust such a target, since a forged answer could send them anywhere.",
	CheckSRVForeignFix:             "Point the record at a host name under %s, or sign the zone with DNSSEC.",
	CheckNoSubmission:              "No source publishes an SMTP submission server for %s: mail clients set up from what is published cannot send.",
	CheckNoSubmissionFix:           "Publish the submission server: an outgoingServer in the autoconfig file, and an SRV record _submissions._tcp.%s (implicit TLS, port 465).",
	CheckISPDBStale:                "Thunderbird's ISP database (%s) names %s for %s, where the domain itself publishes %s: Thunderbird users who reach the database first get outdated settings.",
	CheckISPDBStaleFix:             "Ask for the ISP database entry of %s to be updated or removed (https://github.com/thunderbird/autoconfig), so that it matches what the domain publishes.",
	CheckAutodiscoverHTTPOnly:      "%s answers Autodiscover over plain HTTP only: Outlook's fallbacks there have leaked passwords to whoever could rewrite the answer.",
	CheckAutodiscoverNoHost:        "%s does not exist: Outlook then tries other names, and its fallbacks have leaked passwords to look-alike hosts.",
	CheckAutodiscoverHTTPOnlyFx:    "Create %s and serve Autodiscover over HTTPS with a valid certificate (an answer that names no server will do).",
	CheckAutoconfigUnfetchable:     "The autoconfig file at %s, the URL the autoconfig draft requires, could not be fetched (%s): Thunderbird and the clients that follow it look there first, and without it they guess.",
	CheckRedirectOffdomainBoth:     "%s and %s redirect to %s, on another domain: Thunderbird asks the user whether to trust it, and other clients refuse it.",
	CheckSourcesDisagreeFixXML:     "Make every source name the same %s server, with the same port and security, or remove the outdated ones; the file below matches %s, to publish at %s.",
	CheckSourcesDisagreeFixNone:    "Make every source name the same %s server, with the same port and security, as %s does, or remove the outdated ones.",
	CheckNoSubmissionAsked:         "None of the sources asked publishes an SMTP submission server for %s: mail clients set up from what is published there cannot send.",
	CheckISPDBStaleDead:            "Thunderbird's ISP database (%s) names %s for %s, where the domain itself publishes %s, and that server does not answer (%s): Thunderbird users who reach the database first get settings that do not work.",
	CheckDomainNotFound:            "The domain %s does not exist in DNS (NXDOMAIN): no mail client can find anything for it.",
	CheckDomainNotFoundFix:         "Check the spelling of %s; if it is right, register the domain or publish its DNS zone.",
	CheckDNSFailure:                "DNS fails for names that %s relies on (%s), while the resolver answers for other names: mail clients find no settings there, and what those names publish could not be checked.",
	CheckDNSFailureFix:             "Repair the DNS of %s (its name servers, the delegation, or the DNSSEC signatures) so that these names answer.",
	CheckServersNotChecked:         "The sources name %s distinct servers; only the first %s were checked live, and %s were not.",
	CheckServersNotCheckedFix:      "Publish fewer servers: clients use the first of each protocol, and the rest only add what can go wrong.",
	CheckPasteGap:                  "%s The file below has no %s server, since none published uses TLS: add one with socketType SSL or STARTTLS.",
	CheckPasteGapInvalid:           "%s The file below has no %s server, since the sections published are invalid in a way popfind cannot correct: add one, with a host name, a port and socketType SSL or STARTTLS.",
	CheckRefusedSafetyBoth:         "The sources %s were not looked at, nor were the servers %s: they are at addresses that are not public, and popfind serve connects to public addresses only, for safety.",
	CheckRefusedSafetySources:      "The sources %s were not looked at: they are at addresses that are not public, and popfind serve connects to public addresses only, for safety.",
	CheckRefusedSafetyServers:      "The servers %s were not checked: they are at addresses that are not public, and popfind serve connects to public addresses only, for safety.",
	CheckRefusedSafetyFix:          "Run popfind check from a machine that can reach them, or start popfind serve with --allow-private.",
	CheckAnsweredHTTP:              "it answered HTTP %s",
	CheckAServerPOP3:               "a POP3 server",
	CheckAServerIMAP:               "an IMAP server",
	CheckAServerSMTP:               "an SMTP server",
	CheckNothingPublished:          "no mail server published (POP3, IMAP or SMTP)",
	CheckNoNetwork:                 "no source could be reached (is DNS working?): %s",
}

var checkFindingsChinese = map[string]string{
	CheckAutoconfigMissing:         "%s 没有发布任何内容（%s），而自动配置草案要求在此发布该文件：Thunderbird 等遵循该草案的客户端会先查这里，找不到就只能猜测。",
	CheckAutoconfigMissingFix:      "请在 %s 通过 HTTPS（证书有效）发布自动配置文件，列出每台服务器；下面的文件汇总了该域名在其他来源发布的内容。",
	CheckAutoconfigHTTPOnly:        "%s 的配置只通过明文 HTTP 发布：路径上的任何人都能改写它，把邮件客户端连同密码引到自己的服务器。",
	CheckAutoconfigInsecureHop:     "%s 的配置在传输途中经过明文 HTTP（实际来自 %s）：路径上的任何人都能改写它，把邮件客户端连同密码引到自己的服务器。",
	CheckAutoconfigHTTPOnlyFix:     "请在 %s 通过 HTTPS（证书有效）提供该文件，不要经由 HTTP 重定向。",
	CheckAutoconfigInvalid:         "%s 的文档违反了邮件客户端遵循的规则（%s）：客户端会忽略整个文档。",
	CheckAutoconfigInvalidPart:     "%s 的文件中，%s。邮件客户端会跳过这样的段。",
	CheckAutoconfigInvalidFix:      "请修正 %s 的文件：socketType 只能是 SSL、STARTTLS 或 plain，port 为 1 到 65535 的数字，hostname 为主机名；修正后的文件见下。",
	CheckRedirectOffdomain:         "%s 重定向到其他域名下的 %s：Thunderbird 会询问用户是否信任，其他客户端则拒绝使用。",
	CheckRedirectOffdomainFix:      "请直接在 %s 提供该文件，不要重定向到其他域名。",
	CheckSourcesDisagree:           "各来源列出的 %s 服务器不一致（%s）：客户端得到的设置取决于它读取哪个来源，部分客户端会连到错误的服务器。",
	CheckSourcesDisagreeFix:        "请让每个来源列出相同的 %s 服务器（端口和加密方式也相同），或删除过时的来源；下面的记录与 %s 一致。",
	CheckSourcesDisagreeFixReplace: "请让每个来源列出相同的 %s 服务器（端口和加密方式也相同），或删除过时的来源；下面的记录与 %s 一致，用来替换同一服务的 SRV 记录：若与它们并存，客户端只会在它们之间分流（RFC 2782）。",
	CheckSourcesDisagreeFixBuiltin: "该域名无需修改：不一致的是 popfind 的内置表（builtin）中的 %s 设置，它与该域名发布的（%s）不同，而内置表本应与域名发布的设置一致。popfind 的内置表将会更正；只要该域名自己的各来源一致，它们就是正确的。在此之前，popfind 的查询会给出内置表中的设置。",
	CheckSourcesDisagreeBuiltinToo: "%s popfind 的内置表（builtin）也不一致：这不需要该域名修改，因为内置表本应与域名发布的设置一致，它将会更正。",
	CheckPlaintext:                 "%s 服务器 %s 由 %s 以不加密方式（socketType plain）发布：密码和邮件以明文在网络上传输。",
	CheckPlaintextFix:              "请在端口 %[2]s 以隐式 TLS（SSL）发布 %[1]s，并停止发布不加密的服务器。",
	CheckSTARTTLSOnly:              "%s 只发布了 STARTTLS（%s，由 %s 发布）：RFC 8314 推荐在端口 %s 使用隐式 TLS，路径上的人无法将其剥除。",
	CheckSTARTTLSOnlyFix:           "请同时在端口 %[2]s 以隐式 TLS 提供 %[1]s，并将其列在首位，如下面的记录所示。",
	CheckServerUnreachable:         "%s 服务器 %s（由 %s 发布）无法使用：%s。",
	CheckServerRefused:             "%s 服务器 %s（由 %s 发布）拒绝了连接：端口未开放，或被防火墙阻挡。",
	CheckServerUnreachableFix:      "请让 %s 服务器在 %s 上监听并发送问候，或改为发布可用的服务器。",
	CheckWrongProtocol:             "%s（由 %s 作为 %s发布）说的不是 %s：对方返回“%s”。",
	CheckWrongProtocolFix:          "请发布 %s 服务器实际监听的端口，而不是 %s。",
	CheckCertInvalid:               "%s 的证书未通过验证：%s。",
	CheckCertInvalidFix:            "请为 %s 安装受信任机构签发的证书（包括中间证书），并在到期前续期。",
	CheckCertExpiring:              "%s 的证书将在 %s 天后（%s）到期：此后邮件客户端会拒绝连接。",
	CheckCertExpiringToday:         "%s 的证书将在一天之内（%s）到期：此后邮件客户端会拒绝连接。",
	CheckCertExpiringOneDay:        "%s 的证书将在 1 天后（%s）到期：此后邮件客户端会拒绝连接。",
	CheckCertExpiringFix:           "请立即为 %s 续期证书，并设置自动续期。",
	CheckTLSOld:                    "%s 协商的是 %s，低于 TLS 1.2：RFC 8996 已将其废弃，当前的邮件客户端会拒绝连接。",
	CheckTLSOldFix:                 "请在 %s 上启用 TLS 1.2 和 TLS 1.3，并关闭更旧的版本。",
	CheckAuthBeforeTLS:             "%s 服务器 %s 在 STARTTLS 之前就提供密码登录（%s）：不强制 TLS 的客户端，或 STARTTLS 提示在途中被剥除的客户端，会以明文发送密码。",
	CheckAuthBeforeTLSFix:          "请在 %s 上禁止 TLS 建立之前的密码登录（Dovecot：disable_plaintext_auth = yes；Postfix：smtpd_tls_auth_only = yes），或只发布隐式 TLS。",
	CheckSRVUnresolved:             "SRV 记录 %s 指向的 %s 没有地址：按该记录查找的客户端找不到服务器。",
	CheckSRVUnresolvedFix:          "请为 %s 添加 A 或 AAAA 记录，或更正该记录。",
	CheckSRVForeign:                "SRV 记录 %s 指向 %s，不在 %s 之下，且没有 DNSSEC 签名为其担保：RFC 8314 第 5.1 节允许客户端不信任这样的目标，因为伪造的应答可以把客户端引到任何地方。",
	CheckSRVForeignFix:             "请让该记录指向 %s 之下的主机名，或用 DNSSEC 签名该区域。",
	CheckNoSubmission:              "没有任何来源为 %s 发布 SMTP 提交服务器：按已发布内容设置的邮件客户端无法发信。",
	CheckNoSubmissionFix:           "请发布提交服务器：在自动配置文件中加入 outgoingServer，并添加 SRV 记录 _submissions._tcp.%s（隐式 TLS，端口 465）。",
	CheckISPDBStale:                "Thunderbird 的 ISP 数据库（%[1]s）为 %[3]s 列出 %[2]s，而该域名自己发布的是 %[4]s：先查到数据库的 Thunderbird 用户会得到过时的设置。",
	CheckISPDBStaleFix:             "请申请更新或删除 %s 在 ISP 数据库中的条目（https://github.com/thunderbird/autoconfig），使其与该域名发布的内容一致。",
	CheckAutodiscoverHTTPOnly:      "%s 只通过明文 HTTP 提供 Autodiscover：Outlook 在这里的后备查找曾把密码泄露给能改写应答的人。",
	CheckAutodiscoverNoHost:        "%s 不存在：Outlook 会转而尝试其他名称，其后备查找曾把密码泄露给仿冒的主机。",
	CheckAutodiscoverHTTPOnlyFx:    "请创建 %s，并通过 HTTPS（证书有效）提供 Autodiscover（不列出任何服务器的应答也可以）。",
	CheckAutoconfigUnfetchable:     "无法获取 %s（自动配置草案要求的地址）上的自动配置文件（%s）：Thunderbird 等遵循该草案的客户端会先查这里，找不到就只能猜测。",
	CheckRedirectOffdomainBoth:     "%s 和 %s 都重定向到其他域名下的 %s：Thunderbird 会询问用户是否信任，其他客户端则拒绝使用。",
	CheckSourcesDisagreeFixXML:     "请让每个来源列出相同的 %s 服务器（端口和加密方式也相同），或删除过时的来源；下面的文件与 %s 一致，请发布在 %s。",
	CheckSourcesDisagreeFixNone:    "请让每个来源像 %[2]s 一样列出相同的 %[1]s 服务器（端口和加密方式也相同），或删除过时的来源。",
	CheckNoSubmissionAsked:         "所查询的来源中没有任何一个为 %s 发布 SMTP 提交服务器：按这些来源设置的邮件客户端无法发信。",
	CheckISPDBStaleDead:            "Thunderbird 的 ISP 数据库（%[1]s）为 %[3]s 列出 %[2]s，而该域名自己发布的是 %[4]s，且该服务器没有响应（%[5]s）：先查到数据库的 Thunderbird 用户会得到无法使用的设置。",
	CheckDomainNotFound:            "域名 %s 在 DNS 中不存在（NXDOMAIN）：任何邮件客户端都无法为它找到设置。",
	CheckDomainNotFoundFix:         "请检查 %s 的拼写；如果拼写无误，请注册该域名或发布其 DNS 区域。",
	CheckDNSFailure:                "%s 所依赖的部分名称 DNS 查询失败（%s），而解析器对其他名称正常应答：邮件客户端在这些名称下找不到设置，其发布的内容也无法检查。",
	CheckDNSFailureFix:             "请修复 %s 的 DNS（域名服务器、委派或 DNSSEC 签名），使这些名称能够正常应答。",
	CheckServersNotChecked:         "各来源共列出 %s 台不同的服务器；只实时检查了前 %s 台，另有 %s 台未检查。",
	CheckServersNotCheckedFix:      "请少发布一些服务器：客户端只使用每种协议的第一台，其余的只会增加出错的可能。",
	CheckPasteGap:                  "%s 下面的文件中没有 %s 服务器，因为已发布的服务器都没有使用 TLS：请添加一台 socketType 为 SSL 或 STARTTLS 的服务器。",
	CheckPasteGapInvalid:           "%s 下面的文件中没有 %s 服务器，因为已发布的段无效，且 popfind 无法自动修正：请添加一台，写明主机名、端口，socketType 为 SSL 或 STARTTLS。",
	CheckRefusedSafetyBoth:         "来源 %s 和服务器 %s 未被查看：它们位于非公网地址，出于安全考虑，popfind serve 只连接公网地址。",
	CheckRefusedSafetySources:      "来源 %s 未被查看：它们位于非公网地址，出于安全考虑，popfind serve 只连接公网地址。",
	CheckRefusedSafetyServers:      "服务器 %s 未被检查：它们位于非公网地址，出于安全考虑，popfind serve 只连接公网地址。",
	CheckRefusedSafetyFix:          "请在能访问这些地址的机器上运行 popfind check，或用 --allow-private 启动 popfind serve。",
	CheckAnsweredHTTP:              "它返回了 HTTP %s",
	CheckAServerPOP3:               "POP3 服务器",
	CheckAServerIMAP:               "IMAP 服务器",
	CheckAServerSMTP:               "SMTP 服务器",
	CheckNothingPublished:          "未发布任何邮件服务器（POP3、IMAP 或 SMTP）",
	CheckNoNetwork:                 "无法访问任何来源（DNS 是否正常？）：%s",
}

// init merges the entries into the catalogues' maps, which package
// initialisation has made before any init function runs.
func init() {
	for k, v := range checkFindingsEnglish {
		en[k] = v
	}
	for k, v := range checkFindingsChinese {
		zh[k] = v
	}
}
