package search

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Query is one search.
type Query struct {
	Text    string // what the reader typed
	Type    string // "" = all types, else one of Types' values
	Limit   int    // most results wanted; 0 = 10; at most 50
	Version string // "" = every edition, else only this edition's pages
}

// Result is one page found, best first.
type Result struct {
	URL     string  `json:"url"`     // may carry "#anchor" of the best-matching section
	Title   string  `json:"title"`   // page title, or "Page title: Heading" for a section hit
	Type    string  `json:"type"`    // page type
	Score   float64 `json:"score"`   // relevance; only the order means anything
	Snippet string  `json:"snippet"` // escaped text; matches wrapped in <mark>…</mark>
}

// Boosts. Exact (stemmed) matches are scored on the text fields; typo matches
// only on the plain words field with a small boost, so exact matches rank first.
const (
	boostFuzzy      = 0.15
	boostSynonym    = 0.9 // another way of saying what the reader typed
	boostLevelField = 12
	minFuzzyLen     = 5 // typo tolerance only for words of 5+ letters
)

// plan is a parsed query turned into a bleve query, with what the snippet
// builder needs to mark matches.
type plan struct {
	clauses []query.Query
	not     []query.Query
	marks   map[string]bool // stems to mark
	fuzzy   []string        // lower-cased words allowed one typo
}

// Search runs q and returns at most q.Limit pages, best first, one per page.
// Errors caused by the reader's text are *QueryError.
func (ix *Index) Search(ctx context.Context, q Query) (res []Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("search: internal error: %v", r)
		}
	}()
	if q.Limit == 0 {
		q.Limit = 10
	}
	if q.Limit < 0 || q.Limit > ix.maxLimit {
		return nil, errBadLength
	}
	if q.Type != "" && !ix.typeSet[q.Type] {
		return nil, errBadType
	}
	pq, err := parseQuery(q.Text)
	if err != nil {
		return nil, err
	}
	p := ix.plan(pq)
	if len(p.clauses) == 0 {
		return nil, errNoWords
	}

	var filters []query.Query
	if q.Type != "" {
		filters = append(filters, termQ(fType, q.Type, 1))
	}
	if q.Version != "" {
		filters = append(filters, termQ(fVersion, q.Version, 1))
	}
	// Every word must match (AND); if that finds nothing, any word may (OR).
	hits, err := ix.run(ctx, p, filters, true, q.Limit)
	if err == nil && len(hits) == 0 && len(p.clauses) > 1 {
		hits, err = ix.run(ctx, p, filters, false, q.Limit)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	return ix.results(hits, p)
}

// hit is the best-scoring document of one page.
type hit struct {
	id    string // page URL, or URL#anchor for a section
	score float64
}

func (ix *Index) run(ctx context.Context, p *plan, filters []query.Query, all bool, limit int) ([]hit, error) {
	bq := bleve.NewBooleanQuery()
	if all {
		bq.AddMust(p.clauses...)
	} else {
		bq.AddShould(p.clauses...)
		bq.SetMinShould(1)
	}
	if len(p.not) > 0 {
		bq.AddMustNot(p.not...)
	}
	for _, f := range filters {
		bq.AddFilter(f)
	}
	size := limit*4 + 16
	req := bleve.NewSearchRequestOptions(bq, size, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	sr, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	// Group by page: keep the best hit of each page.
	best := map[string]int{}
	var out []hit
	for _, h := range sr.Hits {
		page, _, _ := strings.Cut(h.ID, "#")
		if i, ok := best[page]; ok {
			if h.Score > out[i].score {
				out[i] = hit{h.ID, h.Score}
			}
			continue
		}
		best[page] = len(out)
		out = append(out, hit{h.ID, h.Score})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (ix *Index) results(hits []hit, p *plan) ([]Result, error) {
	out := make([]Result, 0, len(hits))
	for _, h := range hits {
		doc, err := ix.idx.Document(h.id)
		if err != nil {
			return nil, fmt.Errorf("search: load %s: %w", h.id, err)
		}
		if doc == nil {
			continue
		}
		f := map[string]string{}
		doc.VisitFields(func(fl index.Field) {
			switch fl.Name() {
			case fURL, fTitle, fPTitle, fHeading, fSummary, fBody, fType:
				f[fl.Name()] = string(fl.Value())
			}
		})
		r := Result{URL: f[fURL], Title: f[fTitle], Type: f[fType], Score: h.score}
		if page, anchor, ok := strings.Cut(h.id, "#"); ok {
			r.URL = page + "#" + anchor
			r.Title = f[fPTitle] + ": " + f[fHeading]
		}
		r.Snippet = ix.snippet(f[fBody], f[fSummary], p)
		out = append(out, r)
	}
	return out, nil
}

// plan turns the parsed query into one clause per word (or glossary term,
// phrase or level), each matching on every text field.
func (ix *Index) plan(pq parsedQuery) *plan {
	p := &plan{marks: map[string]bool{}}

	// Analyse the plain words, keeping which word each stem came from.
	type tok struct{ stem, word string }
	var toks []tok
	for _, w := range pq.words {
		for _, s := range stems(ix.text, w) {
			toks = append(toks, tok{s, w})
		}
	}
	for i := 0; i < len(toks); {
		rest := make([]string, 0, ix.thes.maxLen)
		for j := i; j < len(toks) && j-i < ix.thes.maxLen; j++ {
			rest = append(rest, toks[j].stem)
		}
		if len(rest) > 0 {
			if g, v, n := ix.thes.longest(rest, toks[i].word); n > 0 {
				p.clauses = append(p.clauses, ix.synonymClause(p, g, v))
				i += n
				continue
			}
		}
		t := toks[i]
		i++
		p.marks[t.stem] = true
		alts := ix.fieldQueries(func(field string, boost float64) query.Query {
			return termQ(field, t.stem, boost)
		})
		if lw := strings.ToLower(t.word); ix.wantFuzzy(lw) {
			fq := bleve.NewFuzzyQuery(lw)
			fq.SetField(fWords)
			fq.SetFuzziness(1)
			fq.SetBoost(boostFuzzy)
			alts = append(alts, fq)
			p.fuzzy = append(p.fuzzy, lw)
		}
		p.clauses = append(p.clauses, bleve.NewDisjunctionQuery(alts...))
	}

	for _, ph := range pq.phrases {
		st := stems(ix.text, ph)
		if len(st) == 0 {
			continue
		}
		for _, s := range st {
			p.marks[s] = true
		}
		p.clauses = append(p.clauses, ix.phraseClause(ph, 1))
	}

	if pq.level > 0 {
		n := strconv.Itoa(pq.level)
		p.marks["level"] = true
		p.marks[n] = true
		alts := []query.Query{termQ(fLevel, n, boostLevelField), ix.phraseClause("level "+n, 1)}
		p.clauses = append(p.clauses, bleve.NewDisjunctionQuery(alts...))
	}

	for _, w := range pq.notWords {
		for _, s := range stems(ix.text, w) {
			p.not = append(p.not, ix.fieldQueries(func(field string, boost float64) query.Query {
				return termQ(field, s, 1)
			})...)
		}
	}
	for _, ph := range pq.notPhrases {
		if len(stems(ix.text, ph)) > 0 {
			p.not = append(p.not, ix.phraseClause(ph, 1))
		}
	}
	return p
}

// synonymClause matches any way of saying glossary group g; the way the
// reader wrote it (variant v) scores a little higher than the others.
func (ix *Index) synonymClause(p *plan, g, v int) query.Query {
	var alts []query.Query
	for i, vr := range ix.thes.groups[g] {
		boost := boostSynonym
		if i == v {
			boost = 1
		}
		for _, s := range vr.stems {
			p.marks[s] = true
		}
		if len(vr.stems) == 1 {
			s := vr.stems[0]
			alts = append(alts, ix.fieldQueries(func(field string, b float64) query.Query {
				return termQ(field, s, b*boost)
			})...)
			continue
		}
		// Several words: a phrase in the short fields; in the body, where
		// phrase matching is slow, all the words anywhere.
		for _, f := range textFields {
			if f.name == fBody {
				terms := make([]query.Query, 0, len(vr.stems))
				for _, s := range vr.stems {
					terms = append(terms, termQ(fBody, s, f.boost*boost))
				}
				alts = append(alts, bleve.NewConjunctionQuery(terms...))
				continue
			}
			q := bleve.NewMatchPhraseQuery(vr.text)
			q.SetField(f.name)
			q.Analyzer = analyzerText
			q.SetBoost(f.boost * boost)
			alts = append(alts, q)
		}
	}
	return bleve.NewDisjunctionQuery(alts...)
}

func (ix *Index) phraseClause(text string, boost float64) query.Query {
	return bleve.NewDisjunctionQuery(ix.fieldQueries(func(field string, b float64) query.Query {
		q := bleve.NewMatchPhraseQuery(text)
		q.SetField(field)
		q.Analyzer = analyzerText
		q.SetBoost(b * boost)
		return q
	})...)
}

func (ix *Index) fieldQueries(mk func(field string, boost float64) query.Query) []query.Query {
	out := make([]query.Query, 0, len(textFields))
	for _, f := range textFields {
		out = append(out, mk(f.name, f.boost))
	}
	return out
}

// wantFuzzy reports whether w (lower case) may match with one typo: it must
// be a word of at least minFuzzyLen letters that is not itself in the index.
func (ix *Index) wantFuzzy(w string) bool {
	if utf8.RuneCountInString(w) < minFuzzyLen {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	d, err := ix.idx.FieldDictRange(fWords, []byte(w), []byte(w))
	if err != nil {
		return true
	}
	defer func() { _ = d.Close() }()
	e, err := d.Next()
	return err != nil || e == nil || e.Term != w
}

func termQ(field, term string, boost float64) query.Query {
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}
