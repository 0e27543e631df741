// Command popfind finds the POP3 server (host, port, SSL setting and login
// name) for an email address. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/popfind/popfind/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first Ctrl-C popfind winds down; a second one kills it.
	context.AfterFunc(ctx, stop)
	code := app.Run(ctx, os.Args, app.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
