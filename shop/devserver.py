"""`make run`: serve the shop on 127.0.0.1 for a developer or a first look."""

from __future__ import annotations

import os

from shop import create_app


def main() -> None:
    """Start the development server on PORT (default 5000)."""
    port = int(os.environ.get("PORT", "5000"))
    app = create_app()
    print(f" * Balmorex shop: http://127.0.0.1:{port}", flush=True)
    app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False, threaded=True)


if __name__ == "__main__":
    main()
