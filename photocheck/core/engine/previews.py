"""Previews (thumbnails) of photos for the front ends, rendered in a helper process so
that a decoder crash or hang on a hostile file costs that preview, never the window."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
from multiprocessing.connection import Connection
from typing import Any

from ..messages import MessageError, msg
from ..model import DisplayHint
from ..photo import PhotoError, render_preview
from .pool import MEMORY_LIMIT, limit_memory, quiet_worker, tasks

Box = tuple[int, int, int, int]


def _turned(width: int, height: int, rgb: bytes, detector: Any) -> list[Box]:
    """Faces lying on their side or upside down in a rendered preview (none without a
    detector)."""
    if detector is None:
        return []
    from PIL import Image

    from ..faces.detect import turned_faces

    return turned_faces(Image.frombytes("RGB", (width, height), rgb), detector)


def _preview_main(conn: Connection) -> None:
    quiet_worker()
    limit_memory(MEMORY_LIMIT)
    detector: Any = None
    for task in tasks(conn):
        path, side, hint = task[:3]
        look = len(task) > 3 and bool(task[3])
        try:
            width, height, rgb = render_preview(path, side, hint)
            if look and detector is None:
                from ..faces import load_detector

                detector = load_detector()[0]
            boxes = _turned(width, height, rgb, detector) if look else []
            conn.send(("ok", (width, height, rgb, boxes)))
        except PhotoError as exc:
            conn.send(("error", exc.message))
        except (OSError, ValueError) as exc:
            conn.send(("error", msg("file.cannot_read", reason=str(exc))))
        except MemoryError:
            conn.send(("error", msg("file.too_large")))
        except Exception as exc:  # the caller must always get an answer
            conn.send(("error", msg("internal", reason=type(exc).__name__)))


class PreviewError(MessageError):
    """This photo's preview could not be made; `message` says why."""


class PreviewService:
    """Renders previews in a helper process. Not thread-safe: call it from one thread
    at a time."""

    def __init__(self, timeout: float = 20.0) -> None:
        self.timeout = timeout
        self._process: Any = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        if self._conn is None or self._process is None or not self._process.is_alive():
            self.close()
            ctx = mp.get_context("spawn")
            parent, child = ctx.Pipe(duplex=True)
            self._process = ctx.Process(target=_preview_main, args=(child,), daemon=True,
                                        name="photocheck-previews")
            self._process.start()
            child.close()
            self._conn = parent
        return self._conn

    def render(self, path: str, side: int,
               hint: DisplayHint | None = None) -> tuple[int, int, bytes]:
        """(width, height, RGB bytes) of the photo as displayed, long side <= `side`.
        With the scan's `hint`, the photo's metadata is not read again."""
        width, height, rgb, _boxes = self._ask((path, side, hint, False))
        return width, height, rgb

    def render_looking(self, path: str, side: int, hint: DisplayHint | None = None
                       ) -> tuple[int, int, bytes, list[Box]]:
        """`render`, and the faces in the preview that lie on their side or upside down
        (boxes in its coordinates; `faces.detect.turned_faces`), for a picture shown
        with its faces masked."""
        return self._ask((path, side, hint, True))

    def _ask(self, task: tuple[Any, ...]) -> tuple[int, int, bytes, list[Box]]:
        conn = self._start()
        try:
            conn.send(task)
            if conn.poll(self.timeout):
                status, value = conn.recv()
                if status == "ok":
                    return value  # type: ignore[no-any-return]
                raise PreviewError(value)
        except (EOFError, OSError):
            pass  # the helper died: it is replaced on the next call
        self.close()
        raise PreviewError(msg("preview.failed"))

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError, ValueError):
                self._conn.send(None)
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(timeout=1)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(timeout=5)
            self._process = None
