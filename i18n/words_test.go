package i18n

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"zh", "ZH", "zh_CN", "zh-CN", "zh_CN.UTF-8", "zh_CN.utf8", "zh_TW", "zh-Hans", " zh "} {
		if l, ok := Parse(s); !ok || l != Chinese {
			t.Errorf("Parse(%q) = %q, %v; want zh", s, l, ok)
		}
	}
	for _, s := range []string{"en", "en_US.UTF-8", "en-GB"} {
		if l, ok := Parse(s); !ok || l != English {
			t.Errorf("Parse(%q) = %q, %v; want en", s, l, ok)
		}
	}
	for _, s := range []string{"", "fr", "chinese", "C"} {
		if l, ok := Parse(s); ok {
			t.Errorf("Parse(%q) = %q; want no language", s, l)
		}
	}
}

// TestFromEnvGettext checks LANGUAGE as GNU gettext reads it: a colon list,
// consulted only when the locale of messages is not C, and an unset locale
// is C.
func TestFromEnvGettext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want Lang
	}{
		{map[string]string{"LANGUAGE": "zh_CN:en"}, English},
		{map[string]string{"LANGUAGE": "zh", "LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, English},
		{map[string]string{"LANGUAGE": "zh", "LANG": "POSIX"}, English},
		{map[string]string{"LANGUAGE": "zh", "LANG": "C"}, English},
		{map[string]string{"LANGUAGE": "zh_CN.UTF-8:en", "LANG": "de_DE.UTF-8"}, Chinese},
		{map[string]string{"LANGUAGE": "fr::de", "LANG": "zh_CN.UTF-8"}, Chinese},
		{map[string]string{"LANGUAGE": "fr:de", "LANG": "de_DE.UTF-8"}, English},
		{map[string]string{"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, English},
		{map[string]string{"LC_MESSAGES": "zh_CN.UTF-8"}, Chinese},
	}
	for _, tt := range tests {
		if got := FromEnv(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("FromEnv(%v) = %s, want %s", tt.env, got, tt.want)
		}
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d      time.Duration
		en, zh string
	}{
		{time.Second, "1s", "1 秒"},
		{1500 * time.Millisecond, "1.5s", "1.5 秒"},
		{250 * time.Millisecond, "250ms", "250 毫秒"},
		{0, "0s", "0 秒"},
		{-2 * time.Second, "-2s", "-2 秒"},
		{90 * time.Second, "1m30s", "1 分钟 30 秒"},
		{2 * time.Minute, "2m", "2 分钟"},
		{2 * time.Hour, "2h", "2 小时"},
		{2*time.Hour + 5*time.Minute, "2h5m", "2 小时 5 分钟"},
		{1500 * time.Microsecond, "1.5ms", "1.5 毫秒"},
	}
	for _, tt := range tests {
		if got := English.Duration(tt.d); got != tt.en {
			t.Errorf("English.Duration(%v) = %q, want %q", tt.d, got, tt.en)
		}
		if got := Chinese.Duration(tt.d); got != tt.zh {
			t.Errorf("Chinese.Duration(%v) = %q, want %q", tt.d, got, tt.zh)
		}
	}
}

// TestLocalArguments checks that durations, lists and clauses formatted
// before the language was known are worded in the message's language.
func TestLocalArguments(t *testing.T) {
	t.Parallel()
	got := Chinese.Sprintf(WarnStoppedEarly, "autoconfig, srv", "1s")
	for _, want := range []string{"autoconfig、srv", "宽限期（1 秒）"} {
		if !strings.Contains(got, want) {
			t.Errorf("Chinese WarnStoppedEarly = %q, lacks %q", got, want)
		}
	}
	if got := Chinese.Sprintf(NFGuess, "POP3", "example.com", "a; b"); !strings.Contains(got, "a；b") {
		t.Errorf("Chinese NFGuess = %q; want its reasons joined with ；", got)
	}
	if got := English.Sprintf(WarnStoppedEarly, "autoconfig, srv", "1s"); !strings.Contains(got, "autoconfig, srv") || !strings.Contains(got, "(1s)") {
		t.Errorf("English WarnStoppedEarly = %q", got)
	}
	if got := English.Sprintf(LblTimeRanOut, "POP3", "2m0s"); !strings.Contains(got, "after 2m ") {
		t.Errorf("English LblTimeRanOut = %q", got)
	}
	// kindOf names only messages that have the argument.
	for _, key := range Keys(English) {
		for i := 0; i < 4; i++ {
			if kindOf(key, i) != argText && argCount(catalogues[English][key]) <= i {
				t.Errorf("kindOf(%s, %d): the message has no argument %d", key, i, i+1)
			}
		}
	}
}

// argCount is the number of arguments format takes.
func argCount(format string) int {
	n, next := 0, 1
	for _, m := range verbRE.FindAllStringSubmatch(format, -1) {
		i := next
		if m[1] != "" {
			i, _ = strconv.Atoi(m[1])
		}
		n, next = max(n, i), i+1
	}
	return n
}
