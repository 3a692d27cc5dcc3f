"""The baseline for `bench/run.py`: a Flask hello-world served with the shop's gunicorn settings."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest useful response."""
    return "Hello, World!"
