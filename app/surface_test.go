package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/popfind/popfind/i18n"
)

// TestChineseHelp checks that Chinese help carries none of urfave/cli's
// English (headings, "(default: false)", "value", "[command options]"),
// and that the forms of use name what the issue asked for.
func TestChineseHelp(t *testing.T) {
	t.Parallel()
	english := regexp.MustCompile(`(?i:default|\bvalue\b|command options|global options|arguments\.\.\.)|\b(OPTIONS|USAGE|NAME|DESCRIPTION|COMMANDS|VERSION)\b|\[\$`)
	for _, args := range [][]string{
		{"--help"}, {"help"}, {"verify", "--help"}, {"providers", "--help"}, {"completion", "--help"},
		{"help", "verify"}, {"help", "help"},
	} {
		code, stdout, stderr := run(t, "", append([]string{"--lang", "zh"}, args...)...)
		if code != 0 || stderr != "" {
			t.Errorf("popfind --lang zh %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr)
		}
		for _, l := range strings.Split(stdout, "\n") {
			if m := english.FindString(l); m != "" {
				t.Errorf("popfind --lang zh %s: %q in %q", strings.Join(args, " "), m, l)
			}
		}
	}
	_, top, _ := run(t, "", "--lang", "zh", "--help")
	for _, want := range []string{
		"popfind providers [--region 地区]", "popfind verify [--protocol pop3|imap|smtp]", "popfind completion bash|zsh|fish",
		"--timeout 时长", "（默认：10 秒；环境变量 $POPFIND_TIMEOUT）", "选项：",
	} {
		if !strings.Contains(top, want) {
			t.Errorf("Chinese --help lacks %q", want)
		}
	}
	_, verify, _ := run(t, "", "--lang", "zh", "verify", "--help")
	if !strings.Contains(verify, "popfind verify [--protocol pop3|imap|smtp]") || !regexp.MustCompile(`--timeout 时长 +整个检查的时限`).MatchString(verify) {
		t.Errorf("Chinese verify --help:\n%s", verify)
	}
	// English keeps its own words, without urfave/cli's "(default: false)".
	_, en, _ := run(t, "", "--help")
	if strings.Contains(en, "default: false") || !strings.Contains(en, "GLOBAL OPTIONS:") || !strings.Contains(en, "(default: 10s; $POPFIND_TIMEOUT)") {
		t.Errorf("English --help:\n%s", en)
	}
	_, en, _ = run(t, "", "verify", "--help")
	if !regexp.MustCompile(`--timeout DURATION +deadline for the whole check`).MatchString(en) {
		t.Errorf("verify --timeout has no help of its own:\n%s", en)
	}
}

// TestHelpUnknownCommand: help for a command that does not exist is a
// usage error, exit 2, in the user's language; 3 is for a failed verify.
func TestHelpUnknownCommand(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := run(t, "", "help", "nosuch")
	if code != ExitUsage || stdout != "" || !strings.HasPrefix(stderr, `popfind: help: no command "nosuch"; commands: providers, verify`) {
		t.Errorf("help nosuch: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, _, stderr = run(t, "", "--lang", "zh", "help", "nosuch")
	if code != ExitUsage || !strings.HasPrefix(stderr, `popfind：help：没有名为 "nosuch" 的命令；可用的命令：providers、verify`) {
		t.Errorf("help nosuch in Chinese: exit %d, stderr %q", code, stderr)
	}
}

// TestEnvironmentValues: a POPFIND_* value that does not parse gets
// popfind's own message, naming the variable and what it wants, and exit 2.
// Not parallel: urfave/cli reads the process's environment.
func TestEnvironmentValues(t *testing.T) {
	tests := []struct{ env, value, en, zh string }{
		{"POPFIND_JSON", "yes", `environment variable POPFIND_JSON="yes": want true or false (or 1 or 0)`, `环境变量 POPFIND_JSON="yes"：应为 true 或 false（或 1、0）`},
		{"POPFIND_OFFLINE", "2", `environment variable POPFIND_OFFLINE="2": want true or false`, `应为 true 或 false`},
		{"POPFIND_TIMEOUT", "abc", `environment variable POPFIND_TIMEOUT="abc": want a duration with its unit, such as 10s`, `应为带单位的时长`},
		{"POPFIND_TIMEOUT", "5", `POPFIND_TIMEOUT="5": want a duration with its unit`, `POPFIND_TIMEOUT="5"：应为带单位的时长`},
		{"POPFIND_CONCURRENCY", "many", `environment variable POPFIND_CONCURRENCY="many": want a whole number`, `应为整数`},
	}
	for _, tt := range tests {
		t.Setenv(tt.env, tt.value)
		for _, lang := range []string{"en", "zh"} {
			code, stdout, stderr := run(t, "", "--lang", lang, "--offline", "someone@gmail.com")
			want := tt.en
			if lang == "zh" {
				want = tt.zh
			}
			if code != ExitUsage || stdout != "" || !strings.Contains(stderr, want) || strings.Contains(stderr, "strconv") || strings.Contains(stderr, "could not parse") {
				t.Errorf("%s=%s, --lang %s: exit %d, stderr %q; want exit 2 and %q", tt.env, tt.value, lang, code, stderr, want)
			}
		}
		t.Setenv(tt.env, "")
	}
	t.Setenv("POPFIND_JSON", "1")
	if code, stdout, _ := run(t, "", "--offline", "someone@gmail.com"); code != 0 || !strings.HasPrefix(stdout, "{") {
		t.Errorf("POPFIND_JSON=1: exit %d, stdout %q", code, stdout)
	}
}

// TestLangSpellings: --lang takes a locale's spelling of Chinese.
func TestLangSpellings(t *testing.T) {
	t.Parallel()
	for _, l := range []string{"zh", "zh_CN", "zh-CN", "zh_CN.UTF-8", "ZH-cn"} {
		code, stdout, stderr := run(t, "", "--lang", l, "--offline", "someone@gmail.com")
		if code != 0 || !strings.Contains(stdout, "服务商") {
			t.Errorf("--lang %s: exit %d, stdout %q, stderr %q", l, code, stdout, stderr)
		}
		// Before parsing too: a usage error is worded in Chinese.
		if _, _, stderr := run(t, "", "--lang="+l, "--bogus"); !strings.Contains(stderr, "未知选项") {
			t.Errorf("--lang=%s --bogus: stderr %q", l, stderr)
		}
	}
	if code, _, stderr := run(t, "", "--lang", "fr", "--offline", "someone@gmail.com"); code != ExitUsage || !strings.Contains(stderr, `unknown language "fr"`) {
		t.Errorf("--lang fr: exit %d, stderr %q", code, stderr)
	}
}

// TestDurationsInUsageErrors: a duration in a message is worded in the
// message's language.
func TestDurationsInUsageErrors(t *testing.T) {
	t.Parallel()
	if _, _, stderr := run(t, "", "--lang", "zh", "--timeout", "0s", "--offline", "someone@gmail.com"); !strings.Contains(stderr, "而不是 0 秒") {
		t.Errorf("Chinese --timeout 0s: %q", stderr)
	}
	if _, _, stderr := run(t, "", "--timeout", "0s", "--offline", "someone@gmail.com"); !strings.Contains(stderr, "not 0s") {
		t.Errorf("English --timeout 0s: %q", stderr)
	}
}

// TestFishCompletion: the fish script offers the values of --lang,
// --sources, --protocol and --region and the shells after completion, and
// lists nothing twice.
func TestFishCompletion(t *testing.T) {
	t.Parallel()
	code, script, stderr := run(t, "", "completion", "fish")
	if code != 0 {
		t.Fatalf("completion fish: exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"-n __fish_popfind_no_command -l lang -x -a 'en zh'",
		"-n __fish_popfind_no_command -l sources -x -a '(__fish_popfind_list all builtin autoconfig ",
		"-n __fish_popfind_no_command -l protocol -x -a '(__fish_popfind_list pop3 imap smtp)'",
		"-n '__fish_seen_subcommand_from verify' -l protocol -x -a 'pop3 imap smtp'",
		"-n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'",
		"-n '__fish_seen_subcommand_from help' -a 'providers verify ",
		"-n __fish_popfind_no_command -l help -s h",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("fish script lacks %q", want)
		}
	}
	if !regexp.MustCompile(`-n '__fish_seen_subcommand_from providers' -l region -x -a '[^']*\bcn\b[^']*\beu\b`).MatchString(script) {
		t.Errorf("fish script lacks the values of --region")
	}
	seen := map[string]bool{}
	for _, l := range strings.Split(script, "\n") {
		if !strings.HasPrefix(l, "complete ") {
			continue
		}
		// One completion per flag and condition, whatever its text.
		key := l
		if i := strings.Index(l, " -d "); i >= 0 {
			key = l[:i]
		}
		if seen[key] {
			t.Errorf("listed twice: %q", l)
		}
		seen[key] = true
	}
	if strings.Contains(script, "`") {
		t.Error("fish script has urfave/cli's backticks")
	}
	if fish, err := exec.LookPath("fish"); err == nil {
		path := filepath.Join(t.TempDir(), "popfind.fish")
		if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(fish, "--no-execute", path).CombinedOutput(); err != nil {
			t.Errorf("fish --no-execute: %v: %s", err, out)
		}
	}
}

// TestCompleteLists: --sources and --protocol take lists; after "builtin,"
// the next item is completed, without those already named.
func TestCompleteLists(t *testing.T) {
	t.Parallel()
	a := newApp(IO{}, new(int), i18n.English)
	tests := []struct {
		args      []string
		has, lack []string
	}{
		{[]string{"--sources", "builtin,"}, []string{"builtin,srv", "builtin,autoconfig", "builtin,guess"}, []string{"builtin,builtin", "builtin,all", "srv"}},
		{[]string{"--sources", "builtin,srv,"}, []string{"builtin,srv,mx"}, []string{"builtin,srv,srv", "builtin,srv,builtin"}},
		{[]string{"--sources", "=", "builtin,"}, []string{"builtin,srv"}, nil},
		{[]string{"--sources", ""}, []string{"all", "builtin", "srv"}, nil},
		{[]string{"--protocol", "pop3,"}, []string{"pop3,imap", "pop3,smtp"}, []string{"pop3,pop3"}},
		{[]string{"verify", "--protocol", ""}, []string{"pop3", "imap", "smtp"}, []string{"pop3,smtp"}},
		{[]string{"providers", "--region", ""}, []string{"cn", "eu"}, nil},
		{[]string{"completion", ""}, []string{"bash", "zsh", "fish"}, nil},
		{[]string{"--"}, []string{"--json", "--help", "--version"}, nil},
	}
	for _, tt := range tests {
		got := complete(a, append(append([]string{"popfind"}, tt.args...), completeFlag))
		for _, w := range tt.has {
			if !containsString(got, w) {
				t.Errorf("complete %q: %q lacks %q", tt.args, got, w)
			}
		}
		for _, w := range tt.lack {
			if containsString(got, w) {
				t.Errorf("complete %q: %q has %q", tt.args, got, w)
			}
		}
		seen := map[string]bool{}
		for _, c := range got {
			if seen[c] {
				t.Errorf("complete %q: %q twice", tt.args, c)
			}
			seen[c] = true
		}
	}
}

// TestManPageForms: the manual page's synopsis shows the forms of use,
// each exit status is an entry of its own, and COLUMNS and LANGUAGE are
// described as they behave.
func TestManPageForms(t *testing.T) {
	t.Parallel()
	page := manPage()
	for _, want := range []string{
		".SH SYNOPSIS\n.PP\n\\fBpopfind\\fR [\\fIoptions\\fR] \\fIADDRESS\\fR...\n.PP\n\\fBpopfind\\fR [\\fIoptions\\fR] \\fB\\-\\fR\n",
		"\\fBpopfind\\fR \\fBproviders\\fR [\\fB\\-\\-region\\fR\\ \\fICODE\\fR]",
		"\\fBpopfind\\fR \\fBverify\\fR [\\fB\\-\\-protocol\\fR\\ \\fBpop3\\fR|\\fBimap\\fR|\\fBsmtp\\fR]",
		"\\fBpopfind\\fR \\fBcompletion\\fR \\fBbash\\fR|\\fBzsh\\fR|\\fBfish\\fR",
		".TP\n.B 0\n", ".TP\n.B 130\n", ".PP\nIn a batch, 2 wins over 4",
		"It wins over the terminal's own width",
		"it is ignored when the locale of messages is C",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
	if strings.Contains(page, "Exit status: 0") {
		t.Error("man page runs the exit statuses together in its description")
	}
}

func containsString(list []string, s string) bool { return slices.Contains(list, s) }

// TestChineseProgress: the progress line of a batch speaks the run's
// language.
func TestChineseProgress(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	p := newProgress(&b, true, 4)
	p.lang = i18n.Chinese
	p.add(true)
	p.finish()
	if got := b.String(); !strings.Contains(got, "1/4，每秒") || !strings.Contains(got, "1 个失败") || strings.Contains(got, "failed") {
		t.Errorf("Chinese progress %q", got)
	}
}
