package site

import (
	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/internal/par"
)

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
	g := s.glossary()
	if len(g.terms) == 0 {
		return
	}
	// Each page's acronyms are its own: expand them on every core.
	par.Each(len(s.Pages), func(i int) {
		p := s.Pages[i]
		g.expand(p, p.Body, p.BoxBodies)
	})
}

// glossary indexes the glossary's acronyms.
func (s *Site) glossary() glossary {
	g := glossary{site: s, terms: map[string]*Term{}}
	for i := range s.Glossary {
		if a := s.Glossary[i].Acronym; a != "" {
			g.terms[a] = &s.Glossary[i]
		}
	}
	return g
}

// expand writes out the first use of each acronym in page p's body and
// box bodies (given apart, so that a new version of them can be prepared
// before it replaces p's).
func (g glossary) expand(p *Page, body *markdown.Doc, boxes []*markdown.Doc) {
	if len(g.terms) == 0 || p.Layout == "glossary" {
		return
	}
	seen := map[string]bool{}
	markdown.ExpandAcronyms(body, g, seen)
	for _, b := range boxes {
		markdown.ExpandAcronyms(b, g, seen)
	}
}
