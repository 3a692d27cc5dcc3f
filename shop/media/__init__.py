"""Media helpers: generated placeholder images and responsive WebP sets."""
