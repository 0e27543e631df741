// Package i18n holds popfind's human-readable messages, one catalogue per
// language. Code refers to a message by key; rendering picks the language.
package i18n

import (
	"fmt"
	"os"
	"strings"
)

// Lang is a language code such as "en" or "zh".
type Lang string

// Languages popfind speaks. Adding one means adding a catalogue file that
// registers itself in catalogues.
const (
	English Lang = "en"
	Chinese Lang = "zh"
)

// catalogues maps a language to its messages. Each language's file adds
// its own entry in an init function.
var catalogues = map[Lang]map[string]string{}

// Msg is a message to show a person: a catalogue key and its arguments.
// The special key Raw shows Args[0] verbatim (text from a provider's own
// configuration, which cannot be translated).
type Msg struct {
	Key  string
	Args []string
}

// Raw is the key of a message whose text is its first argument.
const Raw = "raw"

// M builds a Msg.
func M(key string, args ...string) Msg { return Msg{Key: key, Args: args} }

// Text builds a Msg that shows s as it is.
func Text(s string) Msg { return Msg{Key: Raw, Args: []string{s}} }

// Format renders m in lang, falling back to English, then to the key.
func (l Lang) Format(m Msg) string {
	if m.Key == Raw {
		if len(m.Args) > 0 {
			return m.Args[0]
		}
		return ""
	}
	return l.Sprintf(m.Key, m.Args...)
}

// Sprintf formats the catalogue entry key with args.
func (l Lang) Sprintf(key string, args ...string) string {
	format, ok := catalogues[l][key]
	if !ok {
		format, ok = catalogues[English][key]
	}
	if !ok {
		format = key
	}
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a
	}
	if len(vals) == 0 {
		return format
	}
	return fmt.Sprintf(format, vals...)
}

// Known reports whether lang has a catalogue.
func Known(lang string) bool {
	_, ok := catalogues[Lang(lang)]
	return ok
}

// Keys returns the keys of lang's catalogue.
func Keys(lang Lang) []string {
	keys := make([]string, 0, len(catalogues[lang]))
	for k := range catalogues[lang] {
		keys = append(keys, k)
	}
	return keys
}

// Languages returns the languages that have a catalogue.
func Languages() []Lang {
	langs := make([]Lang, 0, len(catalogues))
	for l := range catalogues {
		langs = append(langs, l)
	}
	return langs
}

// FromEnv picks the language from LC_ALL, LC_MESSAGES and LANG, in that order
// as POSIX ranks them; the first one set decides. getenv is usually os.Getenv.
func FromEnv(getenv func(string) string) Lang {
	if getenv == nil {
		getenv = os.Getenv
	}
	// LANGUAGE is a priority list (zh_CN:en), consulted first as gettext
	// does, unless the locale is C; the first language with a catalogue
	// wins.
	locale := getenv("LC_ALL")
	if locale == "" {
		locale = getenv("LC_MESSAGES")
	}
	if locale == "" {
		locale = getenv("LANG")
	}
	if locale == "C" || locale == "POSIX" {
		return English
	}
	for _, v := range strings.Split(getenv("LANGUAGE"), ":") {
		if code := langCode(v); Known(code) {
			return Lang(code)
		}
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		if code := langCode(v); Known(code) {
			return Lang(code)
		}
		return English
	}
	return English
}

// langCode is the language of a locale name: "zh" for zh_CN.UTF-8, zh-TW
// and zh_HK (which get the Simplified catalogue), "en" for en_US.
func langCode(locale string) string {
	code := strings.ToLower(strings.TrimSpace(locale))
	if i := strings.IndexAny(code, "_.@-"); i >= 0 {
		code = code[:i]
	}
	return code
}
