package providers

import (
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup/settings"
)

// Shorthands for the table below.
const (
	emailAddress = settings.PlaceholderAddress
	localPart    = settings.PlaceholderLocal
	pwClear      = "password-cleartext"
	oauth2       = "OAuth2"
)

func server(p settings.Protocol, host string, st settings.SocketType, user string, auth ...string) settings.Server {
	return settings.Server{Protocol: p, Host: host, Port: p.DefaultPort(st), SocketType: st, Username: user, Auth: auth}
}

// ssl is POP3 over implicit TLS, port 995.
func ssl(host, user string, auth ...string) settings.Server {
	return server(settings.POP3, host, settings.SSL, user, auth...)
}

// starttls is POP3 with STLS, port 110.
func starttls(host, user string, auth ...string) settings.Server {
	return server(settings.POP3, host, settings.STARTTLS, user, auth...)
}

// imap is IMAP over implicit TLS, port 993.
func imap(host, user string, auth ...string) settings.Server {
	return server(settings.IMAP, host, settings.SSL, user, auth...)
}

// imapSTARTTLS is IMAP with STARTTLS, port 143.
func imapSTARTTLS(host, user string, auth ...string) settings.Server {
	return server(settings.IMAP, host, settings.STARTTLS, user, auth...)
}

// smtps is message submission over implicit TLS, port 465 (RFC 8314).
func smtps(host, user string, auth ...string) settings.Server {
	return server(settings.SMTP, host, settings.SSL, user, auth...)
}

// submission is message submission with STARTTLS, port 587 (RFC 6409).
func submission(host, user string, auth ...string) settings.Server {
	return server(settings.SMTP, host, settings.STARTTLS, user, auth...)
}

func notes(keys ...string) []i18n.Msg {
	out := make([]i18n.Msg, len(keys))
	for i, k := range keys {
		out[i] = i18n.M(k)
	}
	return out
}

// without says, by protocol, why the provider does not offer it.
func without(key string, protocols ...settings.Protocol) map[settings.Protocol]i18n.Msg {
	out := map[settings.Protocol]i18n.Msg{}
	for _, p := range protocols {
		out[p] = i18n.M(key)
	}
	return out
}

func merge(ms ...map[settings.Protocol]i18n.Msg) map[settings.Protocol]i18n.Msg {
	out := map[settings.Protocol]i18n.Msg{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// builtin is the table. Each entry was checked against the provider's own
// help page, the first of its Docs; where Thunderbird's ISP database also
// lists the provider, a test checks that the two agree.
func builtin() []*Provider {
	return []*Provider{
		{
			ID: "gmail", Name: "Gmail", NameZH: "谷歌邮箱",
			Domains: []string{"gmail.com", "googlemail.com"},
			MX:      []string{"aspmx.l.google.com", "*.aspmx.l.google.com", "*.googlemail.com", "smtp.google.com"},
			Servers: []settings.Server{
				ssl("pop.gmail.com", emailAddress, oauth2, pwClear),
				imap("imap.gmail.com", emailAddress, oauth2, pwClear),
				smtps("smtp.gmail.com", emailAddress, oauth2, pwClear),
				submission("smtp.gmail.com", emailAddress, oauth2, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPassword, i18n.NoteWorkspaceAdmin),
			Docs:  []string{"https://support.google.com/mail/answer/7104828", "https://support.google.com/accounts/answer/185833"},
		},
		{
			ID: "outlook", Name: "Outlook.com (Hotmail, Live, MSN)", NameZH: "Outlook 邮箱",
			Domains: []string{
				"outlook.com", "hotmail.com", "live.com", "msn.com", "windowslive.com", "passport.com",
				"outlook.at", "outlook.be", "outlook.cl", "outlook.co.id", "outlook.co.il", "outlook.co.nz",
				"outlook.co.th", "outlook.com.ar", "outlook.com.au", "outlook.com.br", "outlook.com.gr",
				"outlook.com.tr", "outlook.com.vn", "outlook.cz", "outlook.de", "outlook.dk", "outlook.es",
				"outlook.fr", "outlook.hu", "outlook.ie", "outlook.in", "outlook.it", "outlook.jp",
				"outlook.kr", "outlook.lv", "outlook.my", "outlook.ph", "outlook.pt", "outlook.sa",
				"outlook.sg", "outlook.sk",
				"hotmail.be", "hotmail.ca", "hotmail.ch", "hotmail.cl", "hotmail.co.jp", "hotmail.co.uk",
				"hotmail.com.ar", "hotmail.com.au", "hotmail.com.br", "hotmail.com.mx", "hotmail.de",
				"hotmail.dk", "hotmail.es", "hotmail.fi", "hotmail.fr", "hotmail.gr", "hotmail.it",
				"hotmail.nl", "hotmail.no", "hotmail.se",
				"live.at", "live.be", "live.ca", "live.cl", "live.cn", "live.co.uk", "live.com.ar",
				"live.com.au", "live.com.mx", "live.de", "live.dk", "live.fr", "live.ie", "live.in",
				"live.it", "live.jp", "live.nl", "live.no", "live.ru", "live.se",
			},
			MX: []string{"*.olc.protection.outlook.com"},
			Servers: []settings.Server{
				ssl("outlook.office365.com", emailAddress, oauth2),
				imap("outlook.office365.com", emailAddress, oauth2),
				submission("smtp-mail.outlook.com", emailAddress, oauth2),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteOAuth2Only),
			Docs:  []string{"https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040"},
		},
		{
			ID: "microsoft365", Name: "Microsoft 365 (Exchange Online)", NameZH: "微软 Microsoft 365",
			Domains: []string{"onmicrosoft.com"},
			MX:      []string{"*.mail.protection.outlook.com", "*.mx.microsoft"},
			Servers: []settings.Server{
				ssl("outlook.office365.com", emailAddress, oauth2),
				imap("outlook.office365.com", emailAddress, oauth2),
				submission("smtp.office365.com", emailAddress, oauth2),
			},
			Notes: notes(i18n.NoteWorkspaceAdmin, i18n.NoteOAuth2Only),
			Docs:  []string{"https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-8361e398-8af4-4e97-b147-6c6c4ac95353"},
		},
		{
			ID: "yahoo", Name: "Yahoo Mail", NameZH: "雅虎邮箱",
			Domains: []string{
				"yahoo.com", "ymail.com", "rocketmail.com", "yahoo.ca", "yahoo.co.in", "yahoo.co.uk",
				"yahoo.co.nz", "yahoo.com.ar", "yahoo.com.au", "yahoo.com.br", "yahoo.com.hk",
				"yahoo.com.mx", "yahoo.com.sg", "yahoo.com.tw", "yahoo.de", "yahoo.es", "yahoo.fr",
				"yahoo.ie", "yahoo.it", "yahoo.se",
			},
			Servers: []settings.Server{
				ssl("pop.mail.yahoo.com", emailAddress, oauth2, pwClear),
				imap("imap.mail.yahoo.com", emailAddress, oauth2, pwClear),
				smtps("smtp.mail.yahoo.com", emailAddress, oauth2, pwClear),
				submission("smtp.mail.yahoo.com", emailAddress, oauth2, pwClear),
			},
			Notes: notes(i18n.NoteAppPassword),
			Docs:  []string{"https://help.yahoo.com/kb/SLN4724.html"},
		},
		{
			ID: "aol", Name: "AOL Mail",
			Domains: []string{"aol.com", "aim.com", "aol.co.uk", "aol.de", "aol.fr", "aol.it", "aol.es", "verizon.net"},
			Servers: []settings.Server{
				ssl("pop.aol.com", emailAddress, oauth2, pwClear),
				imap("imap.aol.com", emailAddress, oauth2, pwClear),
				smtps("smtp.aol.com", emailAddress, oauth2, pwClear),
				submission("smtp.aol.com", emailAddress, oauth2, pwClear),
			},
			Notes: notes(i18n.NoteAppPassword),
			Docs:  []string{"https://help.aol.com/articles/how-do-i-use-other-email-applications-to-send-and-receive-my-aol-mail"},
		},
		{
			ID: "icloud", Name: "iCloud Mail", NameZH: "iCloud 邮件",
			Domains: []string{"icloud.com", "me.com", "mac.com"},
			MX:      []string{"mx0?.mail.icloud.com"},
			Servers: []settings.Server{
				imap("imap.mail.me.com", localPart, pwClear),
				submission("smtp.mail.me.com", emailAddress, pwClear),
			},
			Without: without(i18n.NoPOPiCloud, settings.POP3),
			Docs:    []string{"https://support.apple.com/en-us/102525"},
		},
		{
			ID: "gmx", Name: "GMX (gmx.net, gmx.de)",
			Domains: []string{"gmx.net", "gmx.de", "gmx.at", "gmx.ch", "gmx.eu", "gmx.org", "gmx.info", "gmx.biz"},
			Servers: []settings.Server{
				ssl("pop.gmx.net", emailAddress, pwClear), starttls("pop.gmx.net", emailAddress, pwClear),
				imap("imap.gmx.net", emailAddress, pwClear),
				imapSTARTTLS("imap.gmx.net", emailAddress, pwClear),
				smtps("mail.gmx.net", emailAddress, pwClear),
				submission("mail.gmx.net", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP),
			Docs:  []string{"https://hilfe.gmx.net/pop-imap/pop3/serverdaten.html"},
		},
		{
			ID: "gmx-com", Name: "GMX (gmx.com)",
			Domains: []string{"gmx.com", "gmx.us", "gmx.co.uk", "gmx.fr", "gmx.es", "gmx.ca"},
			Servers: []settings.Server{
				ssl("pop.gmx.com", emailAddress, pwClear), starttls("pop.gmx.com", emailAddress, pwClear),
				imap("imap.gmx.com", emailAddress, pwClear),
				imapSTARTTLS("imap.gmx.com", emailAddress, pwClear),
				smtps("mail.gmx.com", emailAddress, pwClear),
				submission("mail.gmx.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP),
			Docs:  []string{"https://support.gmx.com/pop-imap/pop3/serverdata.html"},
		},
		{
			ID: "mail-com", Name: "mail.com",
			Domains: []string{"mail.com", "email.com", "usa.com", "post.com", "consultant.com", "engineer.com"},
			Servers: []settings.Server{
				ssl("pop.mail.com", emailAddress, pwClear), starttls("pop.mail.com", emailAddress, pwClear),
				imap("imap.mail.com", emailAddress, pwClear),
				imapSTARTTLS("imap.mail.com", emailAddress, pwClear),
				smtps("smtp.mail.com", emailAddress, pwClear),
				submission("smtp.mail.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP),
			Docs:  []string{"https://support.mail.com/pop-imap/pop3/serverdata.html"},
		},
		{
			ID: "webde", Name: "WEB.DE",
			Domains: []string{"web.de"},
			Servers: []settings.Server{
				ssl("pop3.web.de", emailAddress, pwClear), starttls("pop3.web.de", emailAddress, pwClear),
				imap("imap.web.de", emailAddress, pwClear),
				imapSTARTTLS("imap.web.de", emailAddress, pwClear),
				submission("smtp.web.de", emailAddress, pwClear),
				smtps("smtp.web.de", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP),
			Docs:  []string{"https://hilfe.web.de/pop-imap/pop3/serverdaten.html"},
		},
		{
			ID: "t-online", Name: "T-Online (Telekom)",
			Domains: []string{"t-online.de", "magenta.de"},
			Servers: []settings.Server{
				ssl("securepop.t-online.de", emailAddress, pwClear),
				imap("secureimap.t-online.de", emailAddress, pwClear),
				smtps("securesmtp.t-online.de", emailAddress, pwClear),
				submission("securesmtp.t-online.de", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEmailPassword),
			Docs:  []string{"https://www.telekom.de/hilfe/festnetz-internet-tv/e-mail/e-mail-server-e-mail-protokolle-und-e-mail-einrichtung/posteingangsserver-und-postausgangsserver"},
		},
		{
			ID: "yandex", Name: "Yandex Mail (Yandex 360)", NameZH: "Yandex 邮箱",
			Domains: []string{"yandex.ru", "yandex.com", "ya.ru", "yandex.by", "yandex.kz", "yandex.ua", "narod.ru"},
			MX:      []string{"mx.yandex.net", "mx.yandex.ru"},
			Servers: []settings.Server{
				ssl("pop.yandex.com", emailAddress, oauth2, pwClear),
				imap("imap.yandex.com", emailAddress, oauth2, pwClear),
				smtps("smtp.yandex.com", emailAddress, oauth2, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPassword),
			Docs:  []string{"https://yandex.com/support/mail/mail-clients/others.html"},
		},
		{
			ID: "mailru", Name: "Mail.ru (VK WorkMail)",
			Domains: []string{"mail.ru", "inbox.ru", "list.ru", "bk.ru", "internet.ru"},
			MX:      []string{"emx.mail.ru", "mxs.mail.ru"},
			Servers: []settings.Server{
				ssl("pop.mail.ru", emailAddress, oauth2, pwClear),
				imap("imap.mail.ru", emailAddress, oauth2, pwClear),
				smtps("smtp.mail.ru", emailAddress, oauth2, pwClear),
			},
			Notes: notes(i18n.NoteAppPassword),
			Docs:  []string{"https://help.mail.ru/mail/mailer/popsmtp"},
		},
		{
			ID: "zoho", Name: "Zoho Mail (personal)",
			Domains: []string{"zoho.com", "zohomail.com"},
			Servers: []settings.Server{
				ssl("pop.zoho.com", emailAddress, pwClear),
				imap("imap.zoho.com", emailAddress, pwClear),
				smtps("smtp.zoho.com", emailAddress, pwClear),
				submission("smtp.zoho.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPassword),
			Docs:  []string{"https://www.zoho.com/mail/help/pop-access.html"},
		},
		{
			ID: "zoho-org", Name: "Zoho Mail (organization)",
			MX: []string{"mx.zoho.com", "mx2.zoho.com", "mx3.zoho.com"},
			Servers: []settings.Server{
				ssl("poppro.zoho.com", emailAddress, pwClear),
				imap("imappro.zoho.com", emailAddress, pwClear),
				smtps("smtppro.zoho.com", emailAddress, pwClear),
				submission("smtppro.zoho.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteWorkspaceAdmin, i18n.NoteAppPassword),
			Docs:  []string{"https://www.zoho.com/mail/help/pop-access.html"},
		},
		{
			ID: "zoho-eu", Name: "Zoho Mail (EU)",
			Domains: []string{"zoho.eu", "zohomail.eu"},
			MX:      []string{"mx.zoho.eu", "mx2.zoho.eu", "mx3.zoho.eu"},
			Servers: []settings.Server{
				ssl("pop.zoho.eu", emailAddress, pwClear),
				imap("imap.zoho.eu", emailAddress, pwClear),
				smtps("smtp.zoho.eu", emailAddress, pwClear),
				submission("smtp.zoho.eu", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPassword),
			Docs:  []string{"https://www.zoho.com/mail/help/pop-access.html"},
		},
		{
			ID: "fastmail", Name: "Fastmail",
			Domains: []string{"fastmail.com", "fastmail.fm", "fastmail.cn", "fastmail.de", "fastmail.jp", "fastmail.uk", "fastmail.us", "sent.com", "messagingengine.com"},
			MX:      []string{"*.messagingengine.com"},
			Servers: []settings.Server{
				ssl("pop.fastmail.com", emailAddress, oauth2, pwClear),
				imap("imap.fastmail.com", emailAddress, oauth2, pwClear),
				smtps("smtp.fastmail.com", emailAddress, oauth2, pwClear),
				submission("smtp.fastmail.com", emailAddress, oauth2, pwClear),
			},
			Notes: notes(i18n.NoteAppPassword),
			Docs:  []string{"https://www.fastmail.help/hc/en-us/articles/1500000278342-Server-names-and-ports"},
		},
		{
			ID: "proton", Name: "Proton Mail",
			Domains: []string{"proton.me", "protonmail.com", "protonmail.ch", "pm.me"},
			MX:      []string{"mail.protonmail.ch", "mailsec.protonmail.ch"},
			Without: merge(without(i18n.NoPOPProton, settings.POP3), without(i18n.NoDirectProton, settings.IMAP, settings.SMTP)),
			Docs:    []string{"https://proton.me/support/protonmail-bridge-clients"},
		},
		{
			ID: "qq", Name: "QQ Mail", NameZH: "QQ邮箱",
			Domains: []string{"qq.com", "vip.qq.com"},
			Servers: []settings.Server{
				ssl("pop.qq.com", emailAddress, pwClear),
				imap("imap.qq.com", emailAddress, pwClear),
				smtps("smtp.qq.com", emailAddress, pwClear),
				submission("smtp.qq.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAuthCode),
			Docs:  []string{"https://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=371", "https://service.mail.qq.com/detail/0/75"},
		},
		{
			ID: "foxmail", Name: "Foxmail (QQ Mail)", NameZH: "Foxmail 邮箱（QQ邮箱）",
			Domains: []string{"foxmail.com"},
			Servers: []settings.Server{
				ssl("pop.qq.com", emailAddress, pwClear),
				imap("imap.qq.com", emailAddress, pwClear),
				smtps("smtp.qq.com", emailAddress, pwClear),
				submission("smtp.qq.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAuthCode),
			Docs:  []string{"https://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=371", "https://service.mail.qq.com/detail/0/75"},
		},
		{
			ID: "exmail", Name: "Tencent Exmail (QQ enterprise mail)", NameZH: "腾讯企业邮",
			Domains: []string{"exmail.qq.com"},
			MX:      []string{"mxbiz1.qq.com", "mxbiz2.qq.com"},
			Servers: []settings.Server{
				ssl("pop.exmail.qq.com", emailAddress, pwClear),
				imap("imap.exmail.qq.com", emailAddress, pwClear),
				smtps("smtp.exmail.qq.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteClientPassword),
			Docs:  []string{"https://service.exmail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1000585"},
		},
		{
			ID: "netease-163", Name: "NetEase 163 Mail", NameZH: "网易163邮箱",
			Domains: []string{"163.com"},
			Servers: []settings.Server{
				ssl("pop.163.com", emailAddress, pwClear),
				imap("imap.163.com", emailAddress, pwClear),
				smtps("smtp.163.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAuthCode),
			Docs:  []string{"https://help.mail.163.com/faqDetail.do?code=d7a5dc8471cd0c0e8b4b8f4f8e49998b374173cfe9171305fa1ce630d7f67ac21b87735d7227c217"},
		},
		{
			ID: "netease-126", Name: "NetEase 126 Mail", NameZH: "网易126邮箱",
			Domains: []string{"126.com"},
			Servers: []settings.Server{
				ssl("pop.126.com", emailAddress, pwClear),
				imap("imap.126.com", emailAddress, pwClear),
				smtps("smtp.126.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAuthCode),
			Docs:  []string{"https://help.mail.163.com/faqDetail.do?code=d7a5dc8471cd0c0e8b4b8f4f8e49998b374173cfe9171305fa1ce630d7f67ac21b87735d7227c217"},
		},
		{
			ID: "netease-yeah", Name: "NetEase yeah.net Mail", NameZH: "网易yeah.net邮箱",
			Domains: []string{"yeah.net"},
			Servers: []settings.Server{
				ssl("pop.yeah.net", emailAddress, pwClear),
				imap("imap.yeah.net", emailAddress, pwClear),
				smtps("smtp.yeah.net", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAuthCode),
			Docs:  []string{"https://help.mail.163.com/faqDetail.do?code=d7a5dc8471cd0c0e8b4b8f4f8e49998b374173cfe9171305fa1ce630d7f67ac21b87735d7227c217"},
		},
		{
			ID: "netease-qiye", Name: "NetEase Enterprise Mail", NameZH: "网易企业邮箱",
			Domains: []string{"qiye.163.com"},
			MX:      []string{"*.qiye.163.com", "qiye163mx0?.mxmail.netease.com"},
			Servers: []settings.Server{
				ssl("pop.qiye.163.com", emailAddress, pwClear),
				imap("imap.qiye.163.com", emailAddress, pwClear),
				smtps("smtp.qiye.163.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteClientPassword),
			Docs:  []string{"https://qiye.163.com/help/client-profile.html", "https://qiye.163.com/help/af988e.html"},
		},
		{
			ID: "sina", Name: "Sina Mail", NameZH: "新浪邮箱",
			Domains: []string{"sina.com"},
			Servers: []settings.Server{
				ssl("pop.sina.com", emailAddress, pwClear),
				imap("imap.sina.com", emailAddress, pwClear),
				smtps("smtp.sina.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAuthCode),
			Docs:  []string{"https://help.sina.com.cn/comquestiondetail/view/1566/"},
		},
		{
			ID: "sina-cn", Name: "Sina Mail (sina.cn)", NameZH: "新浪邮箱（sina.cn）",
			Domains: []string{"sina.cn"},
			Servers: []settings.Server{
				ssl("pop.sina.cn", emailAddress, pwClear),
				imap("imap.sina.cn", emailAddress, pwClear),
				smtps("smtp.sina.cn", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAuthCode),
			Docs:  []string{"https://help.sina.com.cn/comquestiondetail/view/1566/"},
		},
		{
			ID: "sina-vip", Name: "Sina VIP Mail", NameZH: "新浪VIP邮箱",
			Domains: []string{"vip.sina.com"},
			Servers: []settings.Server{
				ssl("pop3.vip.sina.com", emailAddress, pwClear),
				imap("imap.vip.sina.com", emailAddress, pwClear),
				smtps("smtp.vip.sina.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAuthCode),
			Docs:  []string{"https://help.sina.com.cn/comquestiondetail/view/1566/"},
		},
		{
			ID: "sohu", Name: "Sohu Mail", NameZH: "搜狐邮箱",
			Domains: []string{"sohu.com"},
			Servers: []settings.Server{
				ssl("pop3.sohu.com", emailAddress, pwClear),
				imap("imap.sohu.com", emailAddress, pwClear),
				smtps("smtp.sohu.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAuthCode),
			Docs:  []string{"https://mail.sohu.com/fe/#/help"},
		},
		{
			ID: "aliyun", Name: "Aliyun Mail (personal)", NameZH: "阿里邮箱（个人版）",
			Domains: []string{"aliyun.com"},
			Servers: []settings.Server{
				ssl("pop3.aliyun.com", emailAddress, pwClear),
				imap("imap.aliyun.com", emailAddress, pwClear),
				smtps("smtp.aliyun.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP),
			Docs:  []string{"https://help.aliyun.com/document_detail/36576.html"},
		},
		{
			ID: "alimail", Name: "Alibaba Mail (enterprise)", NameZH: "阿里企业邮箱",
			Domains: []string{"qiye.aliyun.com"},
			MX:      []string{"*.qiye.aliyun.com", "*.mxhichina.com"},
			Servers: []settings.Server{
				ssl("pop.qiye.aliyun.com", emailAddress, pwClear),
				imap("imap.qiye.aliyun.com", emailAddress, pwClear),
				smtps("smtp.qiye.aliyun.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteClientPassword),
			Docs:  []string{"https://help.aliyun.com/document_detail/36576.html"},
		},
		{
			ID: "139", Name: "139 Mail (China Mobile)", NameZH: "139邮箱（中国移动）",
			Domains: []string{"139.com"},
			Servers: []settings.Server{
				ssl("pop.139.com", emailAddress, pwClear),
				imap("imap.139.com", emailAddress, pwClear),
				smtps("smtp.139.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAuthCode),
			Docs:  []string{"https://help.mail.10086.cn/statichtml/1/Content/3148.html"},
		},
		{
			ID: "189", Name: "189 Mail (China Telecom)", NameZH: "189邮箱（中国电信）",
			Domains: []string{"189.cn"},
			Servers: []settings.Server{
				ssl("pop.189.cn", emailAddress, pwClear),
				imap("imap.189.cn", emailAddress, pwClear),
				smtps("smtp.189.cn", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAuthCode),
			Docs:  []string{"https://webmail30.189.cn/w2/help/"},
		},
		{
			ID: "naver", Name: "Naver Mail", NameZH: "Naver 邮箱",
			Domains: []string{"naver.com"},
			Servers: []settings.Server{
				ssl("pop.naver.com", emailAddress, pwClear),
				imap("imap.naver.com", emailAddress, pwClear),
				smtps("smtp.naver.com", emailAddress, pwClear),
				submission("smtp.naver.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPassword),
			Docs:  []string{"https://help.naver.com/service/5626/contents/18737"},
		},
		{
			ID: "daum", Name: "Daum Mail (Kakao)", NameZH: "Daum 邮箱（Kakao）",
			Domains: []string{"daum.net", "hanmail.net"},
			Servers: []settings.Server{
				ssl("pop.daum.net", emailAddress, pwClear),
				imap("imap.daum.net", emailAddress, pwClear),
				smtps("smtp.daum.net", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPassword),
			Docs:  []string{"https://cs.daum.net/faq/43/11479.html"},
		},
		{
			ID: "kakao", Name: "Kakao Mail", NameZH: "Kakao 邮箱",
			Domains: []string{"kakao.com"},
			Servers: []settings.Server{
				ssl("pop.kakao.com", emailAddress, pwClear),
				imap("imap.kakao.com", emailAddress, pwClear),
				smtps("smtp.kakao.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPassword),
			Docs:  []string{"https://cs.kakao.com/helps?service=100&category=358"},
		},
		{
			ID: "comcast", Name: "Xfinity (Comcast)",
			Domains: []string{"comcast.net"},
			Servers: []settings.Server{
				ssl("mail.comcast.net", emailAddress, oauth2, pwClear), starttls("mail.comcast.net", emailAddress, oauth2, pwClear),
				imap("imap.comcast.net", emailAddress, oauth2, pwClear),
				imapSTARTTLS("imap.comcast.net", emailAddress, oauth2, pwClear),
				smtps("smtp.comcast.net", emailAddress, oauth2, pwClear),
				submission("smtp.comcast.net", emailAddress, oauth2, pwClear),
			},
			Docs: []string{"https://www.xfinity.com/support/articles/email-client-programs-with-xfinity-email"},
		},
		{
			ID: "att", Name: "AT&T Mail",
			Domains: []string{"att.net", "sbcglobal.net", "bellsouth.net", "pacbell.net", "prodigy.net", "swbell.net", "ameritech.net", "flash.net", "snet.net", "nvbell.net", "wans.net"},
			Servers: []settings.Server{
				ssl("inbound.att.net", emailAddress, oauth2, pwClear),
				imap("imap.mail.att.net", emailAddress, oauth2, pwClear),
				smtps("smtp.mail.att.net", emailAddress, oauth2, pwClear),
				smtps("outbound.att.net", emailAddress, oauth2, pwClear),
			},
			Notes: notes(i18n.NoteAppPassword),
			Docs:  []string{"https://www.att.com/support/article/email-support/KM1010523/"},
		},
		{
			ID: "seznam", Name: "Seznam Email",
			Domains: []string{"seznam.cz", "email.cz", "post.cz", "spoluzaci.cz"},
			Servers: []settings.Server{
				ssl("pop3.seznam.cz", emailAddress, pwClear),
				imap("imap.seznam.cz", emailAddress, pwClear),
				smtps("smtp.seznam.cz", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP),
			Docs:  []string{"https://napoveda.seznam.cz/cz/email/imap-pop3-smtp/"},
		},
		{
			ID: "yahoo-jp", Name: "Yahoo! JAPAN Mail", NameZH: "雅虎日本邮箱",
			Domains: []string{"yahoo.co.jp"},
			Servers: []settings.Server{
				ssl("pop.mail.yahoo.co.jp", localPart, pwClear),
				imap("imap.mail.yahoo.co.jp", localPart, pwClear),
				smtps("smtp.mail.yahoo.co.jp", localPart, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP),
			Docs:  []string{"https://support.yahoo-net.jp/PccMail/s/article/H000007321"},
		},
	}
}
