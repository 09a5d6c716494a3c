package source

import (
	"strings"
	"testing"
)

// TestQuickExitURL checks that the quick exit button can only lead off the
// site: an address without https:// would be a link to a missing page here,
// and javascript: would be dropped by the templates.
func TestQuickExitURL(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"title: T\n", ""},
		{"quick_exit:\n  url: https://www.bbc.co.uk/weather\n", ""},
		{"base_url: https://rscp.example.org/\nquick_exit:\n  url: https://www.google.co.uk/\n", ""},
		{"quick_exit:\n  url: www.bbc.co.uk\n",
			`handbook.yaml:2: error: quick_exit.url "www.bbc.co.uk" must be an absolute address starting with https://, such as https://www.bbc.co.uk/weather: the quick exit button must take a reader away from this site at once`},
		{"quick_exit:\n  sections: [a]\n  url: javascript:alert(1)\n",
			`handbook.yaml:3: error: quick_exit.url "javascript:alert(1)" must be an absolute address starting with https://`},
		{"quick_exit:\n  url: http://www.bbc.co.uk/\n", `handbook.yaml:2: error: quick_exit.url "http://www.bbc.co.uk/" must be an absolute address starting with https://`},
		{"quick_exit:\n  url: /weather\n", `handbook.yaml:2: error: quick_exit.url "/weather" must be an absolute address`},
		{"quick_exit:\n  url: https:weather\n", `handbook.yaml:2: error: quick_exit.url "https:weather" must be an absolute address`},
		{"quick_exit:\n  url: https://me:pw@www.bbc.co.uk/\n", `handbook.yaml:2: error: quick_exit.url "https://me:pw@www.bbc.co.uk/" must not hold a user name or password`},
		{"base_url: https://RSCP.example.org/handbook/\nquick_exit:\n  url: https://rscp.example.org./elsewhere\n",
			`handbook.yaml:3: error: quick_exit.url "https://rscp.example.org./elsewhere" is on this site (base_url https://RSCP.example.org/handbook/): it must lead to another site`},
	} {
		_, diags := load(map[string]string{"handbook.yaml": c.yaml})
		if all := strings.Join(diags, "\n"); c.want == "" && all != "" || !strings.HasPrefix(all, c.want) {
			t.Errorf("%q:\n got %s\nwant %s", c.yaml, all, c.want)
		}
	}
}
