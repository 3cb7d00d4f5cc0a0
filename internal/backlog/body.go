package backlog

import (
	"html"
	"strconv"
	"strings"
)

// The body of an item is the same facts in each tracker's markup: why it ranks where it
// does, where it comes from, the guidance and the links. facts is the one list, so the
// three renderings cannot drift apart.

type fact struct{ name, value string }

func facts(it Item) []fact {
	q := it.QuestionTitle
	if q == "" {
		q = it.Question
	}
	fs := []fact{
		{"Question", q + " (" + it.Question + ")"},
		{"Practice", it.Choice},
		{"Design area", it.AreaName},
		{"Pillars", strings.Join(it.PillarNames, ", ")},
		{"Risk", string(it.Risk)},
		{"Effort", string(it.Effort)},
		{"Horizon", string(it.Horizon)},
		{"Priority score", score(it.Priority) + " (rank " + strconv.Itoa(it.Rank) + ")"},
	}
	if len(it.Top10Titles) > 0 {
		fs = append(fs, fact{"Top 10", strings.Join(it.Top10Titles, "; ")})
	}
	return fs
}

type section struct{ title, text string }

func sections(it Item) []section {
	var ss []section
	for _, s := range []section{
		{"What to do", it.Guidance.What},
		{"Why it matters", it.Guidance.Why},
		{"How to verify", it.Guidance.Verify},
	} {
		if strings.TrimSpace(s.text) != "" {
			ss = append(ss, s)
		}
	}
	return ss
}

func linkTitle(title, url string) string {
	if strings.TrimSpace(title) == "" {
		return url
	}
	return title
}

// markdownBody is the GitHub issue body. GitHub sanitizes the HTML a body may hold, so
// text goes in as written; links are written as links only when they are web addresses.
func markdownBody(it Item) string {
	var b strings.Builder
	if it.Why != "" {
		b.WriteString("**Why this rank:** " + oneLine(it.Why) + "\n\n")
	}
	for _, f := range facts(it) {
		b.WriteString("- **" + f.name + ":** " + oneLine(f.value) + "\n")
	}
	for _, s := range sections(it) {
		b.WriteString("\n### " + s.title + "\n\n" + strings.TrimSpace(s.text) + "\n")
	}
	if len(it.Links) > 0 {
		b.WriteString("\n### Links\n\n")
		for _, l := range it.Links {
			if safeURL(l.URL) {
				b.WriteString("- [" + strings.NewReplacer("[", "(", "]", ")").Replace(oneLine(linkTitle(l.Title, l.URL))) + "](" + l.URL + ")\n")
			} else {
				b.WriteString("- " + oneLine(linkTitle(l.Title, l.URL)) + ": `" + strings.ReplaceAll(oneLine(l.URL), "`", "'") + "`\n")
			}
		}
	}
	b.WriteString("\n" + it.ExternalID() + "\n")
	return b.String()
}

// htmlBody is the Azure DevOps description, an HTML field: every piece of text is
// escaped, and only web links become anchors.
func htmlBody(it Item) string {
	e := html.EscapeString
	var b strings.Builder
	if it.Why != "" {
		b.WriteString("<p><b>Why this rank:</b> " + e(it.Why) + "</p>")
	}
	b.WriteString("<ul>")
	for _, f := range facts(it) {
		b.WriteString("<li><b>" + e(f.name) + ":</b> " + e(f.value) + "</li>")
	}
	b.WriteString("</ul>")
	for _, s := range sections(it) {
		b.WriteString("<h3>" + e(s.title) + "</h3><p>" + strings.ReplaceAll(e(strings.TrimSpace(s.text)), "\n", "<br>") + "</p>")
	}
	if len(it.Links) > 0 {
		b.WriteString("<h3>Links</h3><ul>")
		for _, l := range it.Links {
			if safeURL(l.URL) {
				b.WriteString(`<li><a href="` + e(l.URL) + `">` + e(linkTitle(l.Title, l.URL)) + "</a></li>")
			} else {
				b.WriteString("<li>" + e(linkTitle(l.Title, l.URL)) + ": " + e(l.URL) + "</li>")
			}
		}
		b.WriteString("</ul>")
	}
	b.WriteString("<p>" + e(it.ExternalID()) + "</p>")
	return b.String()
}

// jiraEscaper escapes the characters that start Jira wiki markup able to do more than
// style text: macros ({...}), links ([...]), tables (|) and images (!...!).
var jiraEscaper = strings.NewReplacer(`\`, `\\`, "{", `\{`, "}", `\}`, "[", `\[`, "]", `\]`, "|", `\|`, "!", `\!`)

// jiraBody is the Jira description in Jira's wiki markup, which its CSV importer keeps.
func jiraBody(it Item) string {
	e := jiraEscaper.Replace
	var b strings.Builder
	if it.Why != "" {
		b.WriteString("*Why this rank:* " + e(oneLine(it.Why)) + "\n\n")
	}
	for _, f := range facts(it) {
		b.WriteString("* *" + f.name + ":* " + e(oneLine(f.value)) + "\n")
	}
	for _, s := range sections(it) {
		b.WriteString("\nh3. " + s.title + "\n" + e(strings.TrimSpace(s.text)) + "\n")
	}
	if len(it.Links) > 0 {
		b.WriteString("\nh3. Links\n")
		for _, l := range it.Links {
			if safeURL(l.URL) {
				b.WriteString("* [" + e(oneLine(linkTitle(l.Title, l.URL))) + "|" + l.URL + "]\n")
			} else {
				b.WriteString("* " + e(oneLine(linkTitle(l.Title, l.URL))) + ": " + e(oneLine(l.URL)) + "\n")
			}
		}
	}
	b.WriteString("\n" + e(it.ExternalID()) + "\n")
	return b.String()
}

// oneLine folds line breaks, which would end a list item or a heading early.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
