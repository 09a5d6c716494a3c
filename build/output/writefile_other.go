//go:build !unix

package output

import "os"

// writeFile is os.WriteFile where plain system calls are not available.
var writeFile = os.WriteFile
