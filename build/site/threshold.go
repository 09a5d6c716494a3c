package site

import "github.com/rscp/handbook/build/markdown"

// Domain is one domain of the Assessment Framework with its indicators.
type Domain struct {
	ID    string
	Title string
	Items []Indicator
}

// Indicator is a sign of need with an anchor a practitioner can share.
type Indicator struct {
	ID   string
	Text string
}

// Domains returns the threshold's indicators grouped by domain, in the
// order of the Assessment Framework triangle.
func Domains(t *Threshold) []Domain {
	groups := []struct {
		key, title string
		items      []string
	}{
		{"child-development", "Child’s developmental needs", t.Indicators.ChildDevelopment},
		{"parenting-capacity", "Parenting capacity", t.Indicators.ParentingCapacity},
		{"family-environment", "Family and environmental factors", t.Indicators.FamilyEnvironment},
	}
	var out []Domain
	for _, g := range groups {
		d := Domain{ID: "domain-" + g.key, Title: g.title}
		used := map[string]bool{}
		for _, text := range g.items {
			id := g.key + "-" + markdown.Slug(text)
			if len(id) > 60 {
				id = id[:60]
			}
			for base, n := id, 2; used[id]; n++ {
				id = base + "-" + itoa(n)
			}
			used[id] = true
			d.Items = append(d.Items, Indicator{ID: id, Text: text})
		}
		out = append(out, d)
	}
	return out
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
