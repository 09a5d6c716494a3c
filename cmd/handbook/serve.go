package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/rscp/handbook/build/serve"
	"github.com/rscp/handbook/internal/scratch"
	"github.com/rscp/handbook/search"
)

const defaultAddr = "127.0.0.1:1313"

func (m *Main) serve(ctx context.Context, args []string) int {
	fs := m.flags("serve")
	siteDir := fs.String("s", ".", "site folder holding handbook.yaml, content/ and data/")
	addr := fs.String("addr", defaultAddr, "address to listen on; only this computer can open the preview unless you change it")
	poll := fs.Duration("poll", 0, "look for changes at this interval instead of using file system events (for network drives), e.g. 1s")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "handbook serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if st, err := os.Stat(*siteDir); err != nil || !st.IsDir() {
		fmt.Fprintf(m.Stderr, "handbook serve: site folder %s: not found\n", *siteDir)
		return 1
	}
	addrSet := false
	fs.Visit(func(f *flag.Flag) { addrSet = addrSet || f.Name == "addr" })
	ln, err := listen(*addr, !addrSet)
	if err != nil {
		fmt.Fprintf(m.Stderr, "handbook serve: %v\n", err)
		return 1
	}
	defer ln.Close()
	abs, _ := filepath.Abs(*siteDir)
	url := serve.URL(ln.Addr().String())
	srv := serve.New(serve.Options{
		SiteDir: *siteDir,
		BaseURL: url,
		Log:     m.Stderr,
		Poll:    *poll,
		Search:  searchHandler,
	})
	fmt.Fprintf(m.Stderr, "building %s\n", abs)
	fmt.Fprintf(m.Stdout, "Preview: %s\nPages change as you save. Press Ctrl+C to stop.\n", url)
	if err := srv.Run(ctx, ln); err != nil {
		fmt.Fprintf(m.Stderr, "handbook serve: %v\n", err)
		return 1
	}
	return 0
}

// listen opens addr. When the default port is taken (another preview is
// running) it tries the next few.
func listen(addr string, tryNext bool) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil || !tryNext || !errors.Is(err, syscall.EADDRINUSE) {
		return ln, err
	}
	host, port, perr := net.SplitHostPort(addr)
	p, aerr := strconv.Atoi(port)
	if perr != nil || aerr != nil {
		return nil, err
	}
	for i := 1; i <= 10; i++ {
		if ln, err2 := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p+i))); err2 == nil {
			return ln, nil
		}
	}
	return nil, fmt.Errorf("%w: start handbook serve with --addr 127.0.0.1:PORT using a free port", err)
}

// searchHandler indexes a freshly built preview in a temporary folder and
// answers /search and /search.json from it, as the hosted site does.
func searchHandler(src serve.SearchSource) (http.Handler, func(), error) {
	dir, err := scratch.Dir("handbook-search")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	idx := filepath.Join(dir, "index.bleve")
	if err := search.Build(idx, src.Docs, src.Synonyms); err != nil {
		cleanup()
		return nil, nil, err
	}
	ix, err := search.Open(idx)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	shell, _ := serve.File(src.Files, "search/index.html")
	return search.NewHandler(ix, shell), func() { ix.Close(); cleanup() }, nil
}
