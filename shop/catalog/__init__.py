"""The catalog: products, their variants, images and stock."""
