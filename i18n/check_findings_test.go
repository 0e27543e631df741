package i18n

import (
	"strings"
	"testing"
)

// notSentences are the entries of the check catalogues that are nested in
// a sentence, not sentences of their own.
var notSentences = map[string]bool{
	CheckNothingPublished: true, CheckNoNetwork: true, CheckAnsweredHTTP: true,
	CheckAServerPOP3: true, CheckAServerIMAP: true, CheckAServerSMTP: true,
}

// TestCheckFindingsSentences: every finding's message and fix is a whole
// sentence, in both languages: English ends with a period, Chinese with
// "。", has full-width punctuation and quotes with “…”.
func TestCheckFindingsSentences(t *testing.T) {
	for _, c := range []struct {
		lang Lang
		cat  map[string]string
		end  string
	}{{English, checkFindingsEnglish, "."}, {Chinese, checkFindingsChinese, "。"}} {
		for key, format := range c.cat {
			if notSentences[key] {
				continue
			}
			if !strings.HasSuffix(format, c.end) {
				t.Errorf("%s %s does not end with %q: %q", c.lang, key, c.end, format)
			}
			if strings.Contains(format, `"`) {
				t.Errorf("%s %s quotes with \": %q", c.lang, key, format)
			}
			if c.lang != Chinese {
				continue
			}
			// URLs and configuration lines keep their own colons.
			plain := strings.NewReplacer("https://", "", " = ", "").Replace(format)
			for _, p := range []string{", ", "; ", ": ", "(", ")", ":"} {
				if strings.Contains(plain, p) {
					t.Errorf("zh %s has half-width %q: %q", key, p, format)
				}
			}
		}
	}
	for key := range checkFindingsEnglish {
		if _, ok := checkFindingsChinese[key]; !ok {
			t.Errorf("%s has no Chinese", key)
		}
	}
}
