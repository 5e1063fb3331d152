"""Thumbnails and previews: decoded lazily off the GUI thread by the core, kept in a
bounded cache (least recently used first out).

While faces are masked (gui/masking.py) the cache hands out only masked pictures: each
is pixelated before it is first handed to a view, and kept apart from the pictures as
decoded, so a view never gets an unmasked picture, not even while one loads or just
after the masks change."""

from __future__ import annotations

import traceback
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage

from ..core.engine.previews import PreviewError, PreviewService
from ..core.model import DisplayHint, FaceBox
from .masking import FacesFor, mask_image, masking, pixelate_faces

# what the scan learnt about showing a photo (its orientation, a RAW's embedded JPEG),
# so that its metadata is not read again for a thumbnail
HintFor = Callable[[str], "DisplayHint | None"]


def to_qimage(width: int, height: int, rgb: bytes) -> QImage:
    image = QImage(rgb, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: `rgb` goes away


class _Signals(QObject):
    done = Signal(str, int, object, object)  # path, side, QImage or None, turned faces


class _Render(QRunnable):
    def __init__(self, path: str, side: int, signals: _Signals,
                 service: PreviewService, hint: DisplayHint | None, look: bool) -> None:
        super().__init__()
        self.path, self.side, self.signals, self.service = path, side, signals, service
        self.hint = hint
        self.look = look  # also look for faces lying on their side (faces are masked)

    def run(self) -> None:
        # decoded in the core's helper process: a hostile file cannot take the window down
        turned = None
        try:
            if self.look:
                width, height, rgb, turned = self.service.render_looking(
                    self.path, self.side, self.hint)
                image: QImage | None = to_qimage(width, height, rgb)
            else:
                image = to_qimage(*self.service.render(self.path, self.side, self.hint))
        except PreviewError:
            image = None
        except Exception:  # (a helper that cannot start): no picture, the window goes on
            traceback.print_exc()
            image = None
        self.signals.done.emit(self.path, self.side, image, turned)


class ImageCache(QObject):
    """`get(path)` answers at once from the cache, or None and starts decoding; `ready`
    tells when it is there. Only photos the scan could read are asked for."""

    ready = Signal(str)
    failed = Signal(str)

    def __init__(self, side: int, capacity: int, pool: QThreadPool, service: PreviewService,
                 parent: QObject | None = None, pixel_ratio: float = 1.0,
                 hint_for: HintFor | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._hint_for = hint_for or (lambda path: None)
        self.side = side
        self.pixel_ratio = pixel_ratio
        self.capacity = capacity
        self._pool = pool
        self._images: OrderedDict[str, QImage] = OrderedDict()  # as decoded
        # the same pictures with their faces masked, made when first asked for while
        # faces are masked (emptied when the masks change)
        self._masked: dict[str, QImage] = {}
        # a photo's faces, to mask them (None, or a photo it does not know: the
        # picture is pixelated whole while faces are masked)
        self.faces_for: FacesFor | None = None
        self._pending: set[str] = set()
        self._failed: set[str] = set()
        # faces lying on their side or upside down, found in the pictures decoded while
        # faces were masked (boxes in the picture's coordinates); a picture not looked at
        # so is decoded again before it is shown masked
        self._turned: dict[str, list[tuple[int, int, int, int]]] = {}
        self._signals = _Signals(self)
        self._signals.done.connect(self._done)
        masking().changed.connect(self._masks_changed)

    def get(self, path: str) -> QImage | None:
        """The picture to show (masked while faces are masked), or None while it is
        decoded."""
        image = self._images.get(path)
        if image is not None:
            self._images.move_to_end(path)
            if (masking().masks.faces and path not in self._turned
                    and path not in self._pending):
                # decoded before faces were masked: shown with the scan's faces masked
                # now, and decoded again to look for faces lying on their side too
                self._pending.add(path)
                self._pool.start(_Render(path, self.side, self._signals, self._service,
                                         self._hint_for(path), True))
            return self._shown(path, image)
        if path not in self._pending and path not in self._failed:
            self._pending.add(path)
            self._pool.start(_Render(path, self.side, self._signals, self._service,
                                     self._hint_for(path), masking().masks.faces))
        return None

    def _shown(self, path: str, image: QImage) -> QImage:
        if not masking().masks.faces:
            return image
        masked = self._masked.get(path)
        if masked is None:
            faces = self.faces_for(path) if self.faces_for is not None else None
            masked = mask_image(image, faces)
            turned = self._turned.get(path)
            if turned and faces is not None:  # (a picture pixelated whole needs none)
                boxes = [FaceBox(x, y, w, h, 1.0) for x, y, w, h in turned]
                masked = pixelate_faces(masked, boxes, (image.width(), image.height()))
            self._masked[path] = masked
        return masked

    def _masks_changed(self) -> None:
        self.forget_masked()

    def forget_masked(self, path: str | None = None) -> None:
        """Make the masked picture of `path` (None: of every photo) again when next
        asked for (its faces became known)."""
        if path is None:
            self._masked.clear()
        else:
            self._masked.pop(path, None)

    @property
    def pending(self) -> int:
        """Pictures being decoded now."""
        return len(self._pending)

    def has_failed(self, path: str) -> bool:
        return path in self._failed

    def clear(self) -> None:
        self._images.clear()
        self._masked.clear()
        self._failed.clear()
        self._turned.clear()

    def __len__(self) -> int:
        return len(self._images)

    def _done(self, path: str, side: int, image: QImage | None,
              turned: list[tuple[int, int, int, int]] | None = None) -> None:
        self._pending.discard(path)
        if turned is not None:
            self._turned[path] = turned
        else:
            self._turned.pop(path, None)
        if image is None:
            self._failed.add(path)
            self.failed.emit(path)
            return
        image.setDevicePixelRatio(self.pixel_ratio)
        self._images[path] = image
        self._masked.pop(path, None)
        while len(self._images) > self.capacity:
            old, _image = self._images.popitem(last=False)
            self._masked.pop(old, None)
            self._turned.pop(old, None)
        self.ready.emit(path)
