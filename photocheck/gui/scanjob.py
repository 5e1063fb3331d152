"""A scan running in the background: the core's Scanner driven from a QThread, its
progress callback and streamed reports turned into queued signals for the GUI thread.

This is the only place where reports are batched and progress is throttled on their way
to the window: the GUI thread gets a handful of signals a second, however fast photos
are read, and merges each batch into its model in one go."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QThread, Signal

from ..core.discover import PhotoFile
from ..core.engine.scan import CancelToken, Progress, ScanError, Scanner, ScanOptions
from ..core.messages import Message, msg

# What a job runs: a scan by default; safe copies pass Scanner.copy_files
Work = Callable[[Scanner, Callable[[Progress], None], CancelToken], Iterable[object]]

PROGRESS_SECONDS = 0.1  # progress is handed on at most this often (phase changes at once)
# Reports are handed on at most this often, less often as the list grows: merging a batch
# into a sorted view costs O(rows) (see models.PhotoFilter), so 100,000 photos get a
# batch a second and the first thousands one every 0.1 s.
BATCH_SECONDS = (0.1, 1.0)
ROWS_PER_SECOND_OF_DELAY = 100_000


def batch_interval(shown: int) -> float:
    """Seconds between two batches when `shown` reports were handed on so far."""
    low, high = BATCH_SECONDS
    return min(high, max(low, shown / ROWS_PER_SECOND_OF_DELAY))


# While a scan's reports arrive, cyclic garbage is collected this often (below): one
# full collection (0.1-0.5 s for 20,000-100,000 photos) every two minutes
SETTLE_SECONDS = 120.0


class Settled:
    """Reports in the model stay, and hold no reference cycles; yet each full collection
    of the garbage collector walked through all of them again, and while tens of
    thousands arrive from the report cache such collections come one after another (a
    fifth of a 20,000-photo relaunch). So once a batch is in the model, everything alive
    is set aside from collection (gc.freeze). Every `period` seconds all of it is handed
    back and collected once (cyclic garbage made meanwhile goes then), and set aside
    again; when the scan is over (or the window closes) it is handed back for good."""

    def __init__(self, period: float = SETTLE_SECONDS) -> None:
        self.period = period
        self._since: float | None = None

    def settle(self, _batch: object = None) -> None:
        """A batch went into the model."""
        now = time.monotonic()
        if self._since is None:
            self._since = now
        if now - self._since >= self.period:
            gc.unfreeze()
            gc.collect()
            self._since = now
        gc.freeze()

    def release(self) -> None:
        """The scan is over (or the window closes)."""
        if self._since is not None:
            gc.unfreeze()
            self._since = None


class ScanJob(QThread):
    """One scan of `roots` (or of `files`; or any other `work` of a Scanner, such as safe
    copies) on its own thread. Signals arrive queued in the thread that made the job (the
    GUI thread); `cancel()` stops it within ~0.1 s; `done` comes after the last batch."""

    progress = Signal(object)  # Progress, throttled
    # the work's results in completion order: list[PhotoReport] for a scan,
    # list[CleanResult] for safe copies
    reports = Signal(list)
    failed = Signal(object)  # Message: the scan could not run at all
    done = Signal(bool)  # the job is over (True when cancelled); is_running() is False

    def __init__(self, roots: list[str], options: ScanOptions,
                 parent: QObject | None = None, files: list[PhotoFile] | None = None,
                 work: Work | None = None) -> None:
        super().__init__(parent)
        self._roots = list(roots)
        self._files = files
        self._options = options
        self._work = work
        self._cancel = CancelToken()
        self.problems: list[tuple[str, Message]] = []  # (path, message), set before `done`
        self.detector_problem: Message | None = None
        # the report cache, set before `done`: photos not read again, photos read, and
        # what it had to say (set aside, not kept)
        self.from_cache = 0
        self.checked = 0
        self.cache_problems: list[Message] = []
        # QThread.finished is emitted by the thread as it ends; it is delivered here, in
        # the job's thread, where isRunning() is already False
        self.finished.connect(self._finished)
        # the scan thread's own state, touched only by run()
        self._batch: list[object] = []
        self._shown = 0
        self._last_batch = self._last_progress = 0.0
        self._last_phase = ""

    # -- public API ---------------------------------------------------------------------

    def cancel(self) -> None:
        self._cancel.cancel()

    @property
    def cancelled(self) -> bool:
        return self._cancel.cancelled

    def is_running(self) -> bool:
        return self.isRunning()

    # -- the scan thread ----------------------------------------------------------------

    def run(self) -> None:
        """The scan, on the job's thread. Never raises: a failure becomes `failed`."""
        scanner: Scanner | None = None
        try:
            scanner = Scanner(self._options)
            if self._work is not None:
                results = self._work(scanner, self._on_progress, self._cancel)
            elif self._files is None:
                results = scanner.scan(self._roots, self._on_progress, self._cancel)
            else:
                results = scanner.scan_files(self._files, self._on_progress, self._cancel)
            for result in results:
                self._batch.append(result)
                self._hand_on_batch(time.monotonic())
        except ScanError as exc:
            self.failed.emit(exc.message)
        except Exception as exc:  # the GUI must hear of it; the app goes on
            self.failed.emit(msg("internal", reason=f"{type(exc).__name__}: {exc}"))
        finally:
            self._hand_on_batch(None)
            if scanner is not None:
                self.problems = list(scanner.problems)
                self.detector_problem = scanner.detector_problem
                self.from_cache, self.checked = scanner.from_cache, scanner.checked
                self.cache_problems = list(scanner.cache_problems)

    def _on_progress(self, p: Progress) -> None:
        now = time.monotonic()
        if (p.phase != self._last_phase or p.phase in ("finished", "cancelled")
                or now - self._last_progress >= PROGRESS_SECONDS):
            self._last_phase, self._last_progress = p.phase, now
            self.progress.emit(p)
        # the core calls this every 0.25 s while no file finishes: the reports already
        # here are shown while a slow file is still being read
        self._hand_on_batch(now)

    def _hand_on_batch(self, now: float | None) -> None:
        """Emit the batch when it is due (`now`), or whatever is left (None)."""
        if not self._batch:
            return
        if now is not None and now - self._last_batch < batch_interval(self._shown):
            return
        batch, self._batch = self._batch, []
        self._shown += len(batch)
        self._last_batch = time.monotonic()
        self.reports.emit(batch)

    def _finished(self) -> None:
        self.done.emit(self._cancel.cancelled)
