package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/source"
	"github.com/rscp/handbook/build/stamp"
)

// stampFile is the file of a cache folder that says what the last build
// read and left behind (build/stamp).
const stampFile = "build.stamp"

// unchanged returns the key of a build with opts into outDir and
// indexDir (stampKey), and the result of the last build when this one
// would change nothing: the stamp in the cache folder has the same key,
// finds every file the last build read as it was, and the output folders
// as it left them. The result is nil when a build is needed.
func unchanged(opts Options, outDir, indexDir string) (string, *Result) {
	// git runs while the files are looked at.
	keyc := make(chan string, 1)
	go func() { keyc <- stampKey(opts, outDir, indexDir) }()
	s := stamp.Load(filepath.Join(opts.Cache.dir, stampFile))
	holds := false
	if fsys, err := source.Open(opts.SiteDir); err == nil && s != nil {
		holds = s.Current(fsys, opts.SiteDir)
	}
	key := <-keyc
	if !holds || s.Key != key {
		return key, nil
	}
	diags := &diag.List{}
	for _, d := range s.Diags {
		diags.Add(d)
	}
	return key, &Result{Diags: diags, Written: s.Files, Unchanged: true, Pages: s.Pages}
}

// snapshots are the output folders as a build left them, each taken
// while the build still held it (output.Writer.CommitThen): another build
// may replace a folder as soon as it is let go.
type snapshots struct {
	folders []stamp.Folder
	err     error
}

// of returns what takes the snapshot of dir, or nil when the build keeps
// no stamp.
func (s *snapshots) of(record bool, dir string) func() {
	if !record {
		return nil
	}
	return func() {
		f, err := stamp.Snapshot(dir)
		if err != nil {
			s.err = err
			return
		}
		s.folders = append(s.folders, f)
	}
}

// saveStamp records in the cache folder what the build res read and the
// output folders it left (snaps). A build that cannot keep its stamp has
// still succeeded: it says so, and the next build builds.
func saveStamp(opts Options, key string, res *Result, snaps snapshots) {
	reads, faithful := res.reads.List()
	if !faithful {
		return // a file changed while the site was read: build again next time
	}
	if snaps.err != nil {
		warnUnrecorded(res, snaps.err)
		return
	}
	s := &stamp.Stamp{Key: key, Reads: reads, Outputs: snaps.folders, Diags: res.Diags.Sorted(), Pages: len(res.Site.Pages), Files: res.Written}
	err := os.MkdirAll(opts.Cache.dir, 0o755)
	if err == nil {
		err = s.Save(filepath.Join(opts.Cache.dir, stampFile))
	}
	if err != nil {
		warnUnrecorded(res, err)
	}
}

// warnUnrecorded says why a build keeps no stamp.
func warnUnrecorded(res *Result, err error) {
	res.Diags.Warnf("", 0, "the build could not be recorded in the cache folder, so the next build will build everything again: %v", err)
}

// stampKey names what a build's output depends on besides the files it
// reads of the site folder: the program (with its embedded theme), the
// options, the folders it writes, the date, and git's state.
func stampKey(opts Options, outDir, indexDir string) string {
	site, _ := filepath.Abs(opts.SiteDir)
	h := sha256.New()
	fmt.Fprintf(h, "stamp 1\nprogram and settings %s\nsite %s\nout %s\nindex %s\n", opts.Cache.key, site, outDir, indexDir)
	fmt.Fprintf(h, "base-url %q drafts %v publishing %v production %v no-search %v\n", opts.BaseURL, opts.Drafts, opts.Publishing, opts.Production, opts.NoSearch)
	// Pages due for review, upcoming editions and undated feeds change
	// with the day, in the local zone and in UTC.
	fmt.Fprintf(h, "date %s %s\n", opts.Now.Format("2006-01-02 -0700 MST"), opts.Now.UTC().Format("2006-01-02"))
	fmt.Fprintf(h, "git %s\n", history.State(opts.SiteDir))
	return hex.EncodeToString(h.Sum(nil))
}
