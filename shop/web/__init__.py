"""Site-wide web concerns: home, health, SEO files, headers, errors, template helpers."""
