package search

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// testDocs is a small, realistic corpus.
func testDocs() []Doc {
	page := func(url, title, summary, typ string, level int, section string, hs ...Heading) Doc {
		var b strings.Builder
		b.WriteString(summary)
		for _, h := range hs {
			b.WriteString("\n" + h.Text + "\n" + h.Body)
		}
		return Doc{URL: url, Title: title, Summary: summary, Type: typ, Level: level, Section: section,
			Version: "current", Audience: []string{"practitioner"}, Body: b.String(), Headings: hs}
	}
	h := func(anchor, text, body string) Heading { return Heading{anchor, text, body} }
	return []Doc{
		page("/procedures/escalation/", "Escalation and resolving professional disagreements",
			"How to challenge a decision about a child's safety and take it further if you still disagree.",
			"procedure", 0, "Procedures",
			h("why", "Why challenge matters", "Problems in practice are often found where agencies disagree. Healthy challenge keeps the focus on the child."),
			h("stage-1", "Stage 1: talk to the worker", "Raise the concern with the worker who made the decision within 2 working days. Most disagreements are resolved here."),
			h("stage-2", "Stage 2: managers discuss", "If you still disagree, your manager contacts their manager. Managers meet or speak within 5 working days and record the outcome."),
			h("stage-3", "Stage 3: senior managers", "Heads of service review the case. If agreement cannot be reached the matter is referred to the partnership business unit."),
		),
		page("/procedures/child-sexual-exploitation/", "Child sexual exploitation",
			"Recognising and responding to the sexual exploitation of children and young people.",
			"procedure", 0, "Procedures",
			h("signs", "Signs to look for", "Going missing, unexplained gifts or money, older boyfriends or girlfriends, and being picked up in cars by unknown adults."),
			h("what-to-do", "What to do", "Complete the exploitation screening tool and contact the Children's Front Door. If a child is in immediate danger call the police on 999."),
		),
		page("/procedures/child-criminal-exploitation/", "Child criminal exploitation and county lines",
			"Children groomed into carrying drugs or money, often across county boundaries.",
			"procedure", 0, "Procedures",
			h("county-lines", "County lines", "Gangs use children to move drugs between towns. Look for unexplained travel and new phones."),
		),
		page("/thresholds/level-1/", "Level 1: universal services",
			"Children whose needs are met by universal services such as schools and GPs.", "threshold", 1, "Threshold guidance",
			h("indicators", "Indicators", "The child is healthy, attends school regularly and is making expected progress."),
		),
		page("/thresholds/level-2/", "Level 2: early help",
			"Children with additional needs who benefit from a coordinated early help assessment.", "threshold", 2, "Threshold guidance",
			h("indicators", "Indicators", "Emerging concerns about attendance, behaviour or parenting that a single agency cannot meet alone."),
		),
		page("/thresholds/level-3/", "Targeted help: complex needs",
			"Children with complex needs who need a multi-agency plan led by a lead professional.", "threshold", 3, "Threshold guidance",
			h("indicators", "Indicators", "Persistent absence, neglect that is not improving, parental substance misuse affecting care."),
		),
		page("/thresholds/level-4/", "Level 4: specialist and statutory services",
			"Children in need of protection or at risk of significant harm: a referral to children's social care is required.", "threshold", 4, "Threshold guidance",
			h("indicators", "Indicators", "Physical injury that is not explained, disclosure of abuse, a child living with serious domestic abuse."),
			h("legal-basis", "Legal basis", "Enquiries are made under section 47 of the Children Act 1989."),
		),
		page("/procedures/lado/", "Allegations against staff and volunteers",
			"When to contact the Local Authority Designated Officer about someone who works with children.", "procedure", 0, "Procedures",
			h("when", "When to refer", "Refer within one working day when a person who works with children may have harmed a child."),
			h("contact", "Contacting the designated officer", "Use the referral form. The designated officer will advise on next steps."),
		),
		page("/procedures/children-missing-education/", "Children missing from education",
			"What schools and the local authority must do when a child is not on a school roll or not receiving suitable education.",
			"procedure", 0, "Procedures",
			h("schools", "What schools must do", "Schools make reasonable enquiries before removing a pupil from the roll and tell the local authority."),
			h("elective-home-education", "Elective home education", "Parents may choose to educate at home. The authority checks the education is suitable."),
		),
		page("/procedures/missing-from-home/", "Children who go missing from home or care",
			"Reporting a missing child to the police and the return interview.", "procedure", 0, "Procedures",
			h("return-interview", "Return home interviews", "An independent return interview is offered within 72 hours of the child coming home."),
		),
		page("/briefings/neglect/", "7-minute briefing: neglect",
			"A short briefing on recognising and acting on neglect.", "briefing", 0, "Briefings",
			h("why-it-matters", "Why it matters", "Neglect is the most common reason for a child protection plan."),
		),
		page("/arrangements/governance/", "Governance and accountability",
			"How the three safeguarding partners hold each other to account.", "arrangement", 0, "Arrangements",
			h("partners", "The safeguarding partners", "The local authority, the integrated care board and the police share equal responsibility."),
		),
		page("/reports/annual-report-2024/", "Annual report 2024 to 2025",
			"What the partnership did and learnt this year.", "report", 0, "Reports",
			h("figures", "Figures", "Referrals rose by 6 per cent. Escalations under the resolution procedure were rare."),
		),
		page("/contacts/", "Contacts", "Phone numbers and email addresses for safeguarding services.", "page", 0, "Contacts",
			h("front-door", "Children's Front Door", "The front door takes referrals about children at risk. Out of hours call the emergency duty team."),
		),
		page("/procedures/information-sharing/", "Information sharing",
			"Sharing information to keep children safe <script>alert(1)</script> & lawful.", "procedure", 0, "Procedures",
			h("myths", "Myths about <data> protection", "Data protection law is not a barrier to sharing information to keep a child safe & well."),
		),
	}
}

func testSynonyms() []Synonym {
	return []Synonym{
		{Acronym: "CSE", Term: "child sexual exploitation"},
		{Acronym: "CCE", Term: "child criminal exploitation"},
		{Acronym: "LADO", Term: "Local Authority Designated Officer", Aliases: []string{"designated officer"}},
		{Acronym: "CME", Term: "children missing education", Aliases: []string{"missing from education"}},
		{Acronym: "EHE", Term: "elective home education"},
	}
}

var (
	testIndexOnce sync.Once
	testIndex     *Index
	testIndexErr  error
	testIndexDir  string
)

// sharedIndex builds the test corpus once per test binary.
func sharedIndex(t testing.TB) *Index {
	t.Helper()
	testIndexOnce.Do(func() {
		dir, err := mkTemp("hb-search-test")
		if err != nil {
			testIndexErr = err
			return
		}
		testIndexDir = filepath.Join(dir, "index.bleve")
		if err := Build(testIndexDir, testDocs(), testSynonyms()); err != nil {
			testIndexErr = err
			return
		}
		testIndex, testIndexErr = Open(testIndexDir)
	})
	if testIndexErr != nil {
		t.Fatal(testIndexErr)
	}
	return testIndex
}

// genDocs returns n deterministic generated pages of about 4 KB each. Words
// follow a Zipf distribution, as in real prose: a few safeguarding words are
// very common, most of the vocabulary is rare.
func genDocs(n int) []Doc {
	rng := rand.New(rand.NewSource(42))
	domain := strings.Fields(`child children safeguarding referral assessment parent carer school health police
		neglect abuse exploitation escalation disagreement manager threshold support family plan review meeting
		strategy enquiry section protection conference core group lead professional early help universal targeted
		specialist statutory domestic violence substance misuse mental wellbeing attendance education missing
		return interview risk harm significant concern consent information sharing record decision outcome timescale
		working days partnership board audit learning practice review training supervision voice wishes feelings`)
	// Interleave domain words with synthetic ones so that domain words sit
	// at ranks 1..~400 of a 5,000-word vocabulary.
	syll := []string{"ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "ri", "so", "tu", "va", "we", "xi", "yo", "zu"}
	var vocab []string
	for i := 0; len(vocab) < 5000; i++ {
		if i%4 == 0 && i/4 < len(domain) {
			vocab = append(vocab, domain[i/4])
			continue
		}
		w := syll[i%20] + syll[(i/20)%20] + syll[(i/400)%20] + "n"
		vocab = append(vocab, w)
	}
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	types := []string{"arrangement", "threshold", "briefing", "procedure", "report", "page"}
	sentence := func(k int) string {
		w := make([]string, k)
		for i := range w {
			w[i] = vocab[zipf.Uint64()]
		}
		return strings.ToUpper(w[0][:1]) + strings.Join(w, " ")[1:] + "."
	}
	docs := make([]Doc, n)
	for i := range docs {
		var hs []Heading
		var body strings.Builder
		for s := 0; s < 6; s++ {
			var sb strings.Builder
			for k := 0; k < 6; k++ {
				sb.WriteString(sentence(8 + rng.Intn(10)))
				sb.WriteString(" ")
			}
			h := Heading{Anchor: fmt.Sprintf("s%d", s), Text: sentence(3), Body: sb.String()}
			hs = append(hs, h)
			body.WriteString(h.Text + "\n" + h.Body + "\n")
		}
		level := 0
		if types[i%len(types)] == "threshold" {
			level = 1 + i%4
		}
		docs[i] = Doc{
			URL: fmt.Sprintf("/gen/%04d/", i), Title: sentence(4), Summary: sentence(12),
			Type: types[i%len(types)], Level: level, Section: "Generated", Version: "current",
			Audience: []string{"practitioner"}, Body: body.String(), Headings: hs,
		}
	}
	return docs
}
