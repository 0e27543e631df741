package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/popfind/popfind/i18n"
	"github.com/popfind/popfind/lookup"
	"github.com/popfind/popfind/lookup/settings"
)

// defaultConcurrency is the number of domains a batch looks up at once: high
// enough to hide network latency, low enough not to flood a resolver. The
// default lookup of a domain without SMTP takes two to three times as long
// as a POP3 lookup (SMTP's guesses come after the other sources), so this is
// three times the 32 that POP3 alone needed: BenchmarkBatch.
const defaultConcurrency = 96

func parseOptions(c *cli.Context, getenv func(string) string) (*options, error) {
	lang, err := language(c, getenv)
	if err != nil {
		return nil, err
	}
	o := &options{
		json:        c.Bool("json"),
		timeout:     c.Duration("timeout"),
		dns:         c.String("dns"),
		ispdb:       c.String("ispdb"),
		all:         c.Bool("all"),
		verify:      c.Bool("verify"),
		concurrency: c.Int("concurrency"),
		lang:        lang,
	}
	switch g := strings.TrimSpace(c.String("grace")); {
	case c.Bool("wait-all"):
		o.grace = -1
	case g == "" || g == "auto":
	default:
		d, err := time.ParseDuration(g)
		if g == "0" {
			d, err = 0, nil
		}
		if err != nil || d < 0 {
			return nil, usageError(i18n.UsageGrace, strconv.Quote(g))
		}
		o.grace = d
		if d == 0 {
			o.grace = -1 // --grace 0: wait for every source
		}
	}
	if o.timeout <= 0 {
		return nil, usageError(i18n.UsageTimeoutPositive, o.timeout.String())
	}
	if o.concurrency < 1 || o.concurrency > 1024 {
		return nil, usageError(i18n.UsageConcurrency, strconv.Itoa(o.concurrency))
	}
	if o.dns != "" {
		if o.dns, err = normalizeDNS(c.Context, o.dns); err != nil {
			return nil, err
		}
	}
	if u, err := url.Parse(o.ispdb); o.ispdb != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
		return nil, usageError(i18n.UsageISPDB, strconv.Quote(o.ispdb))
	}
	list := c.String("sources")
	if c.Bool("offline") {
		if c.IsSet("sources") && list != lookup.SourceBuiltin {
			return nil, usageError(i18n.UsageOfflineSources, strconv.Quote(list))
		}
		list = lookup.SourceBuiltin
	}
	if o.sources, err = parseSources(list); err != nil {
		return nil, err
	}
	// An empty --protocol (or POPFIND_PROTOCOL set to nothing) is the
	// default.
	if list := c.String("protocol"); strings.TrimSpace(list) != "" {
		if o.protocols, err = lookup.ParseProtocols(list); err != nil {
			return nil, usageError(i18n.UsageProtocol, strconv.Quote(list))
		}
	}
	return o, nil
}

func lookupAction(c *cli.Context, stdio IO, status *int) error {
	if c.NArg() == 0 {
		return usageError(i18n.UsageNoAddress)
	}
	opts, err := parseOptions(c, stdio.Getenv)
	if err != nil {
		return err
	}
	opts.color = !opts.json && useColor(stdio.Out, stdio.Getenv)
	opts.width = screenWidth(stdio.Out, stdio.Getenv)
	opts.dial = stdio.Dial
	// A progress line on a terminal's stderr, when the results go elsewhere
	// (a file or a pipe) and there is more than one address.
	opts.progress = isTerminal(stdio.Err) && !isTerminal(stdio.Out) && (hasStdin(c.Args().Slice()) || c.NArg() > 1)
	f, err := newFinder(opts)
	if err != nil {
		return err
	}
	defer f.Close()
	b := &batch{
		opts:   opts,
		finder: f,
		verify: verifier(f, opts),
		out:    stdio.Out,
		errw:   stdio.Err,
	}
	in := &inputs{args: c.Args().Slice(), in: stdio.In}
	*status, err = b.run(c.Context, in)
	return err
}

func hasStdin(args []string) bool {
	for _, a := range args {
		if a == "-" {
			return true
		}
	}
	return false
}

// batch looks up a stream of addresses, several domains at once, and writes
// each result as soon as it and every result before it are known.
type batch struct {
	opts   *options
	finder *lookup.Finder
	verify func(ctx context.Context, s lookup.Server) *verifyReport
	out    io.Writer
	errw   io.Writer
}

type slot struct {
	in   item
	done chan struct{}
	out  *outcome
}

// run processes every input and returns the exit status.
func (b *batch) run(ctx context.Context, in *inputs) (int, error) {
	// The total is known when every address is an argument. Count before the
	// reader starts consuming the arguments.
	total := 0
	if !hasStdin(in.args) {
		total = len(in.args)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := b.opts.concurrency
	if total > 0 && total < workers {
		// No more workers than addresses: starting 96 goroutines for one
		// address was 5% of a quick answer's instructions.
		workers = total
	}
	// The window bounds how far reading may run ahead of writing, so memory
	// stays flat however long the input is.
	order := make(chan *slot, 4*workers)
	work := make(chan *slot)
	var readErr error
	go func() {
		defer close(order)
		defer close(work)
		for {
			it, err := in.next()
			if err == io.EOF {
				return
			}
			if err != nil {
				readErr = fmt.Errorf("read standard input: %w", err)
				return
			}
			s := &slot{in: it, done: make(chan struct{})}
			select {
			case order <- s:
			case <-ctx.Done():
				return
			}
			select {
			case work <- s:
			case <-ctx.Done():
				return
			}
		}
	}()
	// The reader may be blocked reading a terminal or a pipe when ctx ends
	// (Ctrl-C): nothing can interrupt that read, so it is not waited for;
	// the workers and this loop stop at once instead. Every result already
	// written stays complete, since only this goroutine writes.
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var s *slot
				var ok bool
				select {
				case s, ok = <-work:
				case <-ctx.Done():
					return
				}
				if !ok {
					return
				}
				s.out = b.process(ctx, s)
				close(s.done)
			}
		}()
	}
	defer wg.Wait()

	prog := newProgress(b.errw, b.opts.progress, total)
	prog.lang = b.opts.lang
	defer prog.finish()
	// Messages go through the progress line, which clears itself first.
	errw := b.errw
	b.errw = prog
	defer func() { b.errw = errw }()
	worst := ExitOK
	for {
		var s *slot
		var ok bool
		select {
		case s, ok = <-order:
		case <-ctx.Done():
			return worst, ctx.Err()
		}
		if !ok {
			break
		}
		select {
		case <-s.done:
		case <-ctx.Done():
			return worst, ctx.Err()
		}
		if ctx.Err() != nil {
			// Interrupted while this result was made: its lookups and
			// checks were stopped, not failed; nothing is said of them.
			return worst, ctx.Err()
		}
		if s.in.notUTF8 && !b.opts.json {
			// For a person, once, before the result; JSON has it in the
			// result's warnings.
			lang := b.opts.lang
			l := lang.Sprintf(i18n.LblWarning) + lang.Colon()
			fmt.Fprintln(b.errw, wrap(l+lang.Sprintf(i18n.WarnLineNotUTF8, strconv.Itoa(s.in.line), s.in.text), b.opts.width, textWidth(l)))
		}
		if err := b.write(s.out); err != nil {
			cancel()
			return worst, fmt.Errorf("write output: %w", err)
		}
		code := exitCode(s.out)
		worst = worse(worst, code)
		prog.add(code != ExitOK)
	}
	if readErr != nil {
		return worst, readErr
	}
	return worst, ctx.Err()
}

func (b *batch) process(ctx context.Context, s *slot) *outcome {
	o := &outcome{input: s.in.text}
	if s.in.err != nil {
		o.err = &lookup.AddressError{Input: s.in.text, Why: i18n.M(i18n.AddrLineTooLong, strconv.Itoa(maxLine)), Line: s.in.line}
		return o
	}
	// An address, or a bare domain looked up for an address that stands
	// for all of its addresses.
	addr, err := settings.ParseAddressOrDomain(s.in.text)
	if err != nil {
		var ae *lookup.AddressError
		if errors.As(err, &ae) {
			ae.Line = s.in.line
		}
		o.err = err
		return o
	}
	o.res = b.finder.FindAddress(ctx, lookup.Address(addr))
	if b.verify != nil {
		// Every protocol's chosen server, checked at once.
		all := o.res.All()
		o.verify = make([]*verifyReport, len(all))
		var wg sync.WaitGroup
		for i, r := range all {
			if srv := r.Server(); srv != nil {
				wg.Add(1)
				go func() {
					defer wg.Done()
					o.verify[i] = b.verify(ctx, *srv)
				}()
			}
		}
		wg.Wait()
	}
	if addr.DomainOnly() {
		showPatterns(o.res, addr, b.opts)
	}
	if s.in.notUTF8 && b.opts.json {
		o.res.Warnings = append(o.res.Warnings, i18n.M(i18n.WarnLineNotUTF8, strconv.Itoa(s.in.line), s.in.text))
	}
	return o
}

func (b *batch) write(o *outcome) error {
	if b.opts.json {
		return writeJSON(b.out, view(o, b.opts.lang, b.opts.all))
	}
	return writeHuman(b.out, b.errw, o, b.opts.lang, screen{style: style{on: b.opts.color}, lang: b.opts.lang, width: b.opts.width}, b.opts.all)
}

// exitCode is the status one outcome calls for.
func exitCode(o *outcome) int {
	switch {
	case o.invalid():
		return ExitUsage
	case !o.res.Found && errors.Is(o.res.Err, lookup.ErrNetwork):
		return ExitNetwork
	case o.verifyFailed():
		return ExitVerify
	case !o.res.Found:
		return ExitNotFound
	}
	return ExitOK
}

// worse ranks statuses: an invalid address (2) over a lookup that could not
// be made (4) over a failed check (3) over a missing answer (1) over
// success (0).
func worse(a, b int) int {
	rank := map[int]int{ExitOK: 0, ExitNotFound: 1, ExitVerify: 2, ExitNetwork: 3, ExitUsage: 4}
	if rank[b] > rank[a] {
		return b
	}
	return a
}
