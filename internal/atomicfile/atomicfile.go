// Package atomicfile replaces a file in one step: the data goes into a
// temporary file beside it, which is then renamed over it, so a reader
// sees the old file or the new one, never half of one.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// Write replaces file with data.
func Write(file string, data []byte) error {
	return WriteFunc(file, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc replaces file with what write writes; when write fails, file
// is left as it was.
func WriteFunc(file string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), filepath.Base(file)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
