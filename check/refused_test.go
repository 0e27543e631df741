package check_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/check"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/internal/checkworld"
	"github.com/popfind/popfind/lookup"
)

// refusingDial refuses, for safety, every connection whose port refuse
// says to, as popfind serve's guard refuses an address that is not public,
// and makes the others as the world does.
func refusingDial(refuse func(port string) bool) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		if _, port, err := net.SplitHostPort(address); err == nil && refuse(port) {
			return nil, &net.OpError{Op: "dial", Net: network,
				Err: fmt.Errorf("%w: %q is not a public address", autoconfig.ErrRefusedForSafety, address)}
		}
		return checkworld.Dial(ctx, network, address)
	}
}

// TestRefusedForSafety: a clean domain whose every connection is refused
// for safety is not a broken domain. Its sources are failed (not missing)
// and say why, its servers are not checked, and one info finding says
// what was not looked at; nothing is a failure or a warning.
func TestRefusedForSafety(t *testing.T) {
	t.Parallel()
	w := checkworld.New(t)
	for _, tc := range []struct {
		name            string
		refuse          func(port string) bool
		sources, server bool
	}{
		{"everything", func(string) bool { return true }, true, true},
		{"servers only", func(p string) bool { return p != "80" && p != "443" && !strings.HasSuffix(w.ISPDB, ":"+p+"/") }, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := w.Config()
			cfg.Dial = refusingDial(tc.refuse)
			c, err := check.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.Close)
			r := run(t, c, w.Clean)
			if len(r.Findings) != 1 || r.Findings[0].Code != check.CodeRefusedForSafety || r.Findings[0].Severity != check.Info {
				t.Fatalf("want one refused_for_safety info finding, got:%s", describe(r))
			}
			f := r.Findings[0]
			readable(t, f)
			for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
				msg := lang.Format(f.Message)
				if strings.Contains(msg, "mail."+w.Clean+":995") != tc.server {
					t.Errorf("%s: servers named: %v, want %v: %q", lang, !tc.server, tc.server, msg)
				}
				if strings.Contains(msg, lookup.SourceAutoconfig) != tc.sources {
					t.Errorf("%s: sources named: %v, want %v: %q", lang, !tc.sources, tc.sources, msg)
				}
			}
			if !strings.Contains(i18n.English.Format(f.Fix), "--allow-private") {
				t.Errorf("fix %q", i18n.English.Format(f.Fix))
			}
			for _, s := range r.Sources {
				switch {
				case tc.sources && s.Status == check.StatusMissing && s.Source != lookup.SourceBuiltin && s.Source != lookup.SourceMX:
					t.Errorf("source %s: missing, though it was not looked at", s.Source)
				case s.Status == check.StatusFailed && (s.Reason == nil || s.Reason.Key != i18n.ReasonRefusedSafety):
					t.Errorf("source %s: failed, reason %v", s.Source, s.Reason)
				}
			}
			if got := r.Sources[1]; tc.sources && (got.Source != lookup.SourceAutoconfig || got.Status != check.StatusFailed) {
				t.Errorf("autoconfig: %s %s", got.Source, got.Status)
			}
			if len(r.Servers) != 3 {
				t.Fatalf("servers %+v, want 3", r.Servers)
			}
			for _, sc := range r.Servers {
				if sc.Checked() || sc.Report.Kind != check.KindRefusedForSafety || sc.Report.Problem.Key != i18n.FailRefusedSafety {
					t.Errorf("%s: checked %v, kind %s, problem %v", sc.Server.Host, sc.Checked(), sc.Report.Kind, sc.Report.Problem)
				}
			}
		})
	}
}
