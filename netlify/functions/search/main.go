// Command search is the site's hosted search, run as a Netlify Function
// (AWS Lambda, Go runtime). It opens the prebuilt index read-only and answers
// /search (HTML page) and /search.json (suggestions) through search.NewHandler.
//
// Where the files come from, first match wins:
//
//   - HANDBOOK_INDEX (default "public.search", where `handbook build` writes
//     the index of a site built into public/) and HANDBOOK_SEARCH_SHELL
//     (default "search/index.html"): an absolute path, or a path relative to
//     LAMBDA_TASK_ROOT, the executable's directory or the working directory.
//   - Otherwise the copies embedded at build time from bundle/index.bleve and
//     bundle/search.html. Netlify's Go runtime ships only the compiled binary
//     (included_files does not apply to Go functions), so the site build copies
//     the index into bundle/ before Netlify compiles the function; the embedded
//     index is written once per cold start to a temporary directory, because
//     bleve reads its segments from files.
package main

import (
	"context"
	"embed"
	"fmt"
	"log"
	"os"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/rscp/handbook/search"
)

//go:embed all:bundle
var bundle embed.FS

var (
	once    sync.Once
	app     *adapter
	initErr error
)

func main() {
	lambda.Start(handle)
}

// handle answers one request, opening the index on the first.
func handle(ctx context.Context, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	once.Do(func() { app, initErr = setup() })
	if initErr != nil {
		// Log the cause (no request data), answer with a plain page.
		log.Printf("search: %v", initErr)
		return withSiteHeaders(unavailable()), nil
	}
	return withSiteHeaders(app.serve(ctx, ev)), nil
}

// setup opens the index and reads the page shell.
func setup() (*adapter, error) {
	cfg := config{
		IndexPath: envOr("HANDBOOK_INDEX", "public.search"),
		ShellPath: envOr("HANDBOOK_SEARCH_SHELL", "search/index.html"),
		Roots:     searchRoots(),
		Bundle:    bundle,
		TempDir:   os.TempDir(),
	}
	ix, shell, err := cfg.open()
	if err != nil {
		return nil, fmt.Errorf("cannot open the search index: %w", err)
	}
	return &adapter{h: search.NewHandler(ix, shell)}, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
