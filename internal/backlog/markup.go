package backlog

// The renderings of an item that a tracker's API takes, for live sync (package
// tracker) as for the import files: the same title and body either way.

// Title is the item's title on one line, cut to the length every tracker accepts.
func Title(it Item) string { return title(it) }

// MarkdownBody is the item's description in GitHub's Markdown.
func MarkdownBody(it Item) string { return markdownBody(it) }

// HTMLBody is the item's description as escaped HTML, for Azure DevOps.
func HTMLBody(it Item) string { return htmlBody(it) }

// JiraBody is the item's description in Jira's wiki markup (REST API version 2).
func JiraBody(it Item) string { return jiraBody(it) }
