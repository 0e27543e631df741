package i18n

// The words of popfind check around the findings: the command and its
// flags, the report's headings and labels, and the serve page. The
// findings' own messages are in check_findings.go.
const (
	CheckUICmd           = "checkui.cmd"
	CheckUICmdUsage      = "checkui.cmd_usage"
	CheckUICmdDesc       = "checkui.cmd_desc"
	CheckUIFlagProtocol  = "checkui.flag_protocol"
	CheckUIFlagTimeout   = "checkui.flag_timeout"
	CheckUIUsageNoDomain = "checkui.usage_no_domain"
	CheckUIUsageArgs     = "checkui.usage_args"
	CheckUIUsageDomain   = "checkui.usage_domain"
	CheckUIUsageAddress  = "checkui.usage_address"
	CheckUIUsageIP       = "checkui.usage_ip"
	CheckUIFlagJSON      = "checkui.flag_json"

	// The verdict line.
	CheckUIVerdict    = "checkui.verdict"
	CheckUIClean      = "checkui.clean"
	CheckUIFailOne    = "checkui.fail_one"
	CheckUIFailMany   = "checkui.fail_many"
	CheckUIWarnOne    = "checkui.warn_one"
	CheckUIWarnMany   = "checkui.warn_many"
	CheckUIInfoOne    = "checkui.info_one"
	CheckUIInfoMany   = "checkui.info_many"
	CheckUICleanNotes = "checkui.clean_notes"
	CheckUINothing    = "checkui.nothing"
	CheckUITimedOut   = "checkui.timed_out"
	// CheckUITimedOutShort is CheckUITimedOut as a reason, after a colon.
	CheckUITimedOutShort = "checkui.timed_out_short"
	CheckUIHintNet       = "checkui.hint_network"
	CheckUIProtocols     = "checkui.protocols"

	// A finding.
	CheckUISevFail  = "checkui.sev_fail"
	CheckUISevWarn  = "checkui.sev_warn"
	CheckUISevInfo  = "checkui.sev_info"
	CheckUIFix      = "checkui.fix"
	CheckUIPasteDNS = "checkui.paste_dns"
	// CheckUIPasteDNSReplace labels zone-file lines that replace records:
	// the ones commented out below "; remove:" go, the one below "; add:"
	// comes.
	CheckUIPasteDNSReplace = "checkui.paste_dns_replace"
	CheckUIPasteXML        = "checkui.paste_xml"
	CheckUIPasteOther      = "checkui.paste_other"
	CheckUICompare         = "checkui.compare"

	// The tables.
	CheckUISources       = "checkui.sources"
	CheckUIServers       = "checkui.servers"
	CheckUIHdrStatus     = "checkui.hdr_status"
	CheckUIHdrPublished  = "checkui.hdr_published"
	CheckUIHdrServer     = "checkui.hdr_server"
	CheckUIHdrBy         = "checkui.hdr_by"
	CheckUIHdrResult     = "checkui.hdr_result"
	CheckUIStatusFound   = "checkui.status_found"
	CheckUIStatusMissing = "checkui.status_missing"
	CheckUIStatusInvalid = "checkui.status_invalid"
	CheckUIStatusFailed  = "checkui.status_failed"
	CheckUIStatusSkipped = "checkui.status_skipped"
	CheckUIOverHTTP      = "checkui.over_http"
	CheckUIFinalURL      = "checkui.final_url"
	CheckUIPassed        = "checkui.passed"
	CheckUIFailed        = "checkui.failed"
	CheckUIPlainPassed   = "checkui.plain_passed"
	CheckUINotChecked    = "checkui.not_checked"
	CheckUINotMailPort   = "checkui.not_mail_port"
	CheckUIPlainSocket   = "checkui.plain_socket"
	CheckUINoServers     = "checkui.no_servers"

	// The serve page.
	CheckUIPageNav    = "checkui.page_nav"
	CheckUIPageTitle  = "checkui.page_title"
	CheckUIPageIntro  = "checkui.page_intro"
	CheckUIPageDomain = "checkui.page_domain"
	CheckUIPageButton = "checkui.page_button"
	CheckUIPageHome   = "checkui.page_home"
	CheckUIPageFor    = "checkui.page_for"
	CheckUIPageBusy   = "checkui.page_busy"
	// CheckUIPageAddress and CheckUIAPIAddress say, on the page and in
	// the API, what CheckUIUsageAddress says on the command line.
	CheckUIPageAddress = "checkui.page_address"
	CheckUIAPIAddress  = "checkui.api_address"
)

var checkUIEnglish = map[string]string{
	CheckUICmd:      "check a domain you run: what it publishes to mail clients, and every server named there (never logs in)",
	CheckUICmdUsage: "popfind check [--protocol LIST] [--json] [options] DOMAIN",
	CheckUICmdDesc: "For the admin of DOMAIN: reads everything the domain publishes to mail clients (its autoconfig file, " +
		"SRV records and Autodiscover, its entry in the ISP database, popfind's own table), checks every server named " +
		"there without logging in, and reports what is wrong or insecure, worst first, each finding with what to change " +
		"and, where it helps, the DNS record or the file to publish, ready to paste. The lookup options (--dns, --ispdb, " +
		"--sources, --timeout) work as for a lookup, given before or after the command's name.\n\n" +
		"It exits with 0 when no finding is a failure, 1 when one is, 2 on a usage error (DOMAIN is not a domain), " +
		"4 when nothing could be looked at (no DNS server answered), and 130 when interrupted.\n\n" +
		"Examples: popfind check example.org; popfind check --protocol imap,smtp --json example.org",
	CheckUIFlagProtocol:  "comma-separated `LIST` of protocols to check: pop3, imap, smtp",
	CheckUIFlagTimeout:   "deadline for each source and for each server's check",
	CheckUIUsageNoDomain: "no domain given: popfind check DOMAIN",
	CheckUIUsageArgs:     "check takes one DOMAIN, got %s arguments",
	CheckUIUsageDomain:   "\"%s\" is not a domain name: %s",
	CheckUIUsageAddress:  "check takes a domain, not an address: popfind check %s",
	CheckUIUsageIP:       "check takes a domain name, not an IP address: %s",
	CheckUIFlagJSON:      "print the report as one JSON object",

	CheckUIVerdict:       "%s: %s",
	CheckUIClean:         "no problems found",
	CheckUICleanNotes:    "no problems found (%s)",
	CheckUIFailOne:       "1 failure",
	CheckUIFailMany:      "%s failures",
	CheckUIWarnOne:       "1 warning",
	CheckUIWarnMany:      "%s warnings",
	CheckUIInfoOne:       "1 note",
	CheckUIInfoMany:      "%s notes",
	CheckUINothing:       "nothing about %s could be looked at: %s",
	CheckUITimedOut:      "the check of %s ran out of time before it was done: try again later",
	CheckUITimedOutShort: "time ran out before the check was done",
	CheckUIHintNet:       "check the network connection and the DNS server (--dns), then try again",
	CheckUIProtocols:     "Checked",

	CheckUISevFail:         "FAIL",
	CheckUISevWarn:         "WARN",
	CheckUISevInfo:         "INFO",
	CheckUIFix:             "Fix",
	CheckUIPasteDNS:        "Add to the DNS zone of %s:",
	CheckUIPasteDNSReplace: "Replace in the DNS zone of %s: remove the records listed after “; remove:”, then add the one after “; add:”:",
	CheckUIPasteXML:        "Publish this file at %s:",
	CheckUIPasteOther:      "Paste this:",
	CheckUICompare:         "What each source says:",

	CheckUISources:       "What each source publishes",
	CheckUIServers:       "Servers checked (never logged in)",
	CheckUIHdrStatus:     "Status",
	CheckUIHdrPublished:  "Servers",
	CheckUIHdrServer:     "Server",
	CheckUIHdrBy:         "Published by",
	CheckUIHdrResult:     "Result",
	CheckUIStatusFound:   "found",
	CheckUIStatusMissing: "missing",
	CheckUIStatusInvalid: "invalid",
	CheckUIStatusFailed:  "failed",
	CheckUIStatusSkipped: "skipped",
	CheckUIOverHTTP:      "over HTTP",
	CheckUIFinalURL:      "came from %s after redirects",
	CheckUIPassed:        "✓ passed",
	CheckUIFailed:        "✗ failed",
	CheckUIPlainPassed:   "! no TLS",
	CheckUINotChecked:    "– not checked",
	CheckUINotMailPort:   "not a mail port: the desk checks mail ports only (110, 995, 143, 993, 465 and 587)",
	CheckUIPlainSocket:   "plain (no TLS)",
	CheckUINoServers:     "No source names a server for these protocols.",

	CheckUIPageNav:     "Check a domain",
	CheckUIPageTitle:   "Check your domain's mail settings",
	CheckUIPageIntro:   "For a domain's admin: popfind reads what the domain publishes to mail clients (autoconfig, SRV records, Autodiscover, the ISP database), checks every server named there without logging in, and says what to fix.",
	CheckUIPageDomain:  "Domain",
	CheckUIPageButton:  "Check",
	CheckUIPageHome:    "Run a mail domain? Check what it publishes to mail clients",
	CheckUIPageFor:     "Check of %s",
	CheckUIPageBusy:    "too many domain checks in flight: try again in a moment",
	CheckUIPageAddress: "Type a domain, not an address: %s",
	CheckUIAPIAddress:  "the parameter domain takes a domain, not an address: try domain=%s",
}

var checkUIChinese = map[string]string{
	CheckUICmd:      "检查你管理的域名：它向邮件客户端发布了什么，以及其中列出的每台服务器（不登录）",
	CheckUICmdUsage: "popfind check [--protocol 列表] [--json] [选项] 域名",
	CheckUICmdDesc: "供域名管理员使用：读取该域名向邮件客户端发布的全部内容（自动配置文件、SRV 记录和 Autodiscover、" +
		"ISP 数据库中的条目、popfind 内置表），在不登录的前提下检查其中列出的每台服务器，并按严重程度列出错误或不安全之处；" +
		"每项发现都说明应如何修改，必要时附上可直接粘贴的 DNS 记录或要发布的文件。查询选项（--dns、--ispdb、--sources、" +
		"--timeout）与查询时相同，写在命令名之前或之后均可。\n\n" +
		"没有失败项时退出状态为 0，有失败项时为 1，用法错误（参数不是域名）时为 2，什么都无法检查（没有 DNS 服务器应答）时为 4，被中断时为 130。\n\n" +
		"示例：popfind check example.org；popfind check --protocol imap,smtp --json example.org",
	CheckUIFlagProtocol:  "要检查的协议，以逗号分隔的`列表`：pop3、imap、smtp",
	CheckUIFlagTimeout:   "每个来源和每台服务器检查的时限",
	CheckUIUsageNoDomain: "未提供域名：popfind check 域名",
	CheckUIUsageArgs:     "check 只接受一个域名，实际给了 %s 个参数",
	CheckUIUsageDomain:   "“%s”不是域名：%s",
	CheckUIUsageAddress:  "check 接受的是域名，而不是邮箱地址：popfind check %s",
	CheckUIUsageIP:       "check 接受的是域名，而不是 IP 地址：%s",
	CheckUIFlagJSON:      "以一个 JSON 对象输出报告",

	CheckUIVerdict:       "%s：%s",
	CheckUIClean:         "未发现问题",
	CheckUICleanNotes:    "未发现问题（%s）",
	CheckUIFailOne:       "1 个失败项",
	CheckUIFailMany:      "%s 个失败项",
	CheckUIWarnOne:       "1 个警告",
	CheckUIWarnMany:      "%s 个警告",
	CheckUIInfoOne:       "1 条提示",
	CheckUIInfoMany:      "%s 条提示",
	CheckUINothing:       "无法检查 %s 的任何内容：%s",
	CheckUITimedOut:      "%s 的检查超时，未能完成：请稍后重试",
	CheckUITimedOutShort: "检查超时，未能完成",
	CheckUIHintNet:       "请检查网络连接和 DNS 服务器（--dns）后重试",
	CheckUIProtocols:     "已检查",

	CheckUISevFail:         "失败",
	CheckUISevWarn:         "警告",
	CheckUISevInfo:         "提示",
	CheckUIFix:             "修复",
	CheckUIPasteDNS:        "加入 %s 的 DNS 区域：",
	CheckUIPasteDNSReplace: "替换 %s 的 DNS 区域中的记录：删除“; remove:”之后列出的记录，再加入“; add:”之后的记录：",
	CheckUIPasteXML:        "将以下文件发布到此网址：%s",
	CheckUIPasteOther:      "粘贴以下内容：",
	CheckUICompare:         "各来源的说法：",

	CheckUISources:       "各来源发布的内容",
	CheckUIServers:       "已检查的服务器（未登录）",
	CheckUIHdrStatus:     "状态",
	CheckUIHdrPublished:  "服务器",
	CheckUIHdrServer:     "服务器",
	CheckUIHdrBy:         "发布者",
	CheckUIHdrResult:     "结果",
	CheckUIStatusFound:   "已发布",
	CheckUIStatusMissing: "没有",
	CheckUIStatusInvalid: "无效",
	CheckUIStatusFailed:  "失败",
	CheckUIStatusSkipped: "已跳过",
	CheckUIOverHTTP:      "明文 HTTP",
	CheckUIFinalURL:      "经重定向后实际来自 %s",
	CheckUIPassed:        "✓ 通过",
	CheckUIFailed:        "✗ 未通过",
	CheckUIPlainPassed:   "! 无 TLS",
	CheckUINotChecked:    "– 未检查",
	CheckUINotMailPort:   "不是邮件端口：本服务只检查邮件端口（110、995、143、993、465 和 587）",
	CheckUIPlainSocket:   "明文（无 TLS）",
	CheckUINoServers:     "没有任何来源为这些协议列出服务器。",

	CheckUIPageNav:     "检查域名",
	CheckUIPageTitle:   "检查域名的邮件设置",
	CheckUIPageIntro:   "供域名管理员使用：popfind 读取该域名向邮件客户端发布的内容（自动配置、SRV 记录、Autodiscover、ISP 数据库），在不登录的前提下检查其中列出的每台服务器，并说明需要修复什么。",
	CheckUIPageDomain:  "域名",
	CheckUIPageButton:  "检查",
	CheckUIPageHome:    "管理邮件域名？检查它向邮件客户端发布的设置",
	CheckUIPageFor:     "%s 的检查结果",
	CheckUIPageBusy:    "正在进行的域名检查过多：请稍后重试",
	CheckUIPageAddress: "请输入域名，而不是邮箱地址：%s",
	CheckUIAPIAddress:  "参数 domain 应为域名，而不是邮箱地址：请改用 domain=%s",
}

// init merges the entries into the catalogues' maps, which package
// initialisation has made before any init function runs (en.go's init,
// which registers them, may run after this one).
func init() {
	for k, v := range checkUIEnglish {
		en[k] = v
	}
	for k, v := range checkUIChinese {
		zh[k] = v
	}
}
