"""Flask's signed-cookie sessions, with the signing serializer built once per set of keys.

Flask builds a new serializer for every request it opens or saves a session for, and each
build serialises a probe value; on a page served from the page cache that was a sizeable
share of the work. The serializer holds no per-request state, so one per key set is safe.
It signs with `hashlib.sha1` itself rather than Flask's lazy wrapper of it: the same
signatures, but Python's `hmac` takes its fast OpenSSL path only for hashlib's own function.
"""

from __future__ import annotations

import hashlib

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

KeySet = tuple[object, tuple[object, ...]]


class CachedSerializerSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions exactly as Flask makes them, minus the rebuilding."""

    digest_method = staticmethod(hashlib.sha1)

    def __init__(self) -> None:
        self._serializers: dict[KeySet, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer for the current SECRET_KEY and SECRET_KEY_FALLBACKS."""
        keys: KeySet = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]


def init_app(app: Flask) -> None:
    """Use the caching session interface."""
    app.session_interface = CachedSerializerSessionInterface()
