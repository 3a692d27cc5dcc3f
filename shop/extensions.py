"""Flask extensions shared by the app, created unbound and attached in create_app."""

from __future__ import annotations

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
