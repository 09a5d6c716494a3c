package site_test

import (
	"strings"
	"testing"
)

// TestWordsAndLinks checks what check finds in a page's words and links,
// each as an editor would meet it.
func TestWordsAndLinks(t *testing.T) {
	const contacts = "- id: mash\n  service: Multi-Agency Safeguarding Hub\n  phone: 01709 336080\n  email: mash@example.org\n"
	page := func(body string) map[string]string {
		return map[string]string{
			"content/a.md":       "---\ntitle: A\nsummary: Fine.\n---\n" + body,
			"content/b.md":       "---\ntitle: B\nsummary: Fine.\n---\nB.\n",
			"content/chart.png":  "x",
			"data/contacts.yaml": contacts,
		}
	}
	tests := []struct {
		name, body string
		want       []string // prefixes of format(diagnostic), in order; none for a clean page
	}{
		{"good links", "Read [the B page](b.md) and [Multi-Agency Safeguarding Hub](contact:mash).\n\n![Referrals by month](chart.png)\n", nil},
		{"empty link text", "Go to [](b.md).\n", []string{`content/a.md:5: error: link-text: the link to b.md has no text`}},
		{"image link has its alt text", "[![Referrals by month](chart.png)](b.md)\n", nil},
		{"placeholder alt text", "![image](chart.png)\n\n![chart.png](chart.png)\n\n![photo-2041](chart.png)\n", []string{
			`content/a.md:5: error: alt-text: the image chart.png has the alt text "image", which does not say what it shows`,
			`content/a.md:7: error: alt-text: the image chart.png has the alt text "chart.png"`,
			`content/a.md:9: error: alt-text: the image chart.png has the alt text "photo-2041"`,
		}},
		{"click here", "To read B, [click here](b.md). The policy is [here](b.md).\n", []string{
			`content/a.md:5: warning: link-text: the link text "click here" does not say where the link leads`,
			`content/a.md:5: warning: link-text: the link text "here" does not say where the link leads`,
		}},
		{"phone typed in", "Call the hub on 01709 336080.\n", []string{
			`content/a.md:5: warning: contact-in-page: the phone number 01709 336080 is typed into the page: it is the contact "mash" in data/contacts.yaml, so link it as [Multi-Agency Safeguarding Hub](contact:mash)`,
		}},
		{"unknown phone and email typed in", "Ring 0114 273 4855 or write to help@example.net.\n", []string{
			`content/a.md:5: warning: contact-in-page: the email address help@example.net is typed into the page: add the service`,
			`content/a.md:5: warning: contact-in-page: the phone number 0114 273 4855 is typed into the page: add the service to data/contacts.yaml`,
		}},
		{"mailto link", "Write to [the hub](mailto:mash@example.org).\n", []string{
			`content/a.md:5: warning: contact-in-page: the email address mash@example.org is typed into the page: it is the contact "mash"`,
		}},
		{"emergency number is not a contact", "In an emergency call 999.\n", nil},
		{"raw br", "First line<br>second line.\n", []string{
			`content/a.md:5: warning: raw-html: <br> is shown to readers as the text "<br>"`,
		}},
		{"raw html block", "<div>\nBoxed.\n</div>\n", []string{
			`content/a.md:5: warning: raw-html: the HTML <div> is shown to readers as text`,
		}},
		{"misspelling", "The school will recieve the referral.\n\nIt is neccessary to share.\n", []string{
			`content/a.md:5: warning: spelling: "recieve" is a common misspelling of "receive"`,
			`content/a.md:7: warning: spelling: "neccessary" is a common misspelling of "necessary"`,
		}},
		{"British spelling is not a misspelling", "Organise the meeting and recognise the harm.\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, d := range format(checkSite(t, page(tc.body), "2024-06-01")) {
				if !strings.HasPrefix(d, "data/contacts.yaml") {
					got = append(got, d)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tc.want), strings.Join(got, "\n"))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %d:\n got %s\nwant %s", i+1, got[i], w)
				}
			}
		})
	}
}

// TestProcedureWithoutReviewDate: a published procedure needs a review
// date; a draft or another type of page does not.
func TestProcedureWithoutReviewDate(t *testing.T) {
	got := format(checkSite(t, map[string]string{
		"content/p.md":     "---\ntitle: P\nsummary: S.\ntype: procedure\n---\nText.\n",
		"content/d.md":     "---\ntitle: D\nsummary: S.\ntype: procedure\nstatus: draft\n---\nText.\n",
		"content/plain.md": "---\ntitle: Plain\nsummary: S.\n---\nText.\n",
	}, "2024-06-01"))
	want := "content/p.md:4: warning: review-date: this procedure has no next_review date"
	if len(got) != 1 || !strings.HasPrefix(got[0], want) {
		t.Errorf("got:\n%s\nwant one problem starting %s", strings.Join(got, "\n"), want)
	}
}
