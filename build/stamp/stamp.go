package stamp

import (
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/internal/gobfile"
	"github.com/rscp/handbook/internal/localfs"
	"github.com/rscp/handbook/internal/par"
)

// Stamp is what one build read and left behind.
type Stamp struct {
	// Key names what the build was given besides the site folder's files:
	// the program, its options, the date, git's state. A build with
	// another key may make other files from the same folder.
	Key     string
	Reads   []Read
	Outputs []Folder
	// What the build said and made, to say again when nothing changed.
	Diags        []diag.Diagnostic
	Pages, Files int
}

// Folder is an output folder as the build left it.
type Folder struct {
	Dir string // absolute
	// Sum is the hash of the path and mode of everything in it, and of
	// each file's size and modification time (on Linux also its inode
	// and change time). A file rewritten since, even with the same
	// bytes, has another time: the check then builds.
	Sum string
}

// Snapshot sums the output folder dir as it is now.
func Snapshot(dir string) (Folder, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Folder{}, err
	}
	// The entries two levels down are walked on every core: a site's
	// files are spread over a few sections, and the static search data's
	// thousands over a few folders of its own.
	var parts []string
	top, err := os.ReadDir(abs)
	if err != nil {
		return Folder{}, err
	}
	for _, e := range top {
		if !e.IsDir() {
			parts = append(parts, e.Name())
			continue
		}
		below, err := os.ReadDir(filepath.Join(abs, e.Name()))
		if err != nil {
			return Folder{}, err
		}
		info, err := e.Info()
		if err != nil {
			return Folder{}, err
		}
		parts = append(parts, e.Name()+"/"+info.Mode().String()+"/")
		for _, b := range below {
			parts = append(parts, e.Name()+"/"+b.Name())
		}
	}
	sums := make([][]byte, len(parts))
	errs := make([]error, len(parts))
	par.Each(len(parts), func(i int) {
		if strings.HasSuffix(parts[i], "/") {
			sums[i] = []byte(parts[i]) // the folder and its mode; its entries are summed apart
			return
		}
		sums[i], errs[i] = walk(abs, parts[i])
	})
	h := sha256.New()
	for i := range sums {
		if errs[i] != nil {
			return Folder{}, errs[i]
		}
		h.Write(sums[i])
	}
	return Folder{Dir: abs, Sum: string(h.Sum(nil))}, nil
}

// Current reports whether a build of the site folder dir read as fsys
// would find everything as s says: every file and folder it read the
// same, and its output folders as it left them. Whether the build's key
// is s.Key is the caller's to check.
func (s *Stamp) Current(fsys fs.FS, dir string) bool {
	if s == nil {
		return false
	}
	// The reads first: an edit shows there, and most are a stat each.
	now, keyed := time.Now(), localfs.Trusted(dir)
	same := make([]bool, len(s.Reads))
	par.Each(len(s.Reads), func(i int) {
		same[i] = again(fsys, dir, now, keyed, s.Reads[i]) == s.Reads[i].Found
	})
	if slices.Contains(same, false) {
		return false
	}
	same = make([]bool, len(s.Outputs))
	par.Each(len(s.Outputs), func(i int) {
		f, err := Snapshot(s.Outputs[i].Dir)
		same[i] = err == nil && f.Sum == s.Outputs[i].Sum
	})
	return !slices.Contains(same, false)
}

// Load reads the stamp in file; a missing or unreadable one is nil.
func Load(file string) *Stamp {
	var s Stamp
	if gobfile.Read(file, &s) != nil {
		return nil
	}
	return &s
}

// Save writes s to file, replacing it in one step.
func (s *Stamp) Save(file string) error {
	return gobfile.Write(file, s)
}
