package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/mattn/go-runewidth"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/popfind/popfind/app"
	"github.com/popfind/popfind/internal/testnet"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"popfind": func() {
			// As main does: Ctrl-C cancels the run. The scripts' servers may
			// listen on other ports than the standard ones (no root): follow
			// the map the test passes on.
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			code := app.Run(ctx, os.Args, app.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
				Dial: testnet.DialWith(os.Getenv(testnet.PortMapEnv))})
			stop()
			os.Exit(code)
		},
	})
}

// TestScripts runs the CLI golden scripts in testdata/script. They use no
// network: lookups are --offline or point --dns and --ispdb at servers the
// test starts on loopback.
func TestScripts(t *testing.T) {
	t.Parallel()
	schema := compileSchema(t, "")
	verifySchema := compileSchema(t, "#/$defs/verify")
	world := newScriptWorld(t)
	testscript.Run(t, testscript.Params{
		Dir:       filepath.Join("testdata", "script"),
		Setup:     world.setup,
		Condition: world.condition,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// status N PROGRAM ARGS...: run the program and require exit status N.
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: status N PROGRAM [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				ts.Check(err)
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("%v", err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("exit status %d, want %d", got, want)
				}
			},
			// fits N FILE: no line of FILE is wider than N columns, counting
			// East Asian wide characters as two; but a line that holds one
			// word alone (a URL or a host name, which popfind never splits)
			// may be, for the terminal to wrap.
			"fits": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: fits N FILE")
				}
				n, err := strconv.Atoi(args[0])
				ts.Check(err)
				for i, line := range strings.Split(ts.ReadFile(args[1]), "\n") {
					if w := runewidth.StringWidth(line); w > n && len(strings.Fields(line)) > 1 {
						ts.Fatalf("%s line %d is %d columns wide: %q", args[1], i+1, w, line)
					}
				}
			},
			// schema_verify FILE: every line is a valid verify object.
			"schema_verify": func(ts *testscript.TestScript, neg bool, args []string) {
				ts.Check(validateLines(verifySchema, ts.ReadFile(args[0])))
			},
			// schema FILE: every line of FILE is valid against the result schema.
			"schema": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: schema FILE")
				}
				err := validateLines(schema, ts.ReadFile(args[0]))
				if neg {
					if err == nil {
						ts.Fatalf("%s unexpectedly valid", args[0])
					}
					return
				}
				ts.Check(err)
			},
		},
	})
}

func compileSchema(t *testing.T, fragment string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	s, err := c.Compile(filepath.Join("schema", "result.schema.json") + fragment)
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return s
}

func validateLines(s *jsonschema.Schema, text string) error {
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(sc.Bytes()))
		if err != nil {
			return err
		}
		if err := s.Validate(v); err != nil {
			return err
		}
	}
	if n == 0 {
		return json.Unmarshal(nil, new(any)) // no lines: report as invalid JSON
	}
	return sc.Err()
}
