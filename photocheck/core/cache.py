"""The report cache: what a scan found in each photo, kept so that the next scan of an
unchanged library reads no photo at all (only each file's `stat`).

One SQLite database under the platform's cache folder (`PHOTOCHECK_CACHE_DIR` overrides
it). Private: the folder is 0700 and the database and its WAL and shared-memory files
0600 on POSIX, created that way (a strict umask while they are made, and the database
file made by photocheck itself before SQLite opens it). It holds what the reports hold
(paths, names, places) and nothing more: no pixels, no thumbnails.

A report is used again only while everything it was made from is unchanged:

- the file: its path, size, modification time (ns), inode (the file id on Windows) and,
  on POSIX, its change time (ctime), which the system sets on every write and rename and
  which no program can set back (so a file rewritten with the same size and its old
  modification time restored is read again; on Windows, whose stat has no change time,
  only size, time and file id are compared: `--no-cache`, or turning "Remember
  results" off, reads all);
- its sidecar files: which ones there are, and the same for each;
- the scan: the version of photocheck's inspection code (a digest of its source), the
  versions of the decoders and of the face detector, and the options that change a
  result (faces on or off, the detector, hidden folders). Another version or option is
  another "context": its reports are kept apart, and those of other code versions are
  deleted when the cache opens.

Reports are stored pickled and read back with an unpickler that can only call the
functions that make photocheck's records (which refuse any state a pickle would set on
them: a row that is not photocheck's cannot make or change anything else), and a report
of another shape is no report. Errors are kept only when they judge the file's content.
A scan that was cancelled forgets nothing. A damaged,
foreign or forever-locked database is set aside (renamed, still private; `forget`
removes it) and a new one is made, with a message; a cache that cannot be made at all
(a read-only folder) only means that this scan is not kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sqlite3
import stat
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .discover import sidecars_stamp
from .messages import Message, msg
from .model import PhotoReport

SCHEMA = 1  # PRAGMA user_version of the layout below
MARK = "photocheck report cache"  # in the meta table: the file is photocheck's
CACHE_FILE = "reports.sqlite3"
SET_ASIDE = "reports-set-aside-"  # + time + ".sqlite3": a database that could not be used
BUSY_SECONDS = 10.0  # how long a writer waits for another one before the cache is set aside
STORE_EVERY = 0.5  # seconds between two commits while reports arrive
_POSIX = os.name == "posix"
_SIDE_FILES = ("-wal", "-shm", "-journal")


def cache_dir() -> Path:
    override = os.environ.get("PHOTOCHECK_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("photocheck", appauthor=False))


# -- what a report depends on ---------------------------------------------------------------


_CODE_DIGEST: str | None = None


def code_digest() -> str:
    """A digest of photocheck's inspection code (its core package, as installed): any
    change to it makes a new context. Computed once per process (a few milliseconds)."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        from .. import __version__

        digest = hashlib.sha256(__version__.encode())
        core = Path(__file__).resolve().parent
        files = sorted(core.rglob("*.py")) or sorted(core.rglob("*.pyc"))
        for path in files:
            with contextlib.suppress(OSError):
                digest.update(path.relative_to(core).as_posix().encode())
                digest.update(path.read_bytes())
        _CODE_DIGEST = digest.hexdigest()[:32]
    return _CODE_DIGEST


def _package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def context_key(faces: bool, detector: str, include_hidden: bool) -> str:
    """What, besides the file, a report depends on (see the module's docstring)."""
    decoders = ",".join(f"{n}={_package_version(n)}"
                        for n in ("pillow", "pi-heif", "defusedxml", "exifread"))
    from .faces import backend_versions

    face = f"{detector};{backend_versions(_package_version)}" if faces else "off"
    return f"code={code_digest()};{decoders};faces={face};hidden={int(include_hidden)}"


# -- reading reports back safely --------------------------------------------------------------

def _allowed() -> dict[tuple[str, str], Any]:
    """What a kept report may be made of: the functions that make photocheck's records
    (fast_pickle), its two plain records, and its enums by value. Functions, not the
    classes, wherever pickles name them: a pickle can set attributes on what it is
    given (a class's methods), and records refuse a state (fast_pickle)."""
    from . import messages, model

    def by_value(enum_class: Any) -> Any:
        members = enum_class._value2member_map_  # (a look-up: calling the class is slow)

        def member(value: Any) -> Any:
            try:
                return members[value]
            except KeyError:
                return enum_class(value)  # (not a member: ValueError, the row is dropped)
        return member

    made = {(model.__name__, name): getattr(model, name)
            for name in ("read_report", "shared_finding", "shared_display_hint", "FaceBox",
                         "FileStamp")}
    made.update({(model.__name__, e.__name__): by_value(e)
                 for e in (model.Kind, model.Severity, model.Match, model.PhotoState)})
    made[(messages.__name__, "shared_message")] = messages.shared_message
    return made


_ALLOWED = _allowed()  # the only things a kept report may be made of


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"not a photocheck record: {module}.{name}")
        return found


def _load(blob: bytes) -> PhotoReport | None:
    try:
        report = _Unpickler(io.BytesIO(blob)).load()
    except Exception:  # a damaged or foreign row costs that row only: read again
        return None
    return report if _well_formed(report) else None


def _well_formed(report: object) -> bool:
    """Whether a report read back has the shape photocheck makes (a row written by
    anything else is read as no report, never handed on to crash a front end)."""
    from .model import FaceBox, Finding

    return (isinstance(report, PhotoReport) and isinstance(report.path, str)
            and isinstance(report.findings, list)
            and all(isinstance(f, Finding) and isinstance(f.value, dict)
                    for f in report.findings)
            and isinstance(report.faces, list)
            and all(isinstance(b, FaceBox) for b in report.faces)
            and isinstance(report.not_checked, list)
            and all(isinstance(m, Message) for m in report.not_checked)
            and (report.error is None or isinstance(report.error, Message))
            and isinstance(report.sidecars, list))


# -- the database -------------------------------------------------------------------------------

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contexts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL,
    used REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
    context INTEGER NOT NULL,
    path BLOB NOT NULL,
    stamp TEXT NOT NULL,
    sidecars BLOB NOT NULL,
    format TEXT NOT NULL,
    report BLOB NOT NULL,
    PRIMARY KEY (context, path)
) WITHOUT ROWID;
"""


class CacheUnusable(Exception):
    """The database cannot be used as it is (damaged, foreign, newer, locked)."""


_UMASK_LOCK = threading.Lock()


@contextlib.contextmanager
def _private_umask() -> Iterator[None]:
    """Files made meanwhile are readable by the user only (the umask is the process's:
    for a moment, anything it makes is more private, never less; one thread at a time,
    so that the umask before is always what is put back)."""
    if not _POSIX:
        yield
        return
    with _UMASK_LOCK:
        old = os.umask(0o077)
        try:
            yield
        finally:
            os.umask(old)


def _tighten(path: Path) -> None:
    """A file of the cache that exists with wider permissions is made private."""
    if not _POSIX:
        return
    with contextlib.suppress(OSError):
        st = os.lstat(path)
        if stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(path, 0o600)


def _path_key(path: str) -> bytes:
    """A file's key: its absolute path as the system has it (a relative path given on
    the command line and the app's absolute one are the same file)."""
    return os.fsencode(os.path.abspath(path))


@dataclass
class Row:
    stamp: str
    sidecars: bytes
    format: str
    report: bytes


class ReportCache:
    """The cache of one scan context; open with `ReportCache.open`. One thread at a
    time (the scan's); another process may use the same database meanwhile."""

    def __init__(self, conn: sqlite3.Connection, path: Path, context: int) -> None:
        self._conn = conn
        self.path = path
        self._context = context
        self._pending: list[tuple[int, bytes, str, bytes, str, bytes]] = []
        self._folders: dict[str, str] = {}  # folder as named -> absolute (_key)
        self._last_commit = time.monotonic()
        self.broken = False  # the database failed while in use: nothing more is stored
        self.problem: Message | None = None  # why, said when the scan ends
        self._damaged = False  # ... because it is damaged: set aside when closed

    # -- opening --------------------------------------------------------------------------

    @classmethod
    def open(cls, context: str, folder: Path | None = None, busy: float = BUSY_SECONDS
             ) -> tuple[ReportCache | None, Message | None]:
        """The cache for `context`, and a message when something had to be said: a
        database set aside and made new, or no cache at all this time (then None).
        `busy`: seconds to wait for another process that is writing to it."""
        folder = folder or cache_dir()
        path = folder / CACHE_FILE
        try:
            _make_folder(folder)
        except OSError as exc:
            return None, msg("cache.unavailable", reason=exc.strerror or type(exc).__name__)
        note = None
        for attempt in range(2):
            try:
                conn = _connect(path, busy)
                try:
                    return cls(conn, path, _context(conn, context)), note
                except BaseException:
                    conn.close()
                    raise
            except OSError as exc:
                return None, msg("cache.unavailable",
                                 reason=exc.strerror or type(exc).__name__)
            except (CacheUnusable, sqlite3.Error) as exc:
                # a second failure, or one that cannot be set aside: no cache this time
                if attempt or _set_aside(path) is None:
                    return None, msg("cache.unavailable", reason=str(exc) or "sqlite")
                note = msg("cache.set_aside", reason=_why(exc))
        return None, note  # (not reached)

    # -- use ------------------------------------------------------------------------------

    def _failed(self, exc: Exception) -> None:
        """The database failed while in use: nothing more is read or stored this time;
        a damaged one is set aside when the cache closes."""
        self.broken = True
        locked = isinstance(exc, sqlite3.OperationalError) and (
            "locked" in str(exc) or "busy" in str(exc))
        self._damaged = self._damaged or not locked
        if self.problem is None:
            self.problem = msg("cache.not_kept", reason=msg(
                "cache.locked" if locked else "cache.damaged"))

    def _key(self, path: str) -> bytes:
        """`_path_key`, with each folder made absolute once (a scan asks for every file
        of a folder in turn; the working folder does not change meanwhile)."""
        folder, name = os.path.split(path)
        if name in ("", ".", "..") or os.name == "nt":  # (Windows' abspath also changes
            return _path_key(path)                      # a name: trailing dots, "CON")
        absolute = self._folders.get(folder)
        if absolute is None:
            absolute = self._folders[folder] = os.path.abspath(folder)
        return os.fsencode(os.path.join(absolute, name))

    def _reading(self) -> None:
        """Reads go in one transaction until the next commit: a statement of its own
        would take and free the database's read lock each time (a third of a warm
        scan's time)."""
        if not self._conn.in_transaction:
            self._conn.execute("BEGIN")

    def row(self, path: str) -> Row | None:
        """What is kept of the file at `path` in this context, if anything."""
        if self.broken:
            return None
        try:
            self._reading()
            found = self._conn.execute(
                "SELECT stamp, sidecars, format, report FROM reports "
                "WHERE context = ? AND path = ?", (self._context, self._key(path))).fetchone()
        except sqlite3.Error as exc:
            self._failed(exc)
            return None
        return Row(*found) if found else None

    def report(self, row: Row, sidecars: Sequence[str]) -> PhotoReport | None:
        """The kept report in `row`, if the photo's sidecars are as they were."""
        if row.sidecars != sidecars_stamp(sidecars):
            return None
        return _load(row.report)

    def store(self, path: str, stamp: str, sidecars: bytes, fmt: str,
              report: PhotoReport) -> None:
        """Keep `report` of the file at `path`, whose stamp was `stamp` and its sidecars'
        `sidecars` (sidecars_stamp) when it was found, before it was read (committed
        every STORE_EVERY seconds, and by `close`)."""
        if self.broken:
            return
        blob = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
        self._pending.append((self._context, self._key(path), stamp, sidecars, fmt, blob))
        if time.monotonic() - self._last_commit >= STORE_EVERY:
            self.commit()

    def commit(self) -> None:
        self._last_commit = time.monotonic()
        if not self._pending or self.broken:
            self._pending.clear()
            return
        rows, self._pending = self._pending, []
        try:
            self._conn.commit()  # (the reads' transaction: a write starts its own)
            with self._conn:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO reports "
                    "(context, path, stamp, sidecars, format, report) VALUES (?,?,?,?,?,?)",
                    rows)
        except (sqlite3.Error, ValueError) as exc:  # (locked for longer than `busy`,
            self._failed(exc)                          # damaged, disk full)

    def forget_missing(self, roots: Iterable[str], seen: set[str]) -> int:
        """Delete what is kept of files under `roots` (folders, or files) that a complete
        scan did not find: deleted, moved, or no longer photos. Their number."""
        if self.broken:
            return 0
        gone: list[tuple[int, bytes]] = []
        seen_keys = {self._key(p) for p in seen}
        try:
            self._reading()
            for root in roots:
                key = _path_key(root)
                sep = os.sep.encode()
                low = key.rstrip(sep) + sep
                high = low[:-1] + bytes([low[-1] + 1])
                for (path,) in self._conn.execute(
                        "SELECT path FROM reports WHERE context = ? AND "
                        "((path >= ? AND path < ?) OR path = ?)",
                        (self._context, low, high, key)):
                    if path not in seen_keys:
                        gone.append((self._context, path))
            self._conn.commit()
            if gone:
                with self._conn:
                    self._conn.executemany(
                        "DELETE FROM reports WHERE context = ? AND path = ?", gone)
        except sqlite3.Error as exc:
            self._failed(exc)
            return 0
        return len(gone)

    def close(self) -> None:
        self.commit()
        with contextlib.suppress(sqlite3.Error):
            self._conn.commit()
            self._conn.close()
        if self._damaged:
            _set_aside(self.path)
        for suffix in _SIDE_FILES:
            _tighten(Path(str(self.path) + suffix))


def _make_folder(folder: Path) -> None:
    with _private_umask():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if _POSIX and stat.S_IMODE(folder.stat().st_mode) != 0o700:
        os.chmod(folder, 0o700)


def _connect(path: Path, busy: float) -> sqlite3.Connection:
    """Open (or make) the database at `path` and check that it is photocheck's, of this
    schema; CacheUnusable when it is not."""
    with _private_umask():
        if not path.exists():
            # made here, private, before SQLite opens it; its WAL and shared-memory
            # files take the database's permissions
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        _tighten(path)
        conn = sqlite3.connect(path, timeout=busy, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.isolation_level = "DEFERRED"
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                with conn:
                    conn.executescript(
                        "BEGIN;" + _TABLES +
                        f"INSERT OR REPLACE INTO meta VALUES ('mark', '{MARK}');"
                        f"PRAGMA user_version = {SCHEMA};COMMIT;")
            else:
                mark = None
                if "meta" in tables:
                    found = conn.execute("SELECT value FROM meta WHERE key = 'mark'").fetchone()
                    mark = found[0] if found else None
                if mark != MARK:
                    raise CacheUnusable("foreign")
                if version != SCHEMA:
                    raise CacheUnusable("version")
        except BaseException:
            conn.close()
            raise
    for suffix in _SIDE_FILES:
        _tighten(Path(str(path) + suffix))
    return conn


def _context(conn: sqlite3.Connection, key: str) -> int:
    """The id of the context `key`; the contexts of other code versions go, with their
    reports."""
    code = key.split(";", 1)[0]
    with conn:
        stale = [row[0] for row in conn.execute(
            "SELECT id FROM contexts WHERE code != ?", (code,))]
        for context in stale:
            conn.execute("DELETE FROM reports WHERE context = ?", (context,))
            conn.execute("DELETE FROM contexts WHERE id = ?", (context,))
        conn.execute("INSERT OR IGNORE INTO contexts (key, code, used) VALUES (?, ?, ?)",
                     (key, code, time.time()))
        conn.execute("UPDATE contexts SET used = ? WHERE key = ?", (time.time(), key))
        (context_id,) = conn.execute("SELECT id FROM contexts WHERE key = ?",
                                     (key,)).fetchone()
    return int(context_id)


def _why(exc: BaseException) -> Message:
    text = str(exc)
    if text == "foreign":
        return msg("cache.foreign")
    if text == "version":
        return msg("cache.other_version")
    if "locked" in text or "busy" in text:
        return msg("cache.locked")
    return msg("cache.damaged")


def _set_aside(path: Path) -> Path | None:
    """Rename the database (and its side files) out of the way; the new name, or None
    when it could not be moved."""
    target = path.with_name(f"{SET_ASIDE}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
                            ".sqlite3")
    try:
        os.replace(path, target)
    except FileNotFoundError:
        return target
    except OSError:
        return None
    for suffix in _SIDE_FILES:
        with contextlib.suppress(OSError):
            os.replace(str(path) + suffix, str(target) + suffix)
    _tighten(target)
    return target


# -- forgetting ----------------------------------------------------------------------------------


def is_cache_file(name: str) -> bool:
    """Whether a file in the cache folder is photocheck's."""
    base = name
    for suffix in _SIDE_FILES:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return base == CACHE_FILE or (base.startswith(SET_ASIDE) and base.endswith(".sqlite3"))


def forget_cache(folder: Path | None = None) -> tuple[list[str], int, list[str]]:
    """Delete the cache: (the files removed, the bytes they held, what could not be
    removed). Only photocheck's own files; the folder too when nothing else is in it."""
    from .forget import remove_own

    return remove_own(folder or cache_dir(),
                      lambda entry: is_cache_file(entry.name)
                      and not entry.is_dir(follow_symlinks=False))


__all__ = ["ReportCache", "cache_dir", "context_key", "forget_cache"]
