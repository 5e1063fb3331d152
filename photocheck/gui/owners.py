"""Menu entries made by an object that keeps their texts (and the windows they open)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction


def retranslate_owners(actions: Iterable[QAction], owner_type: type[QObject]) -> None:
    """Call retranslate() once on each distinct `owner_type` that owns one of `actions`
    (their parent), putting its entries in the language of the moment."""
    done: list[QObject] = []
    for action in actions:
        owner = action.parent()
        if isinstance(owner, owner_type) and owner not in done:
            owner.retranslate()  # type: ignore[attr-defined]
            done.append(owner)
