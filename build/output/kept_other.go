//go:build !linux

package output

import "io/fs"

// keyOf is false where the change time is not at hand (on other systems
// it may be the creation time, or missing): every file is then compared
// by its bytes.
func keyOf(fs.FileInfo) (statKey, bool) { return statKey{}, false }
