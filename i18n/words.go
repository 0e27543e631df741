package i18n

import (
	"strconv"
	"strings"
	"time"
)

// Parse reads a language as people and locales spell it: "zh", "zh_CN",
// "zh-CN", "zh_CN.UTF-8", "ZH", "en_US". Every Chinese variant gets the
// Simplified catalogue, the only one. ok is false for a language without
// a catalogue.
func Parse(s string) (l Lang, ok bool) {
	code := langCode(s)
	if !Known(code) {
		return "", false
	}
	return Lang(code), true
}

// Duration words d for people: "1.5s", "250ms", "2m30s" in English (Go's
// notation, without its zero units: "2m", not "2m0s"), "1.5 秒", "250 毫秒",
// "2 分钟 30 秒" in Chinese. Callers round d first.
func (l Lang) Duration(d time.Duration) string {
	if l != Chinese {
		s := d.String()
		if d >= time.Minute || d <= -time.Minute {
			if strings.HasSuffix(s, "m0s") {
				s = strings.TrimSuffix(s, "0s")
			}
			if strings.HasSuffix(s, "h0m") {
				s = strings.TrimSuffix(s, "0m")
			}
		}
		return s
	}
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	switch {
	case d == 0:
		return "0 秒"
	case d < time.Millisecond:
		return sign + strconv.FormatFloat(float64(d)/float64(time.Microsecond), 'f', -1, 64) + " 微秒"
	case d < time.Second:
		return sign + strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', -1, 64) + " 毫秒"
	}
	var parts []string
	if h := d / time.Hour; h > 0 {
		parts = append(parts, strconv.FormatInt(int64(h), 10)+" 小时")
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		parts = append(parts, strconv.FormatInt(int64(m), 10)+" 分钟")
		d -= m * time.Minute
	}
	if d > 0 {
		parts = append(parts, strconv.FormatFloat(d.Seconds(), 'f', -1, 64)+" 秒")
	}
	return sign + strings.Join(parts, " ")
}

// ListSep is what separates the items of a list: "、" in Chinese, ", " in
// English.
func (l Lang) ListSep() string {
	if l == Chinese {
		return "、"
	}
	return ", "
}

// List joins items as a list in l: "a, b, c" or "a、b、c".
func (l Lang) List(items []string) string { return strings.Join(items, l.ListSep()) }

// Colon is the separator after a label: "：" in Chinese, ": " in English.
func (l Lang) Colon() string {
	if l == Chinese {
		return "："
	}
	return ": "
}

// Paren puts s in parentheses after a label: "（s）" in Chinese, " (s)" in
// English.
func (l Lang) Paren(s string) string {
	if l == Chinese {
		return "（" + s + "）"
	}
	return " (" + s + ")"
}

// ClauseSep is what separates clauses, several reasons say: "；" in
// Chinese, "; " in English.
func (l Lang) ClauseSep() string {
	if l == Chinese {
		return "；"
	}
	return "; "
}

// What kind of text a message's argument is, when the code that builds
// messages formats it before the language is known: a list joined with
// ", ", clauses joined with "; ", or a duration in Go's notation ("1.5s").
// Sprintf words such arguments in the language of the message.
type argKind uint8

const (
	argText argKind = iota
	argList
	argClauses
	argDuration
)

// kindOf is the kind of argument i (from 0) of the message key. A switch,
// not a table: nothing to build at start.
func kindOf(key string, i int) argKind {
	switch {
	case key == WarnSourceTimeout && i == 0,
		key == ClauseUnfinished && i == 0,
		key == WarnSRVOutsideMany && i == 0,
		key == WarnStoppedEarly && i == 0,
		key == WarnProtocolUnfinished && i == 1,
		key == NoPOPSRV && i == 0,
		key == NFMXUnknown && i == 0,
		key == FailCertName && i == 1,
		key == FailCertNameMore && i == 1,
		key == WhyNoSource && i == 1,
		key == UsageUnknownSource && i == 1,
		key == UsageRegion && i == 1,
		key == UsageExportNoFormat && i == 0,
		key == UsageExportFormat && i == 1,
		key == APIExportFormat && i == 1,
		key == FlagExportFormat && i == 0,
		key == UsageUnknownCommand && i == 1,
		key == CheckRefusedSafetyBoth && (i == 0 || i == 1),
		key == CheckRefusedSafetySources && i == 0,
		key == CheckRefusedSafetyServers && i == 0,
		key == CheckPlaintext && i == 2,
		key == CheckSTARTTLSOnly && i == 2,
		key == CheckServerUnreachable && i == 2,
		key == CheckServerRefused && i == 2,
		key == CheckWrongProtocol && i == 1,
		key == CheckPasteGap && i == 1,
		key == CheckPasteGapInvalid && i == 1,
		key == CheckDNSFailure && i == 1,
		key == ACSkipNoSocketType && i == 2,
		key == ACSkipNoAuthIn && i == 2,
		key == ACSkipNoAuthOut && i == 2:
		return argList
	case key == NFGuess && i == 2,
		key == NFNoValidSection && i == 1,
		key == NFNoValidSectionFor && i == 2,
		key == NFNoValidADProtocol && i == 1,
		key == NFNoValidADProtoFor && i == 2,
		key == NFAutodiscoverNone && i == 1,
		key == NFHostedNone && i == 1,
		key == WarnConflict && i == 0,
		key == CheckSourcesDisagree && i == 1,
		key == CheckAutoconfigInvalidPart && i == 1:
		return argClauses
	case key == WarnStoppedEarly && i == 1,
		key == WarnProtocolUnfinished && i == 2,
		key == FailTimeout && i == 1,
		key == FailNoGreeting && i == 1,
		key == FailStalledGreeting && i == 1,
		key == FailStalledAnswer && i == 2,
		key == FailNoHandshake && i == 1,
		key == FailSTLSNoHandshake && i == 1,
		key == FailStalledGreeting && i == 1,
		key == FailStalledAnswer && i == 2,
		key == FailNoHandshake && i == 1,
		key == FailSTLSNoHandshake && i == 1,
		key == LblTimeRanOut && i == 1,
		key == LblNoServerTimeRanOut && i == 0,
		key == UsageTimeoutPositive && i == 0:
		return argDuration
	}
	return argText
}

// localArg words argument i of the message key in l (see argKind).
func (l Lang) localArg(key string, i int, arg string) string {
	switch kindOf(key, i) {
	case argList:
		return strings.ReplaceAll(arg, ", ", l.ListSep())
	case argClauses:
		return strings.ReplaceAll(arg, "; ", l.ClauseSep())
	case argDuration:
		if d, err := time.ParseDuration(arg); err == nil {
			return l.Duration(d)
		}
	}
	return arg
}
