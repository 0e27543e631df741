package i18n

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// verbs lists the arguments a format uses, in order: "1 2 3" for
// "%s %s %s" and for "%[1]s %[3]s %[2]s" alike.
func verbs(format string) string {
	var used []int
	next := 1
	for _, m := range verbRE.FindAllStringSubmatch(format, -1) {
		n := next
		if m[1] != "" {
			n, _ = strconv.Atoi(m[1])
		}
		used = append(used, n)
		next = n + 1
	}
	sort.Ints(used)
	return fmt.Sprint(used)
}

var verbRE = regexp.MustCompile(`%(?:\[(\d+)\])?s`)

func TestCataloguesAgree(t *testing.T) {
	t.Parallel()
	en := Keys(English)
	sort.Strings(en)
	for _, lang := range Languages() {
		keys := map[string]bool{}
		for _, k := range Keys(lang) {
			keys[k] = true
		}
		for _, k := range en {
			if !keys[k] {
				t.Errorf("%s lacks %q", lang, k)
			}
			if got, want := verbs(catalogues[lang][k]), verbs(catalogues[English][k]); got != want {
				t.Errorf("%s %q takes arguments %s, English %s", lang, k, got, want)
			}
		}
		if len(keys) != len(en) {
			t.Errorf("%s has %d keys, English %d", lang, len(keys), len(en))
		}
	}
}

func TestFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want Lang
	}{
		{map[string]string{"LANG": "zh_CN.UTF-8"}, Chinese},
		{map[string]string{"LANG": "zh_TW.UTF-8"}, Chinese},
		{map[string]string{"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, English},
		{map[string]string{"LC_MESSAGES": "zh_CN", "LANG": "en_US"}, Chinese},
		{map[string]string{"LANG": "de_DE.UTF-8"}, English},
		{map[string]string{"LANG": "C"}, English},
		{map[string]string{}, English},
		{map[string]string{"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, Chinese},
		{map[string]string{"LANGUAGE": "fr:zh", "LANG": "en_US.UTF-8"}, Chinese},
		{map[string]string{"LANGUAGE": "en:zh", "LANG": "zh_CN.UTF-8"}, English},
		{map[string]string{"LANGUAGE": "zh", "LANG": "C"}, English},
		{map[string]string{"LANG": "zh_HK.UTF-8"}, Chinese},
	}
	for _, tt := range tests {
		got := FromEnv(func(k string) string { return tt.env[k] })
		if got != tt.want {
			t.Errorf("FromEnv(%v) = %s, want %s", tt.env, got, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	if got := Chinese.Format(M(WarnSourceTimeout, "srv")); got != "未能在时限内完成的来源：srv" {
		t.Errorf("Chinese warning = %q", got)
	}
	if got := English.Format(Text("as is %s")); got != "as is %s" {
		t.Errorf("raw text = %q", got)
	}
}

// A nested message is said in the language of the message around it.
func TestNest(t *testing.T) {
	t.Parallel()
	inner := Nest(M(ReasonDNSNoHost, "a.example")) + "; " + Nest(M(ReasonHTTPStatus, "https://b.example/", "404 Not Found"))
	m := M(NFAutodiscoverNone, "x.example", inner)
	en, zh := English.Format(m), Chinese.Format(m)
	if !strings.Contains(en, "a.example does not exist in DNS; https://b.example/ answered HTTP 404 Not Found") {
		t.Errorf("English: %q", en)
	}
	if !strings.Contains(zh, "DNS 中不存在 a.example；https://b.example/ 返回了 HTTP 404 Not Found") || strings.Contains(zh, "does not") {
		t.Errorf("Chinese: %q", zh)
	}
	if strings.ContainsAny(en+zh, nestStart+nestSep+nestEnd) {
		t.Error("framing characters left in the text")
	}
}
