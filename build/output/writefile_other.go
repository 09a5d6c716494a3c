//go:build !unix

package output

import (
	"bytes"
	"os"
)

// writeFile is os.WriteFile where plain system calls are not available.
var writeFile = os.WriteFile

// sameBytes reports whether the file name holds exactly data.
func sameBytes(name string, data []byte) bool {
	b, err := os.ReadFile(name)
	return err == nil && bytes.Equal(b, data)
}
