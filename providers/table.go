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
	pwEncrypted  = "password-encrypted"
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

// zohoPersonal is a Zoho data centre outside the US for personal accounts
// on its own domains: pop.<centre>.
func zohoPersonal(id, name, region, domain string, more ...string) *Provider {
	return &Provider{
		ID: id, Name: "Zoho Mail (" + name + ")", Region: region,
		Domains: append([]string{domain}, more...),
		Servers: []settings.Server{
			ssl("pop."+domain, emailAddress, pwClear),
			imap("imap."+domain, emailAddress, pwClear),
			smtps("smtp."+domain, emailAddress, pwClear),
			submission("smtp."+domain, emailAddress, pwClear),
		},
		Notes: notes(i18n.NoteEnablePOP, i18n.NoteZohoFreeNoPOP, i18n.NoteAppPassword, i18n.NoteZohoPOP),
		Docs:  []string{"https://www.zoho.com/mail/help/pop-access.html", "https://help.zoho.com/portal/kb/articles/manage-application-specific-passwords"},
	}
}

// zohoOrg is the same data centre for organizations, found by their MX
// hosts (mx.<centre>): their servers carry "pro" (poppro.zoho.eu, not
// pop.zoho.eu), as Zoho's POP page gives them.
func zohoOrg(id, name, region, domain string) *Provider {
	return &Provider{
		ID: id, Name: "Zoho Mail (organization, " + name + ")", Region: region,
		MX: []string{"mx." + domain, "mx2." + domain, "mx3." + domain},
		Servers: []settings.Server{
			ssl("poppro."+domain, emailAddress, pwClear),
			imap("imappro."+domain, emailAddress, pwClear),
			smtps("smtppro."+domain, emailAddress, pwClear),
			submission("smtppro."+domain, emailAddress, pwClear),
		},
		Notes: notes(i18n.NoteEnablePOP, i18n.NoteWorkspaceAdmin, i18n.NoteAppPassword, i18n.NoteZohoPOP),
		Docs:  []string{"https://www.zoho.com/mail/help/pop-access.html", "https://help.zoho.com/portal/kb/articles/manage-application-specific-passwords"},
	}
}

// builtin is the table. Each entry was checked against the provider's own
// help page, the first of its Docs; where Thunderbird's ISP database also
// lists the provider, a test checks that the two agree.
func builtin() []*Provider {
	return []*Provider{
		{
			ID: "gmail", Name: "Gmail", NameZH: "谷歌邮箱",
			Region:  "intl",
			Domains: []string{"gmail.com", "googlemail.com"},
			MX:      []string{"aspmx.l.google.com", "*.aspmx.l.google.com", "*.googlemail.com", "smtp.google.com"},
			Servers: []settings.Server{
				ssl("pop.gmail.com", emailAddress, oauth2, pwClear),
				imap("imap.gmail.com", emailAddress, oauth2, pwClear),
				smtps("smtp.gmail.com", emailAddress, oauth2, pwClear),
				submission("smtp.gmail.com", emailAddress, oauth2, pwClear),
			},
			// Google ended password-only ("less secure app") access: an app
			// password needs two-step verification, or the client signs in
			// with OAuth2.
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteGmailLogin, i18n.NoteWorkspaceAdmin, i18n.NoteGmailPOP),
			Docs:  []string{"https://support.google.com/mail/answer/7104828", "https://support.google.com/accounts/answer/185833", "https://support.google.com/accounts/answer/6010255"},
		},
		{
			ID: "outlook", Name: "Outlook.com (Hotmail, Live, MSN)", NameZH: "Outlook 邮箱",
			Region:  "intl",
			Domains: outlookDomains(),
			MX:      []string{"*.olc.protection.outlook.com"},
			Servers: []settings.Server{
				ssl("outlook.office365.com", emailAddress, oauth2),
				imap("outlook.office365.com", emailAddress, oauth2),
				submission("smtp-mail.outlook.com", emailAddress, oauth2),
			},
			// Microsoft's settings page: POP and IMAP access are off by
			// default, and Outlook.com requires OAuth2 (modern auth).
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteEnableIMAP, i18n.NoteOAuth2Only, i18n.NoteOutlookPOP),
			Docs:  []string{"https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040", "https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-8361e398-8af4-4e97-b147-6c6c4ac95353"},
		},
		{
			ID: "microsoft365", Name: "Microsoft 365 (Exchange Online)", NameZH: "微软 Microsoft 365",
			Region:  "intl",
			Domains: []string{"onmicrosoft.com"},
			MX:      []string{"*.mail.protection.outlook.com", "*.mx.microsoft"},
			Servers: []settings.Server{
				ssl("outlook.office365.com", emailAddress, oauth2),
				imap("outlook.office365.com", emailAddress, oauth2),
				submission("smtp.office365.com", emailAddress, oauth2),
			},
			Notes: notes(i18n.NoteWorkspaceAdmin, i18n.NoteOAuth2Only),
			// The page for work and school accounts, where the administrator
			// turns POP and IMAP on or off; the support.microsoft.com page
			// recorded before opens the consumer Outlook.com settings.
			Docs: []string{"https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/pop3-and-imap4"},
		},
		{
			ID: "yahoo", Name: "Yahoo Mail", NameZH: "雅虎邮箱",
			Region: "intl",
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
			// Yahoo's app-password page: a third-party app that does not use
			// Yahoo's own sign-in page needs an app password, two-step
			// verification or not.
			Notes: notes(i18n.NoteOAuth2OrAppPass),
			Docs:  []string{"https://help.yahoo.com/kb/SLN4724.html", "https://help.yahoo.com/kb/generate-manage-rd-party-passwords-sln15241.html"},
		},
		{
			ID: "aol", Name: "AOL Mail",
			Region:  "us",
			Domains: aolDomains(),
			Servers: []settings.Server{
				ssl("pop.aol.com", emailAddress, oauth2, pwClear),
				imap("imap.aol.com", emailAddress, oauth2, pwClear),
				smtps("smtp.aol.com", emailAddress, oauth2, pwClear),
				submission("smtp.aol.com", emailAddress, oauth2, pwClear),
			},
			// AOL's app-password page says what Yahoo's does.
			Notes: notes(i18n.NoteOAuth2OrAppPass),
			Docs:  []string{"https://help.aol.com/articles/how-do-i-use-other-email-applications-to-send-and-receive-my-aol-mail", "https://help.aol.com/articles/Create-and-manage-app-password"},
		},
		{
			ID: "icloud", Name: "iCloud Mail", NameZH: "iCloud 邮件",
			Region:  "intl",
			Domains: []string{"icloud.com", "me.com", "mac.com"},
			MX:      []string{"mx0?.mail.icloud.com"},
			Servers: []settings.Server{
				imap("imap.mail.me.com", localPart, pwClear),
				submission("smtp.mail.me.com", emailAddress, pwClear),
			},
			Without: without(i18n.NoPOPiCloud, settings.POP3),
			Notes:   notes(i18n.NoteICloudAppPassword),
			Docs:    []string{"https://support.apple.com/en-us/102525", "https://support.apple.com/en-us/102654"},
		},
		{
			ID: "gmx", Name: "GMX (gmx.net, gmx.de)",
			Region:  "de",
			Domains: []string{"gmx.net", "gmx.de", "gmx.at", "gmx.ch", "gmx.eu", "gmx.org", "gmx.info", "gmx.biz"},
			Servers: []settings.Server{
				ssl("pop.gmx.net", emailAddress, pwClear), starttls("pop.gmx.net", emailAddress, pwClear),
				imap("imap.gmx.net", emailAddress, pwClear),
				imapSTARTTLS("imap.gmx.net", emailAddress, pwClear),
				smtps("mail.gmx.net", emailAddress, pwClear),
				submission("mail.gmx.net", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPassword),
			Docs:  []string{"https://hilfe.gmx.net/pop-imap/pop3/serverdaten.html", "https://hilfe.gmx.net/sicherheit/2fa/anwendungsspezifisches-passwort.html"},
		},
		{
			ID: "gmx-com", Name: "GMX (gmx.com)",
			Region:  "intl",
			Domains: gmxComDomains(),
			Servers: []settings.Server{
				ssl("pop.gmx.com", emailAddress, pwClear), starttls("pop.gmx.com", emailAddress, pwClear),
				imap("imap.gmx.com", emailAddress, pwClear),
				imapSTARTTLS("imap.gmx.com", emailAddress, pwClear),
				smtps("mail.gmx.com", emailAddress, pwClear),
				submission("mail.gmx.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPassword),
			Docs:  []string{"https://support.gmx.com/pop-imap/pop3/serverdata.html", "https://www.gmx.com/security/2fa/"},
		},
		{
			ID: "mail-com", Name: "mail.com",
			Region:  "intl",
			Domains: mailComDomains(),
			Servers: []settings.Server{
				ssl("pop.mail.com", emailAddress, pwClear), starttls("pop.mail.com", emailAddress, pwClear),
				imap("imap.mail.com", emailAddress, pwClear),
				imapSTARTTLS("imap.mail.com", emailAddress, pwClear),
				smtps("smtp.mail.com", emailAddress, pwClear),
				submission("smtp.mail.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPassword),
			Docs:  []string{"https://support.mail.com/pop-imap/pop3/serverdata.html", "https://support.mail.com/security/2fa/application-specific-passwords.html"},
		},
		{
			ID: "webde", Name: "WEB.DE",
			Region:  "de",
			Domains: []string{"web.de"},
			// The login name is the local part: the ISPDB and other mail
			// clients' databases agree on it. WEB.DE's own server page could
			// not be checked from the stored copies; the full address was
			// given here before, on no source.
			Servers: []settings.Server{
				ssl("pop3.web.de", localPart, pwClear), starttls("pop3.web.de", localPart, pwClear),
				imap("imap.web.de", localPart, pwClear),
				imapSTARTTLS("imap.web.de", localPart, pwClear),
				submission("smtp.web.de", localPart, pwClear),
				smtps("smtp.web.de", localPart, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPassword),
			Docs:  []string{"https://hilfe.web.de/pop-imap/pop3/serverdaten.html", "https://web.de/email/sicherheit/zwei-faktor-authentifizierung/"},
		},
		{
			ID: "t-online", Name: "T-Online (Telekom)",
			Region:  "de",
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
			Region:  "ru",
			Domains: []string{"yandex.ru", "yandex.com", "ya.ru", "yandex.by", "yandex.kz", "yandex.ua", "narod.ru"},
			MX:      []string{"mx.yandex.net", "mx.yandex.ru"},
			// POP3 takes a password (an app password), not OAuth2; the ISPDB
			// lists password login alone for all three protocols.
			Servers: []settings.Server{
				ssl("pop.yandex.com", emailAddress, pwClear),
				imap("imap.yandex.com", emailAddress, pwClear),
				smtps("smtp.yandex.com", emailAddress, pwClear),
			},
			// Yandex's app-password page lists mail clients among the
			// programs that need an app password.
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPasswordAlways, i18n.NoteYandexPOP),
			Docs:  []string{"https://yandex.com/support/mail/mail-clients/others.html", "https://yandex.com/support/passport/authorization/app-passwords.html"},
		},
		{
			ID: "mailru", Name: "Mail.ru (VK WorkMail)",
			Region:  "ru",
			Domains: []string{"mail.ru", "inbox.ru", "list.ru", "bk.ru", "internet.ru"},
			MX:      []string{"emx.mail.ru", "mxs.mail.ru"},
			Servers: []settings.Server{
				ssl("pop.mail.ru", emailAddress, oauth2, pwClear),
				imap("imap.mail.ru", emailAddress, oauth2, pwClear),
				smtps("smtp.mail.ru", emailAddress, pwClear),
			},
			// Mail.ru requires a "password for external apps" for every mail
			// client, two-step verification or not: its SMTP server refuses
			// the account password with "535 5.7.0 ... Application password
			// is REQUIRED" and names the second page in Docs. The text of
			// help.mail.ru's pages could not be read from the stored copies;
			// the servers agree with the ISPDB.
			Notes: notes(i18n.NoteExternalPassword),
			Docs:  []string{"https://help.mail.ru/mail/mailer/popsmtp", "https://help.mail.ru/mail/security/protection/external"},
		},
		{
			ID: "zoho", Name: "Zoho Mail (personal)",
			Region:  "intl",
			Domains: []string{"zoho.com", "zohomail.com"},
			Servers: []settings.Server{
				ssl("pop.zoho.com", emailAddress, pwClear),
				imap("imap.zoho.com", emailAddress, pwClear),
				smtps("smtp.zoho.com", emailAddress, pwClear),
				submission("smtp.zoho.com", emailAddress, pwClear),
			},
			// Zoho's POP page: POP is not available on free accounts created
			// since 2019.
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteZohoFreeNoPOP, i18n.NoteAppPassword, i18n.NoteZohoPOP),
			Docs:  []string{"https://www.zoho.com/mail/help/pop-access.html", "https://help.zoho.com/portal/kb/articles/manage-application-specific-passwords"},
		},
		{
			ID: "zoho-org", Name: "Zoho Mail (organization)",
			Region: "intl",
			MX:     []string{"mx.zoho.com", "mx2.zoho.com", "mx3.zoho.com"},
			Servers: []settings.Server{
				ssl("poppro.zoho.com", emailAddress, pwClear),
				imap("imappro.zoho.com", emailAddress, pwClear),
				smtps("smtppro.zoho.com", emailAddress, pwClear),
				submission("smtppro.zoho.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteWorkspaceAdmin, i18n.NoteAppPassword, i18n.NoteZohoPOP),
			Docs:  []string{"https://www.zoho.com/mail/help/pop-access.html", "https://help.zoho.com/portal/kb/articles/manage-application-specific-passwords"},
		},
		// Zoho's other data centres: personal accounts on the data centre's
		// domains, organizations by their MX hosts, whose servers carry
		// "pro" (poppro.zoho.eu, not pop.zoho.eu), as Zoho's POP page gives
		// them for zoho.com and zoho.in.
		zohoPersonal("zoho-eu", "EU", "eu", "zoho.eu", "zohomail.eu"),
		zohoOrg("zoho-eu-org", "EU", "eu", "zoho.eu"),
		zohoPersonal("zoho-in", "India", "in", "zoho.in", "zohomail.in"),
		zohoOrg("zoho-in-org", "India", "in", "zoho.in"),
		zohoPersonal("zoho-au", "Australia", "au", "zoho.com.au", "zohomail.com.au"),
		zohoOrg("zoho-au-org", "Australia", "au", "zoho.com.au"),
		zohoPersonal("zoho-jp", "Japan", "jp", "zoho.jp", "zohomail.jp"),
		zohoOrg("zoho-jp-org", "Japan", "jp", "zoho.jp"),
		zohoPersonal("zoho-ca", "Canada", "ca", "zohocloud.ca", "zohomailcloud.ca"),
		zohoOrg("zoho-ca-org", "Canada", "ca", "zohocloud.ca"),
		{
			ID: "fastmail", Name: "Fastmail",
			Region:  "intl",
			Domains: []string{"fastmail.com", "fastmail.fm", "fastmail.cn", "fastmail.de", "fastmail.jp", "fastmail.uk", "fastmail.us", "sent.com", "messagingengine.com"},
			MX:      []string{"*.messagingengine.com"},
			Servers: []settings.Server{
				ssl("pop.fastmail.com", emailAddress, oauth2, pwClear),
				imap("imap.fastmail.com", emailAddress, oauth2, pwClear),
				smtps("smtp.fastmail.com", emailAddress, oauth2, pwClear),
				submission("smtp.fastmail.com", emailAddress, oauth2, pwClear),
			},
			// Fastmail accepts an app password alone from mail clients.
			Notes: notes(i18n.NoteAppPasswordAlways),
			Docs:  []string{"https://www.fastmail.help/hc/en-us/articles/1500000278342-Server-names-and-ports", "https://www.fastmail.help/hc/en-us/articles/1500000279921"},
		},
		{
			ID: "proton", Name: "Proton Mail",
			Region:  "ch",
			Domains: []string{"proton.me", "protonmail.com", "protonmail.ch", "pm.me"},
			MX:      []string{"mail.protonmail.ch", "mailsec.protonmail.ch"},
			Without: merge(without(i18n.NoPOPProton, settings.POP3), without(i18n.NoDirectProton, settings.IMAP, settings.SMTP)),
			Docs:    []string{"https://proton.me/support/protonmail-bridge-clients"},
		},
		{
			ID: "qq", Name: "QQ Mail", NameZH: "QQ邮箱",
			Region:  "cn",
			Domains: []string{"qq.com", "vip.qq.com"},
			Servers: []settings.Server{
				ssl("pop.qq.com", emailAddress, pwClear),
				imap("imap.qq.com", emailAddress, pwClear),
				smtps("smtp.qq.com", emailAddress, pwClear),
				submission("smtp.qq.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnableServices, i18n.NoteAuthCode),
			Docs:  []string{"https://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=371", "https://service.mail.qq.com/detail/0/75"},
		},
		{
			ID: "foxmail", Name: "Foxmail (QQ Mail)", NameZH: "Foxmail 邮箱（QQ邮箱）",
			Region:  "cn",
			Domains: []string{"foxmail.com"},
			Servers: []settings.Server{
				ssl("pop.qq.com", emailAddress, pwClear),
				imap("imap.qq.com", emailAddress, pwClear),
				smtps("smtp.qq.com", emailAddress, pwClear),
				submission("smtp.qq.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnableServices, i18n.NoteAuthCode),
			Docs:  []string{"https://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=371", "https://service.mail.qq.com/detail/0/75"},
		},
		{
			ID: "exmail", Name: "Tencent Exmail (QQ enterprise mail)", NameZH: "腾讯企业邮",
			Region:  "cn",
			Domains: []string{"exmail.qq.com"},
			MX:      []string{"mxbiz1.qq.com", "mxbiz2.qq.com"},
			// Tencent's client page (WeCom help 19886, "常用邮件客户端软件
			// POP/IMAP/EXCHANGE协议设置"): pop.exmail.qq.com SSL 995,
			// imap.exmail.qq.com SSL 993, smtp.exmail.qq.com SSL 465, the
			// full address as the login. The same page says clients abroad
			// need no hw* servers; the xc* servers are for 信创 mailboxes
			// only. The service.exmail.qq.com page recorded before now
			// forwards to the WeCom help centre.
			Servers: []settings.Server{
				ssl("pop.exmail.qq.com", emailAddress, pwClear),
				imap("imap.exmail.qq.com", emailAddress, pwClear),
				smtps("smtp.exmail.qq.com", emailAddress, pwClear),
			},
			// The page: the administrator sets which members may use the
			// POP/SMTP and IMAP/SMTP services (协作->邮件->安全管理->客户端
			// 访问权限); the member then turns the service on (设置->收发信
			// 设置->开启服务); with secure login on, the client logs in with
			// the client-only password from 设置->邮箱绑定 (help 19902).
			Notes: notes(i18n.NoteEnableServices, i18n.NoteAdminServices, i18n.NoteClientPassword),
			Docs:  []string{"https://open.work.weixin.qq.com/help2/pc/19886", "https://open.work.weixin.qq.com/help2/pc/19902"},
		},
		{
			ID: "netease-163", Name: "NetEase 163 Mail", NameZH: "网易163邮箱",
			Region:  "cn",
			Domains: []string{"163.com"},
			Servers: []settings.Server{
				ssl("pop.163.com", emailAddress, pwClear),
				imap("imap.163.com", emailAddress, pwClear),
				smtps("smtp.163.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnableServices, i18n.NoteAuthCode),
			Docs:  []string{"https://help.mail.163.com/faqDetail.do?code=d7a5dc8471cd0c0e8b4b8f4f8e49998b374173cfe9171305fa1ce630d7f67ac21b87735d7227c217"},
		},
		{
			ID: "netease-126", Name: "NetEase 126 Mail", NameZH: "网易126邮箱",
			Region:  "cn",
			Domains: []string{"126.com"},
			Servers: []settings.Server{
				ssl("pop.126.com", emailAddress, pwClear),
				imap("imap.126.com", emailAddress, pwClear),
				smtps("smtp.126.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnableServices, i18n.NoteAuthCode),
			Docs:  []string{"https://help.mail.163.com/faqDetail.do?code=d7a5dc8471cd0c0e8b4b8f4f8e49998b374173cfe9171305fa1ce630d7f67ac21b87735d7227c217"},
		},
		{
			ID: "netease-yeah", Name: "NetEase yeah.net Mail", NameZH: "网易yeah.net邮箱",
			Region:  "cn",
			Domains: []string{"yeah.net"},
			Servers: []settings.Server{
				ssl("pop.yeah.net", emailAddress, pwClear),
				imap("imap.yeah.net", emailAddress, pwClear),
				smtps("smtp.yeah.net", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnableServices, i18n.NoteAuthCode),
			Docs:  []string{"https://help.mail.163.com/faqDetail.do?code=d7a5dc8471cd0c0e8b4b8f4f8e49998b374173cfe9171305fa1ce630d7f67ac21b87735d7227c217"},
		},
		{
			ID: "netease-qiye", Name: "NetEase Enterprise Mail", NameZH: "网易企业邮箱",
			Region:  "cn",
			Domains: []string{"qiye.163.com"},
			MX:      []string{"*.qiye.163.com", "qiye163mx0?.mxmail.netease.com"},
			// The sources disagree: third-party guides give pop.qiye.163.com,
			// pophz.qiye.163.com (the Hangzhou servers) and
			// pop3.qiye.163.com; NetEase's own client page, first in Docs,
			// could not be checked from the stored copies. The table keeps
			// pop.qiye.163.com and offers the Hangzhou names as the
			// alternatives, so that a client that cannot reach one has the
			// other.
			Servers: []settings.Server{
				ssl("pop.qiye.163.com", emailAddress, pwClear),
				ssl("pophz.qiye.163.com", emailAddress, pwClear),
				imap("imap.qiye.163.com", emailAddress, pwClear),
				imap("imaphz.qiye.163.com", emailAddress, pwClear),
				smtps("smtp.qiye.163.com", emailAddress, pwClear),
				smtps("smtphz.qiye.163.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteClientPassword),
			Docs:  []string{"https://qiye.163.com/help/client-profile.html", "https://qiye.163.com/help/af988e.html"},
		},
		{
			ID: "sina", Name: "Sina Mail", NameZH: "新浪邮箱",
			Region:  "cn",
			Domains: []string{"sina.com"},
			// Not checked against Sina's own pages: the text of
			// help.sina.com.cn (1566, the 授权码 page in Docs; 160, which
			// other projects cite for the servers of all four Sina
			// domains) is not in the stored copies, and the ISPDB has no
			// Sina entry. Third-party guides agree on these servers.
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
			Region:  "cn",
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
			Region:  "cn",
			Domains: []string{"vip.sina.com"},
			// pop3.vip.sina.com, not pop.vip.sina.com: a third-party guide
			// gives pop3.vip.sina.com and smtp.vip.sina.com, as the table
			// does; Sina's help page, in Docs, could not be checked from the
			// stored copies.
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
			Region:  "cn",
			Domains: []string{"sohu.com"},
			// Not checked against Sohu's own pages: its help (in Docs) is a
			// script-rendered page with no stored copy, and the ISPDB has
			// no Sohu entry. Third-party guides agree on these servers.
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
			Region:  "cn",
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
			Region:  "cn",
			Domains: []string{"qiye.aliyun.com"},
			MX:      []string{"*.qiye.aliyun.com", "*.mxhichina.com"},
			Servers: []settings.Server{
				ssl("pop.qiye.aliyun.com", emailAddress, pwClear),
				imap("imap.qiye.aliyun.com", emailAddress, pwClear),
				smtps("smtp.qiye.aliyun.com", emailAddress, pwClear),
			},
			// Alibaba's SMTP page: turn SMTP access on first.
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteEnableSMTP, i18n.NoteClientPassword),
			Docs:  []string{"https://help.aliyun.com/document_detail/36576.html", "https://help.aliyun.com/en/document_detail/36687.html"},
		},
		{
			ID: "139", Name: "139 Mail (China Mobile)", NameZH: "139邮箱（中国移动）",
			Region:  "cn",
			Domains: []string{"139.com"},
			// Not checked against China Mobile's own pages: no text of
			// help.mail.10086.cn is in the stored copies (other projects
			// cite its pages 1/Content/858, 1/Content/3620 and
			// 9/Content/837 for the servers), and the ISPDB has no 139
			// entry. Third-party guides agree on these servers.
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
			Region:  "cn",
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
			Region:  "kr",
			Domains: []string{"naver.com"},
			Servers: []settings.Server{
				ssl("pop.naver.com", emailAddress, pwClear),
				imap("imap.naver.com", emailAddress, pwClear),
				// The ISPDB gives encrypted password login for SMTP.
				smtps("smtp.naver.com", emailAddress, pwEncrypted),
				submission("smtp.naver.com", emailAddress, pwEncrypted),
			},
			// Naver now requires an app password from every mail client,
			// with two-step verification or without.
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPasswordAlways),
			Docs:  []string{"https://help.naver.com/service/5626/contents/18737"},
		},
		{
			ID: "daum", Name: "Daum Mail (Kakao)", NameZH: "Daum 邮箱（Kakao）",
			Region:  "kr",
			Domains: []string{"daum.net", "hanmail.net"},
			Servers: []settings.Server{
				ssl("pop.daum.net", emailAddress, pwClear),
				imap("imap.daum.net", emailAddress, pwClear),
				smtps("smtp.daum.net", emailAddress, pwEncrypted),
			},
			Notes: notes(i18n.NoteEnablePOP, i18n.NoteAppPassword),
			Docs:  []string{"https://cs.daum.net/faq/43/11479.html"},
		},
		{
			ID: "kakao", Name: "Kakao Mail", NameZH: "Kakao 邮箱",
			Region:  "kr",
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
			Region:  "us",
			Domains: []string{"comcast.net"},
			Servers: []settings.Server{
				ssl("mail.comcast.net", emailAddress, oauth2, pwClear), starttls("mail.comcast.net", emailAddress, oauth2, pwClear),
				imap("imap.comcast.net", emailAddress, oauth2, pwClear),
				imapSTARTTLS("imap.comcast.net", emailAddress, oauth2, pwClear),
				smtps("smtp.comcast.net", emailAddress, oauth2, pwClear),
				submission("smtp.comcast.net", emailAddress, oauth2, pwClear),
			},
			// Xfinity refuses mail clients until "Third Party Access
			// Security" is turned on in the Xfinity Connect settings.
			Notes: notes(i18n.NoteThirdPartyAccess),
			Docs:  []string{"https://www.xfinity.com/support/articles/email-client-programs-with-xfinity-email"},
		},
		{
			ID: "att", Name: "AT&T Mail",
			Region:  "us",
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
			Region:  "cz",
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
			Region:  "jp",
			Domains: []string{"yahoo.co.jp"},
			Servers: []settings.Server{
				ssl("pop.mail.yahoo.co.jp", localPart, pwClear),
				imap("imap.mail.yahoo.co.jp", localPart, pwClear),
				smtps("smtp.mail.yahoo.co.jp", localPart, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP),
			Docs:  []string{"https://support.yahoo-net.jp/PccMail/s/article/H000007321"},
		},
		// Providers added from here on were checked against the ISPDB
		// snapshot and, where the stored copies hold it, the provider's own
		// page; an entry whose page could not be checked says which
		// sources it rests on. Docs then name the provider's help portal.
		{
			// Tuta's FAQ ("Can I use a third-party email app like
			// Thunderbird?"): no, its encryption rules out IMAP.
			ID: "tuta", Name: "Tuta (Tutanota)",
			Region:  "de",
			Domains: []string{"tuta.com", "tutanota.com", "tutanota.de", "tutamail.com", "tuta.io", "keemail.me"},
			MX:      []string{"mail.tutanota.de"},
			Without: without(i18n.NoTuta, settings.POP3, settings.IMAP, settings.SMTP),
			Docs:    []string{"https://tuta.com/support/howto"},
		},
		{
			// Rests on the ISPDB.
			ID: "orange", Name: "Orange (Wanadoo)",
			Region:  "fr",
			Domains: []string{"orange.fr", "wanadoo.fr"},
			Servers: []settings.Server{
				ssl("pop.orange.fr", emailAddress, pwClear),
				imap("imap.orange.fr", emailAddress, pwClear),
				smtps("smtp.orange.fr", emailAddress, pwClear),
			},
			Docs: []string{"https://assistance.orange.fr/"},
		},
		{
			// Rests on the ISPDB: the login is the part before the @.
			ID: "free", Name: "Free",
			Region:  "fr",
			Domains: []string{"free.fr"},
			Servers: []settings.Server{
				ssl("pop.free.fr", localPart, pwClear),
				imap("imap.free.fr", localPart, pwClear),
				smtps("smtp.free.fr", localPart, pwClear),
			},
			Docs: []string{"https://assistance.free.fr/"},
		},
		{
			// Rests on the ISPDB.
			ID: "sfr", Name: "SFR (neuf, Club-Internet)",
			Region:  "fr",
			Domains: []string{"sfr.fr", "neuf.fr", "club-internet.fr"},
			Servers: []settings.Server{
				ssl("pop.sfr.fr", emailAddress, pwClear),
				imap("imap.sfr.fr", emailAddress, pwClear),
				smtps("smtp.sfr.fr", emailAddress, pwClear),
			},
			Docs: []string{"https://assistance.sfr.fr/"},
		},
		{
			// Rests on the ISPDB.
			ID: "libero", Name: "Libero Mail (Italiaonline)",
			Region:  "it",
			Domains: []string{"libero.it", "iol.it", "blu.it", "inwind.it", "giallo.it"},
			Servers: []settings.Server{
				ssl("popmail.libero.it", emailAddress, pwClear),
				imap("imapmail.libero.it", emailAddress, pwClear),
				smtps("smtp.libero.it", emailAddress, pwClear),
			},
			Docs: []string{"https://aiuto.libero.it/"},
		},
		{
			// Rests on the ISPDB: STARTTLS on the standard ports.
			ID: "tim", Name: "TIM Mail",
			Region:  "it",
			Domains: []string{"tim.it"},
			Servers: []settings.Server{
				starttls("pop.tim.it", emailAddress, pwClear),
				imapSTARTTLS("imap.tim.it", emailAddress, pwClear),
				submission("smtp.tim.it", emailAddress, pwClear),
			},
			Docs: []string{"https://www.tim.it/assistenza"},
		},
		{
			// Rests on the ISPDB.
			ID: "alice", Name: "Alice Mail (TIM)",
			Region:  "it",
			Domains: []string{"alice.it"},
			Servers: []settings.Server{
				starttls("in.alice.it", emailAddress, pwClear),
				imapSTARTTLS("in.alice.it", emailAddress, pwClear),
				submission("out.alice.it", emailAddress, pwClear),
			},
			Docs: []string{"https://www.tim.it/assistenza"},
		},
		{
			// Rests on the ISPDB.
			ID: "virgilio", Name: "Virgilio Mail (Italiaonline)",
			Region:  "it",
			Domains: []string{"virgilio.it"},
			Servers: []settings.Server{
				ssl("in.virgilio.it", emailAddress, pwClear),
				imap("in.virgilio.it", emailAddress, pwClear),
				smtps("out.virgilio.it", emailAddress, pwClear),
			},
			Docs: []string{"https://aiuto.virgilio.it/"},
		},
		{
			// Rests on the ISPDB (the login is the part before the @); WP
			// Poczta refuses mail programs until they are allowed in its
			// settings.
			ID: "wp", Name: "WP Poczta",
			Region:  "pl",
			Domains: []string{"wp.pl"},
			Servers: []settings.Server{
				ssl("pop3.wp.pl", localPart, pwClear),
				imap("imap.wp.pl", localPart, pwClear),
				smtps("smtp.wp.pl", localPart, pwClear),
			},
			Notes: notes(i18n.NoteEnableClients),
			Docs:  []string{"https://poczta.wp.pl/"},
		},
		{
			// Rests on the ISPDB; o2 belongs to WP and shares its rule.
			ID: "o2", Name: "Poczta o2",
			Region:  "pl",
			Domains: []string{"o2.pl", "go2.pl", "tlen.pl", "prokonto.pl"},
			Servers: []settings.Server{
				ssl("poczta.o2.pl", localPart, pwClear),
				imap("poczta.o2.pl", localPart, pwClear),
				smtps("poczta.o2.pl", localPart, pwClear),
				submission("poczta.o2.pl", localPart, pwClear),
			},
			Notes: notes(i18n.NoteEnableClients),
			Docs:  []string{"https://poczta.o2.pl/"},
		},
		{
			// Rests on the ISPDB.
			ID: "onet", Name: "Onet Poczta",
			Region:  "pl",
			Domains: onetDomains(),
			Servers: []settings.Server{
				ssl("pop3.poczta.onet.pl", emailAddress, pwClear),
				imap("imap.poczta.onet.pl", emailAddress, pwClear),
				smtps("smtp.poczta.onet.pl", emailAddress, pwClear),
				submission("smtp.poczta.onet.pl", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnableClients),
			Docs:  []string{"https://poczta.onet.pl/"},
		},
		{
			// Not in the ISPDB snapshot; rests on third-party setup guides,
			// which agree on poczta.interia.pl for all three.
			ID: "interia", Name: "Poczta Interia",
			Region:  "pl",
			Domains: []string{"interia.pl", "interia.eu", "poczta.fm"},
			Servers: []settings.Server{
				ssl("poczta.interia.pl", emailAddress, pwClear),
				imap("poczta.interia.pl", emailAddress, pwClear),
				smtps("poczta.interia.pl", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnableClients),
			Docs:  []string{"https://poczta.interia.pl/"},
		},
		{
			// Rests on the ISPDB; Rambler asks for mail programs to be
			// allowed in its settings.
			ID: "rambler", Name: "Rambler Mail", NameZH: "Rambler 邮箱",
			Region:  "ru",
			Domains: []string{"rambler.ru", "lenta.ru", "ro.ru", "autorambler.ru", "myrambler.ru"},
			Servers: []settings.Server{
				ssl("pop.rambler.ru", emailAddress, pwClear),
				imap("imap.rambler.ru", emailAddress, pwClear),
				smtps("smtp.rambler.ru", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnableClients),
			Docs:  []string{"https://help.rambler.ru/"},
		},
		{
			// Not in the ISPDB snapshot; rests on third-party setup guides.
			ID: "ukrnet", Name: "ukr.net",
			Region:  "ua",
			Domains: []string{"ukr.net"},
			Servers: []settings.Server{
				ssl("pop3.ukr.net", emailAddress, pwClear),
				imap("imap.ukr.net", emailAddress, pwClear),
				smtps("smtp.ukr.net", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnableClients),
			Docs:  []string{"https://www.ukr.net/"},
		},
		netEase("netease-vip163", "NetEase VIP Mail (vip.163.com)", "网易VIP邮箱（vip.163.com）", "vip.163.com"),
		netEase("netease-vip126", "NetEase VIP Mail (vip.126.com)", "网易VIP邮箱（vip.126.com）", "vip.126.com"),
		netEase("netease-188", "NetEase 188 Mail", "网易188财富邮", "188.com"),
		{
			// Not in the ISPDB snapshot; rests on third-party setup guides.
			ID: "21cn", Name: "21CN Mail (China Telecom)", NameZH: "21CN邮箱",
			Region:  "cn",
			Domains: []string{"21cn.com"},
			Servers: []settings.Server{
				ssl("pop.21cn.com", emailAddress, pwClear),
				imap("imap.21cn.com", emailAddress, pwClear),
				smtps("smtp.21cn.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP),
			Docs:  []string{"https://mail.21cn.com/"},
		},
		{
			// Not in the ISPDB snapshot; rests on third-party setup guides.
			ID: "nate", Name: "Nate Mail", NameZH: "Nate 邮箱",
			Region:  "kr",
			Domains: []string{"nate.com"},
			Servers: []settings.Server{
				ssl("pop3.nate.com", emailAddress, pwClear),
				imap("imap.nate.com", emailAddress, pwClear),
				smtps("smtp.mail.nate.com", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteEnablePOP),
			Docs:  []string{"https://helpdesk.nate.com/"},
		},
		{
			// Rests on the ISPDB: the login is the part before the @, and
			// submission is STARTTLS on 587.
			ID: "uol", Name: "UOL Mail",
			Region:  "br",
			Domains: []string{"uol.com.br"},
			Servers: []settings.Server{
				ssl("pop3.uol.com.br", localPart, pwClear),
				imap("imap.uol.com.br", localPart, pwClear),
				submission("smtps.uol.com.br", localPart, pwClear),
			},
			Docs: []string{"https://sac.uol.com.br/"},
		},
		{
			// Rests on the ISPDB.
			ID: "bol", Name: "BOL Mail (UOL)",
			Region:  "br",
			Domains: []string{"bol.com.br"},
			Servers: []settings.Server{
				ssl("pop3.bol.com.br", localPart, pwClear),
				imap("imap.bol.com.br", localPart, pwClear),
				smtps("smtps.bol.com.br", localPart, pwClear),
				submission("smtps.bol.com.br", localPart, pwClear),
			},
			Docs: []string{"https://sac.uol.com.br/"},
		},
		{
			// Not in the ISPDB snapshot; rests on third-party setup guides.
			ID: "terra", Name: "Terra Mail",
			Region:  "br",
			Domains: []string{"terra.com.br"},
			Servers: []settings.Server{
				ssl("pop.terra.com.br", emailAddress, pwClear),
				imap("imap.terra.com.br", emailAddress, pwClear),
				submission("smtp.terra.com.br", emailAddress, pwClear),
			},
			Docs: []string{"https://www.terra.com.br/"},
		},
		{
			// Rests on the ISPDB, which lists no IMAP: the table leaves IMAP
			// to the other sources.
			ID: "rediffmail", Name: "Rediffmail",
			Region:   "in",
			Domains:  []string{"rediffmail.com"},
			Unlisted: []settings.Protocol{settings.IMAP},
			Servers: []settings.Server{
				ssl("pop.rediffmail.com", emailAddress, pwClear),
				smtps("smtp.rediffmail.com", emailAddress, pwClear),
			},
			Docs: []string{"https://www.rediff.com/"},
		},
		{
			// Rests on the ISPDB: one host for all three.
			ID: "bt", Name: "BT Email",
			Region:  "gb",
			Domains: []string{"btinternet.com", "btopenworld.com", "talk21.com"},
			Servers: []settings.Server{
				ssl("mail.btinternet.com", emailAddress, pwClear),
				imap("mail.btinternet.com", emailAddress, pwClear),
				smtps("mail.btinternet.com", emailAddress, pwClear),
			},
			Docs: []string{"https://www.bt.com/help/email"},
		},
		{
			// Rests on the ISPDB.
			ID: "sky", Name: "Sky Mail",
			Region:  "gb",
			Domains: []string{"sky.com"},
			Servers: []settings.Server{
				ssl("pop.tools.sky.com", emailAddress, pwClear),
				imap("imap.tools.sky.com", emailAddress, pwClear),
				smtps("smtp.tools.sky.com", emailAddress, pwClear),
			},
			Docs: []string{"https://www.sky.com/help"},
		},
		virginMedia("virginmedia", "virginmedia.com", "pop3.virginmedia.com", "imap.virginmedia.com", "smtp.virginmedia.com"),
		virginMedia("virginmedia-virgin", "virgin.net", "pop.virgin.net", "imap4.virgin.net", "smtp.virgin.net"),
		virginMedia("virginmedia-ntlworld", "ntlworld.com", "pop3.ntlworld.com", "imap.ntlworld.com", "smtp.ntlworld.com"),
		virginMedia("virginmedia-blueyonder", "blueyonder.co.uk", "pop3.blueyonder.co.uk", "imap4.blueyonder.co.uk", "smtp.blueyonder.co.uk"),
		{
			// IONOS's hosted domains, found by their MX hosts, use the
			// ionos.de servers (the 1und1.de names are their aliases).
			ID: "ionos", Name: "IONOS (hosted domains)",
			Region: "de",
			MX:     []string{"mx00.ionos.de", "mx01.ionos.de", "mx00.kundenserver.de", "mx01.kundenserver.de"},
			Servers: []settings.Server{
				ssl("pop.ionos.de", emailAddress, pwClear), starttls("pop.ionos.de", emailAddress, pwClear),
				imap("imap.ionos.de", emailAddress, pwClear), imapSTARTTLS("imap.ionos.de", emailAddress, pwClear),
				smtps("smtp.ionos.de", emailAddress, pwClear), submission("smtp.ionos.de", emailAddress, pwClear),
			},
			Docs: []string{"https://www.ionos.de/hilfe/e-mail/"},
		},
		{
			// 1&1's own domains, as the ISPDB lists them.
			ID: "1und1", Name: "1&1 (IONOS)",
			Region:  "de",
			Domains: []string{"online.de", "onlinehome.de", "sofortstart.de", "sofort-start.de", "sofortsurf.de", "sofort-surf.de", "go4more.de", "kundenserver.de", "schlund.de"},
			Servers: []settings.Server{
				ssl("pop.1und1.de", emailAddress, pwClear), starttls("pop.1und1.de", emailAddress, pwClear),
				imap("imap.1und1.de", emailAddress, pwClear), imapSTARTTLS("imap.1und1.de", emailAddress, pwClear),
				smtps("smtp.1und1.de", emailAddress, pwClear), submission("smtp.1und1.de", emailAddress, pwClear),
			},
			Docs: []string{"https://www.ionos.de/hilfe/e-mail/"},
		},
		{
			// Not in the ISPDB snapshot; rests on third-party setup guides,
			// which agree on mx.freenet.de for all three.
			ID: "freenet", Name: "freenet Mail",
			Region:  "de",
			Domains: []string{"freenet.de"},
			Servers: []settings.Server{
				ssl("mx.freenet.de", emailAddress, pwClear),
				imap("mx.freenet.de", emailAddress, pwClear),
				smtps("mx.freenet.de", emailAddress, pwClear),
				submission("mx.freenet.de", emailAddress, pwClear),
			},
			Docs: []string{"https://hilfe.freenet.de/"},
		},
		{
			// mailbox.org's configuration page: the full address, and an
			// application password once two-factor authentication is on.
			ID: "mailbox-org", Name: "mailbox.org",
			Region:  "de",
			Domains: []string{"mailbox.org"},
			MX:      []string{"mxext1.mailbox.org", "mxext2.mailbox.org", "mxext3.mailbox.org"},
			Servers: []settings.Server{
				ssl("pop3.mailbox.org", emailAddress, pwClear),
				imap("imap.mailbox.org", emailAddress, pwClear),
				smtps("smtp.mailbox.org", emailAddress, pwClear),
				submission("smtp.mailbox.org", emailAddress, pwClear),
			},
			Notes: notes(i18n.NoteAppPassword),
			Docs:  []string{"https://kb.mailbox.org/en/private/e-mail/e-mail-configuration", "https://kb.mailbox.org/en/business/e-mail/e-mail-configuration/"},
		},
		{
			// Rests on the ISPDB: posteo.de itself serves all three.
			ID: "posteo", Name: "Posteo",
			Region:  "de",
			Domains: posteoDomains(),
			Servers: []settings.Server{
				ssl("posteo.de", emailAddress, pwClear), starttls("posteo.de", emailAddress, pwClear),
				imap("posteo.de", emailAddress, pwClear), imapSTARTTLS("posteo.de", emailAddress, pwClear),
				smtps("posteo.de", emailAddress, pwClear), submission("posteo.de", emailAddress, pwClear),
			},
			Docs: []string{"https://posteo.de/en/help"},
		},
		{
			// Rests on the ISPDB, which lists no IMAP.
			ID: "ocn", Name: "OCN (NTT Docomo)",
			Region:   "jp",
			Domains:  []string{"ocn.ne.jp", "ocn.ad.jp"},
			Unlisted: []settings.Protocol{settings.IMAP},
			Servers: []settings.Server{
				ssl("pop.ocn.ne.jp", emailAddress, pwClear),
				smtps("smtp.ocn.ne.jp", emailAddress, pwClear),
			},
			// OCN's page on leaving mail on the server says IMAP exists, but
			// names no host: guessing finds it when IMAP is asked for.
			Docs: []string{"https://support.ocn.ne.jp/", "https://support.ntt.com/ocn/support/pid2900000gc2"},
		},
		{
			// Rests on the ISPDB, which lists no IMAP.
			ID: "biglobe", Name: "BIGLOBE Mail",
			Region:   "jp",
			Domains:  []string{"biglobe.ne.jp"},
			Unlisted: []settings.Protocol{settings.IMAP},
			Servers: []settings.Server{
				ssl("mail.biglobe.ne.jp", emailAddress, pwClear),
				smtps("mail.biglobe.ne.jp", emailAddress, pwClear),
			},
			Docs: []string{"https://support.biglobe.ne.jp/"},
		},
		{
			// The ISPDB lists plain text (POP3 on 110, SMTP on 587); @nifty's
			// connection guide gives SSL on 995 and 465, and the table
			// lists no plain text. IMAP is left to the other sources.
			ID: "nifty", Name: "@nifty Mail",
			Region:   "jp",
			Domains:  []string{"nifty.com"},
			Unlisted: []settings.Protocol{settings.IMAP},
			Servers: []settings.Server{
				ssl("pop.nifty.com", localPart, pwEncrypted),
				smtps("smtp.nifty.com", localPart, pwEncrypted),
			},
			Docs: []string{"https://support.nifty.com/"},
		},
	}
}

// netEase is a NetEase mailbox served like 163.com: pop., imap. and smtp.
// of its own domain, a 授权码 for clients, POP off until turned on. The
// NetEase help page covers them all.
func netEase(id, name, nameZH, domain string) *Provider {
	return &Provider{
		ID: id, Name: name, NameZH: nameZH, Region: "cn",
		Domains: []string{domain},
		Servers: []settings.Server{
			ssl("pop."+domain, emailAddress, pwClear),
			imap("imap."+domain, emailAddress, pwClear),
			smtps("smtp."+domain, emailAddress, pwClear),
		},
		Notes: notes(i18n.NoteEnableServices, i18n.NoteAuthCode),
		Docs:  []string{"https://help.mail.163.com/faqDetail.do?code=d7a5dc8471cd0c0e8b4b8f4f8e49998b374173cfe9171305fa1ce630d7f67ac21b87735d7227c217"},
	}
}

// virginMedia is one of Virgin Media's mail domains, with the servers the
// ISPDB gives it: the older domains keep their own.
func virginMedia(id, domain, pop, imapHost, smtp string) *Provider {
	return &Provider{
		ID: id, Name: "Virgin Media (" + domain + ")", Region: "gb",
		Domains: []string{domain},
		Servers: []settings.Server{
			ssl(pop, emailAddress, pwClear),
			imap(imapHost, emailAddress, pwClear),
			smtps(smtp, emailAddress, pwClear),
		},
		Docs: []string{"https://www.virginmedia.com/help"},
	}
}
