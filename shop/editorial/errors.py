"""Errors an editor can cause; each carries a message to show them."""

from __future__ import annotations


class EditorialError(Exception):
    """A change that cannot be made; `message` says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EditConflict(EditorialError):
    """Someone saved the item after this editor loaded it."""

    def __init__(self, loaded: int, current: int) -> None:
        super().__init__(
            f"Someone else saved this item (now version {current}) after you opened version "
            f"{loaded}. Your changes were not saved; compare the versions, then reload and "
            "apply your changes again."
        )
        self.loaded = loaded
        self.current = current
