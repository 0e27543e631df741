package app

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/popfind/popfind/i18n"
)

// The pages. These are plain placeholders, enough for a desk to use:
// the page issue replaces the handlers' bodies and keeps their names,
// which serve.go routes. Everything a page shows comes from the helpers
// the API uses (server.lookup, server.check, server.providerList) and the
// command's JSON views; everything it loads comes from web/static.

// webFS holds the pages' files: web/static is served at /static/.
//
//go:embed web
var webFS embed.FS

// pageTmpl is the placeholder pages' one template, parsed on first use:
// a command that serves no page does not pay for it at start.
var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(pageHTML))
})

const pageHTML = `<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>popfind</title><link rel="stylesheet" href="/static/popfind.css"></head>
<body><main>
<form action="/lookup" method="get"><input name="address" value="{{.Address}}" autofocus required>
<input type="hidden" name="lang" value="{{.Lang}}"><button>popfind</button></form>
{{with .Error}}<p class="error">{{.}}</p>{{end}}
{{with .Result}}<h1>{{.Address}}</h1>{{range $p, $v := .Servers}}<h2>{{$p}}</h2>
{{with $v.Server}}<p>{{.Host}}:{{.Port}} {{.SocketType}} {{.Username}}</p>{{else}}<p>{{$v.Error}}</p>{{end}}{{end}}
{{range .Notes}}<p>{{.}}</p>{{end}}{{range .Warnings}}<p class="warning">{{.}}</p>{{end}}{{end}}
{{with .Verify}}<p>{{.Host}}:{{.Port}} {{if .OK}}OK{{else}}{{.Error}} {{.Hint}}{{end}}</p>{{end}}
{{range .Providers}}<p>{{.Name}}: {{range .Servers}}{{.Host}}:{{.Port}} {{end}}</p>{{end}}
</main></body></html>
`

// pageData is what the placeholder template shows.
type pageData struct {
	Lang      i18n.Lang
	Address   string
	Error     string
	Result    *jsonResult
	Verify    *verifyJSON
	Providers []providerJSON
}

func (s *server) render(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Add("Vary", "Accept-Language")
	w.WriteHeader(status)
	pageTmpl().Execute(w, d)
}

// pageIndex is GET /: the lookup form.
func (s *server) pageIndex(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, pageData{Lang: s.language(r)})
}

// pageLookup is GET /lookup?address=…: a lookup's result.
func (s *server) pageLookup(w http.ResponseWriter, r *http.Request) {
	lang := s.language(r)
	q := r.URL.Query()
	d := pageData{Lang: lang, Address: q.Get("address")}
	if strings.TrimSpace(d.Address) == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	protocols := q.Get("protocol")
	if protocols == "" {
		protocols = "pop3,imap,smtp"
	}
	res, err := s.lookup(r, d.Address, protocols, lang, false)
	if err != nil {
		s.pageError(w, r, statusOf(err), err.Error())
		return
	}
	d.Result = res.view
	cacheFor(w, res.maxAge)
	s.render(w, res.status, d)
}

// pageProviders is GET /providers?filter=…&region=…: the quick reference.
func (s *server) pageProviders(w http.ResponseWriter, r *http.Request) {
	lang := s.language(r)
	q := r.URL.Query()
	list, err := s.providerList(q.Get("filter"), q.Get("region"), lang)
	if err != nil {
		s.pageError(w, r, statusOf(err), err.Error())
		return
	}
	d := pageData{Lang: lang}
	for _, p := range list {
		d.Providers = append(d.Providers, providerView(p, lang))
	}
	s.render(w, http.StatusOK, d)
}

// pageVerify is GET /verify?host=…&protocol=…&port=…&mode=…: a check.
func (s *server) pageVerify(w http.ResponseWriter, r *http.Request) {
	lang := s.language(r)
	q := r.URL.Query()
	if q.Get("host") == "" {
		s.render(w, http.StatusOK, pageData{Lang: lang})
		return
	}
	rep, err := s.check(r, q.Get("host"), q.Get("protocol"), q.Get("port"), q.Get("mode"), lang)
	if err != nil {
		s.pageError(w, r, statusOf(err), err.Error())
		return
	}
	s.render(w, http.StatusOK, pageData{Lang: lang, Verify: rep.json(lang)})
}

// pageError answers a page request with an error page: status and msg,
// in the request's language.
func (s *server) pageError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, status, pageData{Lang: s.language(r), Error: msg})
}

// statusOf is the status of an error of the helpers: an *httpError's
// own, 500 for anything else.
func statusOf(err error) int {
	if he, ok := err.(*httpError); ok {
		return he.status
	}
	return http.StatusInternalServerError
}

// static serves web/static at /static/: files only, no listings, each
// with an ETag of its content, so that a browser asks again cheaply and
// never keeps a file of an older binary.
func (s *server) static() http.Handler {
	sub, err := fs.Sub(webFS, "web/static")
	if err != nil {
		panic(err)
	}
	etags := map[string]string{}
	fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := sub.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		io.Copy(h, f)
		etags[p] = `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
		return nil
	})
	files := http.FileServerFS(sub)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tag, ok := etags[path.Clean(r.URL.Path)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	}))
}
