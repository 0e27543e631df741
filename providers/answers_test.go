package providers

import (
	"context"
	"sync"
	"testing"

	"github.com/popfind/popfind/lookup/settings"
)

// A table makes a provider's answer on its first lookup and keeps it: a run
// that looks up one address makes one answer, not the table's hundred, and
// concurrent lookups all get the same answer.
func TestAnswersMadeOnFirstUse(t *testing.T) {
	t.Parallel()
	tab := Builtin()
	made := func() int {
		n := 0
		tab.answers.Range(func(any, any) bool { n++; return true })
		return n
	}
	if n := made(); n != 0 {
		t.Fatalf("%d answers made before any lookup", n)
	}
	src := &Source{Table: tab}
	got := make([]*settings.Answer, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			a, err := src.Lookup(context.Background(), settings.Address{Local: "someone", Domain: "gmail.com"})
			if err != nil {
				t.Error(err)
			}
			got[i] = a
		})
	}
	wg.Wait()
	if n := made(); n != 1 {
		t.Fatalf("%d answers made after looking up one provider, want 1", n)
	}
	for _, a := range got {
		if a == nil || a != got[0] {
			t.Fatalf("lookups got different answers: %p and %p", a, got[0])
		}
	}
	if got[0].Provider == nil || got[0].Provider.ID != "gmail" {
		t.Fatalf("provider %+v, want gmail", got[0].Provider)
	}
	// Found by its MX host, the provider has the same answer.
	if a, ok := tab.ForMX("aspmx.l.google.com."); !ok || a != got[0] {
		t.Fatalf("ForMX: %p, %v; want the lookup's answer %p", a, ok, got[0])
	}
	if n := made(); n != 1 {
		t.Fatalf("%d answers made, want 1", n)
	}
}
