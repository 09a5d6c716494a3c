package source

import (
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/site"
)

// checkQuickExit refuses a quick exit address that would not take a
// reader away from the site at once: one without https:// (a relative link
// to a page that does not exist here), one that runs code, or one on the
// site's own host. data is handbook.yaml, for the line of the field.
func checkQuickExit(cfg site.Config, data []byte, diags *diag.List) {
	u, err := url.Parse(cfg.QuickExit.URL)
	problem := ""
	switch {
	case err != nil || u.Scheme != "https" || u.Host == "" || u.Opaque != "":
		problem = "must be an absolute address starting with https://"
	case u.User != nil:
		problem = "must not hold a user name or password"
	case sameHost(u, cfg.BaseURL):
		problem = "is on this site (base_url " + cfg.BaseURL + "): it must lead to another site"
	default:
		return
	}
	diags.Errorf("handbook.yaml", fieldLine(data, "quick_exit", "url"), "quick_exit.url %q %s, such as https://www.bbc.co.uk/weather: the quick exit button must take a reader away from this site at once", cfg.QuickExit.URL, problem)
}

// sameHost reports whether u is on the host of base, when base names one.
func sameHost(u *url.URL, base string) bool {
	b, err := url.Parse(base)
	if err != nil || b.Host == "" {
		return false
	}
	host := func(u *url.URL) string { return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".") }
	return host(u) == host(b)
}

// fieldLine finds the line of the field parent.child in handbook.yaml,
// else of parent, else 0.
func fieldLine(data []byte, parent, child string) int {
	top, err := parseYAML(data)
	if err != nil || top == nil || top.Kind != yaml.MappingNode {
		return 0
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value != parent {
			continue
		}
		m := top.Content[i+1]
		for j := 0; j+1 < len(m.Content) && m.Kind == yaml.MappingNode; j += 2 {
			if m.Content[j].Value == child {
				return m.Content[j+1].Line
			}
		}
		return top.Content[i].Line
	}
	return 0
}
