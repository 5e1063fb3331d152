"""The report cache (issue 15): a rescan reads only what changed, never shows anything
stale, keeps its files private, and survives damage, foreign files, locks and a second
writer; `forget` removes it and `--no-cache` never makes it."""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from photocheck.core import cache as cache_mod
from photocheck.core import discover as discover_mod
from photocheck.core.cache import CACHE_FILE, SET_ASIDE, ReportCache, context_key
from photocheck.core.engine import scan as scan_mod
from photocheck.core.engine.scan import Scanner, ScanOptions
from photocheck.core.model import Kind, PhotoReport

from . import fixtures as fx

pytestmark = pytest.mark.slow
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and ctime")


def _photo(path: Path, owner: str, lat: float = 52.0) -> Path:
    exif = fx.pillow_exif(ifd0={0x013B: owner}, gps=fx.gps_ifd(lat, 4.5))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(fx.jpeg_bytes(exif=exif.tobytes()))
    return path


def _library(root: Path, n: int = 4) -> list[Path]:
    return [_photo(root / f"sub{i % 2}" / f"p{i}.jpg", f"Owner {i}") for i in range(n)]


def _scanner(cache_dir: Path, **kw: object) -> Scanner:
    return Scanner(ScanOptions(faces=False, jobs=1, cache=True, cache_dir=str(cache_dir),
                               **kw))  # type: ignore[arg-type]


def _scan(scanner: Scanner, *roots: Path) -> dict[str, PhotoReport]:
    return {r.path: r for r in scanner.scan([str(r) for r in roots])}


def _owners(report: PhotoReport) -> list[str]:
    return [n for f in report.findings if f.kind == Kind.OWNER_NAME for n in f.value["names"]]


@pytest.fixture()
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_an_unchanged_library_is_not_read_again(tmp_path: Path, cache_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "lib"
    _library(root)
    first = _scan(_scanner(cache_dir), root)
    assert len(first) == 4

    def no_reading(path: str) -> str | None:
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(discover_mod, "sniff_file", no_reading)
    again = _scanner(cache_dir)
    second = _scan(again, root)
    assert (again.from_cache, again.checked) == (4, 0)  # no file went to a worker
    assert {p: r.to_dict() for p, r in second.items()} == {
        p: r.to_dict() for p, r in first.items()}


@posix_only
def test_content_rewritten_with_its_size_and_time_restored_is_read_again(
        tmp_path: Path, cache_dir: Path) -> None:
    """The change time (ctime) moves with every write and no program can set it back."""
    root = tmp_path / "lib"
    photos = _library(root)
    _scan(_scanner(cache_dir), root)
    target = photos[1]
    before = target.stat()
    _photo(target, "Owner X")  # same size: same picture, one letter changed
    assert target.stat().st_size == before.st_size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_mtime_ns == before.st_mtime_ns
    scanner = _scanner(cache_dir)
    reports = _scan(scanner, root)
    assert (scanner.from_cache, scanner.checked) == (3, 1)
    assert _owners(reports[str(target)]) == ["Owner X"]


def test_renamed_moved_and_deleted_files_show_nothing_stale(tmp_path: Path,
                                                            cache_dir: Path) -> None:
    root = tmp_path / "lib"
    photos = _library(root)
    _scan(_scanner(cache_dir), root)
    renamed = photos[0].with_name("renamed.jpg")
    photos[0].rename(renamed)
    moved = root / "elsewhere" / photos[1].name
    moved.parent.mkdir()
    photos[1].rename(moved)
    photos[2].unlink()
    scanner = _scanner(cache_dir)
    reports = _scan(scanner, root)
    assert sorted(reports) == sorted(map(str, [renamed, moved, photos[3]]))
    assert (scanner.from_cache, scanner.checked) == (1, 2)  # the moved ones are read again
    assert _owners(reports[str(renamed)]) == ["Owner 0"]
    assert scanner.forgotten == 3  # the old names of both, and the deleted one
    rows = sqlite3.connect(cache_dir / CACHE_FILE).execute(
        "SELECT path FROM reports").fetchall()
    assert sorted(os.fsdecode(p) for (p,) in rows) == sorted(reports)


def test_a_sidecar_added_changed_or_removed_reads_the_photo_again(tmp_path: Path,
                                                                  cache_dir: Path) -> None:
    root = tmp_path / "lib"
    photo = _photo(root / "a.jpg", "Owner A")
    _photo(root / "b.jpg", "Owner B")
    sidecar = root / "a.xmp"

    def rescan() -> tuple[Scanner, PhotoReport]:
        scanner = _scanner(cache_dir)
        return scanner, _scan(scanner, root)[str(photo)]

    _scan(_scanner(cache_dir), root)
    sidecar.write_bytes(fx.xmp_packet("<photoshop:City>Delft</photoshop:City>"))
    scanner, report = rescan()
    assert (scanner.from_cache, scanner.checked) == (1, 1)
    assert report.sidecars == ["a.xmp"]
    assert any("Delft" in str(f.value) for f in report.findings)
    sidecar.write_bytes(fx.xmp_packet("<photoshop:City>Gouda</photoshop:City>"))
    scanner, report = rescan()
    assert (scanner.from_cache, scanner.checked) == (1, 1)
    assert any("Gouda" in str(f.value) for f in report.findings)
    assert not any("Delft" in str(f.value) for f in report.findings)
    scanner, report = rescan()
    assert (scanner.from_cache, scanner.checked) == (2, 0)
    sidecar.unlink()
    scanner, report = rescan()
    assert (scanner.from_cache, scanner.checked) == (1, 1)
    assert report.sidecars == []
    assert not any("Gouda" in str(f.value) for f in report.findings)


def test_other_options_and_other_code_are_other_contexts(
        tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "lib"
    _library(root)
    _scan(_scanner(cache_dir), root)
    hidden = _scanner(cache_dir, include_hidden=True)
    _scan(hidden, root)
    assert (hidden.from_cache, hidden.checked) == (0, 4)
    back = _scanner(cache_dir)  # the first context's reports are still kept
    _scan(back, root)
    assert (back.from_cache, back.checked) == (4, 0)
    assert context_key(True, "x:y", False) != context_key(False, "x:y", False)
    assert context_key(True, "x:y", False) != context_key(True, "x:z", False)
    # another version of the inspection code: everything is read again, and the reports
    # of the old code are deleted
    monkeypatch.setattr(cache_mod, "_CODE_DIGEST", "another-version")
    newer = _scanner(cache_dir)
    _scan(newer, root)
    assert (newer.from_cache, newer.checked) == (0, 4)
    conn = sqlite3.connect(cache_dir / CACHE_FILE)
    assert conn.execute("SELECT count(*) FROM reports").fetchone() == (4,)
    assert [c for (c,) in conn.execute("SELECT code FROM contexts")] == [
        "code=another-version"]


def test_the_code_digest_follows_the_source() -> None:
    digest = cache_mod.code_digest()
    assert len(digest) == 32 and digest == cache_mod.code_digest()
    assert context_key(False, "x", False).startswith(f"code={digest};")


@posix_only
def test_every_cache_file_is_private_from_the_start(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    old = os.umask(0o022)  # a usual umask: files would be readable by others
    try:
        cache, note = ReportCache.open("ctx", folder)
        assert cache is not None and note is None
        report = PhotoReport(path="/x/a.jpg", format="JPEG")
        cache.store("/x/a.jpg", "1:2:3:4", b"", "JPEG", report)
        cache.commit()
        files = sorted(p.name for p in folder.iterdir())
        assert {CACHE_FILE, CACHE_FILE + "-wal", CACHE_FILE + "-shm"} <= set(files)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for name in files:
            assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
        cache.close()
    finally:
        os.umask(old)
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def _set_aside(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(SET_ASIDE)
                  and p.name.endswith(".sqlite3"))


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.execute("INSERT INTO notes VALUES ('someone else''s')")
    conn.commit()
    conn.close()


def _newer_schema(path: Path) -> None:
    cache, _ = ReportCache.open("ctx", path.parent)
    assert cache is not None
    cache.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


def _truncated(path: Path) -> None:
    cache, _ = ReportCache.open("ctx", path.parent)
    assert cache is not None
    for i in range(200):
        cache.store(f"/x/{i}.jpg", "1:2:3:4", b"", "JPEG", PhotoReport(path=f"/x/{i}.jpg"))
    cache.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize(("spoil", "why"), [
    (lambda p: p.write_bytes(os.urandom(5000)), "cache.damaged"),
    (_truncated, None),
    (_foreign_sqlite, "cache.foreign"),
    (_newer_schema, "cache.other_version"),
])
def test_a_damaged_foreign_or_newer_cache_is_set_aside_and_made_again(
        tmp_path: Path, cache_dir: Path, spoil: object, why: str | None) -> None:
    root = tmp_path / "lib"
    _library(root, 2)
    cache_dir.mkdir(mode=0o700)
    spoil(cache_dir / CACHE_FILE)  # type: ignore[operator]
    scanner = _scanner(cache_dir)
    reports = _scan(scanner, root)
    assert len(reports) == 2 and all(_owners(r) for r in reports.values())
    codes = [m.code for m in scanner.cache_problems]
    assert codes and codes[0] in ("cache.set_aside", "cache.not_kept")
    if why is not None:
        assert scanner.cache_problems[0].arguments["reason"].code == why
    aside = _set_aside(cache_dir)
    assert len(aside) == 1
    if os.name == "posix":
        assert stat.S_IMODE(aside[0].stat().st_mode) == 0o600
    again = _scanner(cache_dir)  # the new cache works
    _scan(again, root)
    if (again.from_cache, again.checked) != (2, 0):  # a truncation found only in use
        _scan(again := _scanner(cache_dir), root)
    assert (again.from_cache, again.checked) == (2, 0)
    assert again.cache_problems == []


def test_a_cache_locked_for_too_long_is_set_aside(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first, _ = ReportCache.open("ctx", folder)
    assert first is not None
    first.close()
    holder = sqlite3.connect(folder / CACHE_FILE, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program that never lets go
    try:
        cache, note = ReportCache.open("ctx", folder, busy=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert cache is not None and note is not None
    assert note.code == "cache.set_aside"
    assert note.arguments["reason"].code == "cache.locked"
    cache.close()


def test_a_cache_that_cannot_be_made_costs_only_the_keeping(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    _library(root, 2)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    scanner = _scanner(blocked / "cache")
    reports = _scan(scanner, root)
    assert len(reports) == 2
    assert [m.code for m in scanner.cache_problems] == ["cache.unavailable"]
    assert "not kept" in scanner.cache_problems[0].text()


def test_a_row_that_is_not_a_report_makes_nothing(tmp_path: Path, cache_dir: Path) -> None:
    """A kept report is read with an unpickler that makes photocheck's records only: a
    row planted to run code is read as no report (the photo is read again)."""
    root = tmp_path / "lib"
    photo = _library(root, 1)[0]
    _scan(_scanner(cache_dir), root)
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    conn = sqlite3.connect(cache_dir / CACHE_FILE)
    with conn:
        conn.execute("UPDATE reports SET report = ?", (pickle.dumps(Evil()),))
    conn.close()
    scanner = _scanner(cache_dir)
    reports = _scan(scanner, root)
    assert not marker.exists()
    assert (scanner.from_cache, scanner.checked) == (0, 1)
    assert _owners(reports[str(photo)]) == ["Owner 0"]


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "photocheck", *args], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_two_scans_at_once_share_the_cache(tmp_path: Path, cache_dir: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    _library(first, 6)
    _library(second, 6)
    env = dict(os.environ, PHOTOCHECK_CACHE_DIR=str(cache_dir))
    runs = [subprocess.Popen([sys.executable, "-m", "photocheck", "scan", "--no-faces",
                              "--json", "--jobs", "1", str(folder)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for folder in (first, second, first)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        doc = json.loads(out)
        assert doc["summary"]["photos"] == 6
        assert doc["cache"]["notes"] == []
    scanner = _scanner(cache_dir)
    _scan(scanner, first, second)
    assert (scanner.from_cache, scanner.checked) == (12, 0)


def test_no_cache_stores_nothing_and_forget_removes_everything(
        tmp_path: Path, cache_dir: Path, private_config: str) -> None:
    root = tmp_path / "lib"
    _library(root, 3)
    env = dict(os.environ, PHOTOCHECK_CACHE_DIR=str(cache_dir),
               PHOTOCHECK_CONFIG_DIR=private_config)
    done = _cli("scan", "--no-faces", "--no-cache", "--json", str(root), env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["cache"]["used"] is False
    assert not cache_dir.exists()
    done = _cli("scan", "--no-faces", str(root), env=env)
    assert done.returncode == 0, done.stderr
    done = _cli("scan", "--no-faces", str(root), env=env)
    assert "3 of them are unchanged since an earlier scan" in done.stdout
    assert (cache_dir / CACHE_FILE).exists()
    (cache_dir / "notes.txt").write_text("not photocheck's")
    Path(private_config, "settings.json").write_text('{"folders": ["/secret"]}')
    done = _cli("forget", env=env)
    assert done.returncode == 0, done.stderr
    assert "Deleted" in done.stdout and str(cache_dir / CACHE_FILE) in done.stdout
    assert sorted(p.name for p in cache_dir.iterdir()) == ["notes.txt"]
    assert not Path(private_config).exists()
    done = _cli("forget", env=env)
    assert "nothing stored" in done.stdout
    assert list(root.rglob("*.jpg"))  # the photos are untouched


def test_a_stream_of_files_is_never_held_whole() -> None:
    """The pool takes files from a stream as its workers need them, and hands on known
    results at once: it holds a bounded number of files, however long the stream."""
    from photocheck.core.engine.pool import LOOKAHEAD, READY_RUN, Pool, PoolOptions, Ready

    from .fakes import CountingJob, Item

    total = 12 * LOOKAHEAD
    taken = 0

    def stream() -> Iterator[Item | Ready]:
        nonlocal taken
        for i in range(total):
            taken += 1
            yield Ready(f"/known/{i}", f"known {i}") if i % 2 else Item(f"/new/{i}")

    options = PoolOptions(jobs=1, prefetch=2, batch=16)
    pool: Pool[Item, str] = Pool(CountingJob(), options)
    results: list[str] = []
    ahead = []  # files taken from the stream and not yet answered, at each result
    first_taken = 0
    try:
        for result in pool.run(stream()):
            if not results:
                first_taken = taken
            results.append(result)
            ahead.append(taken - len(results))
    finally:
        pool.close()
    assert sorted(results) == sorted([f"known {i}" for i in range(1, total, 2)]
                                     + [f"ran /new/{i}" for i in range(0, total, 2)])
    # known results are handed on as they are met, before the workers have started
    assert first_taken <= 2 * READY_RUN
    assert max(ahead) <= LOOKAHEAD + READY_RUN + options.prefetch * options.batch


def _in_process(cache_dir: Path) -> Scanner:
    return Scanner(ScanOptions(faces=False, in_process=True, cache=True,
                               cache_dir=str(cache_dir)))


def test_a_cancelled_rescan_forgets_nothing(tmp_path: Path, cache_dir: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A walk cut short did not see every file: what it did not reach stays kept."""
    from photocheck.core.engine.scan import CancelToken

    root = tmp_path / "lib"
    data = _photo(tmp_path / "one.jpg", "Owner").read_bytes()
    for i in range(200):  # more than are handed on at once, in many folders
        folder = root / f"f{i // 10:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"p{i}.jpg").write_bytes(data)
    _scan(_scanner(cache_dir), root)
    cancel = CancelToken()
    real_discover = scan_mod.discover  # type: ignore[attr-defined]

    def cancelled_midway(*args: Any, **kwargs: Any) -> Iterator[Any]:
        # Cancel pressed (in the window's thread) while the walk goes on
        for n, photo in enumerate(real_discover(*args, **kwargs)):
            if n == 30:
                cancel.cancel()
            yield photo

    monkeypatch.setattr(scan_mod, "discover", cancelled_midway)
    scanner = _scanner(cache_dir)
    got = sum(1 for _report in scanner.scan([str(root)], cancel=cancel))
    assert got < 200
    assert scanner.cancelled
    assert scanner.forgotten == 0
    conn = sqlite3.connect(cache_dir / CACHE_FILE)
    assert conn.execute("SELECT count(*) FROM reports").fetchone() == (200,)
    again = _scanner(cache_dir)
    _scan(again, root)
    assert (again.from_cache, again.checked) == (200, 0)


def test_a_passing_read_error_is_not_kept(tmp_path: Path, cache_dir: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk that hiccups while a photo is opened: the photo is read again next time,
    not shown as unreadable for ever."""
    import errno

    from photocheck.core import inspection

    root = tmp_path / "lib"
    photo = _photo(root / "a.jpg", "Owner A")
    real_open, real_inspect = os.open, inspection.inspect_file

    def hiccup(path: object, flags: int, *rest: object) -> int:
        if str(path) == str(photo):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_open(path, flags, *rest)  # type: ignore[arg-type]

    def inspect_with_hiccup(*args: object, **kwargs: object) -> PhotoReport:
        monkeypatch.setattr(os, "open", hiccup)
        try:
            return real_inspect(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            monkeypatch.setattr(os, "open", real_open)

    monkeypatch.setattr(inspection, "inspect_file", inspect_with_hiccup)
    first = _scan(_in_process(cache_dir), root)[str(photo)]
    assert first.error is not None and first.error.code == "file.cannot_open"
    monkeypatch.setattr(inspection, "inspect_file", real_inspect)
    scanner = _in_process(cache_dir)
    again = _scan(scanner, root)[str(photo)]
    assert (scanner.from_cache, scanner.checked) == (0, 1)
    assert again.error is None and _owners(again) == ["Owner A"]


def test_a_sidecar_changed_while_its_photo_is_read_is_read_again(
        tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sidecar's stamp is taken when the photo is found, before it is read: one
    written meanwhile (an editor saving) does not pass for the one that was read."""
    from photocheck.core import inspection

    root = tmp_path / "lib"
    photo = _photo(root / "a.jpg", "Owner A")
    sidecar = root / "a.xmp"
    sidecar.write_bytes(fx.xmp_packet("<photoshop:City>Delft</photoshop:City>"))
    real_inspect = inspection.inspect_file

    def inspect_then_save(*args: object, **kwargs: object) -> PhotoReport:
        report = real_inspect(*args, **kwargs)  # type: ignore[arg-type]
        sidecar.write_bytes(fx.xmp_packet("<photoshop:City>Gouda!</photoshop:City>"))
        return report

    monkeypatch.setattr(inspection, "inspect_file", inspect_then_save)
    first = _scan(_in_process(cache_dir), root)[str(photo)]
    assert any("Delft" in str(f.value) for f in first.findings)
    monkeypatch.setattr(inspection, "inspect_file", real_inspect)
    scanner = _in_process(cache_dir)
    again = _scan(scanner, root)[str(photo)]
    assert (scanner.from_cache, scanner.checked) == (0, 1)
    assert any("Gouda" in str(f.value) for f in again.findings)


def test_what_is_kept_and_what_is_read_again() -> None:
    """Verdicts on a file's content are kept; failures of the moment, and reports of a
    worker whose face detector did not start, are not."""
    from photocheck.core.discover import PhotoFile
    from photocheck.core.engine.scan import _worth_keeping
    from photocheck.core.messages import msg
    from photocheck.core.model import FileStamp

    photo = PhotoFile("/p/a.jpg", "JPEG", (), "10:20:30:40")
    ok = PhotoReport(path="/p/a.jpg", file=FileStamp(10, 20))
    assert _worth_keeping(ok, photo, None)
    assert not _worth_keeping(ok, photo, msg("faces.unavailable"))
    assert not _worth_keeping(PhotoReport(path="/p/a.jpg", file=FileStamp(11, 20)), photo,
                              None)  # (read after it changed)
    errors: list[tuple[str, dict[str, object], bool]] = [
        ("file.damaged", {"reason": "x"}, True), ("file.not_supported", {"format": "X"}, True),
        ("file.cannot_open", {"reason": "x"}, False), ("file.timeout", {"seconds": "1"}, False),
        ("file.crashed", {"code": 1}, False), ("file.too_large", {}, False)]
    for code, args, kept in errors:
        report = PhotoReport(path="/p/a.jpg", error=msg(code, **args))
        assert _worth_keeping(report, photo, None) is kept, code
    down = PhotoReport(path="/p/a.jpg", not_checked=[msg("faces.unavailable")])
    assert not _worth_keeping(down, photo, None)


def test_a_relative_and_an_absolute_path_are_the_same_kept_file(
        tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "lib"
    _library(root, 3)
    _scan(_scanner(cache_dir), root)  # absolute, as the app names them
    monkeypatch.chdir(tmp_path)
    scanner = _scanner(cache_dir)
    reports = {r.path: r for r in scanner.scan(["lib"])}
    assert (scanner.from_cache, scanner.checked, scanner.forgotten) == (3, 0, 0)
    assert sorted(reports) == sorted(os.path.join("lib", f"sub{i % 2}", f"p{i}.jpg")
                                     for i in range(3))


def test_a_row_of_the_wrong_shape_is_no_report(tmp_path: Path, cache_dir: Path) -> None:
    root = tmp_path / "lib"
    photo = _library(root, 1)[0]
    _scan(_scanner(cache_dir), root)
    odd = PhotoReport(path=str(photo))
    odd.findings = "not a list"  # type: ignore[assignment]
    conn = sqlite3.connect(cache_dir / CACHE_FILE)
    with conn:
        conn.execute("UPDATE reports SET report = ?", (pickle.dumps(odd),))
    conn.close()
    scanner = _scanner(cache_dir)
    reports = _scan(scanner, root)
    assert (scanner.from_cache, scanner.checked) == (0, 1)
    assert _owners(reports[str(photo)]) == ["Owner 0"]


def test_a_crafted_row_can_change_nothing(tmp_path: Path, cache_dir: Path) -> None:
    """Pickle can set attributes on what it is given: a row that would make every report
    'clean' by setting PhotoReport.state, or change a finding shared with other reports,
    is refused (the photo is read again), and nothing changed."""
    from photocheck.core.model import Finding, PhotoState, shared_finding

    root = tmp_path / "lib"
    photos = _library(root, 2)
    first = _scan(_scanner(cache_dir), root)
    assert first[str(photos[0])].state == PhotoState.FLAGGED
    state_before = PhotoReport.__dict__["state"]
    on_the_class = (b"cphotocheck.core.model\nPhotoReport\n"
                    b"N(Vstate\ncphotocheck.core.model\nPhotoState\n(Vclean\ntRd\x86b0N.")
    shared = first[str(photos[0])].findings[-1]
    assert isinstance(shared, Finding)

    class OnShared:  # a row that makes a shared finding, then sets its value
        def __reduce__(self) -> tuple[object, ...]:
            return (shared_finding, (shared.kind, shared.severity, shared.source,
                                     dict(shared.value)), (None, {"value": {"x": 1}}))

    conn = sqlite3.connect(cache_dir / CACHE_FILE)
    with conn:
        conn.execute("UPDATE reports SET report = ? WHERE path = ?",
                     (on_the_class, os.fsencode(str(photos[0]))))
        conn.execute("UPDATE reports SET report = ? WHERE path = ?",
                     (pickle.dumps(OnShared()), os.fsencode(str(photos[1]))))
    conn.close()
    scanner = _scanner(cache_dir)
    again = _scan(scanner, root)
    assert (scanner.from_cache, scanner.checked) == (0, 2)
    assert PhotoReport.__dict__["state"] is state_before
    assert first[str(photos[0])].state == PhotoState.FLAGGED
    assert "x" not in shared.value
    assert again[str(photos[0])].state == PhotoState.FLAGGED


def test_a_row_naming_a_kind_photocheck_does_not_have_is_read_as_none() -> None:
    """Kinds and the other enums are read back by value from a look-up: a value that is
    not one of them makes no report (the photo is read again), not a crash."""
    from photocheck.core.cache import _load
    from photocheck.core.model import Severity, shared_finding

    report = PhotoReport(path="/p/a.jpg", format="JPEG", findings=[
        shared_finding(Kind.DEVICE, Severity.LOW, "EXIF IFD0 Make", {"values": ["Acme"]})])
    row = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
    assert b"\x8c\x06device" in row  # (the kind, as the pickle names it)
    read = _load(row)
    assert read is not None and read.findings[0].kind is Kind.DEVICE
    assert _load(row.replace(b"\x8c\x06device", b"\x8c\x06gadget")) is None


def test_keys_made_folder_by_folder_are_the_paths_made_absolute(tmp_path: Path,
                                                                 cache_dir: Path) -> None:
    from photocheck.core.cache import _path_key

    cache, _note = ReportCache.open("k", cache_dir)
    assert cache is not None
    try:
        for path in ("a.jpg", "./a.jpg", "sub/../a.jpg", "sub/b.jpg", str(tmp_path / "c.jpg"),
                     str(tmp_path) + "//d.jpg", "/e.jpg", "sub/", "sub/.", ".."):
            assert cache._key(path) == _path_key(path), path
            assert cache._key(path) == _path_key(path), path  # (and from the memo)
    finally:
        cache.close()
