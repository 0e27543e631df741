// Package docs holds documents that popfind serves as well as ships.
package docs

import _ "embed"

// OpenAPI is openapi.json, the OpenAPI 3.1 description of popfind serve's
// JSON API, which serves it at /api/v1/openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte
