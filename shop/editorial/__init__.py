"""Editorial workflow for products, articles and pages: drafts, revisions, publishing."""
