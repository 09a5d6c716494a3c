package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProductionBuildRefusesPlaceholders: a production build (--production,
// or CONTEXT=production as Netlify sets it) does not publish a page with
// placeholder text, and leaves the output as it was; a preview build does.
func TestProductionBuildRefusesPlaceholders(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"content/a.md":            "---\ntitle: A\nsummary: S.\n---\nTODO: write this.\n",
		"content/thresholds/4.md": "---\ntitle: Level 4\nsummary: S.\ntype: threshold\nlevel: 4\nlabel: To be confirmed\nroute: mash\n---\nText.\n",
		"data/contacts.yaml":      "- id: mash\n  service: Hub\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "public")
	run := func(args ...string) (int, string) {
		var b bytes.Buffer
		m := &Main{Stdout: &b, Stderr: &b}
		code := m.Run(t.Context(), append([]string{"build", "-s", dir, "-o", out}, args...))
		return code, b.String()
	}
	code, msg := run("--production")
	if code != 1 || !strings.Contains(msg, "content/a.md:5: error: this line still has placeholder text (TODO)") ||
		!strings.Contains(msg, `content/thresholds/4.md:6: error: label is "To be confirmed"`) ||
		!strings.Contains(msg, "production build refused") {
		t.Errorf("--production: status %d:\n%s", code, msg)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the refused build wrote %s", out)
	}
	t.Setenv("CONTEXT", "production")
	if code, msg := run(); code != 1 || !strings.Contains(msg, "production build refused") {
		t.Errorf("CONTEXT=production: status %d:\n%s", code, msg)
	}
	t.Setenv("CONTEXT", "deploy-preview")
	if code, msg := run(); code != 0 {
		t.Errorf("preview: status %d:\n%s", code, msg)
	}
}
