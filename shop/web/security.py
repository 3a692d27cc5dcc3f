"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, current_app


def content_security_policy() -> str:
    """A CSP allowing only this site's own scripts, styles, images and form targets."""
    form_targets = " ".join(["'self'", *current_app.config.get("CSP_FORM_ACTION_EXTRA", [])])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            f"form-action {form_targets}",
            "frame-ancestors 'none'",
        ]
    )


def set_security_headers(response: Response) -> Response:
    """Add CSP, nosniff, referrer and framing rules (and HSTS in production)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("ENV") == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(set_security_headers)
