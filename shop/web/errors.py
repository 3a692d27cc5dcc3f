"""Plain error pages: a shopper never sees a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("That request didn't make sense", "Something in the address or the form wasn't valid."),
    403: ("Not allowed", "You don't have access to this page."),
    404: ("Page not found", "We couldn't find that page. It may have moved or never existed."),
    405: ("Not allowed", "That action isn't available here."),
    413: ("Too large", "That upload is bigger than we accept."),
    429: ("Slow down", "Too many attempts in a short time. Please wait a minute and try again."),
    500: ("Something went wrong", "An error on our side stopped this page. Please try again."),
}


def _render(status: int, detail: str | None = None) -> ResponseReturnValue:
    title, text = MESSAGES.get(status, (f"Error {status}", "The request could not be completed."))
    if request.path.startswith(("/healthz", "/webhooks/")):
        return jsonify(error=title, detail=detail or text), status
    return render_template(
        "errors/error.html", status=status, title=title, text=detail or text
    ), status


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    """Render an HTTP error with our own page; keep a specific description if we set one."""
    status = error.code or 500
    custom = error.description if error.description != type(error).description else None
    return _render(status, custom)


def handle_csrf_error(_error: CSRFError) -> ResponseReturnValue:
    """A stale or missing form token: ask the shopper to go back and retry."""
    return _render(400, "This form expired. Please go back, reload the page and try again.")


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    """Log an unexpected error and show the plain 500 page."""
    log.exception("unhandled error on %s %s", request.method, request.path, exc_info=error)
    return _render(InternalServerError.code)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
