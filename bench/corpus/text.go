package corpus

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Words of safeguarding prose, for sentences that read like the real thing.
var nouns = strings.Fields(`child children family families practitioner practitioners agency agencies school
	nurse teacher police officer manager assessment plan referral concern risk need needs harm neglect abuse
	exploitation support service services meeting conference strategy review partnership parent parents carer
	carers health education record decision threshold response outcome evidence information consent
	safety welfare wellbeing team group board chair report learning training audit practice guidance procedure
	worker visit home placement court order allegation disclosure injury development behaviour attendance
	voice view relationship network community housing income substance domestic violence mental capacity`)

var verbs = strings.Fields(`supports reviews shares records agrees explains checks identifies reports assesses
	considers provides coordinates monitors escalates discusses notes confirms involves updates leads follows
	protects informs arranges completes plans requests receives explores challenges describes measures`)

var adjectives = strings.Fields(`early multi-agency statutory local clear timely significant complex serious
	current previous regular specialist joint written agreed relevant appropriate safe effective proportionate
	independent named lead urgent routine additional known unmet emerging persistent wider`)

var connectors = strings.Fields(`when where because while unless after before so although if`)

var headingPool = []string{
	"Who this guidance is for", "What to do", "Things to think about", "Background", "Why it matters",
	"Roles and responsibilities", "Information sharing", "Working with families", "Assessment and planning",
	"Escalation and challenge", "Recording decisions", "Timescales", "Consent and confidentiality",
	"Legal framework", "Training and supervision", "Quality assurance", "Learning from reviews",
	"The voice of the child", "Early help", "Child protection enquiries", "Strategy discussions",
	"Initial child protection conferences", "Core groups", "Review conferences", "Step down and closure",
	"Children who go missing", "Exploitation", "Online safety", "Neglect", "Domestic abuse",
	"Allegations against staff", "Private fostering", "Disabled children", "Young carers",
	"Education and attendance", "Health assessments", "Transitions to adult services", "Further reading",
	"Contacts and advice", "Local context", "Key messages", "Practice points",
}

var topics = []string{
	"neglect", "early help", "child sexual exploitation", "child criminal exploitation", "missing children",
	"domestic abuse", "online safety", "elective home education", "private fostering", "allegations against staff",
	"information sharing", "safeguarding disabled children", "young carers", "bruising in non-mobile babies",
	"safer sleep", "self-harm", "female genital mutilation", "forced marriage", "radicalisation",
	"children in care", "care leavers", "unaccompanied children", "persistent absence", "modern slavery",
	"parental mental health", "parental substance misuse", "fabricated illness", "harmful sexual behaviour",
	"serious youth violence", "homelessness at 16 and 17", "transition to adulthood", "child deaths",
}

var termWords = strings.Fields(`Multi Agency Safeguarding Child Children Protection Early Help Assessment Risk
	Exploitation Missing Local Authority Designated Officer Named Nurse Health Visitor School Education
	Welfare Service Team Panel Conference Review Practice Learning Board Partnership Family Support Plan
	Emergency Duty Youth Justice Domestic Abuse Violence Advocate Independent Reviewing Quality Audit Joint
	Targeted Area Inspection Referral Unit Hub Strategy Group Operational Tactical Response Contextual
	Harm Neglect Tool Framework Commissioning Integrated Care Mental Adolescent Intervention Vulnerable`)

// pick returns n distinct elements of from, in random order.
func pick[T any](r *rand.Rand, from []T, n int) []T {
	if n > len(from) {
		n = len(from)
	}
	out := make([]T, 0, n)
	taken := make(map[int]bool, n)
	for len(out) < n {
		j := r.IntN(len(from))
		if taken[j] {
			continue
		}
		taken[j] = true
		out = append(out, from[j])
	}
	return out
}

func one[T any](r *rand.Rand, from []T) T { return from[r.IntN(len(from))] }

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func titleFor(r *rand.Rand, p *page) string {
	t := capitalise(one(r, topics))
	switch p.typ {
	case "arrangement":
		return fmt.Sprintf("Section %d: %s", p.index%40+1, t)
	case "threshold":
		return fmt.Sprintf("Level %d indicators: %s", p.level, t)
	case "briefing":
		return t + " (briefing " + fmt.Sprint(p.index) + ")"
	case "procedure":
		return t + ": multi-agency procedure"
	case "report":
		return fmt.Sprintf("Report on %s, %d-%02d", one(r, topics), 2015+p.index%10, (16+p.index%10)%100)
	}
	return t + " in practice"
}

func makeGlossary(r *rand.Rand) []term {
	var out []term
	seen := map[string]bool{}
	for len(out) < 150 {
		words := pick(r, termWords, 2+r.IntN(3))
		acr := ""
		for _, w := range words {
			acr += w[:1]
		}
		if seen[acr] {
			continue
		}
		seen[acr] = true
		t := term{
			term:       strings.Join(words, " "),
			acronym:    acr,
			definition: "The " + strings.ToLower(strings.Join(words, " ")) + " " + one(r, verbs) + " " + one(r, adjectives) + " " + one(r, nouns) + " for children and families.",
		}
		if r.IntN(4) == 0 {
			t.aliases = []string{strings.ToLower(words[0] + " " + words[len(words)-1])}
		}
		out = append(out, t)
	}
	return out
}

func makeContacts(r *rand.Rand) []contact {
	services := []string{"Multi-Agency Safeguarding Hub", "Early Help service", "Emergency Duty Team",
		"Local Authority Designated Officer", "Police public protection unit", "Children's social care",
		"Named nurse for safeguarding", "Designated doctor", "Education safeguarding team",
		"Youth justice service", "Domestic abuse advocacy service", "Missing children coordinator",
		"Child exploitation team", "Private fostering officer", "Partnership business unit"}
	var out []contact
	for i := 0; i < 30; i++ {
		c := contact{
			id:      fmt.Sprintf("contact-%02d", i+1),
			service: fmt.Sprintf("%s (area %d)", services[i%len(services)], i/len(services)+1),
		}
		if r.IntN(3) == 0 {
			// 01632 960xxx is Ofcom's range reserved for drama: never a real line.
			c.phone = fmt.Sprintf("01632 960%03d", r.IntN(1000))
			c.email = fmt.Sprintf("team%02d@example.org", i+1)
			c.hours = "Monday to Friday, 9am to 5pm"
		}
		if i > 0 {
			c.ooh = "contact-03"
		}
		out = append(out, c)
	}
	return out
}

func (c *Corpus) glossaryYAML() []byte {
	var b bytes.Buffer
	b.WriteString("# Generated glossary.\n\n")
	for _, t := range c.glossary {
		fmt.Fprintf(&b, "- term: %q\n  acronym: %s\n  definition: %q\n", t.term, t.acronym, t.definition)
		if len(t.aliases) > 0 {
			fmt.Fprintf(&b, "  aliases: [%s]\n", strings.Join(t.aliases, ", "))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func (c *Corpus) contactsYAML() []byte {
	var b bytes.Buffer
	b.WriteString("# Generated contacts. Numbers are from Ofcom's drama range.\n\n")
	for _, ct := range c.contacts {
		fmt.Fprintf(&b, "- id: %s\n  service: %q\n  phone: %q\n  email: %q\n  hours: %q\n  out_of_hours: %q\n  last_verified: 2024-05-01\n\n",
			ct.id, ct.service, ct.phone, ct.email, ct.hours, ct.ooh)
	}
	return b.Bytes()
}

// writer builds one page's text from the page's own random stream.
type writer struct {
	c     *Corpus
	p     *page
	r     *rand.Rand
	b     bytes.Buffer
	fn    int
	note  []string
	inBox bool // a briefing box: no footnotes
}

func (w *writer) word() string {
	switch n := w.r.IntN(40); {
	case n == 0:
		return one(w.r, w.c.glossary).acronym
	case n < 8:
		return one(w.r, adjectives)
	default:
		return one(w.r, nouns)
	}
}

// sentence writes a plain sentence of about n words.
func (w *writer) sentence(n int) string {
	var s strings.Builder
	s.WriteString("The ")
	for i := 0; i < n; i++ {
		if i > 0 {
			s.WriteByte(' ')
		}
		switch {
		case i == 2:
			s.WriteString(one(w.r, verbs))
		case i == n/2 && n > 8:
			s.WriteString(one(w.r, connectors) + " the")
		case i > 3 && i < n-1 && w.r.IntN(12) == 0:
			s.WriteString(w.word() + ",")
		default:
			s.WriteString(w.word())
		}
	}
	s.WriteByte('.')
	return s.String()
}

// rich is a sentence that may carry a link, a contact, emphasis or a footnote.
func (w *writer) rich() string {
	s := w.sentence(8 + w.r.IntN(14))
	switch w.r.IntN(14) {
	case 0, 1:
		s = strings.TrimSuffix(s, ".") + ", as " + w.pageLink() + " explains."
	case 2:
		ct := one(w.r, w.c.contacts)
		s = strings.TrimSuffix(s, ".") + ": contact [" + ct.service + "](contact:" + ct.id + ")."
	case 3:
		s = "**" + strings.TrimSuffix(s, ".") + "**."
	case 4:
		words := strings.Fields(s)
		words[1] = "*" + words[1] + "*"
		s = strings.Join(words, " ")
	case 5:
		if w.fn < 2 && !w.inBox {
			w.fn++
			s += fmt.Sprintf("[^%d]", w.fn)
			w.note = append(w.note, w.sentence(8))
		}
	case 6:
		if len(w.p.anchors) == 0 {
			break
		}
		h := one(w.r, w.p.anchors)
		s = strings.TrimSuffix(s, ".") + " (see [" + h.text + "](#" + h.id + "))."
	case 7:
		s += " Read the [statutory guidance](https://www.gov.uk/government/publications/working-together-to-safeguard-children--2)."
	}
	return s
}

// pageLink is a relative Markdown link to another page, often to one of its headings.
func (w *writer) pageLink() string {
	to := w.c.pages[w.r.IntN(len(w.c.pages))]
	href := relLink(w.p, to)
	if to == w.p {
		href = ""
	}
	if len(to.anchors) > 0 && w.r.IntN(3) > 0 {
		href += "#" + one(w.r, to.anchors).id
	} else if href == "" {
		return "this page"
	}
	title := to.title
	if title == "" {
		title = "that page"
	}
	return "[" + strings.ToLower(title[:1]) + title[1:] + "](" + href + ")"
}

func (w *writer) para() {
	n := 2 + w.r.IntN(3)
	for i := 0; i < n; i++ {
		if i > 0 {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(w.rich())
	}
	w.b.WriteString("\n\n")
}

func (w *writer) list() {
	ordered := w.r.IntN(3) == 0
	for i, n := 0, 3+w.r.IntN(3); i < n; i++ {
		if ordered {
			fmt.Fprintf(&w.b, "%d. ", i+1)
		} else {
			w.b.WriteString("- ")
		}
		w.b.WriteString(w.rich())
		w.b.WriteByte('\n')
	}
	w.b.WriteByte('\n')
}

func (w *writer) table() {
	cols := 3 + w.r.IntN(3)
	head := []string{"Area"}
	for i := 1; i < cols; i++ {
		head = append(head, fmt.Sprintf("%d-%02d", 2018+i, (19+i)%100))
	}
	w.b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for i := 0; i < cols; i++ {
		if i == 0 {
			w.b.WriteString(" --- |")
		} else {
			w.b.WriteString(" ---: |")
		}
	}
	w.b.WriteByte('\n')
	for i, n := 0, 3+w.r.IntN(4); i < n; i++ {
		w.b.WriteString("| " + capitalise(one(w.r, topics)))
		for j := 1; j < cols; j++ {
			fmt.Fprintf(&w.b, " | %d", w.r.IntN(900))
		}
		w.b.WriteString(" |\n")
	}
	w.b.WriteByte('\n')
}

func (w *writer) callout() {
	kind := "[!WARNING]"
	if w.r.IntN(2) == 0 {
		kind = "[!INSET]"
	}
	w.b.WriteString("> " + kind + "\n> " + w.rich() + "\n\n")
}

// body writes the page's Markdown: 2-6 KB of prose in sections.
func (w *writer) body() {
	target := w.p.size
	start := w.b.Len()
	w.para()
	if w.r.IntN(3) == 0 {
		w.callout()
	}
	// Every planned heading is written: other pages link to them.
	for i, h := range w.p.anchors {
		w.b.WriteString("## " + h.text)
		if h.explicit {
			w.b.WriteString(" {#" + h.id + "}")
		}
		w.b.WriteString("\n\n")
		w.para()
		if w.b.Len()-start < target {
			switch w.r.IntN(5) {
			case 0, 1:
				w.list()
			case 2:
				w.table()
			case 3:
				w.b.WriteString("### " + capitalise(one(w.r, topics)) + " " + fmt.Sprint(i+1) + "\n\n")
				w.para()
			}
		}
		if w.r.IntN(8) == 0 {
			ct := one(w.r, w.c.contacts)
			w.b.WriteString("[" + ct.service + "](contact:" + ct.id + ")\n\n")
		}
		if w.b.Len()-start < target {
			w.para()
		}
	}
	w.b.WriteString("## Related pages\n\n")
	for i, n := 0, 2+w.r.IntN(3); i < n; i++ {
		w.b.WriteString("- " + w.pageLink() + "\n")
	}
	w.b.WriteByte('\n')
	for i, n := range w.note {
		fmt.Fprintf(&w.b, "[^%d]: %s\n", i+1, n)
	}
}

func (w *writer) summary() string {
	s := w.sentence(10 + w.r.IntN(8))
	for len(s) > 150 {
		s = s[:strings.LastIndexByte(s[:len(s)-1], ' ')] + "."
	}
	return s
}

func (w *writer) ids(typ string, n int) []string {
	var out []string
	pool := w.c.byType[typ]
	if typ == "*" {
		pool = w.c.pages
	}
	for _, p := range pick(w.r, pool, n) {
		if p != w.p {
			out = append(out, p.id)
		}
	}
	return out
}

func (w *writer) frontMatter() {
	p, r, b := w.p, w.r, &w.b
	b.WriteString("---\n")
	fmt.Fprintf(b, "title: %q\nsummary: %q\nid: %s\n", p.title, w.summary(), p.id)
	if p.typ != "" {
		fmt.Fprintf(b, "type: %s\n", p.typ)
	}
	year := 2022 + r.IntN(3)
	fmt.Fprintf(b, "status: published\nowner: %q\napproved_by: %q\nlast_reviewed: %d-%02d-%02d\nnext_review: %d-%02d-01\n",
		"Generated partnership, "+one(r, headingPool), "Executive Group", year, 1+r.IntN(12), 1+r.IntN(28), year+2, 1+r.IntN(12))
	fmt.Fprintf(b, "audience: [%s]\n", strings.Join(pick(r, []string{"practitioner", "public", "editor"}, 1+r.IntN(2)), ", "))
	if r.IntN(10) == 0 {
		b.WriteString("sensitive: true\n")
	}
	if p.weight > 0 {
		fmt.Fprintf(b, "weight: %d\n", p.weight)
	}
	if !p.section {
		fmt.Fprintf(b, "related: [%s]\n", strings.Join(w.ids("*", 2+r.IntN(3)), ", "))
		if r.IntN(20) == 0 {
			fmt.Fprintf(b, "aliases: [/old/%s/]\n", p.id)
		}
	}
	switch p.typ {
	case "arrangement":
		fmt.Fprintf(b, "section: \"%d\"\nrequirement: %q\n", p.index%40+1, "Working Together to Safeguard Children 2023, chapter "+fmt.Sprint(1+r.IntN(5)))
	case "threshold":
		fmt.Fprintf(b, "level: %d\nlabel: %q\nresponse: %q\nlegal_basis: %q\nroute: %s\nindicators:\n",
			p.level, capitalise(one(r, adjectives))+" needs", w.sentence(12), fmt.Sprintf("Children Act 1989 s%d", 17+r.IntN(31)), one(r, w.c.contacts).id)
		for _, d := range []string{"child_development", "parenting_capacity", "family_environment"} {
			fmt.Fprintf(b, "  %s:\n", d)
			for i, n := 0, 2+r.IntN(4); i < n; i++ {
				fmt.Fprintf(b, "    - %q\n", w.sentence(6+r.IntN(6)))
			}
		}
	case "briefing":
		b.WriteString("boxes:\n")
		for _, h := range []string{"Background", "Why it matters", "Information", "What to look for", "What to do", "Learning", "Questions"} {
			w.inBox = true
			fmt.Fprintf(b, "  - heading: %s\n    body: |\n      %s\n", h, w.rich()+" "+w.rich())
			w.inBox = false
		}
		fmt.Fprintf(b, "themes: [%s]\nsource: %q\nquestions:\n", strings.Join(pick(r, []string{"neglect", "exploitation", "early-help", "online", "domestic-abuse"}, 2), ", "), "Generated review "+fmt.Sprint(p.index))
		for i := 0; i < 3; i++ {
			fmt.Fprintf(b, "  - %q\n", strings.TrimSuffix(w.sentence(8), ".")+"?")
		}
		fmt.Fprintf(b, "procedures: [%s]\n", strings.Join(w.ids("procedure", 2), ", "))
	case "procedure":
		fmt.Fprintf(b, "chapter: \"%d.%d\"\nscope: %q\nlevels: [%d, %d]\ncontacts: [%s]\nstages:\n", 1+p.index%9, p.index%20+1, w.sentence(12), 1+r.IntN(2), 3+r.IntN(2), one(r, w.c.contacts).id+", "+one(r, w.c.contacts).id)
		for i, n := 0, 2+r.IntN(3); i < n; i++ {
			fmt.Fprintf(b, "  - who: %q\n    timescale: %q\n    action: %q\n", capitalise(one(r, nouns))+" manager", fmt.Sprintf("Within %d working days", 1+r.IntN(10)), w.sentence(14))
		}
	case "report":
		fmt.Fprintf(b, "period_start: %d-04-01\nperiod_end: %d-03-31\ntables:\n", year-1, year)
		for t, n := 0, 1+r.IntN(3); t < n; t++ {
			fmt.Fprintf(b, "  - id: t%d\n    caption: %q\n    unit: children\n    columns: [Measure, \"Q1\", \"Q2\", \"Q3\", \"Q4\"]\n    rows:\n", t+1, capitalise(one(r, topics))+" by quarter")
			for i, m := 0, 2+r.IntN(4); i < m; i++ {
				fmt.Fprintf(b, "      - [%q, %d, %d, %d, %d]\n", capitalise(one(r, topics)), r.IntN(300), r.IntN(300), r.IntN(300), r.IntN(300))
			}
			fmt.Fprintf(b, "    source: %q\n", "Generated data")
			if r.IntN(2) == 0 {
				b.WriteString("    chart: bar\n")
			}
		}
	}
	b.WriteString("---\n\n")
}

// pageFile returns the Markdown file of p.
func (c *Corpus) pageFile(p *page) []byte {
	if p.small {
		return c.smallPage(p)
	}
	w := &writer{c: c, p: p, r: c.rng(1_000_000 + p.index)}
	if p.section {
		w.frontMatter()
		w.para()
		return w.b.Bytes()
	}
	w.frontMatter()
	w.body()
	return w.b.Bytes()
}
