"""Security headers on every response."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app

#: `app.extensions` key of the headers, worked out from the settings on the first response.
EXTENSION = "security_headers"


def content_security_policy(config: Any = None) -> str:
    """A CSP allowing only this site's own scripts, styles, images and form targets."""
    settings = current_app.config if config is None else config
    form_targets = " ".join(["'self'", *settings.get("CSP_FORM_ACTION_EXTRA", [])])
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


def security_headers(config: Any) -> tuple[tuple[str, str], ...]:
    """CSP, nosniff, referrer and framing rules (and HSTS in production) for these settings."""
    headers = [
        ("Content-Security-Policy", content_security_policy(config)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if config.get("ENV") == "production":
        headers.append(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
    return tuple(headers)


def set_security_headers(response: Response) -> Response:
    """Add the security headers a view has not set itself (one pass over the headers)."""
    extensions = current_app.extensions
    wanted: tuple[tuple[str, str], ...] | None = extensions.get(EXTENSION)
    if wanted is None:
        wanted = extensions[EXTENSION] = security_headers(current_app.config)
    present = {name.lower() for name in response.headers.keys()}  # noqa: SIM118
    response.headers.extend([(k, v) for k, v in wanted if k.lower() not in present])
    return response


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(set_security_headers)
