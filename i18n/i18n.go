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
			return l.expandNested(m.Args[0])
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
		vals[i] = l.localArg(key, i, l.expandNested(a))
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

// FromEnv picks the language from the environment as GNU gettext does.
// The locale of messages is LC_ALL, else LC_MESSAGES, else LANG, else C.
// When it is not C (or POSIX, or C.UTF-8), LANGUAGE, a priority list such
// as zh_CN:en, is consulted first: its first language with a catalogue
// wins. Otherwise the locale decides. getenv is usually os.Getenv.
func FromEnv(getenv func(string) string) Lang {
	if getenv == nil {
		getenv = os.Getenv
	}
	locale := getenv("LC_ALL")
	if locale == "" {
		locale = getenv("LC_MESSAGES")
	}
	if locale == "" {
		locale = getenv("LANG")
	}
	if code := langCode(locale); code == "" || code == "c" || code == "posix" {
		return English
	}
	for _, v := range strings.Split(getenv("LANGUAGE"), ":") {
		if l, ok := Parse(v); ok {
			return l
		}
	}
	if l, ok := Parse(locale); ok {
		return l
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
