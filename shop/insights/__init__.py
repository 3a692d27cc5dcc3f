"""Figures for the backoffice dashboard: sales, stock, and the articles behind orders."""
