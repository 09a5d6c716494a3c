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
	near    map[string]bool // indexed words within one edit of a fuzzy word

	// Bodies have no term positions (see newMapping): a phrase matches a
	// body by all its words, and hits are then checked against the text.
	phrases    [][]phraseTok // every record must contain these (AND mode)
	notPhrases [][]phraseTok // no record may contain these

	choices [][][]string // per clause: ways to match it, each a set of stems

	blocks    map[uint64]*block // page blocks read for this query
	markSet   *stemSet          // p.marks
	phraseSet *stemSet          // the stems of phrases and excluded phrases
	stemOf    map[string]string // word (lower case) → stem
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
	// The best rerankHits are then reordered by the title and proximity
	// rules (rerank).
	want := max(q.Limit, rerankHits)
	hits, err := ix.run(ctx, p, filters, true, want)
	if err == nil && len(hits) == 0 && len(p.clauses) > 1 {
		hits, err = ix.run(ctx, p, filters, false, want)
	}
	if err == nil {
		err = ix.rerank(hits, p)
		if len(hits) > q.Limit {
			hits = hits[:q.Limit]
		}
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	return ix.results(hits, p)
}

// Ranking rules applied after the index's scores, to its best rerankHits
// pages, the same in the browser's search (search-engine.js, rerank):
//
//   - title: the share of the page title's distinct terms and of the
//     query's clauses that match each other, t = clauses found in the
//     title / max(clauses, title terms); when the query is the whole
//     title or nearly (t ≥ nearWholeTitle), the score is multiplied by
//     1 + titleBoost·t², so that page comes first;
//   - proximity: with two clauses or more, the shortest run of the body
//     holding one occurrence of each clause it has (among the first
//     maxPositions occurrences of each term), m clauses in a span of s
//     positions (stop words count), gives x = (m−1)/s, and the score is
//     multiplied by 1 + proximityBoost·x.
const (
	rerankHits     = 50
	titleBoost     = 4
	proximityBoost = 1.5
	maxPositions   = 8
	nearWholeTitle = 0.75
)

// rerank applies the ranking rules above to hits, in place.
func (ix *Index) rerank(hits []hit, p *plan) error {
	if len(hits) < 2 || len(p.choices) == 0 {
		return nil
	}
	all := newStemSet()
	for _, alts := range p.choices {
		for _, alt := range alts {
			for _, s := range alt {
				all.add(s)
			}
		}
	}
	for i := range hits {
		b, _, err := ix.side.record(hits[i].id, p.blocks)
		if err != nil {
			return fmt.Errorf("search: load %s: %w", hits[i].id, err)
		}
		title := map[string]bool{}
		for _, s := range stems(ix.text, b.title) {
			title[s] = true
		}
		inTitle := 0
		for _, alts := range p.choices {
			for _, alt := range alts {
				ok := len(alt) > 0
				for _, s := range alt {
					ok = ok && title[s]
				}
				if ok {
					inTitle++
					break
				}
			}
		}
		t := float64(inTitle) / float64(max(len(p.choices), len(title)))
		if t < nearWholeTitle {
			t = 0
		}
		pos := map[string][]int{}
		if len(p.choices) > 1 {
			p.scan(ix, b.body, all, func(stem string, n, _, _ int) {
				if len(pos[stem]) < maxPositions {
					pos[stem] = append(pos[stem], n)
				}
			})
		}
		hits[i].score *= (1 + titleBoost*t*t) * (1 + proximityBoost*proximity(p.choices, pos))
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	return nil
}

// proximity is (m−1)/s for the shortest span s of positions holding one
// of each of the m clauses (of 2 or more) that pos has; 0 when fewer than
// two clauses are there.
func proximity(choices [][][]string, pos map[string][]int) float64 {
	type at struct{ pos, clause int }
	var all []at
	m := 0
	for c, alts := range choices {
		seen := map[int]bool{}
		for _, alt := range alts {
			for _, s := range alt {
				for _, n := range pos[s] {
					if !seen[n] {
						seen[n] = true
						all = append(all, at{n, c})
					}
				}
			}
		}
		if len(seen) > 0 {
			m++
		}
	}
	if m < 2 {
		return 0
	}
	sort.Slice(all, func(i, j int) bool {
		return all[i].pos < all[j].pos || all[i].pos == all[j].pos && all[i].clause < all[j].clause
	})
	count := map[int]int{}
	best := -1
	lo := 0
	for hi := range all {
		count[all[hi].clause]++
		for len(count) == m {
			if span := all[hi].pos - all[lo].pos; best < 0 || span < best {
				best = span
			}
			c := all[lo].clause
			if count[c]--; count[c] == 0 {
				delete(count, c)
			}
			lo++
		}
	}
	if best <= 0 {
		return 0
	}
	return float64(m-1) / float64(best)
}

// hit is a page found, with its score.
type hit struct {
	id    string // page URL
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
	size := limit
	check := all && len(p.phrases) > 0 || len(p.notPhrases) > 0
	if check {
		size = max(4*limit, 50)
	}
	var out []hit
	for from := 0; ; from += size {
		// Ties keep the order of the records, which is URL order.
		req := bleve.NewSearchRequestOptions(bq, size, from, false)
		sr, err := ix.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, h := range sr.Hits {
			if check {
				ok, err := ix.phrasesHold(p, h.ID, all)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
			}
			out = append(out, hit{h.ID, h.Score})
		}
		// Hits that failed the phrase check leave room: read on, up to
		// maxChecked hits.
		if !check || len(out) >= limit || len(sr.Hits) < size || from+size >= maxChecked {
			break
		}
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// maxChecked caps the hits read for a query whose phrases are checked
// against the text.
const maxChecked = 150

// phrasesHold reports whether record id contains every phrase of the query
// (when all is set) and none of the excluded ones.
func (ix *Index) phrasesHold(p *plan, id string, all bool) (bool, error) {
	b, _, err := ix.side.record(id, p.blocks)
	if err != nil {
		return false, fmt.Errorf("search: load %s: %w", id, err)
	}
	texts := recordTexts(b)
	has := func(pt []phraseTok) bool {
		for _, t := range texts {
			if p.containsPhrase(ix, t, pt) {
				return true
			}
		}
		return false
	}
	if all {
		for _, pt := range p.phrases {
			if !has(pt) {
				return false, nil
			}
		}
	}
	for _, pt := range p.notPhrases {
		if has(pt) {
			return false, nil
		}
	}
	return true, nil
}

// recordTexts returns the texts a page was indexed from, each heading
// apart (the heading field has them one a line).
func recordTexts(b *block) []string {
	out := []string{b.title, b.summary, b.body}
	for _, s := range b.secs {
		out = append(out, s.heading)
		if !strings.Contains(b.body, s.text) {
			out = append(out, s.text)
		}
	}
	return out
}

// phraseTok is one term of a phrase, at its position relative to the
// first (stop words leave gaps, as in bleve's phrase queries).
type phraseTok struct {
	term string
	pos  int
}

// phraseToks analyses a phrase word by word, as containsPhrase reads text,
// and adds its stems to p.phraseSet.
func (p *plan) phraseToks(ix *Index, text string) []phraseTok {
	var out []phraseTok
	n, first := 0, -1
	forEachWord(text, func(start, end int) {
		n++
		toks := ix.text.Analyze([]byte(text[start:end]))
		if len(toks) != 1 {
			return // a stop word: a gap
		}
		if first < 0 {
			first = n
		}
		out = append(out, phraseTok{string(toks[0].Term), n - first})
	})
	if p.phraseSet == nil {
		p.phraseSet = newStemSet()
	}
	for _, t := range out {
		p.phraseSet.add(t.term)
	}
	return out
}

// containsPhrase reports whether text has the terms of pt at the same
// relative positions.
func (p *plan) containsPhrase(ix *Index, text string, pt []phraseTok) bool {
	if len(pt) == 0 {
		return false
	}
	var at map[int]string
	var firsts []int
	p.scan(ix, text, p.phraseSet, func(stem string, n, _, _ int) {
		if at == nil {
			at = map[int]string{}
		}
		at[n] = stem
		if stem == pt[0].term {
			firsts = append(firsts, n)
		}
	})
	for _, f := range firsts {
		ok := true
		for _, q := range pt[1:] {
			if at[f+q.pos] != q.term {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (ix *Index) results(hits []hit, p *plan) ([]Result, error) {
	out := make([]Result, 0, len(hits))
	for _, h := range hits {
		b, _, err := ix.side.record(h.id, p.blocks)
		if err != nil {
			return nil, fmt.Errorf("search: load %s: %w", h.id, err)
		}
		r := Result{URL: b.url, Title: b.title, Type: b.typ, Score: h.score}
		body := b.body
		if rec := ix.bestPart(b, p); rec > 0 {
			s := b.secs[rec-1]
			r.URL = b.url + "#" + s.anchor
			r.Title = b.title + ": " + s.heading
			body = s.text
		}
		r.Snippet = ix.snippet(body, b.summary, p)
		out = append(out, r)
	}
	return out, nil
}

// Weights of the fields when choosing the part of a page a result links to:
// the query-time boosts, and the page title counts for each section a little.
const (
	partTitle     = 6
	partHeading   = 4
	partSummary   = 2
	partPageTitle = 1.5
	partText      = 1
)

// bestPart returns which part of page b matches the query best: 0 for the
// page as a whole (its title, summary and the text outside sections), i+1
// for section i (its heading and text, and the page title). Each clause of
// the query scores the weight of the best field it matches in, plus a
// little for how often; the page wins ties.
func (ix *Index) bestPart(b *block, p *plan) int {
	if len(b.secs) == 0 || len(p.choices) == 0 {
		return 0
	}
	_, rest := splitSections(b.body, b.secs)
	title := ix.stemsIn(b.title, p)
	score := func(fields ...partField) float64 {
		total := 0.0
		for _, alts := range p.choices {
			best := 0.0
			for _, f := range fields {
				for _, alt := range alts {
					n := 10
					for _, st := range alt {
						n = min(n, f.stems[st])
					}
					if n > 0 {
						best = max(best, f.weight+0.01*float64(n))
					}
				}
			}
			total += best
		}
		return total
	}
	best := score(partField{title, partTitle}, partField{ix.stemsIn(b.summary, p), partSummary}, partField{ix.stemsIn(rest, p), partText})
	bi := 0
	for i, s := range b.secs {
		sc := score(partField{title, partPageTitle}, partField{ix.stemsIn(s.heading, p), partHeading}, partField{ix.stemsIn(s.text, p), partText})
		if sc > best {
			best, bi = sc, i+1
		}
	}
	return bi
}

type partField struct {
	stems  map[string]int
	weight float64
}

// stemsIn counts the query's stems (p.marks) in text.
func (ix *Index) stemsIn(text string, p *plan) map[string]int {
	out := map[string]int{}
	p.eachMarked(ix, text, func(stem string, _, _ int) { out[stem]++ })
	return out
}

// plan turns the parsed query into one clause per word (or glossary term,
// phrase or level), each matching on every text field.
func (ix *Index) plan(pq parsedQuery) *plan {
	p := &plan{marks: map[string]bool{}, near: map[string]bool{}, blocks: map[uint64]*block{}}

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
		choice := [][]string{{t.stem}}
		if lw := strings.ToLower(t.word); ix.wantFuzzy(lw) {
			qs, near := ix.fuzzyQueries(p, lw, t.stem)
			alts = append(alts, qs...)
			for _, s := range near {
				choice = append(choice, []string{s})
			}
			p.fuzzy = append(p.fuzzy, lw)
		}
		p.clauses = append(p.clauses, bleve.NewDisjunctionQuery(alts...))
		p.choices = append(p.choices, choice)
	}

	for _, ph := range pq.phrases {
		pt := p.phraseToks(ix, ph)
		if len(pt) == 0 {
			continue
		}
		for _, t := range pt {
			p.marks[t.term] = true
		}
		if len(pt) > 1 {
			p.phrases = append(p.phrases, pt)
		}
		p.clauses = append(p.clauses, ix.phraseClause(ph, pt, 1))
		choice := make([]string, len(pt))
		for i, t := range pt {
			choice[i] = t.term
		}
		p.choices = append(p.choices, [][]string{choice})
	}

	if pq.level > 0 {
		n := strconv.Itoa(pq.level)
		p.marks["level"] = true
		p.marks[n] = true
		// "level N" in text: both words in a body (not checked for
		// adjacency: the level field decides the ranking).
		alts := []query.Query{termQ(fLevel, n, boostLevelField), ix.phraseClause("level "+n, p.phraseToks(ix, "level "+n), 1)}
		p.clauses = append(p.clauses, bleve.NewDisjunctionQuery(alts...))
		p.choices = append(p.choices, [][]string{{"level", n}})
	}

	for _, w := range pq.notWords {
		for _, s := range stems(ix.text, w) {
			p.not = append(p.not, ix.fieldQueries(func(field string, boost float64) query.Query {
				return termQ(field, s, 1)
			})...)
		}
	}
	for _, ph := range pq.notPhrases {
		pt := p.phraseToks(ix, ph)
		switch {
		case len(pt) == 1:
			p.not = append(p.not, ix.fieldQueries(func(field string, boost float64) query.Query {
				return termQ(field, pt[0].term, 1)
			})...)
		case len(pt) > 1:
			// Short fields by position here; bodies when the hits are checked.
			for _, f := range textFields {
				if f.name != fBody {
					p.not = append(p.not, phraseQ(f.name, ph, 1))
				}
			}
			p.notPhrases = append(p.notPhrases, pt)
		}
	}
	return p
}

// synonymClause matches any way of saying glossary group g; the way the
// reader wrote it (variant v) scores a little higher than the others.
func (ix *Index) synonymClause(p *plan, g, v int) query.Query {
	var alts []query.Query
	var choice [][]string
	defer func() { p.choices = append(p.choices, choice) }()
	for i, vr := range ix.thes.groups[g] {
		choice = append(choice, vr.stems)
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

// phraseClause matches the phrase text (analysed to pt) by position in the
// short fields, and by all its words in the body.
func (ix *Index) phraseClause(text string, pt []phraseTok, boost float64) query.Query {
	var alts []query.Query
	for _, f := range textFields {
		if f.name != fBody {
			alts = append(alts, phraseQ(f.name, text, f.boost*boost))
			continue
		}
		terms := make([]query.Query, 0, len(pt))
		for _, t := range pt {
			terms = append(terms, termQ(fBody, t.term, f.boost*boost))
		}
		if len(terms) == 1 {
			alts = append(alts, terms[0])
		} else {
			alts = append(alts, bleve.NewConjunctionQuery(terms...))
		}
	}
	return bleve.NewDisjunctionQuery(alts...)
}

func phraseQ(field, text string, boost float64) query.Query {
	q := bleve.NewMatchPhraseQuery(text)
	q.SetField(field)
	q.Analyzer = analyzerText
	q.SetBoost(boost)
	return q
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
	return !ix.side.hasWord(w)
}

// fuzzyQueries matches the indexed words within one edit of w (a typo) at
// boostFuzzy: each such word's stem on every text field, so exact matches
// always rank first. stem is w's own stem, already searched. It returns
// the queries and the stems.
func (ix *Index) fuzzyQueries(p *plan, w, stem string) ([]query.Query, []string) {
	var out []query.Query
	var found []string
	done := map[string]bool{stem: true}
	for _, nw := range ix.side.near(w) {
		p.near[nw] = true
		for _, s := range stems(ix.text, nw) {
			if done[s] {
				continue
			}
			done[s] = true
			p.marks[s] = true
			found = append(found, s)
			out = append(out, ix.fieldQueries(func(field string, boost float64) query.Query {
				return termQ(field, s, boost*boostFuzzy)
			})...)
		}
	}
	return out, found
}

func termQ(field, term string, boost float64) query.Query {
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}
