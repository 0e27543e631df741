package i18n

// Reasons of package autoconfig's parser: why a server section is left
// out (the protocol and the section's number first), each a clause that
// names the section and what is wrong with it ("POP3 section 1 has no
// port"), and why a document is refused as a whole. The English texts are
// the parser's error texts.
const (
	ACSkipNotText        = "autoconfig.skip.not_text"
	ACSkipNoHostname     = "autoconfig.skip.no_hostname"
	ACSkipEmptyHost      = "autoconfig.skip.empty_host"
	ACSkipLongHost       = "autoconfig.skip.long_host"
	ACSkipBadHost        = "autoconfig.skip.bad_host"
	ACSkipNoPort         = "autoconfig.skip.no_port"
	ACSkipBadPort        = "autoconfig.skip.bad_port"
	ACSkipNoSocketType   = "autoconfig.skip.no_socket_type"
	ACSkipNoUsername     = "autoconfig.skip.no_username"
	ACSkipUnsafeUsername = "autoconfig.skip.unsafe_username"
	ACSkipLongUsername   = "autoconfig.skip.long_username"
	ACSkipNoAuthIn       = "autoconfig.skip.no_auth_in"
	ACSkipNoAuthOut      = "autoconfig.skip.no_auth_out"
	// ACSkipMissingSocket and ACSkipMissingAuth: the section has no such
	// element at all.
	ACSkipMissingSocket = "autoconfig.skip.missing_socket_type"
	ACSkipMissingAuth   = "autoconfig.skip.missing_auth"

	// Why an Autodiscover Protocol element is left out: the protocol and
	// the element's number (from 1) first.
	ADSkipEmptyHost   = "autodiscover.skip.empty_host"
	ADSkipLongHost    = "autodiscover.skip.long_host"
	ADSkipBadHost     = "autodiscover.skip.bad_host"
	ADSkipBadPort     = "autodiscover.skip.bad_port"
	ADSkipUnsafeLogin = "autodiscover.skip.unsafe_login"
	ADSkipLongLogin   = "autodiscover.skip.long_login"

	ACDocNotUTF8      = "autoconfig.doc.not_utf8"
	ACDocNoElement    = "autoconfig.doc.no_element"
	ACDocLine         = "autoconfig.doc.line"
	ACDocRoot         = "autoconfig.doc.root"
	ACDocTooMuchText  = "autoconfig.doc.too_much_text"
	ACDocBadIDEmpty   = "autoconfig.doc.bad_id_empty"
	ACDocBadIDLong    = "autoconfig.doc.bad_id_long"
	ACDocBadID        = "autoconfig.doc.bad_id"
	ACDocBadDomEmpty  = "autoconfig.doc.bad_domain_empty"
	ACDocBadDomLong   = "autoconfig.doc.bad_domain_long"
	ACDocBadDom       = "autoconfig.doc.bad_domain"
	ACDocBadDomNotTxt = "autoconfig.doc.bad_domain_not_text"
	ACDocNoDomain     = "autoconfig.doc.no_domain"
)

var autoconfigReasonsEnglish = map[string]string{
	ACSkipNotText:        "%s section %s has a <%s> that holds elements, not text",
	ACSkipNoHostname:     "%s section %s has no hostname",
	ACSkipEmptyHost:      "%s section %s has an empty hostname",
	ACSkipLongHost:       "%s section %s has a hostname longer than 253 octets",
	ACSkipBadHost:        "%s section %s has hostname %s, which is not a valid host name",
	ACSkipNoPort:         "%s section %s has no port",
	ACSkipBadPort:        "%s section %s has port %s, which is not a whole number from 1 to 65535",
	ACSkipNoSocketType:   "%s section %s has socketType %s, which mail clients do not know (SSL, STARTTLS or plain)",
	ACSkipMissingSocket:  "%s section %s has no socketType (SSL, STARTTLS or plain)",
	ACSkipNoUsername:     "%s section %s has no username",
	ACSkipUnsafeUsername: "%s section %s has a username with control or formatting characters",
	ACSkipLongUsername:   "%s section %s has a username longer than %s characters",
	ACSkipNoAuthIn:       "%s section %s has authentication %s, none of which an incoming server can use",
	ACSkipNoAuthOut:      "%s section %s has authentication %s, none of which an outgoing server can use",
	ACSkipMissingAuth:    "%s section %s has no authentication",

	ADSkipEmptyHost:   "Protocol %[2]s (%[1]s): empty hostname",
	ADSkipLongHost:    "Protocol %[2]s (%[1]s): hostname longer than 253 octets",
	ADSkipBadHost:     "Protocol %[2]s (%[1]s): hostname %[3]s is not a valid host name",
	ADSkipBadPort:     "Protocol %[2]s (%[1]s): port %[3]s is not a whole number from 1 to 65535",
	ADSkipUnsafeLogin: "Protocol %[2]s (%[1]s): LoginName holds control or formatting characters",
	ADSkipLongLogin:   "Protocol %[2]s (%[1]s): LoginName longer than %[3]s characters",

	ACDocNotUTF8:      "parse: not UTF-8 text",
	ACDocNoElement:    "parse: no %s element",
	ACDocLine:         "parse: line %s: %s",
	ACDocRoot:         "parse: line %s: root element is <%s>, not <%s>",
	ACDocTooMuchText:  "parse: line %s: <%s> holds more than %s bytes of text",
	ACDocBadIDEmpty:   "parse: emailProvider id: empty hostname",
	ACDocBadIDLong:    "parse: emailProvider id: hostname longer than 253 octets",
	ACDocBadID:        "parse: emailProvider id: hostname %s is not a valid host name",
	ACDocBadDomEmpty:  "parse: emailProvider has no valid domain: empty hostname",
	ACDocBadDomLong:   "parse: emailProvider has no valid domain: hostname longer than 253 octets",
	ACDocBadDom:       "parse: emailProvider has no valid domain: hostname %s is not a valid host name",
	ACDocBadDomNotTxt: "parse: emailProvider has no valid domain: <%s> holds elements, not text",
	ACDocNoDomain:     "parse: emailProvider has no domain",
}

var autoconfigReasonsChinese = map[string]string{
	ACSkipNotText:        "%s 第 %s 段的 <%s> 包含子元素而不是文本",
	ACSkipNoHostname:     "%s 第 %s 段没有 hostname",
	ACSkipEmptyHost:      "%s 第 %s 段的 hostname 为空",
	ACSkipLongHost:       "%s 第 %s 段的 hostname 超过 253 个字节",
	ACSkipBadHost:        "%s 第 %s 段的 hostname %s 不是有效的主机名",
	ACSkipNoPort:         "%s 第 %s 段没有 port",
	ACSkipBadPort:        "%s 第 %s 段的 port %s 不是 1 到 65535 之间的整数",
	ACSkipNoSocketType:   "%s 第 %s 段的 socketType 为%s，邮件客户端不认识（只认识 SSL、STARTTLS 或 plain）",
	ACSkipMissingSocket:  "%s 第 %s 段没有 socketType（SSL、STARTTLS 或 plain）",
	ACSkipNoUsername:     "%s 第 %s 段没有 username",
	ACSkipUnsafeUsername: "%s 第 %s 段的 username 含有控制字符或格式字符",
	ACSkipLongUsername:   "%s 第 %s 段的 username 超过 %s 个字符",
	ACSkipNoAuthIn:       "%s 第 %s 段的 authentication 为%s，都不能用于收信服务器",
	ACSkipNoAuthOut:      "%s 第 %s 段的 authentication 为%s，都不能用于发信服务器",
	ACSkipMissingAuth:    "%s 第 %s 段没有 authentication",

	ADSkipEmptyHost:   "第 %[2]s 个 Protocol 元素（%[1]s）：主机名为空",
	ADSkipLongHost:    "第 %[2]s 个 Protocol 元素（%[1]s）：主机名超过 253 个字节",
	ADSkipBadHost:     "第 %[2]s 个 Protocol 元素（%[1]s）：%[3]s 不是有效的主机名",
	ADSkipBadPort:     "第 %[2]s 个 Protocol 元素（%[1]s）：端口 %[3]s 不是 1 到 65535 之间的整数",
	ADSkipUnsafeLogin: "第 %[2]s 个 Protocol 元素（%[1]s）：LoginName 含有控制字符或格式字符",
	ADSkipLongLogin:   "第 %[2]s 个 Protocol 元素（%[1]s）：LoginName 超过 %[3]s 个字符",

	ACDocNotUTF8:      "解析：不是 UTF-8 文本",
	ACDocNoElement:    "解析：没有 %s 元素",
	ACDocLine:         "解析：第 %s 行：%s",
	ACDocRoot:         "解析：第 %s 行：根元素是 <%s>，而不是 <%s>",
	ACDocTooMuchText:  "解析：第 %s 行：<%s> 的文本超过 %s 字节",
	ACDocBadIDEmpty:   "解析：emailProvider 的 id 为空",
	ACDocBadIDLong:    "解析：emailProvider 的 id 超过 253 个字节",
	ACDocBadID:        "解析：emailProvider 的 id %s 不是有效的主机名",
	ACDocBadDomEmpty:  "解析：emailProvider 没有有效的 domain：domain 为空",
	ACDocBadDomLong:   "解析：emailProvider 没有有效的 domain：domain 超过 253 个字节",
	ACDocBadDom:       "解析：emailProvider 没有有效的 domain：%s 不是有效的主机名",
	ACDocBadDomNotTxt: "解析：emailProvider 没有有效的 domain：<%s> 包含子元素而不是文本",
	ACDocNoDomain:     "解析：emailProvider 没有 domain",
}

// init merges the entries into the catalogues' maps, which package
// initialisation has made before any init function runs.
func init() {
	for k, v := range autoconfigReasonsEnglish {
		en[k] = v
	}
	for k, v := range autoconfigReasonsChinese {
		zh[k] = v
	}
}
