"""A scan running in the background: the core's Scanner driven from a QThread, its
progress callback and streamed reports turned into queued signals for the GUI thread."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QThread, Signal

from ..core.discover import PhotoFile
from ..core.engine import CancelToken, Progress, ScanError, Scanner, ScanOptions
from ..core.model import PhotoReport

BATCH_SECONDS = 0.1  # reports are handed to the GUI at most this often


class _Runner(QThread):
    progress = Signal(object)  # Progress
    reports = Signal(list)  # list[PhotoReport]
    failed = Signal(str)

    def __init__(self, roots: list[str], options: ScanOptions, cancel: CancelToken,
                 files: list[PhotoFile] | None) -> None:
        super().__init__()
        self.roots = roots
        self.files = files
        self.options = options
        self.cancel = cancel
        self.scanner: Scanner | None = None

    def run(self) -> None:
        scanner = self.scanner = Scanner(self.options)
        batch: list[PhotoReport] = []
        last_batch = last_progress = 0.0

        def on_progress(p: Progress) -> None:
            nonlocal last_progress, batch, last_batch
            now = time.monotonic()
            if p.phase in ("finished", "cancelled") or now - last_progress >= 0.05:
                last_progress = now
                self.progress.emit(p)
            if batch and now - last_batch >= BATCH_SECONDS:
                # reports already here are shown while a slow file is still being read
                self.reports.emit(batch)
                batch, last_batch = [], now

        try:
            results = (scanner.scan(self.roots, on_progress, self.cancel) if self.files is None
                       else scanner.scan_files(self.files, on_progress, self.cancel))
            for report in results:
                batch.append(report)
                now = time.monotonic()
                if now - last_batch >= BATCH_SECONDS:
                    self.reports.emit(batch)
                    batch, last_batch = [], now
        except ScanError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # the GUI must hear of it; the app goes on
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        finally:
            if batch:
                self.reports.emit(batch)


class ScanJob(QObject):
    """One scan (or, with `files` and ScanOptions.clean, one run of safe copies of those
    files). Signals arrive in the GUI thread; `cancel()` stops it within ~0.1 s."""

    progress = Signal(object)  # Progress
    reports = Signal(list)  # list[PhotoReport], in completion order
    failed = Signal(str)  # the scan could not run at all
    finished = Signal(bool)  # True when cancelled

    def __init__(self, roots: list[str], options: ScanOptions,
                 parent: QObject | None = None, files: list[PhotoFile] | None = None) -> None:
        super().__init__(parent)
        self._cancel = CancelToken()
        self._runner = _Runner(list(roots), options, self._cancel, files)
        self._runner.progress.connect(self.progress)
        self._runner.reports.connect(self.reports)
        self._runner.failed.connect(self.failed)
        self._runner.finished.connect(self._done)
        self.problems: list[tuple[str, str]] = []
        self.detector_problem: str | None = None

    def start(self) -> None:
        self._runner.start()

    def cancel(self) -> None:
        self._cancel.cancel()

    @property
    def cancelled(self) -> bool:
        return self._cancel.cancelled

    def is_running(self) -> bool:
        return self._runner.isRunning()

    def wait(self, ms: int = 10_000) -> bool:
        return self._runner.wait(ms)

    def _done(self) -> None:
        scanner = self._runner.scanner
        if scanner is not None:
            self.problems = list(scanner.problems)
            self.detector_problem = scanner.detector_problem
        self.finished.emit(self._cancel.cancelled)
