"""Scan orchestration: discovery, worker processes, progress, cancellation.

Each file is inspected in a worker process. A file that crashes its worker (a decoder
fault), hangs (per-file timeout) or exhausts memory becomes an error entry for that
file; the worker is replaced and the scan goes on. Results are streamed in completion
order. The front ends (CLI, GUI) use only `Scanner`, `ScanOptions`, `Progress` and
`CancelToken`.
"""

from __future__ import annotations

import collections
import contextlib
import importlib
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from ..clean.copy import CleanOptions, CleanResult, clean_file, remove_leftovers
from ..discover import PhotoFile, discover
from ..i18n import _, set_language
from ..inspection import InspectOptions, inspect_file, too_large_message
from ..model import PhotoReport

DEFAULT_DETECTOR = "photocheck.core.faces.detect:load_detector"
# Tasks handed to a worker at a time. One: a worker gets its next file only when it is
# free, so a slow file never holds another behind it while a worker is idle (two would
# save a round trip per file: ~15% on tiny files, nothing on photos with faces).
PREFETCH = 1
# The most memory one worker may use (Linux: its data segment, RLIMIT_DATA; elsewhere
# not enforced by the system, only by the readers' own limits). Past it, reading the
# file fails with MemoryError and the file is reported "too large to read safely".
MEMORY_LIMIT = 1024 * 1024 * 1024
HEARTBEAT = 0.25  # seconds between progress reports while no file finishes


def limit_memory(limit: int) -> bool:
    """Cap this process's memory at `limit` bytes where the system can (Linux); True
    when a cap is in force."""
    try:
        import resource
    except ImportError:  # Windows
        return False
    which = getattr(resource, "RLIMIT_DATA", None) if sys.platform == "linux" else None
    if which is None or limit <= 0:
        return False
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(which, (limit, hard))
    except (ValueError, OSError):
        return False
    return True


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
    language: str | None = None  # of the reports' texts; None: the system's
    # Instead of inspecting, write safe copies: (output folder, options, folders being
    # checked); each file then yields a CleanResult (see core/clean.py)
    clean: tuple[str, CleanOptions, tuple[str, ...]] | None = None
    memory_limit: int = MEMORY_LIMIT  # bytes per worker; 0: no limit

    def worker_count(self) -> int:
        if self.jobs > 0:
            return self.jobs
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:
            return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class Progress:
    phase: str  # "discovering", "scanning", "finished", "cancelled"
    done: int
    total: int  # photos found so far (final once phase is "scanning")
    current: str | None = None


class CancelToken:
    """Set from any thread; the scan stops within a fraction of a second."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class ScanError(RuntimeError):
    """The scan could not run at all (no readable folder, no worker could start)."""


ProgressCallback = Callable[[Progress], None]


def resolve_detector(spec: str) -> Callable[[], tuple[Any, str | None]]:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


# -- worker process -------------------------------------------------------------------------


def _work(photo_path: str, sidecars: Sequence[str], options: InspectOptions, detector: Any,
          problem: str | None, clean: tuple[str, CleanOptions, tuple[str, ...]] | None) -> Any:
    """One file's work in a worker: its report, or its safe copy."""
    if clean is not None:
        out_dir, clean_options, roots = clean
        return clean_file(photo_path, out_dir, clean_options, detector, sidecars, roots)
    return inspect_file(photo_path, sidecars, options, detector, problem)


def _failure(path: str, fmt: str | None, sidecars: Sequence[str], message: str,
             clean: bool) -> Any:
    names = [os.path.basename(s) for s in sidecars]
    if clean:
        return CleanResult(source=path, error=message, sidecars=names)
    return PhotoReport(path=path, format=fmt, error=message, sidecars=names)


def _tasks(conn: Connection) -> Iterator[Any]:
    """The tasks the parent sends, until it sends None or goes away."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        yield task


def _worker_main(conn: Connection, faces: bool, detector_spec: str,
                 low_priority: bool, language: str | None,
                 clean: tuple[str, CleanOptions, tuple[str, ...]] | None = None,
                 memory_limit: int = MEMORY_LIMIT) -> None:
    os.environ["OMP_NUM_THREADS"] = "1"
    # Ctrl-C in a terminal reaches the whole process group: the parent decides, and
    # stops its workers itself (no traceback from each worker)
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.simplefilter("ignore")  # decoder warnings belong in reports, not on stderr
    if language:
        set_language(language)
    if low_priority and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(5)
    detector = problem = None
    if faces:
        detector, problem = resolve_detector(detector_spec)()
    limit_memory(memory_limit)  # after start-up: the cap is for what a file costs
    conn.send(("ready", problem))
    options = InspectOptions(faces=faces)
    for index, path, sidecars in _tasks(conn):
        try:
            report = _work(path, sidecars, options, detector, problem, clean)
        except MemoryError:
            report = _failure(path, None, sidecars, too_large_message(), clean is not None)
        except Exception as exc:  # last resort: the parent must always get an answer
            report = _failure(path, None, sidecars,
                              f"internal error ({type(exc).__name__})", clean is not None)
        conn.send((index, report))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    outstanding: collections.deque[tuple[int, PhotoFile]] = field(
        default_factory=collections.deque)
    busy_since: float = 0.0
    ready: bool = False


class Scanner:
    """Runs one scan at a time; reusable. Not thread-safe: drive it from one thread."""

    def __init__(self, options: ScanOptions | None = None) -> None:
        self.options = options or ScanOptions()
        self.problems: list[tuple[str, str]] = []  # (path, message) found while discovering
        self.detector_problem: str | None = None
        self.cancelled = False
        self.total = 0
        self._done = 0
        self._started: list[_Worker] = []  # workers started while discovery runs
        self._beat = 0.0  # when progress was last reported

    # -- public API ---------------------------------------------------------------------

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
             cancel: CancelToken | None = None) -> Iterator[Any]:
        """Discover the photos under `roots` and yield one report per photo."""
        roots = list(roots)
        self.problems, self.cancelled = [], False
        if not any(os.path.exists(r) for r in roots):
            raise ScanError("none of the given paths exists")
        if not self.options.in_process:
            # Worker start-up (a fresh interpreter importing the decoders) overlaps the
            # walk through the folders.
            ctx = mp.get_context("spawn")
            self._started = [self._start_worker(ctx)
                             for _ in range(self.options.worker_count())]
        try:
            photos = self.discover(roots, cancel, progress)
            yield from self.scan_files(photos, progress, cancel)
        finally:
            self._stop(self._started)
            self._started = []

    def scan_files(self, photos: list[PhotoFile], progress: ProgressCallback | None = None,
                   cancel: CancelToken | None = None) -> Iterator[Any]:
        self.total = len(photos)
        cancel = cancel or CancelToken()
        if cancel.cancelled:
            self.cancelled = True
            return
        if progress is not None:
            progress(Progress("scanning", 0, len(photos)))
        if self.options.in_process:
            gen = self._scan_in_process(photos, progress, cancel)
        else:
            gen = self._scan_with_workers(photos, progress, cancel)
        yield from gen
        if progress is not None:
            phase = "cancelled" if self.cancelled else "finished"
            progress(Progress(phase, self._done, len(photos)))

    # -- internals ------------------------------------------------------------------------

    def _problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def _scan_in_process(self, photos: list[PhotoFile], progress: ProgressCallback | None,
                         cancel: CancelToken) -> Iterator[Any]:
        detector = None
        if self.options.faces:
            detector, self.detector_problem = resolve_detector(self.options.detector)()
        options = InspectOptions(faces=self.options.faces)
        self._done = 0
        for photo in photos:
            if cancel.cancelled:
                self.cancelled = True
                return
            report = _work(photo.path, photo.sidecars, options, detector,
                           self.detector_problem, self.options.clean)
            yield self._finish(report, progress, photos, None)

    def _start_worker(self, ctx: Any) -> _Worker:
        parent, child = ctx.Pipe(duplex=True)
        process = ctx.Process(target=_worker_main,
                              args=(child, self.options.faces, self.options.detector,
                                    self.options.low_priority, self.options.language,
                                    self.options.clean, self.options.memory_limit),
                              daemon=True, name="photocheck-worker")
        process.start()
        child.close()
        return _Worker(process, parent)

    def _scan_with_workers(self, photos: list[PhotoFile], progress: ProgressCallback | None,
                           cancel: CancelToken) -> Iterator[Any]:
        ctx = mp.get_context("spawn")
        pending: collections.deque[tuple[int, PhotoFile]] = collections.deque(enumerate(photos))
        count = min(self.options.worker_count(), max(1, len(photos)))
        self._done = 0
        if not photos:
            return
        started, self._started = self._started, []
        workers = started[:count]
        self._stop(started[count:])
        workers += [self._start_worker(ctx) for _ in range(count - len(workers))]
        timeout = self.options.timeout
        try:
            while pending or any(w.outstanding for w in workers):
                if cancel.cancelled:
                    self.cancelled = True
                    return
                now = time.monotonic()
                for w in workers:
                    self._feed(w, pending, now)
                deadline = min((w.busy_since + timeout for w in workers if w.outstanding),
                               default=now + 0.1)
                waits = [w.conn for w in workers] + [w.process.sentinel for w in workers]
                ready = wait(waits, timeout=max(0.0, min(0.1, deadline - now)))
                for i, w in enumerate(workers):
                    crashed = False
                    if w.conn in ready:
                        try:
                            message = w.conn.recv()
                        except (EOFError, OSError):
                            crashed = True
                        else:
                            report = self._handle(w, message)
                            # the next file goes out before this report is handed on:
                            # the worker never waits while the front end prints
                            self._feed(w, pending, time.monotonic())
                            if report is not None:
                                yield self._finish(report, progress, photos, w)
                            continue
                    if crashed or (w.process.sentinel in ready and not w.process.is_alive()):
                        yield from self._replace(i, workers, ctx, pending, progress, photos,
                                                 "crash")
                    elif w.outstanding and time.monotonic() - w.busy_since > timeout:
                        yield from self._replace(i, workers, ctx, pending, progress, photos,
                                                 "timeout")
                if progress is not None and time.monotonic() - self._beat >= HEARTBEAT:
                    # while files are slow: front ends update their clock and show what
                    # has arrived, without waiting for the next result
                    busy = next((w.outstanding[0][1].path for w in workers if w.outstanding),
                                None)
                    self._beat = time.monotonic()
                    progress(Progress("scanning", self._done, len(photos), busy))
        finally:
            self._stop(workers)

    @staticmethod
    def _feed(w: _Worker, pending: collections.deque[tuple[int, PhotoFile]],
              now: float) -> None:
        """Hand a ready worker files until it holds PREFETCH of them."""
        if not w.ready:
            return
        while pending and len(w.outstanding) < PREFETCH:
            index, photo = pending.popleft()
            if not w.outstanding:
                w.busy_since = now
            w.outstanding.append((index, photo))
            try:
                w.conn.send((index, photo.path, photo.sidecars))
            except (OSError, ValueError):
                return  # the worker died; the scan loop notices

    def _handle(self, w: _Worker, message: Any) -> PhotoReport | None:
        if message[0] == "ready":
            w.ready = True
            self.detector_problem = message[1]
            return None
        index, report = message
        if w.outstanding and w.outstanding[0][0] == index:
            w.outstanding.popleft()
        w.busy_since = time.monotonic()
        return report  # type: ignore[no-any-return]

    def _finish(self, report: Any, progress: ProgressCallback | None,
                photos: list[PhotoFile], w: _Worker | None) -> Any:
        self._done += 1
        self._beat = time.monotonic()
        if progress is not None:
            current = w.outstanding[0][1].path if w is not None and w.outstanding else None
            progress(Progress("scanning", self._done, len(photos), current or report.path))
        return report

    def _replace(self, i: int, workers: list[_Worker], ctx: Any,
                 pending: collections.deque[tuple[int, PhotoFile]],
                 progress: ProgressCallback | None, photos: list[PhotoFile],
                 why: str) -> Iterator[Any]:
        w = workers[i]
        code = w.process.exitcode
        self._kill(w)
        if self.options.clean is not None:  # a copy it was writing must not stay
            remove_leftovers(self.options.clean[0], w.process.pid)
        if w.outstanding:
            _index, photo = w.outstanding.popleft()
            if why == "timeout":
                message = _("reading this file took longer than {seconds} s and was stopped "
                            "(the file may be damaged or hostile)").format(
                                seconds=f"{self.options.timeout:g}")
            else:
                message = _("reading this file crashed the decoder (exit code {code}); the "
                            "file may be damaged or hostile").format(code=code)
            report = _failure(photo.path, photo.format, photo.sidecars, message,
                              self.options.clean is not None)
            # the other files this worker held are tried again by a fresh worker
            pending.extendleft(reversed(w.outstanding))
            yield self._finish(report, progress, photos, None)
        elif not w.ready:
            raise ScanError(f"a scan worker could not start (exit code {code})")
        workers[i] = self._start_worker(ctx)

    @staticmethod
    def _kill(w: _Worker) -> None:
        if w.process.is_alive():
            w.process.kill()
        w.process.join(timeout=5)
        w.conn.close()

    def _stop(self, workers: list[_Worker]) -> None:
        for w in workers:
            if w.process.is_alive():
                if self.cancelled or w.outstanding:
                    w.process.kill()
                else:
                    try:
                        w.conn.send(None)
                    except (OSError, ValueError):
                        w.process.kill()
        for w in workers:
            w.process.join(timeout=5)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(timeout=5)
            w.conn.close()
            if self.options.clean is not None and w.process.pid is not None:
                remove_leftovers(self.options.clean[0], w.process.pid)  # a stopped copy


# -- previews for front ends ----------------------------------------------------------------


def _preview_main(conn: Connection) -> None:
    from ..inspection import DecodeError, render_preview

    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.simplefilter("ignore")
    limit_memory(MEMORY_LIMIT)
    for path, side in _tasks(conn):
        try:
            conn.send(("ok", render_preview(path, side)))
        except (DecodeError, OSError, ValueError, MemoryError) as exc:
            conn.send(("error", str(exc)))
        except Exception as exc:  # the caller must always get an answer
            conn.send(("error", f"internal error ({type(exc).__name__})"))


class PreviewError(Exception):
    """This photo's preview could not be made; the message says why."""


class PreviewService:
    """Renders previews (thumbnails) of photos in a helper process, so that a decoder
    crash or hang on a hostile file costs that preview, never the front end. Not
    thread-safe: call it from one thread at a time."""

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

    def render(self, path: str, side: int) -> tuple[int, int, bytes]:
        """(width, height, RGB bytes) of the photo as displayed, long side <= `side`."""
        conn = self._start()
        try:
            conn.send((path, side))
            if conn.poll(self.timeout):
                status, value = conn.recv()
                if status == "ok":
                    return value  # type: ignore[no-any-return]
                raise PreviewError(value)
        except (EOFError, OSError):
            pass  # the helper died: it is replaced on the next call
        self.close()
        raise PreviewError(_("the preview could not be made: reading this file crashed or "
                             "hung the decoder (the file may be damaged or hostile)"))

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
