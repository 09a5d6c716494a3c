package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set by release builds:
//
//	go build -ldflags "-X main.version=v1.2.0" ./cmd/handbook
//
// Other builds take it from the module's build information.
var version string

// versionString says which handbook this is: the release tag, or the
// module version or git commit the binary was built from.
func versionString(info *debug.BuildInfo, ok bool) string {
	if version != "" {
		return version
	}
	if !ok {
		return "unknown (built without module information)"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = " with local changes"
			}
		}
	}
	if rev == "" {
		return "development build"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return "development build, commit " + rev + modified
}

func (m *Main) version(args []string) int {
	fs := m.flags("version")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	info, ok := debug.ReadBuildInfo()
	fmt.Fprintf(m.Stdout, "handbook %s (%s, %s/%s)\n", versionString(info, ok), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}
