package lookup_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/popfind/popfind/autoconfig"
	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
)

// A redirect the fetch guard refused is said as such, in every command;
// another guard's refusal (popfind serve's) keeps the desk's wording.
func TestReasonRefusedForSafety(t *testing.T) {
	t.Parallel()
	redirect := fmt.Errorf("autoconfig: fetch https://autoconfig.example.com/: %w", fmt.Errorf("%w: refusing a redirect", autoconfig.ErrRedirectRefused))
	if !errors.Is(redirect, autoconfig.ErrRefusedForSafety) {
		t.Fatal("a redirect refusal does not match ErrRefusedForSafety")
	}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{redirect, i18n.ReasonRedirectRefused},
		{fmt.Errorf("dial: %w", autoconfig.ErrRefusedForSafety), i18n.ReasonRefusedSafety},
	} {
		m, ok := lookup.Reason(tt.err)
		if !ok || m.Key != tt.want {
			t.Errorf("Reason(%v) = %v, %v; want %s", tt.err, m, ok, tt.want)
		}
	}
}
