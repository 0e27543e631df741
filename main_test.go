package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/popfind/popfind/app"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"popfind": func() {
			os.Exit(app.Run(context.Background(), os.Args, app.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
		},
	})
}

// TestScripts runs the CLI golden scripts in testdata/script. They use no
// network: lookups are --offline or point --dns and --ispdb at servers the
// test starts on loopback.
func TestScripts(t *testing.T) {
	t.Parallel()
	schema := compileSchema(t)
	world := newScriptWorld(t)
	testscript.Run(t, testscript.Params{
		Dir:       filepath.Join("testdata", "script"),
		Setup:     world.setup,
		Condition: world.condition,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
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

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	s, err := c.Compile(filepath.Join("schema", "result.schema.json"))
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
