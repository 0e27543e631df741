package providers

import (
	"slices"
	"strings"
)

// euCountries are the member states of the European Union, as ISO 3166
// codes in lower case (Greece is gr, as the table writes countries).
var euCountries = []string{
	"at", "be", "bg", "cy", "cz", "de", "dk", "ee", "es", "fi", "fr", "gr", "hr", "hu",
	"ie", "it", "lt", "lu", "lv", "mt", "nl", "pl", "pt", "ro", "se", "si", "sk",
}

// regionGroups are regions made of other regions: eu is the providers of
// the EU's member states, with those that serve the EU as a whole (Zoho's
// EU data centre).
var regionGroups = map[string][]string{
	"eu": append([]string{"eu"}, euCountries...),
}

// inRegion reports whether a provider of region pr belongs to region r.
func inRegion(pr, r string) bool {
	if members, ok := regionGroups[r]; ok {
		return slices.Contains(members, pr)
	}
	return pr == r
}

// aliases are other names a desk types for a provider, by id: its company,
// in English and in Chinese. The filter matches them as it matches names.
var aliases = map[string][]string{
	"gmail":        {"Google", "谷歌"},
	"outlook":      {"Microsoft", "微软", "Hotmail"},
	"microsoft365": {"Office 365", "Exchange", "微软"},
	"yahoo":        {"雅虎"},
	"icloud":       {"Apple", "苹果"},
	"qq":           {"Tencent", "腾讯"},
	"foxmail":      {"Tencent", "腾讯"},
	"exmail":       {"腾讯企业邮箱", "QQ企业邮箱"},
	"aliyun":       {"Alibaba", "阿里云"},
	"alimail":      {"Aliyun", "阿里云"},
	"139":          {"China Mobile", "移动"},
	"189":          {"China Telecom", "电信"},
	"21cn":         {"China Telecom", "电信"},
	"t-online":     {"Telekom", "Magenta"},
}

// foldQuery is q as Filter compares it: trimmed, lower case, with the
// full-width at sign and dots a Chinese input method types made plain.
func foldQuery(q string) string {
	q = strings.NewReplacer("＠", "@", "。", ".", "．", ".", "｡", ".").Replace(strings.TrimSpace(q))
	return strings.ToLower(q)
}
