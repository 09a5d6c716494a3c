package render

import (
	"regexp"
	"strings"
	"testing"

	"github.com/rscp/handbook/build/site"
)

func TestBarChart(t *testing.T) {
	table := &site.DataTable{
		Caption: "Linked to exploitation, by quarter", Unit: "referrals", Chart: "bar",
		Columns: []string{"Year", "Q1", "Q2", "Total for year"},
		Rows: [][]site.Cell{
			{"2022-23", "42", "66", "108"},
			{"2023-24", "41", "Not known", "41"},
			{"Total", "83", "66", "149"},
		},
	}
	svg := string(barChart(table, "cce"))
	for _, want := range []string{
		`role="img" aria-labelledby="chart-cce-title chart-cce-desc"`,
		`<title id="chart-cce-title">Bar chart: Linked to exploitation, by quarter (referrals)</title>`,
		`<desc id="chart-cce-desc">Bars (referrals) for 2022-23: Q1 42, Q2 66; 2023-24: Q1 41. The table below gives the same figures.</desc>`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart has no %s:\n%s", want, svg)
		}
	}
	// Three bars (the total row and column left out, "Not known" drawn as
	// nothing) and a legend of two series.
	if n := strings.Count(svg, `<rect class="hb-chart__bar`); n != 3+2 {
		t.Errorf("%d bars and legend swatches, want 5:\n%s", n, svg)
	}
	if strings.Contains(svg, "style=") || strings.Contains(svg, "<script") {
		t.Error("the chart has a style attribute or a script, which the Content-Security-Policy blocks")
	}
	// The longest bar is the largest figure; the others in proportion.
	widths := regexp.MustCompile(`hb-chart__bar--\d" x="0" y="\d+" width="(\d+)" height="18"`).FindAllStringSubmatch(svg, -1)
	if len(widths) != 3 || widths[1][1] != "510" || widths[0][1] != "325" {
		t.Errorf("bar widths %v, want 325, 510 (66 is the largest figure) and 317", widths)
	}

	// chart_columns draws only the columns it names: one series, no legend.
	table.ChartColumns = []string{"q2"}
	if svg := string(barChart(table, "x")); strings.Count(svg, `<rect`) != 1 || strings.Contains(svg, "hb-chart__legend") {
		t.Errorf("chart_columns [q2] draws:\n%s", svg)
	}
	// A table not marked as a chart, or with no figures, draws nothing.
	if barChart(&site.DataTable{Caption: "x", Columns: []string{"a", "b"}, Rows: [][]site.Cell{{"r", "1"}}}, "y") != "" {
		t.Error("a table without chart: is drawn")
	}
	if barChart(&site.DataTable{Chart: "bar", Columns: []string{"a", "b"}, Rows: [][]site.Cell{{"r", "none"}}}, "z") != "" {
		t.Error("a table without figures is drawn")
	}
}

func TestTableCaption(t *testing.T) {
	for _, c := range []struct{ caption, unit, want string }{
		{"Work of the Evolve Team", "young people", "Work of the Evolve Team (young people)"},
		{"Referrals by quarter", "referrals", "Referrals by quarter"},
		{"Children on plans, per 10,000 children", "per 10,000 children", "Children on plans, per 10,000 children"},
		{"Funding", "", "Funding"},
	} {
		if got := tableCaption(&site.DataTable{Caption: c.caption, Unit: c.unit}); got != c.want {
			t.Errorf("tableCaption(%q, %q) = %q, want %q", c.caption, c.unit, got, c.want)
		}
	}
}
