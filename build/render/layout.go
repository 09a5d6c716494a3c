package render

import (
	"html/template"
	"text/template/parse"
)

// layout is the template set of one layout, with what is known of its
// templates from their parse trees.
type layout struct {
	tmpl *template.Template
	// reads holds the names its templates use: the View fields that take
	// work to make are made only for the layouts that read them (a
	// theme's own templates may read few of them).
	reads map[string]bool
	// parts holds, for each template that the layout's file neither
	// defines nor reaches, the theme's base set: such a template is the
	// same in every layout, so the parts rendered from it (see Shared)
	// are rendered once for all layouts instead of once per layout.
	parts map[string]*template.Template
}

// newLayout describes tmpl, the base set with the layout's file parsed
// into it.
func newLayout(tmpl, base *template.Template, file string) *layout {
	l := &layout{tmpl: tmpl, reads: namesUsed(tmpl), parts: map[string]*template.Template{}}
	for _, x := range tmpl.Templates() {
		name := x.Name()
		if base.Lookup(name) == nil {
			continue
		}
		own := false
		for _, n := range append([]string{name}, partsCalled[name]...) {
			walkFrom(tmpl, n, func(tr *parse.Tree, _ parse.Node) { own = own || tr.ParseName == file })
		}
		if !own {
			l.parts[name] = base
		}
	}
	return l
}

// partsCalled are the parts a part renders through a method of the value
// it is executed with: "breadcrumbs" renders "breadcrumb-link" (Trail.Links)
// from the same set.
var partsCalled = map[string][]string{"breadcrumbs": {"breadcrumb-link"}}

// part returns the set to execute template name from as a shared part.
func (l *layout) part(name string) *template.Template {
	if p := l.parts[name]; p != nil {
		return p
	}
	return l.tmpl
}

// layout returns the layout called name, or the page layout.
func (t *Theme) layout(name string) *layout {
	if l := t.layouts[name]; l != nil {
		return l
	}
	return t.layouts["page"]
}

// addNames adds the field, method and variable names n uses: "Dates" for
// {{.Dates.Updated}}, {{$.Dates}} or {{$v.Dates}}. A template reads the
// View only through such names.
func addNames(names map[string]bool, n parse.Node) {
	switch n := n.(type) {
	case *parse.FieldNode:
		for _, id := range n.Ident {
			names[id] = true
		}
	case *parse.ChainNode:
		for _, f := range n.Field {
			names[f] = true
		}
	case *parse.VariableNode:
		for _, id := range n.Ident[1:] {
			names[id] = true
		}
	}
}

// namesUsed returns the names that the templates of set reached from
// "base" use (see addNames). Templates nothing reaches (the default
// theme's partials under a theme's own layout) do not count.
func namesUsed(set *template.Template) map[string]bool {
	names := map[string]bool{}
	walkFrom(set, "base", func(_ *parse.Tree, n parse.Node) { addNames(names, n) })
	return names
}

// walkFrom calls visit with every node of template name of set and of
// the templates it calls ({{template}}, {{block}}), each template once,
// with the tree the node is in.
func walkFrom(set *template.Template, name string, visit func(*parse.Tree, parse.Node)) {
	seen := map[string]bool{}
	var tree *parse.Tree
	var walk func(parse.Node)
	enter := func(name string) {
		if tmpl := set.Lookup(name); tmpl != nil && tmpl.Tree != nil && !seen[name] {
			seen[name] = true
			outer := tree
			tree = tmpl.Tree
			walk(tree.Root)
			tree = outer
		}
	}
	branch := func(b *parse.BranchNode) {
		walk(b.Pipe)
		walk(b.List)
		walk(b.ElseList)
	}
	walk = func(n parse.Node) {
		if n == nil {
			return
		}
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.TemplateNode:
			walk(n.Pipe)
			enter(n.Name)
		case *parse.IfNode:
			branch(&n.BranchNode)
		case *parse.RangeNode:
			branch(&n.BranchNode)
		case *parse.WithNode:
			branch(&n.BranchNode)
		case *parse.ChainNode:
			walk(n.Node)
		}
		visit(tree, n)
	}
	enter(name)
}
