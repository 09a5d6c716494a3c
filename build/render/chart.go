package render

import (
	"fmt"
	"html/template"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/rscp/handbook/build/site"
)

// A report table marked `chart: bar` is drawn as a bar chart at build
// time: SVG written into the page, no script, no style attributes (the
// Content-Security-Policy allows neither), colours and shades from the
// stylesheet by class, so that the print stylesheet can make it black and
// white. The chart is an image with a name (the table's caption) and a
// description that reads out every figure; the table stays below it.

// Chart geometry, in the SVG's own units (it scales to its box).
const (
	chartWidth  = 600
	chartValueW = 90 // room at the end of the longest bar for its value
	chartBarH   = 18
	chartBarGap = 4
	chartGroupH = 26 // the label line above a group's bars
	chartGroupG = 16 // space between groups
	chartLegend = 22 // one line of the legend
	chartSeries = 6  // series shades before they repeat
)

// chartColumn is one column of a table drawn as bars.
type chartColumn struct {
	name  string
	index int
}

var leadingNumber = regexp.MustCompile(`^-?[0-9][0-9,]*(\.[0-9]+)?`)

// chartValue reads the number a cell starts with ("70.4 (82.7)" is 70.4,
// "£1,200" is 1200); ok is false for a cell with no number.
func chartValue(c site.Cell) (float64, bool) {
	s := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(c)), "£"))
	m := leadingNumber.FindString(s)
	if m == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(m, ",", ""), 64)
	return v, err == nil
}

// isTotal reports whether a row or column label is a total, which a
// chart leaves out: its bar would dwarf the others.
func isTotal(label string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(label)), "total")
}

// chartColumns are the columns of t drawn as series: the ones named by
// chart_columns, else every column after the first (the row labels) that
// is not a total and has a number.
func chartColumns(t *site.DataTable) []chartColumn {
	var out []chartColumn
	for i, name := range t.Columns {
		if i == 0 || isTotal(name) {
			continue
		}
		if len(t.ChartColumns) > 0 {
			found := false
			for _, c := range t.ChartColumns {
				found = found || strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(name))
			}
			if !found {
				continue
			}
		}
		for _, row := range t.Rows {
			if i < len(row) {
				if _, ok := chartValue(row[i]); ok {
					out = append(out, chartColumn{name, i})
					break
				}
			}
		}
	}
	return out
}

// chartRows are the rows drawn: every row but totals.
func chartRows(t *site.DataTable) [][]site.Cell {
	var out [][]site.Cell
	for _, r := range t.Rows {
		if len(r) > 0 && !isTotal(string(r[0])) {
			out = append(out, r)
		}
	}
	return out
}

// barChart draws t as a horizontal bar chart: one group of bars per row
// (labelled above them), one bar per series, a legend when there are
// several. id makes the chart's element ids unique on the page. It is ""
// when the table has nothing to draw.
func barChart(t *site.DataTable, id string) template.HTML {
	if t.Chart == "" {
		return ""
	}
	cols, rows := chartColumns(t), chartRows(t)
	if len(cols) == 0 || len(rows) == 0 {
		return ""
	}
	maxV := 0.0
	for _, r := range rows {
		for _, c := range cols {
			if c.index < len(r) {
				if v, ok := chartValue(r[c.index]); ok {
					maxV = math.Max(maxV, v)
				}
			}
		}
	}
	if maxV <= 0 {
		return ""
	}
	esc := template.HTMLEscapeString
	var b strings.Builder
	y := 0
	// The legend: a swatch and the series' name, as many to a line as fit.
	var legend strings.Builder
	if len(cols) > 1 {
		x := 0
		y = chartLegend - 6
		for i, c := range cols {
			w := 24 + 9*len([]rune(c.name)) + 16
			if x > 0 && x+w > chartWidth {
				x, y = 0, y+chartLegend
			}
			fmt.Fprintf(&legend, `<rect class="hb-chart__bar hb-chart__bar--%d" x="%d" y="%d" width="16" height="16"/>`, i%chartSeries+1, x, y-13)
			fmt.Fprintf(&legend, `<text class="hb-chart__legend" x="%d" y="%d">%s</text>`, x+22, y, esc(c.name))
			x += w
		}
		y += 18
	}
	var bars strings.Builder
	scale := float64(chartWidth-chartValueW) / maxV
	for _, r := range rows {
		y += chartGroupH
		fmt.Fprintf(&bars, `<text class="hb-chart__label" x="0" y="%d">%s</text>`, y-8, esc(string(r[0])))
		for i, c := range cols {
			if c.index < len(r) {
				if v, ok := chartValue(r[c.index]); ok {
					w := int(math.Round(v * scale))
					fmt.Fprintf(&bars, `<rect class="hb-chart__bar hb-chart__bar--%d" x="0" y="%d" width="%d" height="%d"/>`, i%chartSeries+1, y, max(w, 1), chartBarH)
					fmt.Fprintf(&bars, `<text class="hb-chart__value" x="%d" y="%d">%s</text>`, max(w, 1)+6, y+chartBarH-4, esc(strings.TrimSpace(string(r[c.index]))))
				}
			}
			y += chartBarH + chartBarGap
		}
		y += chartGroupG - chartBarGap
	}
	height := y
	titleID, descID := "chart-"+id+"-title", "chart-"+id+"-desc"
	fmt.Fprintf(&b, `<svg class="hb-chart__svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="%s %s" focusable="false">`, chartWidth, height, titleID, descID)
	fmt.Fprintf(&b, `<title id="%s">%s</title>`, titleID, esc(chartTitle(t)))
	fmt.Fprintf(&b, `<desc id="%s">%s</desc>`, descID, esc(chartDescription(t, cols, rows)))
	b.WriteString(legend.String())
	b.WriteString(bars.String())
	fmt.Fprintf(&b, `<line class="hb-chart__axis" x1="0" y1="0" x2="0" y2="%d"/>`, height)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// chartTitle names a chart: its table's caption.
func chartTitle(t *site.DataTable) string {
	return "Bar chart: " + tableCaption(t)
}

// chartDescription says in words what the chart shows: every figure,
// group by group, and that the table below holds them too.
func chartDescription(t *site.DataTable, cols []chartColumn, rows [][]site.Cell) string {
	var parts []string
	for _, r := range rows {
		var vals []string
		for _, c := range cols {
			if c.index < len(r) {
				if _, ok := chartValue(r[c.index]); ok {
					v := strings.TrimSpace(string(r[c.index]))
					if len(cols) > 1 {
						v = c.name + " " + v
					}
					vals = append(vals, v)
				}
			}
		}
		if len(vals) > 0 {
			parts = append(parts, strings.TrimSpace(string(r[0]))+": "+strings.Join(vals, ", "))
		}
	}
	unit := ""
	if t.Unit != "" {
		unit = " (" + t.Unit + ")"
	}
	return "Bars" + unit + " for " + strings.Join(parts, "; ") + ". The table below gives the same figures."
}

// tableCaption is a table's caption with its unit, unless the caption
// already says it ("… per 10,000 children").
func tableCaption(t *site.DataTable) string {
	c := strings.TrimSpace(t.Caption)
	u := strings.TrimSpace(t.Unit)
	if u == "" || strings.Contains(strings.ToLower(c), strings.ToLower(u)) {
		return c
	}
	return c + " (" + u + ")"
}
