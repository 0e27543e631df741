package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/popfind/popfind/internal/testnet"
)

// clientProgram is a program in a module of its own that uses the library
// as an outside user would: it imports github.com/popfind/popfind/lookup
// and nothing else of popfind.
const clientProgram = `package main

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"strings"
	"time"

	"github.com/popfind/popfind/lookup"
)

func main() {
	f, err := lookup.New(lookup.Config{
		DNS:     os.Getenv("CLIENT_DNS"),
		ISPDB:   os.Getenv("CLIENT_ISPDB"),
		Timeout: 5 * time.Second,
		Dial:    dial(os.Getenv("POPFIND_TEST_PORTS")),
	})
	if err != nil {
		panic(err)
	}
	defer f.Close()
	enc := json.NewEncoder(os.Stdout)
	for _, addr := range os.Args[1:] {
		res := f.Find(context.Background(), addr)
		out := map[string]any{"address": addr, "found": res.Found, "source": res.Source}
		if s := res.Server(); s != nil {
			out["host"], out["port"], out["socket_type"], out["username"] = s.Host, s.Port, string(s.SocketType), s.Username
			if res.Answer.SourceURL != "" {
				out["source_url"] = res.Answer.SourceURL
			}
		}
		enc.Encode(out)
	}
}

// dial follows the test servers' port map ("ip:443=ip:40123,..."): without
// root they cannot listen on the standard ports.
func dial(ports string) func(ctx context.Context, network, address string) (net.Conn, error) {
	m := map[string]string{}
	for _, pair := range strings.Split(ports, ",") {
		if k, v, ok := strings.Cut(pair, "="); ok {
			m[k] = v
		}
	}
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		if real, ok := m[address]; ok {
			address = real
		}
		var d net.Dialer
		return d.DialContext(ctx, network, address)
	}
}
`

// TestLibraryFromAnotherModule builds a program in a temporary module that
// imports the library through a replace directive, and checks that it gets
// the command's answer for a built-in domain, an SRV domain and an
// autoconfig domain on the test servers.
func TestLibraryFromAnotherModule(t *testing.T) {
	t.Parallel()
	w := newScriptWorld(t)
	repo, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"go.mod": "module example.com/client\n\ngo 1.26.8\n\nrequire github.com/popfind/popfind v0.0.0\n\n" +
			"replace github.com/popfind/popfind => " + repo + "\n",
		"go.sum":  string(sum),
		"main.go": clientProgram,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Everything the client needs is in the module cache already: no
	// download, no network.
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off",
		"SSL_CERT_FILE="+w.caFile, "SSL_CERT_DIR="+filepath.Dir(w.caFile), testnet.PortMapEnv+"="+testnet.PortMap())
	client := filepath.Join(dir, "client")
	build := exec.Command("go", "build", "-o", client, ".")
	build.Dir, build.Env = dir, env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the client module: %v\n%s", err, out)
	}
	// The command: this test binary under the name popfind, which
	// testscript puts on PATH and which follows the port map.
	popfind, err := exec.LookPath("popfind")
	if err != nil {
		t.Fatal(err)
	}

	addrs := []string{"someone@gmail.com", "someone@srv-only.example", "someone@ac.example"}
	run := func(name string, args []string, extra ...string) []map[string]any {
		cmd := exec.Command(name, args...)
		cmd.Env = append(append([]string{}, env...), extra...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(name), err)
		}
		var rows []map[string]any
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var v map[string]any
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			rows = append(rows, v)
		}
		return rows
	}
	got := run(client, addrs, "CLIENT_DNS="+w.dnsAddr, "CLIENT_ISPDB=https://ispdb.test/v1.1/")
	want := run(popfind, append([]string{"--json", "--dns", w.dnsAddr, "--ispdb", "https://ispdb.test/v1.1/", "--timeout", "5s"}, addrs...))
	if len(got) != len(addrs) || len(want) != len(addrs) {
		t.Fatalf("%d and %d results for %d addresses", len(got), len(want), len(addrs))
	}
	sources := map[string]string{}
	for i := range addrs {
		cmd := map[string]any{"address": want[i]["address"], "found": want[i]["found"], "source": want[i]["source"]}
		if s, ok := want[i]["server"].(map[string]any); ok {
			for _, k := range []string{"host", "port", "socket_type", "username"} {
				cmd[k] = s[k]
			}
			if u, ok := want[i]["source_url"]; ok {
				cmd["source_url"] = u
			}
		}
		if !reflect.DeepEqual(got[i], cmd) {
			t.Errorf("%s:\nlibrary %v\ncommand %v", addrs[i], got[i], cmd)
		}
		sources[addrs[i]], _ = got[i]["source"].(string)
	}
	if sources["someone@gmail.com"] != "builtin" || sources["someone@srv-only.example"] != "srv" || sources["someone@ac.example"] != "autoconfig" {
		t.Errorf("sources %v; want builtin, srv and autoconfig", sources)
	}
}
