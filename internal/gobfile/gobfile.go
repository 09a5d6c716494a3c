// Package gobfile keeps a value in a file as gob, replacing the file in
// one step, so that a reader never sees half of it, and reads it back.
package gobfile

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"os"

	"github.com/rscp/handbook/internal/atomicfile"
)

// Read decodes file into v, which must be a pointer.
func Read(file string, v any) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	return gob.NewDecoder(bufio.NewReader(f)).Decode(v)
}

// Write encodes v into file, through a temporary file beside it.
func Write(file string, v any) error {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		return err
	}
	return atomicfile.Write(file, b.Bytes())
}
