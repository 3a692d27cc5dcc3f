"""Sample content for a fresh shop: articles, products with placeholder images, pages."""
