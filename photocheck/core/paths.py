"""Paths as people see them."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path


def display_path(path: str) -> str:
    """A path that can be printed even when its name is not valid UTF-8."""
    return path.encode(sys.getfilesystemencoding(), "surrogateescape").decode(
        "utf-8", "replace")


def escape_table(named: Mapping[int, str] | None = None) -> dict[int, str]:
    """A str.translate() table for text that came from a file (a path, a name, a value),
    shown where its characters could do harm: the C0 controls (ESC, BEL, line breaks...),
    DEL and the C1 controls (U+0080-U+009F, which some terminals take as CSI/OSC) as
    "\\x1b" (or as given in `named`: "\\n"); line and paragraph separators and the
    bidirectional marks, embeddings, overrides and isolates, which reorder what is shown
    (a name that reads "gpj.exe" as "exe.jpg"), as "\\u202e"; lone surrogates as "\\udcxx",
    except on POSIX U+DC80-U+DCFF, which stand for the bytes of a name that is not valid
    UTF-8 (os.fsdecode): shown as those bytes, "\\xe9"."""
    named = named or {}
    table: dict[int, str] = {}
    for cp in (*range(0x20), *range(0x7F, 0xA0)):
        table[cp] = named.get(cp, f"\\x{cp:02x}")
    for cp in (0x2028, 0x2029, 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
               *range(0x2066, 0x206A)):
        table[cp] = f"\\u{cp:04x}"
    for cp in range(0xD800, 0xE000):
        byte = os.name != "nt" and 0xDC80 <= cp <= 0xDCFF
        table[cp] = f"\\x{cp - 0xDC00:02x}" if byte else f"\\u{cp:04x}"
    return table


def save_text(text: str, path: str | os.PathLike[str], *, replace: bool) -> None:
    """Write `text` to `path` as UTF-8, exactly as given (no newline translation), into a
    temporary file next to it first, so that a failed write leaves no half file; readable
    by its owner only (where the system has such rights: a letter or a report says
    private things). `replace`: over an existing file (one the user chose to replace);
    otherwise never over any file, also one that appeared meanwhile (FileExistsError).
    Raises OSError."""
    target = Path(path)
    if not replace and os.path.lexists(target):
        raise FileExistsError(17, os.strerror(17), str(target))
    fd, tmp = tempfile.mkstemp(prefix=".photocheck-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, target)
            return
        try:
            os.link(tmp, target)  # fails if the target appeared meanwhile
        except FileExistsError:
            raise
        except OSError:  # no hard links here (some shared drives): exclusive create
            with open(target, "x", encoding="utf-8", newline="") as f:
                f.write(text)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # (gone already when it replaced the target)
