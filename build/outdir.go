package build

import (
	"os"
	"path/filepath"

	"github.com/rscp/handbook/build/output"
)

// sourceDirs are the folders of a site folder that a build reads: an
// output inside one of them would overwrite the sources, or be published
// again by every later build.
var sourceDirs = []string{"content", "data", "themes", "editions", ".git"}

// checkOutput refuses an output folder that a build must never replace:
// the site folder, a folder holding it, a folder inside its sources, a
// file, or a non-empty folder that is not an earlier build (unless force).
// Folders are compared as the system sees them, so a symbolic link or
// another spelling of the same folder is caught too.
func checkOutput(siteDir, outDir string, force bool) error {
	site, err := filepath.Abs(siteDir)
	if err != nil {
		return err
	}
	out, err := filepath.Abs(outDir)
	if err != nil {
		return err
	}
	siteInfo, err := os.Stat(site)
	if err != nil {
		return err
	}
	if outInfo, err := os.Stat(out); err == nil {
		if os.SameFile(outInfo, siteInfo) {
			return &output.RefusedError{Dir: outDir, Reason: "it is the site folder itself, and the build would delete handbook.yaml, content/ and everything else in it; use -o public"}
		}
		if within(site, outInfo) {
			return &output.RefusedError{Dir: outDir, Reason: "it holds the site folder " + siteDir + ", and the build would delete the site; use -o public"}
		}
	}
	for _, name := range sourceDirs {
		st, err := os.Stat(filepath.Join(site, name))
		if err != nil {
			continue
		}
		if within(out, st) {
			return &output.RefusedError{Dir: outDir, Reason: "it is inside " + name + "/, which holds the site's sources; use -o public"}
		}
	}
	return output.CheckReplace(outDir, force)
}

// within reports whether path, or a folder above it, is the folder dir.
func within(path string, dir os.FileInfo) bool {
	for {
		if st, err := os.Stat(path); err == nil && os.SameFile(st, dir) {
			return true
		}
		up := filepath.Dir(path)
		if up == path {
			return false
		}
		path = up
	}
}

// IndexDir is the folder the search index of a site built into out goes
// to: beside out, never inside it, so that publishing out publishes none
// of the index (its side files hold the text of every page, for the
// server: nothing a reader should download). "public" gives
// "public.search". `handbook search` opens it there, and the Netlify build
// copies it into the function's bundle.
func IndexDir(out string) string {
	return filepath.Clean(out) + ".search"
}
