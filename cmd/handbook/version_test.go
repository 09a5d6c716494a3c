package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	info := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"},
	}}
	if got := versionString(info, true); got != "development build, commit 0123456789ab with local changes" {
		t.Errorf("from git: %q", got)
	}
	if got := versionString(&debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, true); got != "v1.4.0" {
		t.Errorf("from go install: %q", got)
	}
	// A release sets the version with -ldflags: it wins.
	version = "v2.0.0"
	defer func() { version = "" }()
	if got := versionString(info, true); got != "v2.0.0" {
		t.Errorf("release: %q", got)
	}
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &out}
	if code := m.Run(t.Context(), []string{"version"}); code != 0 || !strings.HasPrefix(out.String(), "handbook v2.0.0 (go") {
		t.Errorf("handbook version = %d, %q", code, out.String())
	}
}
