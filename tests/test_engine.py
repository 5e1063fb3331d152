"""The scan engine with real worker processes: isolation, timeouts, cancel, safety."""

from __future__ import annotations

import hashlib
import io
import socket
from pathlib import Path

import pytest
from PIL import Image

from photocheck.core.engine.scan import CancelToken, Progress, ScanError, Scanner, ScanOptions
from photocheck.core.messages import msg
from photocheck.core.model import PhotoState

from . import fakes
from . import fixtures as fx

pytestmark = pytest.mark.slow


def _png(path: Path, colour: tuple[int, int, int]) -> None:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), colour).save(out, "PNG")  # lossless: the colour survives
    path.write_bytes(out.getvalue())


def _library(tmp_path: Path, n: int = 6) -> None:
    for i in range(n):
        exif = fx.pillow_exif(ifd0={0x013B: f"Owner {i}"}, gps=fx.gps_ifd(52 + i / 10, 5.1))
        (tmp_path / f"p{i}.jpg").write_bytes(fx.jpeg_bytes(exif=exif.tobytes()))


def test_crash_and_hang_cost_one_file_each(tmp_path: Path) -> None:
    _library(tmp_path, 4)
    _png(tmp_path / "crash.png", fakes.CRASH_COLOUR)
    _png(tmp_path / "hang.png", fakes.HANG_COLOUR)
    scanner = Scanner(ScanOptions(jobs=2, timeout=3, detector="tests.fakes:misbehaving"))
    reports = {Path(r.path).name: r for r in scanner.scan([str(tmp_path)])}
    assert len(reports) == 6
    crashed = reports["crash.png"].error
    assert crashed is not None and crashed.code == "file.crashed"
    assert reports["hang.png"].error == msg("file.timeout", seconds="3")
    assert "longer than 3 s" in reports["hang.png"].error.text()
    for i in range(4):
        assert reports[f"p{i}.jpg"].state == PhotoState.FLAGGED


def test_files_held_behind_a_crash_or_a_hang_are_checked_again(tmp_path: Path) -> None:
    """A worker holding two files at a time (metadata-only scans do, so that it never
    waits for the parent): when one crashes or hangs it, the other is handed to a fresh
    worker and reported as usual."""
    from photocheck.core.discover import discover
    from photocheck.core.engine.pool import Pool, PoolOptions
    from photocheck.core.engine.scan import InspectJob

    _library(tmp_path, 2)
    _png(tmp_path / "a_crash.png", fakes.CRASH_COLOUR)
    _png(tmp_path / "p0_hang.png", fakes.HANG_COLOUR)
    photos = sorted(discover([str(tmp_path)]), key=lambda p: p.path)
    assert [Path(p.path).name for p in photos] == ["a_crash.png", "p0.jpg", "p0_hang.png",
                                                     "p1.jpg"]
    pool = Pool(InspectJob(True, "tests.fakes:misbehaving"),
                PoolOptions(jobs=1, timeout=3, prefetch=2))
    try:
        reports = {Path(r.path).name: r for r in pool.run(photos)}
    finally:
        pool.close()
    assert sorted(reports) == ["a_crash.png", "p0.jpg", "p0_hang.png", "p1.jpg"]
    assert reports["a_crash.png"].error == msg("file.crashed", code=3)
    assert reports["p0_hang.png"].error == msg("file.timeout", seconds="3")
    for name in ("p0.jpg", "p1.jpg"):
        assert reports[name].state == PhotoState.FLAGGED, name
    # metadata-only scans hold two files a worker, scans with faces one
    assert ScanOptions(faces=False).pool().prefetch == 2
    assert ScanOptions(faces=True).pool().prefetch == 1


def test_a_crash_or_hang_inside_a_batch_is_blamed_on_its_own_file(tmp_path: Path) -> None:
    """Files sent to a worker in batches: the file it was working on when it crashed or
    hung is the one reported, whatever its place in the batch; those done before it in
    the batch, and those after, are checked again by a fresh worker."""
    from photocheck.core.discover import discover
    from photocheck.core.engine.pool import Pool, PoolOptions
    from photocheck.core.engine.scan import InspectJob

    _library(tmp_path, 3)  # p0.jpg p1.jpg p2.jpg
    _png(tmp_path / "p0_crash.png", fakes.CRASH_COLOUR)
    _png(tmp_path / "p1_hang.png", fakes.HANG_COLOUR)
    photos = sorted(discover([str(tmp_path)]), key=lambda p: p.path)
    names = [Path(p.path).name for p in photos]
    assert names == ["p0.jpg", "p0_crash.png", "p1.jpg", "p1_hang.png", "p2.jpg"]
    # one worker, batches of up to 4: the first batch holds p0.jpg then the crash, the
    # next the hang in second place
    pool = Pool(InspectJob(True, "tests.fakes:misbehaving"),
                PoolOptions(jobs=1, timeout=3, prefetch=2, batch=4))
    seen: list[Progress] = []
    try:
        reports = {Path(r.path).name: r for r in pool.run(photos, seen.append)}
    finally:
        pool.close()
    assert sorted(reports) == sorted(names)
    assert reports["p0_crash.png"].error == msg("file.crashed", code=3)
    assert reports["p1_hang.png"].error == msg("file.timeout", seconds="3")
    for name in ("p0.jpg", "p1.jpg", "p2.jpg"):
        assert reports[name].state == PhotoState.FLAGGED, name
    assert [p.done for p in seen if p.phase == "scanning"][-1] == 5
    # metadata-only scans send files in batches, scans with faces one at a time
    assert ScanOptions(faces=False).pool(16).batch == 16
    assert ScanOptions(faces=True).pool(16).batch == 1


def test_results_stream_and_progress_counts(tmp_path: Path) -> None:
    _library(tmp_path, 5)
    seen: list[Progress] = []
    scanner = Scanner(ScanOptions(jobs=2, faces=False))
    reports = list(scanner.scan([str(tmp_path)], progress=seen.append))
    assert len(reports) == 5
    scanning = [p for p in seen if p.phase == "scanning"]
    # one event per finished file (heartbeats while files are slow repeat a count)
    assert list(dict.fromkeys(p.done for p in scanning)) == [0, 1, 2, 3, 4, 5]
    assert [p.done for p in scanning] == sorted(p.done for p in scanning)
    assert all(p.total == 5 for p in scanning)
    assert seen[-1].phase == "finished"


def test_cancel_stops_the_scan(tmp_path: Path) -> None:
    _library(tmp_path, 3)
    for i in range(3):
        _png(tmp_path / f"slow{i}.png", fakes.HANG_COLOUR)
    cancel = CancelToken()
    scanner = Scanner(ScanOptions(jobs=1, timeout=60, detector="tests.fakes:misbehaving"))
    got = []
    for report in scanner.scan([str(tmp_path)], cancel=cancel):
        got.append(report)
        cancel.cancel()
    assert scanner.cancelled
    assert len(got) < 6


def test_unavailable_detector_marks_every_photo(tmp_path: Path) -> None:
    _library(tmp_path, 2)
    scanner = Scanner(ScanOptions(jobs=1, detector="tests.fakes:unavailable"))
    reports = list(scanner.scan([str(tmp_path)]))
    assert scanner.detector_problem is not None
    assert all(scanner.detector_problem in r.not_checked for r in reports)


def test_files_are_unchanged_and_nothing_is_written(tmp_path: Path) -> None:
    _library(tmp_path, 3)
    (tmp_path / "a.jpg.json").write_text('{"geoData": {"latitude": 1.5, "longitude": 2.5}}')
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    list(Scanner(ScanOptions(jobs=2)).scan([str(tmp_path)]))
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    assert before == after


def test_no_socket_is_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _library(tmp_path, 2)

    def refuse(*args, **kwargs):
        raise AssertionError("photocheck tried to open a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    reports = list(Scanner(ScanOptions(in_process=True)).scan([str(tmp_path)]))
    assert len(reports) == 2 and all(r.error is None for r in reports)


def test_no_network_module_is_imported_by_the_app() -> None:
    import ast

    root = Path(__file__).resolve().parent.parent / "photocheck"
    banned = {"socket", "urllib", "http", "requests", "httpx", "aiohttp", "ftplib", "smtplib"}
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in banned, f"{path}: imports {name}"


def test_nothing_to_scan_is_a_scan_error(tmp_path: Path) -> None:
    with pytest.raises(ScanError):
        list(Scanner().scan([str(tmp_path / "missing")]))


@pytest.mark.skipif(not hasattr(__import__("os"), "nice"), reason="no nice() here")
def test_workers_yield_the_cpu_only_when_asked(tmp_path: Path) -> None:
    import os

    _library(tmp_path, 1)
    base = os.nice(0)
    for low, expected in ((False, base), (True, base + 5)):
        scanner = Scanner(ScanOptions(jobs=1, low_priority=low,
                                      detector="tests.fakes:report_niceness"))
        (report,) = list(scanner.scan([str(tmp_path)]))
        assert report.not_checked == [msg("faces.cannot_start",
                                          reason=f"niceness {min(expected, 19)}")]


def test_workers_send_message_codes_shown_in_the_language_of_the_moment(
        tmp_path: Path) -> None:
    from photocheck.core import i18n

    _library(tmp_path, 1)
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe1\x00")
    i18n.set_language("nl")  # the workers' language does not matter: they send codes
    scanner = Scanner(ScanOptions(faces=False, jobs=1))
    reports = {Path(r.path).name: r for r in scanner.scan([str(tmp_path)])}
    assert reports["p0.jpg"].not_checked == [msg("faces.off")]
    broken = reports["broken.jpg"].error
    assert broken is not None and broken.code == "file.damaged"
    assert broken.arguments["reason"] == msg("jpeg.segment_truncated")
    i18n.set_language("nl")
    try:
        assert reports["p0.jpg"].not_checked[0].text() == (
            "gezichten zijn niet gecontroleerd (uitgezet)")
        assert broken.text().startswith("het bestand is beschadigd: ")
    finally:
        i18n.set_language("en")
    assert broken.text() == ("the file is damaged: the file ends inside a JPEG segment "
                             "(truncated)")


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs here")
def test_preview_service_survives_a_hanging_file(tmp_path: Path) -> None:
    import os

    from photocheck.core.engine.previews import PreviewError, PreviewService

    good = tmp_path / "good.jpg"
    good.write_bytes(fx.jpeg_bytes((200, 100)))
    fifo = tmp_path / "hangs.jpg"
    os.mkfifo(fifo)  # opening it blocks: like a decoder that never returns
    # starting a helper takes as long as the machine makes it: only the hanging file
    # gets the short time-out
    service = PreviewService(timeout=120)
    try:
        w, h, rgb = service.render(str(good), 50)
        assert (w, h) == (50, 25) and len(rgb) == 50 * 25 * 3
        service.timeout = 2
        with pytest.raises(PreviewError) as hung:
            service.render(str(fifo), 50)
        assert hung.value.message.code == "preview.failed"
        service.timeout = 120
        with pytest.raises(PreviewError) as missing:
            service.render(str(tmp_path / "missing.jpg"), 50)
        assert missing.value.message.code == "file.vanished"  # an answer, not a hang
        assert service.render(str(good), 100)[:2] == (100, 50)  # a fresh helper took over
    finally:
        service.close()


def test_a_worker_that_keeps_memory_makes_way_for_a_fresh_one() -> None:
    """A worker whose memory grows past `retire_at` (native code that never gives back
    what it took) hands in its results and is replaced: every file is done once, none
    fails, and no worker ever nears the memory limit."""
    from photocheck.core.engine.pool import Pool, PoolOptions

    from .fakes import Item, LeakyJob

    options = PoolOptions(jobs=1, prefetch=2, batch=2, retire_at=96 * 1024 * 1024,
                          memory_limit=256 * 1024 * 1024)
    pool: Pool[Item, str] = Pool(LeakyJob(), options)
    try:
        results = list(pool.run([Item(f"/p/{i}") for i in range(40)]))
    finally:
        pool.close()
    done = sorted(r.split(" in ")[0] for r in results)
    assert done == sorted(f"ran /p/{i}" for i in range(40))
    workers = {r.split(" in ")[1] for r in results}
    assert len(workers) >= 3  # 320 MB left behind in all, at most ~100 MB a worker
