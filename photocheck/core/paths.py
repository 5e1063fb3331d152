"""Paths as people see them."""

from __future__ import annotations

import sys


def display_path(path: str) -> str:
    """A path that can be printed even when its name is not valid UTF-8."""
    return path.encode(sys.getfilesystemencoding(), "surrogateescape").decode(
        "utf-8", "replace")
