"""What the screen masks, for a room that can see it (workshop and presentation mode).

One `Masking` object per application (`masking()`), with a flag per kind of mask; the
widgets that show text or pictures from photos ask it, and repaint on `changed`. All
flags are off outside presentation mode unless the trainer turns them on.

Texts are masked where their values are known (a name, a serial, a position) and, as a
last safety net, in whole texts (`Masking.text`: the names known, anything that looks
like a coordinate or a folder). Pictures are masked before any view gets them: the
thumbnail and preview caches hand out faces pixelated (`mask_image`) while faces are
masked, and a photo whose faces were not checked is pixelated whole.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, fields, replace

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QAction, QImage, QPainter
from PySide6.QtWidgets import QMenu, QToolTip

from ..core import masking as core
from ..core.collection import Linked, PlaceName
from ..core.i18n import _
from ..core.kinds import KINDS
from ..core.messages import Message
from ..core.model import FaceBox, Kind, PhotoReport
from .owners import retranslate_owners

# a face's box grows by this share before it is pixelated (hair, ears, chin), and is
# pixelated into this many blocks across
FACE_GROW = 0.35
FACE_BLOCKS = 7
# a photo whose faces were not checked is pixelated whole, this many blocks across its
# longest side
WHOLE_BLOCKS = 16

# what the caches need to mask a photo's faces: its faces and the size their boxes are
# in (the full-size, orientation-corrected photo); None: not known (faces not checked)
FaceInfo = tuple[Sequence[FaceBox], tuple[int, int]]
FacesFor = Callable[[str], "FaceInfo | None"]


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


MASK_NAMES = tuple(f.name for f in fields(Masks))  # "faces", "names"...


class Masking(QObject):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._masks = Masks()
        # the words of every name the photos checked give (owners, people named): the
        # net masks them in any text while names are masked (a folder "Anna's photos",
        # a camera "Anna's iPhone"). In memory only, forgotten with the results.
        self._names: frozenset[str] = frozenset()

    def learn_names(self, names: Iterable[str]) -> None:
        """Names the photos give (as they are checked); while names are masked, what is
        shown is shown again when one is new."""
        words = core.name_words(names)
        if not words <= self._names:
            self._names = self._names | words
            if self._masks.names:
                self.changed.emit()

    def forget_names(self) -> None:
        self._names = frozenset()

    @property
    def known_names(self) -> frozenset[str]:
        return self._names

    @property
    def masks(self) -> Masks:
        return self._masks

    def set_masks(self, masks: Masks) -> None:
        if masks != self._masks:
            more = any(getattr(masks, n) and not getattr(self._masks, n) for n in MASK_NAMES)
            self._masks = masks
            if more:  # a tooltip shown now may quote what is masked from now on
                QToolTip.hideText()
            self.changed.emit()

    def set_mask(self, name: str, on: bool) -> None:
        """Turn one mask ("faces", "names", "serials", "places", "paths") on or off."""
        self.set_masks(replace(self._masks, **{name: on}))

    # -- text, as the widgets show it ------------------------------------------------------

    def name(self, text: str) -> str:
        return core.mask_name(text) if self._masks.names else text

    def serial(self, text: str) -> str:
        return core.mask_serial(text) if self._masks.serials else text

    def path(self, text: str) -> str:
        return core.mask_path(text) if self._masks.paths else text

    def coordinates(self, text: str) -> str:
        return core.mask_coordinates_in(text) if self._masks.places else text

    def position(self, lat: float, lon: float) -> tuple[float, float]:
        """Where to show a position: rounded to ~10 km while places are masked."""
        return core.mask_position(lat, lon) if self._masks.places else (lat, lon)

    def place(self, name: PlaceName) -> Message:
        """A place's name: to the town while places are masked ("near Utrecht")."""
        return name.city_level() if self._masks.places else name.message()

    def linked_value(self, item: Linked, names: Iterable[str] = ()) -> str:
        """The value of an overview's item as it may be shown: a name or serial masked,
        and the names known masked in a camera's name ("Anna's iPhone")."""
        if item.kind in ("owner", "person"):
            return self.name(item.value)
        if item.kind in ("serial", "lens_serial", "unique_id"):
            return self.serial(item.value)  # (an ID shared by files links them too)
        return self.text(item.value, names)

    def linked(self, item: Linked, names: Iterable[str] = ()) -> Linked:
        """The item with its value as it may be shown (`linked_value`)."""
        value = self.linked_value(item, names)
        return item if value == item.value else replace(item, value=value)

    def text(self, text: str, names: Iterable[str] = (), folders: Iterable[str] = ()) -> str:
        """The safety net for a whole text that may quote what is masked: the `names`
        given and those the photos gave (`learn_names`), anything that looks like a
        coordinate, the `folders` given and anything that looks like a folder, each
        while its mask is on."""
        m = self._masks
        if m.names:
            # (one pattern while the names given are among those learnt: the usual case)
            words = core.name_words(names)
            text = core.mask_names_in_words(
                text, self._names if words <= self._names else self._names | words)
        if m.places:
            text = core.mask_coordinates_in(text)
        if m.paths:
            text = core.mask_paths_in(text, folders)
        return text

    def hides_free_text(self) -> bool:
        """Texts written into a file (descriptions, keywords) may name people and
        places: they are not shown while names or places are masked."""
        return self._masks.names or self._masks.places


def hidden_text() -> str:
    """What stands for a text written into the file while it is hidden."""
    return _("text written into the file (hidden on screen)")


def hidden_place() -> str:
    """What stands for a place's name (an address, a street) finer than a town."""
    return _("a place's name (hidden on screen)")


def hidden_folder() -> str:
    """What the list's Folder column says while paths are masked."""
    return _("(hidden)")


def report_names(report: PhotoReport) -> list[str]:
    """The names a photo's metadata gives (owner, people named): the names the safety
    net masks in its other texts (its file name, a camera called "Anna's iPhone")."""
    out: list[str] = []
    for f in report.findings:
        if f.kind in (Kind.OWNER_NAME, Kind.PEOPLE_NAMED):
            values = f.value.get(KINDS[f.kind].value_key) or []
            out += [str(v) for v in values] if isinstance(values, list) else [str(values)]
    return out


def face_info(report: PhotoReport | None) -> FaceInfo | None:
    """A photo's faces for masking them, or None when they are not known: not checked
    (turned off, no detector, failed), or boxes without the size they are in."""
    if report is None or report.error is not None:
        return None
    if any(m.code.startswith("faces.") for m in report.not_checked):
        return None
    size = (report.width or 0, report.height or 0)
    if report.faces and not (size[0] and size[1]):
        return None
    return tuple(report.faces), size


# -- pictures -------------------------------------------------------------------------------

def _format_of(image: QImage) -> QImage.Format:
    return (QImage.Format.Format_ARGB32_Premultiplied if image.hasAlphaChannel()
            else QImage.Format.Format_RGB32)


def _pixelate(out: QImage, painter: QPainter, rect: QRect, blocks: int) -> None:
    """Pixelate `rect` of `out` into `blocks` blocks across its longest side (each the
    mean of its pixels, at least 2 pixels wide)."""
    if rect.isEmpty():
        return
    block = max(2, math.ceil(max(rect.width(), rect.height()) / blocks))
    bx, by = math.ceil(rect.width() / block), math.ceil(rect.height() / block)
    region = out.copy(rect)
    small = region.scaled(bx, by, Qt.AspectRatioMode.IgnoreAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
    big = small.scaled(bx * block, by * block, Qt.AspectRatioMode.IgnoreAspectRatio,
                       Qt.TransformationMode.FastTransformation)
    painter.save()
    painter.setClipRect(rect)
    painter.drawImage(rect.topLeft(), big)
    painter.restore()


def face_rect(face: FaceBox, full: tuple[int, int], size: tuple[int, int]) -> QRect:
    """The part of an image of `size` pixelated for `face` (in `full`-size pixels):
    its box grown by FACE_GROW, scaled to the image, within it."""
    sx, sy = size[0] / full[0], size[1] / full[1]
    cx, cy = (face.x + face.w / 2) * sx, (face.y + face.h / 2) * sy
    half_w, half_h = face.w * sx * (1 + FACE_GROW) / 2, face.h * sy * (1 + FACE_GROW) / 2
    left, top = max(0, math.floor(cx - half_w)), max(0, math.floor(cy - half_h))
    right = min(size[0], math.ceil(cx + half_w))
    bottom = min(size[1], math.ceil(cy + half_h))
    return QRect(left, top, max(0, right - left), max(0, bottom - top))


def pixelate_faces(image: QImage, faces: Sequence[FaceBox], full: tuple[int, int]) -> QImage:
    """A copy of `image` with each face (boxes in `full`-size, orientation-corrected
    pixels) pixelated strongly: its box grown by FACE_GROW, FACE_BLOCKS blocks across.
    The rest of the picture is unchanged (pixel for pixel)."""
    # (painted in pixels: a thumbnail made for a high-density screen is painted at
    # its device pixel ratio once it is done)
    out = image.convertToFormat(_format_of(image))
    out.setDevicePixelRatio(1.0)
    if faces and full[0] > 0 and full[1] > 0 and not out.isNull():
        painter = QPainter(out)
        try:
            for face in faces:
                rect = face_rect(face, full, (out.width(), out.height()))
                _pixelate(out, painter, rect, FACE_BLOCKS)
        finally:
            painter.end()
    out.setDevicePixelRatio(image.devicePixelRatio())
    return out


def pixelate_all(image: QImage) -> QImage:
    """A copy of `image` pixelated whole (WHOLE_BLOCKS across): for a photo whose faces
    are not known."""
    out = image.convertToFormat(_format_of(image))
    out.setDevicePixelRatio(1.0)  # (painted in pixels, as in pixelate_faces)
    if not out.isNull():
        painter = QPainter(out)
        try:
            _pixelate(out, painter, QRect(0, 0, out.width(), out.height()), WHOLE_BLOCKS)
        finally:
            painter.end()
    out.setDevicePixelRatio(image.devicePixelRatio())
    return out


def mask_image(image: QImage, faces: FaceInfo | None) -> QImage:
    """The picture to show while faces are masked: its faces pixelated, or all of it
    when its faces are not known (`faces` None)."""
    if faces is None:
        return pixelate_all(image)
    return pixelate_faces(image, faces[0], faces[1])


# -- the menu -------------------------------------------------------------------------------

def mask_label(name: str) -> str:
    """A mask's name in the menu."""
    return {"faces": _("&Faces"), "names": _("&Names"), "serials": _("&Serial numbers"),
            "places": _("&Places and positions"), "paths": _("F&olders and paths")}[name]


def mask_tip(name: str) -> str:
    return {"faces": _("Pixelate the faces in thumbnails and previews"),
            "names": _("Show names partly: A*** de V****"),
            "serials": _("Show only the last characters of serial numbers"),
            "places": _("Round positions to about 10 km and name places only to the town"),
            "paths": _("Show file names without their folders")}[name]


class MaskActions(QObject):
    """The "Mask on screen" submenu: a checkable action per mask, bound to masking()."""

    def __init__(self, menu: QMenu) -> None:
        super().__init__(menu)
        self.menu = menu.addMenu("")
        self.actions: dict[str, QAction] = {}
        for name in MASK_NAMES:
            action = QAction(self)
            action.setCheckable(True)
            action.setData(name)
            action.toggled.connect(lambda on, n=name: masking().set_mask(n, on))
            self.menu.addAction(action)
            self.actions[name] = action
        masking().changed.connect(self._follow)
        self._follow()
        self.retranslate()

    def _follow(self) -> None:
        masks = masking().masks
        for name, action in self.actions.items():
            if action.isChecked() != getattr(masks, name):
                action.blockSignals(True)
                action.setChecked(getattr(masks, name))
                action.blockSignals(False)

    def retranslate(self) -> None:
        self.menu.setTitle(_("&Mask on screen"))
        self.menu.menuAction().setToolTip(_("Hide what identifies people when others can "
                                            "see the screen"))
        for name, action in self.actions.items():
            action.setText(mask_label(name))
            action.setToolTip(mask_tip(name))
            action.setStatusTip(mask_tip(name))


def add_mask_actions(menu: QMenu) -> list[QAction]:
    """Add the "Mask on screen" submenu to `menu`, with a checkable action per mask
    (faces, names, serial numbers, places, paths) that follows and sets masking().
    Returns the actions, for retranslate_mask_actions()."""
    return list(MaskActions(menu).actions.values())


def retranslate_mask_actions(actions: Collection[QAction]) -> None:
    """Put the submenu made by add_mask_actions() in the language of the moment."""
    retranslate_owners(actions, MaskActions)


_instance: Masking | None = None


def masking() -> Masking:
    """The application's one Masking (made on first use, in the GUI thread)."""
    global _instance
    if _instance is None:
        _instance = Masking()
    return _instance
