"""What the screen masks, for a room that can see it (workshop and presentation mode).

One `Masking` object per application (`masking()`), with a flag per kind of mask; the
widgets that show text or pictures from photos ask it, and repaint on `changed`. All
flags are off outside presentation mode unless the trainer turns them on.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QObject, Signal

from ..core import masking as core


@dataclass(frozen=True, slots=True)
class Masks:
    faces: bool = False  # faces in thumbnails and previews pixelated
    names: bool = False  # names partly hidden: "A*** de V****"
    serials: bool = False  # serial numbers: "...4681"
    places: bool = False  # positions rounded to ~10 km, places named to the town
    paths: bool = False  # paths down to the file name

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @classmethod
    def all_on(cls) -> Masks:
        return cls(True, True, True, True, True)


class Masking(QObject):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._masks = Masks()

    @property
    def masks(self) -> Masks:
        return self._masks

    def set_masks(self, masks: Masks) -> None:
        if masks != self._masks:
            self._masks = masks
            self.changed.emit()

    # -- text, as the widgets show it ------------------------------------------------------

    def name(self, text: str) -> str:
        return core.mask_name(text) if self._masks.names else text

    def serial(self, text: str) -> str:
        return core.mask_serial(text) if self._masks.serials else text

    def path(self, text: str) -> str:
        return core.mask_path(text) if self._masks.paths else text

    def coordinates(self, text: str) -> str:
        return core.mask_coordinates_in(text) if self._masks.places else text


_instance: Masking | None = None


def masking() -> Masking:
    """The application's one Masking (made on first use, in the GUI thread)."""
    global _instance
    if _instance is None:
        _instance = Masking()
    return _instance
