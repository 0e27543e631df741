// Package schema holds the JSON Schema of popfind's JSON: one line of
// popfind --json, and the answers of popfind serve's API, which serves it.
package schema

import _ "embed"

// Result is result.schema.json, the JSON Schema (draft 2020-12) of a
// lookup's result; its $defs/verify describes a check's report.
//
//go:embed result.schema.json
var Result []byte

// Check is check.schema.json, the JSON Schema (draft 2020-12) of a domain
// check's report (popfind check --json, GET /api/v1/check). It refers to
// result.schema.json for servers, sources and the verify object.
//
//go:embed check.schema.json
var Check []byte
