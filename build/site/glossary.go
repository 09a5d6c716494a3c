package site

import "github.com/rscp/handbook/build/markdown"

// glossary looks acronyms up for automatic expansion in pages.
type glossary struct {
	site  *Site
	terms map[string]*Term
}

func (g glossary) Expand(word string) (title, href string, ok bool) {
	t := g.terms[word]
	if t == nil {
		return "", "", false
	}
	return t.Term, g.site.Link("/glossary/") + "#" + t.Anchor(), true
}

// expandAcronyms writes out the first use of each glossary acronym on every
// page, as the partnership's scrutiny committee asked.
func (s *Site) expandAcronyms() {
	g := glossary{site: s, terms: map[string]*Term{}}
	for i := range s.Glossary {
		if a := s.Glossary[i].Acronym; a != "" {
			g.terms[a] = &s.Glossary[i]
		}
	}
	if len(g.terms) == 0 {
		return
	}
	for _, p := range s.Pages {
		if p.Layout == "glossary" {
			continue
		}
		seen := map[string]bool{}
		markdown.ExpandAcronyms(p.Body, g, seen)
		for _, b := range p.BoxBodies {
			markdown.ExpandAcronyms(b, g, seen)
		}
	}
}
