package build

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/rscp/handbook/themes"
)

// siteTheme returns the theme handbook.yaml names: the embedded default
// theme, with the site's themes/<name>/ folder over it when there is one.
// Only the default theme may be left without a folder: a theme that is
// named but missing is a mistake, and the site would silently look wrong.
func siteTheme(fsys fs.FS, name string) (fs.FS, error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("theme %q must be the name of a folder in themes/, like \"default\"", name)
	}
	dir := "themes/" + name
	st, err := fs.Stat(fsys, dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) && name == "default":
		return themes.Default(), nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("theme %q: there is no folder %s/; create it, or remove the theme setting to use the default theme", name, dir)
	case err != nil:
		return nil, fmt.Errorf("theme %q: %w", name, err)
	case !st.IsDir():
		return nil, fmt.Errorf("theme %q: %s is not a folder", name, dir)
	}
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, err
	}
	return themes.Overlay(sub, themes.Default()), nil
}

// configLine finds the line of handbook.yaml that sets a top-level field,
// or 0.
func configLine(fsys fs.FS, field string) int {
	b, err := fs.ReadFile(fsys, "handbook.yaml")
	if err != nil {
		return 0
	}
	for i, l := range bytes.Split(b, []byte("\n")) {
		if bytes.HasPrefix(l, []byte(field+":")) {
			return i + 1
		}
	}
	return 0
}
