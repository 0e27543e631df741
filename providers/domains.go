package providers

// The long domain lists of the table. Each was taken whole from the
// provider's entry in Thunderbird's ISP database and merged with the
// domains the provider's own help pages name, so that every address of the
// provider is answered offline. Each list starts with the provider's main
// domains: a list cut short for the screen shows them, not a country
// variant.

// outlookDomains lists the domains of Outlook.com, Hotmail, Live and MSN, with their regional domains.
func outlookDomains() []string {
	return []string{
		"outlook.com", "hotmail.com", "live.com", "msn.com",
		"hotmail.be", "hotmail.ca", "hotmail.ch", "hotmail.cl", "hotmail.co.id", "hotmail.co.il",
		"hotmail.co.in", "hotmail.co.jp", "hotmail.co.kr", "hotmail.co.th", "hotmail.co.uk",
		"hotmail.co.za", "hotmail.com.ar", "hotmail.com.au", "hotmail.com.br",
		"hotmail.com.hk", "hotmail.com.mx", "hotmail.com.tr", "hotmail.com.tw", "hotmail.com.vn",
		"hotmail.cz", "hotmail.de", "hotmail.dk", "hotmail.es", "hotmail.fi", "hotmail.fr",
		"hotmail.gr", "hotmail.hu", "hotmail.it", "hotmail.lt", "hotmail.lv", "hotmail.my",
		"hotmail.nl", "hotmail.no", "hotmail.ph", "hotmail.rs", "hotmail.se", "hotmail.sg",
		"hotmail.sk", "live.at", "live.be", "live.ca", "live.cl", "live.cn", "live.co.jp",
		"live.co.kr", "live.co.uk", "live.co.za", "live.com.ar", "live.com.au",
		"live.com.mx", "live.com.my", "live.com.ph", "live.com.pt", "live.com.sg", "live.de",
		"live.dk", "live.fi", "live.fr", "live.hk", "live.ie", "live.in", "live.it", "live.jp",
		"live.nl", "live.no", "live.ru", "live.se", "livemail.tw", "outlook.at",
		"outlook.be", "outlook.cl", "outlook.co.id", "outlook.co.il", "outlook.co.nz",
		"outlook.co.th", "outlook.com.ar", "outlook.com.au", "outlook.com.br",
		"outlook.com.gr", "outlook.com.tr", "outlook.com.vn", "outlook.cz", "outlook.de",
		"outlook.dk", "outlook.es", "outlook.fr", "outlook.hu", "outlook.ie", "outlook.in",
		"outlook.it", "outlook.jp", "outlook.kr", "outlook.lv", "outlook.my", "outlook.ph",
		"outlook.pt", "outlook.sa", "outlook.sg", "outlook.sk", "passport.com", "windowslive.com",
	}
}

// aolDomains lists the domains of AOL, with Netscape, CompuServe and Verizon.
func aolDomains() []string {
	return []string{
		"aol.com",
		"aim.com", "aol.co.nz", "aol.co.uk", "aol.com.ar", "aol.com.au", "aol.com.br",
		"aol.com.mx", "aol.de", "aol.es", "aol.fr", "aol.it", "aol.se", "compuserve.com", "cs.com",
		"netscape.com", "netscape.net", "verizon.net", "wmconnect.com",
	}
}

// gmxComDomains lists the domains of GMX outside Germany, Austria and Switzerland.
func gmxComDomains() []string {
	return []string{
		"gmx.com",
		"gmx.ca", "gmx.cn", "gmx.co.in", "gmx.co.uk", "gmx.com.br", "gmx.com.my",
		"gmx.com.tr", "gmx.es", "gmx.fr", "gmx.hk", "gmx.ie", "gmx.it", "gmx.li", "gmx.ph", "gmx.pt",
		"gmx.ru", "gmx.se", "gmx.sg", "gmx.tm", "gmx.tw", "gmx.us",
	}
}

// mailComDomains lists the domains of mail.com, whose free addresses come in some 190 domains.
func mailComDomains() []string {
	return []string{
		"mail.com", "email.com",
		"2die4.com", "accountant.com", "activist.com", "adexec.com", "africamail.com",
		"aircraftmail.com", "alabama.usa.com", "alaska.usa.com", "allergist.com", "alumni.com",
		"alumnidirector.com", "americamail.com", "amorous.com", "angelic.com", "archaeologist.com",
		"arizona.usa.com", "artlover.com", "asia-mail.com", "atheist.com", "australiamail.com",
		"bartender.net", "berlin.com", "bigger.com", "bikerider.com", "birdlover.com", "blader.com",
		"boardermail.com", "brazilmail.com", "brew-master.com", "california.usa.com",
		"californiamail.com", "caress.com", "catlover.com", "cheerful.com", "chef.net",
		"chemist.com", "chinamail.com", "clerk.com", "cliffhanger.com", "collector.org",
		"columnist.com", "comic.com", "computer4u.com", "consultant.com", "contractor.net",
		"coolsite.net", "counsellor.com", "count.com", "couple.com", "cutey.com", "cyber-wizard.com",
		"cyberdude.com", "cybergal.com", "dallasmail.com", "dbzmail.com", "deliveryman.com",
		"diplomats.com", "disciples.com", "doctor.com", "doglover.com", "doramail.com", "dr.com",
		"dublin.com", "earthling.net", "elvisfan.com", "engineer.com",
		"englandmail.com", "europe.com", "europemail.com", "execs.com", "fan.com", "feelings.com",
		"financier.com", "fireman.net", "florida.usa.com", "footballer.com", "gardener.com",
		"geologist.com", "germanymail.com", "graduate.org", "graphic-designer.com", "hackermail.com",
		"hairdresser.net", "hilarious.com", "hockeymail.com", "homemail.com", "hot-shot.com",
		"hour.com", "humanoid.net", "illinois.usa.com", "iname.com", "innocent.com", "inorbit.com",
		"instruction.com", "instructor.net", "insurer.com", "irelandmail.com", "italymail.com",
		"japan.com", "journalist.com", "keromail.com", "kittymail.com", "koreamail.com",
		"lawyer.com", "legislator.com", "linuxmail.org", "london.com", "loveable.com", "lovecat.com",
		"mad.scientist.com", "madonnafan.com", "madrid.com", "mail.org", "marchmail.com",
		"mexicomail.com", "mindless.com", "minister.com", "mobsters.com", "monarchy.com",
		"moscowmail.com", "munich.com", "musician.org", "muslim.com", "myself.com",
		"newyork.usa.com", "null.net", "nycmail.com", "oath.com", "optician.com", "pacificwest.com",
		"petlover.com", "photographer.net", "playful.com", "poetic.com", "politician.com",
		"popstar.com", "post.com", "presidency.com", "priest.com", "programmer.net", "publicist.com",
		"realtyagent.com", "reborn.com", "reggaefan.com", "religious.com", "repairman.com",
		"representative.com", "rescueteam.com", "revenue.com", "rocketship.com", "rockfan.com",
		"rome.com", "royal.net", "saintly.com", "salesperson.net", "sanfranmail.com",
		"scientist.com", "scotlandmail.com", "secretary.net", "seductive.com", "singapore.com",
		"snakebite.com", "songwriter.net", "soon.com", "spainmail.com", "teachers.org", "techie.com",
		"technologist.com", "texas.usa.com", "thegame.com", "therapist.net", "toke.com", "tokyo.com",
		"toothfairy.com", "tvstar.com", "umpire.com", "usa.com", "uymail.com", "wallet.com",
		"webname.com", "weirdness.com", "who.net", "whoever.com", "winning.com", "witty.com",
		"worker.com", "workmail.com", "writeme.com", "yours.com",
	}
}

// posteoDomains lists the domains of Posteo.
func posteoDomains() []string {
	return []string{
		"posteo.de", "posteo.net",
		"posteo.at", "posteo.be", "posteo.ca", "posteo.ch", "posteo.cl", "posteo.co", "posteo.co.uk",
		"posteo.com", "posteo.com.br", "posteo.cr", "posteo.cz", "posteo.dk",
		"posteo.ee", "posteo.es", "posteo.eu", "posteo.fi", "posteo.gl", "posteo.gr", "posteo.hn",
		"posteo.hr", "posteo.hu", "posteo.ie", "posteo.in", "posteo.is", "posteo.it", "posteo.jp",
		"posteo.la", "posteo.li", "posteo.lt", "posteo.lu", "posteo.me", "posteo.mx", "posteo.my",
		"posteo.nl", "posteo.no", "posteo.nz", "posteo.org", "posteo.pe", "posteo.pl",
		"posteo.pm", "posteo.pt", "posteo.ro", "posteo.se", "posteo.sg", "posteo.si", "posteo.tn",
		"posteo.uk", "posteo.us",
	}
}

// onetDomains lists the domains of Onet Poczta.
func onetDomains() []string {
	return []string{
		"onet.pl", "op.pl",
		"adres.pl", "amorki.pl", "autograf.pl", "buziaczek.pl", "cyberia.pl", "onet.com.pl",
		"onet.eu", "opoczta.pl", "poczta.onet.eu", "poczta.onet.pl",
		"pseudonim.pl", "republika.pl", "spoko.pl", "vip.onet.pl", "vp.pl",
	}
}
