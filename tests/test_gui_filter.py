"""The photos view's filters work from what was worked out of each photo when it
arrived (so that a filter over 100,000 photos is a pass, not a sort): whatever the
reports, the order they arrive in and the filters set in between, the rows shown are
exactly the photos `PhotoFilter.accepts` lets through, in sort order."""

from __future__ import annotations

import itertools
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from photocheck.core.findings import build_findings
from photocheck.core.messages import msg
from photocheck.core.model import Evidence, Kind, PhotoReport, Severity
from photocheck.gui.photomodel import PhotoFilter, PhotoModel, SortKey, severity_rank

_EVIDENCE = [
    Evidence(Kind.LOCATION, "EXIF GPS", (52.0, 4.9)),
    Evidence(Kind.OWNER_NAME, "EXIF IFD0 Artist", "Anna de Vries"),
    Evidence(Kind.DEVICE, "EXIF IFD0 Model", "Phone 12"),
    Evidence(Kind.DEVICE_SERIAL, "EXIF ExifIFD BodySerialNumber", "SN12345"),
]
_TIMES = [None, "2021:05:01 10:00:00", "2021:05:01 09:00:00", "2019:12:31 23:59:59"]


@st.composite
def _report(draw: st.DrawFn, i: int) -> PhotoReport:
    chosen = draw(st.lists(st.sampled_from(_EVIDENCE), max_size=3, unique=True))
    when = draw(st.sampled_from(_TIMES))
    if when is not None:
        chosen.append(Evidence(Kind.CAPTURE_TIME, "EXIF ExifIFD DateTimeOriginal", when))
    folder = draw(st.sampled_from(["Holiday", "work", "Kids"]))
    # names that differ in case only, one the start of another, and equal in two folders
    name = draw(st.sampled_from(["IMG_", "img_", "IMG_1", "photo "])) + f"{i % 7}"
    report = PhotoReport(path=f"/home/u/{folder}/{name}.jpg", format="JPEG",
                         findings=build_findings(chosen))
    state = draw(st.sampled_from(["ok", "error", "partly"]))
    if state == "error":
        report.error = msg("file.damaged", reason=msg("jpeg.truncated"))
    elif state == "partly":
        report.not_checked = [msg("faces.off")]
    return report


@st.composite
def _reports(draw: st.DrawFn) -> list[PhotoReport]:
    n = draw(st.integers(0, 40))
    return [draw(_report(i)) for i in range(n)]


_FILTERS = st.fixed_dictionaries({
    "kinds": st.frozensets(st.sampled_from([Kind.LOCATION, Kind.OWNER_NAME,
                                            Kind.DEVICE_SERIAL]), max_size=2),
    "severity": st.sampled_from([None, Severity.MEDIUM, Severity.HIGH]),
    "text": st.sampled_from(["", "holiday", "img_01", "KIDS"]),
    "unchecked": st.booleans(),
    "nothing": st.booleans(),
    "sort": st.sampled_from(list(SortKey)),
})


def _apply(view: PhotoFilter, f: dict[str, object]) -> None:
    view.set_kinds(f["kinds"])  # type: ignore[arg-type]
    view.set_min_severity(f["severity"])  # type: ignore[arg-type]
    view.set_text(f["text"])  # type: ignore[arg-type]
    view.set_unchecked_only(bool(f["unchecked"]))
    view.set_nothing_found_only(bool(f["nothing"]))
    view.set_sort_key(f["sort"])  # type: ignore[arg-type]


def _sort_key(key: SortKey, r: PhotoReport) -> tuple[object, ...]:
    """What each sort key means, as tuples (the view sorts texts made of the same)."""
    name = os.path.basename(r.path).casefold()
    if key == SortKey.SEVERITY:
        return (-severity_rank(r), -bool(r.error or r.not_checked), -len(r.findings),
                name, r.path)
    if key == SortKey.TAKEN:
        when = r.taken() or ""
        return (when == "", when, name, r.path)
    return (name, r.path)


def _expected(model: PhotoModel, view: PhotoFilter, key: object) -> list[str]:
    assert isinstance(key, SortKey)
    rows = [model.report(r) for r in range(model.rowCount())
            if view.accepts(model.report(r))]
    return [r.path for r in sorted(rows, key=lambda r: _sort_key(key, r))]


def _shown(model: PhotoModel, view: PhotoFilter) -> list[str]:
    return [model.report(view.mapToSource(view.index(r, 0)).row()).path
            for r in range(view.rowCount())]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports=_reports(), cuts=st.lists(st.integers(0, 40), max_size=3),
       filters=st.lists(_FILTERS, min_size=1, max_size=4))
def test_the_rows_shown_are_those_accepts_lets_through_in_order(
        qtbot: QtBot, reports: list[PhotoReport], cuts: list[int],
        filters: list[dict[str, object]]) -> None:
    model = PhotoModel()
    view = PhotoFilter()
    view.setSourceModel(model)
    # reports arrive in batches, a filter changing before each
    bounds = sorted({0, len(reports), *(c for c in cuts if c <= len(reports))})
    for k, (a, b) in enumerate(itertools.pairwise(bounds)):
        f = filters[k % len(filters)]
        _apply(view, f)
        model.add_reports(reports[a:b])
        assert _shown(model, view) == _expected(model, view, f["sort"])
    for f in filters:  # and filters changing once all are in (and back again)
        _apply(view, f)
        assert _shown(model, view) == _expected(model, view, f["sort"])
    model.clear()
    assert view.rowCount() == 0
    model.add_reports(reports[:5])
    assert _shown(model, view) == _expected(model, view, f["sort"])


def test_each_sort_key_orders_as_its_tuple_says(qtbot: QtBot) -> None:
    """Every tie each key breaks, in one set: severity, then checked in part, then the
    number of findings; a time before none; names by case-folded name (one the start of
    another, even where the next character of the longer sorts before a path's
    separator), then by folder."""
    location = Evidence(Kind.LOCATION, "EXIF GPS", (52.0, 4.9))
    serial = Evidence(Kind.DEVICE_SERIAL, "EXIF ExifIFD BodySerialNumber", "SN12345")

    def made(path: str, *evidence: Evidence, partly: bool = False) -> PhotoReport:
        report = PhotoReport(path=path, format="JPEG", findings=build_findings(evidence))
        if partly:
            report.not_checked = [msg("faces.off")]
        return report

    def at(when: str) -> Evidence:
        return Evidence(Kind.CAPTURE_TIME, "EXIF ExifIFD DateTimeOriginal", when)

    reports = [
        made("/p/b/IMG_1.jpg", location),
        made("/p/a/img_1.jpg", location, partly=True),
        made("/p/a/IMG_10.jpg", location, serial),
        made("/p/c/photo.jpg"),
        made("/p/a/photo.jpg", partly=True),
        made("/p/b/Photo.jpg", at("2021:05:01 10:00:00")),
        made("/p/a/zz.jpg", at("2021:05:01 10:00:00")),
        made("/p/a/aa.jpg", at("2019:01:01 00:00:00")),
        made("/p/a/scan-2"),  # (names without an extension: "scan" comes first)
        made("/p/a/scan"),
    ]
    model = PhotoModel()
    view = PhotoFilter()
    view.setSourceModel(model)
    model.add_reports(reports[:3])
    model.add_reports(reports[3:])
    for key in (SortKey.NAME, SortKey.TAKEN, SortKey.SEVERITY, SortKey.NAME):
        view.set_sort_key(key)
        expected = [r.path for r in sorted(reports, key=lambda r: _sort_key(key, r))]
        assert _shown(model, view) == expected
        assert len(set(map(tuple, (_sort_key(key, r) for r in reports)))) == len(reports)
