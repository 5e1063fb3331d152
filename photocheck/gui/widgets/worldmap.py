"""The map: the countries, drawn offline from the outlines the core ships
(core/collection/worldmap.py), and the places where photos were taken as dots sized by
their number of photos. Wheel, +/- and the buttons zoom (down to a town), dragging
moves it, a click on a dot shows that place's photos (`placeChosen`), hovering one says
what it is.

Drawing stays cheap whatever the numbers: the outlines are QPainterPaths made once per
level of detail (off the GUI thread) in pieces, of which only those in view are drawn;
the dots are a handful of point lists in map coordinates, one per size and colour, each
mapped to the screen and drawn by one call, so no frame loops in Python over the
places. What is drawn is kept as a picture a margin larger than the view: moving the
map moves the picture, zooming scales it, and the map is drawn anew once the view
stops changing (or at once where the picture does not cover the view). The projection
is equirectangular: a degree is as wide as it is high; the map repeats east and west
so it can be moved round.
"""

from __future__ import annotations

import contextlib
import logging
import math
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    QPointF,
    QRectF,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
    QShowEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QLabel, QToolButton, QToolTip, QWidget

from ...core.collection import Place, PlaceName
from ...core.i18n import _, ngettext
from ..masking import masking

log = logging.getLogger(__name__)

SEA = QColor(198, 222, 240)
LAND = QColor(244, 241, 232)
BORDER = QColor(150, 150, 150)
DOT = QColor(211, 47, 47)  # as the "high" severity: a place gives a lot away
ROUTINE_DOT = QColor(123, 31, 162)  # a place that may be a home or a workplace
HALO = QColor(255, 255, 255)

# the outlines' detail (degrees) by the map's scale (pixels per degree): about a pixel
DETAIL = ((3.0, 0.5), (15.0, 0.1), (75.0, 0.02), (math.inf, 0.005))
MAX_SCALE = 12_000.0  # pixels per degree: a town's streets are a few pixels apart
FIT_SCALE = 400.0  # fitting the places never zooms in closer than this
# the outlines are cut into pieces (of this many degrees) by where their rings lie: the
# finer the detail, the closer the view and the smaller the pieces
BUCKET_DEG = {0.5: 360.0, 0.1: 30.0, 0.02: 10.0, 0.005: 5.0}
LABELS = 12  # names written on the map, at most
DOT_CELL_DEG = 10.0  # the dots are kept in cells this large, to draw only those in view
IDLE_MS = 150  # the map is drawn anew this long after the view last changed


def detail_for(scale: float) -> float:
    return next(tolerance for limit, tolerance in DETAIL if scale <= limit)


Pieces = list[tuple[QRectF, QPainterPath]]  # a piece's bounds (map coordinates), its path


def build_pieces(tolerance: float) -> Pieces:
    """The countries at `tolerance` as paths in map coordinates (x: longitude, y: minus
    the latitude), cut into pieces (BUCKET_DEG) by where each ring lies."""
    from ...core.collection.worldmap import outlines

    size = BUCKET_DEG.get(tolerance, 10.0)
    buckets: dict[tuple[int, int], tuple[QPainterPath, list[float]]] = {}
    for ring in outlines(tolerance):
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        key = (math.floor((min(xs) + max(xs)) / 2 / size),
               math.floor((min(ys) + max(ys)) / 2 / size))
        entry = buckets.get(key)
        if entry is None:
            entry = buckets[key] = (QPainterPath(), [math.inf, math.inf, -math.inf,
                                                     -math.inf])
        path, box = entry
        path.addPolygon(QPolygonF([QPointF(x, -y) for x, y in ring]))
        path.closeSubpath()
        box[0], box[1] = min(box[0], min(xs)), min(box[1], -max(ys))
        box[2], box[3] = max(box[2], max(xs)), max(box[3], -min(ys))
    return [(QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1]), path)
            for path, box in buckets.values()]


class _Signals(QObject):
    built = Signal(float, object)  # tolerance, Pieces


class _Build(QRunnable):
    def __init__(self, tolerance: float, signals: _Signals) -> None:
        super().__init__()
        self.tolerance, self.signals = tolerance, signals

    def run(self) -> None:
        try:
            pieces: Pieces | None = build_pieces(self.tolerance)
        except Exception:  # the map then shows the sea and the dots
            traceback.print_exc()
            pieces = None
        with contextlib.suppress(RuntimeError):  # (the app is closing: no one waits)
            self.signals.built.emit(self.tolerance, pieces)


class Outlines(QObject):
    """The countries' pieces per detail, made once (in the background) for every map."""

    ready = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.pieces: dict[float, Pieces] = {}
        self._asked: set[float] = set()
        self._signals = _Signals()
        self._signals.built.connect(self._built)

    def get(self, tolerance: float) -> Pieces | None:
        """The pieces at `tolerance`, or None (then they are being made: `ready`)."""
        found = self.pieces.get(tolerance)
        if found is None and tolerance not in self._asked:
            self._asked.add(tolerance)
            QThreadPool.globalInstance().start(_Build(tolerance, self._signals))
        return found

    def _built(self, tolerance: float, pieces: Pieces | None) -> None:
        if pieces is not None:
            self.pieces[tolerance] = pieces
            self.ready.emit(tolerance)


_outlines: Outlines | None = None


def shared_outlines() -> Outlines:
    global _outlines
    if _outlines is None:
        _outlines = Outlines()
    return _outlines


def place_title(place: Place, name: PlaceName | None) -> str:
    """"12 photos in Utrecht, Netherlands" (only to the town while places are masked)."""
    where = (masking().place(name).text() if name is not None
             else _("(the name is being looked up)"))
    return ngettext("{n} photo {place}", "{n} photos {place}", place.count).format(
        n=place.count, place=where)


def shown_position(place: Place) -> tuple[float, float]:
    """Where a place's dot is drawn, (lon, lat): rounded to ~10 km while places are
    masked."""
    lat, lon = masking().position(place.lat, place.lon)
    return lon, lat


def short_name(name: PlaceName | None) -> str:
    if name is None:
        return ""
    return name.city or name.country or name.sea or ""


@dataclass(slots=True)
class _Drawn:
    """The view a layer was drawn for: its middle, scale and margins, the widget's size,
    and whether it has changed since (places, outlines)."""

    lon: float
    lat: float
    scale: float
    mx: int
    my: int
    size: QSize
    stale: bool = False


class WorldMap(QWidget):
    """`set_places()` shows places; `placeChosen(place)` when one is clicked."""

    placeChosen = Signal(object)  # Place
    outlinesShown = Signal(float)  # the outlines at this detail are now drawn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setMinimumSize(QSize(200, 150))
        self.places: tuple[Place, ...] = ()
        self.namer: Callable[[Place], PlaceName | None] = lambda place: None
        # the dots: diameter, colour, and the points (map coordinates) by cell
        self._dots: list[tuple[int, QColor, list[tuple[QRectF, QPolygonF]]]] | None = None
        self._sprites: dict[tuple[int, int, float], QImage] = {}  # a dot, drawn once
        self._hits: list[tuple[float, float, float, Place]] = []  # lon, lat, radius, place
        self.centre = (0.0, 20.0)  # longitude, latitude in the middle of the view
        self.scale = 0.0  # pixels per degree (0: not set yet, fit when shown)
        self.moved = False  # the user zoomed or moved: the view is no longer fitted
        self._fitted = False  # (fitted again when next drawn)
        self._press: QPoint | None = None
        self._layer: QImage | None = None  # the map as last drawn, and for which view
        self._layer_view: _Drawn | None = None
        self._idle = QTimer(self)  # the map is drawn anew once the view stops changing
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_MS)
        self._idle.timeout.connect(self._redraw)
        self._dragging = False
        self._outlines = shared_outlines()
        self._outlines.ready.connect(self._outlines_ready)
        self.zoom_in_button = self._button("+", lambda: self.zoom_by(2.0))
        self.zoom_out_button = self._button("\u2212", lambda: self.zoom_by(0.5))
        self.fit_button = self._button("", self.fit)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setAutoFillBackground(True)
        self.hint.setMargin(4)
        palette = self.hint.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(255, 255, 255, 215))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(20, 20, 20))
        self.hint.setPalette(palette)
        # the dots moved (rounded or not) at once when what the screen masks changes
        masking().changed.connect(self._masks_changed)
        self.retranslate()

    def _masks_changed(self) -> None:
        """The dots where they are now to be shown, drawn before the next frame (never
        the picture drawn before)."""
        QToolTip.hideText()
        self._dots = None
        self._layer = self._layer_view = None
        if not self.moved:
            self._fitted = False
        self.update()

    def _button(self, text: str, slot: Callable[[], None]) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys work on the map itself
        button.clicked.connect(slot)
        return button

    def retranslate(self) -> None:
        self.setAccessibleName(_("Map of the places where photos were taken"))
        self.zoom_in_button.setToolTip(_("Zoom in (+)"))
        self.zoom_out_button.setToolTip(_("Zoom out (-)"))
        self.fit_button.setText(_("All places"))
        self.fit_button.setToolTip(_("Show all places (Home)"))
        self._update_hint()
        self._place_overlays()

    def _update_hint(self) -> None:
        if not self.places:
            text = _("No photo holds an exact position (GPS): there is no place to show.")
        else:
            text = ngettext(
                "{n} place. Larger dots: more photos; purple: a possible home or "
                "workplace. Click a dot to see its photos; drag to move, scroll to zoom.",
                "{n} places. Larger dots: more photos; purple: a possible home or "
                "workplace. Click a dot to see its photos; drag to move, scroll to zoom.",
                len(self.places)).format(n=len(self.places))
        self.hint.setText(text)
        self._place_overlays()

    # -- places ------------------------------------------------------------------------------

    def set_places(self, places: tuple[Place, ...]) -> None:
        """Show these places (an overview's: the most photos first)."""
        if places is self.places:
            return
        fewer = not self.places
        self.places = places
        self._dots = None
        self._stale()
        self._update_hint()
        if fewer or not self.moved:
            self._fitted = False
        self.update()

    def dot_size(self, count: int) -> int:
        """A dot's diameter in pixels: larger with the photos, on a log scale, and with
        the text's size (zoomed text, larger dots)."""
        base = max(6.0, QFontMetrics(self.font()).height() * 0.45)
        return round(base * (1.0 + 0.6 * math.log10(max(1, count))))

    def _ensure_dots(self) -> None:
        if self._dots is not None:
            return
        # by size and colour, and by cell (DOT_CELL_DEG): only the cells in view are drawn
        groups: dict[tuple[int, bool], dict[tuple[int, int], list[QPointF]]] = {}
        hits = []
        sizes: dict[int, int] = {}
        for place in self.places:
            d = sizes.get(place.count)
            if d is None:
                d = sizes[place.count] = self.dot_size(place.count)
            routine = place.routine is not None
            lon, lat = shown_position(place)
            cell = (math.floor(lon / DOT_CELL_DEG), math.floor(lat / DOT_CELL_DEG))
            groups.setdefault((d, routine), {}).setdefault(cell, []).append(
                QPointF(lon, -lat))
            hits.append((lon, lat, d / 2.0, place))
        # the largest first, the possible homes and workplaces last: small dots stay seen
        self._dots = []
        for d, routine in sorted(groups, key=lambda k: (k[1], -k[0])):
            cells = []
            for (x, y), points in groups[(d, routine)].items():
                # the cell's bounds (map coordinates) with room for the dots' size
                bounds = QRectF(x * DOT_CELL_DEG, -(y + 1) * DOT_CELL_DEG, DOT_CELL_DEG,
                                DOT_CELL_DEG).adjusted(-1, -1, 1, 1)
                cells.append((bounds, QPolygonF(points)))
            self._dots.append((d, ROUTINE_DOT if routine else DOT, cells))
        self._hits = hits

    # -- the view ----------------------------------------------------------------------------

    def min_scale(self) -> float:
        return max(0.1, min(self.width() / 360.0, self.height() / 180.0) * 0.9)

    def _set_view(self, lon: float, lat: float, scale: float) -> None:
        self.scale = min(MAX_SCALE, max(self.min_scale(), scale))
        lon = (lon + 180.0) % 360.0 - 180.0
        # nothing beyond the poles in view, unless the whole height of the world is
        half = self.height() / 2 / self.scale
        lat = min(90.0 - half, max(-90.0 + half, lat)) if half <= 90.0 else 0.0
        self.centre = (lon, lat)
        self.update()

    def fit(self) -> None:
        """All places in view (the whole world without any)."""
        self.moved = False
        self._fitted = True
        if not self.places or self.width() < 10:
            self._set_view(0.0, 20.0, self.min_scale())
            return
        shown = [shown_position(p) for p in self.places]
        lons = [lon for lon, _lat in shown]
        lats = [lat for _lon, lat in shown]
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        span_x = max(east - west, 0.5) * 1.3
        span_y = max(north - south, 0.5) * 1.3
        scale = min(self.width() / span_x, self.height() / span_y, FIT_SCALE)
        self._set_view((west + east) / 2, (south + north) / 2, scale)

    def zoom_by(self, factor: float, at: QPointF | None = None) -> None:
        """Zoom by `factor` keeping the point `at` (the middle without one) in place."""
        if self.scale <= 0:
            self.fit()
        self.moved = True
        self._fitted = True
        old = self.scale
        new = min(MAX_SCALE, max(self.min_scale(), old * factor))
        if at is None:
            self._set_view(*self.centre, new)
            return
        lon, lat = self.to_map(at)
        dx, dy = at.x() - self.width() / 2, at.y() - self.height() / 2
        self._set_view(lon - dx / new, lat + dy / new, new)

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the map by (dx, dy) pixels."""
        self.moved = True
        self._fitted = True
        lon, lat = self.centre
        self._set_view(lon - dx / self.scale, lat + dy / self.scale, self.scale)

    def to_map(self, point: QPointF) -> tuple[float, float]:
        """The (lon, lat) under a point of the widget."""
        lon = self.centre[0] + (point.x() - self.width() / 2) / self.scale
        lat = self.centre[1] - (point.y() - self.height() / 2) / self.scale
        return lon, lat

    def to_screen(self, lon: float, lat: float) -> QPointF:
        """Where (lon, lat) is in the widget (the copy of the world nearest the middle)."""
        dlon = (lon - self.centre[0] + 180.0) % 360.0 - 180.0
        return QPointF(self.width() / 2 + dlon * self.scale,
                       self.height() / 2 + (self.centre[1] - lat) * self.scale)

    def _transform(self, copy: int, offset: QPointF) -> QTransform:
        """Map coordinates to the view's (moved by `offset`), for a copy of the world."""
        t = QTransform()
        t.translate(self.width() / 2 + offset.x(), self.height() / 2 + offset.y())
        t.scale(self.scale, self.scale)
        t.translate(-self.centre[0] + 360.0 * copy, self.centre[1])
        return t

    def _copies(self, width: float) -> range:
        """The copies of the world (east and west) seen on `width` pixels around the
        middle of the view."""
        half = width / 2 / self.scale
        west, east = self.centre[0] - half, self.centre[0] + half
        return range(math.floor((west + 180.0) / 360.0), math.floor((east + 180.0) / 360.0) + 1)

    def place_at(self, point: QPointF) -> Place | None:
        """The place whose dot is under `point` (the nearest, for its size)."""
        self._ensure_dots()
        lon, lat = self.to_map(point)
        s = self.scale
        best, found = math.inf, None
        for plon, plat, radius, place in self._hits:
            dx = ((plon - lon + 180.0) % 360.0 - 180.0) * s
            dy = (plat - lat) * s
            reach = radius + 3.0
            d2 = dx * dx + dy * dy
            if d2 <= reach * reach:
                score = math.sqrt(d2) / reach
                if score < best:
                    best, found = score, place
        return found

    def _outlines_ready(self, tolerance: float) -> None:
        if self.scale > 0 and tolerance == detail_for(self.scale):
            self._stale()

    def _stale(self) -> None:
        """What is drawn is out of date: drawn anew soon (not at once: places arrive
        while a scan runs)."""
        if self._layer_view is not None:
            self._layer_view.stale = True
        self.update()

    # -- Qt ----------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(640, 400)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            if not self._fitted or self.scale <= 0:
                self.fit()
            self._paint(painter)
        except Exception:  # a frame must never take the window down
            log.exception("the map could not be drawn")
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        """The drawn map (the layer) moved or scaled to the view; drawn again now where
        it does not cover the view, else once the view stops changing."""
        layer, view = self._layer, self._layer_view
        if layer is None or view is None or view.size != self.size():
            self.render_layer()
            layer, view = self._layer, self._layer_view
            assert layer is not None and view is not None
        s = self.scale
        # where the layer's middle is now, relative to the view's
        dx = ((view.lon - self.centre[0] + 180.0) % 360.0 - 180.0) * s
        dy = (self.centre[1] - view.lat) * s
        if view.scale == s:
            if abs(dx) > view.mx or abs(dy) > view.my:  # moved past what it holds
                self.render_layer()
                layer, view = self._layer, self._layer_view
                assert layer is not None and view is not None
                dx = dy = 0.0
            elif view.stale:
                self._idle.start()
            painter.drawImage(QPointF(dx - view.mx, dy - view.my), layer)
        else:  # zoomed: the layer scaled meanwhile (blurred or cut), drawn anew when idle
            painter.fillRect(self.rect(), SEA)
            f = s / view.scale
            middle = QPointF(self.width() / 2 + dx, self.height() / 2 + dy)
            width, height = layer.width() / layer.devicePixelRatio(), (
                layer.height() / layer.devicePixelRatio())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(middle.x() - width * f / 2, middle.y() - height * f / 2,
                                     width * f, height * f), layer)
            self._idle.start()
        self._paint_labels(painter)

    def _redraw(self) -> None:
        """(The view stopped changing) draw the map anew, if what is drawn is not it."""
        try:
            view = self._layer_view
            if view is None or view.stale or view.scale != self.scale:
                self.render_layer()
                self.update()
        except Exception:
            log.exception("the map could not be drawn")

    def render_layer(self) -> None:
        """Draw the countries and the dots for the view, with a margin around it (moving
        the map by less than the margin only moves the picture)."""
        mx, my = self.width() // 4, self.height() // 4
        ratio = max(1.0, self.devicePixelRatioF())
        width, height = self.width() + 2 * mx, self.height() + 2 * my
        image = QImage(max(1, round(width * ratio)), max(1, round(height * ratio)),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        painter = QPainter(image)
        try:
            shown = self._draw(painter, QRectF(0, 0, width, height), QPointF(mx, my))
        finally:
            painter.end()
        self._layer = image
        self._layer_view = _Drawn(self.centre[0], self.centre[1], self.scale, mx, my,
                                  self.size())
        if shown is not None:
            self.outlinesShown.emit(shown)

    def _draw(self, painter: QPainter, area: QRectF, offset: QPointF) -> float | None:
        """The map on `area` (the view moved by `offset`); the outlines' detail drawn."""
        painter.fillRect(area, SEA)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        wanted = detail_for(self.scale)
        pieces = self._outlines.get(wanted)
        shown: float | None = wanted if pieces is not None else None
        made = self._outlines.pieces
        if pieces is None and made:  # the nearest detail made, until this one is
            shown = min(made, key=lambda t: abs(math.log(t / wanted)))
            pieces = made[shown]
        copies = self._copies(area.width())
        pen = QPen(BORDER)
        pen.setCosmetic(True)
        pen.setWidthF(1.0)
        painter.setPen(pen)
        painter.setBrush(LAND)
        for copy in copies:
            transform = self._transform(copy, offset)
            painter.setTransform(transform)
            seen = transform.inverted()[0].mapRect(area)
            for bounds, path in pieces or ():
                if bounds.intersects(seen):
                    painter.drawPath(path)
        painter.resetTransform()
        # off the globe (north of the north pole, south of the south pole): not sea
        colour = self.palette().color(QPalette.ColorRole.Window)
        top = self.to_screen(0.0, 90.0).y() + offset.y()
        bottom = self.to_screen(0.0, -90.0).y() + offset.y()
        if top > 0:
            painter.fillRect(QRectF(0, 0, area.width(), top), colour)
        if bottom < area.height():
            painter.fillRect(QRectF(0, bottom, area.width(), area.height() - bottom), colour)
        self._ensure_dots()
        assert self._dots is not None
        ratio = painter.device().devicePixelRatioF()
        for copy in copies:
            transform = self._transform(copy, offset)
            seen = transform.inverted()[0].mapRect(area)
            for d, colour, cells in self._dots:
                # each dot a copy of one small picture, at the place's pixel (mapped in
                # one call per cell): a third of the time antialiased round points take
                sprite = self._sprite(d, colour, ratio)
                half = sprite.width() / ratio / 2
                draw = painter.drawImage
                for bounds, points in cells:
                    if bounds.intersects(seen):
                        for point in transform.map(points).toList():
                            draw(QPointF(round(point.x() - half), round(point.y() - half)),
                                 sprite)
        return shown

    def _sprite(self, d: int, colour: QColor, ratio: float) -> QImage:
        """A dot of diameter `d` (pixels) with a white rim, for a device `ratio`."""
        key = (d, colour.rgba(), ratio)
        sprite = self._sprites.get(key)
        if sprite is None:
            side = d + 4
            sprite = QImage(max(1, math.ceil(side * ratio)), max(1, math.ceil(side * ratio)),
                            QImage.Format.Format_ARGB32_Premultiplied)
            sprite.setDevicePixelRatio(ratio)
            sprite.fill(Qt.GlobalColor.transparent)
            painter = QPainter(sprite)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(HALO, 1.5))
            painter.setBrush(colour)
            painter.drawEllipse(QRectF(1.0, 1.0, side - 2.0, side - 2.0))
            painter.end()
            self._sprites[key] = sprite
        return sprite

    def _paint_labels(self, painter: QPainter) -> None:
        """The names of the largest named places in view, where they do not overlap."""
        metrics = QFontMetrics(self.font())
        taken: list[QRectF] = []
        area = QRectF(self.rect())
        for place in self.places[:50]:
            if len(taken) >= LABELS:
                break
            name = short_name(place.name)
            if not name:
                continue
            at = self.to_screen(*shown_position(place))
            if not area.contains(at):
                continue
            text = f"{name} ({place.count})"
            r = self.dot_size(place.count) / 2 + 3
            size = QRectF(metrics.boundingRect(text)).adjusted(-2, -1, 2, 1).size()
            # right of the dot, else left of it
            boxes = (QRectF(QPointF(at.x() + r, at.y() - size.height() / 2), size),
                     QRectF(QPointF(at.x() - r - size.width(), at.y() - size.height() / 2),
                            size))
            box = next((b for b in boxes if area.contains(b)
                        and not any(b.intersects(t) for t in taken)), None)
            if box is None:
                continue
            taken.append(box)
            painter.fillRect(box, QColor(255, 255, 255, 190))
            painter.setPen(QColor(20, 20, 20))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def tooltip_text(self, place: Place) -> str:
        """What hovering a place's dot says: its photos, where (to the town while places
        are masked), what it may be."""
        name = place.name or self.namer(place)
        lines = [place_title(place, name)]
        routine = place.routine_message()
        if routine is not None:
            lines.append(routine.text())
        lines.append(_("Click to see these photos."))
        return "\n".join(lines)

    def _place_overlays(self) -> None:
        margin = 6
        x = self.width() - margin
        for button in (self.fit_button, self.zoom_out_button, self.zoom_in_button):
            button.adjustSize()
            x -= button.width()
            button.move(x, margin)
            x -= 2
        width = max(100, self.width() - 2 * margin)
        self.hint.setFixedWidth(width)
        self.hint.setFixedHeight(self.hint.heightForWidth(width))
        self.hint.move(margin, self.height() - self.hint.height() - margin)

    def showEvent(self, event: QShowEvent) -> None:
        try:
            super().showEvent(event)
            # the levels of detail a map moves through, made ahead (the finest on demand)
            for _limit, tolerance in DETAIL[:-1]:
                self._outlines.get(tolerance)
        except Exception:
            log.exception("the map could not be shown")

    def resizeEvent(self, event: QResizeEvent) -> None:
        try:
            super().resizeEvent(event)
            if not self.moved:
                self._fitted = False
            elif self.scale > 0:
                self.scale = max(self.min_scale(), self.scale)
            self._place_overlays()
        except Exception:
            log.exception("the map could not be resized")

    def changeEvent(self, event: QEvent) -> None:
        try:
            super().changeEvent(event)
            if event.type() == QEvent.Type.FontChange:  # zoomed text: larger dots
                self._dots = None
                self._sprites.clear()
                self._stale()
                self._place_overlays()
        except Exception:
            log.exception("the map could not follow a change")

    def wheelEvent(self, event: QWheelEvent) -> None:
        try:
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.zoom_by(1.25 ** steps, event.position())
            event.accept()
        except Exception:
            log.exception("the map could not zoom")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        try:
            key = event.key()
            step = min(self.width(), self.height()) / 6
            if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
                self.zoom_by(2.0)
            elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
                self.zoom_by(0.5)
            elif key in (Qt.Key.Key_Home, Qt.Key.Key_0):
                self.fit()
            elif key == Qt.Key.Key_Left:
                self.pan_by(step, 0)
            elif key == Qt.Key.Key_Right:
                self.pan_by(-step, 0)
            elif key == Qt.Key.Key_Up:
                self.pan_by(0, step)
            elif key == Qt.Key.Key_Down:
                self.pan_by(0, -step)
            else:
                super().keyPressEvent(event)
        except Exception:
            log.exception("the map could not follow a key")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        try:
            if event.button() == Qt.MouseButton.LeftButton:
                self._press = event.position().toPoint()
                self._dragging = False
            event.accept()
        except Exception:
            log.exception("a click on the map failed")

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        try:
            if self._press is None:
                return
            at = event.position().toPoint()
            delta = at - self._press
            if not self._dragging and delta.manhattanLength() >= 4:
                self._dragging = True
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
            if self._dragging:
                self.pan_by(delta.x(), delta.y())
                self._press = at
        except Exception:
            log.exception("the map could not be moved")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        try:
            if event.button() != Qt.MouseButton.LeftButton or self._press is None:
                return
            dragged = self._dragging
            self._press, self._dragging = None, False
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            if not dragged:
                place = self.place_at(event.position())
                if place is not None:
                    self.placeChosen.emit(place)
        except Exception:
            log.exception("a click on the map failed")

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        try:
            if self.place_at(event.position()) is None:  # (a dot: the click shows it)
                self.zoom_by(2.0, event.position())
        except Exception:
            log.exception("the map could not zoom")

    def event(self, event: QEvent) -> bool:
        try:
            if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
                place = self.place_at(QPointF(event.pos()))
                if place is None:
                    QToolTip.hideText()
                    event.ignore()
                    return True
                QToolTip.showText(event.globalPos(), self.tooltip_text(place), self)
                return True
        except Exception:
            log.exception("the map's tooltip failed")
            return False
        return super().event(event)
