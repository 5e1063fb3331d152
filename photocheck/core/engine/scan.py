"""Scans and safe copies over many photos: discovery, then one job per file in the
worker pool (pool.py). The front ends (CLI, GUI) use `Scanner`, `ScanOptions`,
`Progress` and `CancelToken`.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..discover import PhotoFile, discover, sidecars_stamp
from ..messages import Message, MessageError, msg
from ..model import PhotoReport
from .pool import (
    MEMORY_LIMIT,
    CancelToken,
    Pool,
    PoolError,
    PoolOptions,
    Progress,
    ProgressCallback,
    Ready,
)

if TYPE_CHECKING:  # (a scan's workers do not import what copies need, nor the cache)
    from ..cache import ReportCache, Row
    from ..clean.copy import CleanOptions, CleanResult

__all__ = ["CancelToken", "Progress", "ScanError", "ScanOptions", "Scanner"]

DEFAULT_DETECTOR = "photocheck.core.faces:load_detector"  # (the platform's)
# files sent to a worker at once by a metadata-only scan: each takes under a millisecond,
# less than the round trip to the parent costs both processes
INSPECT_BATCH = 16


@dataclass(frozen=True, slots=True)
class ScanOptions:
    faces: bool = True
    jobs: int = 0  # 0: one worker per core
    include_hidden: bool = False
    timeout: float = 60.0  # seconds one file may take before it is given up on
    in_process: bool = False  # no worker processes (tests with fakes; no crash isolation)
    detector: str = DEFAULT_DETECTOR  # "module:function" returning (detector, problem)
    # workers at a lower CPU priority, so that a window stays responsive (the GUI)
    low_priority: bool = False
    memory_limit: int = MEMORY_LIMIT  # bytes per worker; 0: no limit
    # keep reports in the report cache, and use those of unchanged files (core/cache.py)
    cache: bool = False
    cache_dir: str | None = None  # None: the platform's cache folder

    def pool(self, batch: int = 1) -> PoolOptions:
        """`batch`: files sent to a worker together when faces are not checked."""
        # without faces a file takes about as long as its round trip: two at a time
        return PoolOptions(self.jobs, self.timeout, self.in_process, self.low_priority,
                           self.memory_limit, 1 if self.faces else 2,
                           1 if self.faces else batch)

    def worker_count(self) -> int:
        return self.pool().worker_count()


class ScanError(MessageError, RuntimeError):
    """The scan could not run at all (no readable folder, no worker could start)."""


def resolve_detector(spec: str) -> Callable[[], tuple[Any, Message | None]]:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _names(sidecars: Sequence[str]) -> list[str]:
    return [os.path.basename(s) for s in sidecars]


# Failures kept in the cache: verdicts on the file's content. Any other (a busy machine,
# a worker killed from outside, a limit, a disk or permission error) says more about the
# moment than about the file: not kept, the file is read again next time.
_KEPT_ERRORS = frozenset({"file.damaged", "file.not_supported", "file.empty",
                          "file.unknown_format"})
# A detector that could not start in one worker: its reports say faces were not checked
_DETECTOR_DOWN = frozenset({"faces.unavailable", "faces.cannot_start"})


def _worth_keeping(report: PhotoReport, photo: PhotoFile,
                   detector_problem: Message | None) -> bool:
    """Whether a fresh report may be kept: it did not fail for a passing reason, the
    detector loaded, and the file was read as it was found (same size and time, where
    the report says). It is kept under the stamp the file had when found, taken before
    it was read: a file changed since is read again next time."""
    if detector_problem is not None or not photo.stamp:
        return False
    if report.error is not None and report.error.code not in _KEPT_ERRORS:
        return False
    if any(m.code in _DETECTOR_DOWN for m in report.not_checked):
        return False
    if report.file is None:
        return True
    size, mtime = photo.stamp.split(":", 2)[:2]
    return report.file.size == int(size) and report.file.mtime_ns == int(mtime)


@dataclass
class InspectJob:
    """Inspect one photo: its PhotoReport."""

    faces: bool
    detector_spec: str
    detector: Any = field(default=None, repr=False)
    problem: Message | None = None

    def start(self) -> Message | None:
        # the readers load here, in the worker, before it says it is ready (the parent
        # never reads a photo, and starts without them)
        importlib.import_module("..inspection", __package__)

        if self.faces:
            self.detector, self.problem = resolve_detector(self.detector_spec)()
        return self.problem

    def run(self, item: PhotoFile) -> PhotoReport:
        from ..inspection import InspectOptions, inspect_file

        return inspect_file(item.path, item.sidecars, InspectOptions(faces=self.faces),
                            self.detector, self.problem, item.format)

    def failure(self, item: PhotoFile, message: Message) -> PhotoReport:
        return PhotoReport(path=item.path, format=item.format, error=message,
                           sidecars=_names(item.sidecars))

    def after_crash(self, pid: int) -> None:
        pass


@dataclass(frozen=True, slots=True)
class CopyTask:
    """One photo to copy, with the scan's report of it when there is one, and the faces
    chosen to blur in it (indices into known.faces; None: as the options say)."""

    photo: PhotoFile
    known: PhotoReport | None = None
    blur_faces: tuple[int, ...] | None = None

    @property
    def path(self) -> str:
        return self.photo.path


@dataclass
class CopyJob:
    """Write a safe copy of one photo: its CleanResult."""

    out_dir: str
    options: CleanOptions
    roots: tuple[str, ...]
    detector_spec: str
    detector: Any = field(default=None, repr=False)

    def start(self) -> Message | None:
        # faces are looked for to blur them, and to say which ones a copy still shows
        problem = None
        if self.options.blur != "none" or self.options.check_faces:
            self.detector, problem = resolve_detector(self.detector_spec)()
        return problem

    def run(self, item: CopyTask) -> CleanResult:
        from ..clean.copy import clean_file

        return clean_file(item.path, self.out_dir, self.options, self.detector,
                          item.photo.sidecars, self.roots, item.known, item.blur_faces)

    def failure(self, item: CopyTask, message: Message) -> CleanResult:
        from ..clean.copy import CleanResult

        return CleanResult(source=item.path, error=message,
                           sidecars=_names(item.photo.sidecars))

    def after_crash(self, pid: int) -> None:
        from ..clean.write import remove_leftovers

        remove_leftovers(self.out_dir, pid)  # a copy it was writing must not stay


class Scanner:
    """Runs one scan (or one run of safe copies) at a time; reusable. Not thread-safe:
    drive it from one thread."""

    def __init__(self, options: ScanOptions | None = None) -> None:
        self.options = options or ScanOptions()
        self.problems: list[tuple[str, Message]] = []  # (path, problem) found while discovering
        self.detector_problem: Message | None = None
        self.cancelled = False
        # the report cache: what it said (set aside, not kept), and what it did
        self.cache_problems: list[Message] = []
        self.from_cache = 0  # reports of unchanged files, not read again
        self.checked = 0  # reports made by reading the file
        self.forgotten = 0  # kept reports of files no longer there, deleted

    def discover(self, roots: Iterable[str], cancel: CancelToken | None = None,
                 progress: ProgressCallback | None = None) -> list[PhotoFile]:
        found: list[PhotoFile] = []
        last = 0.0
        for photo in discover(roots, self.options.include_hidden, self._problem,
                              (lambda: cancel.cancelled) if cancel else None):
            found.append(photo)
            now = time.monotonic()
            if progress is not None and now - last > 0.1:
                last = now
                progress(Progress("discovering", 0, len(found), photo.path))
        return found

    def scan(self, roots: Iterable[str], progress: ProgressCallback | None = None,
             cancel: CancelToken | None = None) -> Iterator[PhotoReport]:
        """Discover the photos under `roots` and yield one report per photo, as the walk
        through the folders goes on (phase "discovering" until it ends): the files found
        go to the workers as they are found, and with the cache on, the kept report of
        an unchanged file is yielded without reading it."""
        roots = self._begin(roots)
        self.cache_problems = []
        self.from_cache = self.checked = self.forgotten = 0
        cancel = cancel or CancelToken()
        cache = self._open_cache()
        pool = self._inspect_pool()
        seen: set[str] = set()
        # files sent to the workers, by path, with their sidecars' stamps taken when they
        # were found (before they were read: a sidecar changed meanwhile is read again)
        reading: dict[str, tuple[PhotoFile, bytes]] = {}
        # what the cache keeps of the files of the folder being walked, looked up when
        # each was found (by path; taken when the folder's photos are handed out)
        rows: dict[str, Row] = {}

        def known(path: str, stamp: str) -> str | None:
            row = cache.row(path) if cache is not None else None
            if row is None or row.stamp != stamp:
                return None
            rows[path] = row
            return row.format

        def items() -> Iterator[PhotoFile | Ready]:
            for photo in discover(roots, self.options.include_hidden, self._problem,
                                  lambda: cancel.cancelled, known if cache else None):
                seen.add(photo.path)
                report = self._kept(cache, photo, rows.pop(photo.path, None))
                if report is not None:
                    self.from_cache += 1
                    yield Ready(photo.path, report)
                else:
                    reading[photo.path] = (photo, sidecars_stamp(photo.sidecars)
                                           if cache is not None else b"")
                    yield photo

        try:
            for report in self._run(pool, items(), progress, cancel):
                found = reading.pop(report.path, None)
                if found is not None:
                    photo, sidecars = found
                    self.checked += 1
                    if cache is not None and _worth_keeping(report, photo, pool.problem):
                        cache.store(photo.path, photo.stamp, sidecars, photo.format, report)
                yield report
            # (a walk that was cancelled did not see every file: nothing is forgotten)
            if cache is not None and not self.cancelled and not cancel.cancelled:
                self.forgotten = cache.forget_missing(roots, seen)
        finally:
            pool.close()
            if cache is not None:
                cache.close()
                if cache.problem is not None:
                    self.cache_problems.append(cache.problem)

    def _open_cache(self) -> ReportCache | None:
        if not self.options.cache:
            return None
        from ..cache import ReportCache, context_key

        opts = self.options
        folder = Path(opts.cache_dir) if opts.cache_dir else None
        cache, note = ReportCache.open(
            context_key(opts.faces, opts.detector, opts.include_hidden), folder)
        if note is not None:
            self.cache_problems.append(note)
        return cache

    @staticmethod
    def _kept(cache: ReportCache | None, photo: PhotoFile,
              row: Row | None) -> PhotoReport | None:
        """The kept report of `photo`, when its sidecars are unchanged: `row` is what
        the cache keeps of it, looked up when it was found and only when the file's
        stamp was the same (scan's `known`), so the file itself is unchanged."""
        if cache is None or row is None:
            return None
        report = cache.report(row, photo.sidecars)
        if report is None:
            return None
        report.path = photo.path  # (the same file, named as this scan names it)
        return report

    def scan_files(self, photos: list[PhotoFile], progress: ProgressCallback | None = None,
                   cancel: CancelToken | None = None) -> Iterator[PhotoReport]:
        yield from self._run(self._inspect_pool(), photos, progress, cancel)

    def copy(self, roots: Iterable[str], out_dir: str, options: CleanOptions,
             progress: ProgressCallback | None = None,
             cancel: CancelToken | None = None) -> Iterator[CleanResult]:
        """Discover the photos under `roots` and write a safe copy of each into
        `out_dir`; one result per photo."""
        roots = list(roots)
        yield from self._discover_and_run(self._copy_pool(out_dir, options, roots), roots,
                                          CopyTask, progress, cancel)

    def copy_files(self, photos: Sequence[PhotoFile], out_dir: str, options: CleanOptions,
                   roots: Sequence[str], progress: ProgressCallback | None = None,
                   cancel: CancelToken | None = None,
                   known: Mapping[str, PhotoReport] | None = None,
                   blur: Mapping[str, Sequence[int]] | None = None) -> Iterator[CleanResult]:
        """Write a safe copy of each photo into `out_dir`; one result per photo. `known`:
        the scan's reports by path, used while the files are unchanged. `blur`: the faces
        chosen to blur, by path (indices into the known report's faces): exactly those
        are blurred in that photo, whatever `options.blur` says."""
        known, blur = known or {}, blur or {}
        tasks = [CopyTask(p, known.get(p.path),
                          tuple(blur[p.path]) if p.path in blur else None) for p in photos]
        yield from self._run(self._copy_pool(out_dir, options, roots), tasks, progress,
                             cancel)

    def _copy_pool(self, out_dir: str, options: CleanOptions,
                   roots: Sequence[str]) -> Pool[CopyTask, CleanResult]:
        return Pool(CopyJob(out_dir, options, tuple(roots), self.options.detector),
                    self.options.pool())

    def _inspect_pool(self) -> Pool[PhotoFile, PhotoReport]:
        return Pool(InspectJob(self.options.faces, self.options.detector),
                    self.options.pool(INSPECT_BATCH))

    def _discover_and_run(self, pool: Pool[Any, Any], roots: Iterable[str],
                          item: Callable[[PhotoFile], Any], progress: ProgressCallback | None,
                          cancel: CancelToken | None) -> Iterator[Any]:
        """Walk through `roots` while the pool's workers start, then run the pool over
        the photos found (each made into the job's item)."""
        roots = self._begin(roots)
        pool.warm_up()  # worker start-up overlaps the walk through the folders
        try:
            photos = self.discover(roots, cancel, progress)
            yield from self._run(pool, [item(p) for p in photos], progress, cancel)
        finally:
            pool.close()

    def _begin(self, roots: Iterable[str]) -> list[str]:
        """A new run over `roots`: what the last one found is forgotten; ScanError when
        none of them exists."""
        roots = list(roots)
        self.problems, self.cancelled = [], False
        if not any(os.path.exists(r) for r in roots):
            raise ScanError(msg("path.missing"))
        return roots

    def _run(self, pool: Pool[Any, Any], photos: Iterable[Any],
             progress: ProgressCallback | None, cancel: CancelToken | None) -> Iterator[Any]:
        try:
            yield from pool.run(photos, progress, cancel)
        except PoolError as exc:
            raise ScanError(exc.message) from exc
        finally:
            self.cancelled = pool.cancelled
            self.detector_problem = pool.problem

    def _problem(self, path: str, message: Message) -> None:
        self.problems.append((path, message))
