"""Editorial content: articles and static pages, written in Markdown."""
